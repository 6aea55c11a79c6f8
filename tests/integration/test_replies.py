"""Replies from units, through the real processing path: done, extension request, notes, strangers."""
from __future__ import annotations

import hashlib
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime

from service.clock import FixedClock
from service.tasks.extensions import approve_extension
from service.store.models import ExtensionRequest, InboundMessage, Task, TaskEvent
from service.tasks.notify import queue_change_notice
from service.runners.process import process_one
from service.runners.one_pass import deliver
from service.runners.scheduler import run_due
from service.store.stages import Stage, TaskStatus
from outbox.models import OutboxStatus
from tests.conftest import vn
from tests.integration.outbox_support import GoldTask, outbox_rows, register_notice

D = "@skhcn.binhminh.example.vn"
TASKS = [
    GoldTask(
        "rà soát dự toán ngân sách năm 2027",
        ("Phòng Kế hoạch - Tài chính",),
        ("Văn phòng Sở",),
        date(2026, 11, 30),
    ),
    GoldTask("xây dựng kế hoạch thanh tra năm 2027", ("Thanh tra Sở",), (), date(2026, 12, 15)),
]


def _office(make_app):  # type: ignore[no-untyped-def]
    app = make_app(now=vn(2026, 11, 20, 9, 0))
    with app.sessions.begin() as session:
        result = register_notice(
            app,
            session,
            text="rà soát dự toán ngân sách năm 2027; xây dựng kế hoạch thanh tra năm 2027",
            doc={"type": "Thông báo", "number": "412/TB-SKHCN"},
            tasks=TASKS,
            now=app.clock.now(),
            forwarder=f"van.thu{D}",
        )
        ids = [t.id for t in result.new_tasks]
    deliver(app)
    return app, ids


def _reply(
    app, *, sender: str, body: str, in_reply_to: str | None = None, subject: str = "Re: nhiệm vụ", n: int = 1
) -> tuple[int, object]:  # type: ignore[no-untyped-def]
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, f"docket{D}", subject
    msg["Message-ID"] = f"<reply-{n}@units.example.vn>"
    msg["Date"] = format_datetime(app.clock.now())
    if in_reply_to:
        msg["In-Reply-To"], msg["References"] = in_reply_to, in_reply_to
    msg.set_content(body)
    raw = msg.as_bytes()
    with app.sessions.begin() as session:
        row = InboundMessage(
            mailbox="test",
            source_key=f"k{n}-{sender}",
            content_hash=hashlib.sha256(raw).hexdigest(),
            raw=raw,
            size=len(raw),
            sender=sender,
            subject=subject,
            received_at=app.clock.now(),
            stage=Stage.RECEIVED,
        )
        session.add(row)
        session.flush()
        row_id = row.id
    return row_id, process_one(app, row_id, now=app.clock.now())


def _assignment_id(app, task_id: int) -> str:  # type: ignore[no-untyped-def]
    return next(
        r.message_id
        for r in outbox_rows(app, kind="assignment")
        if r.task_id == task_id and f"khtc{D}" in r.to_addrs
    )


def test_done_from_the_lead_closes_the_task_and_a_stranger_does_not(make_app) -> None:  # type: ignore[no-untyped-def]
    app, (kh, tt) = _office(make_app)
    thread = _assignment_id(app, kh)
    quoted = (
        "Đang tổng hợp.\n\nVào 20/11/2026 Docket đã viết:\n> Thời hạn: 30/11/2026 - đã hoàn thành hay chưa?"
    )
    _, outcome = _reply(app, sender=f"thanhtra{D}", body="Đã hoàn thành.", in_reply_to=thread, n=1)
    assert outcome.stage is Stage.REPLY and outcome.disposition == "reply-note"
    # quoted words never count
    _, outcome = _reply(app, sender=f"khtc{D}", body=quoted, in_reply_to=thread, n=2)
    assert outcome.disposition == "reply-note"
    with app.sessions() as session:
        assert session.get(Task, kh).status is TaskStatus.OPEN
        notes = session.query(TaskEvent).filter(TaskEvent.task_id == kh, TaskEvent.field == "reply").all()
        assert [n.actor for n in notes] == [f"thanhtra{D}", f"khtc{D}"]
        assert "không phải đơn vị chủ trì" in notes[0].note
    app.clock = FixedClock(vn(2026, 11, 27, 10, 0))
    _, outcome = _reply(
        app,
        sender=f"Phòng KH-TC <khtc{D}>",
        body="Kính gửi Văn phòng,\nPhòng đã hoàn thành nhiệm vụ.\n-- \nKH-TC",
        in_reply_to=thread,
        n=3,
    )
    assert outcome.disposition == "reply-done"
    with app.sessions() as session:
        task = session.get(Task, kh)
        assert task.status is TaskStatus.DONE_ON_TIME and task.completed_at is not None
        row = session.query(InboundMessage).order_by(InboundMessage.id.desc()).first()
        assert row.task_id == kh
    answers = outbox_rows(app, kind="reply-ack")  # every reply is answered; the two notes say nothing changed
    assert [a.to_addrs for a in answers] == [[f"thanhtra{D}"], [f"khtc{D}"], [f"khtc{D}"]]
    assert all("chưa được ghi nhận hoàn thành" in a.body_text for a in answers[:2])
    ack = answers[2:]
    assert len(ack) == 1 and ack[0].to_addrs == [f"khtc{D}"] and ack[0].cc_addrs == [f"vanphong{D}"]
    assert (
        ack[0].headers["In-Reply-To"] == "<reply-3@units.example.vn>"
        and thread in ack[0].headers["References"]
    )
    assert "hoàn thành đúng hạn" in ack[0].body_text
    app.clock = FixedClock(vn(2026, 11, 30, 8, 30))  # the deadline: no reminder for a done task
    run_due(app)
    assert not [r for r in outbox_rows(app, kind="reminder") if r.task_id == kh]


def test_subject_token_counts_only_from_an_assignee(make_app) -> None:  # type: ignore[no-untyped-def]
    app, (kh, tt) = _office(make_app)
    app.clock = FixedClock(vn(2026, 12, 16, 9, 0))  # after Thanh tra's deadline of 15/12
    _, outcome = _reply(
        app, sender=f"thanhtra{D}", body="Hoàn thành", subject=f"[NV-{tt}] báo cáo kết quả", n=1
    )
    assert outcome.disposition == "reply-done"
    with app.sessions() as session:
        assert session.get(Task, tt).status is TaskStatus.DONE_LATE  # measured against the original deadline
    _, outcome = _reply(app, sender=f"qlcn{D}", body="Đã hoàn thành", subject=f"[NV-{kh}] xong", n=2)
    # not an assignee: the token ties it to nothing; it waits in the admin queue (issue 13), never a new
    # notice
    assert (outcome.stage, outcome.disposition) == (Stage.REPLY, "queued-not-assignee")
    with app.sessions() as session:
        assert session.get(Task, kh).status is TaskStatus.OPEN
        assert session.query(InboundMessage).filter(InboundMessage.queue == "not-assignee").count() == 1


def test_extension_request_then_approval_moves_reminders(make_app) -> None:  # type: ignore[no-untyped-def]
    app, (kh, tt) = _office(make_app)
    app.clock = FixedClock(vn(2026, 11, 25, 8, 30))
    run_due(app)  # T-3 reminder for 30/11 queued (its row; the unit's mail of the day carries it)
    assert [r.status for r in outbox_rows(app, kind="reminder")] == [OutboxStatus.BUNDLED]
    assert [r.status for r in outbox_rows(app, kind="bundle")] == [OutboxStatus.PENDING]
    _, outcome = _reply(
        app,
        sender=f"khtc{D}",
        body="Xin gia hạn đến 10/12/2026, lý do: chờ số liệu của Sở Tài chính.",
        in_reply_to=_assignment_id(app, kh),
        n=1,
    )
    assert outcome.disposition == "reply-extension"
    with app.sessions.begin() as session:
        request = session.query(ExtensionRequest).one()
        assert (request.requested_to, request.reason, request.status.value) == (
            date(2026, 12, 10),
            "chờ số liệu của Sở Tài chính.",
            "pending",
        )
        task = approve_extension(session, request.id, "admin", app.clock.now(), notify_with=app)
        assert (task.deadline, task.original_deadline) == (date(2026, 12, 10), date(2026, 11, 30))
    assert [r.status for r in outbox_rows(app, kind="reminder")] == [OutboxStatus.CANCELLED]
    assert [r.status for r in outbox_rows(app, kind="bundle")] == [OutboxStatus.CANCELLED]
    change = outbox_rows(app, kind="change")
    assert len(change) == 1 and f"khtc{D}" in change[0].to_addrs and "10/12/2026" in change[0].body_text
    app.clock = FixedClock(vn(2026, 12, 7, 8, 30))  # T-3 of the new deadline (Thu 10/12)
    run_due(app)
    fresh = [r for r in outbox_rows(app, kind="reminder") if r.status is OutboxStatus.BUNDLED]
    assert len(fresh) == 1 and "hạn 10/12/2026" in fresh[0].subject
    fresh = [r for r in outbox_rows(app, kind="bundle") if r.status is OutboxStatus.PENDING]
    assert len(fresh) == 1 and "hạn 10/12/2026" in fresh[0].subject


def test_new_lead_takes_over_the_scheduled_reminders(make_app) -> None:  # type: ignore[no-untyped-def]
    from service.tasks.register import set_units

    app, (kh, tt) = _office(make_app)
    app.clock = FixedClock(vn(2026, 11, 25, 6, 0))  # before office hours: the T-3 reminder waits unsent
    run_due(app)
    with app.sessions.begin() as session:
        task = session.get(Task, kh)
        set_units(session, task, lead=["Phòng Quản lý công nghệ"], support=[])
        queue_change_notice(
            app, session, task, "lead", app.clock.now(), previous_units=["Phòng Kế hoạch - Tài chính"]
        )
    old = outbox_rows(app, kind="reminder")
    assert [(r.status, r.to_addrs) for r in old] == [(OutboxStatus.CANCELLED, [f"khtc{D}"])]
    notice = outbox_rows(app, kind="change")[0]
    assert set(notice.to_addrs) == {f"qlcn{D}", f"khtc{D}"} and "Phòng Quản lý công nghệ" in notice.body_text
    run_due(app)  # the same day: the reminder is queued again, for the new lead
    live = [r for r in outbox_rows(app, kind="reminder") if r.status is OutboxStatus.BUNDLED]
    assert [r.to_addrs for r in live] == [[f"qlcn{D}"]]
    live = [r for r in outbox_rows(app, kind="bundle") if r.status is OutboxStatus.PENDING]
    assert [r.to_addrs for r in live] == [[f"qlcn{D}"]]
    assert deliver(app).sent == 0  # 06:00: held until office hours
    app.clock = FixedClock(vn(2026, 11, 25, 7, 30))
    assert deliver(app).sent == 2
