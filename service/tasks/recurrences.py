"""Recurring tasks: when an occurrence is done or passes its deadline, create the next one (Task.previous_id).

Monthly, quarterly, yearly (and weekly) series; the next deadline comes from rules.recurrence and
keeps "trước ngày 25" (recurrence_day). Each occurrence is a task of its own, with its own reminders.
A series known only by its day ("hằng tháng trước ngày 25", no date) gets its first deadline from the rule:
the first such day after the notice (`date_first_occurrence`, at registration and by the scheduler).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, selectinload

from rules.display import task_token
from rules.recurrence import KNOWN, MONTHS, first_deadline, next_deadline
from service.errors import InputError
from service.store.models import Task, TaskUnit
from service.store.stages import TaskStatus
from service.tasks.events import created_after, write_event
from service.tasks.parts import sync_parts

SYSTEM_ACTOR = "docket"
MAX_ROUNDS = 60  # catching up after a long stop creates at most this many occurrences per series in one pass
SERIES_STATUSES = (TaskStatus.OPEN, TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE)


def _candidates(session: Session) -> list[Task]:
    successor = aliased(Task)
    has_next = select(successor.id).where(successor.previous_id == Task.id).exists()
    stmt = (
        select(Task).where(Task.recurrence.in_(sorted(KNOWN)), Task.status.in_(SERIES_STATUSES),
                           Task.merged_into_id.is_(None), ~has_next)
        .options(selectinload(Task.units)).order_by(Task.id)
    )
    return list(session.scalars(stmt))


def _next_due(task: Task, today: date) -> tuple[bool, date | None]:
    """(is it time for the next occurrence, its deadline)."""
    base = task.original_deadline or task.deadline
    done = task.status is not TaskStatus.OPEN
    if base is None:
        return done, first_deadline(task.recurrence, today, day=task.recurrence_day) if done else None
    if not done and base >= today:
        return False, None
    return True, next_deadline(task.recurrence, base, day=task.recurrence_day)


def next_occurrence(session: Session, task: Task, *, deadline: date | None, now: datetime) -> Task:
    """Add the occurrence after `task`, with the same units and wording."""
    nxt = Task(
        notice_id=task.notice_id,
        seq=task.seq,
        text=task.text,
        source_part=task.source_part,
        source_start=task.source_start,
        source_end=task.source_end,
        original_deadline=deadline,
        deadline=deadline,
        deadline_text=task.deadline_text,
        recurrence=task.recurrence,
        recurrence_day=task.recurrence_day,
        status=TaskStatus.OPEN,
        confidence=task.confidence,
        needs_review=False,
        manual=task.manual,
        fingerprint=None,
        previous_id=task.id,
        created_at=now,
        updated_at=now,
    )
    for link in task.units:
        nxt.units.append(TaskUnit(name=link.name, role=link.role, unit_id=link.unit_id, known=link.known))
    session.add(nxt)
    sync_parts(session, nxt)  # a new occurrence: every unit owes its part again
    session.flush()
    write_event(
        session,
        nxt.id,
        "created",
        actor=SYSTEM_ACTOR,
        at=now,
        after=created_after("recurrence", previous=task_token(task.id), deadline=deadline),
    )
    return nxt


def date_first_occurrence(
    session: Session, task: Task, *, anchor: date, actor: str = SYSTEM_ACTOR, now: datetime
) -> bool:
    """A series known only by its rule ("hằng tháng trước ngày 25") gets its first deadline: the first such
    day after `anchor` (the notice's date). Audited; returns True when a deadline was set."""
    if task.deadline is not None or task.status is not TaskStatus.OPEN:
        return False
    first = first_deadline(task.recurrence, anchor, day=task.recurrence_day)
    if first is None:
        return False
    task.deadline = task.original_deadline = first
    write_event(
        session,
        task.id,
        "deadline",
        actor=actor,
        at=now,
        after=first,
        note="lần đầu của nhiệm vụ định kỳ, tính theo quy tắc lặp lại",
    )
    return True


def date_undated_series(session: Session, *, tz: object, now: datetime) -> int:
    """Give every open recurring task without a deadline its first occurrence (tasks stored before this
    rule)."""
    stmt = (
        select(Task)
        .where(
            Task.recurrence.in_(sorted(KNOWN)),
            Task.status == TaskStatus.OPEN,
            Task.deadline.is_(None),
            Task.recurrence_day.is_not(None),
            Task.merged_into_id.is_(None),
        )
        .options(selectinload(Task.notice))
        .order_by(Task.id)
    )
    return sum(
        date_first_occurrence(session, t, anchor=anchor_of(t, tz), now=now) for t in session.scalars(stmt)
    )


def anchor_of(task: Task, tz: object) -> date:
    """The day a series starts from: the notice's date, else the day the task was registered."""
    return task.notice.issued_date or task.created_at.astimezone(tz).date()  # type: ignore[arg-type]


def create_due_occurrences(session: Session, *, today: date, now: datetime) -> int:
    created = 0
    for _ in range(MAX_ROUNDS):
        round_created = 0
        for task in _candidates(session):
            due, deadline = _next_due(task, today)
            if not due:
                continue
            locked = session.scalars(select(Task).where(Task.id == task.id).with_for_update()).one()
            if session.scalar(select(Task.id).where(Task.previous_id == locked.id)) is not None:
                continue  # another worker made it meanwhile
            next_occurrence(session, locked, deadline=deadline, now=now)
            round_created += 1
        created += round_created
        if not round_created:
            break
    return created


def check_day(task: Task, day: int, recurrence: str | None) -> None:
    """`tasks edit --day`: a day of the month, on a monthly, quarterly or yearly task (InputError
    otherwise)."""
    if not 1 <= day <= 31:
        raise InputError(f"--day {day}: a day of the month is 1 to 31")
    if recurrence not in MONTHS:
        raise InputError(
            f"--day needs a monthly, quarterly or yearly task; {task_token(task.id)} is "
            f"{recurrence or 'not recurring'} (give --recurrence monthly too)"
        )


def set_day(task: Task, rec: Any, day: int, *, dated: bool) -> None:
    """The day of the period a recurring task is due; unless a deadline is given too, the current
    occurrence moves to the first such day after the notice (rules.recurrence.first_deadline)."""
    rec.record("recurrence_day", task.recurrence_day, day)
    task.recurrence_day = day
    first = first_deadline(task.recurrence, task.notice.issued_date or task.created_at.date(), day=day)
    if dated or first is None or task.status is not TaskStatus.OPEN:
        return
    rec.record("deadline", task.deadline, first)
    rec.record("original_deadline", task.original_deadline, first)
    task.deadline = task.original_deadline = first
    task.deadline_text = None
