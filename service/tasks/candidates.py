"""Possible tasks (the safety net): store them with their notice, and turn one into a task, audited.

Storing is service.tasks.register.store_candidates (once per registered document); accepting goes through
service.tasks.corrections.add_task, the same audited path as `docket tasks add`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from rules.display import candidate_token, task_token
from service.errors import InputError, NotFoundError
from service.store.models import CandidateStatus, CandidateTask, Task
from service.tasks.audit import Editor, Notify, EditOutcome, Recorder
from service.tasks.corrections import TaskEdit, add_task


def open_candidates(session: Session, notice_id: int) -> list[CandidateTask]:
    """The notice's candidates nobody has accepted yet, in mail order."""
    return list(session.query(CandidateTask).filter(CandidateTask.notice_id == notice_id,
                                                    CandidateTask.status == CandidateStatus.OPEN)
                .order_by(CandidateTask.seq))


def notice_candidates(session: Session, notice_id: int) -> list[CandidateTask]:
    return list(
        session.query(CandidateTask).filter(CandidateTask.notice_id == notice_id).order_by(CandidateTask.seq)
    )


def get_candidate(session: Session, candidate_id: int) -> CandidateTask:
    row = session.get(CandidateTask, candidate_id)
    if row is None:
        raise NotFoundError(
            f"no possible task {candidate_token(candidate_id)} (`docket notices show` lists them)"
        )
    return row


@dataclass(frozen=True, slots=True)
class Overrides:
    """What the admin gives instead of the candidate's guesses; None keeps the guess."""

    text: str | None = None
    lead: tuple[str, ...] | None = None
    support: tuple[str, ...] | None = None
    deadline: date | None = None
    recurrence: str | None = None


def accept(
    session: Session,
    candidate_id: int,
    editor: Editor,
    overrides: Overrides = Overrides(),
    *,
    force: bool = False,
    notify: Notify | None = None,
) -> EditOutcome:
    """The candidate becomes a task through `tasks add`'s audited path; a second accept is refused."""
    cand = get_candidate(session, candidate_id)
    if cand.status is CandidateStatus.ACCEPTED:
        raise InputError(
            f"possible task {candidate_token(cand.id)} was already accepted as "
            f"{task_token(cand.task_id or 0)}"
        )
    lead = overrides.lead or tuple(cand.lead)
    if not lead:
        raise InputError(f"possible task {candidate_token(cand.id)} names no unit: give the lead with --lead")
    edit = TaskEdit(
        text=overrides.text or cand.text,
        lead=lead,
        support=overrides.support if overrides.support is not None else tuple(cand.support),
        deadline=overrides.deadline or cand.deadline,
        recurrence=overrides.recurrence,
    )
    outcome = add_task(session, cand.notice_id, edit, editor, force=force, notify=notify)
    task = session.get(Task, outcome.task_id)
    assert task is not None
    Recorder(session, task, editor, note=f"from possible task {candidate_token(cand.id)}").record(
        "from_candidate", None, candidate_token(cand.id)
    )
    cand.status, cand.task_id, cand.decided_by, cand.decided_at = (
        CandidateStatus.ACCEPTED,
        task.id,
        editor.actor,
        editor.now,
    )
    session.flush()
    return outcome


@dataclass(frozen=True, slots=True)
class CandidateView:
    """What the confirmation mail shows of a possible task: its number (for 'nhận 2'), its ID, its text."""

    number: int
    token: str
    text: str
    lead_names: list[str]
    deadline: date | None


def candidate_view(row: CandidateTask) -> CandidateView:
    return CandidateView(row.seq, candidate_token(row.id), row.text, list(row.lead), row.deadline)


def candidate_rows(session: Session, notice_id: int) -> list[dict[str, object]]:
    """The notice's possible tasks for `docket notices show` (JSON-ready)."""
    return [
        {
            "id": candidate_token(c.id),
            "number": c.seq,
            "text": c.text,
            "lead": list(c.lead),
            "support": list(c.support),
            "deadline": c.deadline.isoformat() if c.deadline else None,
            "score": c.score,
            "signals": list(c.signals),
            "where": c.source_where,
            "status": c.status.value,
            "task": task_token(c.task_id) if c.task_id else None,
        }
        for c in notice_candidates(session, notice_id)
    ]
