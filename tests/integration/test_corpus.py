"""Issue 3 acceptance: `docket extract` over every document of ../shared/corpus in every rendering, scored by
SCHEMA.md. Text renderings (.txt, .docx, .pdf, .eml) are gated; scanned PDFs (OCR) are reported apart.

The corpus is not part of the project: without it the test skips with the reason; under CI=true it fails. Our
own notices under tests/fixtures/notices, and the notices of other organisations written blind to the rules
under tests/fixtures/notices_extra, notices_blind1, notices_extra2, notices_blind2 and notices_blind3, are
scored the same way (they are regression tests).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.admin.evaluate import Score, documents, load_gold, merge_outputs, norm, score
from tests.conftest import CORPUS, need

pytestmark = pytest.mark.corpus
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notices"
EXTRA = Path(__file__).resolve().parents[1] / "fixtures" / "notices_extra"
BLIND1 = Path(__file__).resolve().parents[1] / "fixtures" / "notices_blind1"
EXTRA2 = Path(__file__).resolve().parents[1] / "fixtures" / "notices_extra2"
BLIND2 = Path(__file__).resolve().parents[1] / "fixtures" / "notices_blind2"
BLIND3 = Path(__file__).resolve().parents[1] / "fixtures" / "notices_blind3"
GATES = {"recall": 0.95, "precision": 0.90, "deadline": 0.95, "lead": 0.90}


def _extract(path: Path, directory: Path) -> list[dict[str, Any]]:
    result = CliRunner().invoke(app, ["extract", str(path), "--directory", str(directory), "--json"])
    assert result.exit_code == 0, f"{path.name}: exit {result.exit_code}: {result.output}"
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _run(
    folder: Path, kinds: tuple[str, ...]
) -> tuple[dict[str, Score], dict[str, dict[str, list[tuple]]], list[str]]:
    totals: dict[str, Score] = {}
    tasks_by_doc: dict[str, dict[str, list[tuple]]] = {}
    lines = []
    for gold_path, path, kind in documents(folder):
        if kind not in kinds:
            continue
        gold = load_gold(gold_path)
        out = merge_outputs(_extract(path, folder / f"directory-{gold['org']}.yaml"))
        s = score(path.name, gold, out)
        lines.append(
            f"{path.name:<22} R {s.recall:.3f} P {s.precision:.3f} deadline {s.deadline:.3f} "
            f"lead {s.lead:.3f} recurrence {s.recurrence:.3f} doc {s.doc:.3f} "
            f"misses {s.misses} extras {s.extras} wrong {s.wrong}"
        )
        totals.setdefault(kind, Score(kind)).add(s)
        totals.setdefault("all", Score("all")).add(s)
        tasks_by_doc.setdefault(gold_path.stem, {})[kind] = [
            (norm(t["text"]), tuple(sorted(t["lead"])), t["deadline"], t["recurrence"]) for t in out["tasks"]
        ]
    return totals, tasks_by_doc, lines


def _report(title: str, totals: dict[str, Score], lines: list[str]) -> None:
    print(f"\n== {title}")
    for line in lines:
        print(line)
    for kind, t in totals.items():
        print(
            f"TOTAL {kind:<8} recall {t.recall:.3f} precision {t.precision:.3f} deadline {t.deadline:.3f} "
            f"lead {t.lead:.3f} recurrence {t.recurrence:.3f} doc {t.doc:.3f} "
            f"({t.matched_required}/{t.required} required, {t.predictions} predicted)"
        )


def _gate(totals: dict[str, Score]) -> None:
    for kind, t in totals.items():
        for metric, floor in GATES.items():
            assert getattr(t, metric) >= floor, f"{kind}: {metric} {getattr(t, metric):.3f} < {floor}"


def test_corpus_text_renderings() -> None:
    need(CORPUS.is_dir(), f"corpus not found at {CORPUS}")
    totals, tasks_by_doc, lines = _run(CORPUS, ("txt", "docx", "pdf", "eml"))
    _report("corpus, text renderings", totals, lines)
    assert totals["all"].required >= 90, "the corpus looks incomplete"
    _gate(totals)
    for stem, by_kind in tasks_by_doc.items():
        reference = by_kind["txt"]
        for kind, tasks in by_kind.items():
            assert tasks == reference, f"{stem}: the {kind} rendering gives other tasks than the .txt"


def test_scanned_pdfs_reported_apart() -> None:
    need(CORPUS.is_dir(), f"corpus not found at {CORPUS}")
    if not any(CORPUS.glob("*.scan.pdf")):
        pytest.skip("no scanned PDFs in the corpus")
    from extractors.ocr import ocr_available

    need(
        ocr_available() and shutil.which("tesseract") is not None,
        "tesseract with the 'vie' language is not installed",
    )
    totals, _, lines = _run(CORPUS, ("scan.pdf",))
    _report("corpus, scanned PDFs (OCR; reported, loosely gated)", totals, lines)
    assert totals["scan.pdf"].recall >= 0.7, "OCR text lost most directives"


def test_own_notices_score_well() -> None:
    """Notices we wrote ourselves in other styles (Chỉ thị by addressee, Công văn to Quý cơ quan, Kế hoạch
    table)."""
    assert any(FIXTURES.glob("*.json")), "fixture notices missing"
    totals, _, lines = _run(FIXTURES, ("txt",))
    _report("own notices (tests/fixtures/notices)", totals, lines)
    _gate(totals)


def test_blind_written_notices_score_well() -> None:
    """Eight notices of four organisations not in the corpus, written by someone who had not seen the rules
    (Công văn with Kính gửi, Chỉ thị in old tone placement, Giấy mời, Quyết định, Kế hoạch table, upward
    Báo cáo)."""
    assert any(EXTRA.glob("*.json")), "notices_extra missing"
    totals, _, lines = _run(EXTRA, ("txt",))
    _report("blind-written notices (tests/fixtures/notices_extra)", totals, lines)
    assert totals["all"].required >= 50, "notices_extra looks incomplete"
    _gate(totals)


def test_first_blind_set_scores_well() -> None:
    """Six notices of four more organisations, first measured blind (Kế hoạch with a 6-column task table, Công
    văn to "Trưởng các khoa", per-addressee headings with a)/b)/c) items, NFD, old tone placement, an upward
    Tờ trình)."""
    assert any(BLIND1.glob("*.json")), "notices_blind1 missing"
    totals, _, lines = _run(BLIND1, ("txt",))
    _report("first blind set (tests/fixtures/notices_blind1)", totals, lines)
    assert totals["all"].required >= 40, "notices_blind1 looks incomplete"
    _gate(totals)


def _gated_set(folder: Path, title: str, *, min_required: int, kinds: tuple[str, ...]) -> None:
    """Score a fixture set, gate it, and require every rendering present to give the .txt's tasks."""
    assert any(folder.glob("*.json")), f"{folder.name} missing"
    totals, tasks_by_doc, lines = _run(folder, kinds)
    _report(f"{title} (tests/fixtures/{folder.name})", totals, lines)
    assert totals["all"].required >= min_required, f"{folder.name} looks incomplete"
    assert set(kinds) <= set(totals), f"a rendering is missing: {sorted(totals)}"
    _gate(totals)
    for stem, by_kind in tasks_by_doc.items():
        for kind, tasks in by_kind.items():
            assert tasks == by_kind["txt"], f"{stem}: the {kind} rendering gives other tasks than the .txt"


def test_second_blind_written_set_scores_well_in_every_rendering() -> None:
    """Six notices of three more organisations, written blind, with .docx (Word tables) and forwarded .eml
    renderings (attachment, plain-text body, HTML-only body): every rendering gives the .txt's tasks."""
    _gated_set(EXTRA2, "second blind-written set", min_required=80, kinds=("txt", "docx", "eml"))


def test_second_blind_set_scores_well_in_every_rendering() -> None:
    """Six notices of the same three organisations as notices_extra2, first measured blind (Kết luận with a
    second subject after "; trong đó", anaphora "Bộ phận này", working days across 30/4-1/5, a Giấy mời, Word
    tables, a forwarded .eml): gated like notices_blind1, and every rendering (.txt, .docx, .eml) gives the
    .txt's tasks."""
    _gated_set(BLIND2, "second blind set", min_required=40, kinds=("txt", "docx", "eml"))


def test_third_blind_set_scores_well_in_every_rendering() -> None:
    """Eight notices of three organisations on the post-2025 map (a Sở Tài chính, a Ban Quản lý các KCN, an
    UBND xã), first measured blind (a Kế hoạch table, a Quyết định across Quốc khánh, NFD, old tone placement,
    an upward Báo cáo, "Đối với X:" topics, "Hai đơn vị"): gated like notices_blind2, and every rendering
    (.txt, .docx, .eml) gives the .txt's tasks."""
    _gated_set(BLIND3, "third blind set", min_required=55, kinds=("txt", "docx", "eml"))
