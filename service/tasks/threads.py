"""Which of our mails a reply answers: the Message-IDs it refers to, and our outbox rows among them."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.base import EmailEnvelope
from outbox.models import OutboxMessage


def referenced_ids(envelope: EmailEnvelope) -> list[str]:
    ids = [*envelope.references]
    if envelope.in_reply_to:
        ids.append(envelope.in_reply_to)
    return [i.strip() for i in ids if i and i.strip()]


def our_mails(session: Session, ids: list[str]) -> list[OutboxMessage]:
    if not ids:
        return []
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.message_id.in_(ids))))
