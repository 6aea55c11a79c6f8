"""Replies to Docket's mails: find their task(s), then act on what the unit says; nothing is dropped.

Routing (`_route`), most specific first: the leader's answer to a forwarded extension request
(service.tasks.reply_answers.decision); the clerk's answer to a confirmation, read as correction lines
(reply_answers.correction); a unit's report — one line per task token ("NV-15: đã hoàn thành") or the
one task the mail is tied to (our Message-ID in In-Reply-To / References, or a [NV-123] subject token
from a unit on that task); anything else waits in the admin queue (service.admin.inbox_queue), answered.

What the reply says: only the writer's own words count (extractors.reply_body drops quotes and
signatures by structure; our own mail pasted without structure is dropped here), read by
rules.reply_intent:
- clearly "done" from the LEAD unit → the task is done (on time or late against the original deadline);
  from a SUPPORTING unit → its part is recorded, the task stays open;
- "xin gia hạn đến dd/mm/yyyy, lý do …" from the lead unit → a pending ExtensionRequest forwarded to the
  unit's head (service.tasks.reply_extensions), who decides by answering;
- anything else (a question, a refusal, progress, "not done", an absence notice, an impossible date),
  or the same words from anyone else → recorded in the task's history with its intent and answered in
  Vietnamese: the task is NOT closed. An absence notice is answered once per task and sender.
A task whose lead is every unit ('*') has a part per unit: "done" from a unit closes its part only
(service.tasks.parts); the task closes when the last part does. A plain "đồng ý" from the clerk to a held
confirmation releases its assignments (service.tasks.holds).
"""
from __future__ import annotations

import email
import email.policy
import re
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from sqlalchemy.orm import Session

from extractors.base import EmailEnvelope, ExtractedMessage
from extractors.email_message import envelope_of
from extractors.reply_body import drop_known, read_reply
from outbox import compose
from outbox.enqueue import enqueue
from outbox.models import MailKind, OutboxMessage
from rules.display import TASK_LINE, TASK_MENTION, notice_token, vn_date
from rules.reply_intent import ReplyIntent, classify_reply
from rules.units import EVERY_UNIT
from service.store.models import InboundMessage, Notice, Task
from service.store.stages import Role, TaskStatus
from service.tasks import reply_answers, reply_extensions
from service.tasks.closing import NOTE_CHARS, mark_done, reply_note
from service.tasks.events import write_event
from service.tasks.history_vi import STATE_VI
from service.tasks.holds import agree_by_reply
from service.tasks.notify import task_mail
from service.tasks.parts import close_part, open_part
from service.tasks.recipients import AddressBook, address_book
from service.tasks.reply_answers import may_answer
from service.tasks.reply_extensions import request_by_mail
from service.tasks.threads import our_mails, referenced_ids


def _referenced_tasks(session: Session, envelope: EmailEnvelope) -> set[int]:
    ids = referenced_ids(envelope)
    found = {int(m) for i in ids for m in compose.TASK_THREAD.findall(i)}
    for row in our_mails(session, ids):
        if row.task_id:
            found.add(row.task_id)
        references = str((row.headers or {}).get("References", ""))
        found.update(int(m) for m in compose.TASK_THREAD.findall(references))
    return found


def _token_tasks(session: Session, envelope: EmailEnvelope, book: AddressBook) -> list[Task]:
    """Tasks named by [NV-n] in the subject whose units include the sender."""
    ids = {int(m) for m in TASK_MENTION.findall(envelope.subject or "")}
    tasks = [session.get(Task, i) for i in sorted(ids)]
    return [t for t in tasks if t is not None and book.is_assignee(envelope.sender or "", t)]


def is_reply(session: Session, envelope: EmailEnvelope) -> bool:
    """A reply names one of our Message-IDs, or carries the token of an existing task in its subject.

    A token from someone who is not on that task still makes it a reply (unless the subject says it is a
    forward): it waits in the admin queue (service.tasks.reply_answers) instead of being read as a new notice.
    """
    ids = referenced_ids(envelope)
    if any(compose.TASK_THREAD.search(i) for i in ids) or our_mails(session, ids):
        return True
    subject = envelope.subject or ""
    if _token_tasks(session, envelope, address_book(session)):
        return True
    tokens = set() if _FORWARD_SUBJECT.match(subject) else {int(m) for m in TASK_MENTION.findall(subject)}
    return any(session.get(Task, i) is not None for i in sorted(tokens)[:20])


# A notice forwarded with a token in its subject ("Fwd: [NV-3] …") is a notice, not an answer about NV-3.
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|tv|wg|chuyển tiếp|chuyen tiep)\s*:", re.IGNORECASE)


# mail to the forwarding clerk, not to a unit
CLERK_KINDS = frozenset({MailKind.CONFIRMATION, MailKind.UNREADABLE, MailKind.NO_NOTICE,
                         MailKind.CORRECTION})


def answers_only_notice_mail(session: Session, envelope: EmailEnvelope) -> bool:
    """The mails this one answers all went to the forwarding clerk (confirmations), none to a unit."""
    ours = our_mails(session, referenced_ids(envelope))
    return bool(ours) and all(row.kind in CLERK_KINDS for row in ours)


def find_task(session: Session, envelope: EmailEnvelope, body: str, book: AddressBook) -> Task | None:
    referenced = _referenced_tasks(session, envelope)
    if len(referenced) > 1:  # a mail about several tasks: the reply must name one
        named = {int(m) for m in TASK_MENTION.findall(f"{envelope.subject or ''}\n{body}")} & referenced
        referenced = named if len(named) == 1 else set()
    if len(referenced) == 1:
        return session.get(Task, next(iter(referenced)))
    by_token = _token_tasks(session, envelope, book)
    return by_token[0] if len(by_token) == 1 else None


def _agreed(app: Any, session: Session, envelope: EmailEnvelope, body: str, *, now: datetime) -> bool:
    """A plain "đồng ý" from the clerk to a confirmation: the notice's waiting change is applied and the held
    assignments go out (service.tasks.holds.agree_by_reply)."""
    ours = our_mails(session, referenced_ids(envelope))
    notices = [row.notice_id for row in ours if row.kind == MailKind.CONFIRMATION and row.notice_id]
    sender = parseaddr(envelope.sender or "")[1]
    agreement = agree_by_reply(app, session, notice_ids=notices, sender=sender, body=body, now=now)
    if agreement is None:
        return False
    notice_id = agreement.notice_id
    said = []
    if agreement.changed is not None:
        said.append(f"Các thay đổi nhiệm vụ của văn bản {notice_token(notice_id)} đã được áp dụng "
                    f"({agreement.changed} nhiệm vụ).")
    if agreement.released:
        said.append(f"Thư giao nhiệm vụ của văn bản {notice_token(notice_id)} đã được gửi cho các phòng, "
                    "đơn vị.")
    detail = " ".join(said)
    outcome = "agreed" if agreement.released else "applied"
    mail = compose.reply_ack(
        task=None,
        outcome=outcome,
        detail=detail,
        to=(sender,),
        cc=(),
        in_reply_to=envelope.message_id,
        references=tuple(referenced_ids(envelope)),
    )
    enqueue(
        session,
        mail,
        dedupe_key=f"reply-ack:agreed:{notice_id}:{envelope.message_id or now.isoformat()}"[:300],
        now=now,
        domain=app.settings.message_id_domain,
        notice_id=notice_id,
    )
    return True


def own_words(session: Session, envelope: EmailEnvelope, message: ExtractedMessage) -> str:
    """The reply's own words, without any of our mails it answers pasted in as plain lines."""
    ours = our_mails(session, referenced_ids(envelope))
    return drop_known(message.reply_text, [row.body_text for row in ours if row.body_text])


def handle_reply(
    app: Any, session: Session, row: InboundMessage, message: ExtractedMessage, *, now: datetime
) -> str:
    """Act on the reply (in the caller's transaction); returns its disposition. Nothing is dropped
    unanswered."""
    envelope = message.envelope
    book = address_book(session)
    body = own_words(session, envelope, message)
    if _agreed(app, session, envelope, body, now=now):
        return "reply-agreed"
    sender = parseaddr(envelope.sender or "")[1].lower()
    return _route(app, session, row, envelope, body, sender=sender, book=book, now=now)


def _route(
    app: Any,
    session: Session,
    row: InboundMessage,
    envelope: EmailEnvelope,
    body: str,
    *,
    sender: str,
    book: AddressBook,
    now: datetime,
) -> str:
    """Leader's decision, clerk's correction, a unit's report (one task, or one line per task), else the
    queue."""
    ours = our_mails(session, referenced_ids(envelope))
    if (request := reply_extensions.request_answered(session, ours)) is not None:
        return reply_answers.decision(
            app, session, row, request, body, sender=sender, envelope=envelope, book=book, now=now
        )
    if (
        ours
        and all(r.kind in CLERK_KINDS for r in ours)
        and (notice := _notice_of(session, ours)) is not None
    ):
        row.notice_id = notice.id
        return reply_answers.correction(
            app, session, row, notice, body, sender=sender, envelope=envelope, book=book, now=now
        )
    lines = task_lines(session, envelope, body, book)
    if not lines and (task := find_task(session, envelope, body, book)) is not None:
        lines = [(task, body)]
    if not lines:
        reason = "not-assignee" if _named_tasks(session, envelope, body) else "unmatched"
        return reply_answers.queue_and_answer(
            app, session, row, reason, sender=sender, envelope=envelope, book=book, now=now
        )
    row.task_id = lines[0][0].id
    today = now.astimezone(app.settings.tz).date()
    done = [
        _act(
            app,
            session,
            task,
            classify_reply(text, today=today),
            sender=sender,
            envelope=envelope,
            book=book,
            now=now,
        )
        for task, text in lines
    ]
    return done[0] if len(set(done)) == 1 else "reply-lines"


def _named_tasks(session: Session, envelope: EmailEnvelope, body: str) -> list[int]:
    """Existing tasks named by a token in the subject or the body."""
    ids = sorted({int(m) for m in TASK_MENTION.findall(f"{envelope.subject or ''}\n{body}")})[:20]
    return [i for i in ids if session.get(Task, i) is not None]


def _notice_of(session: Session, ours: list[OutboxMessage]) -> Notice | None:
    ids = {r.notice_id for r in ours if r.notice_id}
    return session.get(Notice, ids.pop()) if len(ids) == 1 else None


def task_lines(
    session: Session, envelope: EmailEnvelope, body: str, book: AddressBook
) -> list[tuple[Task, str]]:
    """'NV-15: đã hoàn thành' one line per task: each line (and the lines after it, up to the next token) is
    that task's answer; a task counts when the mail answers ours about it or the sender is on it."""
    referenced = _referenced_tasks(session, envelope)
    sender = envelope.sender or ""
    parts: list[tuple[int, list[str]]] = []
    for line in body.splitlines():
        if match := TASK_LINE.match(line):
            parts.append((int(match.group(1)), [line[match.end() :]]))
        elif parts:
            parts[-1][1].append(line)
    found: list[tuple[Task, str]] = []
    for task_id, text in parts:
        task = session.get(Task, task_id)
        if task is not None and (task.id in referenced or book.is_assignee(sender, task)):
            found.append((task, "\n".join(text).strip()))
    return found


def act_on_reply(app: Any, session: Session, row: InboundMessage, task: Task, *, now: datetime) -> str:
    """A stored reply acted on against `task` (an admin attached it from the queue)."""
    envelope = envelope_of(email.message_from_bytes(row.raw, policy=email.policy.compat32))
    sender = parseaddr(envelope.sender or "")[1].lower()
    intent = classify_reply(read_reply(row.raw), today=now.astimezone(app.settings.tz).date())
    return _act(
        app, session, task, intent, sender=sender, envelope=envelope, book=address_book(session), now=now
    )


NOT_CLOSED = "Nhiệm vụ chưa được ghi nhận hoàn thành."
NOT_LEAD_NOTE = " (người gửi không phải đơn vị chủ trì: không thay đổi trạng thái)"
HOW_TO = (
    'Khi hoàn thành, đề nghị trả lời thư này: "Đã hoàn thành"; nếu cần thêm thời gian: '
    '"Xin gia hạn đến ngày dd/mm/yyyy, lý do: …".'
)
_ANSWERS = {  # what a unit hears back when its reply does not change the task
    "question": f"Câu hỏi đã được chuyển Văn phòng; cán bộ theo dõi sẽ trả lời. {NOT_CLOSED}",
    "refusal": (
        "Ý kiến không nhận nhiệm vụ đã được ghi lại và chuyển Văn phòng xem xét; trong khi chờ, đơn vị chủ "
        "trì "
        f"và thời hạn giữ nguyên. {NOT_CLOSED}"
    ),
    "progress": f"Đã ghi nhận tiến độ thực hiện. {NOT_CLOSED} {HOW_TO}",
    "not_done": f"Đã ghi nhận tình hình: nhiệm vụ chưa hoàn thành. {NOT_CLOSED} {HOW_TO}",
    "out_of_office": f"Đã ghi nhận thư báo vắng mặt; Docket tiếp tục nhắc việc theo lịch. {NOT_CLOSED}",
    "extension": f"Chưa ghi nhận đề nghị gia hạn: {{problem}}. {NOT_CLOSED} {HOW_TO}",
    "other": f"{NOT_CLOSED} {HOW_TO}",
}


def _act(
    app: Any,
    session: Session,
    task: Task,
    intent: ReplyIntent,
    *,
    sender: str,
    envelope: EmailEnvelope,
    book: AddressBook,
    now: datetime,
) -> str:
    if (
        intent.closes_task
        and task.status is TaskStatus.OPEN
        and _close_part(app, session, task, intent, sender=sender, envelope=envelope, book=book, now=now)
    ):
        return "reply-part-done"
    is_lead = book.is_assignee(sender, task, lead_only=True) and EVERY_UNIT not in task.unit_names(Role.LEAD)
    if intent.closes_task and is_lead and task.status is TaskStatus.OPEN:
        mark_done(app, session, task, actor=sender, note=intent.text, now=now)
        _ack(app, session, task, "done", _done_detail(task), sender, envelope, book, now)
        return "reply-done"
    if intent.kind == "extension" and is_lead and task.status is TaskStatus.OPEN and intent.requested_to:
        _ack(
            app,
            session,
            task,
            "extension",
            request_by_mail(app, session, task, intent, sender, book, now),
            sender,
            envelope,
            book,
            now,
        )
        return "reply-extension"
    if (
        intent.closes_task
        and task.status is TaskStatus.OPEN
        and (unit := _support_unit(book, sender, task)) is not None
    ):
        write_event(
            session, task.id, "support_done", actor=sender, at=now, after=unit, note=reply_note(intent.text)
        )
        leads = ", ".join(task.unit_names(Role.LEAD)) or "đơn vị chủ trì"
        detail = (
            f"Đã ghi nhận {unit} hoàn thành phần việc phối hợp. Nhiệm vụ do {leads} chủ trì vẫn đang thực "
            "hiện "
            "cho đến khi đơn vị chủ trì báo hoàn thành."
        )
        _ack(app, session, task, "note", detail, sender, envelope, book, now)
        return "reply-support-done"
    detail = _unchanged_detail(task, intent, is_lead=is_lead)
    why = "" if is_lead or intent.kind not in ("done", "extension") else NOT_LEAD_NOTE
    write_event(
        session,
        task.id,
        "reply",
        actor=sender or "unknown",
        at=now,
        after=intent.kind,
        note=(intent.text[:NOTE_CHARS] + why) or None,
    )
    # an auto-responder: once per task
    once = f"out-of-office:{sender}" if intent.kind == "out_of_office" else None
    _ack(app, session, task, "note", detail, sender, envelope, book, now, key=once)
    return "reply-note"


def _support_unit(book: AddressBook, sender: str, task: Task) -> str | None:
    """The name of the sender's unit when it supports (phối hợp) the task and does not lead it."""
    unit = book.unit_of(sender)
    if unit is None or book.is_assignee(sender, task, lead_only=True) or not book.is_assignee(sender, task):
        return None
    return unit.name


def _close_part(
    app: Any,
    session: Session,
    task: Task,
    intent: ReplyIntent,
    *,
    sender: str,
    envelope: EmailEnvelope,
    book: AddressBook,
    now: datetime,
) -> bool:
    """Every-unit task: "done" from a unit closes that unit's part only (service.tasks.parts); the task
    closes with the last."""
    unit = book.unit_of(sender)
    if unit is None or open_part(task, unit) is None:
        return False
    closed = close_part(app, session, task, unit, actor=sender, note=intent.text, now=now)
    left = sum(1 for p in task.parts if p.status is TaskStatus.OPEN)
    detail = (
        _done_detail(task)
        if closed
        else f"Đã ghi nhận {unit.name} hoàn thành phần việc của đơn vị; còn {left} phòng, đơn vị chưa hoàn "
        "thành."
    )
    _ack(
        app,
        session,
        task,
        "done" if closed else "part",
        detail,
        sender,
        envelope,
        book,
        now,
        key=f"part:{unit.id}",
    )
    return True


def _unchanged_detail(task: Task, intent: ReplyIntent, *, is_lead: bool) -> str:
    """Why the reply changed nothing, and what to write instead, in Vietnamese."""
    if task.status is not TaskStatus.OPEN:
        state = STATE_VI.get(task.status.value, task.status.value)
        return f'Nhiệm vụ đang ở trạng thái "{state}"; thư này không thay đổi nhiệm vụ.'
    if not is_lead and intent.kind in ("done", "extension"):
        return (
            "Người gửi không phải đơn vị chủ trì nên trạng thái và thời hạn nhiệm vụ không thay đổi; "
            f"đơn vị chủ trì trả lời để xác nhận. {NOT_CLOSED}"
        )
    return _ANSWERS.get(intent.kind, _ANSWERS["other"]).format(
        problem=intent.problem or "chưa nêu đến ngày nào"
    )


def _done_detail(task: Task) -> str:
    if task.status is TaskStatus.DONE_ON_TIME:
        return "Tình trạng: hoàn thành đúng hạn."
    return f"Tình trạng: hoàn thành quá hạn (hạn ban đầu {vn_date(task.original_deadline or task.deadline)})."


def _ack(
    app: Any,
    session: Session,
    task: Task,
    outcome: str,
    detail: str,
    sender: str,
    envelope: EmailEnvelope,
    book: AddressBook,
    now: datetime,
    *,
    key: str | None = None,
) -> None:
    """Answer the sender (office in copy); `key` replaces the reply's Message-ID in the dedupe key when
    set."""
    domain = app.settings.message_id_domain
    office = book.addresses(["office"], task)
    refs = tuple(
        dict.fromkeys([*referenced_ids(envelope), *([envelope.message_id] if envelope.message_id else [])])
    )
    # never outside the directory
    to = (sender,) if may_answer(app, session, book, sender) else tuple(office[:1])
    if not to:
        return
    mail = compose.reply_ack(
        task=task_mail(task),
        outcome=outcome,
        detail=detail,
        to=to,
        cc=tuple(a for a in office if a not in to),
        in_reply_to=envelope.message_id,
        references=refs,
    )
    key = f"reply-ack:{task.id}:{outcome}:{key or envelope.message_id or now.isoformat()}"[:300]
    enqueue(session, mail, dedupe_key=key, now=now, domain=domain, task_id=task.id, notice_id=task.notice_id)
