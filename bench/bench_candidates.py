"""What the safety net costs: the judge's load time (fresh process) and the per-document time of the rules
alone, the rules + candidates, and the rules + candidates + judge, over the .txt documents of gold folders.

    python bench/bench_candidates.py ../shared/corpus-real ../shared/corpus --rounds 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

LOAD = (
    "import time; t0 = time.perf_counter(); import spacy; t1 = time.perf_counter(); "
    "from rules.candidate_model import shipped_judge; j = shipped_judge(); t2 = time.perf_counter(); "
    "j.scores(['sig_action Rà soát hồ sơ']); t3 = time.perf_counter(); "
    "print(t1 - t0, t2 - t1, t3 - t2)"
)


def _load_times(rounds: int) -> list[tuple[float, float, float]]:
    """(import spacy, build + read the model, first call) in seconds, each in a fresh interpreter."""
    root = str(Path(__file__).resolve().parents[1])
    out = []
    for _ in range(rounds):
        done = subprocess.run(
            [sys.executable, "-c", LOAD],
            capture_output=True,
            text=True,
            check=True,
            cwd=root,
            env={"PYTHONPATH": root, "PATH": "/usr/bin:/bin"},
        )
        a, b, c = (float(x) for x in done.stdout.split())
        out.append((a, b, c))
    return out


def _median_ms(fn: object, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from rules.analyse import analyse
    from rules.calendar import WorkCalendar
    from rules.candidate_model import shipped_judge
    from rules.candidates import find_candidates
    from rules.directory import load_directory
    from rules.findings import AnalysisContext

    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    loads = _load_times(3)
    print(
        "load (fresh process, median of 3): import spacy %.0f ms, model %.0f ms, first call %.0f ms"
        % tuple(statistics.median(x[i] for x in loads) * 1000 for i in range(3))
    )
    calendar, judge = WorkCalendar(), shipped_judge()
    rows = []
    for folder in args.folders:
        for gold_path in sorted(folder.glob("*.json")):
            txt = gold_path.with_suffix(".txt")
            if not txt.exists():
                continue
            org = json.loads(gold_path.read_text(encoding="utf-8")).get("org", "")
            directory = load_directory(folder / f"directory-{org}.yaml")
            text = unicodedata.normalize("NFC", txt.read_text(encoding="utf-8"))
            ctx = AnalysisContext(directory=directory, calendar=calendar)
            findings = analyse(text, ctx)
            rules_ms = _median_ms(lambda: analyse(text, ctx), args.rounds)
            net_ms = _median_ms(
                lambda: find_candidates(text, findings, directory=directory, calendar=calendar), args.rounds
            )
            judged_ms = _median_ms(
                lambda: find_candidates(text, findings, directory=directory, calendar=calendar, judge=judge),
                args.rounds,
            )
            rows.append((txt.name, len(text), rules_ms, net_ms, judged_ms))
    for name, chars, r, n, j in rows:
        print(
            f"{name:<14} {chars:>7} chars  rules {r:7.2f} ms  + net {n:7.2f} ms  + net with judge {j:7.2f} ms"
        )
    for label, k in (("rules", 2), ("net (no judge)", 3), ("net with judge", 4)):
        print(f"median per document, {label}: {statistics.median(r[k] for r in rows):.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
