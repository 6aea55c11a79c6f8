"""Real plans with task tables from a source other than the corpus-real repository
(tests/fixtures/real_tables: four plans of UBND tỉnh Lâm Đồng, 2025-2026, with annexes 'STT | Nhiệm vụ | … |
Chủ trì thực hiện | …', broadcast schedules and an inspection schedule, and one letter; sources and figures in
its SOURCES.md), scored like the corpora. The floors sit slightly below the figures measured on branch tables
(recall 204/215 = 0.949, precision 0.958, deadline 0.980, lead 1.000): a few slips are allowed, a lost table
or a lost section fails here."""
from __future__ import annotations

from pathlib import Path

from rules.calendar import WorkCalendar
from service.admin.evaluate import evaluate_folder

FOLDER = Path(__file__).resolve().parents[2] / "fixtures" / "real_tables"
FLOORS = {"recall": 0.93, "precision": 0.94, "deadline": 0.96, "lead": 0.97}


def test_real_plans_with_task_tables_meet_their_floors() -> None:
    report = evaluate_folder(FOLDER, calendar=WorkCalendar())
    total = next(t for t in report["totals"] if t["name"].startswith("TOTAL"))
    assert len(report["documents"]) >= 5 and total["required"] >= 200
    misses = [(r["name"], r["misses"], r["extras"], r["wrong"]) for r in report["documents"]]
    for metric, floor in FLOORS.items():
        assert total[metric] >= floor, (metric, total[metric], misses)
