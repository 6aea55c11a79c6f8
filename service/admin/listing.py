"""Read-only views for the admin CLI: task, notice and unit listings and details, as plain dicts (JSON-ready).

Listings use Core selects over columns (no ORM objects) so 10,000 tasks list in well under a second.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from outbox.compose import EVERY_UNIT_VI
from outbox.models import OutboxMessage
from rules.display import notice_token, task_token, vn_date
from rules.units import EVERY_UNIT
from service.store.models import (
    AssignmentHold,
    ExtensionRequest,
    InboundMessage,
    Notice,
    Task,
    TaskEvent,
    TaskPart,
    TaskUnit,
    Unit,
)
from service.store.stages import Role, TaskStatus

STATES = (
    "open",
    "overdue",
    "done",
    "done_on_time",
    "done_late",
    "cancelled",
    "rejected",
    "merged",
    "closed",
    "all",
)


@dataclass(frozen=True, slots=True)
class TaskFilter:
    status: str | None = None  # one of STATES; None = every task
    unit: str | None = None  # canonical name (resolved by the caller)
    notice_id: int | None = None
    due_before: date | None = None  # inclusive
    due_after: date | None = None  # inclusive
    needs_review: bool = False
    limit: int | None = None


def task_state(status: TaskStatus, deadline: date | None, today: date, merged: bool = False) -> str:
    """The status shown: 'overdue' is derived (open and past the current deadline), never stored."""
    if merged:
        return "merged"
    if status is TaskStatus.OPEN and deadline is not None and deadline < today:
        return "overdue"
    return status.value


def _status_clause(state: str, today: date) -> Any:
    statuses: dict[str, list[TaskStatus]] = {
        "open": [TaskStatus.OPEN],
        "done": [TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE],
        "done_on_time": [TaskStatus.DONE_ON_TIME],
        "done_late": [TaskStatus.DONE_LATE],
        "cancelled": [TaskStatus.CANCELLED],
        "rejected": [TaskStatus.REJECTED],
        "closed": [s for s in TaskStatus if s is not TaskStatus.OPEN],
    }
    if state == "overdue":
        return and_(Task.status == TaskStatus.OPEN, Task.deadline < today)
    # stored as cancelled, shown as merged: each task is listed under the status it shows
    if state == "merged":
        return Task.merged_into_id.is_not(None)
    if state == "cancelled":
        return and_(Task.status == TaskStatus.CANCELLED, Task.merged_into_id.is_(None))
    return Task.status.in_(statuses[state])


def list_tasks(session: Session, flt: TaskFilter, today: date) -> tuple[list[dict[str, Any]], int]:
    """Tasks matching the filter, by deadline (none last), then ID; returns (rows, total before the limit)."""
    conditions = []
    if flt.status and flt.status != "all":
        conditions.append(_status_clause(flt.status, today))
    if flt.unit:
        conditions.append(
            exists().where(TaskUnit.task_id == Task.id, TaskUnit.name.in_([flt.unit, EVERY_UNIT]))
        )
    if flt.notice_id is not None:
        conditions.append(Task.notice_id == flt.notice_id)
    if flt.due_before:
        conditions.append(Task.deadline <= flt.due_before)
    if flt.due_after:
        conditions.append(Task.deadline >= flt.due_after)
    if flt.needs_review:
        conditions.append(Task.needs_review.is_(True))
    stmt = (
        select(
            Task.id,
            Task.notice_id,
            Task.text,
            Task.deadline,
            Task.original_deadline,
            Task.recurrence,
            Task.status,
            Task.needs_review,
            Task.manual,
            Task.confidence,
            Task.merged_into_id,
        )
        .where(*conditions)
        .order_by(Task.deadline.is_(None), Task.deadline, Task.id)
    )
    if flt.limit is not None:
        stmt = stmt.limit(flt.limit)
    rows = session.connection().execute(stmt).all()  # Core rows: no ORM loading overhead
    total = (
        len(rows)
        if flt.limit is None or len(rows) < flt.limit
        else (session.scalar(select(func.count(Task.id)).where(*conditions)) or 0)
    )
    units = _units_of(
        session, [r.id for r in rows], conditions, whole=flt.limit is None or flt.limit >= total
    )
    return [_task_row(r, units.get(r.id, ([], [])), today) for r in rows], total


def _units_of(
    session: Session, ids: list[int], conditions: list[Any], *, whole: bool
) -> dict[int, tuple[list[str], list[str]]]:
    if not ids:
        return {}
    stmt = select(TaskUnit.task_id, TaskUnit.name, TaskUnit.role).order_by(TaskUnit.id)
    if whole:  # every matching task: join on the same filter instead of a huge IN list
        stmt = stmt.where(TaskUnit.task_id.in_(select(Task.id).where(*conditions)))
    else:
        stmt = stmt.where(TaskUnit.task_id.in_(ids))
    found: dict[int, tuple[list[str], list[str]]] = {}
    for task_id, name, role in session.connection().execute(stmt):
        found.setdefault(task_id, ([], []))[0 if role is Role.LEAD else 1].append(
            EVERY_UNIT_VI if name == EVERY_UNIT else name
        )
    return found


def _task_row(r: Any, units: tuple[list[str], list[str]], today: date) -> dict[str, Any]:
    return {
        "id": task_token(r.id),
        "number": r.id,
        "notice": notice_token(r.notice_id),
        "text": r.text,
        "lead": units[0],
        "support": units[1],
        "deadline": r.deadline.isoformat() if r.deadline else None,
        "original_deadline": r.original_deadline.isoformat() if r.original_deadline else None,
        "recurrence": r.recurrence,
        "status": task_state(r.status, r.deadline, today, r.merged_into_id is not None),
        "needs_review": r.needs_review,
        "manual": r.manual,
        "confidence": round(r.confidence, 3),
        "merged_into": task_token(r.merged_into_id) if r.merged_into_id else None,
    }


def task_detail(session: Session, task: Task, today: date, tz: Any = None) -> dict[str, Any]:
    """One task: fields, the evidence quote with its source, the full history (times in `tz`), requests and
    mails."""
    notice = task.notice
    lead, support = (
        [EVERY_UNIT_VI if n == EVERY_UNIT else n for n in task.unit_names(r)]
        for r in (Role.LEAD, Role.SUPPORT)
    )
    names = (lead, support)
    row = _task_row(_Row(task), names, today)
    quote = task.text
    if (
        task.source_start is not None
        and task.source_end is not None
        and task.source_part == notice.source_name
    ):
        quote = notice.text[task.source_start : task.source_end] or task.text
    events = session.scalars(
        select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.at, TaskEvent.id)
    )
    requests = session.scalars(
        select(ExtensionRequest).where(ExtensionRequest.task_id == task.id).order_by(ExtensionRequest.id)
    )
    mails = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.status,
            OutboxMessage.subject,
            OutboxMessage.created_at,
        )
        .where(OutboxMessage.task_id == task.id)
        .order_by(OutboxMessage.id)
    )
    return {
        **row,
        "notice_label": _notice_label(notice),
        "deadline_text": task.deadline_text,
        "recurrence_day": task.recurrence_day,
        "evidence": {
            "quote": quote,
            "part": task.source_part,
            "start": task.source_start,
            "end": task.source_end,
        },
        "completed_at": task.completed_at.astimezone(tz).isoformat() if task.completed_at else None,
        "closed_reason": task.closed_reason,
        "parts": [
            {
                "unit": p.unit.name,
                "status": p.status.value,
                "completed_at": p.completed_at.astimezone(tz).isoformat() if p.completed_at else None,
                "by": p.completed_by,
            }
            for p in task.parts
        ],
        "history": [
            {
                "at": e.at.astimezone(tz).isoformat(),
                "actor": e.actor,
                "field": e.field,
                "before": e.before,
                "after": e.after,
                "note": e.note,
            }
            for e in events
        ],
        "extension_requests": [
            {
                "id": q.id,
                "to": q.requested_to.isoformat(),
                "reason": q.reason,
                "by": q.requested_by,
                "status": q.status.value,
            }
            for q in requests
        ],
        "mails": [
            {
                "id": m.id,
                "kind": m.kind,
                "status": m.status.value,
                "subject": m.subject,
                "created_at": m.created_at.isoformat(),
            }
            for m in mails
        ],
    }


class _Row:
    """A Task seen through the column names _task_row reads."""

    def __init__(self, task: Task) -> None:
        self.id, self.notice_id, self.text, self.deadline = task.id, task.notice_id, task.text, task.deadline
        self.original_deadline, self.recurrence, self.status = (
            task.original_deadline,
            task.recurrence,
            task.status,
        )
        self.needs_review, self.manual, self.confidence = task.needs_review, task.manual, task.confidence
        self.merged_into_id = task.merged_into_id


def _notice_label(notice: Notice) -> str:
    parts = [notice.doc_type or "Văn bản"]
    if notice.number:
        parts.append(f"số {notice.number}")
    if notice.issued_date:
        parts.append("ngày " + vn_date(notice.issued_date))
    return " ".join(parts)


def list_notices(session: Session, *, limit: int | None = None) -> tuple[list[dict[str, Any]], int]:
    """Notices, newest first, with their task counts."""
    total = session.scalar(select(func.count(Notice.id))) or 0
    counts = (
        select(
            Task.notice_id,
            func.count(Task.id).label("tasks"),
            func.sum(case((Task.needs_review.is_(True), 1), else_=0)).label("review"),
        )
        .group_by(Task.notice_id)
        .subquery()
    )
    stmt = (
        select(
            Notice.id,
            Notice.number,
            Notice.doc_type,
            Notice.issued_date,
            Notice.subject,
            Notice.forwarder,
            Notice.created_at,
            counts.c.tasks,
            counts.c.review,
        )
        .outerjoin(counts, counts.c.notice_id == Notice.id)
        .order_by(Notice.created_at.desc(), Notice.id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        {
            "id": notice_token(r.id),
            "number": r.number,
            "type": r.doc_type,
            "issued_date": r.issued_date.isoformat() if r.issued_date else None,
            "subject": r.subject,
            "forwarder": r.forwarder,
            "received": r.created_at.isoformat(),
            "tasks": r.tasks or 0,
            "needs_review": int(r.review or 0),
        }
        for r in session.execute(stmt)
    ], total


def notice_detail(session: Session, notice: Notice, today: date) -> dict[str, Any]:
    tasks, _ = list_tasks(session, TaskFilter(notice_id=notice.id), today)
    messages = session.execute(
        select(
            InboundMessage.id,
            InboundMessage.message_id,
            InboundMessage.sender,
            InboundMessage.received_at,
            InboundMessage.stage,
        )
        .where(InboundMessage.notice_id == notice.id)
        .order_by(InboundMessage.id)
    )
    return {
        "id": notice_token(notice.id),
        "label": _notice_label(notice),
        "number": notice.number,
        "type": notice.doc_type,
        "issuer": notice.issuer,
        "issued_date": notice.issued_date.isoformat() if notice.issued_date else None,
        "place": notice.place,
        "subject": notice.subject,
        "signer": notice.signer,
        "urgency": notice.urgency,
        "source": notice.source_name,
        "forwarder": notice.forwarder,
        "warnings": list(notice.warnings or ()),
        "messages": [
            {
                "id": m.id,
                "message_id": m.message_id,
                "sender": m.sender,
                "received_at": m.received_at.isoformat(),
                "stage": m.stage.value,
            }
            for m in messages
        ],
        "tasks": tasks,
        "review_hold": _hold(session, notice.id),
    }


def _hold(session: Session, notice_id: int) -> dict[str, Any] | None:
    """Whether the notice's assignments wait (or waited) for review, why, until when, and who released
    them."""
    row = session.scalar(select(AssignmentHold).where(AssignmentHold.notice_id == notice_id))
    if row is None:
        return None
    return {
        "reason": row.reason,
        "until": row.held_until.isoformat(),
        "released_by": row.released_by,
        "released_at": row.released_at.isoformat() if row.released_at else None,
    }


def list_units(session: Session) -> list[dict[str, Any]]:
    open_counts = dict(
        session.execute(
            select(TaskUnit.name, func.count(TaskUnit.id))
            .join(Task, Task.id == TaskUnit.task_id)
            .where(Task.status == TaskStatus.OPEN, TaskUnit.role == Role.LEAD)
            .group_by(TaskUnit.name)
        ).all()
    )
    every = dict(
        session.execute(  # every-unit tasks count under each unit whose part is still open
            select(TaskPart.unit_id, func.count(TaskPart.id))
            .join(Task, Task.id == TaskPart.task_id)
            .where(Task.status == TaskStatus.OPEN, TaskPart.status == TaskStatus.OPEN)
            .group_by(TaskPart.unit_id)
        ).all()
    )
    return [
        {
            "name": u.name,
            "aliases": list(u.aliases or ()),
            "email": u.email,
            "head": u.head_name,
            "head_email": u.head_email,
            "office": u.is_office,
            "active": u.active,
            "open_tasks_as_lead": open_counts.get(u.name, 0) + every.get(u.id, 0),
        }
        for u in session.scalars(select(Unit).order_by(Unit.id))
    ]
