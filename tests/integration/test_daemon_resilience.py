"""The daemon goes on: a pass that fails on the database is logged and retried; dead workers' claims are
freed."""

from __future__ import annotations

import mailbox
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, text

from service.runners.daemon import release_dead_leases, run_daemon
from service.demo.build import build_docx, build_email, sample_text
from service.store.models import InboundMessage
from outbox.models import OutboxMessage, OutboxStatus
from service.store.stages import Stage

from tests.conftest import vn


def _inbox(office: Path) -> mailbox.Maildir:
    (office / "mail").mkdir(exist_ok=True)
    return mailbox.Maildir(str(office / "mail" / "inbox"), create=True)


def _wait(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_failing_pass_does_not_stop_the_daemon(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(poll_interval=0.3)
    stop = threading.Event()
    worker = threading.Thread(
        target=run_daemon, args=(app,), kwargs={"once": False, "stop": stop}, daemon=True
    )
    worker.start()
    time.sleep(1.0)  # the first pass has run
    with app.engine.begin() as conn:  # a table the intake writes disappears: every pass now fails
        conn.execute(text("ALTER TABLE sync_state RENAME TO sync_hidden"))
    box = _inbox(office)
    box.add(
        build_email(build_docx(sample_text()), now=vn(2026, 11, 24, 9, 0), domain="skhcn.binhminh.example.vn")
    )
    time.sleep(1.5)
    assert worker.is_alive(), "the daemon died on a failing pass"
    with app.engine.begin() as conn:
        conn.execute(text("ALTER TABLE sync_hidden RENAME TO sync_state"))

    def confirmed() -> bool:
        with app.sessions() as session:
            return (
                session.scalar(select(OutboxMessage.status).where(OutboxMessage.kind == "confirmation"))
                is OutboxStatus.SENT
            )

    try:
        assert _wait(confirmed, 30), "the notice was not confirmed after the database came back"
    finally:
        stop.set()
        worker.join(30)
    with app.sessions() as session:
        assert session.scalar(select(InboundMessage.stage)) is Stage.PROCESSED


def test_claims_of_dead_local_workers_are_freed_at_start(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    import socket
    import subprocess

    app = make_app()
    box = _inbox(office)
    box.add(
        build_email(build_docx(sample_text()), now=vn(2026, 11, 24, 9, 0), domain="skhcn.binhminh.example.vn")
    )
    from service.runners.intake import intake_once
    from service.mailbox import open_mailbox

    intake_once(app, open_mailbox(app.settings.mailbox, settings=app.settings))
    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid that no longer runs
    with app.sessions.begin() as session:
        row = session.scalars(select(InboundMessage)).one()
        row.lease_owner, row.lease_until = f"{socket.gethostname()}:{gone.pid}", vn(2026, 11, 25, 9, 0)
    assert release_dead_leases(app) == 1
    with app.sessions() as session:
        assert session.scalars(select(InboundMessage)).one().lease_owner is None


def test_a_message_whose_attempt_never_finished_waits_behind_fresh_mail(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    from service.runners.intake import intake_once
    from service.mailbox import open_mailbox
    from service.runners.process import claim_next

    app = make_app()
    box = _inbox(office)
    for day in (24, 25):
        box.add(
            build_email(
                build_docx(sample_text()), now=vn(2026, 11, day, 9, 0), domain="skhcn.binhminh.example.vn"
            )
        )
    intake_once(app, open_mailbox(app.settings.mailbox, settings=app.settings))
    with app.sessions() as session:
        first, second = session.scalars(select(InboundMessage.id).order_by(InboundMessage.id)).all()
    now = vn(2026, 11, 25, 9, 0)
    assert claim_next(app, now, "worker-a") == first  # then worker-a is killed: its lease runs out
    later = now + timedelta(minutes=11)
    assert claim_next(app, later, "worker-b") == second  # the untried mail goes first
    assert claim_next(app, later, "worker-c") == first  # nothing untried is left: now its turn comes again
    with app.sessions() as session:
        assert session.get(InboundMessage, first).attempts == 2


def test_a_message_that_stops_the_worker_three_times_is_parked(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    from service.runners.intake import intake_once
    from service.mailbox import open_mailbox
    from service.runners.process import MAX_ATTEMPTS, claim_next, process_one

    app = make_app()
    _inbox(office).add(
        build_email(build_docx(sample_text()), now=vn(2026, 11, 24, 9, 0), domain="skhcn.binhminh.example.vn")
    )
    intake_once(app, open_mailbox(app.settings.mailbox, settings=app.settings))
    now = vn(2026, 11, 25, 9, 0)
    for _ in range(MAX_ATTEMPTS):  # each worker dies holding the lease
        row_id = claim_next(app, now, "worker")
        now += timedelta(minutes=11)
    assert claim_next(app, now, "worker") == row_id
    outcome = process_one(app, row_id, now=now)
    assert (outcome.stage, outcome.disposition) == (Stage.FAILED, "gave-up")
    with app.sessions() as session:
        row = session.get(InboundMessage, row_id)
        assert (
            row.stage is Stage.FAILED and row.error == f"processing stopped the worker {MAX_ATTEMPTS} times"
        )
        # the clerk is told it is our fault, not the document's
        told = session.scalars(select(OutboxMessage)).one()
        assert "lỗi nội bộ" in told.body_text and "không cần gửi lại" in told.body_text
        assert told.subject.startswith("Văn bản đã nhận, đang chờ xử lý lại")


def test_a_database_fault_under_processing_leaves_the_message_queued(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    """The database goes away between the claim and the work: nothing is parked, nobody is told
    'unreadable'."""
    import pytest

    from service.clock import FixedClock
    from service.config import load_settings
    from service.errors import TransientError
    from service.runners.intake import intake_once
    from service.mailbox import open_mailbox
    from service.runners.process import claim_next, process_one
    from service.wiring import build_app

    app = make_app()
    _inbox(office).add(
        build_email(build_docx(sample_text()), now=vn(2026, 11, 24, 9, 0), domain="skhcn.binhminh.example.vn")
    )
    intake_once(app, open_mailbox(app.settings.mailbox, settings=app.settings))
    now = vn(2026, 11, 25, 9, 0)
    row_id = claim_next(app, now, "worker")
    # nothing listens / cannot be opened
    gone_url = (
        "postgresql+psycopg://postgres@127.0.0.1:1/test"
        if app.engine.dialect.name == "postgresql"
        else f"sqlite:///{office / 'no-such-folder' / 'docket.db'}"
    )
    gone = build_app(load_settings(**{**_settings_of(app), "database_url": gone_url}), FixedClock(now))
    try:
        with pytest.raises(TransientError):
            process_one(gone, row_id, now=now)
    finally:
        gone.dispose()
    with app.sessions() as session:
        row = session.get(InboundMessage, row_id)
        assert row.stage is Stage.RECEIVED and row.error is None
        assert session.scalars(select(OutboxMessage)).all() == []  # no "unreadable" mail to the clerk
    later = now + timedelta(minutes=11)  # the lease the interrupted worker held runs out
    assert claim_next(app, later, "worker") == row_id
    assert process_one(app, row_id, now=later).stage is Stage.PROCESSED


def test_a_passing_database_fault_does_not_count_against_the_message(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    """Connection dropped, database back at once: the message is handed back to the queue at once, attempt
    uncounted."""
    from service.runners.intake import intake_once
    from service.mailbox import open_mailbox
    from service.runners.process import _hand_back, claim_next

    app = make_app()
    _inbox(office).add(
        build_email(build_docx(sample_text()), now=vn(2026, 11, 24, 9, 0), domain="skhcn.binhminh.example.vn")
    )
    intake_once(app, open_mailbox(app.settings.mailbox, settings=app.settings))
    now = vn(2026, 11, 25, 9, 0)
    row_id = claim_next(app, now, "worker")
    _hand_back(app, row_id, uncount=True)
    with app.sessions() as session:
        row = session.get(InboundMessage, row_id)
        assert (row.attempts, row.lease_owner) == (0, None)
    assert claim_next(app, now, "worker") == row_id  # no need to wait for the lease


def _settings_of(app) -> dict:  # type: ignore[no-untyped-def]
    st = app.settings
    return {
        "mailbox": st.mailbox,
        "smtp": st.smtp,
        "directory": str(st.directory),
        "from_address": st.from_address,
    }


def test_a_bad_setting_leaves_the_mail_queued_and_tells_no_clerk(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    """A calendar overrides file that is not there is the admin's fault: the notice waits, unparked, and
    nobody is mailed 'unreadable'; the start-up check and `docket status` name the setting."""
    import pytest

    from service.admin.health import StartupError, gather, startup_checks
    from service.clock import FixedClock
    from service.config import load_settings
    from service.errors import ConfigError
    from service.mailbox import open_mailbox
    from service.runners.intake import intake_once
    from service.runners.process import claim_next, process_one
    from service.wiring import build_app

    app = make_app()
    _inbox(office).add(
        build_email(build_docx(sample_text()), now=vn(2026, 11, 24, 9, 0), domain="skhcn.binhminh.example.vn")
    )
    intake_once(app, open_mailbox(app.settings.mailbox, settings=app.settings))
    now = vn(2026, 11, 25, 9, 0)
    missing = office / "no-such-overrides.yaml"
    settings = {**_settings_of(app), "database_url": app.settings.database_url, "calendar_overrides": missing}
    broken = build_app(load_settings(**settings), FixedClock(now))
    try:
        row_id = claim_next(broken, now, "worker")
        with pytest.raises(ConfigError, match="DOCKET_CALENDAR_OVERRIDES"):
            process_one(broken, row_id, now=now)
        with pytest.raises(StartupError, match="'settings' failed: DOCKET_CALENDAR_OVERRIDES"):
            startup_checks(broken, roles=("process",))
        assert any("DOCKET_CALENDAR_OVERRIDES" in p for p in gather(broken, probe=False, now=now).problems)
    finally:
        broken.dispose()
    with app.sessions() as session:
        row = session.get(InboundMessage, row_id)
        assert (row.stage, row.attempts, row.error) == (Stage.RECEIVED, 0, None)
        assert session.scalars(select(OutboxMessage)).all() == []
    assert claim_next(app, now, "worker") == row_id  # handed back at once: fixed, it goes through
    assert process_one(app, row_id, now=now).stage is Stage.PROCESSED


def test_a_database_fault_that_comes_back_every_time_is_parked_by_the_cap(  # type: ignore[no-untyped-def]
    make_app, office: Path, monkeypatch
) -> None:
    """A fault that never passes (a statement timeout, a full disk) must not hold the queue for ever: after
    MAX_UNCOUNTED uncounted hand-backs its attempts count, and the cap parks it for a human."""
    from sqlalchemy.exc import OperationalError

    from service.errors import TransientError
    from service.mailbox import open_mailbox
    from service.runners import process
    from service.runners.intake import intake_once

    app = make_app()
    _inbox(office).add(
        build_email(build_docx(sample_text()), now=vn(2026, 11, 24, 9, 0), domain="skhcn.binhminh.example.vn")
    )
    intake_once(app, open_mailbox(app.settings.mailbox, settings=app.settings))

    def timeout(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("UPDATE …", {}, Exception("canceling statement due to statement timeout"))

    monkeypatch.setattr(process, "dispose", timeout)
    now, interrupted = vn(2026, 11, 25, 9, 0), 0
    while True:
        row_id = process.claim_next(app, now, "worker")
        assert row_id is not None
        try:
            outcome = process.process_one(app, row_id, now=now)
            break
        except TransientError:
            interrupted += 1
        now += timedelta(minutes=1)
        assert interrupted <= process.MAX_UNCOUNTED + process.MAX_ATTEMPTS + 1
    assert (outcome.stage, outcome.disposition) == (Stage.FAILED, "gave-up")
    assert interrupted == process.MAX_UNCOUNTED + process.MAX_ATTEMPTS
