"""Ruled tables of a PDF page read by pdfplumber as "cell | cell" rows, in reading order with the page's text.

pypdfium2's text interleaves the cells of a ruled table (a cell's second line comes after the next cell's
first). pdfplumber finds the table from its ruling lines and gives each cell whole, but is 37–74× slower
(notes/libraries.md), so it reads only the pages pypdfium2 shows to carry ruling: enough path objects.
A merged cell is read as empty below or right of its first row or column, like extractors/docx.py reads
Word's merged cells; rules/tables.py carries a merged time cell down.
"""
from __future__ import annotations

import ctypes
import io
import re
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfparser import PDFSyntaxError

from extractors.base import ExtractionError
from extractors.pdf_reflow import reflow

MARGIN_SHARE = 0.08  # a bare number this close to the top or bottom edge is a page number
_PAGE_NO = re.compile(r"^\s*[-–]?\s*\d{1,3}\s*[-–]?\s*$")
MIN_RULINGS = 2
THIN = 3.0  # points: a path thinner than this in one direction is a ruling line
_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def _stroke_kind(obj: Any) -> tuple[int, int]:
    """(horizontal, vertical) rulings one path object draws: a thin line or bar is one of them, a stroked
    unfilled box both; a filled area (shading, a highlighted paragraph) none."""
    left, bottom, right, top = obj.get_bounds()
    if top - bottom < THIN and right - left >= THIN:
        return 1, 0
    if right - left < THIN and top - bottom >= THIN:
        return 0, 1
    fill, stroke = ctypes.c_int(0), ctypes.c_int(0)
    pdfium_c.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
    return (1, 1) if stroke.value and not fill.value else (0, 0)


def has_ruling(page: pdfium.PdfPage) -> bool:
    """Cheap test from pypdfium2's page objects: does the page rule a grid (two lines across, two down)?"""
    across = down = 0
    for obj in page.get_objects(max_depth=2):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            h, v = _stroke_kind(obj)
            across, down = across + h, down + v
            if across >= MIN_RULINGS and down >= MIN_RULINGS:
                return True
    return False


def _is_grid(table: Any) -> bool:
    """A table of cells: most rows have two cells or more. Shaded or boxed paragraphs (one rectangle per
    line) come out as rows of a single cell and stay prose."""
    rows = table.extract()
    celled = sum(1 for r in rows if sum(c is not None for c in r) >= 2)
    return bool(rows) and celled * 2 > len(rows)


def _outermost(tables: list[Any]) -> list[Any]:
    """Tables not inside another one (pdfplumber also reports the grid of a merged block within a table)."""

    def inside(a: Any, b: Any) -> bool:
        return (
            a is not b
            and b.bbox[0] <= a.bbox[0]
            and b.bbox[1] <= a.bbox[1]
            and a.bbox[2] <= b.bbox[2]
            and a.bbox[3] <= b.bbox[3]
        )

    return [t for t in tables if not any(inside(t, o) for o in tables)]


def _row_line(row: list[str | None]) -> str:
    return " | ".join(" ".join((cell or "").split()) for cell in row)


_LABEL = re.compile(r"^\s*(?:\d{1,3}|[IVXLC]{1,6}|[a-zđ])\s*[.)]?\s*$")
HEADER_PIECE = 40  # characters: the longest piece of a header cell split over rows


def table_lines(raw: list[list[str | None]]) -> list[str]:
    """The rows of a table as "cell | cell" lines: echoes of a cell's text that a rule drawn inside it split
    off dropped, a header that merged cells split over rows made one, and columns only merged cells cover
    dropped."""
    rows = [[" ".join((c or "").split()) if c is not None else None for c in r] for r in raw]
    rows = [r for r in rows if any(c for c in r)]
    kept: list[list[str | None]] = []
    for r in rows:
        if kept and r[0] is None and _echoes(r, kept[-1]):
            continue
        kept.append(r)
    kept = _one_header(kept)
    width = max((len(r) for r in kept), default=0)
    # a column is kept when a row writes in it, or when every row has a cell there (empty cells of a real
    # column); one that only merged cells cover (None) is a rule drawn inside a cell
    used = [
        j
        for j in range(width)
        if any(j < len(r) and r[j] for r in kept) or all(j < len(r) and r[j] is not None for r in kept)
    ]
    return [_row_line([r[j] if j < len(r) else "" for j in used]) for r in kept]


def _echoes(row: list[str | None], above: list[str | None]) -> bool:
    """A row under a cell ruled inside (Word's merged cells printed to PDF) that only repeats words of the row
    above: "Chương trình hỗ trợ kinh" under "… về Chương trình hỗ trợ kinh doanh bền vững"."""
    said = " ".join(c for c in above if c)
    return all(not c or c in said for c in row)


def _one_header(rows: list[list[str | None]]) -> list[list[str | None]]:
    """"| Cơ quan |" / "TT | … | Cơ quan chủ trì |" / "| phối hợp |": the pieces of a header that merged cells
    split over two or three rows, joined column by column into one row."""
    k = 0
    while (
        k < min(len(rows), 4)
        and not _LABEL.match(rows[k][0] or "")
        and all(len(c or "") <= HEADER_PIECE for c in rows[k])
        and not all(rows[k])
    ):
        k += 1
    if k < 2:
        return rows
    width = max(len(r) for r in rows[:k])
    head: list[str | None] = [
        " ".join(r[j] or "" for r in rows[:k] if j < len(r) and r[j]) for j in range(width)
    ]
    return [head, *rows[k:]]


def _text_lines(page: Any) -> list[tuple[float, str]]:
    """The text lines of the page with their top, without a page number alone in the top or bottom margin
    (an annex restarts its numbering, so the number itself cannot be checked against the page's index)."""
    margin = float(page.height) * MARGIN_SHARE
    lines = [(float(ln["top"]), str(ln["text"])) for ln in page.extract_text_lines(return_chars=False)]
    return [
        (top, text)
        for top, text in lines
        if not (_PAGE_NO.match(text) and (top < margin or top > float(page.height) - margin))
    ]


class PdfTables:
    """pdfplumber over one document, opened on the first page that needs it."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pdf: Any = None

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()

    def page_paragraphs(self, index: int) -> list[str] | None:
        """The paragraphs of page `index` with its ruled tables as rows, or None when it holds no table."""
        try:
            if self._pdf is None:
                self._pdf = pdfplumber.open(io.BytesIO(self._data))
            page = self._pdf.pages[index]
            tables = _outermost([t for t in page.find_tables(_SETTINGS) if _is_grid(t)])
            if not tables:
                return None
            return _paragraphs(page, tables)
        except (PDFSyntaxError, ValueError, KeyError) as err:
            raise ExtractionError(f"PDF table on page {index + 1} unreadable: {err}") from err


def _paragraphs(page: Any, tables: list[Any]) -> list[str]:
    outside = page
    for t in tables:
        outside = outside.outside_bbox(t.bbox)
    items: list[tuple[float, int, list[str]]] = []
    for t in tables:
        items.append((float(t.bbox[1]), 1, table_lines(t.extract())))
    lines = _text_lines(outside)
    out: list[str] = []
    pending: list[str] = []
    for top, kind, rows in sorted(items + [(top, 0, [text]) for top, text in lines], key=lambda x: x[0]):
        if kind == 1:
            out.extend(reflow(pending))
            pending = []
            out.extend(rows)
        else:
            pending.extend(rows)
    out.extend(reflow(pending))
    return out
