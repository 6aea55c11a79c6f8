"""Deliver due outbox rows: claim, send, then mark sent / retry with backoff / dead, one row at a time.

Outside office hours only the kinds in outbox.hours.IMMEDIATE_KINDS are claimed; the rest wait in
the table until the office opens. When the server cannot be reached at all the pass stops early:
the other rows stay due and are tried on the next pass, so an outage of hours costs no mail.
"""
from __future__ import annotations

import email.errors
import logging
from collections import Counter
from collections.abc import Callable
from email.message import EmailMessage
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from outbox.backoff import GIVE_UP_AFTER, next_delay
from outbox.enqueue import cancel_row
from outbox.hours import IMMEDIATE_KINDS, OfficeHours
from outbox.mail import render_message
from outbox.senders import Sender
from outbox.errors import SendError
from outbox.models import MailKind, OutboxMessage, OutboxStatus

log = logging.getLogger("docket.outbox")
# only worth sending while their task (one of them) is open
TASK_BOUND_KINDS = frozenset({MailKind.REMINDER, MailKind.ESCALATION, MailKind.BUNDLE})
Veto = Callable[[Session, OutboxMessage], str | None]  # why a claimed row must not go out, else None
ATTACH = "X-Docket-Attach"  # on a row: files to attach when it is sent ("notice:12": the notice's original)
INTERNAL = "X-Docket-"  # headers for Docket only (attachments, bundling), never on the wire
# (file name, MIME type, bytes)
Attachments = Callable[[Session, OutboxMessage], list[tuple[str, str, bytes]]]
CLAIM_LEASE = timedelta(minutes=5)  # a row left 'sending' by a crashed worker is retried after this


@dataclass(frozen=True, slots=True)
class RelayResult:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    held: bool = False  # outside office hours: mail to units waited
    waiting: int = 0


class RecipientCap:
    """At most `limit` mails per address in one pass (None: no cap); a row naming a full address waits,
    still due."""

    def __init__(self, limit: int | None) -> None:
        self.limit, self.sent, self.waiting = limit, Counter[str](), set[int]()

    def full(self, row: OutboxMessage) -> bool:
        return self.limit is not None and any(self.sent[a] >= self.limit for a in _addresses(row))

    def count(self, row: OutboxMessage) -> None:
        self.sent.update(_addresses(row))


def _addresses(row: OutboxMessage) -> set[str]:
    return {a.lower() for a in (*row.to_addrs, *row.cc_addrs)}


def _claim(
    session: Session,
    now: datetime,
    *,
    immediate_only: bool,
    cap: RecipientCap | None = None,
    veto: Veto | None = None,
) -> OutboxMessage | None:
    cap = cap or RecipientCap(None)
    due = or_(
        OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.RETRY]),
        (OutboxMessage.status == OutboxStatus.SENDING),
    )
    base = select(OutboxMessage).where(due, OutboxMessage.next_attempt_at <= now)
    if immediate_only:
        base = base.where(OutboxMessage.kind.in_(sorted(IMMEDIATE_KINDS)))

    def first() -> OutboxMessage | None:
        stmt = base.where(OutboxMessage.id.not_in(cap.waiting)) if cap.waiting else base
        stmt = (
            stmt.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        return session.scalars(stmt).first()

    row = first()
    while row is not None and ((vetoed := veto(session, row) if veto else None) or cap.full(row)):
        if vetoed:
            _cancel(session, row, vetoed)  # queued before the veto applied (its task closed)
        else:
            cap.waiting.add(row.id)  # untouched: due again on the next pass
        row = first()
    if row is not None:
        cap.count(row)
    if row is not None:
        row.status = OutboxStatus.SENDING
        row.attempts += 1
        row.next_attempt_at = now + CLAIM_LEASE
    return row


def _cancel(session: Session, row: OutboxMessage, reason: str) -> None:
    """Never sent: cancelled the one way (outbox.enqueue.cancel_row), and logged."""
    cancel_row(row, reason)
    session.flush()
    log.info("outbox %s %s", row.id, row.last_error)


def deliver_due(
    sessions: sessionmaker[Session],
    sender: Sender,
    *,
    from_addr: str,
    now: datetime,
    limit: int = 500,
    hours: OfficeHours | None = None,
    per_recipient: int | None = None,
    veto: Veto | None = None,
    attachments: Attachments | None = None,
) -> RelayResult:
    """Send what is due now. The claim is committed first, so two workers never send one row at once.

    `attachments`: the files a row asks for (its X-Docket-Attach header, e.g. the notice's original), read
    when it is sent; None sends none.

    `per_recipient`: no address gets more mails than this in this pass (a flood of notices must not
    bury one mailbox); the rows over it stay due and go out on the next passes.
    `veto`: the caller's rule for a claimed row that must no longer go out (service.tasks.relay_veto: its task
    closed meanwhile); it returns why, and the row is cancelled, never sent.
    """
    sent = retried = dead = 0
    immediate_only = hours is not None and not hours.is_open(now)
    cap = RecipientCap(per_recipient)
    for _ in range(limit):
        with sessions.begin() as session:
            row = _claim(session, now, immediate_only=immediate_only, cap=cap, veto=veto)
            if row is None:
                break
            row_id = row.id
            recipients = [*row.to_addrs, *row.cc_addrs]
            bad: SendError | None = None
            try:
                msg = _render(row, from_addr)
                if attachments is not None and row.headers.get(ATTACH):
                    for name, mime, data in attachments(session, row):
                        maintype, _, subtype = mime.partition("/")
                        msg.add_attachment(
                            data, maintype=maintype, subtype=subtype or "octet-stream", filename=name
                        )
            except SendError as err:
                bad = err
        if bad is not None:
            _record_failure(sessions, row_id, bad, now)
            dead += 1
            continue
        try:
            refused = sender.send(msg, from_addr=from_addr, recipients=recipients)
        except SendError as err:
            outcome = _record_failure(sessions, row_id, err, now)
            dead += outcome == OutboxStatus.DEAD
            retried += outcome == OutboxStatus.RETRY
            if err.code is None and not err.permanent:
                log.warning("outbox: server unreachable, the rest waits for the next pass")
                break
            continue
        _record_sent(sessions, row_id, now, refused)
        sent += 1
    if cap.waiting:
        log.info(
            "outbox: %s mail(s) wait for the next pass (DOCKET_MAX_MAILS_PER_RECIPIENT_PER_PASS=%s)",
            len(cap.waiting),
            per_recipient,
        )
    return RelayResult(sent=sent, retried=retried, dead=dead, held=immediate_only, waiting=len(cap.waiting))


def _render(row: OutboxMessage, from_addr: str) -> EmailMessage:
    """The message; a row that cannot be rendered is a permanent failure of that row alone (senders flatten
    it)."""
    try:
        return render_message(
            from_addr=from_addr,
            to=row.to_addrs,
            cc=row.cc_addrs,
            subject=row.subject,
            text=row.body_text,
            html=row.body_html,
            message_id=row.message_id,
            date=row.created_at,
            headers={k: v for k, v in row.headers.items() if not k.startswith(INTERNAL)},
        )
    except (ValueError, TypeError, LookupError, UnicodeError, email.errors.MessageError) as err:
        raise SendError(f"cannot compose the message: {type(err).__name__}: {err}", permanent=True) from err


def _record_sent(sessions: sessionmaker[Session], row_id: int, now: datetime, refused: object) -> None:
    with sessions.begin() as session:
        done = session.get(OutboxMessage, row_id)
        assert done is not None
        done.status, done.sent_at = OutboxStatus.SENT, now
        # Accepted for some recipients: resending would duplicate it for the others; keep the refusal visible.
        done.last_error = f"some recipients refused: {refused}" if refused else None
        log.info("outbox %s sent %s", row_id, done.message_id)


def _record_failure(
    sessions: sessionmaker[Session], row_id: int, err: SendError, now: datetime
) -> OutboxStatus:
    with sessions.begin() as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        row.last_error = str(err)
        if row.give_up_at is None:  # counted from the first failed attempt: mail held over Tết keeps its days
            row.give_up_at = max(now, row.created_at) + GIVE_UP_AFTER
        if err.permanent or now >= row.give_up_at:
            row.status = OutboxStatus.DEAD
            log.error("outbox %s dead after %s attempts: %s", row.id, row.attempts, err)
        else:
            row.status = OutboxStatus.RETRY
            row.next_attempt_at = now + next_delay(row.attempts)
            log.warning("outbox %s will retry: %s", row.id, err)
        return row.status
