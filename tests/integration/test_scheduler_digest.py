"""Weekly digests (four statuses against the original deadline) and monthly occurrences with their own
reminders."""

from __future__ import annotations

from datetime import date

from service.clock import FixedClock
from service.store.models import Task
from service.tasks.closing import mark_done
from service.runners.scheduler import run_due
from tests.conftest import vn
from tests.integration.outbox_support import GoldTask, outbox_rows, register_notice

D = "@skhcn.binhminh.example.vn"


def test_weekly_digests_only_for_units_with_something_late_or_due_soon_and_one_for_the_leaders(
    make_app,
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(now=vn(2026, 11, 2, 9, 0))
    tasks = [
        GoldTask("rà soát dự toán ngân sách", ("Phòng Kế hoạch - Tài chính",), (), date(2026, 11, 13)),
        GoldTask("lập báo cáo tài chính quý", ("Phòng Kế hoạch - Tài chính",), (), date(2026, 11, 20)),
        GoldTask("kiểm kê tài sản cuối năm", ("Phòng Kế hoạch - Tài chính",), (), date(2026, 12, 31)),
        GoldTask("thanh tra việc sử dụng kinh phí", ("Thanh tra Sở",), (), date(2026, 11, 10)),
        GoldTask("báo cáo vận hành hệ thống", ("Trung tâm Chuyển đổi số",), (), date(2026, 11, 27)),
    ]
    with app.sessions.begin() as session:
        result = register_notice(
            app,
            session,
            text="; ".join(t.quote for t in tasks),
            doc={"type": "Thông báo"},
            tasks=tasks,
            now=app.clock.now(),
        )
        a, b, c, d, e = (t.id for t in result.new_tasks)
    with app.sessions.begin() as session:
        app.clock = FixedClock(vn(2026, 11, 12, 10, 0))
        # on time
        mark_done(app, session, session.get(Task, a), actor=f"khtc{D}", note=None, now=app.clock.now())
        app.clock = FixedClock(vn(2026, 11, 18, 10, 0))
        # late
        mark_done(app, session, session.get(Task, d), actor=f"thanhtra{D}", note=None, now=app.clock.now())
    app.clock = FixedClock(vn(2026, 11, 23, 7, 0))  # Monday
    run_due(app)
    digests = {r.to_addrs[0]: r for r in outbox_rows(app, kind="digest")}
    # no empty digests: Thanh tra (its one task done), Văn phòng and QLCN (none) get nothing
    assert set(digests) == {f"khtc{D}", f"ttcds{D}"}
    khtc = digests[f"khtc{D}"].body_text
    assert "Hoàn thành đúng hạn: 1" in khtc and "Hoàn thành quá hạn: 0" in khtc
    assert "Đang thực hiện trong hạn: 1" in khtc and "Quá hạn: 1" in khtc
    assert (
        f"[NV-{b}]" in khtc and "hạn 20/11/2026; quá hạn 1 ngày làm việc" in khtc and f"[NV-{c}]" not in khtc
    )
    assert "tuần 48/2026" in digests[f"khtc{D}"].subject and "SẮP ĐẾN HẠN" not in khtc  # 31/12 is not soon
    ttcds = digests[f"ttcds{D}"]
    assert (
        "Không có nhiệm vụ quá hạn." in ttcds.body_text
        and "SẮP ĐẾN HẠN TRONG 5 NGÀY LÀM VIỆC (1)" in ttcds.body_text
    )
    # 24/11 is a day off
    assert f"[NV-{e}]" in ttcds.body_text and "Hạn 27/11/2026; còn 3 ngày làm việc" in ttcds.body_text
    assert ttcds.subject.endswith("(1 sắp đến hạn)")
    [org] = outbox_rows(app, kind="org-digest")
    assert org.dedupe_key == "digest:org:2026-W48" and (org.to_addrs, org.cc_addrs) == (
        [f"giamdoc{D}"],
        [f"vanphong{D}"],
    )
    body = org.body_text
    assert "Hoàn thành đúng hạn: 1" in body and "Hoàn thành quá hạn: 1" in body and "Quá hạn: 1" in body
    assert (
        f"Phòng Kế hoạch - Tài chính chưa hoàn thành [NV-{b}]" in body
        and f"[NV-{e}]" in body.split("SẮP ĐẾN HẠN")[1]
    )
    assert "khẩn trương" not in body and "không cần trả lời" in body
    assert run_due(app) == 0  # once a week
    app.clock = FixedClock(vn(2026, 11, 24, 7, 0))
    run_due(app)
    assert len(outbox_rows(app, kind="digest")) == 2 and len(outbox_rows(app, kind="org-digest")) == 1


def test_a_week_with_nothing_late_and_nothing_due_soon_sends_no_digest(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(now=vn(2026, 11, 2, 9, 0))
    tasks = [GoldTask("kiểm kê tài sản cuối năm", ("Phòng Kế hoạch - Tài chính",), (), date(2026, 12, 31))]
    with app.sessions.begin() as session:
        register_notice(
            app, session, text=tasks[0].quote, doc={"type": "Thông báo"}, tasks=tasks, now=app.clock.now()
        )
    app.clock = FixedClock(vn(2026, 11, 9, 7, 0))  # Monday
    run_due(app)
    assert outbox_rows(app, kind="digest") == [] and outbox_rows(app, kind="org-digest") == []


def test_monthly_task_done_early_gets_its_next_occurrence_with_its_own_reminders(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(now=vn(2026, 11, 2, 9, 0))
    tasks = [
        GoldTask(
            "báo cáo tình hình vận hành hệ thống",
            ("Trung tâm Chuyển đổi số",),
            (),
            date(2026, 11, 25),
            "monthly",
            25,
        )
    ]
    with app.sessions.begin() as session:
        first = (
            register_notice(
                app, session, text=tasks[0].quote, doc={"type": "Thông báo"}, tasks=tasks, now=app.clock.now()
            )
            .new_tasks[0]
            .id
        )
    app.clock = FixedClock(vn(2026, 11, 20, 10, 0))
    with app.sessions.begin() as session:
        mark_done(
            app,
            session,
            session.get(Task, first),
            actor=f"ttcds{D}",
            note="Đã hoàn thành",
            now=app.clock.now(),
        )
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
    assert [(r.task_id, r.to_addrs) for r in rows] == [(nxt_id, [f"ttcds{D}"])] and "hạn 25/12/2026" in rows[
        0
    ].subject
    with app.sessions() as session:  # exactly one next occurrence, however many passes
        assert session.query(Task).filter(Task.previous_id == first).count() == 1


def _overdue_office(make_app, **settings):  # type: ignore[no-untyped-def]
    app = make_app(now=vn(2026, 11, 2, 9, 0), **settings)
    tasks = [
        GoldTask("rà soát dự toán ngân sách", ("Phòng Kế hoạch - Tài chính",), (), date(2026, 11, 13)),
        GoldTask("thanh tra việc sử dụng kinh phí", ("Thanh tra Sở",), (), date(2026, 11, 13)),
    ]
    with app.sessions.begin() as session:
        ids = [
            t.id
            for t in register_notice(
                app,
                session,
                text="; ".join(t.quote for t in tasks),
                doc={"type": "Thông báo"},
                tasks=tasks,
                now=app.clock.now(),
            ).new_tasks
        ]
    app.clock = FixedClock(vn(2026, 11, 18, 8, 30))  # Wed: Q+3 of Fri 13/11 (to the Office and the director)
    return app, ids


def test_without_bundling_each_step_is_its_own_mail_to_the_units_and_the_leaders_still_get_one_digest(
    make_app,
) -> None:  # type: ignore[no-untyped-def]
    app, (kh, tt) = _overdue_office(make_app, bundle_daily=False)
    run_due(app)
    steps = outbox_rows(app, kind="escalation")
    assert [(r.task_id, r.status.value, r.to_addrs, r.cc_addrs) for r in steps] == [
        (kh, "pending", [f"khtc{D}"], [f"phuc.lv{D}"]),
        (tt, "pending", [f"thanhtra{D}"], [f"hai.dq{D}"]),
    ]
    assert outbox_rows(app, kind="bundle") == []
    [org] = outbox_rows(app, kind="org-digest")
    assert (org.to_addrs, org.cc_addrs, org.dedupe_key) == (
        [f"giamdoc{D}"],
        [f"vanphong{D}"],
        "escalation:org:2026-11-18",
    )
    assert f"Phòng Kế hoạch - Tài chính chưa hoàn thành nhiệm vụ [NV-{kh}]" in org.body_text
    assert f"Thanh tra Sở chưa hoàn thành nhiệm vụ [NV-{tt}]" in org.body_text


def test_a_crash_while_bundling_leaves_nothing_and_the_next_pass_queues_everything_once(make_app) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from service.tasks import bundles

    app, (kh, tt) = _overdue_office(make_app)
    real = bundles.enqueue_numbered
    calls = []

    def dies_after_the_first(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the worker died between two units' mails")
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bundles, "enqueue_numbered", dies_after_the_first)
        with pytest.raises(RuntimeError):
            run_due(app)
    assert {o.kind for o in outbox_rows(app)} == {"assignment"}, "nothing of the pass was kept"
    run_due(app)
    assert run_due(app) == 0
    bundles_sent = outbox_rows(app, kind="bundle")
    assert sorted(r.to_addrs[0] for r in bundles_sent) == [f"khtc{D}", f"thanhtra{D}"]
    assert [r.status.value for r in outbox_rows(app, kind="escalation")] == ["bundled", "bundled"]
    assert len(outbox_rows(app, kind="org-digest")) == 1
