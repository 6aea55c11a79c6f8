"""SIGTERM: a `docket run` process finishes the message in hand, claims no other, and exits 0.

On PostgreSQL the test makes the moment deterministic: it holds a lock on the notices table so
the worker is provably stuck half-way through its first message (claimed, transaction open) when
the signal arrives; the worker must stay until that message is done, then leave the rest.
"""
from __future__ import annotations

import mailbox
import signal
import subprocess
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import TZ
from tests.live.test_scaleout import DOCKET, notice_email, pg_database, wait_until, worker_env  # noqa: F401 - fixture

pytestmark = pytest.mark.slow


def _fill_inbox(office: Path, count: int) -> dict[str, bytes]:
    (office / "mail").mkdir(exist_ok=True)
    box = mailbox.Maildir(str(office / "mail" / "inbox"), create=True)
    messages = dict(notice_email(i, datetime.now(TZ), run=office.name) for i in range(count))
    for raw in messages.values():
        box.add(raw)
    return messages


def _env(database: str, office: Path) -> dict[str, str]:
    return worker_env(
        database_url=database,
        mailbox=f"maildir:{office / 'mail' / 'inbox'}",
        smtp=f"maildir:{office / 'mail' / 'sent'}",
        directory=str(office / "directory.yaml"),
        poll_interval="1",
    )


def _state(database: str) -> dict[str, object]:
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from service.store.models import InboundMessage, Notice
    from outbox.models import OutboxMessage

    engine = create_engine(database)
    with Session(engine) as s:
        rows = s.scalars(select(InboundMessage)).all()
        state = {
            "rows": [(r.id, r.stage.value, r.attempts, r.lease_owner, r.notice_id) for r in rows],
            "notices": {n.id: len(n.tasks) for n in s.scalars(select(Notice))},
            "confirmations": Counter(
                o.notice_id
                for o in s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "confirmation"))
            ),
        }
    engine.dispose()
    return state


def _assert_nothing_half_done(state: dict[str, object]) -> None:
    """Claimed ⇒ finished; finished ⇒ its notice, tasks and one confirmation are all there."""
    for _id, stage, attempts, owner, notice_id in state["rows"]:  # type: ignore[union-attr]
        if stage == "received":
            assert attempts == 0 and owner is None, "a message was claimed and left unfinished"
        else:
            assert stage == "processed" and owner is None
            assert state["notices"][notice_id] >= 1  # type: ignore[index]
            assert state["confirmations"][notice_id] == 1  # type: ignore[index]


def _migrate(env: dict[str, str], office: Path) -> None:
    done = subprocess.run(
        [DOCKET, "db", "upgrade"], env=env, cwd=office, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.pg
@pytest.mark.timeout(300)
def test_sigterm_finishes_the_message_in_progress_then_exits(pg_database: str, office: Path) -> None:  # noqa: F811 - the fixture
    from sqlalchemy import create_engine, text

    _fill_inbox(office, 12)
    env = _env(pg_database, office)
    _migrate(env, office)
    holder = create_engine(pg_database).connect()
    blocker = holder.begin()
    holder.execute(text("LOCK TABLE notices IN SHARE ROW EXCLUSIVE MODE"))  # INSERTs into notices wait
    log = office / "worker.log"
    proc = subprocess.Popen(
        [DOCKET, "run"], env=env, cwd=office, stdout=subprocess.DEVNULL, stderr=log.open("w")
    )
    try:
        probe = create_engine(pg_database)

        def worker_is_stuck_in_a_message() -> bool:
            assert proc.poll() is None, log.read_text()
            with probe.connect() as conn:
                waiting = conn.execute(
                    text("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'notices'::regclass")
                ).scalar()
                claimed = conn.execute(
                    text("SELECT count(*) FROM inbound_messages WHERE lease_owner IS NOT NULL")
                ).scalar()
            return bool(waiting) and claimed == 1

        wait_until(
            worker_is_stuck_in_a_message, 120, "the worker to block inside its first message", interval=0.2
        )
        proc.send_signal(signal.SIGTERM)
        time.sleep(1.5)
        assert proc.poll() is None, "the worker left before finishing the message in hand"
        blocker.rollback()  # release the lock: the message can complete
        holder.close()
        assert proc.wait(120) == 0, log.read_text()[-3000:]
        probe.dispose()
    finally:
        if proc.poll() is None:
            proc.kill()
    state = _state(pg_database)
    stages = Counter(stage for _, stage, *_ in state["rows"])  # type: ignore[union-attr]
    # the one in hand finished; no other was claimed
    assert stages == {"processed": 1, "received": 11}, stages
    _assert_nothing_half_done(state)
    assert "worker stopping on signal" in log.read_text()


@pytest.mark.timeout(300)
def test_sigterm_mid_backlog_leaves_nothing_half_done(database_url: str, office: Path) -> None:
    """Signal at an arbitrary moment of a backlog, on SQLite and PostgreSQL alike."""
    _fill_inbox(office, 40)
    env = _env(database_url, office)
    _migrate(env, office)
    log = office / "worker.log"
    proc = subprocess.Popen(
        [DOCKET, "run"], env=env, cwd=office, stdout=subprocess.DEVNULL, stderr=log.open("w")
    )
    try:

        def some_processed() -> bool:
            assert proc.poll() is None, log.read_text()
            return log.exists() and log.read_text().count("(registered)") >= 3

        wait_until(some_processed, 180, "a few messages processed", interval=0.05)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(120) == 0, log.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
    state = _state(database_url)
    stages = Counter(stage for _, stage, *_ in state["rows"])  # type: ignore[union-attr]
    assert len(state["rows"]) == 40  # type: ignore[arg-type]
    assert stages["received"] > 0, "the worker drained the whole backlog instead of stopping"
    _assert_nothing_half_done(state)
