"""The daemon against real servers: quarantine, auto-replies, two daemons on PostgreSQL, Dovecot → docket →
SMTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.runners.daemon import run_daemon
from service.store.models import InboundMessage, Notice, Task
from outbox.models import OutboxMessage
from service.store.stages import Stage
from tests.live.mailgen import DOMAIN, notice_mail

pytestmark = pytest.mark.live
DOCKET = str(Path(sys.executable).with_name("docket"))


def _rows(app):  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        return list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_unknown_sender_quarantined_listed_and_released(imap_app, dovecot, office) -> None:  # type: ignore[no-untyped-def]
    app, user = imap_app()
    dovecot.append(user, notice_mail(1, sender="stranger@gmail.example"))
    dovecot.append(
        user,
        notice_mail(2, headers={"Authentication-Results": f"mx.{DOMAIN}; dkim=fail; spf=fail; dmarc=fail"}),
    )
    run_daemon(app, once=True)
    rows = _rows(app)
    assert [r.stage for r in rows] == [Stage.QUARANTINED, Stage.QUARANTINED]
    assert "not in DOCKET_ALLOWED_SENDERS" in rows[0].error and "authentication failed" in rows[1].error
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0  # never answered
        assert s.scalar(select(func.count()).select_from(Task)) == 0
    env = _env(app)
    listed = subprocess.run(
        [DOCKET, "quarantine", "list", "--json"], env=env, capture_output=True, text=True, check=True
    )
    import json

    assert [it["id"] for it in json.loads(listed.stdout)] == [rows[0].id, rows[1].id]
    done = subprocess.run(
        [DOCKET, "quarantine", "delete", str(rows[1].id), "--as", "admin1"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    bad = subprocess.run([DOCKET, "quarantine", "release", "999999"], env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and "no inbound message" in bad.stderr
    out = subprocess.run(
        [DOCKET, "quarantine", "release", str(rows[0].id), "--as", "admin1"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    with app.sessions() as s:
        row = s.get(InboundMessage, rows[0].id)
        assert row.stage is Stage.RECEIVED and row.released_by == "admin1"
        assert s.get(InboundMessage, rows[1].id) is None


def test_auto_reply_and_bounce_ignored(imap_app, dovecot) -> None:  # type: ignore[no-untyped-def]
    app, user = imap_app()
    dovecot.append(
        user, notice_mail(1, headers={"Auto-Submitted": "auto-replied"}, body="Tôi đang nghỉ phép.\n")
    )
    dovecot.append(user, notice_mail(2, headers={"X-Autoreply": "yes"}, body="Out of office\n"))
    dovecot.append(user, notice_mail(3, headers={"Precedence": "bulk"}))
    run_daemon(app, once=True)
    rows = _rows(app)
    assert [r.stage for r in rows] == [Stage.IGNORED] * 3
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def _env(app, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    st = app.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update(
        DOCKET_DATABASE_URL=st.database_url,
        DOCKET_MAILBOX=st.mailbox,
        DOCKET_SMTP=st.smtp,
        DOCKET_FROM=st.from_address,
        DOCKET_DIRECTORY=str(st.directory),
        DOCKET_ALLOWED_SENDERS=st.allowed_senders,
        DOCKET_IMAP_CAFILE=str(st.imap_cafile or ""),
        DOCKET_CONFIG="/nonexistent/docket.toml",
        **extra,
    )
    return env


def test_end_to_end_dovecot_docket_smtp(imap_app, dovecot, smtp_server) -> None:  # type: ignore[no-untyped-def]
    """Real Dovecot → `docket run --once` (a separate process) → real SMTP server receiving the
    confirmation."""
    app, user = imap_app(smtp=smtp_server.url)
    dovecot.append(user, notice_mail(5))
    run = subprocess.run(
        [DOCKET, "run", "--once", "--now", "2026-11-25T08:30:00+07:00"],
        env=_env(app),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    got = smtp_server.wait_for(1, timeout=5)
    confirmations = [m for m in got if "van.thu@" in " ".join(m.rcpt_tos)]
    assert len(confirmations) == 1
    body = confirmations[0].message().get_body(("plain",)).get_content()
    assert "1005/TB-SKHCN" in body or "1005" in confirmations[0].message()["Subject"]
    [row] = _rows(app)
    assert row.stage is Stage.PROCESSED and row.marked_on_server
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Task)) >= 1
    assert b"$DocketProcessed" in dovecot.flags(user)[1]
    again = subprocess.run(
        [DOCKET, "run", "--once", "--now", "2026-11-25T08:35:00+07:00"],
        env=_env(app),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0 and len(smtp_server.messages) == len(got)  # nothing new, nothing resent


@pytest.mark.pg
@pytest.mark.slow
def test_two_daemons_on_postgresql_never_duplicate(pg_schema_url, dovecot, smtp_server) -> None:  # type: ignore[no-untyped-def]
    user, _ = dovecot.user()
    from service.clock import FixedClock
    from service.config import load_settings
    from service.store.schema import upgrade
    from service.wiring import build_app
    from tests.conftest import vn

    from service.demo.build import sample_directory
    import tempfile

    d = Path(tempfile.mkdtemp())
    (d / "directory.yaml").write_text(sample_directory(), encoding="utf-8")
    settings = load_settings(
        database_url=pg_schema_url,
        mailbox=dovecot.url(user),
        imap_cafile=str(dovecot.cafile),
        smtp=smtp_server.url,
        directory=str(d / "directory.yaml"),
        from_address=f"docket@{DOMAIN}",
        allowed_senders=f"@{DOMAIN}",
    )
    app = build_app(settings, FixedClock(vn(2026, 11, 25, 8, 30)))
    upgrade(app.engine)
    n = 30
    dovecot.append_many(user, [notice_mail(i) for i in range(n)])
    env = _env(app, DOCKET_POLL_INTERVAL="1")
    procs = [
        subprocess.Popen([DOCKET, "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with app.sessions() as s:
                done = s.scalar(
                    select(func.count())
                    .select_from(InboundMessage)
                    .where(InboundMessage.stage != Stage.RECEIVED)
                )
            if done >= n:
                break
            time.sleep(0.5)
        time.sleep(1.5)  # let both daemons finish delivering
    finally:
        for p in procs:
            p.terminate()
        errs = [p.communicate(timeout=30)[1].decode(errors="replace") for p in procs]
    assert all(p.returncode in (0, -15) for p in procs), errs
    with app.sessions() as s:
        rows = list(s.scalars(select(InboundMessage)))
        assert len(rows) == n and len({r.source_key for r in rows}) == n
        assert all(r.stage is Stage.PROCESSED for r in rows), {(r.stage, r.error) for r in rows}
        assert all(r.attempts == 1 for r in rows)  # each claimed by exactly one daemon
        assert s.scalar(select(func.count()).select_from(Notice)) == n
        dup = s.execute(
            select(Task.notice_id, Task.fingerprint, func.count())
            .group_by(Task.notice_id, Task.fingerprint)
            .having(func.count() > 1)
        ).all()
        assert dup == []
        confirmations = s.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "confirmation")
        )
        assert confirmations == n
    to_clerk = [m for m in smtp_server.messages if any(r.startswith("van.thu@") for r in m.rcpt_tos)]
    assert len(to_clerk) == n
    app.dispose()
