"""The relay's veto: a reminder, escalation or day's mail is not sent once its tasks have closed (passed to
outbox.relay)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from outbox.models import OutboxMessage
from outbox.relay import TASK_BOUND_KINDS
from service.store.models import Task
from service.store.stages import TaskStatus
from service.tasks.threads import tasks_of


def task_closed(session: Session, row: OutboxMessage) -> str | None:
    """Why a claimed reminder, escalation or day's mail must not go out ("the task is done_late"), else None.

    A day's mail carries several tasks: it goes out while any of them is still open."""
    if row.kind not in TASK_BOUND_KINDS:
        return None
    states = [_state(session, task_id) for task_id in tasks_of(row)]
    return f"the task is {states[0]}" if states and all(states) else None


def _state(session: Session, task_id: int) -> str | None:
    task = session.get(Task, task_id)
    if task is None or task.merged_into_id is not None:
        return "merged" if task is not None else "gone"
    return None if task.status is TaskStatus.OPEN else task.status.value
