"""Ruled tables in PDFs (extractors/pdf_tables.py): pdfplumber reads the pages that draw ruling, as "cell |
cell" rows in reading order; other pages stay on pypdfium2; the rows reach the same table reader as a .txt's.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from extractors.pdf import read_pdf
from extractors.pdf_tables import table_lines, has_ruling
from rules.analyse import analyse
from rules.calendar import WorkCalendar
from rules.directory import parse_directory
from rules.findings import AnalysisContext
from service.sandbox import Sandbox, run_limited
from tests.unit.extractors.builders import FONT, make_pdf, make_table_pdf

pytestmark = pytest.mark.skipif(not FONT.exists(), reason="DejaVu Serif font not installed")

WIDTHS = [30.0, 230.0, 130.0, 100.0]
HEADER = ["TT", "Nội dung công việc", "Cơ quan chủ trì", "Thời gian hoàn thành"]
ROWS = [
    [
        "1",
        "Rà soát hồ sơ các công trình đang thi công trên địa bàn tỉnh",
        "Phòng Quản lý xây dựng",
        "Tháng 5/2026",
    ],
    [
        "2",
        "Kiểm tra hiện trường các công trình hạ tầng kỹ thuật đô thị",
        "Phòng Hạ tầng kỹ thuật",
        "Quý III, IV/2026",
    ],
]
BEFORE = ["PHỤ LỤC", "NHIỆM VỤ TRIỂN KHAI KẾ HOẠCH", "(Kèm theo Kế hoạch số 17/KH-SXD ngày 03/3/2026)"]


def test_table_page_reads_rows_whole_in_reading_order() -> None:
    text = read_pdf(
        make_table_pdf([(BEFORE, [HEADER, *ROWS], ["Ghi chú: các phòng báo cáo kết quả."])], WIDTHS),
        part="a.pdf",
    ).text
    assert " | ".join(ROWS[0]) in text and " | ".join(ROWS[1]) in text
    assert text.index("PHỤ LỤC") < text.index(" | ".join(HEADER)) < text.index("Ghi chú: các phòng")


def test_ruling_is_told_from_path_objects() -> None:
    ruled = pdfium.PdfDocument(make_table_pdf([(BEFORE, [HEADER, *ROWS], [])], WIDTHS))
    plain = pdfium.PdfDocument(make_pdf([BEFORE]))
    try:
        assert has_ruling(ruled[0]) and not has_ruling(plain[0])
    finally:
        ruled.close()
        plain.close()


def test_pages_without_ruling_keep_the_pypdfium2_reading() -> None:
    pages = [(["Trang một của kế hoạch, không có bảng."], [], []), (BEFORE, [HEADER, *ROWS], [])]
    out = read_pdf(make_table_pdf(pages, WIDTHS), part="a.pdf")
    assert out.text.startswith("Trang một của kế hoạch, không có bảng.")
    assert " | ".join(ROWS[1]) in out.text


def test_a_row_cut_by_the_page_break_gives_one_task() -> None:
    cut = [
        ["3", "Tổng hợp kết quả kiểm tra các công trình", "Văn phòng Sở", "Năm 2027"],
        ["", "trên địa bàn, báo cáo Giám đốc Sở", "", ""],
    ]
    pages = [(BEFORE, [HEADER, *ROWS, cut[0]], []), (["2"], [cut[1]], [])]
    directory = parse_directory(
        {
            "organization": "Sở Xây dựng tỉnh Thử Nghiệm",
            "units": [
                {"name": n} for n in ("Văn phòng Sở", "Phòng Quản lý xây dựng", "Phòng Hạ tầng kỹ thuật")
            ],
        }
    )
    text = read_pdf(make_table_pdf(pages, WIDTHS), part="a.pdf").text
    tasks = analyse(
        "KẾ HOẠCH\nKiểm tra công trình\n" + text,
        AnalysisContext(directory=directory, calendar=WorkCalendar()),
    ).tasks
    rows = [(t.lead, t.deadline and t.deadline.isoformat()) for t in tasks if "|" in t.text]
    assert rows == [
        (("Phòng Quản lý xây dựng",), "2026-05-31"),
        (("Phòng Hạ tầng kỹ thuật",), "2026-12-31"),
        (("Văn phòng Sở",), "2027-12-31"),
    ]
    assert "công trình trên địa bàn, báo cáo" in tasks[-1].text


def test_pdfplumber_runs_inside_the_sandbox_limits() -> None:
    data = make_table_pdf([(BEFORE, [HEADER, *ROWS], [])] * 3, WIDTHS)
    direct = read_pdf(data, part="a.pdf").text
    assert run_limited(read_pdf, data, part="a.pdf", timeout=30, memory_mb=1024).text == direct
    box = Sandbox(timeout=30, memory_mb=1024)
    try:
        assert box.run(read_pdf, data, part="a.pdf").text == direct
    finally:
        box.close()


def test_a_header_split_by_merged_cells_and_echoes_of_a_cell_ruled_inside_read_as_words_tables_do() -> None:
    # the shape pdfplumber gives for a Word table printed to PDF whose header cells are merged down and whose
    # content cell carries stray inner rules (UBND tỉnh Gia Lai, Kế hoạch 289/KH-UBND, 2026)
    raw: list[list[str | None]] = [
        ["", "", None, None, "", "Cơ quan", "Thời gian thực"],
        ["TT", "Nhiệm vụ", None, None, "Cơ quan chủ trì", None, None],
        [None, None, None, None, None, "phối hợp", "hiện"],
        ["1", "Tổ chức truyền thông về Chương trình hỗ trợ kinh doanh bền vững", None, None, "Sở Tài chính",
         "Sở Công Thương", "Hằng năm"],
        [None, None, "Chương trình hỗ trợ kinh", None, None, None, None],
        ["2", "Tổ chức đào tạo, bồi dưỡng cán bộ", None, None, "Sở Nội vụ", "", "2026-2030"],
    ]
    assert table_lines(raw) == [
        "TT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian thực hiện",
        "1 | Tổ chức truyền thông về Chương trình hỗ trợ kinh doanh bền vững | Sở Tài chính | Sở Công Thương"
        " | Hằng năm",
        "2 | Tổ chức đào tạo, bồi dưỡng cán bộ | Sở Nội vụ |  | 2026-2030",
    ]
