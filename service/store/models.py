"""The tables: inbound messages, notices, tasks and their units, audit events, units (the outbox's is
outbox.models)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

import outbox.models  # noqa: F401  the outbox's table is on this Base too: importing the tables imports them all
from service.store.base import Base, enum_column
from service.store.stages import ExtensionStatus, Role, Stage, TaskStatus


class InboundMessage(Base):
    """Every message seen in the mailbox, with its raw bytes: nothing is ever dropped."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("mailbox", "source_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(300))
    source_key: Mapped[str] = mapped_column(String(300))  # IMAP "uidvalidity:uid" or the Maildir key
    uidvalidity: Mapped[int | None] = mapped_column(Integer)
    uid: Mapped[int | None] = mapped_column(Integer)
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "stage"), index=True)
    # why: new, duplicate, no-notice, auto-reply ...
    disposition: Mapped[str | None] = mapped_column(String(60))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None]
    marked_on_server: Mapped[bool] = mapped_column(Boolean, default=False)
    processed_at: Mapped[datetime | None]
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))  # for replies
    # admin who let a quarantined message through
    released_by: Mapped[str | None] = mapped_column(String(320))
    released_at: Mapped[datetime | None]
    # The admin queue (service.admin.inbox_queue): why a person must look at this mail; None = not queued.
    queue: Mapped[str | None] = mapped_column(String(40), index=True)
    queue_closed_by: Mapped[str | None] = mapped_column(String(320))  # who attached or dismissed it
    queue_closed_at: Mapped[datetime | None]
    queue_outcome: Mapped[str | None] = mapped_column(Text)  # "attached NV-3" / "dismissed: …"


class Notice(Base):
    """One official document; forwarded twice, it is still one notice."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_key: Mapped[str] = mapped_column(String(400), unique=True)
    number: Mapped[str | None] = mapped_column(String(100))
    doc_type: Mapped[str | None] = mapped_column(String(60))
    issuer: Mapped[str | None] = mapped_column(Text)
    issued_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(Text)
    signer: Mapped[str | None] = mapped_column(String(200))
    signing_authority: Mapped[str | None] = mapped_column(String(200))
    urgency: Mapped[str | None] = mapped_column(String(30))
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    text: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str | None] = mapped_column(Text)  # attachment file name or "body"
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    forwarder: Mapped[str | None] = mapped_column(String(320))
    message_id: Mapped[str | None] = mapped_column(String(998))  # the forwarder's Message-ID, for threading
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    tasks: Mapped[list[Task]] = relationship(back_populates="notice", order_by="Task.id")


class Unit(Base):
    """A unit of the office's directory (org chart)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    aliases: Mapped[list[str]] = mapped_column(default=list)
    email: Mapped[str | None] = mapped_column(String(320))
    head_name: Mapped[str | None] = mapped_column(String(200))
    head_title: Mapped[str | None] = mapped_column(String(200))
    head_email: Mapped[str | None] = mapped_column(String(320))
    is_office: Mapped[bool] = mapped_column(Boolean, default=False)  # the Văn phòng that tracks tasks
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Leader(Base):
    """A leader of the organisation (Giám đốc, Phó Giám đốc): escalations reach them."""

    __tablename__ = "leaders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    rank: Mapped[int] = mapped_column(Integer, default=0)  # 0 = the director


class Task(Base):
    """One directive: what, who leads, who supports, by when."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)  # order within the notice
    text: Mapped[str] = mapped_column(Text)
    source_part: Mapped[str | None] = mapped_column(String(200))
    source_start: Mapped[int | None] = mapped_column(Integer)
    source_end: Mapped[int | None] = mapped_column(Integer)
    original_deadline: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    deadline_text: Mapped[str | None] = mapped_column(Text)
    recurrence: Mapped[str | None] = mapped_column(String(20))
    recurrence_day: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[TaskStatus] = mapped_column(
        enum_column(TaskStatus, "task_status"), index=True, default=TaskStatus.OPEN
    )
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)  # corrected by an admin: reprocess keeps it
    # matches a task across reprocessing
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    # earlier occurrence of a recurrence
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    completed_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    notice: Mapped[Notice] = relationship(back_populates="tasks")
    units: Mapped[list[TaskUnit]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskUnit.id"
    )
    parts: Mapped[list[TaskPart]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskPart.id"
    )

    def unit_names(self, role: Role) -> list[str]:
        return [link.name for link in self.units if link.role is role]


class CandidateStatus(str, enum.Enum):
    OPEN = "open"  # listed for the clerk, not decided yet
    ACCEPTED = "accepted"  # turned into a task (task_id)


class CandidateTask(Base):
    """A POSSIBLE task (the safety net): a sentence or row that reads like an order but gave no task."""

    __tablename__ = "candidate_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)  # its number in the confirmation mail, from 1
    text: Mapped[str] = mapped_column(Text)
    source_part: Mapped[str | None] = mapped_column(String(200))
    source_start: Mapped[int | None] = mapped_column(Integer)
    source_end: Mapped[int | None] = mapped_column(Integer)
    source_where: Mapped[str | None] = mapped_column(String(200))
    signals: Mapped[list[str]] = mapped_column(default=list)
    lead: Mapped[list[str]] = mapped_column(default=list)  # the units it names: a guess for `tasks add`
    support: Mapped[list[str]] = mapped_column(default=list)
    deadline: Mapped[date | None] = mapped_column(Date)
    deadline_text: Mapped[str | None] = mapped_column(Text)
    score: Mapped[float | None] = mapped_column(Float)  # the classifier's probability, when one judged it
    fingerprint: Mapped[str] = mapped_column(String(64))  # the same piece when the notice comes again
    status: Mapped[CandidateStatus] = mapped_column(
        enum_column(CandidateStatus, "candidate_status"), default=CandidateStatus.OPEN
    )
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))  # the task it became
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class TaskUnit(Base):
    """A unit's role on a task. `name` is canonical, '*' for every unit, or as written when unknown."""

    __tablename__ = "task_units"
    __table_args__ = (UniqueConstraint("task_id", "role", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    known: Mapped[bool] = mapped_column(Boolean, default=True)

    task: Mapped[Task] = relationship(back_populates="units")


class TaskPart(Base):
    """One unit's share of a task whose lead is every unit ('*'): its own status, reminders and completion."""

    __tablename__ = "task_parts"
    __table_args__ = (UniqueConstraint("task_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    status: Mapped[TaskStatus] = mapped_column(
        enum_column(TaskStatus, "part_status"), default=TaskStatus.OPEN
    )
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(320))

    task: Mapped[Task] = relationship(back_populates="parts")
    unit: Mapped[Unit] = relationship()


class AssignmentHold(Base):
    """A notice whose assignment mails wait for review (wide send-out or a task flagged for review)."""

    __tablename__ = "assignment_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    held_until: Mapped[datetime]  # the review window: released automatically after it
    created_at: Mapped[datetime]
    released_at: Mapped[datetime | None]
    released_by: Mapped[str | None] = mapped_column(String(320))


class NoticeRevision(Base):
    """A notice forwarded again with other tasks: the change waits for the clerk's "đồng ý" or the admin's
    `docket notices reprocess --apply` (service.tasks.revisions); it is never applied silently."""

    __tablename__ = "notice_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    # the re-forward carrying the new text
    inbound_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"))
    forwarder: Mapped[str | None] = mapped_column(String(320))
    summary: Mapped[str] = mapped_column(Text)  # what would change, as the clerk was told
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(320))
    outcome: Mapped[str | None] = mapped_column(String(20))  # applied | superseded; None while it waits


class TaskEvent(Base):
    """Audit trail: who changed what, when, from what to what."""

    __tablename__ = "task_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    actor: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime]
    field: Mapped[str] = mapped_column(String(60))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class ExtensionRequest(Base):
    """A unit's request for more time (xin gia hạn); the original deadline is always kept."""

    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    requested_to: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[ExtensionStatus] = mapped_column(enum_column(ExtensionStatus, "extension_status"))
    created_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[datetime | None]
    approver: Mapped[str | None] = mapped_column(String(320))  # the unit's leader it was forwarded to
    decision_note: Mapped[str | None] = mapped_column(Text)  # the leader's words ("không đồng ý, lý do …")


class SyncState(Base):
    """Per mailbox: what was last seen, for status and UIDVALIDITY checks."""

    __tablename__ = "sync_state"

    mailbox: Mapped[str] = mapped_column(String(300), primary_key=True)
    uidvalidity: Mapped[int | None] = mapped_column(Integer)
    last_uid: Mapped[int | None] = mapped_column(Integer)
    last_sync_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
