"""Every inbound message the mailbox gave us: list them by stage, show one, queue a failed one again."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import InputError, NotFoundError
from service.store.models import InboundMessage
from service.store.stages import Stage

audit = logging.getLogger("docket.audit")
RETRYABLE = (Stage.FAILED,)


def summary(row: InboundMessage) -> dict[str, Any]:
    return {
        "id": row.id,
        "stage": row.stage.value,
        "disposition": row.disposition,
        "error": row.error,
        "received_at": row.received_at.isoformat() if row.received_at else None,
        "processed_at": row.processed_at.isoformat() if row.processed_at else None,
        "sender": row.sender,
        "subject": row.subject,
        "message_id": row.message_id,
        "size": row.size,
        "attempts": row.attempts,
        "notice_id": row.notice_id,
        "mailbox": row.mailbox,
        "source_key": row.source_key,
    }


def list_messages(
    session: Session, *, stage: Stage | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    stmt = select(InboundMessage).order_by(InboundMessage.id.desc())
    if stage is not None:
        stmt = stmt.where(InboundMessage.stage == stage)
    if limit:
        stmt = stmt.limit(limit)
    return [summary(row) for row in session.scalars(stmt)]


def get_message(session: Session, inbound_id: int, *, for_update: bool = False) -> InboundMessage:
    row = session.get(InboundMessage, inbound_id, with_for_update=for_update)
    if row is None:
        raise NotFoundError(f"no inbound message {inbound_id}")
    return row


def retry(session: Session, inbound_id: int, *, actor: str, now: datetime) -> InboundMessage:
    """A failed message goes back to RECEIVED; the next pass processes it with the current code and rules."""
    row = get_message(session, inbound_id, for_update=True)
    if row.stage not in RETRYABLE:
        raise InputError(
            f"message {inbound_id} is {row.stage.value}; only failed messages are retried "
            "(quarantined ones: `docket quarantine release`; notices: `docket notices reprocess`)"
        )
    previous = row.error
    row.stage, row.disposition, row.error = Stage.RECEIVED, "retried", None
    row.attempts, row.lease_owner, row.lease_until, row.processed_at = 0, None, None, None
    audit.info(
        "message retry: inbound %s from %s by %s at %s (was: %s)",
        row.id,
        row.sender,
        actor,
        now.isoformat(),
        previous,
        extra={"inbound_id": row.id, "actor": actor, "action": "message-retry"},
    )
    return row
