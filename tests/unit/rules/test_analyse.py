"""analyse() on short notices written for these tests (an invented Sở Nông nghiệp)."""
from __future__ import annotations

from datetime import date

from rules.analyse import analyse
from rules.findings import AnalysisContext

HEADER = """UBND TỈNH THỬ NGHIỆM
SỞ NÔNG NGHIỆP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 41/TB-SNN
Thử Nghiệm, ngày 12 tháng 5 năm 2023

THÔNG BÁO
Kết luận của Giám đốc Sở tại cuộc họp về phòng, chống hạn

"""
FOOTER = """
Văn phòng Sở thông báo để các đơn vị biết, thực hiện./.

Nơi nhận:
- Như trên;
- Lưu: VT.
TL. GIÁM ĐỐC
CHÁNH VĂN PHÒNG
Lê Thị Mận
"""


def run(body: str, ctx: AnalysisContext):  # type: ignore[no-untyped-def]
    return analyse(HEADER + body + FOOTER, ctx)


def test_metadata(ctx: AnalysisContext) -> None:
    doc = run("1. Chi cục Thủy lợi rà soát các hồ chứa.\n", ctx).document
    assert (doc.number, doc.type, doc.issued_date, doc.signer) == (
        "41/TB-SNN",
        "Thông báo",
        date(2023, 5, 12),
        "Lê Thị Mận",
    )
    assert doc.subject == "Kết luận của Giám đốc Sở tại cuộc họp về phòng, chống hạn"
    assert doc.signing_authority and doc.signing_authority.startswith("TL. GIÁM ĐỐC")


def test_blank_number_and_day(ctx: AnalysisContext) -> None:
    text = HEADER.replace("Số: 41/TB-SNN", "Số:    /TB-SNN").replace("ngày 12 tháng 5", "ngày    tháng 5")
    doc = analyse(text + "1. Giao Chi cục Thủy lợi rà soát.\n" + FOOTER, ctx).document
    assert doc.number is None and doc.issued_date is None


def test_roles_and_deadline(ctx: AnalysisContext) -> None:
    tasks = run(
        "1. Giao Chi cục Thủy lợi chủ trì, phối hợp với Trung tâm Khuyến nông và phòng KH-TC "
        "kiểm tra các trạm bơm, hoàn thành trước ngày 30/5/2023.\n",
        ctx,
    ).tasks
    assert len(tasks) == 1
    t = tasks[0]
    assert t.lead == ("Chi cục Thủy lợi",)
    assert t.support == ("Trung tâm Khuyến nông", "Phòng Kế hoạch - Tài chính")
    assert t.deadline == date(2023, 5, 30) and not t.needs_review


def test_two_assignees_in_one_sentence(ctx: AnalysisContext) -> None:
    tasks = run(
        "2. Chi cục Chăn nuôi và Thú y tiêm phòng đợt 2 xong trước ngày 15/6, "
        "giao Văn phòng Sở là đầu mối theo dõi, tổng hợp.\n",
        ctx,
    ).tasks
    assert [t.lead for t in tasks] == [("Chi cục Chăn nuôi và Thú y",), ("Văn phòng Sở",)]
    assert tasks[0].deadline == date(2023, 6, 15) and tasks[1].deadline is None


def test_lead_in_scope_and_collective(ctx: AnalysisContext) -> None:
    body = (
        "Giám đốc Sở yêu cầu các phòng, đơn vị thực hiện các nội dung sau:\n"
        "- Rà soát kế hoạch sản xuất vụ hè thu.\n"
        "- Thanh tra Sở có trách nhiệm kiểm tra vật tư nông nghiệp hằng quý.\n"
    )
    tasks = run(body, ctx).tasks
    assert [t.lead for t in tasks] == [("*",), ("Thanh tra Sở",)]
    assert tasks[1].recurrence == "quarterly"


def test_heading_scope_and_anaphora(ctx: AnalysisContext) -> None:
    body = (
        "1. Trung tâm Khuyến nông:\n"
        "a) Xây dựng mô hình tưới tiết kiệm nước.\n"
        "b) Hằng tháng, Trung tâm báo cáo kết quả về Sở.\n"
    )
    tasks = run(body, ctx).tasks
    assert [t.lead for t in tasks] == [("Trung tâm Khuyến nông",), ("Trung tâm Khuyến nông",)]
    assert tasks[1].recurrence == "monthly"


def test_not_tasks(ctx: AnalysisContext) -> None:
    body = (
        "Ngày 08/5/2023, Chi cục Thủy lợi đã báo cáo tình hình hạn hán tại 7/9 huyện.\n"
        "Căn cứ Quyết định số 88/QĐ-UBND ngày 02/3/2023 của UBND tỉnh.\n"
        "Năm 2022, Sở đã giao Trung tâm Khuyến nông xây dựng 12 mô hình.\n"
    )
    assert run(body, ctx).tasks == ()


def test_unknown_unit_is_flagged(ctx: AnalysisContext) -> None:
    tasks = run("3. Đề nghị Công ty Thủy nông Sông Mây điều tiết nước tưới hợp lý.\n", ctx).tasks
    assert len(tasks) == 1
    assert tasks[0].lead == () and tasks[0].unknown_units == ("Công ty Thủy nông Sông Mây",)
    assert tasks[0].needs_review


def test_evidence_span_points_into_the_text(ctx: AnalysisContext) -> None:
    text = HEADER + "1. Chi cục Thủy lợi rà soát các hồ chứa.\n" + FOOTER
    t = analyse(text, ctx).tasks[0]
    assert text[t.source.start : t.source.end] == "Chi cục Thủy lợi rà soát các hồ chứa."


def test_urgency_and_nfd_text(ctx: AnalysisContext) -> None:
    import unicodedata

    text = HEADER.replace("Số: 41", "HỎA TỐC\nSố: 41") + "1. Giao Chi cục Thủy lợi rà soát.\n" + FOOTER
    findings = analyse(unicodedata.normalize("NFD", text), ctx)
    assert findings.document.urgency == "Hỏa tốc"
    assert findings.tasks[0].lead == ("Chi cục Thủy lợi",)
