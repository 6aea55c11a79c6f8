"""Replies to Docket's mails: find their task, then act on what the unit says.

Tie to a task, most trusted first (notes/what-users-ask.md §4): our Message-ID in In-Reply-To /
References (an outbox row, or the pseudo id <docket.task-N@…> every task mail references); then a
[NV-123] token in the subject, accepted only when the sender is a unit named on that task.

What the reply says: only the writer's own words count (extractors.reply_body, run in the sandbox,
drops quotes and signatures by structure; our own mail pasted without structure is dropped here), read
by rules.reply_intent:
- clearly "done" from the LEAD unit → the task is done (on time or late against the original deadline)
  and the sender gets a confirmation;
- "xin gia hạn đến dd/mm/yyyy, lý do …" from the lead unit → an ExtensionRequest (pending) that an
  admin approves with `docket tasks extend` (service.extensions); the sender gets an acknowledgement;
- anything else (a question, a refusal, progress, "not done", an absence notice, a request without a
  usable date), or the same words from anyone else → recorded in the task's history (TaskEvent, with
  the intent) and answered in Vietnamese: the task is NOT closed. An absence notice is answered once
  per task and sender (an auto-responder must not start a loop).
A task whose lead is every unit ('*') has a part per unit: "done" from a unit closes its part only
(service.parts); the task closes when the last part does.
"""
from __future__ import annotations

import re
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.base import EmailEnvelope, ExtractedMessage
from extractors.reply_body import drop_known
from outbox import compose
from outbox.enqueue import enqueue
from rules.reply_intent import ReplyIntent, classify_reply
from service.models import ExtensionRequest, InboundMessage, OutboxMessage, Task, TaskEvent
from service.notify import drop_stale_reminders, task_mail
from service.recipients import EVERY_UNIT, AddressBook, address_book
from service.stages import ExtensionStatus, Role, TaskStatus
from service.status import done_status

_PSEUDO_TASK = re.compile(r"<docket\.task-(\d+)@", re.IGNORECASE)
_TOKEN = re.compile(r"\bNV-(\d{1,9})\b", re.IGNORECASE)
NOTE_CHARS = 2000


def referenced_ids(envelope: EmailEnvelope) -> list[str]:
    ids = [*envelope.references]
    if envelope.in_reply_to:
        ids.append(envelope.in_reply_to)
    return [i.strip() for i in ids if i and i.strip()]


def _ours(session: Session, ids: list[str]) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.message_id.in_(ids)))) if ids else []


def _referenced_tasks(session: Session, envelope: EmailEnvelope) -> set[int]:
    ids = referenced_ids(envelope)
    found = {int(m) for i in ids for m in _PSEUDO_TASK.findall(i)}
    for row in _ours(session, ids):
        if row.task_id:
            found.add(row.task_id)
        found.update(int(m) for m in _PSEUDO_TASK.findall(str((row.headers or {}).get("References", ""))))
    return found


def _token_tasks(session: Session, envelope: EmailEnvelope, book: AddressBook) -> list[Task]:
    """Tasks named by [NV-n] in the subject whose units include the sender."""
    ids = {int(m) for m in _TOKEN.findall(envelope.subject or "")}
    tasks = [session.get(Task, i) for i in sorted(ids)]
    return [t for t in tasks if t is not None and book.is_assignee(envelope.sender or "", t)]


def is_reply(session: Session, envelope: EmailEnvelope) -> bool:
    """A reply names one of our Message-IDs, or carries a task token and comes from that task's unit."""
    ids = referenced_ids(envelope)
    if any(_PSEUDO_TASK.search(i) for i in ids) or _ours(session, ids):
        return True
    return bool(_TOKEN.search(envelope.subject or "")) and bool(_token_tasks(session, envelope, address_book(session)))


CLERK_KINDS = frozenset({"confirmation", "unreadable"})  # mail to the forwarding clerk, not to a unit


def answers_only_notice_mail(session: Session, envelope: EmailEnvelope) -> bool:
    """The mails this one answers all went to the forwarding clerk (confirmations), none to a unit."""
    ours = _ours(session, referenced_ids(envelope))
    return bool(ours) and all(row.kind in CLERK_KINDS for row in ours)


def find_task(session: Session, envelope: EmailEnvelope, body: str, book: AddressBook) -> Task | None:
    referenced = _referenced_tasks(session, envelope)
    if len(referenced) > 1:  # a mail about several tasks: the reply must name one
        named = {int(m) for m in _TOKEN.findall(f"{envelope.subject or ''}\n{body}")} & referenced
        referenced = named if len(named) == 1 else set()
    if len(referenced) == 1:
        return session.get(Task, next(iter(referenced)))
    by_token = _token_tasks(session, envelope, book)
    return by_token[0] if len(by_token) == 1 else None


def _agreed(app: Any, session: Session, envelope: EmailEnvelope, body: str, *, now: datetime) -> bool:
    """A plain "đồng ý" from the clerk to a confirmation: the held assignments go out (service.holds)."""
    from service.holds import agree_by_reply

    notices = [row.notice_id for row in _ours(session, referenced_ids(envelope)) if row.kind == "confirmation" and row.notice_id]
    sender = parseaddr(envelope.sender or "")[1]
    notice_id = agree_by_reply(app, session, notice_ids=notices, sender=sender, body=body, now=now)
    if notice_id is None:
        return False
    detail = f"Thư giao nhiệm vụ của văn bản TB-{notice_id} đã được gửi cho các phòng, đơn vị."
    mail = compose.reply_ack(task=None, outcome="agreed", detail=detail, to=(sender,), cc=(), in_reply_to=envelope.message_id,
                             references=tuple(referenced_ids(envelope)))
    enqueue(session, mail, dedupe_key=f"reply-ack:agreed:{notice_id}:{envelope.message_id or now.isoformat()}"[:300], now=now,
            domain=app.settings.message_id_domain, notice_id=notice_id)
    return True


def own_words(session: Session, envelope: EmailEnvelope, message: ExtractedMessage) -> str:
    """The reply's own words, without any of our mails it answers pasted in as plain lines."""
    ours = _ours(session, referenced_ids(envelope))
    return drop_known(message.reply_text, [row.body_text for row in ours if row.body_text])


def handle_reply(app: Any, session: Session, row: InboundMessage, message: ExtractedMessage, *, now: datetime):  # type: ignore[no-untyped-def]
    """Record the reply against its task (in the caller's transaction) and return the Outcome."""
    from service.process import Outcome
    from service.stages import Stage

    envelope = message.envelope
    book = address_book(session)
    body = own_words(session, envelope, message)
    task = find_task(session, envelope, body, book)
    if task is None and _agreed(app, session, envelope, body, now=now):
        return Outcome(Stage.REPLY, "reply-agreed")
    if task is None:
        return Outcome(Stage.REPLY, "reply-unmatched")
    row.task_id = task.id
    sender = parseaddr(envelope.sender or "")[1].lower()
    intent = classify_reply(body, today=now.astimezone(app.settings.tz).date())
    disposition = _act(app, session, task, intent, sender=sender, envelope=envelope, book=book, now=now)
    return Outcome(Stage.REPLY, disposition)


NOT_CLOSED = "Nhiệm vụ chưa được ghi nhận hoàn thành."
NOT_LEAD_NOTE = " (người gửi không phải đơn vị chủ trì: không thay đổi trạng thái)"
HOW_TO = ('Khi hoàn thành, đề nghị trả lời thư này: "Đã hoàn thành"; nếu cần thêm thời gian: '
          '"Xin gia hạn đến ngày dd/mm/yyyy, lý do: …".')
_ANSWERS = {  # what a unit hears back when its reply does not change the task
    "question": f"Câu hỏi đã được chuyển Văn phòng; cán bộ theo dõi sẽ trả lời. {NOT_CLOSED}",
    "refusal": ("Ý kiến không nhận nhiệm vụ đã được ghi lại và chuyển Văn phòng xem xét; trong khi chờ, đơn vị chủ trì "
                f"và thời hạn giữ nguyên. {NOT_CLOSED}"),
    "progress": f"Đã ghi nhận tiến độ thực hiện. {NOT_CLOSED} {HOW_TO}",
    "not_done": f"Đã ghi nhận tình hình: nhiệm vụ chưa hoàn thành. {NOT_CLOSED} {HOW_TO}",
    "out_of_office": f"Đã ghi nhận thư báo vắng mặt; Docket tiếp tục nhắc việc theo lịch. {NOT_CLOSED}",
    "extension": f"Chưa ghi nhận đề nghị gia hạn: {{problem}}. {NOT_CLOSED} {HOW_TO}",
    "other": f"{NOT_CLOSED} {HOW_TO}",
}


def _act(app: Any, session: Session, task: Task, intent: ReplyIntent, *, sender: str, envelope: EmailEnvelope,
         book: AddressBook, now: datetime) -> str:
    if intent.closes_task and task.status is TaskStatus.OPEN and _close_part(app, session, task, intent, sender=sender,
                                                                              envelope=envelope, book=book, now=now):
        return "reply-part-done"
    is_lead = book.is_assignee(sender, task, lead_only=True) and EVERY_UNIT not in task.unit_names(Role.LEAD)
    if intent.closes_task and is_lead and task.status is TaskStatus.OPEN:
        mark_done(app, session, task, actor=sender, note=intent.text, now=now)
        _ack(app, session, task, "done", _done_detail(task), sender, envelope, book, now)
        return "reply-done"
    if intent.kind == "extension" and is_lead and task.status is TaskStatus.OPEN and intent.requested_to:
        request = record_extension(session, task, intent, actor=sender, now=now)
        detail = f"đến ngày {compose.vn_date(request.requested_to)}" + (f", lý do: {request.reason}" if request.reason else "")
        if task.deadline and now.astimezone(app.settings.tz).date() > task.deadline:
            detail += " (đề nghị gửi sau thời hạn: không làm thay đổi tình trạng quá hạn)"
        _ack(app, session, task, "extension", detail, sender, envelope, book, now)
        return "reply-extension"
    detail = _unchanged_detail(task, intent, is_lead=is_lead)
    why = "" if is_lead or intent.kind not in ("done", "extension") else NOT_LEAD_NOTE
    session.add(TaskEvent(task_id=task.id, actor=sender or "unknown", at=now, field="reply", before=None,
                          after=intent.kind, note=(intent.text[:NOTE_CHARS] + why) or None))
    once = f"out-of-office:{sender}" if intent.kind == "out_of_office" else None  # an auto-responder: once per task
    _ack(app, session, task, "note", detail, sender, envelope, book, now, key=once)
    return "reply-note"


def _close_part(app: Any, session: Session, task: Task, intent: ReplyIntent, *, sender: str, envelope: EmailEnvelope,
                book: AddressBook, now: datetime) -> bool:
    """Every-unit task: "done" from a unit closes that unit's part only (service.parts); the task closes with the last."""
    from service.parts import close_part, open_part

    unit = book.unit_of(sender)
    if unit is None or open_part(task, unit) is None:
        return False
    closed = close_part(app, session, task, unit, actor=sender, note=intent.text, now=now)
    left = sum(1 for p in task.parts if p.status is TaskStatus.OPEN)
    detail = (_done_detail(task) if closed else
              f"Đã ghi nhận {unit.name} hoàn thành phần việc của đơn vị; còn {left} phòng, đơn vị chưa hoàn thành.")
    _ack(app, session, task, "done" if closed else "part", detail, sender, envelope, book, now, key=f"part:{unit.id}")
    return True


def _unchanged_detail(task: Task, intent: ReplyIntent, *, is_lead: bool) -> str:
    """Why the reply changed nothing, and what to write instead, in Vietnamese."""
    if task.status is not TaskStatus.OPEN:
        from service.admin_output import STATE_VI

        state = STATE_VI.get(task.status.value, task.status.value)
        return f"Nhiệm vụ đang ở trạng thái \"{state}\"; thư này không thay đổi nhiệm vụ."
    if not is_lead and intent.kind in ("done", "extension"):
        return ("Người gửi không phải đơn vị chủ trì nên trạng thái và thời hạn nhiệm vụ không thay đổi; "
                f"đơn vị chủ trì trả lời để xác nhận. {NOT_CLOSED}")
    return _ANSWERS.get(intent.kind, _ANSWERS["other"]).format(problem=intent.problem or "chưa nêu đến ngày nào")


def mark_done(app: Any, session: Session, task: Task, *, actor: str, note: str | None, now: datetime) -> TaskStatus:
    """Close the task as done, on time or late against the original deadline; unsent reminders are dropped."""
    before = task.status
    task.status = done_status(task, now.astimezone(app.settings.tz).date())
    task.completed_at, task.updated_at = now, now
    session.add(TaskEvent(task_id=task.id, actor=actor, at=now, field="status", before=before.value,
                          after=task.status.value, note=(note or "")[:NOTE_CHARS] or None))
    drop_stale_reminders(session, task, reason="task done")
    return task.status


def _done_detail(task: Task) -> str:
    if task.status is TaskStatus.DONE_ON_TIME:
        return "Tình trạng: hoàn thành đúng hạn."
    return f"Tình trạng: hoàn thành quá hạn (hạn ban đầu {compose.vn_date(task.original_deadline or task.deadline)})."


def record_extension(session: Session, task: Task, intent: ReplyIntent, *, actor: str, now: datetime) -> ExtensionRequest:
    assert intent.requested_to is not None
    request = ExtensionRequest(task_id=task.id, requested_to=intent.requested_to, reason=intent.reason, requested_by=actor,
                               status=ExtensionStatus.PENDING, created_at=now)
    session.add(request)
    session.flush()
    session.add(TaskEvent(task_id=task.id, actor=actor, at=now, field="extension_request", before=str(task.deadline),
                          after=intent.requested_to.isoformat(), note=f"yêu cầu #{request.id}; lý do: {intent.reason or '—'}"))
    return request


def _ack(app: Any, session: Session, task: Task, outcome: str, detail: str, sender: str, envelope: EmailEnvelope,
         book: AddressBook, now: datetime, *, key: str | None = None) -> None:
    """Answer the sender (office in copy); `key` replaces the reply's Message-ID in the dedupe key when set."""
    domain = app.settings.message_id_domain
    office = book.addresses(["office"], task)
    refs = tuple(dict.fromkeys([*referenced_ids(envelope), *([envelope.message_id] if envelope.message_id else [])]))
    mail = compose.reply_ack(task=task_mail(task), outcome=outcome, detail=detail, to=(sender,),
                             cc=tuple(a for a in office if a != sender), in_reply_to=envelope.message_id, references=refs)
    key = f"reply-ack:{task.id}:{outcome}:{key or envelope.message_id or now.isoformat()}"[:300]
    enqueue(session, mail, dedupe_key=key, now=now, domain=domain, task_id=task.id, notice_id=task.notice_id)
