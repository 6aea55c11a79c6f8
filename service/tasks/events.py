"""The one writer of the audit trail (TaskEvent) and the one format of its values.

`write_event` is the only place a TaskEvent is made (tests/unit/test_task_events.py holds every module to it);
`stored` writes its values: dates yyyy-mm-dd, datetimes ISO with their zone, enums by their value, lists
joined with ", "; a missing value is left empty, never "None". A "created" event's `after` has one shape
(`created_after`, read back by `created_facts`). Rows written before these rules may hold dates as
dd/mm/yyyy, a missing date as "None" and a "created" in an older shape; service.tasks.history_vi reads them
all. service.tasks.audit's Recorder (the admin's changes and every status change or extension) writes
through it.
"""
from __future__ import annotations

import enum
import re
from datetime import date, datetime
from typing import Literal

from sqlalchemy.orm import Session

from service.store.models import TaskEvent

CreatedHow = Literal["notice", "recurrence", "hand"]  # read from a notice, a series' next one, added by hand
_OLD_HAND = re.compile(r"^\S+ in (\S+)$")  # before created_after, by hand: "NV-7 in TB-3"


def stored(value: object) -> str | None:
    """A value as the audit trail keeps it (see the module's docstring)."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (date, datetime)):  # a datetime keeps its time and zone
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or None
    return str(value)


def write_event(
    session: Session,
    task_id: int,
    field: str,
    *,
    actor: str,
    at: datetime,
    before: object = None,
    after: object = None,
    note: str | None = None,
) -> TaskEvent:
    """Add one audit event to the session."""
    event = TaskEvent(
        task_id=task_id,
        actor=actor,
        at=at,
        field=field,
        before=stored(before),
        after=stored(after),
        note=note,
    )
    session.add(event)
    return event


def created_after(how: CreatedHow, **facts: object) -> str:
    """The `after` of a "created" event, one shape however the task was made: how, then its facts as
    key=value in their stored format, a missing one left out ("notice; confidence=0.9",
    "recurrence; previous=NV-4; deadline=2026-12-01", "hand; notice=TB-3")."""
    kept = [f"{key}={stored(value)}" for key, value in facts.items() if stored(value) is not None]
    return "; ".join([how, *kept])


def created_facts(after: str | None) -> tuple[str, dict[str, str]]:
    """A "created" event's `after` read back: how and its facts. The shapes written before created_after
    ("confidence=0.90", "deadline=None", "NV-7 in TB-3") read as the same facts."""
    if old := _OLD_HAND.match(after or ""):
        return "hand", {"notice": old.group(1)}
    parts = [part.strip() for part in (after or "").split(";") if part.strip()]
    if parts and "=" not in parts[0]:
        how, pairs = parts[0], parts[1:]
    else:
        how, pairs = ("recurrence" if (after or "").startswith("deadline=") else "notice"), parts
    facts = dict(pair.split("=", 1) for pair in pairs if "=" in pair)
    return how, {key: value for key, value in facts.items() if value != "None"}
