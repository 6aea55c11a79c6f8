"""Quarantined mail: list it, release it (processed again as if the sender were allowed), delete it.
Audited."""

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


def list_quarantined(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(InboundMessage).where(InboundMessage.stage == Stage.QUARANTINED).order_by(InboundMessage.id)
    )
    return [
        {
            "id": r.id,
            "received_at": r.received_at.isoformat() if r.received_at else None,
            "sender": r.sender,
            "subject": r.subject,
            "reason": r.error,
            "size": r.size,
            "message_id": r.message_id,
            "mailbox": r.mailbox,
        }
        for r in rows
    ]


def _get(session: Session, inbound_id: int) -> InboundMessage:
    row = session.get(InboundMessage, inbound_id, with_for_update=True)
    if row is None:
        raise NotFoundError(f"no inbound message {inbound_id}")
    if row.stage is not Stage.QUARANTINED:
        raise InputError(f"message {inbound_id} is not quarantined (it is {row.stage.value})")
    return row


def release(session: Session, inbound_id: int, *, actor: str, now: datetime) -> InboundMessage:
    """Queue the message again; the next pass processes it as if its sender were allowed."""
    row = _get(session, inbound_id)
    reason = row.error
    row.stage, row.disposition, row.error = Stage.RECEIVED, "released", None
    row.released_by, row.released_at = actor, now
    row.attempts, row.lease_owner, row.lease_until, row.processed_at = 0, None, None, None
    audit.info(
        "quarantine release: inbound %s from %s by %s (was: %s)",
        row.id,
        row.sender,
        actor,
        reason,
        extra={"inbound_id": row.id, "actor": actor, "action": "quarantine-release"},
    )
    return row


def delete(session: Session, inbound_id: int, *, actor: str, now: datetime) -> None:
    """Remove a quarantined message for good (its raw bytes too)."""
    row = _get(session, inbound_id)
    audit.info(
        "quarantine delete: inbound %s from %s subject %r by %s",
        row.id,
        row.sender,
        row.subject,
        actor,
        extra={"inbound_id": row.id, "actor": actor, "action": "quarantine-delete"},
    )
    session.delete(row)
