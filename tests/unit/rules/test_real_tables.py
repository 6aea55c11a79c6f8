"""Real plans with task tables from a source other than the corpus-real repository
(tests/fixtures/real_tables: four plans of UBND tỉnh Lâm Đồng, 2025-2026, with annexes 'STT | Nhiệm vụ | … |
Chủ trì thực hiện | …', broadcast schedules and an inspection schedule, and one letter; sources and figures in
its SOURCES.md), scored like the corpora. The floors sit slightly below the figures measured on branch tables
(recall 204/215 = 0.949, precision 0.958, deadline 0.980, lead 1.000): a few slips are allowed, a lost table
or a lost section fails here."""
from __future__ import annotations

from tests.unit.rules.floors import FIXTURES, assert_floors

FOLDER = FIXTURES / "real_tables"
FLOORS = {"recall": 0.93, "precision": 0.94, "deadline": 0.96, "lead": 0.97}


def test_real_plans_with_task_tables_meet_their_floors() -> None:
    assert_floors(FOLDER, FLOORS, documents=5, required=200)
