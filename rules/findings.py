"""What the rules find: frozen values, ready to become rows or JSON."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    number: str | None = None  # "123/TB-STNMT"; None when the number is blank
    type: str | None = None  # Thông báo, Công văn, Kế hoạch, Chỉ thị, Quyết định ...
    issuer: str | None = None
    place: str | None = None
    issued_date: date | None = None  # None when the day is blank
    subject: str | None = None
    signer: str | None = None
    signing_authority: str | None = None  # "TL. GIÁM ĐỐC", "KT. CHỦ TỊCH"
    urgency: str | None = None  # Hỏa tốc | Thượng khẩn | Khẩn
    recipients: tuple[str, ...] = ()  # Nơi nhận


@dataclass(frozen=True, slots=True)
class Source:
    part: str  # which document part: 'body', 'attachment:x.docx', 'file:x.pdf'
    start: int  # character span in that part's text
    end: int
    where: str | None = None  # 'page 2', 'paragraph 14', 'table 1 row 3'


@dataclass(frozen=True, slots=True)
class TaskFinding:
    text: str  # the directive's full source sentence or item
    lead: tuple[str, ...]  # canonical unit names, '*' for every unit, or as written when unknown
    support: tuple[str, ...]
    deadline: date | None
    deadline_text: str | None
    recurrence: str | None  # None | weekly | monthly | quarterly | yearly
    confidence: float
    source: Source
    unknown_units: tuple[str, ...] = ()  # names kept as written, not in the directory
    recurrence_day: int | None = None  # "định kỳ ... trước ngày 25" keeps the day
    needs_review: bool = False
    reasons: tuple[str, ...] = ()  # which rules fired, for the audit trail


@dataclass(frozen=True, slots=True)
class Candidate:
    """A POSSIBLE task: a sentence or table row that reads like an order but gave no task (the safety net)."""

    text: str
    source: Source
    signals: tuple[str, ...]  # why it reads like an order: cue, modal, action, unit, when, item, row
    lead: tuple[str, ...] = ()  # the units it names (or the notice's addressees): a guess for `tasks add`
    support: tuple[str, ...] = ()
    deadline: date | None = None
    deadline_text: str | None = None
    score: float | None = None  # the classifier's probability that it is a task; None without a classifier


@dataclass(frozen=True, slots=True)
class Findings:
    document: DocumentInfo
    tasks: tuple[TaskFinding, ...]
    warnings: tuple[str, ...] = ()
    candidates: tuple[Candidate, ...] = ()  # possible tasks for a human to confirm

    def to_json(self) -> dict[str, Any]:
        """The stable `docket extract --json` shape."""
        doc = self.document
        return {
            "document": {
                "number": doc.number,
                "type": doc.type,
                "issuer": doc.issuer,
                "issued_date": doc.issued_date.isoformat() if doc.issued_date else None,
                "subject": doc.subject,
                "signer": doc.signer,
                "urgency": doc.urgency,
            },
            "tasks": [_task_json(t) for t in self.tasks],
            "warnings": list(self.warnings),
            "candidates": [candidate_json(c) for c in self.candidates],
        }


def _task_json(task: TaskFinding) -> dict[str, Any]:
    return {
        "text": task.text,
        "lead": list(task.lead),
        "support": list(task.support),
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "deadline_text": task.deadline_text,
        "recurrence": task.recurrence,
        "confidence": round(task.confidence, 3),
        "needs_review": task.needs_review,
        "unknown_units": list(task.unknown_units),
        "source": {k: v for k, v in asdict(task.source).items()},
    }


def candidate_json(c: Candidate) -> dict[str, Any]:
    return {
        "text": c.text,
        "signals": list(c.signals),
        "lead": list(c.lead),
        "support": list(c.support),
        "deadline": c.deadline.isoformat() if c.deadline else None,
        "deadline_text": c.deadline_text,
        "score": None if c.score is None else round(c.score, 3),
        "source": {k: v for k, v in asdict(c.source).items()},
    }


@dataclass(frozen=True, slots=True)
class AnalysisContext:
    """Everything the rules need besides the text; no clock, no I/O."""

    directory: Any  # rules.directory.Directory
    calendar: Any  # rules.calendar.WorkCalendar
    fallback_issued: date | None = None  # e.g. the e-mail's date, when the notice's date line is blank
    part: str = "text"
    extra: dict[str, Any] = field(default_factory=dict)
