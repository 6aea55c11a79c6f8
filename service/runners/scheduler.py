"""The periodic pass (`run_due(app)`): held assignments whose review window passed, recurrences, reminders,
escalations and digests due at app.clock.now().

Everything is queued with a dedupe key, so a second pass at the same moment queues nothing new:
    reminder:{task}:{level}:{day}   escalation:{task}:{level}:{day}   (the record of each step;
    service.tasks.bundles)
    bundle:{unit}:{day}             escalation:org:{day}               (what goes out: one mail per unit and
    day)
    digest:unit:{unit}:{iso week}   digest:org:{iso week}
Reminders, their bundles and the digests share one transaction (the leaders' items of the day go into their
digest); the other parts run in their own. Mail is only queued here; the relay sends it in office hours.

Mail policy: a unit hears at most once a day about its reminders and escalations (one bundle) and on the
weekly day gets a digest only when it has something overdue or due within `due_soon_working_days`; the
leaders (the director) and the Office get the organisation digest weekly, and on the days when a step of the
policy names them, instead of one mail per task.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from outbox import compose
from outbox.enqueue import enqueue
from rules.calendar import WorkCalendar
from rules.escalation import Policy, digest_day, due_step
from service.store.models import AssignmentHold, Task
from service.store.stages import Role, TaskStatus
from service.tasks.bundles import Carrier, Due, add_weekly, dispatch, enqueue_numbered, pending_units
from service.tasks.grid import VnStatus, count_grid, reference_deadline, vn_status
from service.tasks.holds import release_due
from service.tasks.notify import task_mail
from service.tasks.recipients import address_book
from service.tasks.recurrences import create_due_occurrences, date_undated_series
from service.wiring import App

log = logging.getLogger("docket.scheduler")


def run_due(app: App) -> int:
    """Queue what is due now; returns the number of mails queued plus occurrences created."""
    now = app.clock.now()
    today = now.astimezone(app.settings.tz).date()
    policy = app.policy
    with app.sessions.begin() as session:
        released = release_due(app, session, now=now)
    with app.sessions.begin() as session:
        created = date_undated_series(session, tz=app.settings.tz, now=now)
        created += create_due_occurrences(session, today=today, now=now)
    # one transaction: a crash leaves all of it to the next pass, or none
    with app.sessions.begin() as session:
        day = queue_reminders(app, session, policy, today=today, now=now)
        reminded = day.queued
        digests = queue_digests(
            app, session, policy, today=today, now=now, escalated=day.escalated, carriers=day.bundles
        )
    if released or created or reminded or digests:
        log.info(
            "scheduler %s: %s held assignments released, %s occurrences, %s reminders/escalations, %s "
            "digests",
            today,
            released,
            created,
            reminded,
            digests,
        )
    return released + created + reminded + digests


# units not told yet: no reminders before the assignment
_held = (
    select(AssignmentHold.id)
    .where(AssignmentHold.notice_id == Task.notice_id, AssignmentHold.released_at.is_(None))
    .exists()
)


def _open_tasks(session: Session) -> list[Task]:
    stmt = (
        select(Task)
        .where(Task.status == TaskStatus.OPEN, Task.merged_into_id.is_(None), ~_held)
        .options(selectinload(Task.units), selectinload(Task.notice))
        .order_by(Task.id)
    )
    return list(session.scalars(stmt))


def queue_reminders(app: App, session: Session, policy: Policy, *, today: date, now: datetime) -> Any:
    """Record each step due today (one row per task and step), then queue the mails that carry them
    (service.tasks.bundles.dispatch); returns its DayMail (mails queued, the leaders' items)."""
    book = address_book(session)
    domain, tz, calendar = app.settings.message_id_domain, app.settings.tz, app.calendar
    dues: list[Due] = []
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
            log.warning(
                "task %s: nobody to send %s to (unknown unit or no address in the directory)",
                task.id,
                step.rule.level,
            )
            continue
        offset = _offset(task.deadline, today, calendar)
        mail = compose.reminder(
            task=task_mail(task),
            level=step.rule.level,
            offset=offset if step.offset else 0,
            today=today,
            to=tuple(to),
            cc=tuple(cc),
            domain=domain,
        )
        key = f"{step.rule.kind}:{task.id}:{step.rule.level}:{step.on.isoformat()}"
        row = enqueue(
            session, mail, dedupe_key=key, now=now, domain=domain, task_id=task.id, notice_id=task.notice_id
        )
        if row is not None:
            dues.append(Due(task, row, offset if step.offset else 0, step.rule.to, step.rule.cc))
    return dispatch(app, session, book, dues, today=today, now=now)


def _offset(deadline: date, today: date, calendar: WorkCalendar) -> int:
    """Working days from the deadline: negative before it, positive after it."""
    return (
        calendar.working_days_between(deadline, today)
        if today > deadline
        else -calendar.working_days_between(today, deadline)
    )


def _in_scope(task: Task, today: date, tz: object) -> bool:
    """A digest shows open tasks, and closed ones completed this calendar year."""
    if task.status is TaskStatus.OPEN:
        return True
    return task.completed_at is not None and task.completed_at.astimezone(tz).year == today.year  # type: ignore[arg-type]


def queue_digests(
    app: App,
    session: Session,
    policy: Policy,
    *,
    today: date,
    now: datetime,
    escalated: list[compose.DueItem] | None = None,
    carriers: dict[int, Carrier] | None = None,
) -> int:
    """On the weekly day: each lead unit's digest (only when something is overdue or due soon; inside its mail
    of the day when it has one; none for the Office, which reads the organisation digest) and the
    organisation digest; on other days the organisation digest only when steps named the leaders today."""
    escalated = escalated or []
    weekly = digest_day(policy, today, app.calendar)
    if not weekly and not escalated:
        return 0
    tz, domain, soon = app.settings.tz, app.settings.message_id_domain, app.settings.due_soon_working_days
    year, week, _ = today.isocalendar()
    book = address_book(session)
    stmt = (
        select(Task)
        .where(Task.merged_into_id.is_(None), ~_held)
        .options(selectinload(Task.units), selectinload(Task.notice))
    )
    tasks = [
        t for t in session.scalars(stmt) if _in_scope(t, today, tz) and vn_status(t, today, tz=tz) is not None
    ]
    statuses = {t.id: vn_status(t, today, tz=tz) for t in tasks}
    late = {
        t.id: app.calendar.working_days_between(reference_deadline(t), today)  # type: ignore[arg-type]
        for t in tasks
        if statuses[t.id] is VnStatus.OVERDUE
    }
    left = {
        t.id: app.calendar.working_days_between(today, t.deadline)
        for t in tasks
        if statuses[t.id] is VnStatus.IN_PROGRESS
        and t.status is TaskStatus.OPEN
        and t.deadline
        and t.deadline >= today
    }
    left = {k: v for k, v in left.items() if v <= soon} if soon else {}
    queued = 0
    if weekly:
        for unit in book.units.values():
            own = [t for t in tasks if unit in book.role_units(t, Role.LEAD)]
            overdue = sorted(((task_mail(t), late[t.id]) for t in own if t.id in late), key=lambda p: -p[1])
            due_soon = sorted(((task_mail(t), left[t.id]) for t in own if t.id in left), key=lambda p: p[1])
            if not unit.email or not (overdue or due_soon) or unit is book.office:
                continue  # no empty digests; the Office reads the organisation digest
            grid = _grid(own, today, tz)
            mail = compose.digest(
                unit=unit.name,
                week=f"{week:02d}/{year}",
                today=today,
                grid=grid,
                overdue=overdue,
                to=(unit.email,),
                cc=(),
                due_soon=due_soon,
                soon_days=soon,
            )
            row = enqueue(
                session, mail, dedupe_key=f"digest:unit:{unit.id}:{year}-W{week:02d}", now=now, domain=domain
            )
            carrier = (carriers or {}).get(unit.id)
            # one mail for the unit today: the digest rides in its bundle
            if row is not None and carrier is not None:
                add_weekly(
                    app,
                    carrier,
                    row,
                    compose.Weekly(f"{week:02d}/{year}", grid, overdue, due_soon, soon),
                    today=today,
                )
            else:
                queued += row is not None
    return queued + _org_digest(
        app, session, book, tasks, late, left, escalated, weekly=weekly, today=today, now=now
    )


def _grid(tasks: list[Task], today: date, tz: ZoneInfo) -> list[tuple[str, int]]:
    """The four-status grid of a digest: each cell's label and how many of the tasks are in it."""
    return [(cell.label, count) for cell, count in count_grid(tasks, today, tz=tz).items()]


def _org_digest(
    app: App,
    session: Session,
    book: Any,
    tasks: list[Task],
    late: dict[int, int],
    left: dict[int, int],
    escalated: list[compose.DueItem],
    *,
    weekly: bool,
    today: date,
    now: datetime,
) -> int:
    """The organisation digest, to the director with the Office in copy (or to the Office alone)."""
    to = [
        a
        for a in (book.director.email if book.director else None, book.office.email if book.office else None)
        if a
    ]
    if not to:
        return 0
    named = {i.task.id for i in escalated}
    item = {t.id: t for t in tasks}

    def items(ids: Any, sign: int) -> list[compose.DueItem]:
        return [
            compose.DueItem(task_mail(item[i]), sign * days, pending_units(book, item[i])) for i, days in ids
        ]

    still = (
        items(sorted(((i, d) for i, d in late.items() if i not in named), key=lambda p: -p[1]), 1)
        if weekly
        else []
    )
    coming = items(sorted(left.items(), key=lambda p: p[1]), -1) if weekly else []
    if not (escalated or still or coming):
        return 0  # nothing overdue, nothing due soon: no mail
    year, week, _ = today.isocalendar()
    domain, soon = app.settings.message_id_domain, app.settings.due_soon_working_days
    if weekly:
        grid = _grid(tasks, today, app.settings.tz)
        mail = compose.org_digest(
            today=today,
            week=f"{week:02d}/{year}",
            grid=grid,
            escalated=escalated,
            still_overdue=still,
            coming_due=coming,
            soon_days=soon,
            to=tuple(to[:1]),
            cc=tuple(to[1:]),
        )
        if (
            enqueue(session, mail, dedupe_key=f"digest:org:{year}-W{week:02d}", now=now, domain=domain)
            is not None
        ):
            return 1
        if not escalated:
            return (
                0  # an earlier pass of the day sent the weekly digest; a later one adds only new escalations
            )
    mail = compose.org_digest(
        today=today,
        week=None,
        grid=[],
        escalated=escalated,
        still_overdue=[],
        coming_due=[],
        soon_days=soon,
        to=tuple(to[:1]),
        cc=tuple(to[1:]),
    )
    key = f"escalation:org:{today.isoformat()}"
    return enqueue_numbered(session, mail, key=key, now=now, domain=domain) is not None
