"""Next deadline of a recurring task (pure): weekly, monthly, quarterly or yearly.

A monthly task "trước ngày 25" (recurrence_day=25) falls on the 25th of the next month; without a
day the day-of-month of the current deadline is kept, clamped to the month's length, and a deadline
on a month's last day stays on the last day.
"""
from __future__ import annotations

import calendar as _cal
from datetime import date, timedelta

MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
KNOWN = frozenset({"weekly", *MONTHS})


def _add_months(day: date, months: int, *, pin_day: int | None) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = _cal.monthrange(year, month)[1]
    was_last = day.day == _cal.monthrange(day.year, day.month)[1]
    wanted = pin_day if pin_day else (last if was_last else day.day)
    return date(year, month, min(wanted, last))


def next_deadline(recurrence: str | None, deadline: date, *, day: int | None = None) -> date | None:
    """The deadline of the occurrence after the one due on `deadline`; None for an unknown recurrence."""
    if recurrence == "weekly":
        return deadline + timedelta(days=7)
    months = MONTHS.get(recurrence or "")
    if not months:
        return None
    return _add_months(deadline, months, pin_day=day)


def first_deadline(recurrence: str | None, after: date, *, day: int | None) -> date | None:
    """For a series known only by its day ("hằng tháng trước ngày 25"): the first such day after `after`."""
    if not day or recurrence not in MONTHS:
        return None
    this_month = _add_months(after.replace(day=1), 0, pin_day=day)
    return (
        this_month
        if this_month > after
        else _add_months(after.replace(day=1), MONTHS[recurrence], pin_day=day)
    )
