"""Replies to Docket's own mails: tie them to their task (the outbox issue fills in the actions)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.base import EmailEnvelope, ExtractedMessage
from service.models import InboundMessage, OutboxMessage


def referenced_ids(envelope: EmailEnvelope) -> list[str]:
    ids = [*envelope.references]
    if envelope.in_reply_to:
        ids.append(envelope.in_reply_to)
    return [i.strip() for i in ids if i.strip()]


def is_reply(session: Session, envelope: EmailEnvelope) -> bool:
    """A reply names one of our Message-IDs in In-Reply-To/References."""
    ids = referenced_ids(envelope)
    if not ids:
        return False
    return session.scalar(select(OutboxMessage.id).where(OutboxMessage.message_id.in_(ids)).limit(1)) is not None


def handle_reply(app: object, session: Session, row: InboundMessage, message: ExtractedMessage, *, now: datetime):  # type: ignore[no-untyped-def]
    from service.process import Outcome
    from service.stages import Stage

    ids = referenced_ids(message.envelope)
    ours = session.scalars(select(OutboxMessage).where(OutboxMessage.message_id.in_(ids))).first()
    row.task_id = ours.task_id if ours else None
    return Outcome(Stage.REPLY, "reply-recorded")
