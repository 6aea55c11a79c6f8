"""Review findings on the outbox path: what must never be mailed, and how long a held mail is retried."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from outbox.models import OutboxMessage, OutboxStatus
from tests.integration.cli_support import Office, seed_office

KHTC_MAIL = "khtc@skhcn.binhminh.example.vn"


@pytest.fixture
def office_db(make_app, office: Path, database_url: str) -> Office:  # type: ignore[no-untyped-def]
    return seed_office(make_app, office, database_url)


def _rows(o: Office, task_id: int, kind: str) -> list[OutboxMessage]:
    with o.app.sessions() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.task_id == task_id, OutboxMessage.kind == kind)
                .order_by(OutboxMessage.id)
            )
        )


def test_a_task_marked_done_by_the_admin_gets_no_reminder_queued_before_office_hours(
    office_db: Office,
) -> None:
    o = office_db
    task = o.task_ids[0]  # Phòng KH-TC, deadline Monday 30/11/2026: T-3 is Wednesday 25/11
    # 06:00: the scheduler queues the T-3 reminder; the office is closed, so the relay holds it.
    o.ok("run", "--once", "--now", "2026-11-25T06:00:00+07:00")
    # carried by the unit's mail of the day
    assert [r.status for r in _rows(o, task, "reminder")] == [OutboxStatus.BUNDLED]
    assert [r.status for r in _rows(o, task, "bundle")] == [OutboxStatus.PENDING]
    # 07:00: the unit phoned in; the admin closes the task before the office opens.
    o.ok("tasks", "done", f"NV-{task}", "--now", "2026-11-25T07:00:00+07:00")
    o.ok("run", "--once", "--now", "2026-11-25T08:30:00+07:00")
    assert [r.status for r in _rows(o, task, "reminder")] != [OutboxStatus.SENT], (
        "a reminder went out for a task already done"
    )
    sent = [r.status for r in _rows(o, task, "bundle")]
    assert OutboxStatus.SENT not in sent, "a reminder went out for a task already done"


def test_mail_held_over_tet_is_still_retried_after_a_4xx_when_the_office_opens(make_app) -> None:  # type: ignore[no-untyped-def]
    """Queued after hours on the Friday before Tết (16-20/2/2026 off), first tried on Monday 23/2: a 4xx is
    retried."""
    from datetime import date

    from service.clock import FixedClock
    from service.runners.one_pass import deliver
    from tests.conftest import vn
    from tests.integration.outbox_support import GoldTask, Sink, outbox_rows, register_notice

    sink = Sink().start()
    try:
        queued_at = vn(2026, 2, 13, 17, 30)
        app = make_app(now=queued_at, smtp=sink.url)
        with app.sessions.begin() as session:
            register_notice(
                app,
                session,
                text="Giao Phòng Kế hoạch - Tài chính rà soát dự toán năm 2026.",
                doc={"type": "Thông báo", "number": "7/TB-SKHCN", "issued_date": "2026-02-12"},
                tasks=[
                    GoldTask(
                        "rà soát dự toán năm 2026", ("Phòng Kế hoạch - Tài chính",), (), date(2026, 3, 31)
                    )
                ],
                now=queued_at,
            )
        assert deliver(app).held and {r.status for r in outbox_rows(app)} == {OutboxStatus.PENDING}
        app.clock = FixedClock(vn(2026, 2, 23, 7, 30))  # ten days later: the office opens, the server is busy
        sink.handler.failures = ["421 4.7.0 Busy, try again later"]
        first = deliver(app)
        assert first.dead == 0 and first.retried == 1, [r.last_error for r in outbox_rows(app)]
        app.clock = FixedClock(vn(2026, 2, 23, 7, 45))
        assert deliver(app).sent == 1 and len(sink.messages) == 1
    finally:
        sink.stop()


def test_done_with_a_utc_now_is_judged_on_the_office_date(office_db: Office) -> None:
    """--now 2026-11-30T17:30Z is 01/12/2026 00:30 in Hà Nội: past the 30/11 deadline, so done late."""
    from service.store.models import Task
    from service.store.stages import TaskStatus

    o = office_db
    task = o.task_ids[0]  # deadline 30/11/2026
    o.ok("tasks", "done", f"NV-{task}", "--now", "2026-11-30T17:30:00+00:00")
    with o.app.sessions() as session:
        assert session.get(Task, task).status is TaskStatus.DONE_LATE
