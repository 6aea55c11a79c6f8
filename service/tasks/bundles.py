"""Turn the day's due reminders and escalations into the mails that go out: one per unit, one for the leaders.

The scheduler writes one outbox row per task and step as before (`reminder:{task}:{level}:{day}`): that row
is the record of what was due, to whom, and its dedupe key is what makes a step happen once. Here, in the
same transaction:
- with `bundle_daily` (the default) each unit concerned gets one mail, `bundle:{unit}:{day}`, carrying all
  its items; the per-task rows become `bundled` (never sent; their headers name the bundle);
- without it, each per-task row is sent itself, addressed to the units only;
- either way the steps addressed to the Office or the director reach them in the organisation digest
  (`digest:org:{week}` on the weekly day, else `escalation:org:{day}`), worded for leaders, never per task.
A crash before the commit leaves nothing (the next pass queues it all again); after it, everything is queued
once. A second pass the same day with new items gets a second mail (`…:{day}:2`), never a repeat of the first.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from outbox import compose
from outbox.enqueue import BUNDLED_IN, enqueue
from outbox.mail import OutgoingMail
from service.store.models import Task, Unit
from outbox.models import OutboxMessage
from service.tasks.notify import task_mail
from rules.units import EVERY_UNIT
from service.tasks.recipients import AddressBook
from service.store.stages import Role
from outbox.models import OutboxStatus

log = logging.getLogger("docket.scheduler")
LEADER_ROLES = frozenset({"office", "director"})
MAX_SAME_DAY = 20  # numbered mails for one unit and day before giving up (each pass with new items adds one)


@dataclass(frozen=True, slots=True)
class Due:
    """One step due today for one task, and the per-task outbox row that records it."""

    task: Task
    row: OutboxMessage
    offset: int  # working days from the deadline: < 0 before, 0 on the day, > 0 overdue
    to_roles: tuple[str, ...]  # the policy's roles of the step (lead, lead_head, support, office, director)
    cc_roles: tuple[str, ...] = ()

    @property
    def roles(self) -> tuple[str, ...]:
        return (*self.to_roles, *self.cc_roles)

    @property
    def for_leaders(self) -> bool:
        return bool(LEADER_ROLES & set(self.roles))


@dataclass(slots=True)
class DayMail:
    """What one pass queued: mails sent (bundles, per-task rows, the leaders' mail) and the leaders' items."""

    queued: int = 0
    escalated: list[compose.DueItem] = field(default_factory=list)
    # by unit id: the mail queued for it in this pass
    bundles: dict[int, Carrier] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Carrier:
    """A unit's mail of the day as queued, and what it was made of (to add the weekly digest to it)."""

    row: OutboxMessage
    unit: str
    items: tuple[compose.DueItem, ...]


def unit_roles(roles: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(r for r in roles if r not in LEADER_ROLES)


def pending_units(book: AddressBook, task: Task) -> tuple[str, ...]:
    """The lead units that have not finished (for an every-unit task, the ones still open; '*' while it is
    all)."""
    units = book.role_units(task, Role.LEAD)
    if EVERY_UNIT in task.unit_names(Role.LEAD) and len(units) == len(book.units):
        return (EVERY_UNIT,)
    return tuple(u.name for u in units)


def dispatch(
    app: Any, session: Session, book: AddressBook, dues: list[Due], *, today: date, now: datetime
) -> DayMail:
    """Queue the unit mails for these newly recorded steps; returns the count and the leaders' items."""
    out = DayMail()
    out.escalated = [
        compose.DueItem(task_mail(d.task), d.offset, pending_units(book, d.task))
        for d in dues
        if d.for_leaders
    ]
    if app.settings.bundle_daily:
        out.queued += _bundles(app, session, book, dues, today=today, now=now, carriers=out.bundles)
    else:
        out.queued += _singles(session, book, dues)
    return out


def _units_of(book: AddressBook, due: Due) -> dict[int, tuple[Unit, bool]]:
    """The units a step reaches (by the policy's unit roles), and whether their head is among its
    addressees."""
    found: dict[int, tuple[Unit, bool]] = {}
    for role in unit_roles(due.roles):
        units = book.role_units(due.task, Role.SUPPORT if role == "support" else Role.LEAD)
        for unit in units:
            head = found.get(unit.id, (unit, False))[1] or role == "lead_head"
            found[unit.id] = (unit, head)
    return found


def _bundles(
    app: Any,
    session: Session,
    book: AddressBook,
    dues: list[Due],
    *,
    today: date,
    now: datetime,
    carriers: dict[int, Carrier],
) -> int:
    items: dict[int, list[Due]] = defaultdict(list)
    heads: dict[int, bool] = defaultdict(bool)
    units: dict[int, Unit] = {}
    for due in dues:
        for unit_id, (unit, head) in _units_of(book, due).items():
            items[unit_id].append(due)
            heads[unit_id] |= head
            units[unit_id] = unit
    domain = app.settings.message_id_domain
    queued, bundled_in = 0, defaultdict[int, list[str]](list)
    for unit_id, group in sorted(items.items()):
        unit = units[unit_id]
        to = unit.email or (unit.head_email if heads[unit_id] else None)
        if not to:
            log.warning("unit %s: no address in the directory for its reminders of %s", unit.name, today)
            continue
        cc = (unit.head_email,) if heads[unit_id] and unit.head_email and unit.head_email != to else ()
        cards = tuple(compose.DueItem(task_mail(d.task), d.offset) for d in group)
        mail = compose.bundle(unit=unit.name, today=today, items=list(cards), to=(to,), cc=cc, domain=domain)
        row = enqueue_numbered(
            session,
            mail,
            key=f"bundle:{unit.id}:{today.isoformat()}",
            now=now,
            domain=domain,
            task_id=group[0].task.id if len(group) == 1 else None,
        )
        if row is not None:
            queued += 1
            carriers[unit_id] = Carrier(row, unit.name, cards)
            for due in group:
                bundled_in[due.row.id].append(row.message_id)
    for due in dues:
        if bundled_in.get(due.row.id) or not _units_of(book, due):
            mark_bundled(due.row, bundled_in.get(due.row.id, []))
    return queued


def mark_bundled(row: OutboxMessage, carried_by: list[str]) -> None:
    """The per-task row stays as the record of the step; its content went out inside these mails."""
    row.status = OutboxStatus.BUNDLED
    row.headers = {**(row.headers or {}), BUNDLED_IN: " ".join(carried_by) or "organisation digest"}


def _singles(session: Session, book: AddressBook, dues: list[Due]) -> int:
    """Without bundling: each per-task row goes out itself, to the units only (leaders read their digest)."""
    sent = 0
    for due in dues:
        if due.for_leaders:
            to = book.addresses(unit_roles(due.to_roles), due.task)
            cc = [a for a in book.addresses(unit_roles(due.cc_roles), due.task) if a not in to]
            to, cc = (to, cc) if to else (cc[:1], cc[1:])
            if not to:
                mark_bundled(due.row, [])
                continue
            due.row.to_addrs, due.row.cc_addrs = to, cc
        sent += 1
    session.flush()
    return sent


def enqueue_numbered(
    session: Session, mail: OutgoingMail, *, key: str, now: datetime, domain: str, task_id: int | None = None
) -> OutboxMessage | None:
    """Queue under `key`, or `key:2`, `key:3` … when an earlier pass of the day already used it."""
    for n in range(1, MAX_SAME_DAY + 1):
        row = enqueue(
            session, mail, dedupe_key=key if n == 1 else f"{key}:{n}", now=now, domain=domain, task_id=task_id
        )
        if row is not None:
            return row
    log.warning("%s: %s mails already queued today; the rest waits for the digest", key, MAX_SAME_DAY)
    return None


def add_weekly(
    app: Any, carrier: Carrier, digest_row: OutboxMessage, weekly: compose.Weekly, *, today: date
) -> None:
    """The unit's weekly digest goes out inside its mail of the day (still unsent, same transaction): the mail
    is rendered again with it, and the digest's own row is kept as the record, bundled."""
    listed = {i.task.id for i in carrier.items}
    weekly = compose.Weekly(
        weekly.week,
        weekly.grid,
        [p for p in weekly.overdue if p[0].id not in listed],
        [p for p in weekly.due_soon if p[0].id not in listed],
        weekly.soon_days,
    )
    row = carrier.row
    mail = compose.bundle(
        unit=carrier.unit,
        today=today,
        items=list(carrier.items),
        to=tuple(row.to_addrs),
        cc=tuple(row.cc_addrs),
        domain=app.settings.message_id_domain,
        weekly=weekly,
    )
    row.body_text, row.body_html = mail.text, mail.html
    mark_bundled(digest_row, [row.message_id])
