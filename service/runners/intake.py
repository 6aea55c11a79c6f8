"""IntakeRunner: new mailbox messages → InboundMessage rows (raw bytes kept), marked on the server only
after commit.

Exactly once: a row per (mailbox, key), unique in the database, written before the message is
marked on the server. Mailboxes with a UID cursor (IMAP) are asked only for UIDs above the last one
recorded for the current UIDVALIDITY, so an idle sync costs the same over 10 or 100,000 messages.
After a UIDVALIDITY change, a message already recorded under the old one (same Message-ID and
content hash) is re-keyed, not processed again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import datetime
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from extractors.email_message import header_block
from extractors.email_mime import decode_header, header_line, sender_of
from service.errors import MailboxError
from service.mailbox import Mailbox, RawMessage
from service.store.models import InboundMessage, SyncState
from service.store.stages import Stage
from service.wiring import App

log = logging.getLogger("docket.intake")
CHUNK = 500  # keys per IN (...) query
CURSOR_EVERY = 50  # advance the stored UID cursor after this many messages of a backlog


def inbound_row(mailbox: Mailbox, msg: RawMessage, now: datetime) -> InboundMessage:
    """The durable record of one message, whatever it contains (headers read leniently, made safe to
    store)."""
    try:
        # never a copy of the body
        headers = BytesHeaderParser(policy=compat32).parsebytes(header_block(msg.raw))
    except Exception:  # noqa: BLE001 - a message whose headers cannot be parsed is still recorded
        headers = Message()
    return InboundMessage(
        mailbox=mailbox.name,
        source_key=msg.key,
        uidvalidity=msg.uidvalidity,
        uid=msg.uid,
        message_id=message_id_of(msg.raw, headers),
        content_hash=hashlib.sha256(msg.raw).hexdigest(),
        raw=msg.raw,
        size=len(msg.raw),
        sender=sender_of(headers).address,  # None when ambiguous: never answered, quarantined by triage
        subject=decode_header(headers.get("Subject")) or None,
        received_at=now,
        stage=Stage.RECEIVED,
        attempts=0,
    )


def message_id_of(raw: bytes, headers: Message | None = None) -> str | None:
    if headers is None:
        headers = BytesHeaderParser(policy=compat32).parsebytes(header_block(raw))
    return header_line(headers.get("Message-ID"))[:998] or None


def known_keys(session: Session, mailbox_name: str, among: Iterable[str] | None = None) -> set[str]:
    """Recorded keys of this mailbox; only those in `among` when given (cost grows with `among`)."""
    base = select(InboundMessage.source_key).where(InboundMessage.mailbox == mailbox_name)
    if among is None:
        return set(session.scalars(base))
    keys, found = list(among), set()
    for start in range(0, len(keys), CHUNK):
        found |= set(session.scalars(base.where(InboundMessage.source_key.in_(keys[start : start + CHUNK]))))
    return found


def intake_once(app: App, mailbox: Mailbox) -> int:
    """Store every new message; returns how many were stored. Safe to run in several processes.

    A mailbox failure (server down, broken line) is recorded in SyncState and logged; the pass goes
    on with what is already stored, and the next one catches up.
    """
    try:
        if hasattr(mailbox, "new_keys_after"):
            stored = _intake_by_cursor(app, mailbox)
        else:
            stored = _intake_by_listing(app, mailbox)
    except MailboxError as err:
        log.warning("intake from %s failed: %s", mailbox.name, err)
        _record_sync(app, mailbox.name, error=str(err))
        return 0
    return stored


def _intake_by_listing(app: App, mailbox: Mailbox) -> int:
    """Maildir and other listing mailboxes: what is still in the folder, minus what is recorded."""
    present = mailbox.new_keys(set())
    with app.sessions() as session:
        known = known_keys(session, mailbox.name, present)
    for key in present:
        if key in known:  # stored, but the process died before it was marked
            _mark(app, mailbox, key)
    stored = 0
    for msg in mailbox.fetch([k for k in present if k not in known]):
        stored += _store(app, mailbox, msg)
        _mark(app, mailbox, msg.key)
    _record_sync(app, mailbox.name)
    return stored


def _intake_by_cursor(app: App, mailbox: Mailbox) -> int:
    """IMAP: UIDs above the recorded cursor for the current UIDVALIDITY (all unmarked mail after a change)."""
    validity = mailbox.uidvalidity()  # type: ignore[attr-defined]
    with app.sessions() as session:
        state = session.get(SyncState, mailbox.name)
        last_validity, last_uid = (state.uidvalidity, state.last_uid) if state else (None, None)
    cursor = last_uid if last_validity == validity else None
    if last_validity is not None and last_validity != validity:
        log.warning(
            "%s: UIDVALIDITY changed %s → %s; resynchronising by Message-ID and content hash",
            mailbox.name,
            last_validity,
            validity,
        )
    keys = mailbox.new_keys_after(cursor, validity)  # type: ignore[attr-defined]
    if keys and int(keys[0].partition(":")[0]) != validity:  # reconnected into a renumbered folder meanwhile
        validity, cursor = int(keys[0].partition(":")[0]), None
    with app.sessions() as session:
        known = known_keys(session, mailbox.name, keys)
    for key in keys:
        if key in known:  # stored, not yet marked (crash or failure between commit and mark)
            _mark(app, mailbox, key)
    stored, high, since_cursor = 0, cursor, 0
    for msg in mailbox.fetch([k for k in keys if k not in known]):
        if msg.uidvalidity != validity:
            break  # the folder was renumbered under us: the next pass starts again from the new cursor
        if cursor is None and _rekey_seen(app, mailbox, msg):
            pass  # recorded under an older UIDVALIDITY: now known by its new key, not processed again
        else:
            stored += _store(app, mailbox, msg)
        _mark(app, mailbox, msg.key)
        high, since_cursor = msg.uid, since_cursor + 1
        if since_cursor >= CURSOR_EVERY:
            _advance_cursor(app, mailbox.name, validity, high)
            since_cursor = 0
    if keys and high is None:
        high = max(int(k.partition(":")[2]) for k in keys)  # every listed key was already recorded
    _advance_cursor(app, mailbox.name, validity, high)
    return stored


def _rekey_seen(app: App, mailbox: Mailbox, msg: RawMessage) -> bool:
    """Same Message-ID and content hash recorded under another UIDVALIDITY: move that row to the new key."""
    digest = hashlib.sha256(msg.raw).hexdigest()
    message_id = message_id_of(msg.raw)
    with app.sessions.begin() as session:
        row = session.scalars(
            select(InboundMessage)
            .where(
                InboundMessage.mailbox == mailbox.name,
                InboundMessage.content_hash == digest,
                InboundMessage.message_id == message_id
                if message_id
                else InboundMessage.message_id.is_(None),
                InboundMessage.uidvalidity != msg.uidvalidity,
            )
            .order_by(InboundMessage.id)
            .limit(1)
        ).first()
        if row is None:
            return False
        log.info(
            "%s: %s was recorded as %s (inbound %s); re-keyed", mailbox.name, msg.key, row.source_key, row.id
        )
        row.source_key, row.uidvalidity, row.uid, row.marked_on_server = (
            msg.key,
            msg.uidvalidity,
            msg.uid,
            False,
        )
    return True


def _store(app: App, mailbox: Mailbox, msg: RawMessage) -> int:
    try:
        with app.sessions.begin() as session:
            session.add(inbound_row(mailbox, msg, app.clock.now()))
    except IntegrityError:
        log.info("message %s of %s already recorded by another worker", msg.key, mailbox.name)
        return 0
    except (OperationalError, InterfaceError):
        raise  # the database itself is gone: the pass fails and is retried, nothing is marked
    except Exception as err:  # noqa: BLE001 - one mail must never stop intake: keep its bytes, quarantined
        log.warning(
            "message %s of %s could not be stored as read (%s); kept quarantined with its raw bytes",
            msg.key,
            mailbox.name,
            type(err).__name__,
        )
        _store_quarantined(app, mailbox, msg, err)
    return 1


def _store_quarantined(app: App, mailbox: Mailbox, msg: RawMessage, err: Exception) -> None:
    """The safe form of a message whose headers the database refused: raw bytes only, for an admin."""
    now = app.clock.now()
    with app.sessions.begin() as session:
        session.add(
            InboundMessage(  # no UID columns either: a UID over 2^31 is one of the values refused
                mailbox=mailbox.name,
                source_key=msg.key,
                content_hash=hashlib.sha256(msg.raw).hexdigest(),
                raw=msg.raw,
                size=len(msg.raw),
                received_at=now,
                processed_at=now,
                stage=Stage.QUARANTINED,
                disposition="unstorable",
                attempts=0,
                error=f"its headers could not be stored ({type(err).__name__}); release it to process the "
                "raw message",
            )
        )


def _mark(app: App, mailbox: Mailbox, key: str) -> None:
    """Mark on the server (only ever after the row is durable), then note it on the row."""
    mailbox.mark_processed(key)
    with app.sessions.begin() as session:
        session.execute(
            update(InboundMessage)
            .where(InboundMessage.mailbox == mailbox.name, InboundMessage.source_key == key)
            .values(marked_on_server=True)
        )


def _advance_cursor(app: App, mailbox_name: str, validity: int, uid: int | None) -> None:
    """Record the sync; the cursor only moves forward within one UIDVALIDITY (concurrent workers race
    safely)."""
    try:
        _advance_cursor_once(app, mailbox_name, validity, uid)
    except IntegrityError:  # another worker created the SyncState row at the same moment
        _advance_cursor_once(app, mailbox_name, validity, uid)


def _advance_cursor_once(app: App, mailbox_name: str, validity: int, uid: int | None) -> None:
    with app.sessions.begin() as session:
        state = session.get(SyncState, mailbox_name, with_for_update=True)
        if state is None:
            state = SyncState(mailbox=mailbox_name)
            session.add(state)
        if state.uidvalidity != validity:
            state.uidvalidity, state.last_uid = validity, uid
        elif uid is not None and (state.last_uid is None or uid > state.last_uid):
            state.last_uid = uid
        state.last_sync_at, state.last_error = app.clock.now(), None


def _record_sync(app: App, mailbox_name: str, *, error: str | None = None) -> None:
    try:
        _record_sync_once(app, mailbox_name, error=error)
    except IntegrityError:  # another worker created the SyncState row at the same moment
        _record_sync_once(app, mailbox_name, error=error)


def _record_sync_once(app: App, mailbox_name: str, *, error: str | None = None) -> None:
    with app.sessions.begin() as session:
        state = session.get(SyncState, mailbox_name) or SyncState(mailbox=mailbox_name)
        if error is None:
            state.last_sync_at = app.clock.now()
        state.last_error = error
        session.add(state)
