"""Real documents from public sources other than the corpus-real repository (tests/fixtures/real_other, sources in
its SOURCES.md), scored like the corpora: every required task found, nothing else."""
from __future__ import annotations

from pathlib import Path

from rules.calendar import WorkCalendar
from service.evaluate import evaluate_folder

FOLDER = Path(__file__).resolve().parents[2] / "fixtures" / "real_other"


def test_real_documents_from_other_sources_score_fully() -> None:
    report = evaluate_folder(FOLDER, calendar=WorkCalendar())
    total = next(t for t in report["totals"] if t["name"].startswith("TOTAL"))
    assert total["required"] >= 3
    assert (total["recall"], total["precision"], total["deadline"], total["lead"]) == (1.0, 1.0, 1.0, 1.0), \
        [(r["name"], r["misses"], r["extras"], r["wrong"]) for r in report["documents"]]
