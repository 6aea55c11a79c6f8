"""Issue 12: ../shared/corpus-real (19 real documents) read in place, scored by SCHEMA.md per rendering.

The floors live in MINIMUMS, one place: the acceptance figures of issue 12, in every rendering.
Task tables are gated on their own: every required row a table gives (its quote lies on a "cell | cell" line
of the .txt) is a task with the gold's lead in every rendering, and every rendering gives the .txt's table
rows.
Without the folder the tests skip with the reason; under CI=true they fail.
"""

from __future__ import annotations

from typing import Any

import pytest

from service.admin.evaluate import Score, documents, load_gold, merge_outputs, norm, score
from tests.conftest import SHARED, need
from tests.integration.test_corpus import _extract

pytestmark = pytest.mark.corpus
CORPUS_REAL = SHARED / "corpus-real"

# Per rendering floors, measured on this branch (ext-tables) with the table reader and PDF tables in.
# issue 12's acceptance: recall 0.95, precision 0.90, deadline 0.95, lead 0.90
MINIMUMS: dict[str, dict[str, float]] = {
    kind: {"recall": 0.95, "precision": 0.90, "deadline": 0.95, "lead": 0.90}
    for kind in ("txt", "docx", "pdf")
}
# share of required table rows found with the gold's lead, in each rendering (2 of 52: "*", see the report)
TABLE_ROW_LEAD_FLOOR = 0.95


def _outputs() -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    need(CORPUS_REAL.is_dir(), f"corpus-real not found at {CORPUS_REAL}")
    out = []
    for gold_path, path, kind in documents(CORPUS_REAL):
        gold = load_gold(gold_path)
        result = merge_outputs(_extract(path, CORPUS_REAL / f"directory-{gold['org']}.yaml"))
        out.append((gold_path.stem, kind, gold, result))
    return out


@pytest.fixture(scope="module")
def outputs() -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    return _outputs()


def test_every_rendering_meets_its_floor(
    outputs: list[tuple[str, str, dict[str, Any], dict[str, Any]]],
) -> None:
    totals: dict[str, Score] = {}
    for stem, kind, gold, result in outputs:
        totals.setdefault(kind, Score(kind)).add(score(f"{stem}.{kind}", gold, result))
    for kind, floors in MINIMUMS.items():
        t = totals[kind]
        print(
            f"corpus-real {kind}: recall {t.recall:.3f} precision {t.precision:.3f} deadline "
            f"{t.deadline:.3f} "
            f"lead {t.lead:.3f} ({t.matched_required}/{t.required} required, {t.predictions} predicted)"
        )
        for metric, floor in floors.items():
            assert getattr(t, metric) >= floor, f"{kind}: {metric} {getattr(t, metric):.3f} < {floor}"


def _table_quotes(stem: str, gold: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [
        norm(line)
        for line in (CORPUS_REAL / f"{stem}.txt").read_text(encoding="utf-8").splitlines()
        if " | " in line
    ]
    return [t for t in gold["tasks"] if t.get("required") and any(norm(t["quote"]) in r for r in rows)]


def test_table_rows_are_tasks_with_their_lead_in_every_rendering(
    outputs: list[tuple[str, str, dict[str, Any], dict[str, Any]]],
) -> None:
    found: dict[str, list[bool]] = {}
    for stem, kind, gold, result in outputs:
        for g in _table_quotes(stem, gold):
            hits = [t for t in result["tasks"] if norm(g["quote"]) in norm(t["text"])]
            ok = any(sorted(t["lead"]) == sorted(g["lead"]) for t in hits)
            found.setdefault(kind, []).append(ok)
            if not ok:
                print(f"{stem}.{kind}: row {g['quote']!r} lead {g['lead']} -> {[t['lead'] for t in hits]}")
    assert sum(len(v) for v in found.values()) >= 40, "corpus-real looks incomplete: few table rows"
    for kind, oks in found.items():
        share = sum(oks) / len(oks)
        print(f"table rows {kind}: {sum(oks)}/{len(oks)}")
        assert share >= TABLE_ROW_LEAD_FLOOR, f"{kind}: table rows with their lead {share:.3f}"


def test_every_rendering_gives_the_table_rows_of_the_txt(
    outputs: list[tuple[str, str, dict[str, Any], dict[str, Any]]],
) -> None:
    """Same rows, leads, deadlines and recurrences; a PDF may add the row labels Word numbers
    automatically."""
    by_doc: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    for stem, kind, _gold, result in outputs:
        by_doc.setdefault(stem, {})[kind] = [
            (norm(t["text"]), tuple(sorted(t["lead"])), t["deadline"], t["recurrence"])
            for t in result["tasks"]
            if " | " in t["text"]
        ]
    for stem, kinds in by_doc.items():
        for kind, rows in kinds.items():
            reference = kinds["txt"]
            assert len(rows) == len(reference), (
                f"{stem}: {kind} gives {len(rows)} table rows, the .txt {len(reference)}"
            )
            for row, ref in zip(rows, reference):
                assert ref[0] in row[0] and row[1:] == ref[1:], (
                    f"{stem}.{kind}: {row} differs from the .txt's {ref}"
                )
