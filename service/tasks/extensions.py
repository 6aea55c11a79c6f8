"""Deadline extensions (gia hạn): approve or refuse a unit's request; the original deadline is always kept.

`approve_extension(session, request_id, actor, now)` is what `docket tasks extend` calls (admin CLI).
It sets the task's current deadline, records the decision in the task's history and cancels the
reminders of the old deadline; the scheduler's next pass queues those of the new one. To tell the
units, pass `notify_with=app` (or the Settings), or call service.tasks.notify.queue_change_notice yourself.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from service.errors import InputError, NotFoundError
from service.store.models import ExtensionRequest, Task, TaskEvent
from service.tasks.notify import drop_stale_reminders, queue_change_notice
from service.store.stages import ExtensionStatus


def _pending(session: Session, request_id: int) -> ExtensionRequest:
    request = session.get(ExtensionRequest, request_id)
    if request is None:
        raise NotFoundError(f"no extension request #{request_id}")
    if request.status is not ExtensionStatus.PENDING:
        raise InputError(f"extension request #{request_id} is already {request.status.value}")
    return request


def extend_task(session: Session, task: Task, *, to: date, actor: str, now: datetime, reason: str | None = None) -> None:
    """Move the current deadline (original kept), audit it, and drop reminders of the old deadline."""
    if task.status.is_closed:
        raise InputError(f"NV-{task.id} is {task.status.value}; reopen it before extending")
    if task.original_deadline is None:
        task.original_deadline = task.deadline
    before = task.deadline
    task.deadline, task.updated_at = to, now
    session.add(TaskEvent(task_id=task.id, actor=actor, at=now, field="deadline", before=str(before) if before else None,
                          after=to.isoformat(), note=f"gia hạn{': ' + reason if reason else ''}"))
    drop_stale_reminders(session, task, reason="deadline extended")


def approve_extension(session: Session, request_id: int, actor: str, now: datetime, *, notify_with: Any = None,
                      to: date | None = None) -> Task:
    """Approve a pending request (optionally to another date than asked); returns the task."""
    request = _pending(session, request_id)
    task = session.get(Task, request.task_id)
    assert task is not None
    extend_task(session, task, to=to or request.requested_to, actor=actor, now=now, reason=request.reason)
    request.status, request.decided_by, request.decided_at = ExtensionStatus.APPROVED, actor, now
    if notify_with is not None:
        queue_change_notice(notify_with, session, task, "deadline", now)
    return task


def refuse_extension(session: Session, request_id: int, actor: str, now: datetime, *, reason: str | None = None) -> Task:
    request = _pending(session, request_id)
    request.status, request.decided_by, request.decided_at = ExtensionStatus.REFUSED, actor, now
    session.add(TaskEvent(task_id=request.task_id, actor=actor, at=now, field="extension_request",
                          before=request.requested_to.isoformat(), after="refused", note=reason))
    task = session.get(Task, request.task_id)
    assert task is not None
    return task
