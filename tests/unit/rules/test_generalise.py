"""Language rules that generalise across offices (our own invented texts, an invented Sở Nông nghiệp):
anaphora with a two-word type, orders based on the present document, the trích yếu under a type title,
per-addressee headings whose unit name holds commas, lower-case aliases of the office's own directory,
announced planned events, names of bodies missing from the directory, old tone placement in type titles,
and purpose clauses with or without their comma."""
from __future__ import annotations

from datetime import date

from rules.analyse import analyse
from rules.calendar import WorkCalendar
from rules.directory import parse_directory
from rules.findings import AnalysisContext
from tests.unit.rules.test_analyse import FOOTER, HEADER, run

KH_HEADER = HEADER.replace("Số: 41/TB-SNN", "Số: 77/KH-SNN").replace(
    "THÔNG BÁO\nKết luận của Giám đốc Sở tại cuộc họp về phòng, chống hạn",
    "KẾ HOẠCH\nThực hiện công tác chuyển đổi số của Sở Nông nghiệp năm 2023")


def test_two_word_type_anaphora_takes_the_units_named_before(ctx: AnalysisContext) -> None:
    body = ("1. Chi cục Thủy lợi và Chi cục Chăn nuôi và Thú y cập nhật dữ liệu lên phần mềm. "
            "Chậm nhất ngày 10 hằng tháng, hai Chi cục báo cáo kết quả về Văn phòng Sở.\n")
    tasks = run(body, ctx).tasks
    assert [t.lead for t in tasks] == [("Chi cục Thủy lợi", "Chi cục Chăn nuôi và Thú y")] * 2
    assert tasks[1].recurrence == "monthly"


def test_order_based_on_the_present_document_is_no_citation(ctx: AnalysisContext) -> None:
    body = ("Căn cứ Kế hoạch này, Thủ trưởng các đơn vị xây dựng kế hoạch của đơn vị, gửi Văn phòng Sở "
            "trước ngày 30/5/2023.\n"
            "Căn cứ Quyết định số 12/QĐ-UBND ngày 02/3/2023, Chi cục Thủy lợi được giao quản lý hồ chứa.\n")
    tasks = run(body, ctx).tasks
    assert [(t.lead, t.deadline) for t in tasks] == [(("*",), date(2023, 5, 30))]


def test_subject_line_may_start_like_a_body_sentence(ctx: AnalysisContext) -> None:
    text = (
        KH_HEADER
        + "Thực hiện Kế hoạch số 5/KH-UBND ngày 02/3/2023 của UBND tỉnh, Sở ban hành Kế hoạch như sau:\n"
        + "1. Giao Trung tâm Khuyến nông số hóa tài liệu.\n"
        + FOOTER
    )
    doc = analyse(text, ctx).document
    assert doc.type == "Kế hoạch"
    assert doc.subject == "Thực hiện công tác chuyển đổi số của Sở Nông nghiệp năm 2023"
    cited = HEADER.replace(
        "Kết luận của Giám đốc Sở tại cuộc họp về phòng, chống hạn",
        "Thực hiện Công văn số 9/UBND-KT ngày 02/5/2023 của UBND tỉnh, Sở thông báo như sau:",
    )
    assert (
        analyse(cited + "1. Giao Trung tâm Khuyến nông số hóa tài liệu.\n" + FOOTER, ctx).document.subject
        is None
    )


def test_per_addressee_heading_with_commas_scopes_its_items() -> None:
    directory = parse_directory(
        {
            "organization": "Sở Nông nghiệp tỉnh Thử Nghiệm",
            "units": [
                {"name": "Phòng Kế hoạch - Tài chính", "aliases": []},
                {"name": "Phòng Nông nghiệp các huyện, thị xã, thành phố", "aliases": []},
            ],
        }
    )
    ctx = AnalysisContext(directory=directory, calendar=WorkCalendar())
    body = (
        "Giám đốc Sở yêu cầu các đơn vị thực hiện các nội dung sau:\n"
        "1. Phòng Nông nghiệp các huyện, thị xã, thành phố\n"
        "a) Rà soát diện tích lúa bị hạn.\n"
        "b) Báo cáo kết quả về Sở trước ngày 15/6/2023.\n"
        "2. Phòng Kế hoạch - Tài chính\n"
        "a) Bố trí kinh phí chống hạn.\n"
    )
    tasks = run(body, ctx).tasks
    assert [t.lead for t in tasks] == [("Phòng Nông nghiệp các huyện, thị xã, thành phố",)] * 2 + [
        ("Phòng Kế hoạch - Tài chính",)
    ]
    assert tasks[1].deadline == date(2023, 6, 15)


def test_lower_case_alias_of_the_directory_wins_over_the_collective() -> None:
    directory = parse_directory(
        {
            "organization": "Trường Cao đẳng Thử Nghiệm",
            "units": [
                {"name": "Các khoa chuyên môn", "aliases": ["các khoa", "Các khoa"]},
                {"name": "Phòng Đào tạo", "aliases": []},
            ],
        }
    )
    ctx = AnalysisContext(directory=directory, calendar=WorkCalendar())
    tasks = run(
        "1. Hằng năm, các khoa lấy ý kiến người học về môn học.\n"
        "2. Phòng Đào tạo tổng hợp ý kiến các phòng, đơn vị.\n",
        ctx,
    ).tasks
    assert [t.lead for t in tasks] == [("Các khoa chuyên môn",), ("Phòng Đào tạo",)]
    assert tasks[0].recurrence == "yearly"


def test_announced_planned_event_is_no_task_but_estimating_is(ctx: AnalysisContext) -> None:
    body = (
        "Giám đốc Sở yêu cầu các phòng, đơn vị thực hiện các nội dung sau:\n"
        "1. Đoàn kiểm tra của Bộ dự kiến làm việc tại Sở từ ngày 05/6/2023 đến ngày 07/6/2023. "
        "Văn phòng Sở chuẩn bị phòng họp, hoàn thành trước ngày 02/6/2023.\n"
        "2. Dự kiến nhu cầu kinh phí năm 2024, gửi Phòng KH-TC trước ngày 20/6/2023.\n"
    )
    tasks = run(body, ctx).tasks
    assert [(t.lead, t.deadline) for t in tasks] == [
        (("Văn phòng Sở",), date(2023, 6, 2)),
        (("*",), date(2023, 6, 20)),
    ]


def test_names_missing_from_the_directory_keep_their_lower_case_words(ctx: AnalysisContext) -> None:
    body = (
        "1. Giao Sở Nội vụ chủ trì, phối hợp với Văn phòng Sở rà soát vị trí việc làm.\n"
        "2. Đề nghị Ban Quản lý dự án Thủy lợi tỉnh bàn giao hồ sơ công trình trước ngày 30/6/2023.\n"
        "3. Đề nghị Công ty Thủy nông Sông Mây điều tiết nước tưới hợp lý.\n"
        "4. Đề nghị Chi cục An toàn vệ sinh thực phẩm chủ trì kiểm tra các chợ đầu mối.\n"
    )
    tasks = run(body, ctx).tasks
    assert [t.unknown_units for t in tasks] == [
        ("Sở Nội vụ",),
        ("Ban Quản lý dự án Thủy lợi tỉnh",),
        ("Công ty Thủy nông Sông Mây",),
        ("Chi cục An toàn vệ sinh thực phẩm",),
    ]


def test_type_title_in_old_tone_placement(ctx: AnalysisContext) -> None:
    for title, kind in (
        ("GIẤY UỶ QUYỀN", "Giấy ủy quyền"),
        ("BẢN THOẢ THUẬN", "Bản thỏa thuận"),
        ("KẾ HOẠCH", "Kế hoạch"),
    ):
        text = HEADER.replace("Số: 41/TB-SNN", "Số: 41/SNN-VP").replace("THÔNG BÁO", title)
        assert analyse(text + "1. Giao Chi cục Thủy lợi rà soát.\n" + FOOTER, ctx).document.type == kind


def test_fronted_purpose_clause_without_its_comma_keeps_the_request(ctx: AnalysisContext) -> None:
    for body in (
        "Để kịp tổng hợp báo cáo UBND tỉnh đề nghị Chi cục Thủy lợi gửi số liệu trước ngày 20/5/2023.\n",
        "Để kịp tổng hợp báo cáo UBND tỉnh, đề nghị Chi cục Thủy lợi gửi số liệu trước ngày 20/5/2023.\n",
    ):
        assert [(t.lead, t.deadline) for t in run(body, ctx).tasks] == [
            (("Chi cục Thủy lợi",), date(2023, 5, 20))
        ]
    trailing = "1. Giao Thanh tra Sở theo dõi việc thực hiện để tổng hợp đề nghị Chi cục Thủy lợi xử lý.\n"
    assert [t.lead for t in run(trailing, ctx).tasks] == [("Thanh tra Sở",)]
