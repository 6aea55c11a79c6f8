"""Extensions decided by mail: a unit's request goes to its leader, whose "đồng ý" / "không đồng ý, lý do
…" decides.

`forward` writes the request to the head of the task's lead unit named in the directory (the office in
copy); the forward is an outbox row keyed `extension-request:<id>`, so the leader's reply finds its
request. `decide` approves or refuses through service.tasks.extensions (audited, the original deadline kept)
and tells the requester the outcome either way; a new deadline on a non-working day is flagged.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from outbox import compose
from outbox.enqueue import enqueue
from rules.display import task_token, vn_date
from rules.reply_intent import ReplyIntent
from rules.text import fold
from service.tasks.extensions import approve_extension, refuse_extension
from service.store.models import ExtensionRequest, Task
from service.tasks.events import write_event
from outbox.models import MailKind, OutboxMessage
from service.tasks.notify import task_mail
from service.tasks.recipients import AddressBook
from service.store.stages import ExtensionStatus, Role

KIND = MailKind.EXTENSION_REQUEST
_REFUSE = re.compile(r"^\W*(?:khong (?:dong y|nhat tri|chap thuan|duyet)|tu choi)")
_APPROVE = re.compile(r"^\W*(?:dong y|nhat tri|chap thuan|duyet)\b")
_REASON = re.compile(r"(?:ly do|vi)\s*[:,\-]?\s*(.+)", re.DOTALL)
DAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def record_extension(
    session: Session, task: Task, intent: ReplyIntent, *, actor: str, now: datetime
) -> ExtensionRequest:
    assert intent.requested_to is not None
    request = ExtensionRequest(
        task_id=task.id,
        requested_to=intent.requested_to,
        reason=intent.reason,
        requested_by=actor,
        status=ExtensionStatus.PENDING,
        created_at=now,
    )
    session.add(request)
    session.flush()
    write_event(
        session,
        task.id,
        "extension_request",
        actor=actor,
        at=now,
        before=task.deadline,
        after=intent.requested_to,
        note=f"yêu cầu #{request.id}; lý do: {intent.reason or '—'}",
    )
    return request


def request_by_mail(
    app: Any, session: Session, task: Task, intent: ReplyIntent, sender: str, book: AddressBook, now: datetime
) -> str:
    """Record the request, forward it to the unit's leader, and say so (and what to note about the date)."""
    request = record_extension(session, task, intent, actor=sender, now=now)
    leader = forward(app, session, task, request, book, now=now)
    detail = f"đến ngày {vn_date(request.requested_to)}"
    detail += f", lý do: {request.reason}" if request.reason else ""
    if task.deadline and now.astimezone(app.settings.tz).date() > task.deadline:
        detail += " (đề nghị gửi sau thời hạn: không làm thay đổi tình trạng quá hạn)"
    if note := day_note(app, request.requested_to):
        detail += f". {note}"
    if leader:
        detail += f". Đề nghị đã được chuyển lãnh đạo ({leader}) quyết định"
    return detail


def approver_of(book: AddressBook, task: Task, requester: str | None) -> str | None:
    """The head of the task's (first) lead unit; the head of the office when there is none or it is the
    requester."""
    office = book.office.head_email if book.office else None
    heads = [u.head_email for u in book.role_units(task, Role.LEAD) if u.head_email] + (
        [office] if office else []
    )
    return next((h.lower() for h in heads if h.lower() != (requester or "").lower()), None)


def day_note(app: Any, day: date) -> str | None:
    """'ngày 31/10/2020 là thứ Bảy, ngày nghỉ' when the day is not a working day."""
    if app.calendar.is_working_day(day):
        return None
    kind = "ngày lễ, Tết" if app.calendar.is_holiday(day) else "ngày nghỉ"
    return f"Lưu ý: {vn_date(day)} là {DAY_NAMES[day.weekday()]}, {kind}."


def forward(
    app: Any, session: Session, task: Task, request: ExtensionRequest, book: AddressBook, *, now: datetime
) -> str | None:
    """Mail the request to the unit's leader; returns the leader's address (None: no leader in the
    directory)."""
    leader = approver_of(book, task, request.requested_by)
    if leader is None:
        return None
    request.approver = leader
    paragraphs = [
        f"{request.requested_by} đề nghị gia hạn nhiệm vụ {task_token(task.id)} "
        f"từ {vn_date(task.deadline)} đến {vn_date(request.requested_to)}.",
        f"Lý do: {request.reason or '(không nêu)'}",
    ]
    paragraphs += [n for n in (day_note(app, request.requested_to),) if n]
    title = f"Đề nghị gia hạn đến {vn_date(request.requested_to)} - {task.text[:60]}"
    mail = compose.answer(
        kind=KIND,
        title=title,
        token=task_token(task.id),
        paragraphs=paragraphs,
        to=(leader,),
        cc=tuple(a for a in book.addresses(["office"], task) if a != leader),
        tasks=[task_mail(task)],
        help='Đề nghị trả lời thư này: "Đồng ý" hoặc "Không đồng ý, lý do: …".',
        references=(compose.task_thread_id(task.id, app.settings.message_id_domain),),
    )
    enqueue(
        session,
        mail,
        dedupe_key=f"{KIND}:{request.id}",
        now=now,
        domain=app.settings.message_id_domain,
        task_id=task.id,
        notice_id=task.notice_id,
    )
    return leader


def request_answered(session: Session, ours: list[OutboxMessage]) -> ExtensionRequest | None:
    """The extension request whose forward this mail answers, if any."""
    for row in ours:
        if row.kind == KIND and row.dedupe_key.startswith(f"{KIND}:"):
            return session.get(ExtensionRequest, int(row.dedupe_key.split(":")[1]))
    return None


def read_decision(text: str) -> tuple[str | None, str | None]:
    """('approve' | 'refuse' | None, reason) from the leader's own words; the first sentence decides."""
    folded = fold(text)
    if _REFUSE.match(folded):
        reason = _REASON.search(folded)
        return "refuse", text[reason.start(1) :].strip() if reason else None
    if _APPROVE.match(folded):
        return "approve", None
    return None, None


def decide(
    app: Any,
    session: Session,
    request: ExtensionRequest,
    decision: str,
    *,
    actor: str,
    note: str,
    reason: str | None,
    now: datetime,
) -> Task:
    """Approve or refuse (audited in the task's history); the units hear of a new deadline through the
    change notice."""
    request.decision_note = note[:2000] or None
    if decision == "approve":
        return approve_extension(session, request.id, actor, now, notify_with=app)
    return refuse_extension(session, request.id, actor, now, reason=reason)


def outcome_paragraphs(app: Any, task: Task, request: ExtensionRequest) -> list[str]:
    """What the requester is told, either way."""
    token = task_token(task.id)
    if request.status is ExtensionStatus.APPROVED:
        lines = [
            f"Lãnh đạo ({request.decided_by}) đồng ý gia hạn nhiệm vụ {token} "
            f"đến {vn_date(task.deadline)} "
            f"(hạn ban đầu {vn_date(task.original_deadline)})."
        ]
        return lines + [n for n in (day_note(app, task.deadline) if task.deadline else None,) if n]
    why = f" Lý do: {request.decision_note}" if request.decision_note else ""
    return [
        f"Lãnh đạo ({request.decided_by}) không đồng ý gia hạn nhiệm vụ {token}.{why}",
        f"Thời hạn giữ nguyên: {vn_date(task.deadline)}.",
    ]
