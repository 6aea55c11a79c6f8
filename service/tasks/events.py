"""The one writer of the audit trail (TaskEvent) and the one format of its values.

`write_event` is the only place a TaskEvent is made (tests/unit/test_task_events.py holds every module to it);
`stored` writes its values: dates yyyy-mm-dd, datetimes ISO with their zone, enums by their value, lists
joined with ", ". Rows written before this rule may hold dates as dd/mm/yyyy and a missing date as "None";
service.tasks.history_vi reads both. service.tasks.audit's Recorder (the admin's changes and every status
change or extension) writes through it.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy.orm import Session

from service.store.models import TaskEvent


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
