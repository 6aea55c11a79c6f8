"""What the directive finder knows about one document while it reads it (rules.directives and its helpers)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rules.units import Mention


@dataclass
class Doc:
    """What the finder needs about one document."""

    clean: str
    folded: str
    mentions: list[Mention]
    issued: date | None
    year_hint: date | None  # for dd/mm dates when only the month and year are printed
    calendar: Any
    addressees: tuple[str, ...] = ()
    addressee_units: tuple[str, ...] = ()
    history: list[str] = field(default_factory=list)  # leads named so far, for anaphora
    event_day: date | None = None  # last day of the test or training a plan schedules
    # ("Thời gian kiểm tra: …")
