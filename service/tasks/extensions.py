"""Deadline extensions (gia hạn): approve or refuse a unit's request; the original deadline is always kept.

`extend_task` is the one writer of a deadline extension; `approve_extension(session, request_id, actor, now)`
decides a unit's request through it (a leader's answer by mail, or `docket tasks extend`). It sets the
task's current deadline, records the decision in the task's history and cancels the reminders of the old
deadline; the scheduler's next pass queues those of the new one. To tell the units, pass `notify_with=app`
(or the Settings), or call service.tasks.notify.queue_change_notice yourself.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from rules.display import task_token
from service.errors import InputError, NotFoundError
from service.store.models import ExtensionRequest, Task
from service.store.stages import ExtensionStatus
from service.tasks.audit import Editor, Recorder
from service.tasks.events import write_event
from service.tasks.notify import drop_stale_reminders, queue_change_notice


def _pending(session: Session, request_id: int) -> ExtensionRequest:
    request = session.get(ExtensionRequest, request_id)
    if request is None:
        raise NotFoundError(f"no extension request #{request_id}")
    if request.status is not ExtensionStatus.PENDING:
        raise InputError(f"extension request #{request_id} is already {request.status.value}")
    return request


def extend_task(rec: Recorder, to: date) -> None:
    """The one writer of an extension: the current deadline moves (the original kept), audited on `rec`,
    and the reminders of the old deadline are dropped. The admin's `docket tasks extend`
    (service.tasks.corrections.extend) and a leader's approval by mail both come here."""
    task = rec.task
    if task.status.is_closed:
        raise InputError(f"{task_token(task.id)} is {task.status.value}; reopen it before extending")
    if task.original_deadline is None:
        task.original_deadline = task.deadline
    rec.record("deadline", task.deadline, to)
    task.deadline, task.updated_at = to, rec.editor.now
    drop_stale_reminders(rec.session, task, reason="deadline extended")


def approve_extension(
    session: Session,
    request_id: int,
    actor: str,
    now: datetime,
    *,
    notify_with: Any = None,
    to: date | None = None,
    rec: Recorder | None = None,
) -> Task:
    """Approve a pending request (optionally to another date than asked); returns the task.

    `rec`: the caller's recorder (an admin's correction), else one of its own with the request's reason."""
    request = _pending(session, request_id)
    task = session.get(Task, request.task_id)
    assert task is not None
    note = f"gia hạn{': ' + request.reason if request.reason else ''}"
    extend_task(rec or Recorder(session, task, Editor(actor, now), note=note), to or request.requested_to)
    request.status, request.decided_by, request.decided_at = ExtensionStatus.APPROVED, actor, now
    if notify_with is not None:
        queue_change_notice(notify_with, session, task, "deadline", now)
    return task


def refuse_extension(
    session: Session, request_id: int, actor: str, now: datetime, *, reason: str | None = None
) -> Task:
    request = _pending(session, request_id)
    request.status, request.decided_by, request.decided_at = ExtensionStatus.REFUSED, actor, now
    write_event(
        session,
        request.task_id,
        "extension_request",
        actor=actor,
        at=now,
        before=request.requested_to,
        after="refused",
        note=reason,
    )
    task = session.get(Task, request.task_id)
    assert task is not None
    return task
