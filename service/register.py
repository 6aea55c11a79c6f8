"""Turn findings into rows: one notice per document (found again by identity), its tasks and their units."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.base import ExtractedText
from rules.findings import Findings, TaskFinding
from service.models import Notice, Task, TaskEvent, TaskUnit
from service.stages import Role, TaskStatus
from service.units import units_by_name

SYSTEM_ACTOR = "docket"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"\s+", " ", text).strip()


def notice_identity(findings: Findings, text: str) -> str:
    """Issuer + number/symbol + date when the notice has them, otherwise a hash of its normalised text."""
    doc = findings.document
    if doc.number and doc.issued_date:
        return f"doc:{_fold(doc.issuer or '')}|{_fold(doc.number)}|{doc.issued_date.isoformat()}"
    return "hash:" + hashlib.sha256(_fold(text).encode()).hexdigest()


def task_fingerprint(text: str) -> str:
    """Recognises the same directive across reprocessing and re-forwarding."""
    return hashlib.sha256(_fold(text)[:400].encode()).hexdigest()


def fit(model: type, **values: object) -> dict[str, object]:
    """Strings cut to their column's length: PostgreSQL refuses longer ones, and mail can carry any length."""
    columns = model.__table__.c  # type: ignore[attr-defined]
    out = {}
    for name, value in values.items():
        length = getattr(columns[name].type, "length", None) if name in columns else None
        out[name] = value[:length] if type(value) is str and length else value  # not str enums (their columns have lengths too)
    return out


@dataclass(frozen=True, slots=True)
class Registered:
    notice: Notice
    new_tasks: list[Task]
    duplicate: bool


def register(
    session: Session, *, doc: ExtractedText, findings: Findings, forwarder: str | None, message_id: str | None,
    now: datetime, review_threshold: float,
) -> Registered:
    """Store the notice (or find it again) and add the tasks it does not have yet."""
    key = notice_identity(findings, doc.text)
    notice = session.scalar(select(Notice).where(Notice.identity_key == key))
    duplicate = notice is not None
    if notice is None:
        notice = _new_notice(findings, doc, key=key, forwarder=forwarder, message_id=message_id, now=now)
        session.add(notice)
        session.flush()
    else:
        notice.updated_at = now
    known = {t.fingerprint for t in notice.tasks}
    new_tasks = []
    for finding in findings.tasks:
        fingerprint = task_fingerprint(finding.text + "|" + ",".join(finding.lead))
        if fingerprint in known:
            continue
        known.add(fingerprint)
        new_tasks.append(add_task(session, notice, finding, fingerprint=fingerprint, now=now, review_threshold=review_threshold))
    session.flush()
    return Registered(notice=notice, new_tasks=new_tasks, duplicate=duplicate)


def _new_notice(findings: Findings, doc: ExtractedText, *, key: str, forwarder: str | None, message_id: str | None, now: datetime) -> Notice:
    info = findings.document
    return Notice(**fit(
        Notice, identity_key=key, number=info.number, doc_type=info.type, issuer=info.issuer, issued_date=info.issued_date,
        place=info.place, subject=info.subject, signer=info.signer, signing_authority=info.signing_authority,
        urgency=info.urgency, recipients=list(info.recipients), text=doc.text, source_name=doc.part,
        warnings=[*doc.warnings, *findings.warnings], forwarder=forwarder, message_id=message_id,
        created_at=now, updated_at=now,
    ))


def add_task(session: Session, notice: Notice, finding: TaskFinding, *, fingerprint: str, now: datetime, review_threshold: float) -> Task:
    task = Task(**fit(
        Task, notice=notice, seq=len(notice.tasks), text=finding.text, source_part=finding.source.part,
        source_start=finding.source.start, source_end=finding.source.end, original_deadline=finding.deadline,
        deadline=finding.deadline, deadline_text=finding.deadline_text, recurrence=finding.recurrence,
        recurrence_day=finding.recurrence_day, status=TaskStatus.OPEN, confidence=finding.confidence,
        needs_review=finding.needs_review or finding.confidence < review_threshold, fingerprint=fingerprint,
        created_at=now, updated_at=now,
    ))
    session.add(task)  # before set_units: its unit lookup autoflushes, and the task must be in the session
    set_units(session, task, lead=finding.lead, support=finding.support)
    session.flush()
    from service.recurrences import date_first_occurrence  # "hằng tháng trước ngày 25" without a date

    date_first_occurrence(session, task, anchor=notice.issued_date or now.date(), now=now)
    session.add(TaskEvent(task_id=task.id, actor=SYSTEM_ACTOR, at=now, field="created", before=None,
                          after=f"confidence={finding.confidence:.2f}", note="; ".join(finding.reasons) or None))
    return task


def set_units(session: Session, task: Task, *, lead: tuple[str, ...] | list[str], support: tuple[str, ...] | list[str]) -> None:
    """Replace the task's unit links; names not in the directory are kept as written and flagged."""
    units = units_by_name(session)
    task.units.clear()
    session.flush()
    width = TaskUnit.__table__.c["name"].type.length
    for role, names in ((Role.LEAD, lead), (Role.SUPPORT, support)):
        for name in dict.fromkeys(n[:width] for n in names):
            unit = units.get(name)
            task.units.append(TaskUnit(name=name, role=role, unit_id=unit.id if unit else None, known=unit is not None or name == "*"))
    from service.parts import sync_parts  # every-unit tasks are tracked per unit

    sync_parts(session, task)
