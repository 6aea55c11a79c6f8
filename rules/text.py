"""Length-preserving text views and the split into blocks and sentences.

Every view has exactly the length of the analysed text, so a span found in a view is a span of the
source: `fold` (lower case, no diacritics, đ→d, one character per character) for matching names and
cues; `clean` (Markdown marks and page-number lines blanked, soft line wraps turned into spaces) for
reading paragraphs.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

def _letters(upper: bool) -> str:
    ranges = ((0x41, 0x5B), (0x61, 0x7B), (0xC0, 0x250), (0x1E00, 0x1F00))
    chars = [chr(c) for a, b in ranges for c in range(a, b) if chr(c).isalpha() and chr(c).isupper() == upper
             and chr(c).islower() != upper]
    return "".join(chars)


UPPER = _letters(True)  # every Latin upper-case letter with Vietnamese diacritics, for [..] classes
LOWER = _letters(False)
_DASHES = {"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-"}
_QUOTES = {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    if ch in _DASHES:
        return "-"
    if ch in _QUOTES:
        return _QUOTES[ch]
    if ch.isascii():
        return ch.lower()
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 and not unicodedata.combining(base) else ch


def _fold_table() -> dict[int, str]:
    table = {}
    for a, b in ((0, 0x250), (0x1E00, 0x1F00), (0x2000, 0x2070)):
        for code in range(a, b):
            ch = chr(code)
            folded = _fold_char(ch)
            if folded != ch and len(folded) == 1:
                table[code] = folded
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower case without diacritics, same length as `text` (so spans carry over)."""
    return text.translate(_FOLD)


def name_key(text: str) -> str:
    """A name as a lookup key: composed (NFC), case folded, white space as single spaces; diacritics kept.

    The one fold of names and numbers typed or read twice: unit names and aliases (service.tasks.unit_names),
    a notice's number and issuer in its identity (service.tasks.register)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).casefold()).strip()


def loose_key(text: str) -> str:
    """Without case, diacritics (đ → d) or punctuation: 'Phòng KH-TC' → 'phong kh tc', as people type it."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(name_key(text))).split())


def fold_pattern(phrase: str) -> str:
    """A regex fragment written in Vietnamese, folded; single spaces become flexible whitespace."""
    return re.sub(r" +", r"\\s+", fold(phrase))


def spell_out_ubnd(folded: str) -> str:
    """Folded text with "UBND" written out: a directory or letterhead may abbreviate what the text spells."""
    return re.sub(r"(?<!\w)ubnd(?!\w)", "uy ban nhan dan", folded)


def fold_ws(text: str) -> str:
    return " ".join(text.split())


_LIST_MARK = re.compile(
    r"^\s*(?:(?P<roman>[IVXLC]+)\.|(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})[.)]?(?=\s)(?!\s*\|)|(?P<alpha>[a-zđ])\)|"
    r"(?P<dash>[-+•*–—])(?=\s))\s*"
)
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$")
_TERMINAL = ".;:!?"


def list_marker(line: str) -> tuple[int | None, int]:
    """(level, length of the marker) of a list item line; level None when the line is no item."""
    m = _LIST_MARK.match(line)
    if not m:
        return None, 0
    if m.group("roman"):
        return 0, m.end()
    if m.group("num"):
        return 1 + m.group("num").count("."), m.end()
    if m.group("alpha"):
        return 5, m.end()
    return 6 if m.group("dash") in "-–—•*" else 7, m.end()


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph, list item, heading or table row of the clean view."""

    start: int
    end: int
    level: int | None  # list level (0 roman, 1 '1.', 2 '1.1.', 5 'a)', 6 '-', 7 '+'); None for a paragraph
    body_start: int  # after the list marker


def _first_alpha_lower(s: str) -> bool:
    for ch in s:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit() or ch in "(\"'":
            return False
    return False


def _body_width(lines: list[str]) -> int:
    """The width of a full line of the body: a high quantile of the line lengths, not the longest line, so
    that footnotes set in a smaller font (longer lines) do not raise it."""
    sized = sorted(len(s.strip()) for s in lines if len(s.strip()) > 20)
    return sized[int(len(sized) * 0.75)] if sized else 0


def _looks_wrapped(lines: list[str]) -> bool:
    """PDF text: many lines of nearly the same width, paragraphs wrapped over several lines."""
    sized = [len(s.strip()) for s in lines if len(s.strip()) > 20]
    if len(sized) < 8:
        return False
    width = sorted(sized)[int(len(sized) * 0.9)]
    near = sum(1 for n in sized if n >= 0.8 * width)
    if near >= 0.4 * len(sized):
        return True
    # a one-page notice: its few body lines are outnumbered by the letterhead and the Nơi nhận list, but
    # they are page-wide (under ~110 characters) and no line is much longer, as no Word paragraph would be
    return near >= 5 and width <= _PAGE_LINE and max(sized) <= 1.25 * width


_PAGE_LINE = 110  # characters on a full line of an A4 page in 13-14 pt type, with room to spare


def clean_view(text: str) -> str:
    """Markdown marks and page numbers blanked; soft wraps joined; same length as `text`."""
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch in "*#\f\r\t\u00a0":
            chars[i] = " " if ch != "\f" else "\n"
    view = "".join(chars)
    offsets, pos = [], 0
    lines = view.split("\n")
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    wrapped = _looks_wrapped(lines)
    width = _body_width(lines)
    notes = _footnote_lines(lines) if wrapped else set()
    out = list(view)
    prev: int | None = None  # index of the previous non-empty line
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if (_PAGE_NUMBER.match(line) and prev is not None) or i in notes:
            for k in range(offsets[i], offsets[i] + len(line)):
                out[k] = " "
            continue
        # a page number between the two lines is a page break, not a paragraph break
        broken = prev is not None and any(_PAGE_NUMBER.match(x) for x in lines[prev + 1 : i])
        if prev is not None and _joins(
            lines[prev], stripped, blank_between=(i - prev > 1 and not broken), wrapped=wrapped, width=width
        ):
            for k in range(offsets[prev] + len(lines[prev]), offsets[i]):
                out[k] = " "
        prev = i
    return "".join(out)


_BARE_NUMBER = re.compile(r"\s*\d{1,3}\s")
_NOTE_START = re.compile(r"\s*(\d{1,2})\s+\S")


def _note_marker(n: int) -> re.Pattern[str]:
    """A footnote reference glued to the word or year before it: "mỏ1 .", "luật2.", "năm 20243."."""
    return re.compile(rf"(?:[^\W\d_]|(?<!\d)\d{{4}})[\"”)]?{n}(?!\d)")


def _footnote_lines(lines: list[str]) -> set[int]:
    """Lines of PDF footnotes that fall inside the body: a line "N text" where N is the next footnote number
    and its reference was glued to a word since the last footnote, up to the page number that follows it (the
    next page starts there), or to the next blank line when no page number comes."""
    notes: set[int] = set()
    expected, since = 1, 0
    i = 0
    while i < len(lines):
        m = _NOTE_START.match(lines[i])
        if not (
            m and int(m.group(1)) == expected and _note_marker(expected).search("\n".join(lines[since:i]))
        ):
            i += 1
            continue
        back = i
        while expected > 1 and back > since and lines[back - 1].strip():
            back -= 1
        if back < i and _first_alpha_lower(lines[back]):  # the rest of the previous page's last footnote
            notes.update(range(back, i))
        end = next((j for j in range(i + 1, min(len(lines), i + 16)) if _PAGE_NUMBER.match(lines[j])), None)
        if end is None:
            end = next((j - 1 for j in range(i + 1, len(lines)) if not lines[j].strip()), i)
        for j in range(i, end + 1):
            notes.add(j)
            k = _NOTE_START.match(lines[j])
            if k and int(k.group(1)) == expected + 1 and j > i:
                expected += 1
        expected += 1
        since = i = end + 1
    return notes


def _joins(before: str, line: str, *, blank_between: bool, wrapped: bool, width: int) -> bool:
    tail = before.rstrip()
    if " | " in line or " | " in tail or tail.endswith("./."):
        return False
    if line[:1] in ",;)" and not blank_between:  # "; (2) Đầu tư …" after a footnote mark broke the line
        return True
    level, _ = list_marker(line)
    if level is not None and not (
        wrapped and (_BARE_NUMBER.match(line) or _open_quote(tail) or _name_runs_on(tail, line, width))
    ):
        # "61 Luật Địa chất …" under a full line is the wrapped rest of "… khoản 3 Điều"; "- Hà Nội, lần
        # thứ II”." under "… chương trình “Festival Thăng Long" the rest of the name the quote opened
        return False
    if _first_alpha_lower(line) and tail[-1:] not in ".!?":
        return True
    if blank_between or not wrapped or tail[-1:] in _TERMINAL:
        return False
    return len(tail) >= 0.72 * width


_DASHED_NAME = re.compile(r"[-–]\s+[" + UPPER + r"][^:]{0,40}(?:[,;.]|$)")


def _name_runs_on(tail: str, line: str, width: int) -> bool:
    """A full line that runs on (it ends on a word), and a line that opens with a dash and a capitalised word
    but no label: a name written with a dash ("Thăng Long – Hà Nội", "Ban Văn hóa – Xã hội") wrapped at its
    dash. A list item would follow a line closed by its punctuation."""
    return len(tail) >= 0.9 * width and tail[-1:].isalpha() and _DASHED_NAME.match(line) is not None


def _open_quote(line: str) -> bool:
    """A curly quote opened on the line and not closed on it."""
    return line.count("“") > line.count("”")


def blocks(clean: str, start: int = 0, end: int | None = None) -> list[Block]:
    """The non-empty lines of the clean view between start and end, as Blocks."""
    end = len(clean) if end is None else end
    out: list[Block] = []
    pos = start
    for line in clean[start:end].split("\n"):
        s = len(line) - len(line.lstrip())
        e = len(line.rstrip())
        if e > s:
            level, mlen = list_marker(line)
            body = pos + max(mlen, s) if level is not None else pos + s
            out.append(Block(pos + s, pos + e, level, body))
        pos += len(line) + 1
    return out


_ABBREV = {
    "tp",
    "ts",
    "ths",
    "bs",
    "bsck",
    "bscki",
    "bsckii",
    "pgs",
    "gs",
    "ks",
    "cn",
    "d/c",
    "ong",
    "ba",
    "tt",
    "p",
    "q",
    "tl",
    "kt",
    "tm",
    "tuq",
    "v.v",
    "vv",
    "st",
    "th",
}
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[" + UPPER + "])")


def sentences(clean: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of clean[start:end] (split after . ! ? before an upper-case word)."""
    out, s = [], start
    segment = clean[start:end]
    for m in _SENT_END.finditer(segment):
        cut = start + m.start()
        word = re.search(r"([\w/.]+)[.!?]$", clean[s : cut + 1] if cut + 1 <= end else clean[s:cut])
        if word and fold(word.group(1)).rstrip(".") in _ABBREV:
            continue
        if cut > s:
            out.append((s, cut))
        s = start + m.end()
    if s < end and clean[s:end].strip():
        out.append((s, end))
    return [(a, b) for a, b in out if clean[a:b].strip()]
