"""Replies that are not a unit's report on its task: the clerk's corrections, the leader's decision on an
extension, and mail that waits for a person. Each is acted on (or queued) and answered in Vietnamese —
but only to an address of the directory, a notice's forwarder or an allowed sender named exactly.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.base import EmailEnvelope
from outbox import compose
from outbox.enqueue import enqueue
from outbox.models import MailKind
from rules.display import notice_token, task_token
from service.tasks import reply_corrections, reply_extensions
from service.errors import DocketError
from service.store.models import ExtensionRequest, InboundMessage, Leader, Notice, Task
from service.tasks.notify import task_mail
from service.tasks.recipients import AddressBook
from service.tasks.threads import our_mails, referenced_ids
from service.store.stages import ExtensionStatus

REASONS_VI = {  # why a mail waits for a person, as the answer to its sender says it
    "unmatched": "không xác định được thư trả lời cho nhiệm vụ nào",
    "not-assignee": "người gửi không thuộc đơn vị được giao nhiệm vụ nêu trong thư",
    "unauthorised": "người gửi không có quyền điều chỉnh nhiệm vụ của văn bản này",
    "undecided": "chưa rõ ý kiến đồng ý hay không đồng ý",
}


def park(row: InboundMessage, reason: str) -> None:
    """Put the message in the admin queue (service.admin.inbox_queue; in the caller's transaction)."""
    row.queue, row.queue_closed_by, row.queue_closed_at, row.queue_outcome = reason, None, None, None


def may_answer(app: Any, session: Session, book: AddressBook, address: str) -> bool:
    """Never answer outside the directory, the notices' forwarders and the allowed senders named one by
    one."""
    if not address:
        return False
    if book.unit_of(address) is not None or address in {
        a.lower() for a in app.allowed_senders if not a.startswith("@")
    }:
        return True
    if session.scalar(select(Leader.id).where(Leader.email == address)) is not None:
        return True
    return session.scalar(select(Notice.id).where(Notice.forwarder == address).limit(1)) is not None


def office_addresses(book: AddressBook) -> tuple[str, ...]:
    """The office's mailbox and its head: the admins named in the directory."""
    office = book.office
    return tuple(a.lower() for a in ((office.email, office.head_email) if office else ()) if a)


def send(
    app: Any,
    session: Session,
    envelope: EmailEnvelope,
    *,
    to: str,
    key: str,
    now: datetime,
    title: str,
    paragraphs: list[str],
    tasks: list[Task] | None = None,
    quoted: list[tuple[str, str]] | None = None,
    help: str | None = None,
    token: str | None = None,
    task: Task | None = None,
    kind: MailKind = MailKind.REPLY_ANSWER,
    notice_id: int | None = None,
) -> None:
    """One answer; `key` is its whole dedupe key (the same key twice sends once)."""
    refs = tuple(
        dict.fromkeys([*referenced_ids(envelope), *([envelope.message_id] if envelope.message_id else [])])
    )
    mail = compose.answer(
        kind=kind,
        title=title,
        paragraphs=paragraphs,
        to=(to,),
        tasks=[task_mail(t) for t in tasks or []],
        quoted=quoted,
        help=help,
        token=token,
        in_reply_to=envelope.message_id,
        references=refs,
    )
    enqueue(
        session,
        mail,
        dedupe_key=f"{kind}:{key}"[:300],
        now=now,
        domain=app.settings.message_id_domain,
        task_id=task.id if task else None,
        notice_id=notice_id or (task.notice_id if task else None),
    )


def _per_message(envelope: EmailEnvelope, now: datetime) -> str:
    return envelope.message_id or now.isoformat()


def queue_and_answer(
    app: Any,
    session: Session,
    row: InboundMessage,
    reason: str,
    *,
    sender: str,
    envelope: EmailEnvelope,
    book: AddressBook,
    now: datetime,
) -> str:
    """Park the mail for a person and, when the sender may hear from us, say so."""
    park(row, reason)
    if may_answer(app, session, book, sender) and not _answers_an_answer(session, envelope):
        # one such answer a day per sender: no ping-pong
        day = now.astimezone(app.settings.tz).date().isoformat()
        send(
            app,
            session,
            envelope,
            to=sender,
            key=f"queued:{sender}:{day}",
            now=now,
            title="Đã chuyển cán bộ Văn phòng xem xét",
            paragraphs=[
                f"Docket chưa xử lý được thư này ({REASONS_VI.get(reason, reason)}).",
                "Thư đã được lưu và chuyển cán bộ Văn phòng xem xét; không có thay đổi nào đối với nhiệm vụ.",
            ],
        )
    return f"queued-{reason}"


def _answers_an_answer(session: Session, envelope: EmailEnvelope) -> bool:
    """Mail in answer to one of our answers is queued silently: an unmarked auto-responder must not start a
    loop."""
    answered = (MailKind.REPLY_ANSWER, MailKind.REPLY_ACK)
    return any(r.kind in answered for r in our_mails(session, referenced_ids(envelope)))


CORRECTION_HELP = (
    'Điều chỉnh bằng cách trả lời thư này, mỗi dòng một việc: "NV-3: chủ trì …; phối hợp …; hạn dd/mm/yyyy", '
    '"NV-5: bỏ", "thêm: <nội dung>; chủ trì …; hạn …".'
)


def correction(
    app: Any,
    session: Session,
    row: InboundMessage,
    notice: Notice,
    body: str,
    *,
    sender: str,
    envelope: EmailEnvelope,
    book: AddressBook,
    now: datetime,
) -> str:
    """The clerk's reply to a confirmation: apply the lines understood, quote back the others."""
    if not reply_corrections.is_authorised(session, notice, sender, office_addresses(book)):
        return queue_and_answer(
            app, session, row, "unauthorised", sender=sender, envelope=envelope, book=book, now=now
        )
    result = reply_corrections.apply_lines(app, session, notice, body, actor=sender, now=now)
    session.refresh(notice)
    done = (
        f"Đã áp dụng {len(result.applied)} điều chỉnh." if result.applied else "Chưa áp dụng điều chỉnh nào."
    )
    # a plain "cảm ơn" gets a short answer, without the task list
    changed = bool(result.applied or result.quoted)
    send(
        app,
        session,
        envelope,
        to=sender,
        key=f"{notice.id}:{_per_message(envelope, now)}",
        now=now,
        kind=MailKind.CORRECTION,
        title=f"Điều chỉnh {compose.notice_label(notice)}",
        token=notice_token(notice.id),
        paragraphs=[done],
        tasks=reply_corrections.standing(notice) if changed else [],
        quoted=result.quoted,
        help=CORRECTION_HELP,
        notice_id=notice.id,
    )
    if result.applied and not result.quoted:
        return "reply-correction"
    return "reply-correction-partly" if result.applied else "reply-correction-none"


def decision(
    app: Any,
    session: Session,
    row: InboundMessage,
    request: ExtensionRequest,
    body: str,
    *,
    sender: str,
    envelope: EmailEnvelope,
    book: AddressBook,
    now: datetime,
) -> str:
    """The leader's answer to a forwarded extension request."""
    task = session.get(Task, request.task_id)
    assert task is not None
    row.task_id = task.id
    token = task_token(task.id)
    if sender != (request.approver or "") and sender not in office_addresses(book):
        return queue_and_answer(
            app, session, row, "unauthorised", sender=sender, envelope=envelope, book=book, now=now
        )
    if request.status is not ExtensionStatus.PENDING:
        send(
            app,
            session,
            envelope,
            to=sender,
            key=f"decided:{request.id}:{_per_message(envelope, now)}",
            now=now,
            title="Đề nghị gia hạn đã được quyết định",
            token=token,
            task=task,
            paragraphs=[
                f"Đề nghị gia hạn {token} đã được quyết định trước đó "
                f"({request.status.value}, {request.decided_by}); thư này không thay đổi gì."
            ],
        )
        return "extension-already-decided"
    verdict, reason = reply_extensions.read_decision(body)
    if verdict is None:
        return queue_and_answer(
            app, session, row, "undecided", sender=sender, envelope=envelope, book=book, now=now
        )
    try:
        with session.begin_nested():
            reply_extensions.decide(
                app, session, request, verdict, actor=sender, note=body, reason=reason, now=now
            )
    except DocketError as err:  # the task was closed meanwhile, or the date no longer fits: nothing changed
        send(
            app,
            session,
            envelope,
            to=sender,
            key=f"not-applied:{request.id}:{_per_message(envelope, now)}",
            now=now,
            title="Chưa thực hiện được quyết định gia hạn",
            token=token,
            task=task,
            paragraphs=[
                f"Chưa thực hiện được quyết định về đề nghị gia hạn {token}: {err}. Không có thay đổi nào."
            ],
        )
        return "extension-not-applied"
    paragraphs = reply_extensions.outcome_paragraphs(app, task, request)
    for to in dict.fromkeys(a for a in (request.requested_by, sender) if a):
        send(
            app,
            session,
            envelope,
            to=to,
            key=f"decision:{request.id}:{to}",
            now=now,
            title="Kết quả đề nghị gia hạn",
            token=token,
            task=task,
            paragraphs=paragraphs,
            tasks=[task],
        )
    return f"extension-{'approved' if verdict == 'approve' else 'refused'}"
