"""What is not a task for the office's units (our own invented texts): statements, labels, topic headings,
lists of invitees, citations, a writer's request upward, normative documents; and tone-placement folding."""
from __future__ import annotations

import unicodedata
from datetime import date

from rules.analyse import analyse
from rules.calendar import WorkCalendar
from rules.directory import parse_directory
from rules.findings import AnalysisContext
from tests.unit.rules.test_analyse import FOOTER, HEADER, run


def _doc(kind: str, symbol: str, body: str) -> str:
    head = HEADER.replace("Số: 41/TB-SNN", f"Số: 41/{symbol}-SNN").replace("THÔNG BÁO", kind)
    return head + body + FOOTER


def test_statement_about_a_unit_is_no_task_but_its_anaphora_is(ctx: AnalysisContext) -> None:
    body = ("Giám đốc Sở yêu cầu các phòng, đơn vị thực hiện một số nội dung sau:\n"
            "1. Trung tâm Khuyến nông là đơn vị đầu ngành về chuyển giao kỹ thuật. Trung tâm có trách nhiệm "
            "mở 05 lớp tập huấn tưới tiết kiệm, xong trước ngày 30/6.\n")
    tasks = run(body, ctx).tasks
    assert [(t.lead, t.deadline) for t in tasks] == [(("Trung tâm Khuyến nông",), date(2023, 6, 30))]
    assert tasks[0].text.startswith("Trung tâm có trách nhiệm")


def test_topic_heading_with_commas_ends_the_lead_in_of_the_section_before(ctx: AnalysisContext) -> None:
    body = ("1. Về công tác thủy lợi\n"
            "Giao Chi cục Thủy lợi:\n"
            "- Kiểm tra an toàn các hồ chứa trước mùa mưa.\n"
            "2. Về giống, vật tư, phân bón\n"
            "- Thanh tra Sở kiểm tra chất lượng phân bón trên địa bàn.\n")
    tasks = run(body, ctx).tasks
    assert [t.lead for t in tasks] == [("Chi cục Thủy lợi",), ("Thanh tra Sở",)]


def test_list_of_invitees_is_not_a_task(ctx: AnalysisContext) -> None:
    body = ("1. Thành phần mời:\n"
            "- Lãnh đạo Văn phòng Sở, Chánh Thanh tra Sở;\n"
            "- Giám đốc Trung tâm Khuyến nông.\n"
            "2. Chuẩn bị:\n"
            "- Trung tâm Khuyến nông chuẩn bị báo cáo tham luận, gửi Văn phòng Sở trước ngày 20/5/2023.\n")
    tasks = run(body, ctx).tasks
    assert [(t.lead, t.deadline) for t in tasks] == [(("Trung tâm Khuyến nông",), date(2023, 5, 20))]


def test_citations_conclusions_and_requests_upward_are_not_tasks(ctx: AnalysisContext) -> None:
    body = (
        "Tại khoản 2 Điều 9 Nghị định số 11/2022/NĐ-CP quy định: “Chi cục Thủy lợi có trách nhiệm kiểm tra "
        "hồ đập”.\n"
        "Tại Quyết định số 21/QĐ-UBND, UBND tỉnh giao Trung tâm Khuyến nông xây dựng mô hình.\n"
        "Do đó, cần thiết phải sửa đổi quy trình vận hành hồ chứa.\n"
        "Sở Nông nghiệp kính đề nghị UBND tỉnh xem xét, phê duyệt trước ngày 30/5/2023.\n"
    )
    assert run(body, ctx).tasks == ()


def test_unknown_body_needs_a_strong_frame(ctx: AnalysisContext) -> None:
    body = (
        "1. Hội Làm vườn tỉnh: không tổ chức đại hội nhiệm kỳ đúng hạn.\n"
        "2. Hợp tác xã Sông Mây rà soát diện tích tưới.\n"
        "3. Giao Công ty Cấp nước Sông Mây rà soát đường ống.\n"
        "4. Đề nghị các doanh nghiệp cung ứng vật tư báo cáo tồn kho trước ngày 25/5/2023.\n"
        "5. Đề nghị các hợp tác xã quan tâm phối hợp.\n"
    )
    tasks = run(body, ctx).tasks
    assert [(t.lead, t.unknown_units) for t in tasks] == [((), ("Công ty Cấp nước Sông Mây",)), ((), ())]
    assert tasks[1].deadline == date(2023, 5, 25)
    assert all(t.needs_review for t in tasks)


def test_purpose_clause_holds_no_new_assignee(ctx: AnalysisContext) -> None:
    tasks = run(
        "1. Giao Thanh tra Sở theo dõi việc thực hiện, để tổng hợp đề nghị Chi cục Thủy lợi xử lý.\n", ctx
    ).tasks
    assert [t.lead for t in tasks] == [("Thanh tra Sở",)]


def test_normative_and_upward_documents_need_a_directory_unit(ctx: AnalysisContext) -> None:
    body = (
        "Điều 5. Trách nhiệm của hội viên\n"
        "Ban Chấp hành Hội họp định kỳ 06 tháng một lần.\n"
        "Hội viên có trách nhiệm đóng hội phí hằng năm.\n"
        "Văn phòng Sở có trách nhiệm lưu trữ hồ sơ hội viên.\n"
    )
    for kind, symbol in (("ĐIỀU LỆ", "ĐL"), ("TỜ TRÌNH", "TTr"), ("QUY CHẾ", "QC"), ("HƯỚNG DẪN", "HD")):
        tasks = analyse(_doc(kind, symbol, body), ctx).tasks
        assert [t.lead for t in tasks] == [("Văn phòng Sở",)], kind


def test_announcing_lead_in_gives_no_scope(ctx: AnalysisContext) -> None:
    body = (
        "Văn phòng Sở hướng dẫn thể thức văn bản như sau:\n"
        "- Chữ in hoa, cỡ chữ 13.\n"
        "- Số trang đánh ở giữa, phía trên.\n"
    )
    assert run(body, ctx).tasks == ()


OLD_TONE = {
    "Thủy": "Thuỷ",
    "thủy": "thuỷ",
    "hòa": "hoà",
    "Hòa": "Hoà",
    "Ủy": "Uỷ",
    "tỏa": "toả",
    "khỏe": "khoẻ",
}


def _old_tone(text: str) -> str:
    for new, old in OLD_TONE.items():
        text = text.replace(new, old)
    return text


def test_tone_placement_and_nfd_are_folded() -> None:
    directory = parse_directory(
        {
            "organization": "UBND xã Thử Nghiệm",
            "units": [
                {"name": "Ban Chỉ huy Quân sự xã", "aliases": []},
                {"name": "Trạm Y tế xã", "aliases": ["Trạm Y tế"]},
                {"name": "Tổ Thủy lợi", "aliases": ["Tổ Thuỷ lợi xã"]},
                {"name": "Ban Văn hoá - Xã hội", "aliases": []},
            ],
        }
    )
    ctx = AnalysisContext(directory=directory, calendar=WorkCalendar())
    body = (
        "1. Giao Tổ Thủy lợi chủ trì, phối hợp với Ban Văn hóa - Xã hội kiểm tra đê, hoàn thành trước ngày "
        "20/5/2023.\n"
        "2. Đề nghị Trạm Y tế xã tuyên truyền chăm sóc sức khỏe, lan tỏa phong trào; "
        "Ủy ban nhân dân xã giao Ban Chỉ huy Quân sự xã phối hợp tuần tra.\n"
        "3. Tổ Thuỷ lợi xã báo cáo hằng tháng.\n"
    )
    want = [
        (("Tổ Thủy lợi",), ("Ban Văn hoá - Xã hội",), date(2023, 5, 20)),
        (("Trạm Y tế xã",), (), None),
        (("Ban Chỉ huy Quân sự xã",), (), None),
        (("Tổ Thủy lợi",), (), None),
    ]
    for variant in (body, _old_tone(body)):
        for form in ("NFC", "NFD"):
            text = unicodedata.normalize(form, _doc("THÔNG BÁO", "TB", variant))
            got = [(t.lead, t.support, t.deadline) for t in analyse(text, ctx).tasks]
            assert got == want, (form, variant is body)
    hoa = unicodedata.normalize("NFD", _old_tone(HEADER.replace("CỘNG HÒA", "CỘNG HOÀ")))
    assert analyse(hoa + "1. Giao Trạm Y tế xã rà soát.\n" + FOOTER, ctx).document.type == "Thông báo"


def test_guards_against_over_filtering(ctx: AnalysisContext) -> None:
    body = (
        "1. Về công tác thủy lợi, giao Chi cục Thủy lợi rà soát các hồ chứa xung yếu\n"
        "2. Các phòng, đơn vị nhận được văn bản này khẩn trương triển khai.\n"
        "3. Giao Ban Quản lý Dự án Nông nghiệp:\n"
        "- Rà soát hồ sơ các công trình chậm tiến độ.\n"
        "4. Văn phòng Sở xin ý kiến các phòng về dự thảo quy chế.\n"
    )
    tasks = run(body, ctx).tasks
    assert [t.lead for t in tasks] == [("Chi cục Thủy lợi",), ("*",), (), ("Văn phòng Sở",)]
    assert tasks[2].unknown_units and tasks[2].needs_review
