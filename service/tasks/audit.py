"""The audit trail of admin changes: who, when, which field, before and after; and what the units are told.

A Recorder writes one TaskEvent per changed field (through service.tasks.events, the one writer and format);
`finish` marks the task manual and, when what a unit must do changed (new lead, new deadline, cancellation,
rejection), hands a ChangeNotice to `notify`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from service.store.models import Task
from service.tasks.events import stored, write_event
from service.tasks.notify import queue_change_notice
from service.store.stages import Role, TaskStatus

# What a unit must do changed: these kinds reach the units by mail (issue 6).
NEW_LEAD, NEW_DEADLINE, CANCELLED, REJECTED = "new-lead", "new-deadline", "cancelled", "rejected"
ASSIGNED = "assigned"


@dataclass(frozen=True, slots=True)
class Editor:
    """Who makes the change and when (from the injected clock)."""

    actor: str
    now: datetime

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class ChangeNotice:
    """What the affected units are told: which kinds of change, and what the task looked like before."""

    task_id: int
    kinds: tuple[str, ...]
    previous_lead: tuple[str, ...]
    previous_support: tuple[str, ...]
    previous_deadline: date | None
    reason: str | None
    actor: str


@dataclass(frozen=True, slots=True)
class EditOutcome:
    task_id: int
    changes: tuple[Change, ...]
    warnings: tuple[str, ...] = ()
    notice: ChangeNotice | None = None


Notify = Callable[[Session, Task, ChangeNotice, datetime], None]


@dataclass
class Recorder:
    """Collects the events of one command on one task."""

    session: Session
    task: Task
    editor: Editor
    note: str | None = None
    changes: list[Change] = field(default_factory=list)

    def record(self, name: str, before: object, after: object) -> None:
        before_s, after_s = stored(before), stored(after)
        if before_s == after_s:
            return
        self.changes.append(Change(name, before_s, after_s))
        write_event(
            self.session,
            self.task.id,
            name,
            actor=self.editor.actor,
            at=self.editor.now,
            before=before_s,
            after=after_s,
            note=self.note,
        )


@dataclass(frozen=True, slots=True)
class Before:
    lead: tuple[str, ...]
    support: tuple[str, ...]
    deadline: date | None
    status: TaskStatus


def snapshot(task: Task) -> Before:
    return Before(
        tuple(task.unit_names(Role.LEAD)), tuple(task.unit_names(Role.SUPPORT)), task.deadline, task.status
    )


def finish(
    session: Session,
    task: Task,
    rec: Recorder,
    before: Before,
    *,
    warnings: list[str] | None = None,
    notify: Notify | None,
    reason: str | None = None,
) -> EditOutcome:
    """Mark the task manual, stamp it, and tell the units when what they must do changed."""
    rec.record("manual", task.manual, True)
    task.manual = True
    task.updated_at = rec.editor.now
    session.flush()
    kinds = change_kinds(task, before)
    change = None
    if kinds:
        change = ChangeNotice(
            task.id, kinds, before.lead, before.support, before.deadline, reason, rec.editor.actor
        )
        if notify is not None:
            notify(session, task, change, rec.editor.now)
    return EditOutcome(task.id, tuple(rec.changes), tuple(warnings or ()), change)


def change_kinds(task: Task, before: Before) -> tuple[str, ...]:
    kinds = []
    if not before.lead and not before.support and task.status is TaskStatus.OPEN and task.units:
        return (ASSIGNED,)  # a new task: its units get an assignment, not a correction
    if set(task.unit_names(Role.LEAD)) - set(before.lead):
        kinds.append(NEW_LEAD)
    if task.deadline != before.deadline and task.status is TaskStatus.OPEN:
        kinds.append(NEW_DEADLINE)
    if task.status is not before.status and task.status in (TaskStatus.CANCELLED, TaskStatus.REJECTED):
        kinds.append(CANCELLED if task.status is TaskStatus.CANCELLED else REJECTED)
    return tuple(kinds)


NOTIFY_WORDS = {
    ASSIGNED: "assigned",
    NEW_LEAD: "lead",
    NEW_DEADLINE: "deadline",
    CANCELLED: "cancelled",
    REJECTED: "rejected",
}


def notifier_for(app: object) -> Notify | None:
    """The units' change notice (service.tasks.notify.queue_change_notice).

    One mail per kind of change; the units that lost their role are told too. queue_change_notice also
    cancels the task's unsent reminders, so the next scheduler pass reminds the new lead on the new deadline.
    """
    queue = queue_change_notice

    def send(session: Session, task: Task, change: ChangeNotice, now: datetime) -> None:
        current = {*task.unit_names(Role.LEAD), *task.unit_names(Role.SUPPORT)}
        dropped = tuple(n for n in (*change.previous_lead, *change.previous_support) if n not in current)
        for kind in change.kinds:
            queue(app, session, task, NOTIFY_WORDS[kind], now, previous_units=dropped)

    return send
