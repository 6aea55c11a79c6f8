"""`docket notices list|show|reprocess` on SQLite and PostgreSQL; reprocess keeps manual corrections."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from service.tasks.audit import Editor
from service.store.models import InboundMessage, Notice, Task
from service.tasks.reprocess import ADDED, CHANGED, KEPT, REMOVED, SAME, apply, diff_tasks
from service.store.stages import Role, Stage, TaskStatus
from tests.integration.cli_support import (
    CDS,
    NOTICE_TEXT,
    NOW,
    QLCN,
    TT,
    Office,
    sample_findings,
    seed_office,
)


@pytest.fixture
def office_db(make_app, office: Path, database_url: str) -> Office:  # type: ignore[no-untyped-def]
    return seed_office(make_app, office, database_url)


def test_notices_list_and_show(office_db: Office) -> None:
    o = office_db
    rows = o.json("notices", "list", "--now", NOW)
    assert rows == [
        {**rows[0], "id": f"TB-{o.notice_id}", "number": "15/TB-SKHCN", "tasks": 4, "needs_review": 1}
    ]
    assert "15/TB-SKHCN" in o.ok("notices", "list").stdout
    detail = o.json("notices", "show", f"TB-{o.notice_id}", "--now", NOW)
    assert detail["label"] == "Thông báo số 15/TB-SKHCN ngày 02/11/2026" and len(detail["tasks"]) == 4
    assert "Kết luận của Giám đốc Sở" in o.ok("notices", "show", str(o.notice_id), "--now", NOW).stdout


def _rules_changed() -> object:
    """What a newer rule set might find: task 2 gets a support unit, task 4 is gone, a fifth task appears."""
    findings = sample_findings()
    tasks = list(findings.tasks)
    tasks[1] = replace(tasks[1], support=(TT,))
    extra = replace(
        tasks[0], text="Văn phòng Sở chuẩn bị hội nghị.", lead=(CDS,), support=(), deadline=date(2026, 12, 5)
    )
    return replace(findings, tasks=(tasks[0], tasks[1], tasks[2], extra))


def test_reprocess_diff_and_apply_keep_manual_corrections(office_db: Office) -> None:
    o = office_db
    first, second, third, fourth = o.task_ids
    o.ok("tasks", "edit", f"NV-{third}", "--lead", "Phòng QLCN", "--now", NOW)  # an admin's correction
    findings = _rules_changed()
    with o.app.sessions.begin() as session:
        notice = session.get(Notice, o.notice_id)
        diffs = {d.task_id: d for d in diff_tasks(notice, findings)}
        assert diffs[first].kind == SAME and diffs[second].kind == CHANGED and diffs[fourth].kind == REMOVED
        assert diffs[third].kind == KEPT and diffs[third].why == "corrected by an admin"
        assert [c.field for c in diffs[second].changes] == ["support"] and diffs[None].kind == ADDED
    from service.tasks.reprocess import Plan

    with o.app.sessions.begin() as session:
        notice = session.get(Notice, o.notice_id)
        plan = Plan(o.notice_id, 0, NOTICE_TEXT, "body", findings, tuple(diff_tasks(notice, findings)))
        assert apply(o.app, session, plan, Editor("admin", o.app.clock.now())) == 3
    with o.app.sessions() as session:
        tasks = {t.id: t for t in session.scalars(select(Task))}
        assert tasks[second].unit_names(Role.SUPPORT) == [TT] and not tasks[second].manual
        assert tasks[third].unit_names(Role.LEAD) == [QLCN]  # the admin's lead survives
        assert tasks[fourth].status is TaskStatus.REJECTED and len(tasks) == 5


def _store_message(o: Office) -> None:
    msg = EmailMessage()
    msg["From"] = "Văn thư <van.thu@skhcn.binhminh.example.vn>"
    msg["To"] = "docket@skhcn.binhminh.example.vn"
    msg["Subject"] = "Fwd: Thông báo kết luận giao ban tháng 11/2026"
    msg["Message-ID"] = "<seed-15@skhcn.binhminh.example.vn>"
    msg.set_content(NOTICE_TEXT)
    raw = msg.as_bytes()
    with o.app.sessions.begin() as session:
        session.add(
            InboundMessage(
                mailbox="test",
                source_key="1",
                content_hash="x" * 64,
                raw=raw,
                size=len(raw),
                sender="van.thu@skhcn.binhminh.example.vn",
                received_at=o.app.clock.now(),
                stage=Stage.PROCESSED,
                notice_id=o.notice_id,
            )
        )


def test_reprocess_through_the_cli(office_db: Office) -> None:
    o = office_db
    _store_message(o)
    o.ok(
        "tasks",
        "edit",
        f"NV-{o.task_ids[0]}",
        "--text",
        "Rà soát dự toán 2027 (đã sửa tay).",
        "--lead",
        "Thanh tra",
        "--now",
        NOW,
    )
    shown = o.json("notices", "reprocess", f"TB-{o.notice_id}", "--now", NOW)
    assert shown["applied"] == 0 and shown["diff"]
    assert o.json("tasks", "show", f"NV-{o.task_ids[0]}")["text"] == "Rà soát dự toán 2027 (đã sửa tay)."
    text = o.ok("notices", "reprocess", f"TB-{o.notice_id}", "--now", NOW).stdout
    assert "--apply" in text or "0 change(s) pending" in text
    applied = o.json("notices", "reprocess", f"TB-{o.notice_id}", "--apply", "--now", NOW)
    assert applied["applied"] == applied["pending"]
    manual = o.json("tasks", "show", f"NV-{o.task_ids[0]}")
    assert manual["text"] == "Rà soát dự toán 2027 (đã sửa tay)." and manual["lead"] == [TT]
    # applying converges
    assert o.json("notices", "reprocess", f"TB-{o.notice_id}", "--now", NOW)["pending"] == 0


def test_reprocess_without_a_stored_message_is_a_clear_error(office_db: Office) -> None:
    o = office_db
    result = o.run("notices", "reprocess", f"TB-{o.notice_id}", "--now", NOW)
    assert result.exit_code == 1 and "no stored message to re-extract" in result.stderr
