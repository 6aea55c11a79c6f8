"""How a clause opens decides whether it is an order (our own notices, an invented Sở Nông nghiệp):

- an item under a unit's heading starts with its verb, and some verbs begin like background markers
  ("Theo dõi" / "Theo báo cáo", "Xét duyệt" / "Xét đề nghị", "Tham dự đầy đủ" / "Tham dự có", "Kết quả … gửi
  về" /
  "Kết quả đánh giá …");
- a second subject in the same sentence may follow a connector instead of a comma ("; trong đó X …", "riêng
X",
  "hằng năm X" without its comma), while "đặc biệt là X" / "trong đó có X" between commas stays part of the
  subject;
- consequence connectors ("Vì vậy,", "Trên cơ sở đó,") and "Sau khi có …," open orders; "Sau khi nghe …"
narrates.
"""

from __future__ import annotations

from datetime import date

from rules.findings import AnalysisContext
from tests.unit.rules.test_analyse import run

KH_ITEMS = """Theo báo cáo của Chi cục Thủy lợi, đến nay có 12 hồ chứa bị xuống cấp.
Kết quả đánh giá năm 2022, Trung tâm Khuyến nông đạt 8/10 chỉ tiêu.
Xét đề nghị của Chi cục Thủy lợi, Giám đốc Sở giao nhiệm vụ như sau:
1. Chi cục Thủy lợi:
- Theo dõi mực nước các hồ chứa, báo cáo Văn phòng Sở hằng tuần.
- Xét duyệt hồ sơ hỗ trợ khắc phục hạn hán trước ngày 30/6/2023.
- Tham dự đầy đủ các lớp tập huấn về vận hành hồ chứa.
2. Trung tâm Khuyến nông:
- Theo sát diễn biến thời tiết, hướng dẫn nông dân điều chỉnh lịch gieo cấy.
- Kết quả thực hiện gửi về Văn phòng Sở trước ngày 15/6/2023.
"""


def test_items_that_open_on_a_verb_like_a_background_marker_stay_orders(ctx: AnalysisContext) -> None:
    tasks = run(KH_ITEMS, ctx).tasks
    got = [(t.text.split()[0] + " " + t.text.split()[1], t.lead, t.deadline, t.recurrence) for t in tasks]
    assert got == [
        ("Theo dõi", ("Chi cục Thủy lợi",), None, "weekly"),
        ("Xét duyệt", ("Chi cục Thủy lợi",), date(2023, 6, 30), None),
        ("Tham dự", ("Chi cục Thủy lợi",), None, None),
        ("Theo sát", ("Trung tâm Khuyến nông",), None, None),
        ("Kết quả", ("Trung tâm Khuyến nông",), date(2023, 6, 15), None),
    ]


def test_attendance_and_past_results_stay_background(ctx: AnalysisContext) -> None:
    body = (
        "Tham dự có đại diện Chi cục Thủy lợi, Trung tâm Khuyến nông và Văn phòng Sở.\n"
        "Kết quả kiểm tra: Chi cục Thủy lợi hoàn thành 9/12 nội dung.\n"
        "1. Văn phòng Sở tổng hợp ý kiến các đơn vị.\n"
    )
    assert [t.lead for t in run(body, ctx).tasks] == [("Văn phòng Sở",)]


def test_second_subject_after_a_connector_gets_its_own_task(ctx: AnalysisContext) -> None:
    body = (
        "1. Các phòng, đơn vị rà soát số liệu thiệt hại; trong đó Chi cục Thủy lợi và Trung tâm Khuyến nông "
        "kiểm tra thực địa các vùng bị hạn.\n"
        "2. Văn phòng Sở cập nhật dữ liệu lên phần mềm, riêng Thanh tra Sở báo cáo trước ngày 20/6/2023.\n"
        "3. Riêng Chi cục Chăn nuôi và Thú y xây dựng phương án phòng dịch.\n"
        "4. Hằng năm Văn phòng Sở tổ chức kiểm kê tài sản.\n"
    )
    got = [(t.lead, t.deadline, t.recurrence) for t in run(body, ctx).tasks]
    assert got == [
        (("*",), None, None),
        (("Chi cục Thủy lợi", "Trung tâm Khuyến nông"), None, None),
        (("Văn phòng Sở",), None, None),
        (("Thanh tra Sở",), date(2023, 6, 20), None),
        (("Chi cục Chăn nuôi và Thú y",), None, None),
        (("Văn phòng Sở",), None, "yearly"),
    ]


def test_emphasis_inside_a_subject_is_no_second_assignee(ctx: AnalysisContext) -> None:
    body = (
        "1. Thủ trưởng các đơn vị, đặc biệt là Chi cục Thủy lợi, phải chấp hành nghiêm kỷ luật hành chính.\n"
        "2. Các phòng, đơn vị, trong đó có Văn phòng Sở, rà soát thủ tục hành chính.\n"
        "3. Trung tâm Khuyến nông phối hợp với các đơn vị, nhất là Chi cục Thủy lợi, hướng dẫn tưới tiết "
        "kiệm.\n"
    )
    got = [(t.lead, t.support) for t in run(body, ctx).tasks]
    assert got == [(("*",), ()), (("*",), ()), (("Trung tâm Khuyến nông",), ("*",))]


def test_consequence_connectors_open_orders_and_hearing_narrates(ctx: AnalysisContext) -> None:
    body = (
        "Sau khi nghe Chi cục Thủy lợi báo cáo, Giám đốc Sở kết luận như sau:\n"
        "1. Vì vậy, các phòng, đơn vị cần chủ động rà soát kế hoạch tưới.\n"
        "2. Trên cơ sở đó, Trung tâm Khuyến nông xây dựng phương án hỗ trợ trước ngày 30/6/2023.\n"
        "3. Sau khi có kết quả khảo sát, Chi cục Thủy lợi báo cáo Giám đốc Sở.\n"
        "4. Do đó, Thanh tra Sở đã kiểm tra 05 công trình.\n"
    )
    got = [(t.lead, t.deadline) for t in run(body, ctx).tasks]
    assert got == [
        (("*",), None),
        (("Trung tâm Khuyến nông",), date(2023, 6, 30)),
        (("Chi cục Thủy lợi",), None),
    ]


def test_a_sentence_opening_on_a_later_date_plans_and_an_earlier_one_narrates(ctx: AnalysisContext) -> None:
    body = (
        # before signing (12/5/2023): narration
        "Ngày 05/5/2023, Chi cục Thủy lợi tổ chức kiểm tra 12 hồ chứa.\n"
        "1. Đến hết ngày 30/6/2023, các phòng, đơn vị phải hoàn thành rà soát thủ tục hành chính.\n"
        "2. Từ ngày 01/7/2023, Văn phòng Sở tiếp nhận hồ sơ trực tuyến.\n"
        "3. Từ ngày 01/6/2023 đến ngày 15/6/2023, Thanh tra Sở đã kiểm tra 05 doanh nghiệp.\n"
    )
    got = [(t.lead, t.deadline) for t in run(body, ctx).tasks]
    assert got == [(("*",), date(2023, 6, 30)), (("Văn phòng Sở",), None)]
