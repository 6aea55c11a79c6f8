"""Enums for every state a row can be in, with the transitions allowed (pure)."""
from __future__ import annotations

import enum


class Stage(str, enum.Enum):
    """Where an inbound message is in its life."""

    RECEIVED = "received"  # raw bytes stored, not yet processed
    PROCESSED = "processed"  # tasks (or none) stored, confirmation queued
    FAILED = "failed"  # could not be read; sender told; kept for reprocessing
    QUARANTINED = "quarantined"  # sender not allowed; kept for an admin, no mail sent
    IGNORED = "ignored"  # auto-reply, bounce or our own mail: recorded, never answered
    REPLY = "reply"  # a reply to one of our mails, attached to its task


class TaskStatus(str, enum.Enum):
    """Vietnamese practice: overdue is derived from the deadline, never stored."""

    OPEN = "open"
    DONE_ON_TIME = "done_on_time"  # hoàn thành đúng hạn
    DONE_LATE = "done_late"  # hoàn thành quá hạn
    CANCELLED = "cancelled"
    REJECTED = "rejected"  # not a task at all

    @property
    def is_closed(self) -> bool:
        return self is not TaskStatus.OPEN


class Role(str, enum.Enum):
    LEAD = "lead"  # chủ trì
    SUPPORT = "support"  # phối hợp


class ExtensionStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


TASK_TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    TaskStatus.OPEN: frozenset(
        {TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE, TaskStatus.CANCELLED, TaskStatus.REJECTED}
    ),
    TaskStatus.DONE_ON_TIME: frozenset({TaskStatus.OPEN}),
    TaskStatus.DONE_LATE: frozenset({TaskStatus.OPEN}),
    TaskStatus.CANCELLED: frozenset({TaskStatus.OPEN}),
    TaskStatus.REJECTED: frozenset({TaskStatus.OPEN}),
}
