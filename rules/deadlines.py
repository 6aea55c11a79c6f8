"""Deadlines and recurrence in one directive's text (domain-vi.md §2.8). Pure; never raises.

`find_deadline(text, issued=..., calendar=...)` reads every written form: dd/mm/yyyy, dd/mm (year
from the issue date), "ngày 20 tháng 9 năm 2021", a time of day, "chậm nhất", "trong tháng 10/2022"
(month end), "Quý III/2020" (quarter end unless a date is also given), "6 tháng cuối năm",
"từ ngày … đến hết ngày …", "N ngày làm việc kể từ ngày ký" (working days over WorkCalendar; null
when the issue date is unknown). A date counts only behind a trigger word ("trước", "xong",
"hoàn thành" …), so cited documents ("số 846/QĐ-TTg ngày 09/6/2017"), meeting dates and scores
("17/20") are never deadlines.
"""
from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rules.patterns import patterns
from rules.text import fold


@dataclass(frozen=True, slots=True)
class Deadline:
    due: date | None  # None when it cannot be computed (e.g. working days without an issue date)
    text: str  # the phrase as written
    start: int
    end: int
    kind: str  # 'date' | 'period' | 'relative'
    conflicting: bool = False  # other, different dates with triggers in the same text


@dataclass(frozen=True, slots=True)
class Recurrence:
    kind: str  # weekly | monthly | quarterly | yearly
    day: int | None  # "định kỳ hằng tháng trước ngày 25" -> 25
    text: str


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_NUM_DATE = re.compile(r"(?<![\d/.,-])(\d{1,2})\s*([/.-])\s*(\d{1,2})(?:\2(\d{4}))?(?![\d/]|\.\d|-\d)")
_TXT_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s*(?:nam|/)\s*(\d{4}))?")
_MONTH = re.compile(r"(?<![\w/])thang\s+(\d{1,2})\s*(?:/|nam\s+|-)\s*(\d{4})")
_QUARTER = re.compile(r"(?<![\w])quy\s+(iv|i{1,3}|[1-4])\s*(?:/|nam\s+|-)\s*(\d{4})")
_HALF = re.compile(r"(?<![\w])0?6\s+thang\s+(dau|cuoi)\s+nam(?:\s+(\d{4}))?")
_END_OF = re.compile(r"(?<![\w])cuoi\s+(thang\s+(\d{1,2})(?:\s*(?:/|nam\s+)(\d{4}))?|nam\s+(\d{4}))")
# "đến hết năm 2026", "trong năm 2026": the whole year; a bare "năm 2026" is a plan's year, no time limit
_YEAR = re.compile(r"(?<![\w])(?:den\s+het|trong)\s+nam\s+(\d{4})(?![\w/])")
_WORKDAYS = re.compile(
    r"(?<![\w])(?:trong\s+(?:thoi\s+han|vong|thoi\s+gian)?\s*)?(\d{1,3})\s+ngay(\s+lam\s+viec)?\s*,?\s*"
    r"(?:ke\s+)?tu\s+(?:ngay|khi)\s+(ky|ban\s+hanh|nhan)"
)
# "không quá 2 tháng kể từ ngày ban hành văn bản này": months need their limit word ("trong", "không quá", …);
# "có hiệu lực sau 2 tháng kể từ ngày ký" is an effective date, no deadline.
_MONTHS = re.compile(
    r"(?<![\w])(?:trong(?:\s+(?:thoi\s+han|vong|thoi\s+gian))?|khong\s+qua|toi\s+da|cham\s+nhat(?:\s+la)?)\s+"
    r"(\d{1,2})\s+thang\s*,?\s*(?:ke\s+)?tu\s+(?:ngay|khi)\s+(ky|ban\s+hanh|nhan)"
)
_RANGE_END = re.compile(r"(?<![\w])tu\s+ngay\s+[\d/. thangm]{3,30}?\s+den\s+(?:het\s+)?(?:ngay\s+)?$")
_DAY_ONLY = re.compile(
    r"(?<![\w])(?:truoc|cham\s+nhat|vao|trong)\s+ngay\s+(\d{1,2})(?!\s*[/.-]\s*\d|\s+thang\s+\d)"
)
_DAY_MONTHLY = re.compile(r"(?<![\w])ngay\s+(\d{1,2})\s+(?:hang|hàng|moi)\s+thang")
# "trước ngày 15/12 hằng năm", "trước ngày 31/01 năm liền kề", "chậm nhất là ngày 31/12 năm trước liền kề": a
# day of each year (the one after, or before, the year it concerns), not one date
_EVERY_YEAR = re.compile(
    r"\s*,?\s*(?:(?:hang|moi)\s+nam|(?:cua\s+)?nam\s+(?:truoc\s+|sau\s+)?lien\s+ke)(?![\w])"
)


def _yearly_day(folded: str, m: re.Match[str], year_group: int) -> bool:
    """A day and month written without a year and followed by "hằng năm" recur each year: no single
    deadline."""
    return not m.group(year_group) and _EVERY_YEAR.match(folded, m.end()) is not None


_FROM_YEAR = re.compile(r"(?<![\w])tu\s+nam\s+(\d{4})(?![\w/])")


def first_year(folded: str, pos: int | None = None) -> int | None:
    """The year a recurring day starts in, when the text says so before it ("Từ năm 2028 đến năm 2030: …")."""
    found = list(_FROM_YEAR.finditer(folded, 0, len(folded) if pos is None else pos))
    return int(found[-1].group(1)) if found else None


_TIME = r"(?:\d{1,2}\s*(?:gio|h|:)\s*(?:\d{1,2}\s*(?:phut|')?)?\s*,?\s*)?"
_WEEKDAY = r"(?:\(?\s*thu\s+(?:hai|ba|tu|nam|sau|bay)\s*\)?\s*,?\s*|\(?\s*chu\s+nhat\s*\)?\s*,?\s*)?"


# "Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 23 tháng 1": a span of clock time before the day, as in the time
# column of a broadcast or meeting schedule; the span's end is read by _TIME.
_CLOCK_RANGE = r"(?:(?:tu\s+)?\d{1,2}\s*(?:gio|h|:)\s*(?:\d{1,2}\s*(?:phut|')?)?\s*(?:-|–|den)\s*)?"


def _trigger_before(folded: str, pos: int, *, period: bool) -> bool:
    pat = patterns()
    window = folded[max(0, pos - 60) : pos]
    words = pat.period_triggers if period else pat.triggers
    tail = (
        r"\s*(?:la\s+)?(?:vao\s+)?(?:luc\s+)?"
        + _CLOCK_RANGE
        + _TIME
        + r"(?:ngay\s+)?"
        + _WEEKDAY
        + r"(?:ngay\s+)?$"
    )
    return re.search(r"(?<![\w])" + words + tail, window) is not None


def _cited_before(folded: str, pos: int) -> bool:
    window = folded[max(0, pos - 40) : pos]
    # "số 846/QĐ-TTg ngày" — the reference holds a digit; "Sở" folds to "so" too, so a bare word is not one.
    return re.search(r"[\w.]+/[\w./-]+\s+ngay\s*$|\bso\s+\d[\w./-]*\s+ngay\s*$", window) is not None


def _valid(y: int, m: int, d: int) -> date | None:
    if not PLAUSIBLE_YEARS[0] <= y < PLAUSIBLE_YEARS[1]:
        return None  # "02/01" read in the year after a signing in 2199 would leave the range
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date | None:
    if not 1 <= m <= 12 or not 1900 < y < 2200:
        return None
    return date(y, m, _cal.monthrange(y, m)[1])


def _resolve_year(d: int, m: int, issued: date | None) -> date | None:
    if issued is None:
        return None
    found = _valid(issued.year, m, d)
    if found and found < issued - timedelta(days=31):
        found = _valid(issued.year + 1, m, d)
    return found


def _candidates(text: str, folded: str, issued: date | None, calendar: Any) -> list[Deadline]:
    out: list[Deadline] = []
    taken: list[tuple[int, int]] = []

    def add(due: date | None, s: int, e: int, kind: str) -> None:
        if any(s < b and a < e for a, b in taken):
            return
        taken.append((s, e))
        out.append(Deadline(due, text[s:e], s, e, kind))

    for m in _WORKDAYS.finditer(folded):
        n, working, anchor = int(m.group(1)), bool(m.group(2)), m.group(3)
        due = None
        if issued is not None and anchor != "nhan" and n <= 400:
            due = (
                calendar.add_working_days(issued, n)
                if working
                else calendar.next_working_day(issued + timedelta(days=n))
            )
        add(due, m.start(), m.end(), "relative")
    for m in _MONTHS.finditer(folded):
        n, anchor = int(m.group(1)), m.group(2)
        due = None
        if issued is not None and anchor != "nhan":
            due = calendar.next_working_day(_add_months(issued, n))
        add(due, m.start(), m.end(), "relative")
    for m in _TXT_DATE.finditer(folded):
        d, mo = int(m.group(1)), int(m.group(2))
        if _yearly_day(folded, m, 3):
            first = first_year(folded, m.start())
            if first is None:
                continue
            due = _valid(first, mo, d)  # "Từ năm 2028 …: trước ngày 30 tháng 01 hằng năm": its first time
        else:
            due = _valid(int(m.group(3)), mo, d) if m.group(3) else _resolve_year(d, mo, issued)
        if due and (_trigger_before(folded, m.start(), period=False) or _range_end(folded, m.start())):
            if not _cited_before(folded, m.start()):
                add(due, m.start(), m.end(), "date")
    for m in _NUM_DATE.finditer(folded):
        d, mo = int(m.group(1)), int(m.group(3))
        if m.group(2) != "/" and not m.group(4):
            continue
        if _yearly_day(folded, m, 4):
            first = first_year(folded, m.start())
            if first is None:
                continue
            due = _valid(first, mo, d)
        else:
            due = _valid(int(m.group(4)), mo, d) if m.group(4) else _resolve_year(d, mo, issued)
        if not due or _cited_before(folded, m.start()):
            continue
        if _trigger_before(folded, m.start(), period=False) or _range_end(folded, m.start()):
            add(due, m.start(), m.end(), "date")
    for m in _YEAR.finditer(folded):
        due = _month_end(int(m.group(1)), 12)
        if due:
            add(due, m.start(), m.end(), "period")
    for rx, kind in ((_QUARTER, "quarter"), (_MONTH, "month"), (_HALF, "half"), (_END_OF, "end")):
        for m in rx.finditer(folded):
            due = _period_end(m, kind, issued)
            if due and _trigger_before(folded, m.start(), period=True):
                add(due, m.start(), m.end(), "period")
    return out


def _range_end(folded: str, pos: int) -> bool:
    return _RANGE_END.search(folded[max(0, pos - 60) : pos]) is not None


def _period_end(m: re.Match[str], kind: str, issued: date | None) -> date | None:
    if kind == "quarter":
        q, y = _ROMAN[m.group(1)], int(m.group(2))
        return _month_end(y, q * 3)
    if kind == "month":
        return _month_end(int(m.group(2)), int(m.group(1)))
    if kind == "half":
        half_year = int(m.group(2)) if m.group(2) else (issued.year if issued else None)
        if half_year is None:
            return None
        return date(half_year, 6, 30) if m.group(1) == "dau" else date(half_year, 12, 31)
    if m.group(4):  # cuối năm YYYY
        return date(int(m.group(4)), 12, 31)
    year = int(m.group(3)) if m.group(3) else (issued.year if issued else None)
    return _month_end(year, int(m.group(2))) if year else None


PLAUSIBLE_YEARS = (1900, 2200)  # dates outside are not deadlines; also keeps date arithmetic in range


def find_deadline(
    text: str, *, issued: date | None, calendar: Any, require_trigger: bool = True
) -> Deadline | None:
    """The deadline stated in `text`, or None. Never raises: every path validates before it builds a date
    (hypothesis tests hold it to that), so no exception is caught and hidden here."""
    if issued is not None and not PLAUSIBLE_YEARS[0] < issued.year < PLAUSIBLE_YEARS[1]:
        issued = None  # an issue date out of any office's range (an OCR or typing slip) anchors nothing
    return _find(text or "", issued, calendar, require_trigger)


def _find(text: str, issued: date | None, calendar: Any, require_trigger: bool) -> Deadline | None:
    folded = fold(text)
    if not require_trigger:
        folded_t = "trong " + folded  # a deadline column: the column header is the trigger
        found = _candidates("trong " + text, folded_t, issued, calendar)
        found = [Deadline(c.due, c.text, c.start - 6, c.end - 6, c.kind) for c in found if c.start >= 6]
    else:
        found = _candidates(text, folded, issued, calendar)
    if issued is not None:
        found = [c for c in found if c.due is None or c.due >= issued]
    if not found:
        return None
    for kind in ("date", "relative", "period"):
        group = [c for c in found if c.kind == kind]
        if group:
            best = max(group, key=lambda c: (c.due or date.min, c.start))
            dates = {c.due for c in found if c.kind == "date" and c.due}
            conflicting = len(dates) > 1
            return Deadline(best.due, best.text, best.start, best.end, best.kind, conflicting)
    return None


def find_recurrence(text: str) -> Recurrence | None:
    """Weekly/monthly/quarterly/yearly, with the day when one is written. Never raises (tested like
    find_deadline)."""
    folded = fold(text or "")
    hits = []
    for kind, rx in patterns().recurrence:
        m = rx.search(folded)
        if m:
            hits.append((m.start(), kind, m))
    if not hits:
        return None
    _, kind, m = min(hits, key=lambda h: h[0])
    day = None
    dm = _DAY_MONTHLY.search(folded) or _DAY_ONLY.search(folded)
    if dm and 1 <= int(dm.group(1)) <= 31 and kind in ("monthly", "quarterly"):
        day = int(dm.group(1))
    return Recurrence(kind, day, text[m.start() : m.end()])


def _add_months(day: date, n: int) -> date:
    """The same day n months on, or the month's last day when it has no such day (BLDS 2015, Điều 147)."""
    y, m = divmod(day.month - 1 + n, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, _cal.monthrange(year, month)[1]))
