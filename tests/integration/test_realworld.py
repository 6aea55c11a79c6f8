"""Issue 3 acceptance on ../shared/realworld: every file is read or refused with a one-line reason (never a
traceback), and the number, type and issue date of its PDFs match metadata.json."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from service.cli import app
from tests.conftest import REALWORLD, need

pytestmark = pytest.mark.corpus


def _files() -> list:
    return sorted(p for p in REALWORLD.glob("rw-*")) if REALWORLD.is_dir() else []


def test_every_file_read_or_refused_in_one_line() -> None:
    need(REALWORLD.is_dir(), f"real-world files not found at {REALWORLD}")
    runner = CliRunner()
    refused = []
    for path in _files():
        result = runner.invoke(app, ["extract", str(path), "--json"])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{path.name}: {type(result.exception).__name__}: {result.exception}")
        if result.exit_code == 0:
            for line in result.stdout.splitlines():
                obj = json.loads(line)
                assert set(obj) >= {"document", "tasks", "warnings"}
        else:
            lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
            assert len(lines) == 1 and "Traceback" not in result.stderr, f"{path.name}: {result.stderr!r}"
            refused.append(f"{path.name}: {lines[0]}")
    print("\nrefused:", *refused, sep="\n  ")


def test_pdf_metadata_matches() -> None:
    need(REALWORLD.is_dir(), f"real-world files not found at {REALWORLD}")
    meta = json.loads((REALWORLD / "metadata.json").read_text(encoding="utf-8"))
    runner = CliRunner()
    for name, want in meta.items():
        result = runner.invoke(app, ["extract", str(REALWORLD / name), "--json"])
        assert result.exit_code == 0, f"{name}: {result.stderr}"
        doc = json.loads(result.stdout.splitlines()[0])["document"]
        got = {k: doc[k] for k in ("number", "type", "issued_date")}
        assert got == want, f"{name}: {got} != {want}"
