"""Which of our mails a reply answers: the Message-IDs it refers to, our outbox rows among them, and the tasks
a mail of ours was about."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.base import EmailEnvelope
from outbox.compose import TASK_THREAD
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


def tasks_of(row: OutboxMessage) -> list[int]:
    """The tasks a mail of ours was about: its task, or those its References name (an assignment or a day's
    mail names several)."""
    named = [int(n) for n in TASK_THREAD.findall(str((row.headers or {}).get("References", "")))]
    return list(dict.fromkeys([*([row.task_id] if row.task_id else []), *named]))
