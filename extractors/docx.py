"""Read a .docx into text: paragraphs in body order, tables row by row, headers, footers and text boxes.

zipfile + lxml on the package parts (python-docx measured 7–11× slower, notes/libraries.md). Table rows
become one line with cells joined by ' | '. Runs in legacy fonts (.VnTime → TCVN3, VNI-* → VNI) are
converted per run; numbering labels are rendered from numbering.xml.
"""
from __future__ import annotations

import re

from lxml import etree

from extractors.base import ExtractedText, Limits
from extractors.builder import TextBuilder
from extractors.docx_numbering import Numbering
from extractors.docx_fallback import read_with_python_docx
from extractors.docx_package import W, CorruptDocx, DocxPackage, Styles
from extractors.legacy import CONVERTERS, encoding_for_font
from extractors.normalize import normalize_text

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIP = frozenset({f"{W}del", f"{W}delText", f"{W}instrText", f"{MC}Fallback", f"{W}pPr", f"{W}rPr",
                   f"{W}footnoteReference", f"{W}endnoteReference", f"{W}commentReference"})
_UNICODE_VI = re.compile("[ăĂđĐơƠưƯĩĨũŨ\u1ea0-\u1ef9]")
_STYLE_REF = re.compile(rb'<w:[pr]Style w:val="([^"]+)"')
_PAGE_NUMBER = re.compile(r"^[-–\s]*\d{1,4}[-–\s]*$")


class _Reader:
    def __init__(self, pkg: DocxPackage, document_raw: bytes) -> None:
        # styles.xml is large and rarely matters: parse it only when it names a legacy font or numbering
        styles_raw = pkg.read("word/styles.xml") or b""
        wanted = {m.decode() for m in _STYLE_REF.findall(document_raw)}
        self.styles = Styles.from_raw(styles_raw, wanted)
        numbered = b"numPr" in document_raw or bool(self.styles.num)
        self.numbering = Numbering(pkg.xml("word/numbering.xml") if numbered else None)
        self.legacy: set[str] = set()
        self.seen_boxes: set[int] = set()

    # --- paragraphs -------------------------------------------------------------------------------------
    def paragraph(self, p: etree._Element, boxes: list[etree._Element]) -> str:
        ppr = p.find(f"{W}pPr")
        style = None
        label = ""
        if ppr is not None:
            ps = ppr.find(f"{W}pStyle")
            style = ps.get(f"{W}val") if ps is not None else None
            label = self._label(ppr, style)
        out: list[str] = []
        self._inline(p, out, boxes, style)
        text = "".join(out)
        return f"{label} {text}" if label and text.strip() else text

    def _label(self, ppr: etree._Element | None, style: str | None) -> str:
        numpr = ppr.find(f"{W}numPr") if ppr is not None else None
        if numpr is not None:
            nid = numpr.find(f"{W}numId")
            lvl = numpr.find(f"{W}ilvl")
            if nid is None:
                return ""
            return self.numbering.label(
                nid.get(f"{W}val", "0"), int(lvl.get(f"{W}val", "0")) if lvl is not None else 0
            )
        if style and style in self.styles.num:
            nid, ilvl = self.styles.num[style]
            return self.numbering.label(nid, ilvl)
        return ""

    def _inline(
        self, el: etree._Element, out: list[str], boxes: list[etree._Element], style: str | None
    ) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIP or not isinstance(tag, str):
                continue
            if tag == f"{W}r":
                self._run(child, out, boxes, style)
            elif tag == f"{W}txbxContent":
                boxes.append(child)
            else:
                self._inline(child, out, boxes, style)

    def _run(self, r: etree._Element, out: list[str], boxes: list[etree._Element], style: str | None) -> None:
        pieces: list[str] = []
        for child in r:
            tag = child.tag
            if tag == f"{W}t":
                pieces.append(child.text or "")
            elif tag == f"{W}tab" or tag == f"{W}ptab":
                pieces.append(" ")
            elif tag in (f"{W}br", f"{W}cr"):
                pieces.append("\n")
            elif tag == f"{W}noBreakHyphen":
                pieces.append("-")
            elif tag in _SKIP or not isinstance(tag, str):
                continue
            else:  # drawings, pictures, alternate content: look for text boxes only
                sub: list[str] = []
                self._inline(child, sub, boxes, style)
        text = "".join(pieces)
        if text and not text.isascii():
            enc = encoding_for_font(self.styles.run_font(r.find(f"{W}rPr"), style))
            if enc and not _UNICODE_VI.search(text):
                text = CONVERTERS[enc](text)
                self.legacy.add(enc)
        out.append(text)

    # --- tables -----------------------------------------------------------------------------------------
    def cell_text(self, tc: etree._Element) -> str:
        parts: list[str] = []
        boxes: list[etree._Element] = []
        for child in tc:
            if child.tag == f"{W}p":
                parts.append(self.paragraph(child, boxes))
            elif child.tag == f"{W}tbl":
                parts.extend(self.rows(child))
            elif child.tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    parts.append(self.cell_text(content))
        parts.extend(self.box_texts(boxes))
        return " ".join(normalize_text(p).replace("\n", " ") for p in parts if p.strip())

    def rows(self, tbl: etree._Element) -> list[str]:
        out = []
        for tr in _direct_rows(tbl):
            cells = [self.cell_text(tc) for tc in _cells(tr)]
            if any(cells):
                out.append(" | ".join(cells))
        return out

    def box_texts(self, boxes: list[etree._Element]) -> list[str]:
        texts = []
        for box in boxes:
            if id(box) in self.seen_boxes:
                continue
            self.seen_boxes.add(id(box))
            inner: list[etree._Element] = []
            for p in box.iter(f"{W}p"):
                texts.append(self.paragraph(p, inner))
        return [t for t in texts if t.strip()]


def _cells(tr: etree._Element) -> list[etree._Element]:
    cells = []
    for child in tr:
        if child.tag == f"{W}tc":
            cells.append(child)
        elif child.tag == f"{W}sdt":
            cells.extend(child.iter(f"{W}tc"))
    return cells


def _table_blocks(
    reader: _Reader, tbl: etree._Element, builder: TextBuilder, prefix: str, counters: dict[str, int]
) -> None:
    """Rows with several cells become 'a | b' lines; a row of one cell (a layout box) is read as body text."""
    table = counters["t"]
    in_rows = False
    for i, tr in enumerate(_direct_rows(tbl), 1):
        cells = _cells(tr)
        if len(cells) <= 1:
            in_rows = False
            for tc in cells:
                _body_blocks(reader, tc, builder, prefix, counters)
            continue
        row = " | ".join(reader.cell_text(tc) for tc in cells)
        if row.replace("|", "").strip():
            builder.add(row, f"{prefix}table {table} row {i}", sep="\n" if in_rows else "\n\n")
            in_rows = True


def _direct_rows(tbl: etree._Element) -> list[etree._Element]:
    rows = []
    for child in tbl:
        if child.tag == f"{W}tr":
            rows.append(child)
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            rows.extend(tr for tr in child.iter(f"{W}tr") if next(tr.iterancestors(f"{W}tbl")) is tbl)
    return rows


def _body_blocks(
    reader: _Reader, container: etree._Element, builder: TextBuilder, prefix: str, counters: dict[str, int]
) -> None:
    for child in container:
        tag = child.tag
        if tag == f"{W}p":
            counters["p"] += 1
            boxes: list[etree._Element] = []
            builder.add(reader.paragraph(child, boxes), f"{prefix}paragraph {counters['p']}")
            for text in reader.box_texts(boxes):
                builder.add(text, f"{prefix}text box after paragraph {counters['p']}")
        elif tag == f"{W}tbl":
            counters["t"] += 1
            _table_blocks(reader, child, builder, prefix, counters)
        elif tag in (f"{W}sdt", f"{W}customXml", f"{W}smartTag", f"{W}ins"):
            inner = child.find(f"{W}sdtContent") if tag == f"{W}sdt" else child
            if inner is not None:
                _body_blocks(reader, inner, builder, prefix, counters)


def read_docx(data: bytes, *, part: str, limits: Limits = Limits()) -> ExtractedText:
    """Text of a .docx; raises ExtractionError when corrupt (for both readers), encrypted or a zip bomb."""
    try:
        return _read(data, part=part, limits=limits)
    except CorruptDocx as err:
        return read_with_python_docx(data, part=part, first_reason=str(err))


def _read(data: bytes, *, part: str, limits: Limits) -> ExtractedText:
    pkg = DocxPackage(data, limits)
    document_raw = pkg.read("word/document.xml") or b""
    reader = _Reader(pkg, document_raw)
    document = pkg.parse("word/document.xml", document_raw)
    body = document.find(f"{W}body") if document is not None else None
    builder = TextBuilder()
    seen: set[str] = set()
    for kind in ("header", "footer"):
        if kind == "footer":
            if body is not None:
                _body_blocks(reader, body, builder, "", {"p": 0, "t": 0})
        for name in pkg.related("/" + kind):
            root = pkg.xml(name)
            if root is None:
                continue
            sub = TextBuilder()
            _body_blocks(reader, root, sub, "", {"p": 0, "t": 0})
            text = sub.build(part=part, kind="docx").text
            if text and text not in seen and not _PAGE_NUMBER.match(text):
                seen.add(text)
                builder.add(text, kind, normalized=True)
    for enc in sorted(reader.legacy):
        builder.warn(f"legacy {enc.upper()} font text converted to Unicode")
    return builder.build(part=part, kind="docx")
