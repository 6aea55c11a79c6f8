"""`docket tasks …` through the real entry point, on SQLite and PostgreSQL: listing, showing and audited
corrections."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from service.store.models import ExtensionRequest, Task, TaskEvent
from outbox.models import OutboxMessage
from service.store.stages import ExtensionStatus, Role, TaskStatus
from tests.integration.cli_support import CDS, KHTC, NOW, QLCN, TT, VP, Office, seed_office


@pytest.fixture
def office_db(make_app, office: Path, database_url: str) -> Office:  # type: ignore[no-untyped-def]
    return seed_office(make_app, office, database_url)


def _task(o: Office, number: int) -> Task:
    with o.app.sessions() as session:
        task = session.get(Task, number)
        assert task is not None
        task.unit_names(Role.LEAD)  # load the units before the session closes
        return task


def _events(o: Office, number: int) -> list[tuple[str, str | None, str | None, str]]:
    with o.app.sessions() as session:
        return [
            (e.field, e.before, e.after, e.actor)
            for e in session.scalars(
                select(TaskEvent)
                .where(TaskEvent.task_id == number, TaskEvent.actor != "docket")
                .order_by(TaskEvent.id)
            )
        ]


def _change_mails(o: Office, number: int) -> list[OutboxMessage]:
    with o.app.sessions() as session:
        return list(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.task_id == number, OutboxMessage.kind == "change")
            )
        )


def test_list_sorted_by_deadline_with_short_ids_and_filters(office_db: Office) -> None:
    o = office_db
    rows = o.json("tasks", "list", "--now", NOW)
    assert [r["deadline"] for r in rows] == ["2026-11-20", "2026-11-25", "2026-11-30", "2026-12-31"]
    assert rows[0]["id"] == f"NV-{o.task_ids[3]}" and rows[0]["notice"] == f"TB-{o.notice_id}"
    assert rows[0]["status"] == "overdue" and rows[1]["status"] == "open"
    assert [r["lead"] for r in o.json("tasks", "list", "--status", "overdue", "--now", NOW)] == [[TT]]
    # alias, support role
    assert [r["lead"] for r in o.json("tasks", "list", "--unit", "VP Sở", "--now", NOW)] == [[KHTC]]
    assert [r["lead"] for r in o.json("tasks", "list", "--needs-review", "--now", NOW)] == [[CDS]]
    due = o.json("tasks", "list", "--due-after", "25/11/2026", "--due-before", "2026-11-30", "--now", NOW)
    assert [r["deadline"] for r in due] == ["2026-11-25", "2026-11-30"]
    assert len(o.json("tasks", "list", "--notice", f"TB-{o.notice_id}", "--limit", "2")) == 2
    table = o.ok("tasks", "list", "--now", NOW).stdout
    assert f"NV-{o.task_ids[3]}" in table and "20/11/2026" in table and "4/4 nhiệm vụ" in table


def test_show_has_quote_source_and_history(office_db: Office) -> None:
    o = office_db
    first = o.task_ids[0]
    detail = o.json("tasks", "show", f"NV-{first}", "--now", NOW)
    assert detail["evidence"]["quote"].startswith("Giao Phòng Kế hoạch - Tài chính chủ trì")
    assert detail["evidence"]["part"] == "body" and detail["evidence"]["start"] > 0
    assert detail["history"][0]["field"] == "created"
    shown = o.ok("tasks", "show", str(first), "--now", NOW).stdout
    assert "Trích dẫn" in shown and "30/11/2026" in shown and "Lịch sử (giờ Asia/Ho_Chi_Minh)" in shown
    assert "Ghi nhận nhiệm vụ từ văn bản, độ tin cậy 90%" in shown and "confidence=" not in shown


def test_edit_lead_deadline_text_is_audited_and_notifies(office_db: Office) -> None:
    o = office_db
    number = o.task_ids[1]
    out = o.ok(
        "tasks",
        "edit",
        f"NV-{number}",
        "--lead",
        "Phòng KH-TC",
        "--support",
        "Thanh tra",
        "--deadline",
        "15/12/2026",
        "--text",
        "Xây dựng kế hoạch kiểm tra công nghệ năm 2027.",
        "--actor",
        "chanh.vp",
        "--now",
        NOW,
    ).stdout
    assert f"NV-{number}: Đơn vị chủ trì: {QLCN} → {KHTC}" in out
    task = _task(o, number)
    assert task.unit_names(Role.LEAD) == [KHTC] and task.unit_names(Role.SUPPORT) == [TT]
    assert (
        task.deadline == task.original_deadline == date(2026, 12, 15)
        and task.manual
        and not task.needs_review
    )
    events = _events(o, number)
    assert ("lead", QLCN, KHTC, "chanh.vp") in events and (
        "deadline",
        "2026-12-31",
        "2026-12-15",
        "chanh.vp",
    ) in events
    assert ("text", task.text, task.text, "chanh.vp") not in events and any(e[0] == "text" for e in events)
    mails = _change_mails(o, number)
    assert mails, "a new lead and a new deadline are mailed to the units"
    recipients = {a for m in mails for a in m.to_addrs}
    assert "khtc@skhcn.binhminh.example.vn" in recipients  # the new lead
    assert "qlcn@skhcn.binhminh.example.vn" in recipients  # the unit that lost the task is told too


def test_edit_recurrence_and_clear_support(office_db: Office) -> None:
    o = office_db
    number = o.task_ids[0]
    o.ok("tasks", "edit", str(number), "--recurrence", "hằng quý", "--no-support", "--now", NOW)
    task = _task(o, number)
    assert task.recurrence == "quarterly" and task.unit_names(Role.SUPPORT) == []
    assert ("support", VP, None) in [e[:3] for e in _events(o, number)]
    assert _change_mails(o, number) == []  # nothing a unit must do changed: no mail


def test_done_reopen_cancel_reject(office_db: Office) -> None:
    o = office_db
    late, on_time = o.task_ids[3], o.task_ids[0]
    o.ok("tasks", "done", f"NV-{late}", "--now", NOW)
    o.ok("tasks", "done", f"NV-{on_time}", "--now", NOW)
    assert (
        _task(o, late).status is TaskStatus.DONE_LATE and _task(o, on_time).status is TaskStatus.DONE_ON_TIME
    )
    o.ok("tasks", "reopen", f"NV-{late}", "--note", "chưa đủ hồ sơ", "--now", NOW)
    assert _task(o, late).status is TaskStatus.OPEN and _task(o, late).completed_at is None
    o.ok("tasks", "cancel", f"NV-{late}", "--reason", "Giám đốc Sở đã thu hồi", "--now", NOW)
    task = _task(o, late)
    assert task.status is TaskStatus.CANCELLED and task.closed_reason == "Giám đốc Sở đã thu hồi"
    assert [m.kind for m in _change_mails(o, late)] == ["change"]
    o.ok("tasks", "reject", f"NV-{o.task_ids[2]}", "--now", NOW)
    assert _task(o, o.task_ids[2]).status is TaskStatus.REJECTED
    fields = [e[0] for e in _events(o, late)]
    assert fields.count("status") == 3
    # one format (service.tasks.events): statuses by value, a time in ISO with its zone
    assert ("status", "open", "done_late") in [e[:3] for e in _events(o, late)]
    completed = next(after for field, _, after, _ in _events(o, late) if field == "completed_at")
    assert completed is not None and datetime.fromisoformat(completed).utcoffset() is not None, completed
    bad = o.run("tasks", "done", f"NV-{late}", "--now", NOW)
    assert bad.exit_code == 1 and "cancelled; it cannot become done" in bad.stderr


def test_extend_keeps_original_deadline_and_approves_pending_request(office_db: Office) -> None:
    o = office_db
    number = o.task_ids[0]
    with o.app.sessions.begin() as session:
        session.add(
            ExtensionRequest(
                task_id=number,
                requested_to=date(2026, 12, 20),
                reason="chờ số liệu",
                requested_by="khtc",
                status=ExtensionStatus.PENDING,
                created_at=o.app.clock.now(),
            )
        )
    out = o.ok(
        "tasks",
        "extend",
        f"NV-{number}",
        "--to",
        "15/12/2026",
        "--reason",
        "chờ số liệu quyết toán",
        "--now",
        NOW,
    )
    assert "Thời hạn: 30/11/2026 → 15/12/2026" in out.stdout
    task = _task(o, number)
    assert task.deadline == date(2026, 12, 15) and task.original_deadline == date(2026, 11, 30)
    with o.app.sessions() as session:
        request = session.scalars(select(ExtensionRequest)).one()
        assert request.status is ExtensionStatus.APPROVED and request.decided_by
    assert _change_mails(o, number)
    # one writer (service.tasks.extensions.extend_task), so one deadline event, dates in ISO
    assert [e[:3] for e in _events(o, number) if e[0] == "deadline"] == [
        ("deadline", "2026-11-30", "2026-12-15")
    ]
    earlier = o.run("tasks", "extend", f"NV-{number}", "--to", "01/12/2026", "--reason", "x", "--now", NOW)
    assert earlier.exit_code == 1 and "not later than the current deadline" in earlier.stderr


def test_merge_two_tasks_into_one(office_db: Office) -> None:
    o = office_db
    keep, drop = o.task_ids[0], o.task_ids[1]
    result = o.json("tasks", "merge", f"NV-{keep}", f"NV-{drop}", "--now", NOW)
    assert [r["task"] for r in result] == [f"NV-{keep}", f"NV-{drop}"]
    kept, dropped = _task(o, keep), _task(o, drop)
    assert kept.unit_names(Role.LEAD) == [KHTC, QLCN] and dropped.merged_into_id == keep
    assert dropped.status is TaskStatus.CANCELLED
    listed = {r["id"]: r["status"] for r in o.json("tasks", "list", "--now", NOW)}
    assert listed[f"NV-{drop}"] == "merged"
    again = o.run("tasks", "edit", f"NV-{drop}", "--text", "x", "--now", NOW)
    assert again.exit_code == 1 and f"merged into NV-{keep}" in again.stderr


def test_add_a_missed_task(office_db: Office) -> None:
    o = office_db
    result = o.json(
        "tasks",
        "add",
        "--notice",
        f"TB-{o.notice_id}",
        "--text",
        "Văn phòng Sở chuẩn bị hội nghị tổng kết năm 2026.",
        "--lead",
        "Văn phòng",
        "--support",
        "Thanh tra Sở",
        "--deadline",
        "2026-12-20",
        "--now",
        NOW,
    )
    number = int(result[0]["task"].removeprefix("NV-"))
    task = _task(o, number)
    assert task.notice_id == o.notice_id and task.manual and task.unit_names(Role.LEAD) == [VP]
    assert task.deadline == task.original_deadline == date(2026, 12, 20)
    assert _events(o, number)[0][0] == "created" and not _change_mails(o, number)
    with o.app.sessions() as session:  # a new task is an assignment to its units, never an "Điều chỉnh"
        mails = list(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.task_id == number).order_by(OutboxMessage.id)
            )
        )
    assert [(m.kind, m.subject.split(":")[0].split("] ")[-1]) for m in mails] == [
        ("assignment", "Giao nhiệm vụ"),
        ("assignment", "Phối hợp thực hiện"),
    ]
    assert "Điều chỉnh" not in mails[0].subject + mails[0].body_text


def test_the_installed_docket_command(office_db: Office) -> None:
    """The console script itself (a subprocess), not only the Typer app in-process."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path as P

    docket = P(sys.executable).with_name("docket")
    done = subprocess.run(
        [str(docket), "tasks", "list", "--json", "--status", "open", "--now", NOW],
        capture_output=True,
        text=True,
        env={**os.environ, **office_db.env},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    # 'open' includes the overdue task (overdue is derived, never stored)
    assert [r["deadline"] for r in json.loads(done.stdout)] == [
        "2026-11-20",
        "2026-11-25",
        "2026-11-30",
        "2026-12-31",
    ]
    bad = subprocess.run(
        [str(docket), "tasks", "show", "NV-999"],
        capture_output=True,
        text=True,
        env={**os.environ, **office_db.env},
        timeout=60,
    )
    assert (
        bad.returncode == 1
        and bad.stderr.strip() == "docket: no task NV-999 (`docket tasks list` shows the tasks)"
    )
