"""The review window of a held send-out counts office hours on working days only
(service.tasks.holds.add_working_hours)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from outbox.hours import OfficeHours
from service.tasks.holds import add_working_hours

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS_OFF = {date(2026, 11, 23)}  # an extra day off, as a calendar override would give
OFFICE = OfficeHours(
    start=time(7, 30), end=time(17, 0), tz=TZ, is_working_day=lambda d: d.weekday() < 5 and d not in DAYS_OFF
)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def test_inside_a_working_day() -> None:
    assert add_working_hours(at(2026, 11, 2, 8, 30), 2, OFFICE) == at(2026, 11, 2, 10, 30)


def test_late_friday_carries_over_the_weekend_and_a_day_off() -> None:
    assert add_working_hours(at(2026, 11, 20, 16, 0), 2, OFFICE) == at(2026, 11, 24, 8, 30)


def test_a_notice_at_night_starts_counting_at_the_next_opening() -> None:
    assert add_working_hours(at(2026, 11, 2, 22, 0), 2, OFFICE) == at(2026, 11, 3, 9, 30)
    assert add_working_hours(at(2026, 11, 2, 6, 0), 0.5, OFFICE) == at(2026, 11, 2, 8, 0)
