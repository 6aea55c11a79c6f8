"""The Vietnamese four-status grid of a task (pure), measured against the ORIGINAL deadline.

    hoàn thành đúng hạn | hoàn thành quá hạn | đang thực hiện trong hạn | quá hạn

Used by the digests (`count_grid`) and by `docket report` (admin CLI: `vn_status` and `GRID`).

- A done task is on time when its completion date (local) is on or before the original deadline;
  with `honour_extensions=True` an approved extension's date counts instead (a policy choice the
  domain notes leave to the office; the default follows the official reports: original deadline).
- An open task is overdue from the day after its deadline; one without a deadline is never overdue
  (it counts as "đang thực hiện trong hạn").
- Cancelled, rejected or merged tasks are outside the grid: `vn_status` returns None.
"""
from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from service.store.stages import TaskStatus

DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class VnStatus(str, enum.Enum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    VnStatus.DONE_ON_TIME: "Hoàn thành đúng hạn",
    VnStatus.DONE_LATE: "Hoàn thành quá hạn",
    VnStatus.IN_PROGRESS: "Đang thực hiện trong hạn",
    VnStatus.OVERDUE: "Quá hạn",
}
GRID: tuple[VnStatus, ...] = tuple(VnStatus)  # the column order of every report


def reference_deadline(task: Any, *, honour_extensions: bool = False) -> date | None:
    """The deadline a task is judged against: the original one unless extensions are honoured."""
    if honour_extensions:
        return task.deadline or task.original_deadline
    return task.original_deadline or task.deadline


def local_day(moment: datetime | None, tz: ZoneInfo) -> date | None:
    return moment.astimezone(tz).date() if moment else None


def done_on_time(deadline: date | None, completed: date) -> bool:
    return deadline is None or completed <= deadline


def vn_status(
    task: Any, today: date, *, tz: ZoneInfo = DEFAULT_TZ, honour_extensions: bool = False
) -> VnStatus | None:
    """The grid cell of one task on `today`; None when the task is outside the grid (cancelled, rejected,
    merged)."""
    status = TaskStatus(task.status)
    if status in (TaskStatus.CANCELLED, TaskStatus.REJECTED) or getattr(task, "merged_into_id", None):
        return None
    deadline = reference_deadline(task, honour_extensions=honour_extensions)
    if status.is_closed:
        completed = local_day(task.completed_at, tz)
        if completed is None:  # closed without a date: trust what was recorded
            return VnStatus.DONE_LATE if status is TaskStatus.DONE_LATE else VnStatus.DONE_ON_TIME
        return VnStatus.DONE_ON_TIME if done_on_time(deadline, completed) else VnStatus.DONE_LATE
    if deadline is not None and today > deadline:
        return VnStatus.OVERDUE
    return VnStatus.IN_PROGRESS


def done_status(task: Any, completed: date) -> TaskStatus:
    """The status to store when a task is marked done on `completed` (judged against the original
    deadline)."""
    return (
        TaskStatus.DONE_ON_TIME if done_on_time(reference_deadline(task), completed) else TaskStatus.DONE_LATE
    )


def count_grid(
    tasks: Iterable[Any], today: date, *, tz: ZoneInfo = DEFAULT_TZ, honour_extensions: bool = False
) -> dict[VnStatus, int]:
    """How many tasks fall in each cell, every cell present (zeros included)."""
    counts = Counter(vn_status(t, today, tz=tz, honour_extensions=honour_extensions) for t in tasks)
    return {cell: counts.get(cell, 0) for cell in GRID}
