"""The time cell of a task table: windows of quarters, months and years read to their last day. Pure.

A time cell is terser than prose: "Quý III, IV/2026", "Quý III, IV/2026, 2027", "10-11/2019",
"Trong năm 2026". A window ends on its last day; a list of years after a quarter extends it to the
end of the last year (corpus-real README, convention 9). Anything else goes to find_deadline.
"""
from __future__ import annotations

import calendar as _cal
import re
from datetime import date
from typing import Any

from rules.deadlines import find_deadline, find_recurrence
from rules.text import fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"((?:19|20)\d\d)"
_QUARTERS = re.compile(
    r"\bquy\s+((?:iv|iii|ii|i|[1-4])(?:\s*(?:,|-|–|va)\s*(?:iv|iii|ii|i|[1-4]))*)\s*(?:/|nam)\s*"
    + _YEAR
    + r"((?:\s*(?:,|-|–|va)\s*(?:19|20)\d\d)*)"
)
_MONTHS = re.compile(r"(?<![\d/])(?:thang\s+)?(\d{1,2})\s*[-–]\s*(\d{1,2})\s*/\s*" + _YEAR + r"(?!\s*/)")
_MONTH = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*" + _YEAR + r"(?![\d/])")
_YEARS = re.compile(
    r"(?:^|\bnam\s+|\btrong\s+nam\s+)" + _YEAR + r"((?:\s*(?:,|-|–|va)\s*(?:19|20)\d\d)*)\s*$"
)
_FROM_YEAR = re.compile(
    r"(?<![\w])tu\s+(?:nam\s+)?" + _YEAR + r"(?!\s*(?:-|–|den)\s*(?:nam\s+)?(?:19|20)\d\d)"
)
_DAY_FIRST = re.compile(r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{2,4}|\bngay\b")


def _quarter(q: str) -> int:
    return int(q) if q.isdigit() else _ROMAN[q]


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    return date(year, month, _cal.monthrange(year, month)[1])


def _last_year(first: str, tail: str) -> int:
    years = [int(first)] + [int(y) for y in re.findall(r"\d{4}", tail)]
    return max(years)


def window_end(text: str) -> date | None:
    """The last day of the window a time cell names, or None when it names none."""
    folded = fold(text or "").strip()
    if _DAY_FIRST.search(folded):
        return None  # a full date: find_deadline reads it
    if _FROM_YEAR.search(folded):
        return None  # "Bắt đầu thực hiện từ năm 2026": when the work starts, not when it ends
    m = _QUARTERS.search(folded)
    if m:
        if m.group(3).strip():
            return date(_last_year(m.group(2), m.group(3)), 12, 31)
        last = max(_quarter(q) for q in re.findall(r"iv|iii|ii|i|[1-4]", m.group(1)))
        return _month_end(int(m.group(2)), last * 3)
    m = _MONTHS.search(folded)
    if m and int(m.group(1)) < int(m.group(2)):
        return _month_end(int(m.group(3)), int(m.group(2)))
    m = _YEARS.search(folded)
    if m:
        return date(_last_year(m.group(1), m.group(2)), 12, 31)
    # "Ban hành kế hoạch trong tháng 01/2026, tổ chức kiểm tra chậm nhất trong tháng 6/2026 và báo cáo … trong
    # tháng 8/2026": the milestones of one row; the row's work ends with the last
    ends = [_month_end(int(m.group(2)), int(m.group(1))) for m in _MONTH.finditer(folded)]
    return max((e for e in ends if e), default=None)


def cell_deadline(text: str, *, issued: date | None, calendar: Any) -> date | None:
    """The deadline of a time cell: its window's end, else a date find_deadline reads without a cue."""
    end = window_end(text)
    if end is not None:
        return end
    found = find_deadline(text, issued=issued, calendar=calendar, require_trigger=False)
    return found.due if found else None


def cell_recurrence(text: str) -> tuple[str | None, int | None]:
    """('yearly', None) for "Hàng năm" and the like; (None, None) for "Thường xuyên" or a date."""
    rec = find_recurrence(text)
    return (rec.kind, rec.day) if rec else (None, None)
