"""Extraction benchmark (issue 3): ms per document per format after warm-up, notices per second, peak RSS, and
pdfplumber's own extract_text on the same PDFs in the same run; plus the rule-engine choice (regex vs a spaCy
blank("xx") + sentencizer + PhraseMatcher pass over the same texts).

    .venv/bin/python bench/bench_extract.py [--rounds 15] [--corpus ../shared/corpus]

Prints figures; it is not a timed test.
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


def _median_ms(fn, rounds: int) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm-up
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--spacy", action="store_true", help="also measure the spaCy blank('xx') alternative")
    args = ap.parse_args()

    from rules.calendar import WorkCalendar, load_overrides
    from rules.directory import load_directory
    from service.admin.evaluate import load_gold
    from service.extraction import extract_bytes

    calendar = WorkCalendar(load_overrides())
    files: dict[str, list[tuple[str, bytes, object]]] = {}
    for path in sorted(args.corpus.glob("dev-*")):
        if path.suffix == ".json" or path.name.endswith(".scan.pdf"):
            continue
        gold = load_gold(args.corpus / (path.name.split(".")[0] + ".json"))
        directory = load_directory(args.corpus / f"directory-{gold['org']}.yaml")
        files.setdefault(path.suffix.lstrip("."), []).append((path.name, path.read_bytes(), directory))

    print(f"{'format':<6} {'docs':>4} {'ms/doc (median)':>16} {'docs/s':>8}")
    total_ms, total_docs = 0.0, 0
    for kind in ("txt", "docx", "pdf", "eml"):
        items = files.get(kind, [])
        if not items:
            continue
        per = [
            _median_ms(lambda n=n, d=d, u=u: extract_bytes(d, n, directory=u, calendar=calendar), args.rounds)
            for n, d, u in items
        ]
        ms = statistics.mean(per)
        total_ms += sum(per)
        total_docs += len(per)
        print(f"{kind:<6} {len(items):>4} {ms:>16.2f} {1000 / ms:>8.0f}")
    print(f"{'all':<6} {total_docs:>4} {total_ms / total_docs:>16.2f} {1000 * total_docs / total_ms:>8.0f}")

    pdfs = files.get("pdf", [])
    if pdfs:
        import io

        import pdfplumber

        def plumber_all() -> None:
            for _, data, _ in pdfs:
                with pdfplumber.open(io.BytesIO(data)) as pdf:
                    for page in pdf.pages:
                        page.extract_text()
                        page.close()

        def docket_all() -> None:
            for n, data, u in pdfs:
                extract_bytes(data, n, directory=u, calendar=calendar)

        ours = _median_ms(docket_all, args.rounds)
        theirs = _median_ms(plumber_all, args.rounds)
        print(
            f"\nbatch of {len(pdfs)} PDFs: docket extract (text + rules) {ours:.1f} ms; "
            f"pdfplumber extract_text alone {theirs:.1f} ms; ratio {theirs / ours:.1f}x in docket's favour"
        )

    from rules.analyse import analyse
    from rules.findings import AnalysisContext

    texts = [(data.decode("utf-8"), u) for _, data, u in files.get("txt", [])]
    rules_ms = statistics.mean(
        _median_ms(lambda t=t, u=u: analyse(t, AnalysisContext(directory=u, calendar=calendar)), args.rounds)
        for t, u in texts
    )
    chars = statistics.mean(len(t) for t, _ in texts)
    print(
        f"\nrules alone (regex): {rules_ms:.2f} ms per notice ({chars / 1000:.1f}k chars), "
        f"{rules_ms / (chars / 1000):.2f} ms per 1k chars"
    )
    print(f"peak RSS (regex path, all formats): {_rss_mb():.0f} MB")

    if args.spacy:
        import spacy
        from spacy.matcher import PhraseMatcher

        t0 = time.perf_counter()
        nlp = spacy.blank("xx")
        nlp.add_pipe("sentencizer")
        matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        cues = [
            "giao",
            "đề nghị",
            "yêu cầu",
            "chủ trì",
            "phối hợp với",
            "có trách nhiệm",
            "là đầu mối",
            "tham mưu",
            "trước ngày",
            "chậm nhất",
            "hoàn thành",
            "xong trước",
            "hằng tháng",
            "hằng quý",
            "hằng tuần",
        ]
        matcher.add("CUE", [nlp.make_doc(c) for c in cues])
        build_ms = (time.perf_counter() - t0) * 1000
        sp_ms = statistics.mean(_median_ms(lambda t=t: matcher(nlp(t)), args.rounds) for t, _ in texts)
        print(
            f"\nspaCy blank('xx') + sentencizer + PhraseMatcher ({len(cues)} cues), tokenising and cue "
            "matching only: "
            f"{sp_ms:.2f} ms per notice (build {build_ms:.0f} ms); the whole regex rule pass: "
            f"{rules_ms:.2f} ms"
        )
        print(f"peak RSS after importing spaCy: {_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
