"""Task-table benchmark (issue 12): ms for a 2-page notice without a table, one PDF page with a ruled table
(pdfplumber included), and a 10-page plan with an annex table end to end (read + analyse), side by side with
the pypdfium2-only reading of the same files in the same run.

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
    head = ["SỞ XÂY DỰNG TỈNH THỬ NGHIỆM", "Số: 17/KH-SXD", "Thử Nghiệm, ngày 03 tháng 3 năm 2026", "KẾ HOẠCH"]
    prose = [(([*head] if i == 0 else []) + PROSE * 9, [], []) for i in range(8)]
    rows = _rows(24)
    annex = [(["PHỤ LỤC", "NHIỆM VỤ TRIỂN KHAI KẾ HOẠCH"], [HEADER, *rows[:12]], []), ([], rows[12:], [])]
    return make_table_pdf(prose + annex, WIDTHS)


def _time(fn: Callable[[], Any], rounds: int) -> float:
    fn()
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


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
    ctx = AnalysisContext(directory=parse_directory({"organization": "Sở Xây dựng tỉnh Thử Nghiệm",
                                                     "units": [{"name": n} for n in UNITS]}), calendar=WorkCalendar())
    cases: list[tuple[str, bytes, AnalysisContext, float | None]] = [
        ("2-page notice, no table", _notice(), ctx, 10.0),
        ("1 page, ruled table 13 rows", _table_page(), ctx, 150.0),
        ("10-page plan + annex table", _plan(), ctx, None),
    ]
    real = CORPUS_REAL / "rd-10.pdf"
    if real.exists():
        real_ctx = AnalysisContext(directory=load_directory(CORPUS_REAL / "directory-laocai-ubnd.yaml"),
                                   calendar=WorkCalendar())
        cases.append(("corpus-real rd-10.pdf (in place)", real.read_bytes(), real_ctx, None))
    print(f"{'input':<34} {'read':>9} {'read+rules':>11} {'pypdfium2 only':>15} {'tasks':>6} {'(old)':>6}  limit")
    for label, data, c, limit in cases:
        read = _time(lambda d=data: read_pdf(d, part="x.pdf"), rounds)
        full = _time(lambda d=data, c=c: analyse(read_pdf(d, part="x.pdf").text, c), rounds)
        old = _time(_pypdfium2_only(lambda d=data, c=c: analyse(read_pdf(d, part="x.pdf").text, c)), rounds)
        tasks = len(analyse(read_pdf(data, part="x.pdf").text, c).tasks)
        old_tasks = len(_pypdfium2_only(lambda d=data, c=c: analyse(read_pdf(d, part="x.pdf").text, c))().tasks)
        verdict = "" if limit is None else f"≤ {limit:.0f} ms read: {'ok' if read <= limit else 'OVER'}"
        print(f"{label:<34} {read:7.1f}ms {full:9.1f}ms {old:13.1f}ms {tasks:6d} {old_tasks:6d}  {verdict}")


if __name__ == "__main__":
    main()
