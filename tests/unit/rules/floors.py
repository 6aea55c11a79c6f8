"""The gate of a folder of real documents: scored like the corpora, its totals held above their floors."""
from __future__ import annotations

from pathlib import Path

from rules.calendar import WorkCalendar
from service.admin.evaluate import evaluate_folder

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def assert_floors(folder: Path, floors: dict[str, float], *, documents: int, required: int) -> None:
    """The folder still holds its documents and required tasks, and every total meets its floor; a failure
    lists each document's misses, extras and wrong fields."""
    report = evaluate_folder(folder, calendar=WorkCalendar())
    total = next(t for t in report["totals"] if t["name"].startswith("TOTAL"))
    assert len(report["documents"]) >= documents and total["required"] >= required
    misses = [(r["name"], r["misses"], r["extras"], r["wrong"]) for r in report["documents"]]
    for metric, floor in floors.items():
        assert total[metric] >= floor, (metric, total[metric], misses)
