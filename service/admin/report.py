"""The four-status report per unit for a period (cells from service.tasks.grid.vn_status); table, CSV or
XLSX.

Which tasks: not cancelled, rejected or merged, whose original deadline falls in the period (a task without
a deadline counts in the period it was created). Status as of the period's end (or today, if earlier):
a task completed after that day still counts as not done. A task counts once for each of its lead units;
a task for every unit counts under each unit, by that unit's part (service.tasks.parts), never under '*'.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from rules.display import vn_date
from rules.units import EVERY_UNIT
from service.store.models import Task, TaskPart, TaskUnit, Unit
from service.store.stages import Role, TaskStatus
from service.tasks.grid import GRID, LABELS, VnStatus, vn_status

COLUMNS = tuple(cell.value for cell in GRID)
LABELS_VI = {cell.value: LABELS[cell] for cell in GRID}
TOTAL = "Tổng cộng"


@dataclass(frozen=True, slots=True)
class _AsOf:
    """A task as it stood on `as_of`: a completion after that day is not yet a completion."""

    status: Any
    original_deadline: date | None
    deadline: date | None
    completed_at: datetime | None
    merged_into_id: int | None = None


def status_as_of(row: Any, as_of: date, tz: Any) -> VnStatus | None:
    """The grid cell of a task on `as_of` (service.tasks.grid.vn_status is the single rule)."""
    completed = row.completed_at.astimezone(tz).date() if row.completed_at else None
    status = TaskStatus.OPEN if completed is not None and completed > as_of else row.status
    view = _AsOf(
        status,
        row.original_deadline,
        row.deadline,
        row.completed_at if status is not TaskStatus.OPEN else None,
    )
    return vn_status(view, as_of, tz=tz)


@dataclass(frozen=True, slots=True)
class Grid:
    period_from: date
    period_to: date
    as_of: date
    rows: tuple[tuple[str, dict[str, int]], ...]  # (unit name, counts by column), then the total row

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.period_from.isoformat(),
            "to": self.period_to.isoformat(),
            "as_of": self.as_of.isoformat(),
            "columns": {c: LABELS_VI[c] for c in COLUMNS},
            "rows": [{"unit": unit, **counts, "total": sum(counts.values())} for unit, counts in self.rows],
        }

    def table(self) -> list[list[Any]]:
        """Header plus one row per unit, as plain cells (CSV, XLSX and the terminal table share it)."""
        header = ["Đơn vị", *(LABELS_VI[c] for c in COLUMNS), "Tổng"]
        return [
            header,
            *([unit, *(counts[c] for c in COLUMNS), sum(counts.values())] for unit, counts in self.rows),
        ]


def build_grid(session: Any, *, period_from: date, period_to: date, today: date, tz: Any) -> Grid:
    """Count the tasks of the period by lead unit and status."""
    as_of = min(period_to, today)
    units = list(_unit_order(session))
    counts: dict[str, dict[str, int]] = {}
    stmt = (
        select(
            Task.id,
            Task.status,
            Task.original_deadline,
            Task.deadline,
            Task.completed_at,
            Task.created_at,
            TaskUnit.name,
        )
        .join(TaskUnit, (TaskUnit.task_id == Task.id) & (TaskUnit.role == Role.LEAD))
        .where(
            Task.status.in_([TaskStatus.OPEN, TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE]),
            Task.merged_into_id.is_(None),
        )
    )
    parts = _parts_by_task(session)
    for row in session.execute(stmt):
        deadline = row.original_deadline or row.deadline
        anchor: date | None = deadline or _local_date(row.created_at, tz)
        if anchor is None:  # created_at is never empty
            continue
        if not period_from <= anchor <= period_to:
            continue
        for name, view in _per_unit(row, parts, units):
            cell = status_as_of(view, as_of, tz)
            if cell is not None:
                counts.setdefault(name, dict.fromkeys(COLUMNS, 0))[cell.value] += 1
    names = [*units, *sorted(n for n in counts if n not in units)]
    rows = [(name, counts.get(name, dict.fromkeys(COLUMNS, 0))) for name in names]
    total = {c: sum(r[1][c] for r in rows) for c in COLUMNS}
    return Grid(period_from, period_to, as_of, (*rows, (TOTAL, total)))


def _parts_by_task(session: Any) -> dict[int, list[tuple[str, Any, datetime | None]]]:
    """(unit name, part status, completed at) of every every-unit task, by task id."""
    found: dict[int, list[tuple[str, Any, datetime | None]]] = {}
    rows = session.execute(
        select(TaskPart.task_id, Unit.name, TaskPart.status, TaskPart.completed_at)
        .join(Unit, Unit.id == TaskPart.unit_id)
        .order_by(TaskPart.id)
    )
    for task_id, name, status, completed_at in rows:
        found.setdefault(task_id, []).append((name, status, completed_at))
    return found


def _per_unit(
    row: Any, parts: dict[int, list[tuple[str, Any, datetime | None]]], units: list[str]
) -> list[tuple[str, Any]]:
    """A task counts under its lead unit; an every-unit task ('*') under each unit, with that unit's part
    status."""
    if row.name != EVERY_UNIT:
        return [(row.name, row)]
    if row.id not in parts:  # stored before parts existed: each unit, with the task's status
        return [(name, row) for name in units]
    # an open part follows the task (closed by an admin)
    return [
        (name, _AsOf(status, row.original_deadline, row.deadline, completed_at) if status.is_closed else row)
        for name, status, completed_at in parts[row.id]
    ]


def _unit_order(session: Any) -> Iterable[str]:
    return session.scalars(select(Unit.name).where(Unit.active.is_(True)).order_by(Unit.id)).all()


def _local_date(value: datetime | None, tz: Any) -> date | None:
    """Timestamps are stored in UTC; a day is the office's day."""
    return value.astimezone(tz).date() if value is not None else None


def write_csv(grid: Grid, path: Path) -> None:
    # BOM: Excel opens Vietnamese text correctly
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(grid.table())


def write_xlsx(grid: Grid, path: Path) -> None:
    from openpyxl import Workbook  # lazy: 136 ms at import (with styles); only `report --xlsx` writes one
    from openpyxl.styles import Font  # lazy: openpyxl, 136 ms at import; only `report --xlsx` needs it

    book = Workbook()
    sheet = book.active
    sheet.title = "Bao cao"
    period = f"từ {vn_date(grid.period_from)} đến {vn_date(grid.period_to)}"
    sheet.append([f"Báo cáo tình hình thực hiện nhiệm vụ {period}"])
    sheet.append([f"Tính đến ngày {vn_date(grid.as_of)}, so với thời hạn ban đầu"])
    for row in grid.table():
        sheet.append(row)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 40
    for column in "BCDEF":
        sheet.column_dimensions[column].width = 22
    book.save(path)
