"""Tasks for every unit ('*'): one TaskPart per unit of the directory, each closed by that unit alone.

The task itself is done when every part is (on time or late against the original deadline, like any
task). Reminders and escalations reach only the units whose part is still open (service.tasks.recipients).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.units import EVERY_UNIT
from service.store.models import Task, TaskPart, Unit
from service.store.stages import Role, TaskStatus
from service.tasks.closing import mark_done, reply_note  # one way to close a task
from service.tasks.events import write_event
from service.tasks.grid import done_status


def is_every_unit(task: Task) -> bool:
    return EVERY_UNIT in task.unit_names(Role.LEAD)


def sync_parts(session: Session, task: Task) -> None:
    """Give an every-unit task a part per active unit (kept parts keep their status); others have none."""
    if not is_every_unit(task):
        task.parts.clear()
        return
    have = {part.unit_id for part in task.parts}
    for unit in session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.id)):
        if unit.id not in have:
            task.parts.append(TaskPart(unit_id=unit.id, status=TaskStatus.OPEN))


def open_part(task: Task, unit: Unit) -> TaskPart | None:
    return next((p for p in task.parts if p.unit_id == unit.id and p.status is TaskStatus.OPEN), None)


def close_part(app: Any, session: Session, task: Task, unit: Unit, *, actor: str, note: str | None,
               now: datetime) -> bool:
    """Close `unit`'s part; close the task when it was the last one. Returns True when the task closed."""
    part = open_part(task, unit)
    if part is None:
        return False
    today = now.astimezone(app.settings.tz).date()
    part.status, part.completed_at, part.completed_by = done_status(task, today), now, actor
    write_event(session, task.id, "part", actor=actor, at=now, before=f"{unit.name}: open",
                after=f"{unit.name}: {part.status.value}", note=reply_note(note))
    session.flush()
    if any(p.status is TaskStatus.OPEN for p in task.parts):
        return False
    mark_done(app, session, task, actor=actor, note="mọi phòng, đơn vị đã hoàn thành phần việc", now=now)
    return True
