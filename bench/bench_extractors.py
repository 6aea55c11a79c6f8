"""Extractor-level benchmark: ms per document for .txt/.docx/.pdf/.eml of the corpus, next to pdfplumber.

Run: .venv/bin/python bench/bench_extractors.py [--rounds N] [--corpus DIR]
Prints the median / min / max ms per document for each format (after a warm-up), pdfplumber's bare
`extract_text` on the same PDFs in the same run, notices per second, and the peak RSS of the process.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extractors.base import Limits  # noqa: E402
from extractors.registry import extract_file  # noqa: E402


def _time(fn, rounds: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _pdfplumber_text(data: bytes) -> str:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        texts = []
        for page in pdf.pages:
            texts.append(page.extract_text() or "")
            page.close()
        return "\n".join(texts)


def _row(label: str, samples: list[float], docs: int) -> str:
    med = statistics.median(samples)
    return (f"{label:<28} {docs:>4} docs  median {med:7.2f} ms/doc  min {min(samples):7.2f}  "
            f"max {max(samples):7.2f}  {1000 / med if med else 0:8.1f} docs/s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--corpus", type=Path, default=REPO / ".." / "shared" / "corpus")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"corpus not found: {args.corpus}")
    limits = Limits(ocr=False)
    groups = {ext: sorted(p for p in args.corpus.glob(f"dev-*.{ext}") if not p.name.endswith(".scan.pdf"))
              for ext in ("txt", "docx", "pdf", "eml")}
    print(f"extractor benchmark, {args.rounds} rounds after one warm-up, corpus {args.corpus.resolve()}")
    per_format: dict[str, list[float]] = {}
    for ext, paths in groups.items():
        blobs = [(p.name, p.read_bytes()) for p in paths]
        samples: list[float] = []
        for name, data in blobs:
            samples += _time(lambda d=data, n=name: extract_file(d, n, limits=limits), args.rounds)
        per_format[ext] = samples
        print(_row(f"docket .{ext}", samples, len(blobs)))
    pdfs = [p.read_bytes() for p in groups["pdf"]]
    plumber: list[float] = []
    for data in pdfs:
        plumber += _time(lambda d=data: _pdfplumber_text(d), max(3, args.rounds // 3))
    print(_row("pdfplumber extract_text .pdf", plumber, len(pdfs)))
    ratio = statistics.median(plumber) / statistics.median(per_format["pdf"])
    print(f"pdfplumber / docket on the same PDFs: {ratio:.1f}x slower")
    batch = [(p.name, p.read_bytes()) for ps in groups.values() for p in ps]
    t = time.perf_counter()
    for name, data in batch:
        extract_file(data, name, limits=limits)
    total = time.perf_counter() - t
    print(
        f"whole batch once: {len(batch)} documents in {total * 1000:.1f} ms = {len(batch) / total:.0f} "
        "notices/s"
    )
    for scan in sorted(args.corpus.glob("dev-*.scan.pdf")):
        t = time.perf_counter()
        out = extract_file(scan.read_bytes(), scan.name)
        print(f"OCR {scan.name}: {(time.perf_counter() - t) * 1000:.0f} ms ({len(out.text)} chars)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {rss:.0f} MiB (tesseract runs in a child process)")


if __name__ == "__main__":
    main()
