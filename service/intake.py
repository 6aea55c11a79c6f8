"""IntakeRunner: new mailbox messages → InboundMessage rows (raw bytes kept), marked on the server only after commit."""
from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.mailbox import Mailbox, RawMessage
from service.models import InboundMessage, SyncState
from service.stages import Stage
from service.wiring import App

log = logging.getLogger("docket.intake")


def _header_text(value: object) -> str | None:
    if value is None:
        return None
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(str(value))))
    except (UnicodeError, LookupError, ValueError):
        return str(value)


def inbound_row(mailbox: Mailbox, msg: RawMessage, now: datetime) -> InboundMessage:
    """The durable record of one message, whatever it contains (headers read leniently)."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(msg.raw)
    return InboundMessage(
        mailbox=mailbox.name, source_key=msg.key, uidvalidity=msg.uidvalidity, uid=msg.uid,
        message_id=(_header_text(headers.get("Message-ID")) or "").strip()[:998] or None,
        content_hash=hashlib.sha256(msg.raw).hexdigest(), raw=msg.raw, size=len(msg.raw),
        sender=parseaddr(_header_text(headers.get("From")) or "")[1][:320] or None,
        subject=_header_text(headers.get("Subject")), received_at=now, stage=Stage.RECEIVED, attempts=0,
    )


def known_keys(session: Session, mailbox_name: str) -> set[str]:
    return set(session.scalars(select(InboundMessage.source_key).where(InboundMessage.mailbox == mailbox_name)))


def intake_once(app: App, mailbox: Mailbox) -> int:
    """Store every new message; returns how many were stored. Safe to run in several processes."""
    with app.sessions() as session:
        known = known_keys(session, mailbox.name)
    stored = 0
    for msg in mailbox.fetch(mailbox.new_keys(known)):
        if _store(app, mailbox, msg):
            stored += 1
        mailbox.mark_processed(msg.key)  # only after the row is durable
        _mark_flagged(app, mailbox.name, msg.key)
    _record_sync(app, mailbox.name)
    return stored


def _store(app: App, mailbox: Mailbox, msg: RawMessage) -> bool:
    try:
        with app.sessions.begin() as session:
            session.add(inbound_row(mailbox, msg, app.clock.now()))
    except IntegrityError:
        log.info("message %s of %s already recorded by another worker", msg.key, mailbox.name)
        return False
    return True


def _mark_flagged(app: App, mailbox_name: str, key: str) -> None:
    with app.sessions.begin() as session:
        row = session.scalar(select(InboundMessage).where(InboundMessage.mailbox == mailbox_name, InboundMessage.source_key == key))
        if row is not None:
            row.marked_on_server = True


def _record_sync(app: App, mailbox_name: str) -> None:
    with app.sessions.begin() as session:
        state = session.get(SyncState, mailbox_name) or SyncState(mailbox=mailbox_name)
        state.last_sync_at, state.last_error = app.clock.now(), None
        session.add(state)
