"""The admin queue: inbound mail that a person must look at (a reply tied to no task, an unauthorised
correction, an unclear decision). List it, show it, attach it to a task, dismiss it; every action audited.

An item is an InboundMessage whose `queue` names why it waits (put there by service.tasks.reply_answers.park);
closing it stamps who, when and what.
Quarantined mail (unknown senders) has its own commands (`docket quarantine`) and is counted here too.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rules.display import task_token
from service.errors import InputError, NotFoundError
from service.store.models import ExtensionRequest, InboundMessage
from service.store.stages import ExtensionStatus, Stage
from service.tasks.events import write_event

audit = logging.getLogger("docket.audit")


def _open(session: Session, inbound_id: int) -> InboundMessage:
    row = session.get(InboundMessage, inbound_id)
    if row is None:
        raise NotFoundError(f"no inbound message {inbound_id} (`docket inbox list` shows the queue)")
    if row.queue is None:
        raise InputError(f"message {inbound_id} is not in the admin queue")
    if row.queue_closed_at is not None:
        raise InputError(
            f"message {inbound_id} was already handled: {row.queue_outcome} by {row.queue_closed_by}"
        )
    return row


def item(row: InboundMessage) -> dict[str, Any]:
    return {
        "id": row.id,
        "received_at": row.received_at.isoformat() if row.received_at else None,
        "sender": row.sender,
        "subject": row.subject,
        "reason": row.queue,
        "task": task_token(row.task_id) if row.task_id else None,
        "closed_by": row.queue_closed_by,
        "closed_at": row.queue_closed_at.isoformat() if row.queue_closed_at else None,
        "outcome": row.queue_outcome,
    }


def list_items(session: Session, *, include_closed: bool = False) -> list[dict[str, Any]]:
    stmt = select(InboundMessage).where(InboundMessage.queue.is_not(None))
    if not include_closed:
        stmt = stmt.where(InboundMessage.queue_closed_at.is_(None))
    return [item(r) for r in session.scalars(stmt.order_by(InboundMessage.id))]


def show_item(session: Session, inbound_id: int) -> dict[str, Any]:
    """The item and the sender's own words (quotes and signature cut)."""
    from extractors.reply_body import read_reply  # lazy: 23 ms (lxml, MIME); `docket status` reads none

    row = session.get(InboundMessage, inbound_id)
    if row is None or row.queue is None:
        raise NotFoundError(f"no queued message {inbound_id} (`docket inbox list` shows the queue)")
    return {**item(row), "text": read_reply(row.raw)}


def _close(row: InboundMessage, *, actor: str, now: datetime, outcome: str) -> None:
    row.queue_closed_by, row.queue_closed_at, row.queue_outcome = actor, now, outcome
    audit.info(
        "inbox %s: inbound %s from %s by %s",
        outcome,
        row.id,
        row.sender,
        actor,
        extra={"inbound_id": row.id, "actor": actor, "action": "inbox-close"},
    )


def attach(app: Any, session: Session, inbound_id: int, task_id: int, *, actor: str, now: datetime) -> str:
    """Tie the reply to a task and act on it as if it had been matched; returns the reply's disposition."""
    from service.tasks.corrections import get_task  # lazy: 148 ms with replies; `status` never attaches
    from service.tasks.replies import act_on_reply  # lazy: 148 ms, the reply rules; `inbox list` never uses

    row = _open(session, inbound_id)
    task = get_task(session, task_id)
    write_event(
        session, task.id, "inbox-attach", actor=actor, at=now, after=f"thư #{row.id}", note=f"từ {row.sender}"
    )
    row.task_id = task.id
    disposition = act_on_reply(app, session, row, task, now=now)
    _close(row, actor=actor, now=now, outcome=f"attached {task_token(task.id)} ({disposition})")
    return disposition


def dismiss(
    session: Session, inbound_id: int, *, actor: str, now: datetime, reason: str | None = None
) -> None:
    row = _open(session, inbound_id)
    _close(
        row,
        actor=actor,
        now=now,
        outcome="dismissed" + (f": {reason.strip()}" if reason and reason.strip() else ""),
    )


def counts(session: Session) -> dict[str, int]:
    """What waits for a person: queued replies, pending extension requests, quarantined mail."""
    queued = session.scalar(
        select(func.count())
        .select_from(InboundMessage)
        .where(InboundMessage.queue.is_not(None), InboundMessage.queue_closed_at.is_(None))
    )
    pending = session.scalar(
        select(func.count())
        .select_from(ExtensionRequest)
        .where(ExtensionRequest.status == ExtensionStatus.PENDING)
    )
    quarantined = session.scalar(
        select(func.count()).select_from(InboundMessage).where(InboundMessage.stage == Stage.QUARANTINED)
    )
    return {
        "queued_replies": queued or 0,
        "pending_extensions": pending or 0,
        "quarantined": quarantined or 0,
    }
