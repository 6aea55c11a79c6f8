"""`docket notices reprocess`: re-extract a notice's stored message with the current rules, diff, apply on
request.

The path is the daemon's: service.extraction.read_and_analyse (read_message, then analyse_document) in the
sandbox with the directory from the database. Tasks corrected by an admin (Task.manual) are never touched;
closed tasks are kept, and a merged, cancelled or rejected task found again is never revived (nor re-added as
new); an open task the rules no longer find is rejected, with the reason in its history.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.display import notice_token, task_token
from rules.findings import Findings, TaskFinding
from rules.recurrence import first_deadline
from service.errors import DocketError, InputError
from service.extraction import read_and_analyse
from service.store.models import InboundMessage, Notice, NoticeRevision, Task
from service.store.stages import Role, Stage, TaskStatus
from service.tasks.audit import (
    Before,
    Change,
    ChangeNotice,
    Editor,
    Notify,
    Recorder,
    change_kinds,
    snapshot,
)
from service.tasks.closing import set_status
from service.tasks.corrections import get_notice
from service.tasks.events import stored
from service.tasks.register import add_task, is_notice, set_units, store_candidates, task_fingerprint
from service.tasks.units import directory_from_db

SAME, CHANGED, ADDED, REMOVED, KEPT = "same", "changed", "added", "removed", "kept"


class ReprocessError(DocketError):
    """The stored message could not be re-extracted with the current rules; nothing was changed."""


@dataclass(frozen=True, slots=True)
class TaskDiff:
    kind: str  # same | changed | added | removed | kept (manual or closed: reprocess leaves it alone)
    task_id: int | None
    text: str
    changes: tuple[Change, ...] = ()
    finding: TaskFinding | None = None
    why: str | None = None

    @property
    def token(self) -> str | None:
        return task_token(self.task_id) if self.task_id else None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "task": self.token,
            "text": self.text,
            "changes": [{"field": c.field, "before": c.before, "after": c.after} for c in self.changes],
            "why": self.why,
        }


@dataclass(frozen=True, slots=True)
class Plan:
    notice_id: int
    message_id: int
    text: str
    part: str
    findings: Findings
    diffs: tuple[TaskDiff, ...]

    @property
    def pending(self) -> tuple[TaskDiff, ...]:
        return tuple(d for d in self.diffs if d.kind in (CHANGED, ADDED, REMOVED))

    def to_json(self) -> dict[str, Any]:
        return {
            "notice": notice_token(self.notice_id),
            "message": self.message_id,
            "part": self.part,
            "diff": [d.to_json() for d in self.diffs],
            "pending": len(self.pending),
        }


def plan(app: Any, session: Session, notice_id: int, *, message_id: int | None = None) -> Plan:
    """Re-extract and compare; changes nothing.

    The message read is `message_id`, else the latest that registered the notice or forwarded it again (a
    re-forward with other tasks: its proposed change, service.tasks.revisions, is what `--apply` applies)."""
    notice = get_notice(session, notice_id)
    stmt = select(InboundMessage).where(
        InboundMessage.notice_id == notice.id, InboundMessage.stage == Stage.PROCESSED
    )
    if message_id is not None:
        stmt = stmt.where(InboundMessage.id == message_id)
    row = session.scalars(stmt.order_by(InboundMessage.id.desc())).first()
    if row is None:
        raise InputError(f"{notice_token(notice.id)} has no stored message to re-extract")

    directory = directory_from_db(session, app.directory)
    try:  # the daemon's path, in its sandbox: the same limits bound a re-extraction
        message, findings = app.sandbox.run(
            read_and_analyse, row.raw, limits=app.limits, directory=directory, calendar=app.calendar
        )
        analysed = list(zip(message.documents, findings, strict=True))
    except Exception as err:  # noqa: BLE001 - like the runner: any failure of the extraction is reported, nothing changes
        raise ReprocessError(
            f"re-extracting {notice_token(notice.id)} failed: {type(err).__name__}: {err}"
        ) from err
    doc, findings = _pick(notice, analysed, directory)
    return Plan(notice.id, row.id, doc.text, doc.part, findings, tuple(diff_tasks(notice, findings)))


def _pick(notice: Notice, analysed: list[tuple[Any, Findings]], directory: Any) -> tuple[Any, Findings]:
    for doc, findings in analysed:
        if is_notice(notice, findings, doc.text, directory=directory):
            return doc, findings
    same_part = [(d, f) for d, f in analysed if d.part == notice.source_name]
    if len(same_part) == 1:
        return same_part[0]
    if len(analysed) == 1:
        return analysed[0]
    raise InputError(
        f"the stored message of {notice_token(notice.id)} no longer yields this notice "
        f"({len(analysed)} documents, none matching)"
    )


def finding_fingerprint(finding: TaskFinding) -> str:
    return task_fingerprint(finding.text + "|" + ",".join(finding.lead))


def diff_tasks(notice: Notice, findings: Findings) -> list[TaskDiff]:
    """Match findings to stored tasks (fingerprint, then text, then source span) and compare them."""
    # merged, cancelled and rejected tasks too: found again, they are never revived
    unmatched = list(notice.tasks)
    findings = _dated(findings, notice)
    diffs: list[TaskDiff] = []
    for finding in findings.tasks:
        task = _match(finding, unmatched)
        if task is None:
            diffs.append(TaskDiff(ADDED, None, finding.text, finding=finding))
            continue
        unmatched.remove(task)
        changes = _compare(task, finding)
        if _settled(task):
            diffs.append(TaskDiff(KEPT, task.id, task.text, changes, finding, _settled(task)))
        elif not changes:
            diffs.append(TaskDiff(SAME, task.id, task.text, finding=finding))
        elif task.manual:
            diffs.append(TaskDiff(KEPT, task.id, task.text, changes, finding, "corrected by an admin"))
        else:
            diffs.append(TaskDiff(CHANGED, task.id, task.text, changes, finding))
    for task in unmatched:
        if task.merged_into_id is not None or task.previous_id is not None:
            # merged away (part of the task it joined), or a later occurrence of a series (not in the text)
            continue
        if task.manual:
            diffs.append(TaskDiff(KEPT, task.id, task.text, why="corrected by an admin"))
        elif task.status is not TaskStatus.OPEN:
            diffs.append(TaskDiff(KEPT, task.id, task.text, why=f"already {task.status.value}"))
        else:
            diffs.append(TaskDiff(REMOVED, task.id, task.text, why="no longer found by the rules"))
    return diffs


def _dated(findings: Findings, notice: Notice) -> Findings:
    """A series known only by its day gets its first deadline as at registration
    (service.tasks.recurrences)."""
    anchor = notice.issued_date or notice.created_at.date()
    tasks = tuple(
        replace(f, deadline=first_deadline(f.recurrence, anchor, day=f.recurrence_day))
        if f.deadline is None and first_deadline(f.recurrence, anchor, day=f.recurrence_day)
        else f
        for f in findings.tasks
    )
    return replace(findings, tasks=tasks)


def _settled(task: Task) -> str | None:
    """Why reprocessing must leave a task alone: merged away, cancelled or rejected (a decision, not a
    reading)."""
    if task.merged_into_id is not None:
        return f"merged into {task_token(task.merged_into_id)}"
    if task.status in (TaskStatus.CANCELLED, TaskStatus.REJECTED):
        return f"already {task.status.value}"
    return None


def _match(finding: TaskFinding, tasks: list[Task]) -> Task | None:
    fingerprint, text_print = finding_fingerprint(finding), task_fingerprint(finding.text)
    for test in (
        lambda t: t.fingerprint == fingerprint,
        lambda t: task_fingerprint(t.text) == text_print,
        lambda t: _overlap(t, finding) > 0.5,
    ):
        found = next((t for t in tasks if test(t)), None)
        if found is not None:
            return found
    return None


def _overlap(task: Task, finding: TaskFinding) -> float:
    if task.source_start is None or task.source_end is None or task.source_part != finding.source.part:
        return 0.0
    shared = min(task.source_end, finding.source.end) - max(task.source_start, finding.source.start)
    longest = max(task.source_end - task.source_start, finding.source.end - finding.source.start, 1)
    return max(shared, 0) / longest


def _compare(task: Task, finding: TaskFinding) -> tuple[Change, ...]:
    pairs = (
        ("text", task.text, finding.text),
        ("lead", task.unit_names(Role.LEAD), list(finding.lead)),
        ("support", task.unit_names(Role.SUPPORT), list(finding.support)),
        ("original_deadline", task.original_deadline, finding.deadline),
        ("recurrence", task.recurrence, finding.recurrence),
    )
    shown = ((name, stored(old), stored(new)) for name, old, new in pairs)
    return tuple(Change(name, old, new) for name, old, new in shown if old != new)


def apply(app: Any, session: Session, planned: Plan, editor: Editor, *, notify: Notify | None = None) -> int:
    """Apply the pending part of the plan; returns how many tasks changed. Manual tasks are not touched."""
    notice = get_notice(session, planned.notice_id)
    applied = 0
    for diff in planned.pending:
        if diff.kind == ADDED and diff.finding is not None:
            task = add_task(
                session,
                notice,
                diff.finding,
                fingerprint=finding_fingerprint(diff.finding),
                now=editor.now,
                review_threshold=app.settings.review_threshold,
            )
            Recorder(session, task, editor, note="reprocess").record("reprocess", None, "added")
            _tell(session, task, Before((), (), None, TaskStatus.OPEN), editor, notify)
        elif diff.kind == CHANGED and diff.finding is not None:
            _update(session, session.get(Task, diff.task_id), diff.finding, editor, notify)
        elif diff.kind == REMOVED:
            _remove(session, session.get(Task, diff.task_id), editor, notify)
        applied += 1
    # the notice's text is replaced below: re-anchor the evidence of untouched tasks
    for diff in planned.diffs:
        if diff.kind in (SAME, KEPT) and diff.finding is not None and diff.task_id is not None:
            kept = session.get(Task, diff.task_id)
            if kept is not None:
                kept.source_part, kept.source_start, kept.source_end = (
                    diff.finding.source.part,
                    diff.finding.source.start,
                    diff.finding.source.end,
                )
    notice.text, notice.updated_at = planned.text, editor.now
    notice.warnings = list(planned.findings.warnings)
    store_candidates(session, notice, planned.findings.candidates, now=editor.now)  # safety net (issue 12)
    close_applied(session, notice.id, planned.message_id, actor=editor.actor, now=editor.now)
    session.flush()
    return applied


def _update(
    session: Session, task: Task | None, finding: TaskFinding, editor: Editor, notify: Notify | None
) -> None:
    assert task is not None and not task.manual
    rec, before = Recorder(session, task, editor, note="reprocess"), snapshot(task)
    rec.record("text", task.text, finding.text)
    rec.record("lead", task.unit_names(Role.LEAD), list(finding.lead))
    rec.record("support", task.unit_names(Role.SUPPORT), list(finding.support))
    set_units(session, task, lead=finding.lead, support=finding.support)
    extended = task.deadline != task.original_deadline
    rec.record("original_deadline", task.original_deadline, finding.deadline)
    if not extended:
        rec.record("deadline", task.deadline, finding.deadline)
        task.deadline = finding.deadline
    rec.record("recurrence", task.recurrence, finding.recurrence)
    task.text, task.original_deadline, task.deadline_text = (
        finding.text,
        finding.deadline,
        finding.deadline_text,
    )
    task.recurrence, task.recurrence_day, task.confidence = (
        finding.recurrence,
        finding.recurrence_day,
        finding.confidence,
    )
    task.source_part, task.source_start, task.source_end = (
        finding.source.part,
        finding.source.start,
        finding.source.end,
    )
    task.fingerprint, task.updated_at = finding_fingerprint(finding), editor.now
    _tell(session, task, before, editor, notify)


def _remove(session: Session, task: Task | None, editor: Editor, notify: Notify | None) -> None:
    assert task is not None and not task.manual
    rec, before = (
        Recorder(session, task, editor, note="reprocess: no longer found by the rules"),
        snapshot(task),
    )
    set_status(rec, TaskStatus.REJECTED, reason="no longer found when reprocessed")
    _tell(session, task, before, editor, notify)


def _tell(session: Session, task: Task, before: Before, editor: Editor, notify: Notify | None) -> None:
    session.flush()
    kinds = change_kinds(task, before)
    if kinds and notify is not None:
        notify(
            session,
            task,
            ChangeNotice(
                task.id, kinds, before.lead, before.support, before.deadline, "reprocess", editor.actor
            ),
            editor.now,
        )


def close_applied(session: Session, notice_id: int, message_id: int, *, actor: str, now: datetime) -> None:
    """A reprocess applied from this message: the change it proposed (service.tasks.revisions) is decided."""
    for revision in session.scalars(
        select(NoticeRevision).where(
            NoticeRevision.notice_id == notice_id,
            NoticeRevision.inbound_id == message_id,
            NoticeRevision.outcome.is_(None),
        )
    ):
        revision.decided_at, revision.decided_by, revision.outcome = now, actor, "applied"
