"""The injected clock: everything that needs 'now' is handed one of these."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class SystemClock:
    tz: ZoneInfo

    def now(self) -> datetime:
        return datetime.now(timezone.utc).astimezone(self.tz)


@dataclass(frozen=True, slots=True)
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


def parse_now(value: str, tz: ZoneInfo) -> datetime:
    """An ISO datetime from `--now`, in the office's time zone (a naive one is read there; an aware one
    converted).

    Converted because callers take `.date()` of now as the office's day.
    """
    parsed = datetime.fromisoformat(value)
    return parsed.astimezone(tz) if parsed.tzinfo else parsed.replace(tzinfo=tz)
