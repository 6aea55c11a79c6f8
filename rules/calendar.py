"""Working days in Vietnam: weekends, public holidays (lunar ones included) and announced swaps.

Built on the pinned `holidays` package (holidays.VN) plus an override file for a year's
announced days off and swapped working Saturdays (see data/calendar_vn.yaml).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_OVERRIDES = Path(__file__).parent / "data" / "calendar_vn.yaml"


@dataclass(frozen=True, slots=True)
class Overrides:
    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()  # swapped Saturdays (làm bù)
    not_days_off: frozenset[date] = frozenset()  # a package holiday that the office works after all


def parse_overrides(data: Any) -> Overrides:
    data = data or {}

    def dates(key: str) -> frozenset[date]:
        return frozenset(date.fromisoformat(str(v)) for v in data.get(key) or ())

    return Overrides(dates("extra_days_off"), dates("extra_working_days"), dates("remove"))


def load_overrides(path: Path | None = None) -> Overrides:
    return parse_overrides(yaml.safe_load((path or DEFAULT_OVERRIDES).read_text(encoding="utf-8")))


@lru_cache(maxsize=64)
def _package_days(year: int) -> tuple[frozenset[date], frozenset[date]]:
    import holidays  # lazy: 15 ms at import; every command builds a calendar, few count working days

    vn = holidays.country_holidays("VN", years=year)
    weekend_workdays = frozenset(getattr(vn, "weekend_workdays", ()) or ())
    return frozenset(vn.keys()), weekend_workdays


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    overrides: Overrides = field(default_factory=Overrides)

    def is_holiday(self, day: date) -> bool:
        if day in self.overrides.days_off:
            return True
        if day in self.overrides.not_days_off:
            return False
        return day in _package_days(day.year)[0]

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides.working_days or day in _package_days(day.year)[1]:
            return not self.is_holiday(day)
        return day.weekday() < 5 and not self.is_holiday(day)

    def add_working_days(self, start: date, count: int) -> date:
        """The count-th working day after start; start itself is not counted (BLDS 2015, Điều 147)."""
        step = 1 if count >= 0 else -1
        day, remaining = start, abs(count)
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after start up to and including end (negative when end is before start)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1 for n in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=n))
        )

    def next_working_day(self, day: date) -> date:
        """day itself when it is a working day, otherwise the next one (BLDS 2015, Điều 148)."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day
