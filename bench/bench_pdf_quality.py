"""What checking each PDF page's text layer costs, and what it finds on real files.

Run: .venv/bin/python bench/bench_pdf_quality.py [--rounds N] [--shared DIR]
Prints (1) the cost of the syllable score per page against the whole read of the same PDF (the check runs on
every page with a text layer, so it must stay a small share of a 2-page notice's ≤ 10 ms), and (2) for every
page of ../shared/corpus, corpus-real and realworld: its valid / marked shares and whether it is trusted,
the lowest-scoring trusted pages first — the margin the thresholds in extractors/pdf_quality.py rely on.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pypdfium2 as pdfium  # noqa: E402
from collections import Counter  # noqa: E402

from extractors.base import Limits  # noqa: E402
import extractors.pdf as pdf_module  # noqa: E402
from extractors.ocr import ocr_available, ocr_png  # noqa: E402
from extractors.pdf import _render_png, read_pdf  # noqa: E402
from extractors.pdf_quality import _WORD as WORD, PageText, _word_kind, score_text  # noqa: E402
from extractors.syllables import is_marked_syllable, is_syllable  # noqa: E402


def _median_ms(fn, rounds: int) -> float:  # type: ignore[no-untyped-def]
    fn()
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def _layers(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(path.read_bytes())
    try:
        out = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return out
    finally:
        doc.close()


def _read_without_check(data: bytes) -> None:
    """read_pdf as it was before the check: every text layer taken at its word (A/B yardstick, bench only)."""
    saved = pdf_module.choose_page_text
    pdf_module.choose_page_text = lambda layer, n, **_: PageText(layer)  # type: ignore[assignment]
    try:
        read_pdf(data, part="x", limits=Limits(ocr=False))
    finally:
        pdf_module.choose_page_text = saved


def cost(pdfs: list[Path], rounds: int) -> None:
    print(
        f"cost, median of {rounds} interleaved rounds after a warm-up (word cache warm, as in a long-lived "
        "worker)"
    )
    for path in pdfs:
        data = path.read_bytes()
        layers = _layers(path)
        with_check, without, check = [], [], []
        for _ in range(rounds):
            with_check.append(_median_ms(lambda d=data: read_pdf(d, part="x", limits=Limits(ocr=False)), 1))
            without.append(_median_ms(lambda d=data: _read_without_check(d), 1))
            check.append(_median_ms(lambda ls=layers: [score_text(t) for t in ls], 1))
        a, b, c = (statistics.median(x) for x in (with_check, without, check))
        print(
            f"  {path.name:<14} {len(layers):>3} pages  read_pdf {a:6.2f} ms (without the check {b:6.2f} "
            "ms)  "
            f"the check alone {c:6.3f} ms = {c / len(layers) * 1000:4.0f} µs/page, {c / a:4.1%} of the read"
        )
    sample = " ".join(_layers(pdfs[0]))
    is_syllable.cache_clear()
    _word_kind.cache_clear()
    is_marked_syllable.cache_clear()
    t = time.perf_counter()
    score_text(sample)
    print(f"  first page ever scored (cold word cache): {(time.perf_counter() - t) * 1000:.2f} ms")


def verdicts(dirs: list[Path]) -> None:
    rows = []
    for d in dirs:
        for path in sorted(d.glob("*.pdf")):
            for n, layer in enumerate(_layers(path), 1):
                q = score_text(layer)
                if q.judged:
                    rows.append(
                        (
                            q.trusted,
                            q.valid_share,
                            q.marked_share,
                            q.words,
                            f"{d.name}/{path.name} p{n}",
                            q.abbreviation_share,
                        )
                    )
    rows.sort(key=lambda r: (not r[0], r[1]))
    trusted = [r for r in rows if r[0]]
    print(f"\nverdicts: {len(rows)} judged pages, {len(trusted)} trusted, {len(rows) - len(trusted)} not")
    if trusted:
        print(
            f"  trusted pages: valid ≥ {min(r[1] for r in trusted):.0%}, marked ≥ "
            f"{min(r[2] for r in trusted):.0%}, "
            f"abbreviations ≤ {max(r[5] for r in trusted):.0%} (thresholds 75%, 25%, 50%)"
        )
    for r in trusted[:5] + [r for r in rows if not r[0]]:
        print(
            f"  {'trusted' if r[0] else 'NOT trusted':<12} valid {r[1]:4.0%}  marked {r[2]:4.0%}  "
            f"abbreviations {r[5]:4.0%}  {r[3]:>4} words  {r[4]}"
        )


def _agreement(layer: str, other: str) -> float:
    """Share of the layer's words (lower-cased, with their marks) that the other reading also has."""
    mine = Counter(w.lower() for w in WORD.findall(layer) if len(w) > 1)
    theirs = Counter(w.lower() for w in WORD.findall(other) if len(w) > 1)
    return sum((mine & theirs).values()) / max(sum(mine.values()), 1)


def second_opinion(dirs: list[Path], limit: int) -> None:
    """OCR every page (up to `limit` per directory) and compare: a trusted layer should agree with OCR, a
    layer judged lying should not, and the text then chosen should."""
    if not ocr_available():
        print("\nsecond opinion: tesseract with 'vie' is not installed")
        return
    print("\nsecond opinion: share of the page's words that OCR of the same page also reads")
    for d in dirs:
        for path in sorted(d.glob("*.pdf"))[:limit]:
            doc = pdfium.PdfDocument(path.read_bytes())
            chosen = read_pdf(path.read_bytes(), part="x").text
            for n in range(len(doc)):
                page = doc[n]
                textpage = page.get_textpage()
                layer = textpage.get_text_range()
                textpage.close()
                q = score_text(layer)
                if q.judged:
                    ocr = ocr_png(_render_png(page), timeout=120)
                    print(
                        f"  {d.name}/{path.name} p{n + 1}: {'trusted' if q.trusted else 'NOT trusted':<12} "
                        f"layer agrees with OCR {_agreement(layer, ocr):4.0%}; "
                        f"OCR reads {score_text(ocr).describe()}"
                    )
                page.close()
            if any(not score_text(t).trusted for t in _layers(path)):
                ocr_all = " ".join(ocr_png(_render_png(doc[k]), timeout=120) for k in range(len(doc)))
                agreement = _agreement(chosen, ocr_all)
                print(f"  {d.name}/{path.name}: the text Docket chose agrees with OCR {agreement:4.0%}")
            doc.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--shared", type=Path, default=REPO / ".." / "shared")
    ap.add_argument(
        "--second-opinion",
        type=int,
        default=0,
        metavar="N",
        help="also OCR the pages of the first N PDFs of each directory and compare (slow: ~1 s/page)",
    )
    args = ap.parse_args()
    corpus = args.shared / "corpus"
    if not corpus.is_dir():
        sys.exit(f"corpus not found: {corpus}")
    two_page = [p for p in sorted(corpus.glob("dev-*.pdf")) if not p.name.endswith(".scan.pdf")][:4]
    cost(two_page + sorted((args.shared / "corpus-real").glob("*.pdf"))[:2], args.rounds)
    dirs = [d for d in (corpus, args.shared / "corpus-real", args.shared / "realworld") if d.is_dir()]
    verdicts(dirs)
    if args.second_opinion:
        second_opinion(dirs, args.second_opinion)


if __name__ == "__main__":
    main()
