"""A task's status changes, one writer for each: done, cancel, reject, reopen — audited through a Recorder.

Every caller goes through `set_status` (or `done`, or `mark_done` for mail): a unit's reply
(service.tasks.replies), the last part of a task for every unit (service.tasks.parts), the admin's and the
clerk's corrections (service.tasks.corrections), a merge and a reprocess. It checks the transition, records
status, completed_at and closed_reason, and drops the unsent reminders of a task that closes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from rules.display import task_token
from service.errors import InputError
from service.store.models import Task
from service.store.stages import TASK_TRANSITIONS, TaskStatus
from service.tasks.audit import Editor, Recorder
from service.tasks.grid import done_status
from service.tasks.notify import drop_stale_reminders

NOTE_CHARS = 2000  # a reply's words kept on the audit event
DONE = (TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE)
WITH_REASON = (TaskStatus.CANCELLED, TaskStatus.REJECTED)  # the statuses that keep a closed_reason


def set_status(rec: Recorder, target: TaskStatus, *, reason: str | None = None) -> TaskStatus:
    """Move rec.task to `target` (an InputError when the transition is not allowed), audited on `rec`."""
    task, now = rec.task, rec.editor.now
    if target not in TASK_TRANSITIONS[task.status]:
        raise InputError(f"{task_token(task.id)} is {task.status.value}; it cannot become {target.value}")
    rec.record("status", task.status, target)
    task.status = target
    completed = now if target in DONE else None
    rec.record("completed_at", task.completed_at, completed)
    task.completed_at = completed
    closed_reason = reason if target in WITH_REASON else None
    rec.record("closed_reason", task.closed_reason, closed_reason)
    task.closed_reason = closed_reason
    task.updated_at = now
    if target.is_closed:
        drop_stale_reminders(rec.session, task, reason=_DROPPED.get(target, "task closed"))
    return target


_DROPPED = {
    TaskStatus.DONE_ON_TIME: "task done",
    TaskStatus.DONE_LATE: "task done",
    TaskStatus.CANCELLED: "task cancelled",
    TaskStatus.REJECTED: "task rejected",
}


def done(rec: Recorder, *, today: date) -> TaskStatus:
    """Close the task as done, on time or late against the ORIGINAL deadline (`today`: the office's day)."""
    return set_status(rec, done_status(rec.task, today))


def mark_done(
    app: Any, session: Session, task: Task, *, actor: str, note: str | None, now: datetime
) -> TaskStatus:
    """Done by mail (a unit's reply, the last part of an every-unit task): `done` on the office's day."""
    rec = Recorder(session, task, Editor(actor, now), note=reply_note(note))
    return done(rec, today=now.astimezone(app.settings.tz).date())


def reply_note(note: str | None) -> str | None:
    """A reply's words as kept on its audit event."""
    return (note or "")[:NOTE_CHARS] or None
