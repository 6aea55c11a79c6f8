"""Review before a wide send-out: a notice's assignment mails wait when they would reach many units.

A notice is held when its new tasks name `wide_send_units` distinct units or more (every unit counts
as all of them) or one of them is flagged for review. The mails go out when the clerk agrees (the
reply handler calls `release_notice`), when an admin runs `docket notices release TB-…`, or when the
review window (`review_window_hours` working hours, on the office calendar) has passed
(`release_due`, from the scheduler). Every release is recorded in each task's history.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from outbox.hours import OfficeHours
from rules.display import notice_token, task_token
from rules.text import fold
from service.errors import InputError
from service.store.models import AssignmentHold, Notice, Task
from service.store.stages import Role
from service.tasks import revisions
from service.tasks.events import write_event
from service.tasks.notify import active_hold, send_assignments
from service.tasks.recipients import AddressBook, address_book
from service.wiring import office_hours

WINDOW_ACTOR = "docket (hết thời gian rà soát)"


def add_working_hours(start: datetime, hours: float, office: OfficeHours) -> datetime:
    """`start` plus `hours` counted only inside office hours on working days."""
    left, at = timedelta(hours=hours), office.next_open(start)
    for _ in range(400):
        local = at.astimezone(office.tz)
        close = datetime.combine(local.date(), office.end, tzinfo=office.tz)
        if at + left <= close:
            return at + left
        left -= close - at
        at = office.next_open(close)
    raise ValueError("no working hours within 400 days")  # pragma: no cover - a broken calendar


def hold_reason(tasks: Iterable[Task], book: AddressBook, *, wide: int) -> str | None:
    """Why these tasks' assignments should wait for review (Vietnamese), or None."""
    tasks = list(tasks)
    units = {u.id for t in tasks for role in Role for u in book.role_units(t, role, pending_only=False)}
    if wide and len(units) >= wide:
        return f"giao việc cho {len(units)} phòng, đơn vị"
    flagged = [t for t in tasks if t.needs_review]
    if flagged:
        return "có nhiệm vụ cần rà soát (" + ", ".join(task_token(t.id) for t in flagged) + ")"
    return None


@dataclass(frozen=True, slots=True)
class HoldView:
    """What the confirmation tells the clerk: why the assignments wait, and until when (office time)."""

    reason: str
    until: datetime


def hold_view(session: Session, notice_id: int, *, tz: Any) -> HoldView | None:
    row = active_hold(session, notice_id)
    return HoldView(row.reason, row.held_until.astimezone(tz)) if row else None


def hold(session: Session, notice: Notice, *, reason: str, until: datetime, now: datetime) -> AssignmentHold:
    row = session.scalar(select(AssignmentHold).where(AssignmentHold.notice_id == notice.id))
    if row is None:
        row = AssignmentHold(notice_id=notice.id, reason=reason, held_until=until, created_at=now)
        session.add(row)
    elif row.released_at is not None:  # new tasks of a notice already released: a fresh hold
        row.reason, row.held_until, row.created_at, row.released_at, row.released_by = (
            reason,
            until,
            now,
            None,
            None,
        )
    session.flush()
    return row


def queue_assignments(app: Any, session: Session, result: Any, *, now: datetime) -> int:
    """Assignments for the notice's new tasks (service.tasks.notify.send_assignments), unless they must
    wait for review: then the notice is held. Returns mails queued. Called by service.runners.process in
    the transaction that stores the tasks."""
    tasks = [t for t in result.new_tasks if not t.status.is_closed]
    if not tasks:
        return 0
    settings = getattr(app, "settings", app)
    reason = hold_reason(tasks, address_book(session), wide=settings.wide_send_units)
    if reason is not None or active_hold(session, result.notice.id) is not None:
        until = add_working_hours(now, settings.review_window_hours, office_hours(app))
        hold(session, result.notice, reason=reason or "văn bản đang chờ rà soát", until=until, now=now)
        return 0
    return send_assignments(app, session, result.notice, tasks, now=now)


def release_notice(app: Any, session: Session, notice_id: int, *, actor: str, now: datetime) -> int:
    """Send the held assignments of a notice now (clerk's "đồng ý", admin, or window); returns mails queued.

    Raises InputError when the notice has nothing held. Audited: a TaskEvent on each task of the notice.
    """
    row = active_hold(session, notice_id)
    if row is None:
        raise InputError(f"{notice_token(notice_id)} has no assignments waiting for review")
    row.released_at, row.released_by = now, actor
    notice = session.get(Notice, notice_id)
    assert notice is not None
    tasks = [t for t in notice.tasks if not t.status.is_closed and t.merged_into_id is None]
    for task in tasks:
        write_event(
            session,
            task.id,
            "assignments_released",
            actor=actor,
            at=now,
            before="held",
            after="sent",
            note=row.reason,
        )
    session.flush()
    return send_assignments(app, session, notice, tasks, now=now)


def release_due(app: Any, session: Session, *, now: datetime) -> int:
    """Release every hold whose review window has passed; returns mails queued."""
    due = session.scalars(
        select(AssignmentHold.notice_id).where(
            AssignmentHold.released_at.is_(None), AssignmentHold.held_until <= now
        )
    ).all()
    return sum(release_notice(app, session, notice_id, actor=WINDOW_ACTOR, now=now) for notice_id in due)


AGREED = frozenset({"dong y", "toi dong y", "dong y gui"})  # folded: "Đồng ý.", "Tôi đồng ý", "đồng ý gửi"


@dataclass(frozen=True, slots=True)
class Agreement:
    """What a clerk's "đồng ý" did to one notice."""

    notice_id: int
    changed: int | None = None
    released: bool = False  # held assignment mails sent


def agree_by_reply(
    app: Any, session: Session, *, notice_ids: Iterable[int], sender: str, body: str, now: datetime
) -> Agreement | None:
    """The forwarding clerk answers a confirmation with a plain "đồng ý": the notice's waiting change (a
    re-forward with other tasks) is applied, and its held assignments are released.

    Returns what was done, or None (not a plain agreement, not the clerk, nothing waiting: left to the
    caller).
"""
    lines = [fold(line).strip(" .!") for line in body.splitlines() if line.strip()]
    if len(lines) != 1 or lines[0] not in AGREED:
        return None
    for notice_id in notice_ids:
        notice = session.get(Notice, notice_id)
        if notice is None:
            continue
        revision = revisions.agreed_by(session, notice, sender)
        changed = (
            revisions.apply(app, session, revision, actor=sender, now=now) if revision is not None else None
        )
        held = (notice.forwarder or "").lower() == sender.lower() and active_hold(
            session, notice_id
        ) is not None
        if held:
            release_notice(app, session, notice_id, actor=sender, now=now)
        if revision is not None or held:
            return Agreement(notice_id, changed, held)
    return None
