"""The outbox's table and its states: a mail to send, written in the caller's transaction, sent by the relay.

The one import from service: the shared declarative Base and its enum column (service.store.base, a leaf),
so that the outbox row is written in the same transaction, on the same metadata, as the change that caused it.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.store.base import Base, enum_column


class OutboxStatus(str, enum.Enum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    RETRY = "retry"
    DEAD = "dead"
    CANCELLED = "cancelled"  # no longer due (a correction changed the lead or deadline): never sent
    # a task's reminder or escalation that went out inside the day's mail (service.tasks.bundles)
    BUNDLED = "bundled"


class MailKind(enum.StrEnum):
    """Every kind of mail the outbox carries. The kind column stores the value (these strings, as always)."""

    # to the clerk who forwarded a notice, at once (outbox.hours.IMMEDIATE_KINDS)
    CONFIRMATION = "confirmation"  # the notice was read: its tasks, to check
    UNREADABLE = "unreadable"
    NO_NOTICE = "no-notice"
    TOO_MANY_NOTICES = "too-many-notices"
    CORRECTION = "correction"  # the answer to the clerk's corrections by mail
    # to the units, in office hours
    ASSIGNMENT = "assignment"
    CHANGE = "change"  # a correction that changes what a unit must do
    REMINDER = "reminder"
    ESCALATION = "escalation"
    BUNDLE = "bundle"  # the day's reminders and escalations of one unit in one mail
    DIGEST = "digest"
    ORG_DIGEST = "org-digest"
    # answers in a mail conversation
    REPLY_ACK = "reply-ack"  # a unit's reply acknowledged
    REPLY_ANSWER = "reply-answer"
    EXTENSION_REQUEST = "extension-request"  # a unit's request, forwarded to its leader to decide


class OutboxMessage(Base):
    """A mail to send, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_addrs: Mapped[list[str]] = mapped_column(default=list)
    cc_addrs: Mapped[list[str]] = mapped_column(default=list)
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus, "outbox_status"),
                                                 default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    give_up_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
