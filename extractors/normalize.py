"""Normalise extracted Vietnamese text: legacy fonts, NFC, look-alike letters, invisible characters,
whitespace.

Order follows domain-vi.md §3.6: legacy TCVN3/VNI conversion first (TCVN3 uses U+00AD for 'ư'), then NFC,
then Ð→Đ and the NBSP / zero-width / soft-hyphen cleanup, then whitespace folding that keeps line,
paragraph and list-item boundaries, then the re-join of a paragraph cut by a page break.
"""

from __future__ import annotations

import re
import unicodedata

from extractors.legacy import fix_legacy

_LOOKALIKES = str.maketrans(
    {
        "\u00d0": "Đ",
        "\u00f0": "đ",  # Icelandic eth typed for Đ/đ
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u3000": " ",
        "\t": " ",
        "\v": " ",
        **{chr(c): " " for c in range(0x2000, 0x200B)},
        "\ufffe": "-",  # a non-character some PDF text layers give for the hyphen ("/KH\ufffeSCT")
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,
        "\r": None,
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SPACES = re.compile(r" {2,}")
_BLANKS = re.compile(r"\n{3,}")
# a list item such as 'a)', 'b.', 'đ)', 'iv.': a lower-case start that does not continue a cut paragraph
_LIST_ITEM = r"(?:[a-zđ]{1,2}[.)]|[ivx]+[.)])(?:\s|$)"


def _fold_lines(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip("\n")


def _is_lower_start(s: str) -> bool:
    for ch in s:
        if ch.isalpha():
            return ch.islower()
        if not ch.isspace():
            return False
    return False


def join_page_cut(before: str, after: str) -> bool:
    """True when `after` continues the last paragraph of `before` across a page break."""
    tail = before.rstrip()
    head = after.lstrip()
    if not tail or not head or tail[-1] in ".:;!?":
        return False
    if re.match(_LIST_ITEM, head):
        return False
    return _is_lower_start(head[:1])


def normalize_text(text: str, *, join_page_cuts: bool = True) -> str:
    """The canonical text every extractor returns: NFC, clean, whitespace folded, lines kept."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\f", "\n\n\n")
    text = fix_legacy(text)[0]
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_LOOKALIKES)
    text = _CONTROL.sub("", text)
    text = _fold_lines(text)
    if join_page_cuts and "\n\n" in text:
        text = _join_cuts(text)
    return text


_PAGE_NUMBER_LINE = re.compile(r"\n(?:- ?)?\d{1,3}(?: ?-)?$")


def _join_cuts(text: str) -> str:
    paras = text.split("\n\n")
    out = [paras[0]]
    for para in paras[1:]:
        page = _PAGE_NUMBER_LINE.search(out[-1])
        if page and join_page_cut(out[-1][: page.start()], para):
            out[-1] = out[-1] + "\n" + para  # the page number stays a line of its own: the rules blank it
        elif not page and join_page_cut(out[-1], para):
            out[-1] = out[-1] + " " + para
        else:
            out.append(para)
    return "\n\n".join(out)
