"""Every-unit tasks in the admin's views, `tasks edit --day`, and reprocess leaving settled tasks alone
(SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from service.tasks.audit import Editor
from service.store.models import Notice, Task, TaskPart, Unit
from outbox.models import OutboxMessage
from service.tasks.parts import close_part
from service.tasks.reprocess import KEPT, apply, diff_tasks
from service.store.stages import TaskStatus
from tests.integration.cli_support import NOW, TT, Office, sample_findings, seed_office

EVERYONE = "tất cả các phòng, đơn vị"


@pytest.fixture
def office_db(make_app, office: Path, database_url: str) -> Office:  # type: ignore[no-untyped-def]
    return seed_office(make_app, office, database_url)


def _add_every_unit_task(o: Office) -> int:
    added = o.json(
        "tasks",
        "add",
        "--notice",
        f"TB-{o.notice_id}",
        "--text",
        "Các phòng, đơn vị rà soát thủ tục hành chính.",
        "--lead",
        "*",
        "--deadline",
        "2026-11-27",
        "--now",
        NOW,
    )
    return int(added[0]["task"].removeprefix("NV-"))


def test_every_unit_task_is_counted_under_each_unit_and_never_shown_as_a_star(office_db: Office) -> None:
    o = office_db
    before = {u["name"]: u["open_tasks_as_lead"] for u in o.json("units", "list", "--now", NOW)}
    number = _add_every_unit_task(o)
    with o.app.sessions() as session:  # one part per unit of the directory, each open
        parts = session.scalars(select(TaskPart).where(TaskPart.task_id == number)).all()
        assert len(parts) == len(before) and {p.status for p in parts} == {TaskStatus.OPEN}
        assignments = session.scalars(select(OutboxMessage).where(OutboxMessage.task_id == number)).all()
        assert len(assignments) == len(before) and {m.kind for m in assignments} == {"assignment"}
    listed = o.json("tasks", "list", "--unit", "Thanh tra Sở", "--now", NOW)
    row = next(r for r in listed if r["number"] == number)
    assert row["lead"] == [EVERYONE]
    assert {u["name"]: u["open_tasks_as_lead"] for u in o.json("units", "list", "--now", NOW)} == {
        n: c + 1 for n, c in before.items()
    }

    # Thanh tra finishes its part: it no longer counts there, the task stays open
    with o.app.sessions.begin() as session:
        task, unit = session.get(Task, number), session.scalars(select(Unit).where(Unit.name == TT)).one()
        assert (
            close_part(
                o.app,
                session,
                task,
                unit,
                actor="thanhtra@skhcn.binhminh.example.vn",
                note="Đã hoàn thành",
                now=o.app.clock.now(),
            )
            is False
        )
    counts = {u["name"]: u["open_tasks_as_lead"] for u in o.json("units", "list", "--now", NOW)}
    assert counts[TT] == before[TT] and all(counts[n] == c + 1 for n, c in before.items() if n != TT)
    shown = o.json("tasks", "show", f"NV-{number}", "--now", NOW)
    assert shown["lead"] == [EVERYONE] and shown["status"] == "open"
    assert {p["unit"]: p["status"] for p in shown["parts"]}[TT] == "done_on_time"

    grid = o.json("report", "--from", "2026-11-01", "--to", "2026-11-30", "--now", NOW)
    rows = {r["unit"]: r for r in grid["rows"]}
    assert "*" not in rows and rows[TT]["done_on_time"] >= 1
    assert all(rows[n]["total"] >= 1 for n in before)


def test_edit_day_moves_the_first_occurrence_and_refuses_a_task_without_a_period(office_db: Office) -> None:
    o = office_db
    monthly, plain = o.task_ids[2], o.task_ids[0]
    o.ok("tasks", "edit", f"NV-{monthly}", "--recurrence", "monthly", "--day", "20", "--now", NOW)
    with o.app.sessions() as session:
        task = session.get(Task, monthly)
        # the first 20th after the notice of 02/11/2026
        assert (task.recurrence, task.recurrence_day, task.deadline, task.original_deadline) == (
            "monthly",
            20,
            date(2026, 11, 20),
            date(2026, 11, 20),
        )
    refused = o.run("tasks", "edit", f"NV-{plain}", "--day", "25", "--now", NOW)
    assert refused.exit_code == 1 and "--day needs a monthly" in refused.output
    assert o.run("tasks", "edit", f"NV-{monthly}", "--day", "32", "--now", NOW).exit_code == 1


def test_reprocess_never_revives_a_cancelled_or_rejected_task(office_db: Office) -> None:
    o = office_db
    first, second = o.task_ids[0], o.task_ids[1]
    o.ok("tasks", "cancel", f"NV-{first}", "--reason", "đã giao ở văn bản khác", "--now", NOW)
    o.ok("tasks", "reject", f"NV-{second}", "--now", NOW)
    findings = sample_findings()
    with o.app.sessions.begin() as session:
        diffs = {d.task_id: d for d in diff_tasks(session.get(Notice, o.notice_id), findings)}
        assert (diffs[first].kind, diffs[second].kind) == (KEPT, KEPT)
        assert None not in diffs, "found again, they are not re-added as new tasks either"
        from service.tasks.reprocess import Plan

        plan = Plan(o.notice_id, 0, "", "body", findings, tuple(diffs.values()))
        assert apply(o.app, session, plan, Editor("admin", o.app.clock.now())) == 0
    with o.app.sessions() as session:
        assert (
            session.get(Task, first).status is TaskStatus.CANCELLED
            and session.get(Task, second).status is TaskStatus.REJECTED
        )
        assert len(session.scalars(select(Task)).all()) == len(o.task_ids)


def test_last_part_closes_the_task_and_a_reopened_task_reaches_every_unit_again(office_db: Office) -> None:
    from service.tasks.recipients import address_book

    o = office_db
    number = _add_every_unit_task(o)
    with o.app.sessions.begin() as session:
        task, units = session.get(Task, number), session.scalars(select(Unit).order_by(Unit.id)).all()
        closed = [
            close_part(o.app, session, task, u, actor=u.email, note=None, now=o.app.clock.now())
            for u in units
        ]
        assert closed == [False] * (len(units) - 1) + [True] and task.status is TaskStatus.DONE_ON_TIME
    o.ok("tasks", "reopen", f"NV-{number}", "--now", NOW)
    with o.app.sessions() as session:
        task = session.get(Task, number)
        assert sorted(address_book(session).addresses(["lead"], task)) == sorted(u.email for u in units)


def test_reprocess_keeps_a_series_dated_by_its_day_and_its_later_occurrences(office_db: Office) -> None:
    from dataclasses import replace

    from service.clock import FixedClock
    from service.runners.scheduler import run_due
    from tests.conftest import vn

    o = office_db
    monthly = o.task_ids[2]  # "hằng tháng, trước ngày 25"
    o.app.clock = FixedClock(vn(2026, 11, 26, 8, 30))
    run_due(o.app)  # 25/11 has passed: the next occurrence (25/12) exists
    findings = sample_findings()
    undated = replace(
        findings, tasks=tuple(replace(t, deadline=None) if t.recurrence else t for t in findings.tasks)
    )
    with o.app.sessions() as session:
        diffs = diff_tasks(session.get(Notice, o.notice_id), undated)
        nxt = session.scalars(select(Task).where(Task.previous_id == monthly)).one()
    assert {d.task_id: d.kind for d in diffs}[monthly] == "same", (
        "the rule gives the same first deadline, 25/11/2026"
    )
    assert nxt.id not in {d.task_id for d in diffs}, (
        "an occurrence is not in the notice's text and is never rejected"
    )
