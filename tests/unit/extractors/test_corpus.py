"""Every rendering of every corpus document reads back as its .txt; every real-world file is read or
refused."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from extractors.base import ExtractionError, Limits
from extractors.normalize import normalize_text
from extractors.ocr import ocr_available
from extractors.registry import extract_file
from rules.text import loose_key

# ../shared beside the checkout (or ../../shared from a worktree), found once in conftest
from tests.conftest import CORPUS, REALWORLD

pytestmark = pytest.mark.corpus


def _need(path: Path) -> None:
    if not path.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing under CI=true")
        pytest.skip(f"{path} is absent (it is not part of the repository)")


def _renderings(scan: bool) -> list[Path]:
    if not CORPUS.is_dir():
        return []
    files = sorted(f for ext in ("docx", "pdf", "eml") for f in CORPUS.glob(f"dev-*.{ext}"))
    return [f for f in files if f.name.endswith(".scan.pdf") == scan]


def test_the_shared_files_are_found_under_ci() -> None:
    """An empty parameter set skips silently: under CI=true the corpus and the real-world files must be
    there."""
    if os.environ.get("CI") != "true":
        pytest.skip("only CI=true requires ../shared")
    assert _renderings(scan=False) and _renderings(scan=True), f"no renderings in {CORPUS}"
    assert REALWORLD.is_dir() and any(REALWORLD.glob("rw-*")), f"no files in {REALWORLD}"


def _words(text: str) -> Counter[str]:
    return Counter(w for w in re.split(r"[\s|]+", loose_key(text)) if w)


def _overlap(expected: Counter[str], got: Counter[str]) -> tuple[float, float]:
    common = sum((expected & got).values())
    return common / max(1, sum(expected.values())), common / max(1, sum(got.values()))


def _gold(path: Path) -> tuple[str, list[str]]:
    stem = path.name.split(".")[0]
    txt = (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")
    gold = json.loads((CORPUS / f"{stem}.json").read_text(encoding="utf-8"))
    return normalize_text(txt), [t["quote"] for t in gold.get("tasks", [])]


@pytest.mark.parametrize("path", _renderings(scan=False), ids=lambda p: p.name)
def test_rendering_matches_text(path: Path):
    _need(CORPUS)
    expected, quotes = _gold(path)
    out = extract_file(path.read_bytes(), path.name)
    recall, precision = _overlap(_words(expected), _words(out.text))
    print(f"{path.name}: word recall {recall:.3f}, precision {precision:.3f}")
    assert recall >= 0.98 and precision >= 0.98, (recall, precision)
    flat = " ".join(out.text.split())
    missing = [q for q in quotes if " ".join(q.split()) not in flat]
    assert not missing, missing


@pytest.mark.slow
@pytest.mark.parametrize("path", _renderings(scan=True), ids=lambda p: p.name)
def test_scanned_rendering_read_by_ocr(path: Path):
    _need(CORPUS)
    if not ocr_available():
        pytest.skip("tesseract with the vie model is not installed")
    expected, quotes = _gold(path)
    out = extract_file(path.read_bytes(), path.name)
    recall, precision = _overlap(_words(expected), _words(out.text))
    flat = " ".join(out.text.split())
    found = sum(" ".join(q.split()) in flat for q in quotes)
    print(
        f"{path.name} (OCR): word recall {recall:.3f}, precision {precision:.3f}, quotes "
        f"{found}/{len(quotes)}"
    )
    assert recall >= 0.90 and precision >= 0.90, (recall, precision)


def _realworld() -> list[Path]:
    return sorted(f for f in REALWORLD.glob("rw-*")) if REALWORLD.is_dir() else []


@pytest.mark.parametrize("path", _realworld(), ids=lambda p: p.name)
def test_realworld_file_read_or_refused(path: Path):
    _need(REALWORLD)
    try:
        out = extract_file(path.read_bytes(), path.name, limits=Limits(ocr=False))
    except ExtractionError as err:
        assert str(err) and "\n" not in str(err)
        return
    # a scan without OCR (rw-33) is read empty, and says so page by page rather than silently
    assert out.text.strip() or (out.warnings and all("no text layer" in w for w in out.warnings)), (
        "read but empty"
    )
    assert "\ufffd" not in out.text[:2000]
