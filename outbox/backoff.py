"""Retry timing for outgoing mail (pure): exponential, capped."""
from __future__ import annotations

from datetime import timedelta

FIRST = timedelta(seconds=30)
CAP = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=3)  # an SMTP outage of hours is survived; days mean something is wrong


def next_delay(attempts: int) -> timedelta:
    """Delay before attempt number attempts+1 (attempts >= 1)."""
    factor: int = 2 ** max(attempts - 1, 0)
    return min(FIRST * factor, CAP)
