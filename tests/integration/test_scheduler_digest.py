"""Weekly digests (four statuses against the original deadline) and monthly occurrences with their own reminders."""
from __future__ import annotations

from datetime import date

from service.clock import FixedClock
from service.store.models import Task
from service.tasks.closing import mark_done
from service.runners.scheduler import run_due
from tests.conftest import vn
from tests.integration.outbox_support import GoldTask, outbox_rows, register_notice

D = "@skhcn.binhminh.example.vn"


def test_weekly_digest_per_unit_and_for_the_office(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(now=vn(2026, 11, 2, 9, 0))
    tasks = [GoldTask("rà soát dự toán ngân sách", ("Phòng Kế hoạch - Tài chính",), (), date(2026, 11, 13)),
             GoldTask("lập báo cáo tài chính quý", ("Phòng Kế hoạch - Tài chính",), (), date(2026, 11, 20)),
             GoldTask("kiểm kê tài sản cuối năm", ("Phòng Kế hoạch - Tài chính",), (), date(2026, 12, 31)),
             GoldTask("thanh tra việc sử dụng kinh phí", ("Thanh tra Sở",), (), date(2026, 11, 10))]
    with app.sessions.begin() as session:
        result = register_notice(app, session, text="; ".join(t.quote for t in tasks), doc={"type": "Thông báo"}, tasks=tasks,
                                 now=app.clock.now())
        a, b, c, d = (t.id for t in result.new_tasks)
    with app.sessions.begin() as session:
        app.clock = FixedClock(vn(2026, 11, 12, 10, 0))
        mark_done(app, session, session.get(Task, a), actor=f"khtc{D}", note=None, now=app.clock.now())  # on time
        app.clock = FixedClock(vn(2026, 11, 18, 10, 0))
        mark_done(app, session, session.get(Task, d), actor=f"thanhtra{D}", note=None, now=app.clock.now())  # late
    app.clock = FixedClock(vn(2026, 11, 23, 7, 0))  # Monday
    run_due(app)
    digests = {r.to_addrs[0]: r for r in outbox_rows(app, kind="digest")}
    assert set(digests) == {f"{u}{D}" for u in ("vanphong", "khtc", "qlcn", "thanhtra", "ttcds")}
    khtc = digests[f"khtc{D}"].body_text
    assert "Hoàn thành đúng hạn: 1" in khtc and "Hoàn thành quá hạn: 0" in khtc
    assert "Đang thực hiện trong hạn: 1" in khtc and "Quá hạn: 1" in khtc
    assert f"[NV-{b}]" in khtc and "hạn 20/11/2026; quá hạn 1 ngày làm việc" in khtc and f"[NV-{c}]" not in khtc.split("QUÁ HẠN")[1]
    assert "tuần 48/2026" in digests[f"khtc{D}"].subject
    office = [r for r in outbox_rows(app, kind="digest") if r.dedupe_key.startswith("digest:office:")]
    assert len(office) == 1 and office[0].to_addrs == [f"vanphong{D}"]
    body = office[0].body_text
    assert "Hoàn thành đúng hạn: 1" in body and "Hoàn thành quá hạn: 1" in body and "Quá hạn: 1" in body
    assert run_due(app) == 0  # once a week
    app.clock = FixedClock(vn(2026, 11, 24, 7, 0))
    run_due(app)
    assert len(outbox_rows(app, kind="digest")) == 6


def test_monthly_task_done_early_gets_its_next_occurrence_with_its_own_reminders(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(now=vn(2026, 11, 2, 9, 0))
    tasks = [GoldTask("báo cáo tình hình vận hành hệ thống", ("Trung tâm Chuyển đổi số",), (), date(2026, 11, 25), "monthly", 25)]
    with app.sessions.begin() as session:
        first = register_notice(app, session, text=tasks[0].quote, doc={"type": "Thông báo"}, tasks=tasks, now=app.clock.now()).new_tasks[0].id
    app.clock = FixedClock(vn(2026, 11, 20, 10, 0))
    with app.sessions.begin() as session:
        mark_done(app, session, session.get(Task, first), actor=f"ttcds{D}", note="Đã hoàn thành", now=app.clock.now())
    assert run_due(app) >= 1
    with app.sessions() as session:
        nxt = session.query(Task).filter(Task.previous_id == first).one()
        assert (nxt.deadline, nxt.recurrence_day, nxt.status.value) == (date(2026, 12, 25), 25, "open")
        nxt_id = nxt.id
    app.clock = FixedClock(vn(2026, 11, 25, 8, 30))  # the old deadline: nothing for the done occurrence
    run_due(app)
    assert not outbox_rows(app, kind="reminder")
    app.clock = FixedClock(vn(2026, 12, 22, 8, 30))  # T-3 of Fri 25/12
    run_due(app)
    rows = outbox_rows(app, kind="reminder")
    assert [(r.task_id, r.to_addrs) for r in rows] == [(nxt_id, [f"ttcds{D}"])] and "hạn 25/12/2026" in rows[0].subject
    with app.sessions() as session:  # exactly one next occurrence, however many passes
        assert session.query(Task).filter(Task.previous_id == first).count() == 1
