"""Docket's own mail coming back inside another one: a clerk's forward, or a bounce without DSN headers.

Ours is known by our Message-IDs (<docket.…@our domain>) in the carried mail's headers (attached
message/rfc822
or .eml, a forwarded header block) or in its quoted text, by our From address in a forwarded header block, and
by
the footer every mail of ours ends with (outbox.mail.OWN_MARK); the notice's original files that our
assignments carry are known by their text (`fingerprint`) when they come back beside our mail. A document that
is our mail is never a notice:
- a bounce carrying it is a delivery failure of that outbox row (recorded on the row and in the task's
history),
  never answered;
- a forward of it is a reply about the task or notice it was about, and goes through service.tasks.replies.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.base import EmailEnvelope, ExtractedMessage
from outbox.compose import task_thread_id
from outbox.mail import OWN_MARK, clean_header
from rules.display import NOTICE_TAG, TASK_TAG
from rules.findings import Findings
from outbox.models import MailKind, OutboxMessage, OutboxStatus
from service.store.models import InboundMessage, Notice, Task
from service.tasks.events import write_event
from service.tasks.threads import tasks_of

_OUR_ID = re.compile(r"<docket\.[^<>@\s]{1,200}@([^<>\s]{1,255})>", re.IGNORECASE)

# Signs that a mail is a delivery failure, for bounces that carry no multipart/report or X-Failed-Recipients.
_BOUNCE_SENDERS = ("mailer-daemon", "mailerdaemon", "postmaster", "mail-daemon", "bounce")
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery (?:status notification|failure|has failed|failed|problem)|returned mail|failure "
    r"notice"
    r"|mail delivery (?:failed|failure|system|subsystem)|non-?delivery|could not be delivered|không (?:thể "
    r")?(?:gửi|chuyển)"
    r"|thư (?:bị )?trả lại",
    re.IGNORECASE,
)
_DIAGNOSTIC = re.compile(
    r"(?:\b[45]\d\d[ -][45]\.\d{1,3}\.\d{1,3}\b|Diagnostic-Code:|Final-Recipient:|Action:\s*failed)[^\n]*",
    re.IGNORECASE,
)
_LIVE_OR_SENT = (OutboxStatus.SENT, OutboxStatus.SENDING, OutboxStatus.RETRY, OutboxStatus.PENDING)


@dataclass(frozen=True, slots=True)
class Carried:
    """Our mail found inside an incoming one."""

    ids: tuple[str, ...]  # our Message-IDs named by the carried mail (its own and those it answers)
    own_documents: frozenset[int]  # indexes into message.documents that are our mail, not a notice
    subject: str  # the carried mail's subject, when its header block was kept (for the [NV-…] token)

    def only_ours(self, message: ExtractedMessage) -> bool:
        return len(self.own_documents) == len(message.documents)


def find_carried(
    message: ExtractedMessage, *, own_address: str, own_domain: str, originals: frozenset[str] = frozenset()
) -> Carried | None:
    """Our mail carried inside `message`, or None. Pure: the extracted message and our identity in.

    originals: text fingerprints (`fingerprint`) of the notices our mail named (their original files ride
    along with our assignments): a document with one of them, next to our mail, is that original coming
    back."""
    ids = _our_ids(message, own_domain)
    forwarded_from = parseaddr(message.forwarded_headers.get("From", ""))[1].lower()
    header_is_ours = forwarded_from == own_address.lower() or bool(set(ids) & set(message.carried_ids))
    own = frozenset(
        i
        for i, doc in enumerate(message.documents)
        if _is_ours(doc.text, doc.part, own_domain, header_is_ours)
    )
    if originals and (own or header_is_ours or ids):
        own |= frozenset(i for i, doc in enumerate(message.documents) if fingerprint(doc.text) in originals)
    if not own and not (header_is_ours and not message.documents):
        return None
    return Carried(ids=ids, own_documents=own, subject=message.forwarded_headers.get("Subject", ""))


def fingerprint(text: str) -> str:
    """A document's words, whatever their line breaks: how an original we attached is known when it comes
    back."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def named_originals(session: Session, message: ExtractedMessage, *, domain: str) -> frozenset[str]:
    """Fingerprints of the notices the mails of ours named in `message` were about (by Message-ID or
    token)."""
    ids = [*_our_ids(message, domain), *message.carried_ids]
    subjects = f"{message.forwarded_headers.get('Subject', '')} {message.envelope.subject or ''}"
    notices = (
        set(session.scalars(select(OutboxMessage.notice_id).where(OutboxMessage.message_id.in_(ids))))
        if ids
        else set()
    )
    tasks = [int(n) for n in TASK_TAG.findall(subjects)][:20]
    if tasks:
        notices |= set(session.scalars(select(Task.notice_id).where(Task.id.in_(tasks))))
    notices |= {int(n) for n in NOTICE_TAG.findall(subjects)[:20]}
    notices.discard(None)
    if not notices:
        return frozenset()
    return frozenset(
        fingerprint(text) for text in session.scalars(select(Notice.text).where(Notice.id.in_(notices)))
    )


def _our_ids(message: ExtractedMessage, domain: str) -> tuple[str, ...]:
    texts = (
        message.note,
        *(d.text for d in message.documents),
        *message.forwarded_headers.values(),
        *message.carried_ids,
    )
    found = (
        m.group(0) for text in texts for m in _OUR_ID.finditer(text) if m.group(1).lower() == domain.lower()
    )
    return tuple(dict.fromkeys(found))[:50]


def _is_ours(text: str, part: str, domain: str, header_is_ours: bool) -> bool:
    if OWN_MARK in text or any(m.group(1).lower() == domain.lower() for m in _OUR_ID.finditer(text)):
        return True
    return part == "body:forwarded" and header_is_ours


def is_bounce(envelope: EmailEnvelope, message: ExtractedMessage) -> bool:
    """A delivery failure by its sender, subject or diagnostic lines (DSN headers need not be there)."""
    local = parseaddr(envelope.sender or "")[1].split("@")[0].lower()
    headers = {k.lower(): v for k, v in envelope.headers.items()}
    return (
        local.startswith(_BOUNCE_SENDERS)
        or bool(_BOUNCE_SUBJECT.search(envelope.subject or ""))
        or "multipart/report" in headers.get("content-type", "").lower()
        or "x-failed-recipients" in headers
        or _diagnostic(message) is not None
    )


def _diagnostic(message: ExtractedMessage) -> str | None:
    for text in (message.note, *(d.text for d in message.documents)):
        if match := _DIAGNOSTIC.search(text):
            return clean_header(match.group(0), limit=300)
    return None


def record_bounce(
    session: Session, row: InboundMessage, message: ExtractedMessage, carried: Carried, *, now: datetime
) -> str:
    """Our mail came back undelivered: its outbox row becomes dead with the reason, its task's history says
    so.

    Nothing is answered (a bounce address never hears from us). Returns the message's error text."""
    diagnostic = _diagnostic(message) or "returned undelivered (no diagnostic given)"
    actor = clean_header(parseaddr(message.envelope.sender or "")[1] or "bounce", limit=320)
    rows = (
        list(session.scalars(select(OutboxMessage).where(OutboxMessage.message_id.in_(carried.ids))))
        if carried.ids
        else []
    )
    for out in rows:
        if out.status in _LIVE_OR_SENT:
            out.status = OutboxStatus.DEAD
        out.last_error = f"bounced (inbound #{row.id}): {diagnostic}"
        for task_id in tasks_of(out):
            write_event(
                session,
                task_id,
                "delivery_failed",
                actor=actor,
                at=now,
                before=out.kind,
                after=", ".join(out.to_addrs)[:2000],
                note=diagnostic,
            )
    row.task_id = next((t for r in rows for t in tasks_of(r)), None)
    row.notice_id = next((r.notice_id for r in rows if r.notice_id), row.notice_id)
    which = ", ".join(f"#{r.id} ({r.kind})" for r in rows) or "no outbox row matched"
    return f"delivery failure of our mail {which}: {diagnostic}"


def as_reply(
    session: Session, message: ExtractedMessage, carried: Carried, *, domain: str
) -> ExtractedMessage:
    """The forward seen as a reply: it answers the mail it carries (its ids, else the tokens of its
    subject)."""
    ids = list(carried.ids)
    ids += [task_thread_id(int(n), domain) for n in TASK_TAG.findall(carried.subject)]
    for notice_id in NOTICE_TAG.findall(carried.subject):
        confirmation = session.scalars(
            select(OutboxMessage.message_id)
            .where(
                OutboxMessage.notice_id == int(notice_id),
                OutboxMessage.kind == MailKind.CONFIRMATION,
            )
            .order_by(OutboxMessage.id.desc())
        ).first()
        ids += [confirmation] if confirmation else []
    envelope = message.envelope
    references = tuple(dict.fromkeys((*envelope.references, *ids)))
    return dataclasses.replace(message, envelope=dataclasses.replace(envelope, references=references))


def without_own(
    message: ExtractedMessage, findings: list[Findings], carried: Carried
) -> tuple[ExtractedMessage, list[Findings]]:
    """The message with our own mail taken out of its documents (a real notice next to it is still
    registered)."""
    keep = [i for i in range(len(message.documents)) if i not in carried.own_documents]
    return (
        dataclasses.replace(message, documents=tuple(message.documents[i] for i in keep)),
        [findings[i] for i in keep],
    )
