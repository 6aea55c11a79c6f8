"""`docket inbox list|show|attach|dismiss` and the queue in `docket status`, on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
from email.message import EmailMessage
from pathlib import Path

import pytest

from service.store.models import InboundMessage, Task, TaskEvent
from service.runners.process import process_one
from service.store.stages import Stage, TaskStatus
from tests.integration.cli_support import NOW, Office, seed_office

D = "@skhcn.binhminh.example.vn"


@pytest.fixture
def office_db(make_app, office: Path, database_url: str) -> Office:  # type: ignore[no-untyped-def]
    return seed_office(make_app, office, database_url)


def _queued(o: Office, *, sender: str, subject: str, body: str, n: int) -> int:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = (
        sender,
        f"docket{D}",
        subject,
        f"<q{n}@units.example.vn>",
    )
    msg.set_content(body)
    raw = msg.as_bytes()
    with o.app.sessions.begin() as session:
        row = InboundMessage(
            mailbox="test",
            source_key=f"q{n}",
            content_hash=hashlib.sha256(raw).hexdigest(),
            raw=raw,
            size=len(raw),
            sender=sender,
            subject=subject,
            received_at=o.app.clock.now(),
            stage=Stage.RECEIVED,
        )
        session.add(row)
        session.flush()
        row_id = row.id
    assert process_one(o.app, row_id, now=o.app.clock.now()).disposition == "queued-not-assignee"
    return row_id


def test_the_queue_worked_from_the_cli(office_db: Office) -> None:
    o = office_db
    kh = o.task_ids[0]
    # the head of another unit (QLCN) answers about a task not his: queued, then dismissed
    wrong = _queued(
        o, sender=f"tuan.pm{D}", subject=f"Re: [NV-{kh}] báo cáo", body="Đã hoàn thành.\n-- \nTuấn", n=1
    )
    other = _queued(o, sender=f"thanhtra{D}", subject=f"Re: [NV-{kh}] hỏi", body="Việc này giao ai?", n=2)
    listed = o.json("inbox", "list")
    assert [i["id"] for i in listed["items"]] == [wrong, other] and listed["counts"]["queued_replies"] == 2
    shown = o.ok("inbox", "show", str(wrong)).stdout
    assert "Đã hoàn thành." in shown and "Tuấn" not in shown  # own words only
    assert o.run("inbox", "attach", "999999", f"NV-{kh}").exit_code == 1
    assert o.run("inbox", "attach", str(wrong), "NV-999999").exit_code == 1
    out = o.ok("inbox", "attach", str(other), f"NV-{kh}", "--as", "admin1", "--now", NOW).stdout
    assert "reply-note" in out  # a question from a unit not on the task: recorded, nothing closed
    o.ok("inbox", "dismiss", str(wrong), "--reason", "hỏi lại đơn vị", "--as", "admin1", "--now", NOW)
    bad = o.run("inbox", "attach", str(wrong), f"NV-{kh}")
    assert bad.exit_code == 1 and "already handled" in bad.output
    everything = o.json("inbox", "list", "--all")
    assert [(i["id"], i["closed_by"]) for i in everything["items"]] == [(wrong, "admin1"), (other, "admin1")]
    assert everything["counts"]["queued_replies"] == 0
    assert "0 thư trả lời chờ xử lý" in o.run("status", "--no-probe").stdout
    with o.app.sessions() as session:
        assert session.get(Task, kh).status is TaskStatus.OPEN
        fields = [(e.field, e.actor) for e in session.query(TaskEvent).filter(TaskEvent.task_id == kh)]
        assert ("inbox-attach", "admin1") in fields and ("reply", f"thanhtra{D}") in fields
