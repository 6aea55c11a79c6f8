"""A correction reaches the next reminder: the new lead gets it, with the new deadline; the old reminder is
dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from outbox.models import OutboxMessage, OutboxStatus
from tests.integration.cli_support import NOW, QLCN, Office, seed_office

KHTC_MAIL, QLCN_MAIL = "khtc@skhcn.binhminh.example.vn", "qlcn@skhcn.binhminh.example.vn"


@pytest.fixture
def office_db(make_app, office: Path, database_url: str) -> Office:  # type: ignore[no-untyped-def]
    return seed_office(make_app, office, database_url)


def _reminders(o: Office, task_id: int) -> list[OutboxMessage]:
    with o.app.sessions() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.task_id == task_id, OutboxMessage.kind == "reminder")
                .order_by(OutboxMessage.id)
            )
        )


def _carriers(o: Office, step: OutboxMessage) -> list[OutboxMessage]:
    """The day's mails that carried a step (its own row is the record; service.tasks.bundles)."""
    ids = step.headers["X-Docket-Bundled-In"].split()
    with o.app.sessions() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.message_id.in_(ids))))


def test_correction_appears_in_the_next_reminder(office_db: Office) -> None:
    o = office_db
    task = o.task_ids[0]  # Phòng KH-TC, deadline Monday 30/11/2026: T-3 is Wednesday 25/11
    o.ok("run", "--once", "--now", NOW)
    first = _reminders(o, task)
    assert [r.to_addrs for r in first] == [[KHTC_MAIL]] and "30/11/2026" in first[0].body_text
    o.ok(
        "tasks",
        "edit",
        f"NV-{task}",
        "--lead",
        "Phòng QLCN",
        "--deadline",
        "02/12/2026",
        "--now",
        "2026-11-25T10:00:00+07:00",
    )
    # Wednesday 02/12: T-3 is Friday 27/11; the next pass reminds the new lead of the new deadline.
    o.ok("run", "--once", "--now", "2026-11-27T08:30:00+07:00")
    after = [r for r in _reminders(o, task) if r.id != first[0].id]
    assert [r.to_addrs for r in after] == [[QLCN_MAIL]]
    assert "Thời hạn: 02/12/2026" in after[0].body_text and QLCN in after[0].body_text
    assert "Thời hạn: 30/11/2026" in first[0].body_text and "Thời hạn: 30/11/2026" not in after[0].body_text
    sent = list((Path(o.env["DOCKET_SMTP"].removeprefix("maildir:")) / "new").iterdir())
    [carrier] = _carriers(o, after[0])  # the new lead's mail of the day
    assert carrier.to_addrs == [QLCN_MAIL] and "Thời hạn: 02/12/2026" in carrier.body_text
    assert any(carrier.message_id in p.read_text(encoding="utf-8", errors="replace") for p in sent)
    assert all(r.to_addrs != [KHTC_MAIL] for r in _reminders(o, task) if r.id != first[0].id)


def test_a_new_lead_drops_the_reminders_not_yet_sent(office_db: Office) -> None:
    from service.runners.scheduler import run_due

    o = office_db
    task = o.task_ids[0]
    # queued at 25/11 08:30, not delivered yet: the step's row, carried by the unit's mail of the day
    run_due(o.app)
    assert [(r.to_addrs, r.status) for r in _reminders(o, task)] == [([KHTC_MAIL], OutboxStatus.BUNDLED)]
    [first] = _carriers(o, _reminders(o, task)[0])
    assert (first.to_addrs, first.status) == ([KHTC_MAIL], OutboxStatus.PENDING)
    o.ok("tasks", "edit", f"NV-{task}", "--lead", "Phòng QLCN", "--now", "2026-11-25T08:40:00+07:00")
    assert [r.status for r in _reminders(o, task)] == [OutboxStatus.CANCELLED]
    with o.app.sessions() as session:
        # its mail is dropped with it
        assert session.get(OutboxMessage, first.id).status is OutboxStatus.CANCELLED
    run_due(o.app)  # the same day again: the T-3 reminder now goes to the new lead
    assert [(r.to_addrs, r.status) for r in _reminders(o, task)][-1] == ([QLCN_MAIL], OutboxStatus.BUNDLED)
    [again] = _carriers(o, _reminders(o, task)[-1])
    assert (again.to_addrs, again.status) == ([QLCN_MAIL], OutboxStatus.PENDING)


def test_cancelled_task_gets_no_more_reminders(office_db: Office) -> None:
    o = office_db
    task = o.task_ids[0]
    o.ok("tasks", "cancel", f"NV-{task}", "--reason", "đã thu hồi", "--now", "2026-11-24T09:00:00+07:00")
    o.ok("run", "--once", "--now", NOW)
    o.ok("run", "--once", "--now", "2026-11-27T08:30:00+07:00")
    assert _reminders(o, task) == []
    with o.app.sessions() as session:
        changes = session.scalars(
            select(OutboxMessage).where(OutboxMessage.task_id == task, OutboxMessage.kind == "change")
        ).all()
    assert [c.status for c in changes] == [OutboxStatus.SENT] and KHTC_MAIL in changes[0].to_addrs
