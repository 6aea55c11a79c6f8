"""Queue a mail inside the caller's transaction; never commits, never talks SMTP."""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from outbox.mail import OutgoingMail, clean_header
from service.models import OutboxMessage
from service.stages import OutboxStatus


def stable_message_id(dedupe_key: str, domain: str) -> str:
    """The same dedupe key always gets the same Message-ID, so a resend after a crash is recognisable."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:24]
    return f"<docket.{digest}@{domain}>"


def enqueue(
    session: Session, mail: OutgoingMail, *, dedupe_key: str, now: datetime, domain: str,
    task_id: int | None = None, notice_id: int | None = None, give_up_at: datetime | None = None,
) -> OutboxMessage | None:
    """Add the row unless one with this dedupe key exists; returns the new row or None."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    headers = dict(mail.extra_headers)
    if mail.in_reply_to:
        headers["In-Reply-To"] = mail.in_reply_to
        headers["References"] = " ".join(dict.fromkeys((*mail.references, mail.in_reply_to)))
    row = OutboxMessage(
        dedupe_key=dedupe_key,
        kind=mail.kind,
        to_addrs=list(dict.fromkeys(mail.to)),
        cc_addrs=[a for a in dict.fromkeys(mail.cc) if a not in mail.to],
        subject=clean_header(mail.subject),
        body_text=mail.text,
        body_html=mail.html,
        headers=headers,
        message_id=stable_message_id(dedupe_key, domain),
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        give_up_at=give_up_at,
        created_at=now,
        task_id=task_id,
        notice_id=notice_id,
    )
    session.add(row)
    session.flush()
    return row
