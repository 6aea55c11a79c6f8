"""Issue 12's safety net end to end, on SQLite and PostgreSQL: a notice with one order the rules miss → the
confirmation mail lists it as a possible task, numbered → `docket tasks add --from-candidate` makes it a task,
audited like `tasks add`; a second accept is refused in one line.

The daemon reads the mail in its sandbox child, so the candidate comes back the way findings do.
"""
from __future__ import annotations

import email
import email.policy
import mailbox
import re
from datetime import date
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from service.runners.daemon import run_daemon
from service.demo.build import build_docx, build_email, sample_text
from service.store.models import CandidateStatus, CandidateTask, Task, TaskEvent
from service.store.stages import Role
from tests.conftest import vn

MISSED = ("- Khẩn trương rà soát, cập nhật danh mục nhiệm vụ khoa học và công nghệ cấp tỉnh, hoàn thành "
          "trước ngày 15/12/2026.")
CLERK = "van.thu@skhcn.binhminh.example.vn"


def _notice_with_a_missed_order() -> str:
    return sample_text().replace("\n3. Trưởng các phòng", f"\n{MISSED}\n\n3. Trưởng các phòng", 1)


def _deliver(office: Path, raw: bytes) -> None:
    (office / "mail").mkdir(exist_ok=True)
    box = mailbox.Maildir(str(office / "mail" / "inbox"), create=True)
    box.add(raw)
    box.close()


def _confirmation(office: Path) -> str:
    (office / "mail").mkdir(exist_ok=True)
    box = mailbox.Maildir(str(office / "mail" / "sent"), create=True)
    mails = [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default) for k in box.keys()]
    [mail] = [m for m in mails if m["To"] == CLERK]
    return str(mail.get_body(preferencelist=("plain",)).get_content())


def _cli(office: Path, database_url: str, *args: str) -> object:
    from service.cli import app

    env = {
        "DOCKET_DATABASE_URL": database_url,
        "DOCKET_DIRECTORY": str(office / "directory.yaml"),
        "DOCKET_FROM": "docket@skhcn.binhminh.example.vn",
        "DOCKET_MAILBOX": f"maildir:{office / 'mail' / 'inbox'}",
        "DOCKET_SMTP": f"maildir:{office / 'mail' / 'sent'}",
        "DOCKET_CONFIG": str(office / "absent.toml"),
        "COLUMNS": "200",
    }
    return CliRunner().invoke(
        app, [*args, "--now", "2026-11-25T09:00:00+07:00"], env=env, catch_exceptions=False
    )


def test_a_missed_order_is_listed_then_accepted_as_an_audited_task(
    make_app, office: Path, database_url: str
) -> None:  # type: ignore[no-untyped-def]
    from service.tasks.units import import_directory

    app = make_app()
    with app.sessions.begin() as session:
        import_directory(session, app.directory)
    _deliver(
        office,
        build_email(
            build_docx(_notice_with_a_missed_order()),
            now=vn(2026, 11, 24, 9, 0),
            domain="skhcn.binhminh.example.vn",
        ),
    )
    run_daemon(app, once=True)

    with app.sessions() as session:
        assert not [
            t.text for t in session.scalars(select(Task)) if "danh mục nhiệm vụ khoa học" in t.text
        ], "the rules now find this order: pick another sentence they miss"
        cand = session.scalars(
            select(CandidateTask).where(CandidateTask.text.contains("danh mục nhiệm vụ khoa học"))
        ).one()
        cand_id, number, notice_id = cand.id, cand.seq, cand.notice_id
        assert (
            cand.deadline == date(2026, 12, 15)
            and cand.status is CandidateStatus.OPEN
            and cand.score is not None
        )

    body = _confirmation(office)
    assert "NỘI DUNG CÓ THỂ LÀ NHIỆM VỤ (CẦN RÀ SOÁT)" in body
    assert re.search(
        rf"^{number}\. \[KN-{cand_id}\] Khẩn trương rà soát, cập nhật danh mục", body, re.MULTILINE
    )
    # the clerk answers by mail; the command is the admin's
    assert "docket " not in body and "thêm: <nội dung>" in body

    shown = _cli(office, app.settings.database_url, "notices", "show", f"TB-{notice_id}")
    assert (
        shown.exit_code == 0
        and f"[KN-{cand_id}]" in shown.stdout
        and "Nội dung có thể là nhiệm vụ" in shown.stdout
    )

    no_lead = _cli(office, app.settings.database_url, "tasks", "add", "--from-candidate", f"KN-{cand_id}")
    assert no_lead.exit_code == 1 and "names no unit: give the lead with --lead" in no_lead.stderr

    done = _cli(
        office,
        app.settings.database_url,
        "tasks",
        "add",
        "--from-candidate",
        f"KN-{cand_id}",
        "--lead",
        "Phòng QLCN",
        "--actor",
        "truong.phong",
    )
    assert done.exit_code == 0, done.output
    with app.sessions() as session:
        cand = session.get(CandidateTask, cand_id)
        assert (
            cand is not None and cand.status is CandidateStatus.ACCEPTED and cand.decided_by == "truong.phong"
        )
        task = session.get(Task, cand.task_id)
        assert task is not None and task.notice_id == notice_id and task.manual
        assert task.text.startswith("Khẩn trương rà soát") and task.deadline == date(2026, 12, 15)
        assert task.unit_names(Role.LEAD) == ["Phòng Quản lý công nghệ"]
        events = {
            (e.field, e.actor) for e in session.scalars(select(TaskEvent).where(TaskEvent.task_id == task.id))
        }
        assert {("created", "truong.phong"), ("from_candidate", "truong.phong")} <= events
        task_id = task.id

    again = _cli(
        office,
        app.settings.database_url,
        "tasks",
        "add",
        "--from-candidate",
        str(cand_id),
        "--lead",
        "Phòng QLCN",
    )
    assert again.exit_code == 1
    assert again.stderr.strip() == f"docket: possible task KN-{cand_id} was already accepted as NV-{task_id}"

    listed = _cli(office, app.settings.database_url, "notices", "show", f"TB-{notice_id}", "--json")
    [row] = [c for c in __import__("json").loads(listed.stdout)["candidates"] if c["id"] == f"KN-{cand_id}"]
    assert row["status"] == "accepted" and row["task"] == f"NV-{task_id}"


def test_forwarding_the_notice_again_adds_no_candidate_twice(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    raw = build_email(
        build_docx(_notice_with_a_missed_order()),
        now=vn(2026, 11, 24, 9, 0),
        domain="skhcn.binhminh.example.vn",
    )
    _deliver(office, raw)
    run_daemon(app, once=True)
    _deliver(office, raw.replace(b"demo-notice-412", b"demo-notice-412-again"))
    run_daemon(app, once=True)
    with app.sessions() as session:
        texts = [c.text for c in session.scalars(select(CandidateTask))]
    assert len(texts) == len(set(texts)) and any("danh mục nhiệm vụ khoa học" in t for t in texts)


def _judge_in_child() -> tuple[int, int, float]:
    import os
    import time

    from rules.candidate_model import shipped_judge

    started = time.perf_counter()
    judge = shipped_judge()
    return os.getpid(), id(judge), time.perf_counter() - started


def test_the_sandbox_child_loads_the_judge_once() -> None:
    import os

    from service.sandbox import Sandbox

    box = Sandbox(timeout=60, memory_mb=1024)
    try:
        first, second = box.run(_judge_in_child), box.run(_judge_in_child)
    finally:
        box.close()
    assert first[0] == second[0] != os.getpid()  # the same child, not this process
    assert first[1] == second[1] and second[2] < 0.01  # the second message finds the model loaded


def test_reprocess_apply_stores_the_new_candidates_once(make_app, office: Path, database_url: str) -> None:  # type: ignore[no-untyped-def]
    """A notice registered before the net existed gets its possible tasks when an admin reprocesses it."""
    from dataclasses import replace

    from rules.findings import Candidate, Source
    from service.tasks.audit import Editor
    from service.tasks.reprocess import Plan, apply, diff_tasks
    from service.store.models import Notice
    from tests.integration.cli_support import NOTICE_TEXT, sample_findings, seed_office

    o = seed_office(make_app, office, database_url)
    start = NOTICE_TEXT.index("Thanh tra Sở")
    cand = Candidate(
        text="Thanh tra Sở tổng hợp kết quả thanh tra chuyên ngành",
        source=Source("body", start, start + 52),
        signals=("unit", "action"),
        lead=("Thanh tra Sở",),
        score=0.8,
    )
    findings = replace(sample_findings(), candidates=(cand,))
    for _ in range(2):  # applying twice stores it once
        with o.app.sessions.begin() as session:
            notice = session.get(Notice, o.notice_id)
            plan = Plan(o.notice_id, 0, NOTICE_TEXT, "body", findings, tuple(diff_tasks(notice, findings)))
            apply(o.app, session, plan, Editor("admin", o.app.clock.now()))
    with o.app.sessions() as session:
        [row] = session.scalars(select(CandidateTask).where(CandidateTask.notice_id == o.notice_id)).all()
        assert (row.seq, row.lead, row.score, row.status) == (1, ["Thanh tra Sở"], 0.8, CandidateStatus.OPEN)
