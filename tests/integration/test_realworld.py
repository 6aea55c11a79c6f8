"""Issue 3 and 12 acceptance on ../shared/realworld: every file is read or refused with a one-line reason
(never a traceback), the .docx files our fast reader once refused are read, the .doc files are read where
antiword is installed, the text layers that lie (rw-31, rw-32) are not taken at their word, and the number,
type and issue date of its PDFs match metadata.json."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from extractors.docx import read_docx
from extractors.docx_fallback import read_with_python_docx
from extractors.ocr import ocr_available
from extractors.pdf import read_pdf
from extractors.pdf_quality import score_text
from service.cli import app
from tests.conftest import REALWORLD, need

pytestmark = pytest.mark.corpus


def _files() -> list:
    return sorted(p for p in REALWORLD.glob("rw-*")) if REALWORLD.is_dir() else []


def test_every_file_read_or_refused_in_one_line() -> None:
    need(REALWORLD.is_dir(), f"real-world files not found at {REALWORLD}")
    runner = CliRunner()
    refused, report = [], []
    for path in _files():
        result = runner.invoke(app, ["extract", str(path), "--json"])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{path.name}: {type(result.exception).__name__}: {result.exception}"
        )
        if result.exit_code == 0:
            for line in result.stdout.splitlines():
                obj = json.loads(line)
                assert set(obj) >= {"document", "tasks", "warnings"}
                doc = obj["document"]
                report.append(
                    f"{path.name}: read: {doc['type']}, {doc['number']}, {doc['issued_date']}, "
                    f"{len(obj['tasks'])} tasks; {len(obj['warnings'])} warnings {obj['warnings'][:1]}"
                )
        else:
            lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
            assert len(lines) == 1 and "Traceback" not in result.stderr, f"{path.name}: {result.stderr!r}"
            refused.append(f"{path.name}: {lines[0]}")
            report.append(f"{path.name}: refused: {lines[0]}")
    print("", *report, sep="\n")
    assert not [r for r in refused if r.startswith(("rw-27", "rw-28"))], refused  # issue 12 item 6
    if shutil.which("antiword"):
        assert not [r for r in refused if ".doc:" in r], refused
    assert len(_files()) == 33


@pytest.mark.parametrize("name", ["rw-27.docx", "rw-28.docx"])
def test_docx_once_refused_is_read_and_python_docx_agrees(name: str) -> None:
    need(REALWORLD.is_dir(), f"real-world files not found at {REALWORLD}")
    data = (REALWORLD / name).read_bytes()
    ours = read_docx(data, part=name)
    second = read_with_python_docx(data, part=name, first_reason="second opinion")
    assert ours.warnings == () and len(ours.text) > 1000
    assert ours.text == second.text  # both readers give the same text: our fast path read it right


def test_lying_text_layers_are_not_taken_at_their_word() -> None:
    need(REALWORLD.is_dir(), f"real-world files not found at {REALWORLD}")
    for name, pages in (("rw-31.pdf", 1), ("rw-32.pdf", 3)):
        out = read_pdf((REALWORLD / name).read_bytes(), part=name)
        how = [w for w in out.warnings if "text layer does not read as Vietnamese" in w]
        assert len(how) == pages, out.warnings  # one line per page says how it was read
        if ocr_available():
            assert all(w.startswith(f"page {n} read by OCR") for n, w in enumerate(how, 1)), how
            # the second opinion reads as Vietnamese where the layer did not
            assert score_text(out.text).trusted
    clean = read_pdf((REALWORLD / "rw-01.pdf").read_bytes(), part="rw-01.pdf")
    assert not [w for w in clean.warnings if "text layer" in w or "OCR" in w]


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


# Read by hand: the Tờ trình / Phiếu trình (requests of a Sở to the Chủ tịch UBND), Điều lệ (charters of
# associations), Quy chế, Hướng dẫn (the Party's guide to document layout), Nghị quyết and Quyết định
# (approving
# charters, naming members) of ../shared/realworld assign nothing to an office's units. Run without a
# directory (we
# have none for these offices), every named body is unknown, so what may still come out is a collective ("các
# sở, ban, ngành": "*") or a named body in an explicit "giao/đề nghị X" frame. Before the precision rules
# these
# files gave up to ~320 tasks each (citations, headings, "Hội X: …" status lines, articles of a charter).
NON_DIRECTIVE = {
    "Tờ trình",
    "Phiếu trình",
    "Điều lệ",
    "Quy chế",
    "Hướng dẫn",
    "Quy định",
    "Nghị quyết",
    "Quyết định",
}
NON_DIRECTIVE_MAX = 3  # loose: a proposal may quote the draft decision's "Giao các sở …" clause
ANY_MAX = 6  # the Thông báo/Công văn files hold one to three real directives each


def test_documents_without_directives_give_few_tasks() -> None:
    need(REALWORLD.is_dir(), f"real-world files not found at {REALWORLD}")
    runner = CliRunner()
    counts, too_many = {}, []
    for path in _files():
        if path.suffix == ".json":
            continue
        result = runner.invoke(app, ["extract", str(path), "--json"])
        if result.exit_code != 0:
            continue
        for line in result.stdout.splitlines():
            obj = json.loads(line)
            kind, n = obj["document"]["type"], len(obj["tasks"])
            counts[path.name] = (kind, n)
            limit = NON_DIRECTIVE_MAX if kind in NON_DIRECTIVE else ANY_MAX
            if n > limit:
                too_many.append(
                    f"{path.name} ({kind}): {n} tasks > {limit}: {[t['text'][:80] for t in obj['tasks']]}"
                )
    print("\ntasks per real-world file:", counts)
    assert sum(1 for kind, _ in counts.values() if kind in NON_DIRECTIVE) >= 15, (
        "real-world set looks incomplete"
    )
    assert not too_many, "\n".join(too_many)
