"""Task-table benchmark (issue 12): ms for a 2-page notice without a table, one PDF page with a ruled table
(pdfplumber included), and a 10-page plan with an annex table end to end (read + analyse), side by side with
the pypdfium2-only reading of the same files in the same run; then each ruled page of the corpus-real PDFs.

The built table page embeds the whole DejaVu Serif font and draws every line as its own text object, which
pdfminer (under pdfplumber) parses slowly; Word/LibreOffice exports embed font subsets (see the real pages).

Run: PYTHONPATH=. .venv/bin/python bench/bench_tables.py [--rounds N]
Inputs are built in code (tests/unit/extractors/builders.py: pypdfium2 text and stroked borders). When
../shared/corpus-real is present its rd-10.pdf (a 21-page plan, LibreOffice export) is read in place too.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import extractors.pdf as pdf_module  # noqa: E402
from extractors.pdf import read_pdf  # noqa: E402
from rules.analyse import analyse  # noqa: E402
from rules.calendar import WorkCalendar  # noqa: E402
from rules.directory import load_directory, parse_directory  # noqa: E402
from rules.findings import AnalysisContext  # noqa: E402
from tests.unit.extractors.builders import make_pdf, make_table_pdf  # noqa: E402

CORPUS_REAL = REPO.parent.parent / "shared" / "corpus-real"
UNITS = ("Văn phòng Sở", "Phòng Quản lý xây dựng", "Phòng Hạ tầng kỹ thuật", "Thanh tra Sở", "Sở Tài chính")
WIDTHS = [30.0, 200.0, 110.0, 100.0, 80.0]
HEADER = ["TT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
PROSE = [
    "Giao Phòng Quản lý xây dựng chủ trì, phối hợp với Thanh tra Sở kiểm tra chất lượng các công trình",
    "sử dụng vốn ngân sách nhà nước trên địa bàn tỉnh, báo cáo kết quả trước ngày 30/6/2026.",
    "Phòng Hạ tầng kỹ thuật rà soát hệ thống thoát nước đô thị, đề xuất giải pháp chống ngập úng",
    "trong mùa mưa bão năm 2026; tổng hợp gửi Văn phòng Sở trước ngày 15/5/2026.",
]


def _rows(n: int) -> list[list[str]]:
    times = ("Quý III, IV/2026", "Thường xuyên", "Tháng 5/2026", "Hàng năm", "Trong năm 2026")
    return [[str(i + 1), f"Rà soát, kiểm tra nhóm công trình số {i + 1} và báo cáo kết quả thực hiện",
             UNITS[1 + i % 3], "Sở Tài chính", times[i % len(times)]] for i in range(n)]


def _notice() -> bytes:
    page1 = ["SỞ XÂY DỰNG TỈNH THỬ NGHIỆM", "Số: 41/TB-SXD", "THÔNG BÁO", *PROSE * 6]
    return make_pdf([page1, [*PROSE * 4, "Nơi nhận:", "- Như trên;", "- Lưu: VT."]])


def _table_page() -> bytes:
    return make_table_pdf([(["PHỤ LỤC", "NHIỆM VỤ TRIỂN KHAI KẾ HOẠCH"], [HEADER, *_rows(12)], [])], WIDTHS)


def _plan() -> bytes:
    head = [
        "SỞ XÂY DỰNG TỈNH THỬ NGHIỆM",
        "Số: 17/KH-SXD",
        "Thử Nghiệm, ngày 03 tháng 3 năm 2026",
        "KẾ HOẠCH",
    ]
    prose = [(([*head] if i == 0 else []) + PROSE * 9, [], []) for i in range(8)]
    rows = _rows(24)
    annex = [(["PHỤ LỤC", "NHIỆM VỤ TRIỂN KHAI KẾ HOẠCH"], [HEADER, *rows[:12]], []), ([], rows[12:], [])]
    return make_table_pdf(prose + annex, WIDTHS)


def _time(fn: Callable[[], Any], rounds: int) -> tuple[float, float]:
    """(median, min) ms: the machine is shared, so the min says what the code costs, the median what it
    got."""
    fn()
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), min(samples)


def _rows_found(data: bytes, c: AnalysisContext) -> int:
    return sum(1 for t in analyse(read_pdf(data, part="x.pdf").text, c).tasks if " | " in t.text)


def _pypdfium2_only(fn: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        saved = pdf_module.has_ruling
        pdf_module.has_ruling = lambda page: False  # the reading before issue 12: every page on pypdfium2
        try:
            return fn()
        finally:
            pdf_module.has_ruling = saved

    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    rounds = ap.parse_args().rounds
    ctx = AnalysisContext(
        directory=parse_directory(
            {"organization": "Sở Xây dựng tỉnh Thử Nghiệm", "units": [{"name": n} for n in UNITS]}
        ),
        calendar=WorkCalendar(),
    )
    cases: list[tuple[str, bytes, AnalysisContext, float | None]] = [
        ("2-page notice, no table", _notice(), ctx, 10.0),
        ("1 page, ruled table 13 rows", _table_page(), ctx, 150.0),
        ("10-page plan + annex table", _plan(), ctx, None),
    ]
    real = CORPUS_REAL / "rd-10.pdf"
    if real.exists():
        real_ctx = AnalysisContext(
            directory=load_directory(CORPUS_REAL / "directory-laocai-ubnd.yaml"), calendar=WorkCalendar()
        )
        cases.append(("corpus-real rd-10.pdf (in place)", real.read_bytes(), real_ctx, None))
    print(
        "ms: median / min over the rounds; rows = tasks read from table rows; old = every page on pypdfium2"
    )
    print(
        f"{'input':<34} {'read':>15} {'read+rules':>15} {'old read+rules':>15} {'rows':>5} {'old':>4}  "
        "limit (min)"
    )
    for label, data, c, limit in cases:
        read = _time(lambda d=data: read_pdf(d, part="x.pdf"), rounds)
        full = _time(lambda d=data, c=c: analyse(read_pdf(d, part="x.pdf").text, c), rounds)
        old = _time(_pypdfium2_only(lambda d=data, c=c: analyse(read_pdf(d, part="x.pdf").text, c)), rounds)
        rows = _rows_found(data, c)
        old_rows = _pypdfium2_only(lambda d=data, c=c: _rows_found(d, c))()
        verdict = "" if limit is None else f"≤ {limit:.0f} ms: {'ok' if read[1] <= limit else 'OVER'}"
        print(
            f"{label:<34} {read[0]:6.1f}/{read[1]:6.1f} {full[0]:6.1f}/{full[1]:6.1f} "
            f"{old[0]:6.1f}/{old[1]:6.1f} "
            f"{rows:5d} {old_rows:4d}  {verdict}"
        )
    real_pages(rounds)


def real_pages(rounds: int) -> None:
    """Each ruled page of the corpus-real PDFs (LibreOffice exports of real plans) through pdfplumber
    alone."""
    import pypdfium2 as pdfium

    from extractors.pdf_tables import PdfTables, has_ruling

    for name in ("rd-02", "rd-10", "rd-12", "rd-14", "rd-16"):
        path = CORPUS_REAL / f"{name}.pdf"
        if not path.exists():
            continue
        data = path.read_bytes()
        doc = pdfium.PdfDocument(data)
        ruled = [i for i in range(len(doc)) if has_ruling(doc[i])]
        doc.close()
        figures = []
        for i in ruled:
            med, low = _time(lambda i=i: PdfTables(data).page_paragraphs(i), rounds)
            figures.append(f"p{i + 1} {med:.0f}/{low:.0f}")
        print(
            f"corpus-real {name}.pdf ruled pages (ms median/min, pdfplumber incl. open): {', '.join(figures)}"
        )


if __name__ == "__main__":
    main()
