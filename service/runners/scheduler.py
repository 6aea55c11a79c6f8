"""The periodic pass (`run_due(app)`): held assignments whose review window passed, recurrences, reminders,
escalations and digests due at app.clock.now().

Everything is queued with a dedupe key, so a second pass at the same moment queues nothing new:
    reminder:{task}:{level}:{day}   escalation:{task}:{level}:{day}
    digest:unit:{unit}:{iso week}   digest:office:{iso week}
Each part runs in its own transaction. Mail is only queued here; the relay sends it in office hours.
"""
from __future__ import annotations

import logging
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from outbox import compose
from outbox.enqueue import enqueue
from rules.escalation import Policy, due_step, load_policy
from service.tasks.holds import release_due
from service.store.models import AssignmentHold, Task
from service.tasks.notify import task_mail
from service.tasks.recipients import address_book
from service.tasks.recurrences import create_due_occurrences, date_undated_series
from service.store.stages import Role, TaskStatus
from service.tasks.status import GRID, VnStatus, reference_deadline, vn_status
from service.wiring import App

log = logging.getLogger("docket.scheduler")


@lru_cache(maxsize=8)
def _policy(path: Path | None) -> Policy:
    return load_policy(path)


def policy_for(app: App) -> Policy:
    return _policy(app.settings.escalation_policy)


def run_due(app: App) -> int:
    """Queue what is due now; returns the number of mails queued plus occurrences created."""
    now = app.clock.now()
    today = now.astimezone(app.settings.tz).date()
    policy = policy_for(app)
    with app.sessions.begin() as session:
        released = release_due(app, session, now=now)
    with app.sessions.begin() as session:
        created = date_undated_series(session, tz=app.settings.tz, now=now)
        created += create_due_occurrences(session, today=today, now=now)
    with app.sessions.begin() as session:
        reminded = queue_reminders(app, session, policy, today=today, now=now)
    with app.sessions.begin() as session:
        digests = queue_digests(app, session, policy, today=today, now=now)
    if released or created or reminded or digests:
        log.info("scheduler %s: %s held assignments released, %s occurrences, %s reminders/escalations, %s digests",
                 today, released, created, reminded, digests)
    return released + created + reminded + digests


_held = (select(AssignmentHold.id).where(AssignmentHold.notice_id == Task.notice_id, AssignmentHold.released_at.is_(None))
         .exists())  # units not told yet: no reminders before the assignment


def _open_tasks(session: Session) -> list[Task]:
    stmt = (
        select(Task).where(Task.status == TaskStatus.OPEN, Task.merged_into_id.is_(None), ~_held)
        .options(selectinload(Task.units), selectinload(Task.notice)).order_by(Task.id)
    )
    return list(session.scalars(stmt))


def queue_reminders(app: App, session: Session, policy: Policy, *, today: date, now: datetime) -> int:
    book = address_book(session)
    domain, tz, calendar = app.settings.message_id_domain, app.settings.tz, app.calendar
    queued = 0
    for task in _open_tasks(session):
        if task.deadline is None:
            continue
        created = task.created_at.astimezone(tz).date()
        step = due_step(policy, deadline=task.deadline, today=today, calendar=calendar, not_before=created)
        if step is None:
            continue
        to = book.addresses(step.rule.to, task)
        cc = [a for a in book.addresses(step.rule.cc, task) if a not in to]
        if not to:
            to, cc = cc[:1], cc[1:]
        if not to:
            log.warning("task %s: nobody to send %s to (unknown unit or no address in the directory)", task.id, step.rule.level)
            continue
        offset = _offset(task.deadline, today, calendar)
        mail = compose.reminder(task=task_mail(task), level=step.rule.level, offset=offset if step.offset else 0,
                                today=today, to=tuple(to), cc=tuple(cc), domain=domain)
        key = f"{step.rule.kind}:{task.id}:{step.rule.level}:{step.on.isoformat()}"
        queued += enqueue(session, mail, dedupe_key=key, now=now, domain=domain, task_id=task.id,
                          notice_id=task.notice_id) is not None
    return queued


def _offset(deadline: date, today: date, calendar: object) -> int:
    """Working days from the deadline: negative before it, positive after it."""
    return calendar.working_days_between(deadline, today) if today > deadline else -calendar.working_days_between(today, deadline)  # type: ignore[attr-defined]


def _in_scope(task: Task, today: date, tz: object) -> bool:
    """A digest shows open tasks, and closed ones completed this calendar year."""
    if task.status is TaskStatus.OPEN:
        return True
    return task.completed_at is not None and task.completed_at.astimezone(tz).year == today.year  # type: ignore[arg-type]


def queue_digests(app: App, session: Session, policy: Policy, *, today: date, now: datetime) -> int:
    from rules.escalation import digest_day

    if not digest_day(policy, today, app.calendar):
        return 0
    tz, domain = app.settings.tz, app.settings.message_id_domain
    year, week, _ = today.isocalendar()
    week_label = f"{week:02d}/{year}"
    book = address_book(session)
    stmt = select(Task).where(Task.merged_into_id.is_(None), ~_held).options(selectinload(Task.units), selectinload(Task.notice))
    tasks = [t for t in session.scalars(stmt) if _in_scope(t, today, tz) and vn_status(t, today, tz=tz) is not None]
    queued = 0
    targets = [(f"digest:unit:{u.id}:{year}-W{week:02d}", u.name, u.email, [t for t in tasks if u in book.role_units(t, Role.LEAD)])
               for u in book.units.values() if u.email]
    if book.office and book.office.email:
        targets.append((f"digest:office:{year}-W{week:02d}", f"{book.office.name} (toàn cơ quan)", book.office.email, tasks))
    for key, name, address, own in targets:
        statuses = {t.id: vn_status(t, today, tz=tz) for t in own}
        grid = [(cell.label, sum(1 for s in statuses.values() if s is cell)) for cell in GRID]
        overdue = [(task_mail(t), app.calendar.working_days_between(reference_deadline(t), today))  # type: ignore[arg-type]
                   for t in own if statuses[t.id] is VnStatus.OVERDUE]
        overdue.sort(key=lambda pair: -pair[1])
        mail = compose.digest(unit=name, week=week_label, today=today, grid=grid, overdue=overdue, to=(address,), cc=())
        queued += enqueue(session, mail, dedupe_key=key, now=now, domain=domain) is not None
    return queued
