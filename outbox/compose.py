"""Compose mails from notices and tasks (pure: values in, OutgoingMail out; no clock, no I/O).

Every subject carries a token ([NV-12] for a task, [TB-4] for a notice); text from a notice only
reaches a header through clean_header, and HTML is autoescaped by Jinja2.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from outbox.mail import OutgoingMail, clean_header
from outbox.models import MailKind
from rules.display import RECURRENCE_VI, notice_token, task_token, vn_date, vn_minute
from rules.units import EVERY_UNIT
from outbox.warnings_vi import warnings_vi

SUBJECT_TEXT = 70  # characters of a task's text in a subject


def recurrence_vi(recurrence: str | None, day: int | None = None) -> str:
    if not recurrence:
        return "—"
    label = RECURRENCE_VI.get(recurrence, recurrence)
    return f"{label}, trước ngày {day}" if day else label


EVERY_UNIT_VI = "tất cả các phòng, đơn vị"


def unit_list(names: Iterable[str]) -> str:
    """Unit names for a mail; '*' (every unit) is written out in words."""
    return ", ".join(EVERY_UNIT_VI if name == EVERY_UNIT else name for name in names)


def quote_adds(quote: str | None, text: str) -> bool:
    """Whether a task's quote says more than its text (the quote is often the same words, cut shorter)."""
    q, t = " ".join((quote or "").rstrip("…").split()), " ".join(text.split())
    return bool(q) and not (t.startswith(q) or q.startswith(t))


def task_thread_id(task_id: int, domain: str) -> str:
    """A pseudo Message-ID naming the task: every mail about it references this, so replies find it."""
    return f"<docket.task-{task_id}@{domain}>"


# task_thread_id found again in a reply's or a bounce's references (at most 9 ASCII digits: an id)
TASK_THREAD = re.compile(r"<docket\.task-([0-9]{1,9})@", re.IGNORECASE)


def notice_thread_id(notice_id: int, domain: str) -> str:
    return f"<docket.notice-{notice_id}@{domain}>"


@dataclass(frozen=True, slots=True)
class TaskMail:
    """What the mails show of a task (built by the service from the rows)."""

    id: int
    text: str
    quote: str
    lead_names: tuple[str, ...]
    support_names: tuple[str, ...]
    deadline: date | None
    original_deadline: date | None
    recurrence: str | None
    recurrence_day: int | None
    notice_id: int
    notice_label: str
    notice_subject: str | None
    confidence: float = 1.0
    needs_review: bool = False

    @property
    def token(self) -> str:
        return task_token(self.id)

    @property
    def extended(self) -> bool:
        return bool(self.original_deadline and self.deadline and self.deadline != self.original_deadline)


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("outbox", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["vn_date"] = vn_date
    env.filters["vn_minute"] = vn_minute
    env.filters["recurrence_vi"] = lambda r, day=None: recurrence_vi(r, day)
    env.filters["task_token"] = task_token
    env.filters["units"] = unit_list
    env.filters["adds_to"] = quote_adds
    return env


def render(name: str, **context: Any) -> tuple[str, str]:
    """(text, html) of templates/NAME.txt and templates/NAME.html."""
    env = _env()
    return env.get_template(f"{name}.txt").render(**context), env.get_template(f"{name}.html").render(
        **context
    )


def notice_label(notice: Any) -> str:
    parts = [notice.doc_type or "Văn bản"]
    if notice.number:
        parts.append(f"số {notice.number}")
    if notice.issued_date:
        parts.append(f"ngày {vn_date(notice.issued_date)}")
    return " ".join(parts)


def _short(text: str) -> str:
    return clean_header(text, limit=SUBJECT_TEXT)


def confirmation(
    *,
    notice: Any,
    tasks: list[Any],
    forwarder: str,
    in_reply_to: str | None,
    warnings: list[str],
    duplicate: bool,
    review_threshold: float,
    hold: Any = None,
    candidates: Sequence[Any] = (),
    changes: Sequence[str] = (),
) -> OutgoingMail:
    """The reply to the forwarder: what was registered, what needs review, what could not be read, and the
    possible tasks (the safety net) the clerk may accept.

    hold: when the assignments wait for review (service.tasks.holds.HoldView: reason, until in office time).
    changes: a notice forwarded again with other tasks: what would change (Vietnamese lines), waiting for
    "đồng ý".
    """
    review = [t for t in tasks if t.needs_review]
    # the English stays in the admin's log; the clerk reads the vocabulary's Vietnamese
    said = warnings_vi(warnings)
    context = dict(
        notice=notice,
        label=notice_label(notice),
        tasks=tasks,
        review=review,
        notes=said.notes,
        problems=said.problems,
        duplicate=duplicate,
        token=notice_token(notice.id),
        review_threshold=review_threshold,
        hold=hold,
        candidates=list(candidates),
        changes=list(changes),
    )
    text, html = render("confirmation", **context)
    prefix = (
        ("Có thay đổi, chờ đồng ý" if changes else "Đã đăng ký trước đó") if duplicate else "Đã tiếp nhận"
    )
    subject = (
        f"[{notice_token(notice.id)}] {prefix}: {notice_label(notice)} - "
        f"{clean_header(notice.subject or '', limit=90)}"
    )
    return OutgoingMail(
        kind=MailKind.CONFIRMATION,
        to=(forwarder,),
        subject=subject,
        text=text,
        html=html,
        in_reply_to=in_reply_to,
    )


UNREADABLE_SUBJECT = "Không đọc được văn bản"
# our own fault: the subject must not say the document was unreadable (the clerk would send it again)
INTERNAL_SUBJECT = "Văn bản đã nhận, đang chờ xử lý lại do lỗi hệ thống"


def unreadable(
    *,
    forwarder: str,
    subject: str | None,
    in_reply_to: str | None,
    problems: list[str],
    internal: bool = False,
) -> OutgoingMail:
    """Tell the forwarder what could not be read; the raw message is kept for reprocessing.

    `internal`: the fault was ours, not the document's; the clerk is told it is kept and need not be resent.
    """
    said = warnings_vi(problems)
    text, html = render(
        "unreadable", subject=subject, problems=[*said.problems, *said.notes], internal=internal
    )
    opening = INTERNAL_SUBJECT if internal else UNREADABLE_SUBJECT
    return OutgoingMail(
        kind=MailKind.UNREADABLE,
        to=(forwarder,),
        subject=f"{opening}: {clean_header(subject or '', limit=90)}",
        text=text,
        html=html,
        in_reply_to=in_reply_to,
    )


def no_notice(*, forwarder: str, subject: str | None, in_reply_to: str | None) -> OutgoingMail:
    """Tell a clerk, politely, that the mail carried no notice (a thank-you, a question): nothing was
    registered."""
    text, html = render("no_notice", subject=subject)
    return OutgoingMail(
        kind=MailKind.NO_NOTICE,
        to=(forwarder,),
        subject=f"Không có văn bản cần theo dõi: {clean_header(subject or '', limit=100)}",
        text=text,
        html=html,
        in_reply_to=in_reply_to,
    )


def too_many_notices(
    *, forwarder: str, subject: str | None, in_reply_to: str | None, found: int, limit: int
) -> OutgoingMail:
    """Tell a clerk that a mail with more notices than the cap waits for an admin: nothing registered yet."""
    text, html = render("too_many_notices", subject=subject, found=found, limit=limit)
    return OutgoingMail(
        kind=MailKind.TOO_MANY_NOTICES,
        to=(forwarder,),
        subject="Thư có quá nhiều văn bản, chờ quản trị viên xem xét: "
        f"{clean_header(subject or '', limit=100)}",
        text=text,
        html=html,
        in_reply_to=in_reply_to,
    )


def _task_refs(tasks: list[TaskMail], domain: str) -> tuple[str, ...]:
    notices = dict.fromkeys(notice_thread_id(t.notice_id, domain) for t in tasks)
    return (*notices, *(task_thread_id(t.id, domain) for t in tasks))


def assignment(
    *,
    unit: str,
    role: str,
    tasks: list[TaskMail],
    to: tuple[str, ...],
    cc: tuple[str, ...],
    domain: str,
    originals: Sequence[str] = (),
    originals_too_large: bool = False,
    extra_headers: dict[str, str] | None = None,
) -> OutgoingMail:
    """One unit's tasks from one notice: role 'lead' (chủ trì) or 'support' (phối hợp, a copy).

    originals: the notice's original files, attached by the relay (extra_headers asks for them), or named as
    too large to attach (the Office keeps them)."""
    first = tasks[0]
    text, html = render(
        "assignment",
        unit=unit,
        role=role,
        tasks=tasks,
        label=first.notice_label,
        subject=first.notice_subject,
        originals=list(originals),
        originals_too_large=originals_too_large,
    )
    what = "Giao nhiệm vụ" if role == "lead" else "Phối hợp thực hiện"
    tokens = " ".join(f"[{t.token}]" for t in tasks[:3]) + (" …" if len(tasks) > 3 else "")
    subject = f"{tokens} {what}: {first.notice_label} - {_short(first.notice_subject or first.text)}"
    return OutgoingMail(
        kind=MailKind.ASSIGNMENT,
        to=to,
        cc=cc,
        subject=subject,
        text=text,
        html=html,
        references=_task_refs(tasks, domain),
        extra_headers=dict(extra_headers or {}),
    )


def _in_task_thread(
    kind: MailKind,
    task: TaskMail,
    domain: str,
    *,
    to: tuple[str, ...],
    cc: tuple[str, ...],
    subject: str,
    text: str,
    html: str,
) -> OutgoingMail:
    """A mail about one task, threaded under that task's assignment (reminders, changes)."""
    return OutgoingMail(
        kind=kind,
        to=to,
        cc=cc,
        subject=subject,
        text=text,
        html=html,
        in_reply_to=task_thread_id(task.id, domain),
        references=_task_refs([task], domain),
    )


def reminder(
    *,
    task: TaskMail,
    level: str,
    offset: int,
    today: date,
    to: tuple[str, ...],
    cc: tuple[str, ...],
    domain: str,
) -> OutgoingMail:
    """Before the deadline (offset < 0), on the day (0) or overdue (> 0, an escalation)."""
    kind = MailKind.REMINDER if offset <= 0 else MailKind.ESCALATION
    text, html = render(kind, task=task, level=level, days=abs(offset), today=today)
    if offset < 0:
        head = f"Nhắc việc: còn {abs(offset)} ngày làm việc (hạn {vn_date(task.deadline)})"
    elif offset == 0 and today == task.deadline:
        head = f"Nhắc việc: hôm nay đến hạn ({vn_date(task.deadline)})"
    elif offset == 0:
        head = f"Nhắc việc: ngày làm việc cuối cùng trước hạn {vn_date(task.deadline)}"
    else:
        head = f"Quá hạn {offset} ngày làm việc (hạn {vn_date(task.deadline)})"
    subject = f"[{task.token}] {head} - {_short(task.text)}"
    return _in_task_thread(kind, task, domain, to=to, cc=cc, subject=subject, text=text, html=html)


def change_notice(
    *, task: TaskMail, change: str, detail: str, to: tuple[str, ...], cc: tuple[str, ...], domain: str
) -> OutgoingMail:
    """A correction that changes what a unit must do: new lead, new deadline, cancellation, rejection."""
    text, html = render("change", task=task, change=change, detail=detail)
    subject = f"[{task.token}] Điều chỉnh nhiệm vụ: {clean_header(detail, limit=60)} - {_short(task.text)}"
    return _in_task_thread(MailKind.CHANGE, task, domain, to=to, cc=cc, subject=subject, text=text, html=html)


def reply_ack(
    *,
    task: TaskMail | None,
    outcome: str,
    detail: str,
    to: tuple[str, ...],
    cc: tuple[str, ...],
    in_reply_to: str | None,
    references: tuple[str, ...],
) -> OutgoingMail:
    """Answer a unit's reply: done recorded, extension request recorded, or note attached."""
    text, html = render("reply_ack", task=task, outcome=outcome, detail=detail)
    token = f"[{task.token}] " if task else ""
    titles = {
        "done": "Đã ghi nhận hoàn thành",
        "part": "Đã ghi nhận hoàn thành phần việc",
        "agreed": "Đã gửi giao việc",
        "applied": "Đã áp dụng thay đổi",
        "extension": "Đã ghi nhận đề nghị gia hạn",
        "note": "Đã ghi nhận ý kiến",
    }
    subject = f"{token}{titles.get(outcome, 'Đã ghi nhận')}" + (f" - {_short(task.text)}" if task else "")
    return OutgoingMail(
        kind=MailKind.REPLY_ACK,
        to=to,
        cc=cc,
        subject=subject,
        text=text,
        html=html,
        in_reply_to=in_reply_to,
        references=references,
    )


def answer(
    *,
    kind: MailKind,
    title: str,
    paragraphs: list[str],
    to: tuple[str, ...],
    cc: tuple[str, ...] = (),
    tasks: list[TaskMail] | None = None,
    quoted: list[tuple[str, str]] | None = None,
    help: str | None = None,
    in_reply_to: str | None = None,
    references: tuple[str, ...] = (),
    token: str | None = None,
) -> OutgoingMail:
    """A short answer in a mail conversation (corrections, extension decisions, the admin queue); `quoted`:
    (line, why) pairs that were not understood and from which nothing was applied."""
    text, html = render("answer", paragraphs=paragraphs, tasks=tasks or [], quoted=quoted or [], help=help)
    subject = (f"[{token}] " if token else "") + clean_header(title, limit=120)
    return OutgoingMail(
        kind=kind,
        to=to,
        cc=cc,
        subject=subject,
        text=text,
        html=html,
        in_reply_to=in_reply_to,
        references=references,
    )


def digest(
    *,
    unit: str,
    week: str,
    today: date,
    grid: list[tuple[str, int]],
    overdue: list[tuple[TaskMail, int]],
    to: tuple[str, ...],
    cc: tuple[str, ...],
    due_soon: Sequence[tuple[TaskMail, int]] = (),
    soon_days: int = 0,
) -> OutgoingMail:
    """The weekly digest: the four-status counts, the overdue tasks (with working days overdue) and those due
    within `soon_days` working days (with working days left)."""
    text, html = render(
        "digest",
        unit=unit,
        week=week,
        today=today,
        grid=grid,
        overdue=overdue,
        due_soon=list(due_soon),
        soon_days=soon_days,
    )
    subject = f"Tổng hợp tình hình thực hiện nhiệm vụ tuần {week} - {clean_header(unit, limit=80)}"
    counts = [f"{len(overdue)} quá hạn"] * bool(overdue) + [f"{len(due_soon)} sắp đến hạn"] * bool(due_soon)
    if counts:
        subject += f" ({', '.join(counts)})"
    return OutgoingMail(kind=MailKind.DIGEST, to=to, cc=cc, subject=subject, text=text, html=html)


@dataclass(frozen=True, slots=True)
class DueItem:
    """One reminder or escalation due today for a task: offset in working days (< 0 before the deadline, 0 on
    the day, > 0 overdue); units: the units it concerns (the pending ones of an every-unit task), for
    leaders."""

    task: TaskMail
    offset: int
    units: tuple[str, ...] = ()


def _due_head(item: DueItem, today: date) -> str:
    task, offset = item.task, item.offset
    if offset < 0:
        return f"Nhắc việc: còn {abs(offset)} ngày làm việc (hạn {vn_date(task.deadline)})"
    if offset == 0 and today == task.deadline:
        return f"Nhắc việc: hôm nay đến hạn ({vn_date(task.deadline)})"
    if offset == 0:
        return f"Nhắc việc: ngày làm việc cuối cùng trước hạn {vn_date(task.deadline)}"
    return f"Quá hạn {offset} ngày làm việc (hạn {vn_date(task.deadline)})"


@dataclass(frozen=True, slots=True)
class Weekly:
    """The weekly digest's content carried by a unit's mail of that day: the counts, and the overdue and
    coming tasks the mail does not list already (with working days overdue / left)."""

    week: str
    grid: list[tuple[str, int]]
    overdue: list[tuple[TaskMail, int]]
    due_soon: list[tuple[TaskMail, int]]
    soon_days: int


def bundle(
    *,
    unit: str,
    today: date,
    items: list[DueItem],
    to: tuple[str, ...],
    cc: tuple[str, ...],
    domain: str,
    weekly: Weekly | None = None,
) -> OutgoingMail:
    """A unit's reminders and escalations of one day in one mail: overdue tasks first, then those coming due,
    and on the weekly day its digest (so the unit still gets one mail that day).

    With one item the subject is the one its own reminder would have had."""
    overdue = sorted((i for i in items if i.offset > 0), key=lambda i: -i.offset)
    coming = sorted((i for i in items if i.offset <= 0), key=lambda i: (i.task.deadline or today, i.task.id))
    text, html = render("bundle", unit=unit, today=today, overdue=overdue, coming=coming, weekly=weekly)
    tasks = [i.task for i in (*overdue, *coming)]
    if len(items) == 1:
        subject = f"[{tasks[0].token}] {_due_head(items[0], today)} - {_short(tasks[0].text)}"
    else:
        tokens = " ".join(f"[{t.token}]" for t in tasks[:3]) + (" …" if len(tasks) > 3 else "")
        late = f", {len(overdue)} quá hạn" if overdue else ""
        unit_name = clean_header(unit, limit=60)
        subject = f"{tokens} Nhắc việc ngày {vn_date(today)}: {len(items)} nhiệm vụ{late} - {unit_name}"
    return OutgoingMail(
        kind=MailKind.BUNDLE,
        to=to,
        cc=cc,
        subject=subject,
        text=text,
        html=html,
        in_reply_to=task_thread_id(tasks[0].id, domain) if len(tasks) == 1 else None,
        references=_task_refs(tasks, domain),
    )


def org_digest(
    *,
    today: date,
    week: str | None,
    grid: list[tuple[str, int]],
    escalated: list[DueItem],
    still_overdue: list[DueItem],
    coming_due: list[DueItem],
    soon_days: int,
    to: tuple[str, ...],
    cc: tuple[str, ...],
) -> OutgoingMail:
    """For the organisation's leaders and the Office: the units that have not finished overdue tasks (those
    escalated today first), and on the weekly day the whole picture with what comes due soon. Never asks them
    to report anything: the units are chased by their own mail."""
    text, html = render(
        "org_digest",
        today=today,
        week=week,
        grid=grid,
        escalated=escalated,
        overdue=still_overdue,
        due_soon=coming_due,
        soon_days=soon_days,
    )
    what = (
        f"Tổng hợp toàn cơ quan tuần {week}"
        if week
        else f"Đơn vị chưa hoàn thành nhiệm vụ quá hạn, ngày {vn_date(today)}"
    )
    late = len({i.task.id for i in (*escalated, *still_overdue)})
    subject = what + (f" ({late} nhiệm vụ quá hạn)" if late else "")
    return OutgoingMail(kind=MailKind.ORG_DIGEST, to=to, cc=cc, subject=subject, text=text, html=html)
