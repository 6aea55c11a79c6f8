"""Read a legacy Word 97–2003 .doc through antiword, else LibreOffice headless; both with timeouts."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from functools import partial

from extractors.base import ExtractedText, ExtractionError
from extractors.builder import TextBuilder

TIMEOUT_S = 60.0
_TABLE_LINE = re.compile(r"^\s*\|(.*)\|\s*$")


def _table_row(line: str) -> str | None:
    m = _TABLE_LINE.match(line)
    if not m:
        return None
    cells = [c.strip() for c in m.group(1).split("|")]
    while cells and not cells[-1]:
        cells.pop()
    return " | ".join(cells) if any(cells) else ""


def _antiword(path: str) -> str:
    exe = shutil.which("antiword")
    if not exe:
        raise FileNotFoundError("antiword")
    env = dict(os.environ, ANTIWORDHOME=os.environ.get("ANTIWORDHOME", "/usr/share/antiword"))
    try:
        proc = subprocess.run([exe, "-m", "UTF-8.txt", "-w", "0", path], capture_output=True,
                              timeout=TIMEOUT_S, check=False, env=env)
    except subprocess.TimeoutExpired as err:
        raise ExtractionError(f"legacy .doc: antiword timed out after {TIMEOUT_S:.0f} s") from err
    err_text = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0 or not proc.stdout.strip():
        low = err_text.lower()
        if "encrypt" in low or "password" in low:
            raise ExtractionError("password-protected (encrypted) .doc")
        raise RuntimeError(err_text.splitlines()[-1] if err_text else "antiword produced no text")
    return proc.stdout.decode("utf-8", "replace")


def _soffice(path: str, workdir: str) -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise FileNotFoundError("soffice")
    profile = f"file://{workdir}/lo-profile"
    try:
        proc = subprocess.run(
            [exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "txt:Text (encoded):UTF8",
             "--outdir", workdir, path], capture_output=True, timeout=TIMEOUT_S * 2, check=False)
    except subprocess.TimeoutExpired as err:
        raise ExtractionError("legacy .doc: LibreOffice timed out") from err
    out = os.path.join(workdir, "input.txt")
    if proc.returncode != 0 or not os.path.exists(out):
        raise RuntimeError("LibreOffice could not convert the file")
    with open(out, "rb") as fh:
        return fh.read().decode("utf-8-sig", "replace")


def doc_to_text(data: bytes) -> str:
    """Raw text of a .doc; ExtractionError when no converter is installed or the file cannot be read."""
    reasons: list[str] = []
    with tempfile.TemporaryDirectory(prefix="docket-doc-") as workdir:
        path = os.path.join(workdir, "input.doc")
        with open(path, "wb") as fh:
            fh.write(data)
        converters = (
            ("antiword", partial(_antiword, path)),
            ("LibreOffice", partial(_soffice, path, workdir)),
        )
        for name, convert in converters:
            try:
                return convert()
            except FileNotFoundError:
                continue
            except RuntimeError as err:
                reasons.append(f"{name}: {err}")
    if not reasons:
        raise ExtractionError("legacy .doc needs antiword or LibreOffice, and neither is installed")
    raise ExtractionError("unreadable legacy .doc (" + "; ".join(reasons) + ")")


def read_doc(data: bytes, *, part: str) -> ExtractedText:
    text = doc_to_text(data)
    builder = TextBuilder()
    table = 0
    in_table = False
    for i, line in enumerate(text.replace("\r", "\n").split("\n"), 1):
        row = _table_row(line)
        if row is None:
            in_table = False
            builder.add(line, f"line {i}")
        elif row:
            if not in_table:
                table += 1
            builder.add(row, f"table {table} line {i}", sep="\n" if in_table else "\n\n")
            in_table = True
    return builder.build(part=part, kind="doc")
