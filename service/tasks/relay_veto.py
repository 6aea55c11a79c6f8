"""The relay's veto: a reminder or escalation is not sent once its task has closed (passed to outbox.relay)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from outbox.models import OutboxMessage
from outbox.relay import TASK_BOUND_KINDS
from service.store.models import Task
from service.store.stages import TaskStatus


def task_closed(session: Session, row: OutboxMessage) -> str | None:
    """Why a claimed reminder or escalation must not go out ("the task is done_late"), else None."""
    if row.kind not in TASK_BOUND_KINDS or row.task_id is None:
        return None
    task = session.get(Task, row.task_id)
    if task is None or task.merged_into_id is not None:
        return f"the task is {'merged' if task is not None else 'gone'}"
    return None if task.status is TaskStatus.OPEN else f"the task is {task.status.value}"
