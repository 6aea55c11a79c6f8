"""Turn findings into rows: one notice per document (found again by identity), its tasks and their units."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.base import ExtractedText
from rules.directory import EMPTY_DIRECTORY, Directory
from rules.findings import Candidate, Findings, TaskFinding
from rules.issuer import issuer_key, words
from rules.text import name_key
from rules.units import EVERY_UNIT
from service.store.models import CandidateStatus, CandidateTask, Notice, Task, TaskUnit, Unit
from service.tasks.events import created_after, write_event
from service.tasks.parts import sync_parts
from service.tasks.recurrences import date_first_occurrence
from service.store.stages import Role, TaskStatus
from service.tasks.units import units_by_name

SYSTEM_ACTOR = "docket"


def notice_identity(findings: Findings, text: str, *, directory: Directory = EMPTY_DIRECTORY) -> str:
    """Number + date + the issuing body (rules.issuer, against the directory) when the notice has a number and
    a date; otherwise a hash of its words. The same for every rendering (.txt, .docx, .pdf, a forwarded body):
    line breaks, table cells and how the letterhead's lines were joined do not count."""
    doc = findings.document
    if doc.number and doc.issued_date:
        number = "".join(name_key(doc.number).split())
        return f"id:{issuer_key(doc.issuer, directory)}|{number}|{doc.issued_date.isoformat()}"
    return "words:" + hashlib.sha256(" ".join(words(text)).encode()).hexdigest()


def _legacy_identity(findings: Findings, text: str) -> str:
    """The key notices registered before sec67_0001 carry (issuer as extracted; text hash with its layout)."""
    doc = findings.document
    if doc.number and doc.issued_date:
        return f"doc:{name_key(doc.issuer or '')}|{name_key(doc.number)}|{doc.issued_date.isoformat()}"
    return "hash:" + hashlib.sha256(name_key(text).encode()).hexdigest()


def is_notice(
    notice: Notice, findings: Findings, text: str, *, directory: Directory = EMPTY_DIRECTORY
) -> bool:
    """Whether these findings are this notice (its identity now, its number, date and issuer, or its older
    key)."""
    if notice.identity_key in (
        notice_identity(findings, text, directory=directory),
        _legacy_identity(findings, text),
    ):
        return True
    doc = findings.document
    return bool(
        doc.number
        and doc.issued_date
        and notice.number
        and doc.issued_date == notice.issued_date
        and _same_number(notice.number, doc.number)
        and issuer_key(notice.issuer, directory) == issuer_key(doc.issuer, directory)
    )


def _same_number(a: str, b: str) -> bool:
    return "".join(name_key(a).split()) == "".join(name_key(b).split())


def find_notice(
    session: Session, findings: Findings, text: str, *, directory: Directory = EMPTY_DIRECTORY
) -> Notice | None:
    """The notice these findings are, if it is registered: by identity, then by number and date with the same
    issuing body (a notice stored under an older key, or before the directory changed), then by the older
    key."""
    key = notice_identity(findings, text, directory=directory)
    if (notice := session.scalar(select(Notice).where(Notice.identity_key == key))) is not None:
        return notice
    doc = findings.document
    if doc.number and doc.issued_date:
        same = session.scalars(
            select(Notice).where(Notice.issued_date == doc.issued_date, Notice.number.is_not(None))
        )
        for notice in same:
            if is_notice(notice, findings, text, directory=directory):
                return notice
    return session.scalar(select(Notice).where(Notice.identity_key == _legacy_identity(findings, text)))


def task_fingerprint(text: str) -> str:
    """Recognises the same directive across reprocessing and re-forwarding."""
    return hashlib.sha256(name_key(text)[:400].encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Registered:
    notice: Notice
    new_tasks: list[Task]
    duplicate: bool
    # service.store.models.CandidateTask rows (the safety net)
    new_candidates: list[object] = field(default_factory=list)


def store_notice(
    session: Session,
    *,
    doc: ExtractedText,
    findings: Findings,
    forwarder: str | None,
    message_id: str | None,
    now: datetime,
    review_threshold: float,
    directory: Directory = EMPTY_DIRECTORY,
) -> Registered:
    """Store a new notice and its tasks, or find the notice again: then nothing is added (a notice forwarded
    again with other tasks is a proposed change, service.tasks.revisions, never silent new tasks)."""
    notice = find_notice(session, findings, doc.text, directory=directory)
    if notice is not None:
        notice.updated_at = now
        return Registered(notice=notice, new_tasks=[], duplicate=True)
    key = notice_identity(findings, doc.text, directory=directory)
    notice = _new_notice(findings, doc, key=key, forwarder=forwarder, message_id=message_id, now=now)
    session.add(notice)
    session.flush()
    known: set[str] = set()
    units = units_by_name(session)
    fresh: list[tuple[Task, TaskFinding]] = []
    for finding in findings.tasks:
        fingerprint = task_fingerprint(finding.text + "|" + ",".join(finding.lead))
        if fingerprint in known:
            continue
        known.add(fingerprint)
        fresh.append(
            (
                new_task(
                    notice,
                    finding,
                    fingerprint=fingerprint,
                    now=now,
                    review_threshold=review_threshold,
                    units=units,
                ),
                finding,
            )
        )
    # One flush for all the new tasks: a flush per task re-read the notice's whole task list each time
    # (quadratic).
    session.add_all(task for task, _ in fresh)
    session.flush()
    for task, _ in fresh:
        _settle(session, task, notice, now)
    for task, finding in fresh:
        _created(session, task, finding, now)
    session.flush()
    new_candidates = store_candidates(session, notice, findings.candidates, now=now)
    return Registered(
        notice=notice,
        new_tasks=[task for task, _ in fresh],
        duplicate=False,
        new_candidates=list(new_candidates),
    )


def _new_notice(
    findings: Findings,
    doc: ExtractedText,
    *,
    key: str,
    forwarder: str | None,
    message_id: str | None,
    now: datetime,
) -> Notice:
    info = findings.document
    return Notice(
        identity_key=key,
        number=info.number,
        doc_type=info.type,
        issuer=info.issuer,
        issued_date=info.issued_date,
        place=info.place,
        subject=info.subject,
        signer=info.signer,
        signing_authority=info.signing_authority,
        urgency=info.urgency,
        recipients=list(info.recipients),
        text=doc.text,
        source_name=doc.part,
        warnings=[*doc.warnings, *findings.warnings],
        forwarder=forwarder,
        message_id=message_id,
        created_at=now,
        updated_at=now,
    )


def add_task(
    session: Session,
    notice: Notice,
    finding: TaskFinding,
    *,
    fingerprint: str,
    now: datetime,
    review_threshold: float,
) -> Task:
    """One new task on the notice, flushed (it has its id), with its 'created' event."""
    task = new_task(
        notice,
        finding,
        fingerprint=fingerprint,
        now=now,
        review_threshold=review_threshold,
        units=units_by_name(session),
    )
    session.add(task)
    session.flush()
    _settle(session, task, notice, now)
    _created(session, task, finding, now)
    return task


def new_task(
    notice: Notice,
    finding: TaskFinding,
    *,
    fingerprint: str,
    now: datetime,
    review_threshold: float,
    units: dict[str, Unit],
) -> Task:
    """The task and its unit links, not yet in the session."""
    task = Task(
        notice=notice,
        seq=len(notice.tasks),
        text=finding.text,
        source_part=finding.source.part,
        source_start=finding.source.start,
        source_end=finding.source.end,
        original_deadline=finding.deadline,
        deadline=finding.deadline,
        deadline_text=finding.deadline_text,
        recurrence=finding.recurrence,
        recurrence_day=finding.recurrence_day,
        status=TaskStatus.OPEN,
        confidence=finding.confidence,
        needs_review=finding.needs_review or finding.confidence < review_threshold,
        fingerprint=fingerprint,
        created_at=now,
        updated_at=now,
    )
    _link_units(task, lead=finding.lead, support=finding.support, units=units)
    return task


def _created(session: Session, task: Task, finding: TaskFinding, now: datetime) -> None:
    write_event(
        session,
        task.id,
        "created",
        actor=SYSTEM_ACTOR,
        at=now,
        after=created_after("notice", confidence=round(finding.confidence, 2)),
        note="; ".join(finding.reasons) or None,
    )


def set_units(
    session: Session, task: Task, *, lead: tuple[str, ...] | list[str], support: tuple[str, ...] | list[str]
) -> None:
    """Replace the task's unit links; names not in the directory are kept as written and flagged."""
    units = units_by_name(session)
    task.units.clear()
    session.flush()
    _link_units(task, lead=lead, support=support, units=units)
    sync_parts(session, task)  # every-unit tasks are tracked per unit


def _settle(session: Session, task: Task, notice: Notice, now: datetime) -> None:
    """What a stored task needs once it has its id: a part per unit when every unit leads, and the first
    occurrence of a series known only by its rule ("hằng tháng trước ngày 25")."""
    sync_parts(session, task)
    date_first_occurrence(session, task, anchor=notice.issued_date or now.date(), now=now)


def _link_units(
    task: Task,
    *,
    lead: tuple[str, ...] | list[str],
    support: tuple[str, ...] | list[str],
    units: dict[str, Unit],
) -> None:
    width = TaskUnit.__table__.c["name"].type.length  # type: ignore[attr-defined]  # String(n): cut before de-duplicating: two long names may share a prefix
    for role, names in ((Role.LEAD, lead), (Role.SUPPORT, support)):
        for name in dict.fromkeys(n[:width] for n in names):
            unit = units.get(name)
            known = unit is not None or name == EVERY_UNIT
            task.units.append(TaskUnit(name=name, role=role, unit_id=unit.id if unit else None, known=known))


def store_candidates(
    session: Session, notice: Notice, candidates: Sequence[Candidate], *, now: datetime
) -> list[CandidateTask]:
    """Add the candidates the notice does not have yet (a re-forwarded notice adds none); numbered from 1."""
    existing = list(
        session.query(CandidateTask).filter(CandidateTask.notice_id == notice.id).order_by(CandidateTask.seq)
    )
    known = {c.fingerprint for c in existing}
    added: list[CandidateTask] = []
    for cand in candidates:
        fingerprint = task_fingerprint(cand.text)
        if fingerprint in known:
            continue
        known.add(fingerprint)
        # strings are cleaned and cut to their columns by service.store.db on insert
        row = CandidateTask(
            notice_id=notice.id,
            seq=len(existing) + len(added) + 1,
            text=cand.text,
            source_part=cand.source.part,
            source_start=cand.source.start,
            source_end=cand.source.end,
            source_where=cand.source.where,
            signals=list(cand.signals),
            lead=list(cand.lead),
            support=list(cand.support),
            deadline=cand.deadline,
            deadline_text=cand.deadline_text,
            score=cand.score,
            fingerprint=fingerprint,
            status=CandidateStatus.OPEN,
            created_at=now,
        )
        session.add(row)
        added.append(row)
    session.flush()
    return added
