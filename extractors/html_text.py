"""HTML to text with its structure kept: blocks → paragraphs, <br> → line, table rows → 'cell | cell'
lines."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from extractors.base import ExtractedText, ExtractionError
from extractors.builder import TextBuilder

_BLOCK = frozenset(
    "p div h1 h2 h3 h4 h5 h6 ul ol li table blockquote pre section article header footer address hr dl dt "
    "dd center form fieldset nav aside main figure figcaption caption tbody thead tfoot".split()
)
_SKIP = frozenset("script style head title noscript template object iframe svg button select".split())
_WS = re.compile(r"[ \t\r\n\f\v]+")
_MARKED = re.compile(r"^\s*(?:[-–+•*]|\d{1,2}[.)]|[a-zđ][.)])\s")
PARA = "\x00P"  # paragraph-break token
LINE = "\x00L"  # line-break token


class _Walker:
    def __init__(self) -> None:
        self.out: list[str] = []

    def walk(self, el: etree._Element, *, pre: bool = False, in_cell: bool = False) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if tag in _SKIP or not tag:
            self._tail(el, pre)
            return
        if tag == "br":
            self.out.append(" " if in_cell else LINE)
        elif tag == "table" and not in_cell:
            self.out.append(PARA)
            for row in _rows(el):
                self.out.append(" | ".join(_cell_text(cell) for cell in row))
                self.out.append(LINE)
            self.out.append(PARA)
            self._tail(el, pre)
            return
        else:
            block = tag in _BLOCK
            if block:
                self.out.append(" " if in_cell else PARA)
            if tag == "li" and not in_cell:
                self.out.append(self._li_marker(el))
            if el.text:
                self.out.append(el.text if pre or tag == "pre" else _WS.sub(" ", el.text))
            for child in el:
                self.walk(child, pre=pre or tag == "pre", in_cell=in_cell)
            if block:
                self.out.append(" " if in_cell else PARA)
        self._tail(el, pre)

    def _tail(self, el: etree._Element, pre: bool) -> None:
        if el.tail:
            self.out.append(el.tail if pre else _WS.sub(" ", el.tail))

    @staticmethod
    def _li_marker(li: etree._Element) -> str:
        text = li.text_content()
        if _MARKED.match(text):
            return ""
        parent = li.getparent()
        if parent is not None and isinstance(parent.tag, str) and parent.tag.lower() == "ol":
            index = [c for c in parent if isinstance(c.tag, str) and c.tag.lower() == "li"].index(li) + 1
            return f"{index}. "
        return "- "


def _rows(table: etree._Element) -> list[list[etree._Element]]:
    rows = []
    for tr in table.iter("tr"):
        owner = next((a for a in tr.iterancestors("table")), None)
        if owner is table:
            cells = [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
            if cells:
                rows.append(cells)
    return rows


def _cell_text(cell: etree._Element) -> str:
    walker = _Walker()
    if cell.text:
        walker.out.append(_WS.sub(" ", cell.text))
    for child in cell:
        if isinstance(child.tag, str) and child.tag.lower() == "table":
            walker.out.append(
                " " + " ".join(" | ".join(_cell_text(c) for c in row) for row in _rows(child)) + " "
            )
            walker._tail(child, False)
        else:
            walker.walk(child, in_cell=True)
    return _WS.sub(" ", "".join(walker.out)).strip()


def html_to_text(html: str) -> str:
    """Plain text of an HTML document or fragment (not yet normalised)."""
    if not html.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as err:
        raise ExtractionError(f"unreadable HTML ({err})") from err
    walker = _Walker()
    body = root.find("body")
    walker.walk(body if body is not None else root)
    raw = "".join(walker.out)
    raw = re.sub(rf"(?:\s*{PARA})+\s*", "\n\n", raw)
    raw = re.sub(rf" *{LINE} *", "\n", raw)
    return raw.replace("\x00", "")


def decode_html(data: bytes) -> str:
    """Decode HTML bytes by BOM, <meta charset>, then UTF-8, then windows-1258."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", data[:4096], re.I)
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", "replace")


def read_html(data: bytes, *, part: str) -> ExtractedText:
    builder = TextBuilder()
    builder.add(html_to_text(decode_html(data)), "html", inner_cuts=False)
    return builder.build(part=part, kind="html")
