"""ProcessRunner: a stored raw message → triage → extraction → notice, tasks and mails, in ONE transaction.

A message that fails is parked as FAILED with its error, in its own transaction, and its sender is
told what could not be read; the raw bytes stay for `docket notices reprocess`.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from extractors.base import EmailEnvelope, ExtractedMessage, ExtractionError
from extractors.email_message import HEADER_SCAN, NOTHING_FOUND, read_envelope
from outbox import compose
from outbox.enqueue import enqueue
from rules.findings import Findings
from service import metrics
from service.errors import ConfigError, DocketError, TransientError
from service.extraction import read_and_analyse
from service.logging import bind, log_context
from service.runners import own_mail
from service.runners.triage import Verdict, triage
from service.store.db import is_transient
from service.store.models import InboundMessage, Task
from service.store.stages import Role, Stage
from service.tasks import replies, revisions
from service.tasks.candidates import candidate_view, open_candidates
from service.tasks.holds import hold_view, queue_assignments
from service.tasks.register import store_notice
from service.tasks.units import directory_from_db
from service.wiring import App

log = logging.getLogger("docket.process")
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 3  # a message whose processing never finished this often is parked for a human
# A database fault that passes leaves the attempt uncounted, but only this often per message in one worker: a
# fault that comes back every time (a statement timeout, a full disk) then counts, and the cap parks it.
MAX_UNCOUNTED = 3


@dataclass(frozen=True, slots=True)
class Outcome:
    stage: Stage
    disposition: str
    error: str | None = None
    notice_id: int | None = None
    task_ids: tuple[int, ...] = ()  # tasks created by this message (for metrics and logs)


@dataclass(frozen=True, slots=True)
class TaskView:
    """What the mail templates show of a task."""

    id: int
    text: str
    quote: str
    lead_names: list[str]
    support_names: list[str]
    deadline: object
    recurrence: str | None
    confidence: float
    needs_review: bool
    recurrence_day: int | None = None  # "hằng tháng, trước ngày 25"


def task_view(task: Task) -> TaskView:
    quote = task.text if len(task.text) <= 160 else task.text[:157].rsplit(" ", 1)[0] + "…"
    return TaskView(task.id, task.text, quote, task.unit_names(Role.LEAD), task.unit_names(Role.SUPPORT),
                    task.deadline, task.recurrence, task.confidence, task.needs_review, task.recurrence_day)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_next(app: App, now: datetime, owner: str) -> int | None:
    """Lease one received message; leases of crashed workers expire, so nothing is stuck for long.

    Fresh mail goes first: a message whose earlier attempt never finished (the worker was killed, by the
    message or by anything else) waits behind every untried one, so neither a poisonous mail nor an
    operator's kill -9 holds up the queue, and a kill is charged to the message the worker happened to hold
    only if it is tried again while nothing else is waiting.
    """
    with app.sessions.begin() as session:
        stmt = (
            select(InboundMessage)
            .where(InboundMessage.stage == Stage.RECEIVED,
                   or_(InboundMessage.lease_until.is_(None), InboundMessage.lease_until < now))
            .order_by(InboundMessage.attempts, InboundMessage.id).limit(1).with_for_update(skip_locked=True)
        )
        row = session.scalars(stmt).first()
        if row is None:
            return None
        row.attempts += 1
        row.lease_owner, row.lease_until = owner, now + LEASE
        return row.id


def process_pending(app: App, *, limit: int | None = None, stop: threading.Event | None = None) -> int:
    """Process received messages until none is left (or limit, or `stop` is set between two); returns how
    many."""
    owner, done = worker_id(), 0
    while (limit is None or done < limit) and not (stop is not None and stop.is_set()):
        now = app.clock.now()
        row_id = claim_next(app, now, owner)
        if row_id is None:
            break
        started = time.perf_counter()
        with log_context(inbound_id=row_id):
            outcome = process_one(app, row_id, now=now)
        metrics.record_outcome(
            outcome.stage.value, outcome.disposition, time.perf_counter() - started, len(outcome.task_ids)
        )
        done += 1
    return done


def process_one(app: App, row_id: int, *, now: datetime) -> Outcome:
    try:
        if (outcome := set_aside_by_headers(app, row_id, now=now)) is not None:
            return outcome  # an outsider's or a looping mail: never parsed, no sandbox, no OCR
        parsed = _read(app, row_id)  # outside the write transaction: reading may take DOCKET_EXTRACT_TIMEOUT
        for attempt in (0, 1):
            try:
                with app.sessions.begin() as session:
                    row = session.get(InboundMessage, row_id)
                    assert row is not None
                    bind(message_id=row.message_id)
                    outcome = _give_up(app, session, row, now) or dispose(
                        app, session, row, now=now, parsed=parsed
                    )
                    _finish(row, outcome, now)
                break
            except IntegrityError:
                if attempt:
                    raise
                # Another worker committed the same notice between our look-up and our insert (PostgreSQL):
                # once more, in a fresh transaction that finds it and registers this message as a duplicate.
                log.info(
                    "inbound %s: the same notice was registered meanwhile by another worker; again", row_id
                )
        assert row is not None and outcome is not None  # the loop ends with a break after both are set
        log.info(
            "inbound %s message-id %s: %s (%s)",
            row_id,
            row.message_id,
            outcome.stage.value,
            outcome.disposition,
            extra={"notice_id": outcome.notice_id, "task_ids": list(outcome.task_ids) or None},
        )
        return outcome
    except ConfigError:
        _hand_back(app, row_id, uncount=True)  # the admin's setting, not the mail: it waits, nobody is told
        raise
    except Exception as err:  # noqa: BLE001 - the runner is the one place that parks any failure
        if is_transient(err):
            app.handed_back[row_id] += 1
            _hand_back(app, row_id, uncount=app.handed_back[row_id] <= MAX_UNCOUNTED)
            raise TransientError(
                f"the database failed while processing inbound {row_id}: {type(err).__name__}"
            ) from err
        log.exception("inbound %s failed", row_id)
        return park_failed(app, row_id, err, now=now)


def set_aside_by_headers(app: App, row_id: int, *, now: datetime) -> Outcome | None:
    """Triage from the header block alone, before anything is parsed; None when the mail is to be read.

    Only the first HEADER_SCAN bytes of the raw message leave the database here, so a 40 MB mail
    from a stranger costs the daemon a few hundred kilobytes and no sandbox.
    """
    with app.sessions.begin() as session:
        row = session.get(InboundMessage, row_id, options=[defer(InboundMessage.raw)])
        assert row is not None
        if _past_attempt_cap(row):
            return None  # parked as gave-up by the usual path
        head = session.scalar(
            select(func.substr(InboundMessage.raw, 1, HEADER_SCAN)).where(InboundMessage.id == row_id)
        )
        verdict = _triage(app, read_envelope(bytes(head or b"")), released=row.released_at is not None)
        if verdict is None:
            return None
        bind(message_id=row.message_id)
        outcome = Outcome(verdict.stage, verdict.disposition, verdict.reason)
        _finish(row, outcome, now)
        message_id = row.message_id
    log.info(
        "inbound %s message-id %s: %s (%s), from its headers, unparsed",
        row_id,
        message_id,
        outcome.stage.value,
        outcome.disposition,
    )
    return outcome


def _triage(app: App, envelope: EmailEnvelope, *, released: bool) -> Verdict | None:
    return triage(
        envelope,
        own_domain=app.settings.message_id_domain,
        own_address=app.settings.from_address,
        allowed=app.allowed_senders,
        released=released,
    )


def _hand_back(app: App, row_id: int, *, uncount: bool) -> None:
    """Return a message interrupted by a fault not its own to the queue (with uncount, its attempt not
    counted against it).

    If the database is still away this fails too; the lease then runs out and the message is taken again.
    """
    try:
        with app.sessions.begin() as session:
            row = session.get(InboundMessage, row_id)
            if row is not None and row.stage is Stage.RECEIVED:
                if uncount:
                    row.attempts = max(row.attempts - 1, 0)
                row.lease_owner, row.lease_until = None, None
    except Exception as err:  # noqa: BLE001 - the caller raises the original fault; this one is only logged
        log.warning("inbound %s stays leased until its lease runs out: %s", row_id, type(err).__name__)


def _past_attempt_cap(row: InboundMessage) -> bool:
    return row.attempts > MAX_ATTEMPTS


def _give_up(app: App, session: Session, row: InboundMessage, now: datetime) -> Outcome | None:
    """Park a message whose processing never finished MAX_ATTEMPTS times; the clerk hears it is ours to
    look at."""
    if not _past_attempt_cap(row):
        return None
    error = f"processing stopped the worker {row.attempts - 1} times"
    if _may_answer(app, row):
        _queue_unreadable(app, session, row, None, [error], now=now, internal=True)
    return Outcome(Stage.FAILED, "gave-up", error)


def _finish(row: InboundMessage, outcome: Outcome, now: datetime) -> None:
    row.stage, row.disposition, row.error = outcome.stage, outcome.disposition, outcome.error
    row.notice_id = outcome.notice_id or row.notice_id
    row.processed_at, row.lease_owner, row.lease_until = now, None, None


def _read(app: App, row_id: int) -> tuple[ExtractedMessage, list[Findings]] | None:
    """Parse and analyse the stored message in the sandbox, holding no transaction (SQLite: no write lock)
    meanwhile.

    None when the message is past its attempt cap (it is not parsed again). The session is closed
    before the sandbox runs; the caller's write transaction comes after.
    """
    with app.sessions() as session:
        row = session.get(InboundMessage, row_id)
        assert row is not None
        if _past_attempt_cap(row):
            return None
        raw, size = row.raw, row.size

        directory = directory_from_db(session, app.directory)
    return _parse(app, raw, size, directory)


def _parse(app: App, raw: bytes, size: int, directory: object) -> tuple[ExtractedMessage, list[Findings]]:
    if size > app.settings.max_message_bytes:
        raise ExtractionError(
            f"message of {size} bytes exceeds the {app.settings.max_message_bytes}-byte limit"
        )

    return app.sandbox.run(
        read_and_analyse, raw, limits=app.limits, directory=directory, calendar=app.calendar
    )


def dispose(
    app: App,
    session: Session,
    row: InboundMessage,
    *,
    now: datetime,
    parsed: tuple[ExtractedMessage, list[Findings]] | None = None,
) -> Outcome:
    """Decide what this message is and act on it; the caller commits everything at once.

    `parsed`: the message already read by `_read` (outside this transaction); read here when None.
    """
    if parsed is None:
        parsed = _parse(app, row.raw, row.size, directory_from_db(session, app.directory))
    message, findings = parsed
    env = message.envelope
    domain = app.settings.message_id_domain
    carried = own_mail.find_carried(
        message,
        own_address=app.settings.from_address,
        own_domain=domain,
        originals=own_mail.named_originals(session, message, domain=domain),
    )
    # our mail returned: a delivery failure, never answered
    if carried is not None and own_mail.is_bounce(env, message):
        bounce = own_mail.record_bounce(session, row, message, carried, now=now)
        return Outcome(Stage.IGNORED, "bounce", bounce)
    # Again on the parsed envelope: `docket notices reprocess` comes here without the header-first step.
    if verdict := _triage(app, env, released=row.released_at is not None):  # released: as if allowed
        return Outcome(verdict.stage, verdict.disposition, verdict.reason)
    if replies.is_reply(session, env) and not _new_notice_in_reply(session, message):
        return Outcome(Stage.REPLY, replies.handle_reply(app, session, row, message, now=now))
    # our mail forwarded back: about its task, never a notice
    if carried is not None and carried.only_ours(message):
        reply = own_mail.as_reply(session, message, carried, domain=app.settings.message_id_domain)
        return Outcome(Stage.REPLY, replies.handle_reply(app, session, row, reply, now=now))
    if carried is not None:
        message, findings = own_mail.without_own(message, findings, carried)
    return register_message(app, session, row, message, findings, now=now)


def _new_notice_in_reply(session: Session, message: ExtractedMessage) -> bool:
    """A clerk answering our confirmation with a new notice attached is forwarding a notice, not replying.

    Only attachments count (a quoted confirmation must never become a notice), and only in answer to
    notice mail: a unit answering its reminder with its report attached is replying about its task.
    """
    attached = any(doc.part.startswith("attachment:") for doc in message.documents)
    return attached and replies.answers_only_notice_mail(session, message.envelope)


def register_message(
    app: App,
    session: Session,
    row: InboundMessage,
    message: ExtractedMessage,
    findings_per_doc: list[Findings],
    *,
    now: datetime,
) -> Outcome:
    forwarder = parseaddr(message.envelope.sender or "")[1]
    if not message.documents:
        problems = [w for w in message.warnings if w not in NOTHING_FOUND]
        if problems:  # attachments that could not be read: FAILED, so `docket messages retry` can try again
            _queue_unreadable(app, session, row, message, problems, now=now)
            return Outcome(Stage.FAILED, "unreadable", "; ".join(problems))
        # a thank-you or a question: answered politely
        _queue_no_notice(app, session, row, forwarder, now=now)
        return Outcome(Stage.PROCESSED, "no-notice", "; ".join(message.warnings) or None)
    if (held := _too_many_notices(app, session, row, message, forwarder, now=now)) is not None:
        return held

    # the issuer is normalised against it (notice identity)
    directory = directory_from_db(session, app.directory)
    notice_id, duplicate_all, task_ids, revised = None, True, [], False
    for doc, findings in zip(message.documents, findings_per_doc, strict=True):
        result = store_notice(
            session,
            doc=doc,
            findings=findings,
            forwarder=forwarder,
            message_id=message.envelope.message_id,
            now=now,
            review_threshold=app.settings.review_threshold,
            directory=directory,
        )
        notice_id, duplicate_all = result.notice.id, duplicate_all and result.duplicate
        task_ids += [t.id for t in result.new_tasks]
        bind(notice_id=notice_id)
        tasks = result.notice.tasks if result.duplicate else result.new_tasks
        mid = message.envelope.message_id
        # not another copy in this same mail
        again = result.duplicate and not (mid and result.notice.message_id == mid)
        changes = (
            revisions.propose_changes(session, row, result.notice, findings, forwarder=forwarder, now=now)
            if again
            else []
        )
        revised = revised or bool(changes)
        # first: the confirmation says whether they wait for review
        queue_assignments(app, session, result, now=now)
        mail = compose.confirmation(
            notice=result.notice,
            tasks=[task_view(t) for t in tasks],
            forwarder=forwarder,
            in_reply_to=message.envelope.message_id,
            warnings=[*message.warnings, *doc.warnings, *findings.warnings],
            duplicate=result.duplicate,
            review_threshold=app.settings.review_threshold,
            candidates=_candidate_views(session, result.notice.id),
            hold=hold_view(session, result.notice.id, tz=app.settings.tz),
            changes=changes,
        )
        enqueue(
            session,
            mail,
            dedupe_key=f"confirmation:{row.id}:{result.notice.id}",
            now=now,
            domain=app.settings.message_id_domain,
            notice_id=result.notice.id,
        )
    disposition = "revision" if revised else "duplicate" if duplicate_all else "registered"
    return Outcome(Stage.PROCESSED, disposition, notice_id=notice_id, task_ids=tuple(task_ids))


def _too_many_notices(
    app: App,
    session: Session,
    row: InboundMessage,
    message: ExtractedMessage,
    forwarder: str,
    *,
    now: datetime,
) -> Outcome | None:
    """More notices than DOCKET_MAX_NOTICES_PER_MAIL in one mail: held whole for an admin, the clerk told.

    Registering only the first N would leave the clerk guessing which were taken; registering all of
    them lets one mail fan out into hundreds of assignment mails. An admin's release registers them all.
    """
    found, limit = len(message.documents), app.settings.max_notices_per_mail
    if found <= limit or row.released_at is not None:
        return None
    if forwarder:
        mail = compose.too_many_notices(
            forwarder=forwarder, subject=row.subject, in_reply_to=row.message_id, found=found, limit=limit
        )
        enqueue(
            session,
            mail,
            dedupe_key=f"too-many-notices:{row.id}",
            now=now,
            domain=app.settings.message_id_domain,
        )
    return Outcome(
        Stage.QUARANTINED,
        "too-many-notices",
        f"carries {found} notices, more than DOCKET_MAX_NOTICES_PER_MAIL={limit}: held for an admin "
        "(release it to register them all)",
    )


def _candidate_views(session: Session, notice_id: int) -> list[object]:
    """The notice's possible tasks nobody accepted yet, numbered as the clerk will answer them."""
    return [candidate_view(c) for c in open_candidates(session, notice_id)]


def _queue_unreadable(
    app: App,
    session: Session,
    row: InboundMessage,
    message: ExtractedMessage | None,
    problems: list[str],
    *,
    now: datetime,
    internal: bool = False,
) -> None:
    envelope = message.envelope if message else None
    forwarder = parseaddr((envelope.sender if envelope else row.sender) or "")[1]
    if not forwarder:
        return
    mail = compose.unreadable(
        forwarder=forwarder,
        subject=row.subject,
        in_reply_to=row.message_id,
        problems=problems,
        internal=internal,
    )
    enqueue(session, mail, dedupe_key=f"unreadable:{row.id}", now=now, domain=app.settings.message_id_domain)


def _queue_no_notice(
    app: App, session: Session, row: InboundMessage, forwarder: str, *, now: datetime
) -> None:
    if forwarder:
        mail = compose.no_notice(forwarder=forwarder, subject=row.subject, in_reply_to=row.message_id)
        enqueue(
            session, mail, dedupe_key=f"no-notice:{row.id}", now=now, domain=app.settings.message_id_domain
        )


def park_failed(app: App, row_id: int, err: BaseException, *, now: datetime) -> Outcome:
    """Own transaction: FAILED with the error text; the sender is told unless it is a loop or a stranger."""
    input_fault = isinstance(err, ExtractionError)  # the document's fault; any other error here is ours
    error = str(err) if isinstance(err, DocketError | ExtractionError) else f"{type(err).__name__}: {err}"
    # The sender hears what was wrong with the mail; our own bug is not theirs to read, only that it is kept.
    with app.sessions.begin() as session:
        row = session.get(InboundMessage, row_id)
        assert row is not None
        outcome = Outcome(Stage.FAILED, "error" if input_fault else "internal-error", error)
        _finish(row, outcome, now)
        if _may_answer(app, row):
            _queue_unreadable(app, session, row, None, [error], now=now, internal=not input_fault)
    return outcome


def _may_answer(app: App, row: InboundMessage) -> bool:
    """Only an allowed sender hears back about a failure: never feed a loop or a stranger."""
    env = EmailEnvelope(
        sender=row.sender,
        sender_name=None,
        subject=row.subject,
        message_id=row.message_id,
        in_reply_to=None,
        references=(),
        date=None,
        headers=_raw_headers(row.raw),
    )
    return (
        _triage(app, env, released=False) is None
        and (row.sender or "").lower() != app.settings.from_address.lower()
    )


def _raw_headers(raw: bytes) -> dict[str, str]:
    """The top-level headers, read leniently (for loop and authentication checks on unreadable mail)."""
    try:
        items = BytesHeaderParser(policy=compat32).parsebytes(raw[: 256 * 1024]).items()
    except Exception:  # noqa: BLE001 - unreadable headers: no loop sign can be seen
        return {}
    headers: dict[str, str] = {}
    for key, value in items:  # every copy kept (as envelope_of does): a forged later copy must not hide ours
        headers[key] = f"{headers[key]}\n{value}" if key in headers else str(value)
    return headers
