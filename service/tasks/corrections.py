"""Admin corrections to tasks, each audited: validate everything first, then change, record, notify.

Every function works inside the caller's transaction and raises InputError/NotFoundError before it
touches anything, so bad input changes nothing. Every change writes a TaskEvent and marks the task
`manual`, so `docket notices reprocess` keeps it. Changes to what a unit must do (lead, deadline,
cancellation, rejection) go to the injected `notify` callable (service.tasks.notify via `notifier_for`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.display import RECURRENCE_VI, notice_token, task_token, vn_date
from service.errors import InputError, NotFoundError
from service.store.models import ExtensionRequest, Notice, Task
from service.store.stages import ExtensionStatus, Role, TaskStatus
from service.tasks.audit import Before, Editor, Notify, EditOutcome, Recorder, finish, snapshot
from service.tasks.closing import done, set_status
from service.tasks.events import created_after
from service.tasks.extensions import approve_extension, extend_task
from service.tasks.recurrences import check_day, set_day
from service.tasks.register import set_units, task_fingerprint
from service.tasks.unit_names import resolve_units

# What an admin may type for a recurrence: the period, its words, and "hàng" for "hằng" (both are written).
RECURRENCES: dict[str, str | None] = {
    **{period: period for period in RECURRENCE_VI},
    **{words: period for period, words in RECURRENCE_VI.items()},
    **{words.replace("hằng", "hàng"): period for period, words in RECURRENCE_VI.items()},
    "none": None,
    "": None,
}


@dataclass(frozen=True, slots=True)
class TaskEdit:
    """Fields to set; None leaves a field alone. recurrence='none' clears it."""

    text: str | None = None
    lead: tuple[str, ...] | None = None
    support: tuple[str, ...] | None = None
    deadline: date | None = None
    recurrence: str | None = None
    recurrence_day: int | None = None  # "trước ngày 25" → 25; a series without a date is re-dated from it


def get_task(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFoundError(f"no task {task_token(task_id)} (`docket tasks list` shows the tasks)")
    return task


def get_notice(session: Session, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFoundError(f"no notice {notice_token(notice_id)} (`docket notices list` shows the notices)")
    return notice


def parse_recurrence(value: str) -> str | None:
    key = " ".join(value.casefold().split())
    if key not in RECURRENCES:
        raise InputError(f"unknown recurrence '{value}': use weekly, monthly, quarterly, yearly or none")
    return RECURRENCES[key]


def check_deadline(notice: Notice, deadline: date, *, force: bool) -> list[str]:
    """A deadline before the notice's own date is almost surely a typo: refuse it unless forced."""
    if notice.issued_date is None or deadline >= notice.issued_date:
        return []
    message = (f"deadline {vn_date(deadline)} is before the date of {notice_token(notice.id)} "
               f"({vn_date(notice.issued_date)})")
    if not force:
        raise InputError(f"{message}; check it, or repeat with --force")
    return [message + " (accepted with --force)"]


def _open_task(task: Task) -> None:
    if task.merged_into_id is not None:
        raise InputError(
            f"{task_token(task.id)} was merged into {task_token(task.merged_into_id)}; change that task "
            "instead"
        )


def edit_task(
    session: Session,
    task_id: int,
    edit: TaskEdit,
    editor: Editor,
    *,
    force: bool = False,
    notify: Notify | None = None,
) -> EditOutcome:
    """Correct what extraction got wrong: text, lead, support, deadline, recurrence."""
    task = get_task(session, task_id)
    _open_task(task)
    if edit.text is not None and not edit.text.strip():
        raise InputError("the task text cannot be empty")
    lead = resolve_units(session, edit.lead) if edit.lead is not None else None
    support = resolve_units(session, edit.support) if edit.support is not None else None
    recurrence = parse_recurrence(edit.recurrence) if edit.recurrence is not None else task.recurrence
    warnings = check_deadline(task.notice, edit.deadline, force=force) if edit.deadline else []
    if edit.recurrence_day is not None:
        check_day(task, edit.recurrence_day, recurrence)
    rec = Recorder(session, task, editor, note="correction")
    before = snapshot(task)
    if edit.text is not None:
        rec.record("text", task.text, edit.text.strip())
        task.text = edit.text.strip()
    if lead is not None or support is not None:
        _apply_units(session, task, rec, lead=lead, support=support)
    if edit.deadline is not None:
        rec.record("deadline", task.deadline, edit.deadline)
        rec.record("original_deadline", task.original_deadline, edit.deadline)
        task.deadline = task.original_deadline = edit.deadline
        task.deadline_text = None
    if edit.recurrence is not None:
        rec.record("recurrence", task.recurrence, recurrence)
        task.recurrence = recurrence
    if edit.recurrence_day is not None:
        set_day(task, rec, edit.recurrence_day, dated=edit.deadline is not None)
    if not rec.changes:
        raise InputError(
            f"nothing to change on {task_token(task.id)}: give --text, --lead, --support, --deadline, "
            "--recurrence or --day"
        )
    rec.record("needs_review", task.needs_review, False)
    task.needs_review = False
    return finish(session, task, rec, before, warnings=warnings, notify=notify)


def _apply_units(
    session: Session, task: Task, rec: Recorder, *, lead: list[str] | None, support: list[str] | None
) -> None:
    old_lead, old_support = task.unit_names(Role.LEAD), task.unit_names(Role.SUPPORT)
    new_lead = lead if lead is not None else old_lead
    new_support = [name for name in (support if support is not None else old_support) if name not in new_lead]
    rec.record("lead", old_lead, new_lead)
    rec.record("support", old_support, new_support)
    set_units(session, task, lead=new_lead, support=new_support)


def complete(
    session: Session, task_id: int, editor: Editor, *, note: str | None = None, notify: Notify | None = None
) -> EditOutcome:
    """Done: on time or late, measured against the ORIGINAL deadline."""
    task = get_task(session, task_id)
    return _set_status(session, task, None, editor, reason=note, notify=notify)


def reopen(
    session: Session, task_id: int, editor: Editor, *, note: str | None = None, notify: Notify | None = None
) -> EditOutcome:
    return _set_status(
        session, get_task(session, task_id), TaskStatus.OPEN, editor, reason=note, notify=notify
    )


def cancel(
    session: Session, task_id: int, editor: Editor, *, reason: str, notify: Notify | None = None
) -> EditOutcome:
    if not reason.strip():
        raise InputError("a cancellation needs a --reason")
    return _set_status(
        session,
        get_task(session, task_id),
        TaskStatus.CANCELLED,
        editor,
        reason=reason.strip(),
        notify=notify,
    )


def reject(
    session: Session, task_id: int, editor: Editor, *, reason: str | None = None, notify: Notify | None = None
) -> EditOutcome:
    """Not a task at all (extraction mistook a sentence for a directive)."""
    return _set_status(
        session,
        get_task(session, task_id),
        TaskStatus.REJECTED,
        editor,
        reason=(reason or "not a task").strip(),
        notify=notify,
    )


def _set_status(
    session: Session,
    task: Task,
    target: TaskStatus | None,
    editor: Editor,
    *,
    reason: str | None,
    notify: Notify | None,
) -> EditOutcome:
    """Through the one writer of status changes (service.tasks.closing); None: done, on time or late."""
    _open_task(task)
    rec = Recorder(session, task, editor, note=reason)
    before = snapshot(task)
    if target is None:
        done(rec, today=editor.today)
    else:
        set_status(rec, target, reason=reason)
    return finish(session, task, rec, before, notify=notify, reason=reason)


def extend(
    session: Session,
    task_id: int,
    to: date,
    editor: Editor,
    *,
    reason: str,
    force: bool = False,
    notify: Notify | None = None,
) -> EditOutcome:
    """More time: the deadline moves, the original deadline stays (reports measure against it)."""
    task = get_task(session, task_id)
    _open_task(task)
    if task.status is not TaskStatus.OPEN:
        raise InputError(f"{task_token(task.id)} is {task.status.value}; reopen it before extending")
    if not reason.strip():
        raise InputError("an extension needs a --reason")
    if task.deadline is not None and to <= task.deadline:
        raise InputError(
            f"{vn_date(to)} is not later than the current deadline {vn_date(task.deadline)}; "
            "to correct a wrongly read deadline use `docket tasks edit --deadline`"
        )
    warnings = check_deadline(task.notice, to, force=force)
    rec = Recorder(session, task, editor, note=f"extension: {reason.strip()}")
    before = snapshot(task)
    request_id = approve_pending_extension(session, task, to, editor, rec)
    if request_id is None:
        extend_task(rec, to)
    else:
        warnings.append(f"approved the pending extension request #{request_id}")
    return finish(session, task, rec, before, warnings=warnings, notify=notify, reason=reason.strip())


def approve_pending_extension(
    session: Session, task: Task, to: date, editor: Editor, rec: Recorder
) -> int | None:
    """Approve the unit's pending request (xin gia hạn) to the date given, through
    service.tasks.extensions."""
    request = session.scalars(
        select(ExtensionRequest)
        .where(ExtensionRequest.task_id == task.id, ExtensionRequest.status == ExtensionStatus.PENDING)
        .order_by(ExtensionRequest.id.desc())
    ).first()
    if request is None:
        return None
    approve_extension(session, request.id, editor.actor, editor.now, to=to, rec=rec)
    return request.id


def merge(
    session: Session, keep_id: int, drop_id: int, editor: Editor, *, notify: Notify | None = None
) -> tuple[EditOutcome, EditOutcome]:
    """Two tasks are one: B's units join A (a lead of either stays a lead), B closes as merged into A."""
    if keep_id == drop_id:
        raise InputError("merge needs two different tasks")
    keep, drop = get_task(session, keep_id), get_task(session, drop_id)
    _open_task(keep)
    _open_task(drop)
    if keep.notice_id != drop.notice_id:
        raise InputError(
            f"{task_token(keep.id)} and {task_token(drop.id)} come from different notices; only tasks of "
            "one notice merge"
        )
    lead = list(dict.fromkeys([*keep.unit_names(Role.LEAD), *drop.unit_names(Role.LEAD)]))
    support = [
        n
        for n in dict.fromkeys([*keep.unit_names(Role.SUPPORT), *drop.unit_names(Role.SUPPORT)])
        if n not in lead
    ]
    rec_keep = Recorder(session, keep, editor, note=f"merged with {task_token(drop.id)}")
    before_keep = snapshot(keep)
    _apply_units(session, keep, rec_keep, lead=lead, support=support)
    if keep.deadline is None and drop.deadline is not None:
        rec_keep.record("deadline", None, drop.deadline)
        keep.deadline, keep.original_deadline = drop.deadline, drop.original_deadline or drop.deadline
    rec_keep.record("merged_from", None, task_token(drop.id))
    kept = finish(session, keep, rec_keep, before_keep, notify=notify)
    rec_drop = Recorder(session, drop, editor, note=f"merged into {task_token(keep.id)}")
    before_drop = snapshot(drop)
    rec_drop.record("merged_into", None, task_token(keep.id))
    drop.merged_into_id = keep.id
    if drop.status is TaskStatus.OPEN:
        set_status(rec_drop, TaskStatus.CANCELLED, reason=f"merged into {task_token(keep.id)}")
    dropped = finish(session, drop, rec_drop, before_drop, notify=None)
    return kept, dropped


def add_task(
    session: Session,
    notice_id: int,
    edit: TaskEdit,
    editor: Editor,
    *,
    force: bool = False,
    notify: Notify | None = None,
) -> EditOutcome:
    """A directive the extractor missed, added by hand (manual from the start)."""
    notice = get_notice(session, notice_id)
    if not (edit.text or "").strip():
        raise InputError("a new task needs its text (--text)")
    if not edit.lead:
        raise InputError("a new task needs a lead unit (--lead)")
    lead = resolve_units(session, edit.lead)
    support = [n for n in resolve_units(session, edit.support or ()) if n not in lead]
    recurrence = parse_recurrence(edit.recurrence) if edit.recurrence is not None else None
    warnings = check_deadline(notice, edit.deadline, force=force) if edit.deadline else []
    text = (edit.text or "").strip()
    task = Task(
        notice=notice,
        seq=len(notice.tasks),
        text=text,
        original_deadline=edit.deadline,
        deadline=edit.deadline,
        recurrence=recurrence,
        status=TaskStatus.OPEN,
        confidence=1.0,
        needs_review=False,
        manual=True,
        fingerprint=task_fingerprint(text + "|" + ",".join(lead)),
        created_at=editor.now,
        updated_at=editor.now,
    )
    session.add(task)
    set_units(session, task, lead=lead, support=support)
    session.flush()
    rec = Recorder(session, task, editor, note="added by hand")
    rec.record("created", None, created_after("hand", notice=notice_token(notice.id)))
    before = Before((), (), task.deadline, TaskStatus.OPEN)
    return finish(session, task, rec, before, warnings=warnings, notify=notify)
