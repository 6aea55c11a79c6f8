"""One writer of the audit trail (service.tasks.events), one format of its values, and history that reads
both formats."""

from __future__ import annotations

import ast
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from service.store.stages import TaskStatus
from service.tasks.events import created_after, created_facts, stored
from service.tasks.history_vi import describe

REPO = Path(__file__).resolve().parents[2]
WRITER = Path("service/tasks/events.py")


def _constructs_task_event(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else None
            )
            if name == "TaskEvent":
                return True
    return False


def test_only_the_writer_constructs_a_task_event() -> None:
    makers = []
    for package in ("service", "outbox", "extractors", "rules"):
        for path in sorted((REPO / package).rglob("*.py")):
            relative = path.relative_to(REPO)
            if relative != WRITER and _constructs_task_event(ast.parse(path.read_text(encoding="utf-8"))):
                makers.append(str(relative))
    assert makers == [], f"TaskEvent made outside {WRITER} (use service.tasks.events.write_event): {makers}"


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        (None, None),
        (date(2026, 12, 15), "2026-12-15"),
        (datetime(2026, 12, 15, 3, 4, 5, tzinfo=timezone.utc), "2026-12-15T03:04:05+00:00"),
        (datetime(2026, 12, 15, 10, 0, tzinfo=timezone(timedelta(hours=7))), "2026-12-15T10:00:00+07:00"),
        (TaskStatus.DONE_LATE, "done_late"),
        (["Văn phòng Sở", "Thanh tra"], "Văn phòng Sở, Thanh tra"),
        ([], None),
        (True, "True"),
        ("thư #3", "thư #3"),
    ],
)
def test_values_are_stored_in_one_format(value: object, kept: str | None) -> None:
    assert stored(value) == kept


def _event(
    field: str, before: str | None, after: str | None, note: str | None = None
) -> dict[str, str | None]:
    return {"field": field, "before": before, "after": after, "note": note}


@pytest.mark.parametrize(
    ("event", "sentence"),
    [
        # the format written now: ISO dates, statuses by their value
        (
            _event("deadline", "2026-12-31", "2027-01-15", "extension: chờ số liệu"),
            "Thời hạn: 31/12/2026 → 15/01/2027 (extension: chờ số liệu)",
        ),
        (_event("status", "open", "cancelled", "trùng"), "Trạng thái: đang thực hiện → đã hủy (trùng)"),
        (_event("deadline", None, "2026-12-25", None), "Thời hạn: (trống) → 25/12/2026"),
        (
            _event("extension_request", "2026-12-15", "refused", "chưa đủ lý do"),
            "Từ chối đề nghị gia hạn đến 15/12/2026 — chưa đủ lý do",
        ),
        # "created": one shape however the task was made
        (
            _event("created", None, created_after("notice", confidence=0.9), "lead:cue"),
            "Ghi nhận nhiệm vụ từ văn bản, độ tin cậy 90% (văn bản giao việc rõ cho đơn vị chủ trì)",
        ),
        (
            _event("created", None, created_after("recurrence", previous="NV-4", deadline=date(2026, 12, 1))),
            "Tạo lần tiếp theo của nhiệm vụ định kỳ NV-4, thời hạn 01/12/2026",
        ),
        (
            _event("created", None, created_after("recurrence", previous="NV-4", deadline=None)),
            "Tạo lần tiếp theo của nhiệm vụ định kỳ NV-4, thời hạn chưa có",
        ),
        (
            _event("created", None, created_after("hand", notice="TB-3"), "added by hand"),
            "Thêm nhiệm vụ bằng tay (văn bản TB-3) — added by hand",
        ),
        # rows written before the one format: admin corrections kept dates as dd/mm/yyyy
        (
            _event("deadline", "31/12/2026", "15/12/2026", "correction"),
            "Thời hạn: 31/12/2026 → 15/12/2026 (correction)",
        ),
    ],
)
def test_history_reads_the_new_format_and_old_rows(event: dict[str, str | None], sentence: str) -> None:
    assert describe(event) == sentence


def test_a_created_event_has_one_shape_and_never_stores_none() -> None:
    assert created_after("recurrence", previous="NV-4", deadline=None) == "recurrence; previous=NV-4"
    assert created_after("recurrence", previous="NV-4", deadline=date(2026, 12, 1)) == (
        "recurrence; previous=NV-4; deadline=2026-12-01"
    )
    assert created_facts(created_after("notice", confidence=0.9)) == ("notice", {"confidence": "0.9"})
    assert created_facts("deadline=None") == ("recurrence", {})
    assert created_facts("NV-7 in TB-3") == ("hand", {"notice": "TB-3"})


def _sets_task_status(tree: ast.AST) -> list[int]:
    """Lines that assign `task.status` (or a merged task's), alone or in a tuple."""
    lines = []
    for node in ast.walk(tree):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, (ast.AugAssign, ast.AnnAssign))
            else []
        )
        for target in targets:
            for leaf in target.elts if isinstance(target, ast.Tuple) else [target]:
                if (
                    isinstance(leaf, ast.Attribute)
                    and leaf.attr == "status"
                    and isinstance(leaf.value, ast.Name)
                    and leaf.value.id in ("task", "drop", "keep")
                ):
                    lines.append(leaf.lineno)
    return lines


def test_only_the_transition_writer_sets_a_task_status() -> None:
    """done, cancel, reject, reopen (replies, parts, corrections, merge, reprocess): service.tasks.closing."""
    writer = Path("service/tasks/closing.py")
    setters = [
        f"{path.relative_to(REPO)}:{line}"
        for path in sorted((REPO / "service").rglob("*.py"))
        for line in _sets_task_status(ast.parse(path.read_text(encoding="utf-8")))
        if path.relative_to(REPO) != writer
    ]
    assert setters == [], f"a task's status set outside {writer} (use closing.set_status): {setters}"
    assert _sets_task_status(ast.parse((REPO / writer).read_text(encoding="utf-8")))
