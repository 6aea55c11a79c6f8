"""Office hours (pure): is mail to units allowed out now, and when is the office next open.

Mail to units (assignments, reminders, escalations, digests, change notices) is held outside
office hours on working days; answers to someone who just wrote to us (the confirmation to the
forwarder, "could not read", the acknowledgement of a reply) go at once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from outbox.models import MailKind

IMMEDIATE_KINDS: frozenset[MailKind] = frozenset({
    MailKind.CONFIRMATION, MailKind.UNREADABLE, MailKind.NO_NOTICE, MailKind.REPLY_ACK,
    MailKind.TOO_MANY_NOTICES,
})


@dataclass(frozen=True, slots=True)
class OfficeHours:
    start: time
    end: time
    tz: ZoneInfo
    is_working_day: Callable[[date], bool]

    def is_open(self, when: datetime) -> bool:
        local = when.astimezone(self.tz)
        return (
            self.is_working_day(local.date()) and self.start <= local.time().replace(tzinfo=None) < self.end
        )

    def next_open(self, when: datetime) -> datetime:
        """`when` itself if the office is open, otherwise the next opening time."""
        if self.is_open(when):
            return when
        local = when.astimezone(self.tz)
        day = local.date()
        if local.time().replace(tzinfo=None) >= self.start:
            day += timedelta(days=1)
        for _ in range(400):
            if self.is_working_day(day):
                return datetime.combine(day, self.start, tzinfo=self.tz)
            day += timedelta(days=1)
        raise ValueError("no working day within 400 days")  # pragma: no cover - a broken calendar
