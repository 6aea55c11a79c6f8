"""Closing a task as done from mail: on time or late against the original deadline, recorded, reminders dropped.

Used by a unit's reply (service.tasks.replies) and by the last part of a task for every unit (service.tasks.parts).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.store.models import Task, TaskEvent
from service.store.stages import TaskStatus
from service.tasks.notify import drop_stale_reminders
from service.tasks.status import done_status

NOTE_CHARS = 2000  # a reply's words kept on the audit event


def mark_done(app: Any, session: Session, task: Task, *, actor: str, note: str | None,
              now: datetime) -> TaskStatus:
    """Close the task as done, on time or late against the original deadline; unsent reminders are dropped."""
    before = task.status
    task.status = done_status(task, now.astimezone(app.settings.tz).date())
    task.completed_at, task.updated_at = now, now
    session.add(TaskEvent(task_id=task.id, actor=actor, at=now, field="status", before=before.value,
                          after=task.status.value, note=(note or "")[:NOTE_CHARS] or None))
    drop_stale_reminders(session, task, reason="task done")
    return task.status
