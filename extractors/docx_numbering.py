"""Render Word automatic numbering labels ('1.', 'a)', 'II.', '-') from numbering.xml, counting as Word
does."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from extractors.docx_package import W

_BULLET_OK = set("-+–—*•o>")


@dataclass(frozen=True, slots=True)
class Level:
    fmt: str  # decimal, lowerLetter, upperLetter, lowerRoman, upperRoman, bullet, none, ...
    text: str  # lvlText, e.g. '%1.' or '%1.%2.' or '-'
    start: int


def _roman(n: int) -> str:
    out = []
    for value, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt in ("decimalZero",):
        return f"{n:02d}"
    return str(n)


class Numbering:
    """Counters per list instance; `label(numId, ilvl)` advances the counter and returns the label text."""

    def __init__(self, root: etree._Element | None) -> None:
        self._abstract: dict[str, dict[int, Level]] = {}
        self._num: dict[str, str] = {}
        self._overrides: dict[tuple[str, int], int] = {}
        self._counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for absn in root.iter(f"{W}abstractNum"):
            levels: dict[int, Level] = {}
            for lvl in absn.iter(f"{W}lvl"):
                levels[int(lvl.get(f"{W}ilvl", "0"))] = _level(lvl)
            self._abstract[absn.get(f"{W}abstractNumId", "")] = levels
        for num in root.iter(f"{W}num"):
            nid = num.get(f"{W}numId", "")
            ref = num.find(f"{W}abstractNumId")
            self._num[nid] = ref.get(f"{W}val", "") if ref is not None else ""
            for ov in num.iter(f"{W}lvlOverride"):
                start = ov.find(f"{W}startOverride")
                if start is not None:
                    self._overrides[(nid, int(ov.get(f"{W}ilvl", "0")))] = int(start.get(f"{W}val", "1"))

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self._abstract.get(self._num.get(num_id, ""), {})
        level = levels.get(ilvl)
        if level is None or num_id == "0":
            return ""
        counters = self._counters.setdefault(num_id, {})
        start = self._overrides.get((num_id, ilvl), level.start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.fmt == "none":
            return ""
        if level.fmt == "bullet":
            mark = level.text.strip()
            return mark if mark and all(ch in _BULLET_OK for ch in mark) else "-"
        text = level.text
        for k in range(9, -1, -1):
            token = f"%{k + 1}"
            if token in text:
                lv = levels.get(k)
                value = counters.get(k, lv.start if lv else 1)
                text = text.replace(token, format_number(value, lv.fmt if lv else "decimal"))
        return text.strip()


def _level(lvl: etree._Element) -> Level:
    fmt = lvl.find(f"{W}numFmt")
    text = lvl.find(f"{W}lvlText")
    start = lvl.find(f"{W}start")
    return Level(
        fmt=fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
        text=text.get(f"{W}val", "") if text is not None else "",
        start=int(start.get(f"{W}val", "1")) if start is not None else 1,
    )
