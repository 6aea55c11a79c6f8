"""Queue a mail inside the caller's transaction; never commits, never talks SMTP.

The insert is `INSERT … ON CONFLICT DO NOTHING` on both SQLite and PostgreSQL, so two workers queueing the
same key at the same moment still leave exactly one row. No conflict target: the Message-ID derived from the
key is unique too, and PostgreSQL raises on a conflict in any unique index that is not the named target.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, insert, update
from sqlalchemy.orm import Session

from outbox.mail import OutgoingMail, clean_header
from outbox.models import MailKind, OutboxMessage, OutboxStatus

LIVE = (OutboxStatus.PENDING, OutboxStatus.RETRY)  # rows that may still be sent and can be cancelled


def stable_message_id(dedupe_key: str, domain: str) -> str:
    """The same dedupe key always gets the same Message-ID, so a resend after a crash is recognisable."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:24]
    return f"<docket.{digest}@{domain}>"


def _insert_ignoring_duplicates(session: Session, values: dict[str, Any]) -> int | None:
    dialect = session.get_bind().dialect.name
    stmt: Insert
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert  # lazy: 23 ms; SQLite never needs it
        stmt = pg_insert(OutboxMessage).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert  # lazy: 7 ms; unused with PostgreSQL
        stmt = sqlite_insert(OutboxMessage).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two supported backends
        stmt = insert(OutboxMessage).values(**values)
    return session.execute(stmt.returning(OutboxMessage.id)).scalar()


def enqueue(
    session: Session, mail: OutgoingMail, *, dedupe_key: str, now: datetime, domain: str,
    task_id: int | None = None, notice_id: int | None = None, give_up_at: datetime | None = None,
    not_before: datetime | None = None,
) -> OutboxMessage | None:
    """Add the row unless one with this dedupe key exists; returns the new row or None."""
    headers = dict(mail.extra_headers)
    if mail.in_reply_to:
        headers["In-Reply-To"] = mail.in_reply_to
    refs = tuple(dict.fromkeys((*mail.references, *([mail.in_reply_to] if mail.in_reply_to else []))))
    if refs:
        headers["References"] = " ".join(refs)
    to = list(dict.fromkeys(a for a in mail.to if a))
    values = dict(
        dedupe_key=dedupe_key,
        kind=mail.kind,
        to_addrs=to,
        cc_addrs=[a for a in dict.fromkeys(mail.cc) if a and a not in to],
        subject=clean_header(mail.subject),
        body_text=mail.text,
        body_html=mail.html,
        headers=headers,
        message_id=stable_message_id(dedupe_key, domain),
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=not_before or now,
        give_up_at=give_up_at,
        created_at=now,
        task_id=task_id,
        notice_id=notice_id,
    )
    row_id = _insert_ignoring_duplicates(session, values)
    if row_id is None:
        return None
    return session.get(OutboxMessage, row_id)


def cancel_pending(session: Session, *, task_id: int, kinds: tuple[MailKind, ...], reason: str) -> int:
    """Cancel a task's unsent mails of these kinds; their dedupe keys are freed so a later pass may queue
    anew.

    The Message-ID is changed too (a never-sent message has no identity to keep), because a new row with
    the same dedupe key will get the stable Message-ID of that key. A step that went into a day's mail
    (status bundled, service.tasks.bundles) counts as unsent while every mail carrying it is unsent: those
    mails are cancelled with it, and so are the other steps they carried, so the next pass bundles again what
    is still due (never a step twice: a carrier already sent keeps its steps as they are).
    """
    rows = (
        session.query(OutboxMessage)
        .filter(
            OutboxMessage.task_id == task_id, OutboxMessage.kind.in_(kinds), OutboxMessage.status.in_(LIVE)
        )
        .all()
    )
    bundled = (
        session.query(OutboxMessage)
        .filter(
            OutboxMessage.task_id == task_id,
            OutboxMessage.kind.in_(kinds),
            OutboxMessage.status == OutboxStatus.BUNDLED,
        )
        .all()
    )
    for step in bundled:
        carriers = _carriers(session, step)
        if carriers and all(c.status in LIVE for c in carriers):
            for carrier in carriers:
                rows += [carrier, *_carried(session, carrier)]
    done: set[int] = set()
    for row in rows:
        if row.id in done:
            continue
        done.add(row.id)
        cancel_row(row, reason)
    session.flush()
    return len(done)


def cancel_row(row: OutboxMessage, reason: str) -> None:
    """One unsent row never goes out: cancelled, its dedupe key and Message-ID freed (see cancel_pending).

    The one way to cancel a row: cancel_pending (a task's mails no longer due) and the relay (a vetoed
    row)."""
    row.status = OutboxStatus.CANCELLED
    row.last_error = clean_header(f"cancelled: {reason}", limit=500)
    row.dedupe_key = f"{row.dedupe_key}#cancelled:{row.id}"[:300]
    row.message_id = row.message_id.replace("<docket.", f"<docket.cancelled-{row.id}.", 1)


BUNDLED_IN = (
    "X-Docket-Bundled-In"  # on a step's row: the Message-IDs of the mails that carried it (never sent itself)
)


def _carriers(session: Session, step: OutboxMessage) -> list[OutboxMessage]:
    ids = str((step.headers or {}).get(BUNDLED_IN, "")).split()
    ids = [i for i in ids if i.startswith("<")]
    return list(session.query(OutboxMessage).filter(OutboxMessage.message_id.in_(ids))) if ids else []


def _carried(session: Session, carrier: OutboxMessage) -> list[OutboxMessage]:
    """The steps a day's mail carried: bundled rows queued in the same pass that name it."""
    rows = (
        session.query(OutboxMessage)
        .filter(OutboxMessage.status == OutboxStatus.BUNDLED, OutboxMessage.created_at == carrier.created_at)
        .all()
    )
    return [r for r in rows if carrier.message_id in str((r.headers or {}).get(BUNDLED_IN, "")).split()]


def requeue(session: Session, row: OutboxMessage, *, now: datetime, give_up_at: datetime) -> None:
    """Put a dead or waiting row back in the queue for an immediate attempt (`docket outbox retry`)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id)
        .values(
            status=OutboxStatus.PENDING,
            next_attempt_at=now,
            give_up_at=give_up_at,
            last_error=None,
        )
    )
    session.refresh(row)
