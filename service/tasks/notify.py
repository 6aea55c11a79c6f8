"""Queue the mails that follow a change to tasks: assignments for a new notice, notices of corrections.

- `send_assignments(app, session, notice, tasks, now=...)`: each lead unit gets its tasks from the notice
  (deadline and quote); each support unit gets a copy of the tasks it supports. Called by
  service.tasks.holds: queue_assignments (in the transaction that stores the tasks) and a hold's release.
- `queue_change_notice(app_or_settings, session, task, change, now)`: called by the admin CLI after a
  correction that changes what a unit must do ('lead', 'deadline', 'cancelled', 'rejected', or any
  other word; 'assigned' for a new task, which gets an assignment mail). While the notice's
  assignments are held for review (service.tasks.holds) nothing is mailed: the release sends the tasks as
  they then stand. It tells the units concerned and cancels the task's unsent reminders and escalations,
  so those no longer due are dropped and the next scheduler pass re-queues what is due for the new
  lead / new deadline (see outbox.enqueue.cancel_pending).
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime
from email import message_from_bytes, policy
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from outbox import compose
from outbox.compose import TaskMail
from outbox.enqueue import cancel_pending, enqueue
from outbox.models import MailKind
from rules.display import vn_date
from service.store.models import AssignmentHold, InboundMessage, Notice, Task, Unit
from service.store.stages import Role
from service.tasks.recipients import AddressBook, address_book

SCHEDULED_KINDS = (MailKind.REMINDER, MailKind.ESCALATION)
# what counts as the notice's original file
DOCUMENT_TYPES = (".docx", ".doc", ".pdf", ".odt", ".rtf", ".xlsx", ".xls")
QUOTE_CHARS = 240


def _settings(app_or_settings: Any) -> Any:
    return getattr(app_or_settings, "settings", app_or_settings)


def evidence_quote(task: Task) -> str:
    """The words of the notice the task came from (its source span), shortened on a word."""
    text = task.text
    notice_text = task.notice.text if task.notice is not None else ""
    if (
        task.source_start is not None
        and task.source_end
        and notice_text
        and task.source_part in (None, task.notice.source_name)
    ):
        span = notice_text[task.source_start : task.source_end].strip()
        text = span or text
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def task_mail(task: Task) -> TaskMail:
    notice = task.notice
    return TaskMail(
        id=task.id,
        text=" ".join(task.text.split()),
        quote=evidence_quote(task),
        lead_names=tuple(task.unit_names(Role.LEAD)) or (),
        support_names=tuple(task.unit_names(Role.SUPPORT)),
        deadline=task.deadline,
        original_deadline=task.original_deadline,
        recurrence=task.recurrence,
        recurrence_day=task.recurrence_day,
        notice_id=task.notice_id,
        notice_label=compose.notice_label(notice),
        notice_subject=notice.subject,
        confidence=task.confidence,
        needs_review=task.needs_review,
    )


def _grouped(tasks: list[Task], book: AddressBook) -> dict[tuple[int, Role], list[Task]]:
    groups: dict[tuple[int, Role], list[Task]] = defaultdict(list)
    for task in tasks:
        leads = book.role_units(task, Role.LEAD)
        for unit in leads:
            groups[(unit.id, Role.LEAD)].append(task)
        for unit in book.role_units(task, Role.SUPPORT):
            if unit not in leads:
                groups[(unit.id, Role.SUPPORT)].append(task)
    return groups


def active_hold(session: Session, notice_id: int) -> AssignmentHold | None:
    """The notice's unreleased hold (service.tasks.holds): while there is one, no assignment is mailed."""
    return session.scalar(
        select(AssignmentHold).where(
            AssignmentHold.notice_id == notice_id, AssignmentHold.released_at.is_(None)
        )
    )


def original_files(session: Session, notice_id: int) -> list[tuple[str, str, bytes]]:
    """The document files of the mail the notice was registered from, as stored: (name, MIME type, bytes)."""
    notice = session.get(Notice, notice_id)
    # the forward it came from (its row is linked later)
    mid = notice.message_id if notice is not None else None
    came_from = InboundMessage.notice_id == notice_id
    if mid:
        came_from = or_(came_from, InboundMessage.message_id == mid)
    raw = session.scalars(
        select(InboundMessage.raw).where(came_from).order_by(InboundMessage.id).limit(1)
    ).first()
    if not raw:
        return []
    files: list[tuple[str, str, bytes]] = []
    for part in message_from_bytes(raw, policy=policy.default).walk():
        name = part.get_filename()
        if name and name.lower().endswith(DOCUMENT_TYPES) and not part.is_multipart():
            payload = part.get_payload(decode=True)
            files.append((name, part.get_content_type(), payload if isinstance(payload, bytes) else b""))
    return files


def _originals(settings: Any, session: Session, notice: Any) -> tuple[tuple[str, ...], bool, dict[str, str]]:
    """(file names, too large to attach, headers asking the relay to attach them) for a notice's
    assignments."""
    files = original_files(session, notice.id)
    if not files:
        return (), False, {}
    names = tuple(name for name, _, _ in files)
    limit = settings.max_attachment_forward_bytes
    if limit and sum(len(data) for _, _, data in files) <= limit:
        return names, False, {"X-Docket-Attach": f"notice:{notice.id}"}
    return names, True, {}


def own_first(unit: Unit, tasks: list[Task]) -> list[Task]:
    """The unit's own tasks (it is named as lead or support) before those for every unit, each in notice
    order."""
    return sorted(
        tasks, key=lambda t: unit.name not in (*t.unit_names(Role.LEAD), *t.unit_names(Role.SUPPORT))
    )


def send_assignments(app: Any, session: Session, notice: Any, tasks: list[Task], *, now: datetime) -> int:
    """One mail per (unit, role) for these tasks of the notice, its own tasks first; returns how many were
    queued."""
    settings = _settings(app)
    book = address_book(session)
    units = {u.id: u for u in book.units.values()}
    originals, too_large, attach = _originals(settings, session, notice)
    queued = 0
    for (unit_id, role), group in sorted(
        _grouped(tasks, book).items(), key=lambda kv: (kv[0][1].value, kv[0][0])
    ):
        unit: Unit = units[unit_id]
        if not unit.email:
            continue
        group = own_first(unit, group)
        mail = compose.assignment(
            unit=unit.name,
            role=role.value,
            tasks=[task_mail(t) for t in group],
            to=(unit.email,),
            cc=(unit.head_email,) if role is Role.LEAD and unit.head_email else (),
            domain=settings.message_id_domain,
            originals=originals,
            originals_too_large=too_large,
            extra_headers=attach,
        )
        ids = ",".join(str(i) for i in sorted(t.id for t in group))  # the same key whatever the order shown
        key = f"assignment:{notice.id}:{unit.id}:{role.value}:{hashlib.sha256(ids.encode()).hexdigest()[:12]}"
        queued += (
            enqueue(
                session,
                mail,
                dedupe_key=key,
                now=now,
                domain=settings.message_id_domain,
                notice_id=notice.id,
                task_id=group[0].id if len(group) == 1 else None,
            )
            is not None
        )
    return queued


def drop_stale_reminders(session: Session, task: Task, *, reason: str) -> int:
    """Cancel the task's unsent reminders and escalations; the scheduler re-queues what is still due."""
    return cancel_pending(session, task_id=task.id, kinds=SCHEDULED_KINDS, reason=reason)


def _detail(task: Task, change: str) -> str:
    leads = ", ".join(task.unit_names(Role.LEAD)) or "(chưa xác định)"
    if change == "lead":
        return f"Đơn vị chủ trì được điều chỉnh: {leads}."
    if change in ("deadline", "extension"):
        original = (
            f" (hạn ban đầu {vn_date(task.original_deadline)})"
            if task.original_deadline != task.deadline
            else ""
        )
        return f"Thời hạn được điều chỉnh: {vn_date(task.deadline)}{original}."
    if change == "cancelled":
        return f"Nhiệm vụ đã được hủy{': ' + task.closed_reason if task.closed_reason else ''}."
    if change == "rejected":
        return "Nội dung này không phải là nhiệm vụ và đã được loại khỏi danh sách theo dõi."
    return f"Nhiệm vụ được điều chỉnh ({change})."


def queue_change_notice(
    app_or_settings: Any,
    session: Session,
    task: Task,
    change: str,
    now: datetime,
    *,
    detail: str | None = None,
    previous_units: tuple[str, ...] | list[str] = (),
) -> int | None:
    """Tell the units concerned about a correction; drop the reminders it made stale. Returns the outbox id.

    previous_units: canonical names of units that were lead/support before the change (they are told too).
    """
    settings = _settings(app_or_settings)
    if change == "assigned":  # a new task (tasks add, reprocess, reply): an assignment, held with its notice
        if active_hold(session, task.notice_id) is None:
            send_assignments(app_or_settings, session, task.notice, [task], now=now)
        return None
    drop_stale_reminders(session, task, reason=f"task {change}")
    if active_hold(session, task.notice_id) is not None:
        return None  # the units have not been told yet: the release sends the corrected assignments
    book = address_book(session)
    to = book.addresses(["lead"], task) + [u.email for u in book.expand(previous_units) if u.email]
    cc = [a for a in book.addresses(["support", "office"], task) if a not in to]
    to = list(dict.fromkeys(to)) or cc[:1]
    if not to:
        return None
    mail = compose.change_notice(
        task=task_mail(task),
        change=change,
        detail=detail or _detail(task, change),
        to=tuple(to),
        cc=tuple(a for a in cc if a not in to),
        domain=settings.message_id_domain,
    )
    row = enqueue(
        session,
        mail,
        dedupe_key=f"change:{task.id}:{change}:{now.isoformat()}",
        now=now,
        domain=settings.message_id_domain,
        task_id=task.id,
        notice_id=task.notice_id,
    )
    return row.id if row else None
