"""Re-join the line wraps of a PDF page's text into paragraphs and drop the printed page number."""
from __future__ import annotations

import re

_ITEM = re.compile(r"^(?:[-–—+•*]\s|\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ][.)]\s|[IVX]{1,5}[.)]\s|\(\d{1,2}\)\s)")
_PAGE_NO = re.compile(r"^[-–\s]*(\d{1,4})[-–\s]*$")
_END = ".:;!?"


def drop_page_number(lines: list[str], page_no: int) -> list[str]:
    """Remove the page number printed at the top of page `page_no` (≥ 2), as Nghị định 30 places it."""
    if page_no < 2:
        return lines
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        m = _PAGE_NO.match(line)
        if m and int(m.group(1)) in (page_no, page_no - 1):
            return lines[:i] + lines[i + 1:]
        return lines
    return lines


def reflow(lines: list[str], rights: list[float] | None = None) -> list[str]:
    """Paragraphs from visual lines: a line is joined to the previous one when it continues it.

    It continues when it is not a list item and either starts in lower case, or the previous line runs
    to the right margin (`rights`: right edge of each line, in points; else judged by length) and does
    not end a sentence.
    """
    clean = [line.strip() for line in lines]
    full_flags = _full_lines(clean, rights)
    paras: list[str] = []
    prev, prev_full = "", False
    for line, is_full in zip(clean, full_flags):
        if not line:
            prev = ""
            continue
        runs_on = not _ITEM.match(line) or _marker_runs_on(prev, line, prev_full) if prev else False
        if paras and runs_on and _continues(prev, line, prev_full):
            paras[-1] = paras[-1] + " " + line
        else:
            paras.append(line)
        prev, prev_full = line, is_full
    return paras


def _full_lines(clean: list[str], rights: list[float] | None) -> list[bool]:
    if rights is not None and len(rights) == len(clean):
        margin = max((r for r, line in zip(rights, clean) if line), default=0.0)
        return [bool(line) and r >= margin - 14.0 for r, line in zip(rights, clean)]
    widths = sorted(len(line) for line in clean if line)
    if not widths:
        return [False] * len(clean)
    full = widths[int(len(widths) * 0.9)] * 0.8 if len(widths) >= 3 else widths[-1]
    return [len(line) >= full for line in clean]


def _marker_runs_on(prev: str, line: str, prev_full: bool) -> bool:
    """A line that opens like a list item but runs the line above on: "(2) Xây dựng …" under a full line that
    does not end (the sentence's own enumeration, wrapped); "- Hà Nội lần thứ II”" under "… chương trình
    “Festival Thăng Long" (a name wrapped at its dash)."""
    if line.startswith("("):
        return prev_full and prev[-1] not in _END
    m = _DASHED.match(line)
    if m is None or not m.group(1)[:1].isupper():
        return False
    return prev.count("“") > prev.count("”") or (prev_full and prev[-1:].isalpha())


_DASHED = re.compile(r"[-–]\s+([^\W\d_][^:]{0,40})(?:[,;.”]|$)")


def _continues(prev: str, line: str, prev_full: bool) -> bool:
    if line[:1] in ",;)":  # "; (2) Đầu tư …" after a footnote mark broke the line: never a paragraph's start
        return True
    first = next((ch for ch in line if ch.isalnum()), "")
    if first.islower():
        return prev[-1] not in _END or prev_full
    return prev_full and prev[-1] not in _END
