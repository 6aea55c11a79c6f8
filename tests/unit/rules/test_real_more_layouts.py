"""Layouts of real documents met in tests/fixtures/real_more (our own invented texts in their style): a
one-page notice copied out of a PDF, whose few page-wide body lines are outnumbered by the letterhead and
the Nơi nhận list."""
from __future__ import annotations

from datetime import date

from rules.analyse import analyse
from rules.calendar import WorkCalendar
from rules.directory import parse_directory
from rules.findings import AnalysisContext

CITY = AnalysisContext(directory=parse_directory({
    "organization": "Ủy ban nhân dân thành phố Thử Nghiệm", "units": [
    {"name": "Sở Văn hóa và Thể thao", "aliases": ["Sở Văn hoá và Thể thao"]},
    {"name": "Sở Xây dựng", "aliases": []},
    {"name": "Công an Thành phố", "aliases": []},
]}), calendar=WorkCalendar())

ONE_PAGE_NOTICE = """ỦY BAN NHÂN DÂN
THÀNH PHỐ THỬ NGHIỆM
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập – Tự do – Hạnh phúc
Số: /TB-UBND
Thử Nghiệm, ngày tháng năm
THÔNG BÁO
Về việc tổ chức Ngày hội đọc sách
Nhân dịp Ngày Sách và Văn hóa đọc Việt Nam lần thứ sáu năm 2026. Ủy ban nhân
dân Thành phố đề nghị các cơ quan, đơn vị của Trung ương; các sở, ban, ngành, các
trường học và các hộ gia đình, thư viện tư nhân và nhà sách trên địa bàn
Thành phố tổ chức trưng bày sách từ ngày 18/4/2026 đến hết ngày 22/4/2026 tại trụ sở.
Ủy ban nhân dân các phường, xã có trách nhiệm chỉ đạo, kiểm tra, hướng dẫn việc
trưng bày sách ở địa bàn dân cư; Thủ trưởng các cơ quan, đơn vị chỉ đạo, kiểm tra
việc trưng bày ở các đơn vị thuộc quyền quản lý đảm bảo đúng hướng dẫn./.
Nơi nhận:
- Đ/c Bí thư Thành ủy;
- Thường trực Thành ủy;
- Thường trực HĐND Thành phố;
- UB MTTQ VN TP và các đoàn thể TP;
- VPUB: CVP, PCVP phụ trách văn xã,
phòng: KGVX, TH, HC-QT,
Trung tâm Thông tin Thành phố;
- Chủ tịch UBND Thành phố;
- Các Phó Chủ tịch UBND Thành phố;
- Các Sở, ban, ngành Thành phố;
- UBND các phường, xã;
- Cơ quan Báo, Đài Thành phố;
- Lưu: VT, KGVX.
TL. CHỦ TỊCH
KT. CHÁNH VĂN PHÒNG
PHÓ CHÁNH VĂN PHÒNG
Trần Văn Thử
"""


def test_a_one_page_pdf_notice_reads_its_wrapped_lines_as_one_paragraph() -> None:
    tasks = analyse(ONE_PAGE_NOTICE, CITY).tasks
    display = next(t for t in tasks if "đề nghị các cơ quan" in t.text)
    assert "tổ chức trưng bày sách" in display.text  # the line that starts "các trường học…" is no new item
    assert display.deadline == date(2026, 4, 22)


def test_word_paragraphs_one_a_line_are_not_joined() -> None:
    lines = ONE_PAGE_NOTICE.split("\n")
    start = lines.index(next(x for x in lines if x.startswith("Nhân dịp")))
    # the same notice from a Word file: a paragraph a line; the first does not end in a full stop
    paragraph = " ".join(lines[start : start + 4]).rstrip(".")
    order = "Sở Xây dựng hướng dẫn việc dựng quầy sách."
    text = "\n".join([*lines[:start], paragraph, order, *lines[start + 4 :]])
    tasks = analyse(text, CITY).tasks
    assert any(t.text.startswith("Sở Xây dựng hướng dẫn") and t.lead == ("Sở Xây dựng",) for t in tasks)


def test_the_office_is_known_by_its_full_name_when_the_directory_abbreviates_it() -> None:
    short = AnalysisContext(directory=parse_directory({
        "organization": "UBND thành phố Thử Nghiệm", "units": [{"name": "Sở Xây dựng", "aliases": []}],
    }), calendar=WorkCalendar())
    tasks = analyse(ONE_PAGE_NOTICE, short).tasks
    assert tasks[0].text.startswith("Ủy ban nhân dân Thành phố đề nghị các cơ quan")  # the whole request
