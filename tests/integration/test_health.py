"""`docket status` (report and exit code), the start-up checks, structured logs and metrics."""
from __future__ import annotations

import io
import json
import logging
import mailbox
import re
import subprocess
import sys
import urllib.request
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.conftest import vn

DOCKET = str(Path(sys.executable).parent / "docket")
NOW = vn(2026, 11, 25, 8, 30)


def _closed_port() -> int:
    from tests.servers import free_port

    return free_port()  # nothing listens there once the probe socket is closed


def _stranger_mail(office: Path, n: int = 1) -> None:
    (office / "mail").mkdir(exist_ok=True)
    box = mailbox.Maildir(str(office / "mail" / "inbox"), create=True)
    for i in range(n):
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = (
            "someone@elsewhere.example.com",
            "docket@skhcn.binhminh.example.vn",
            f"hello {i}",
        )
        msg["Message-ID"] = f"<stranger-{i}@elsewhere.example.com>"
        msg.set_content("Xin chào.")
        box.add(msg.as_bytes())
    box.close()


def _add_tasks(app, deadlines: list[date]) -> None:  # type: ignore[no-untyped-def]
    from service.store.models import Notice, Task

    with app.sessions.begin() as session:
        notice = Notice(identity_key=f"test:{len(deadlines)}", text="...", created_at=NOW, updated_at=NOW)
        session.add(notice)
        session.flush()
        for seq, deadline in enumerate(deadlines):
            session.add(
                Task(
                    notice_id=notice.id,
                    seq=seq,
                    text=f"việc {seq}",
                    deadline=deadline,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )


def _add_outbox(app, status) -> None:  # type: ignore[no-untyped-def]
    from outbox.models import OutboxMessage

    with app.sessions.begin() as session:
        n = session.query(OutboxMessage).count()
        session.add(
            OutboxMessage(
                dedupe_key=f"t{n}",
                kind="confirmation",
                to_addrs=["a@b.vn"],
                subject="s",
                body_text="b",
                message_id=f"<t{n}@b.vn>",
                status=status,
                next_attempt_at=NOW,
                created_at=NOW,
            )
        )


# --------------------------------------------------------------------------- status report


def test_status_counts_backlog_outbox_and_overdue(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    from service.admin.health import gather
    from service.runners.process import process_pending
    from service.runners.intake import intake_once
    from service.mailbox import open_mailbox
    from outbox.models import OutboxStatus

    app = make_app(now=NOW)
    _stranger_mail(office, 3)

    box = open_mailbox(app.settings.mailbox, settings=app.settings)
    assert intake_once(app, box) == 3
    box.close()
    process_pending(app, limit=1)
    _add_tasks(
        app,
        [
            NOW.date() - timedelta(days=2),
            NOW.date() - timedelta(days=1),
            NOW.date(),
            NOW.date() + timedelta(days=3),
            None,
        ],
    )
    _add_outbox(app, OutboxStatus.DEAD)
    _add_outbox(app, OutboxStatus.RETRY)
    report = gather(app)
    assert report.healthy, report.problems
    assert (report.backlog, report.overdue_tasks, report.outbox_dead) == (2, 2, 1)
    assert report.outbox_pending >= 1 and report.mailbox_reachable is True
    assert report.last_sync_at == NOW.isoformat(timespec="seconds")
    assert any("dead" in w for w in report.warnings)
    data = report.to_json()
    assert json.loads(json.dumps(data))["healthy"] is True


def test_status_is_unhealthy_when_intake_has_stopped(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    from service.admin.health import gather
    from service.runners.intake import intake_once
    from service.mailbox import open_mailbox

    app = make_app(now=NOW)
    assert any("never been synced" in p for p in gather(app).problems)
    box = open_mailbox(app.settings.mailbox, settings=app.settings)
    intake_once(app, box)
    box.close()
    later = make_app(now=NOW + timedelta(hours=2))
    report = gather(later)
    assert not report.healthy and any(p.startswith("last sync 2 h ago") for p in report.problems)


def _cli(office: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    from tests.live.test_scaleout import worker_env

    base = {
        "mailbox": f"maildir:{office / 'mail' / 'inbox'}",
        "smtp": f"maildir:{office / 'mail' / 'sent'}",
        "directory": str(office / "directory.yaml"),
        "database_url": f"sqlite:///{office / 'docket.db'}",
    }
    return subprocess.run(
        [DOCKET, *args],
        env=worker_env(**{**base, **settings}),
        cwd=office,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_status_command_exit_codes_and_json(office: Path) -> None:
    missing = _cli(office, "status")
    assert missing.returncode == 1 and "run `docket db upgrade`" in missing.stderr
    assert _cli(office, "db", "upgrade").returncode == 0
    assert _cli(office, "run", "--once").returncode == 0
    healthy = _cli(office, "status", "--json")
    assert healthy.returncode == 0, healthy.stderr
    report = json.loads(healthy.stdout)
    assert (
        report["healthy"]
        and report["mailbox_reachable"]
        and report["backlog"] == 0
        and report["last_sync_at"]
    )
    text = _cli(office, "status")
    assert (
        text.returncode == 0
        and re.search(r"tình trạng +ổn", text.stdout)
        and "nhiệm vụ đang mở đã quá hạn" in text.stdout
    )
    down = _cli(office, "status", "--json", mailbox=f"imaps://u:p@127.0.0.1:{_closed_port()}/INBOX")
    assert down.returncode == 1
    assert json.loads(down.stdout)["mailbox_reachable"] is False
    assert "unhealthy: mailbox unreachable" in down.stderr


# --------------------------------------------------------------------------- start-up checks


def _startup_error(app) -> str:  # type: ignore[no-untyped-def]
    from service.admin.health import StartupError, startup_checks

    with pytest.raises(StartupError) as err:
        startup_checks(app)
    return str(err.value)


def test_startup_checks_name_each_failure(make_app, database_url: str, office: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from service.config import load_settings
    from service.admin.health import startup_checks
    from service.wiring import build_app

    app = make_app()
    startup_checks(app)  # all fine on the embedded defaults
    fresh = build_app(load_settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}"))
    assert _startup_error(fresh).startswith("start-up check 'schema version' failed")
    (tmp_path / "nounits.yaml").write_text("organization: Sở X\ndomain: x.example.vn\nunits: []\n")
    assert "'directory loaded' failed" in _startup_error(make_app(directory=str(tmp_path / "nounits.yaml")))
    assert "'directory loaded' failed" in _startup_error(make_app(directory=str(tmp_path / "missing.yaml")))
    no_policy = make_app(escalation_policy=str(tmp_path / "no-policy.yaml"))
    assert _startup_error(no_policy).startswith("start-up check 'settings' failed: DOCKET_ESCALATION_POLICY")
    bad_box = make_app(mailbox=f"imaps://u:p@127.0.0.1:{_closed_port()}/INBOX")
    assert _startup_error(bad_box).startswith("start-up check 'mailbox login' failed")
    bad_smtp = make_app(smtp=f"smtp://127.0.0.1:{_closed_port()}?tls=off")
    assert _startup_error(bad_smtp).startswith("start-up check 'SMTP reachable' failed")
    startup_checks(bad_smtp, roles=("intake", "process"))  # a worker that does not deliver needs no SMTP


@pytest.mark.live
def test_startup_checks_against_real_servers(make_app, dovecot, smtp_tls_server) -> None:  # type: ignore[no-untyped-def]
    from service.admin.health import startup_checks

    user, _ = dovecot.user()
    good = dict(
        mailbox=dovecot.url(user),
        imap_cafile=str(dovecot.cafile),
        smtp=smtp_tls_server.url,
        smtp_cafile=str(smtp_tls_server.cafile),
    )
    startup_checks(make_app(**good))
    wrong_pw = dovecot.url(user).replace(dovecot.password, "wrong")
    assert "'mailbox login' failed" in _startup_error(make_app(**{**good, "mailbox": wrong_pw}))
    bad_auth = smtp_tls_server.url.replace("smtp-pw", "nope")
    assert "'SMTP reachable' failed" in _startup_error(make_app(**{**good, "smtp": bad_auth}))
    no_ca = make_app(**{**good, "smtp_cafile": None})
    assert "'SMTP reachable' failed" in _startup_error(no_ca)  # self-signed: refused without its CA


def test_run_refuses_to_start_with_a_clear_line(office: Path) -> None:
    assert _cli(office, "db", "upgrade").returncode == 0
    result = _cli(office, "run", "--once", smtp=f"smtp://127.0.0.1:{_closed_port()}?tls=off")
    assert result.returncode == 1
    assert result.stderr.startswith("docket: start-up check 'SMTP reachable' failed: 127.0.0.1:")
    assert "Traceback" not in result.stderr
    assert _cli(office, "run", "--role", "nonsense").returncode == 1


# --------------------------------------------------------------------------- logs and metrics


def test_json_log_lines_carry_the_message_id(make_app, office: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from service.runners.daemon import run_daemon
    from service.logging import JsonFormatter, log_context, make_handler

    app = make_app(log_format="json")
    _stranger_mail(office, 2)
    capsys.readouterr()
    try:
        run_daemon(app, once=True)  # installs the JSON handler on stderr
    finally:
        root = logging.getLogger()
        root.handlers = [h for h in root.handlers if not getattr(h, "_docket_handler", False)]
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    handler = make_handler("json", io.StringIO())
    done = [e for e in lines if e["logger"] == "docket.process" and "quarantined" in e["msg"]]
    assert {e["message_id"] for e in done} == {
        "<stranger-0@elsewhere.example.com>",
        "<stranger-1@elsewhere.example.com>",
    }
    assert all(
        isinstance(e["inbound_id"], int) and e["level"] == "info" and e["ts"].endswith("+00:00") for e in done
    )
    # context does not leak past a message
    assert not any("message_id" in e for e in lines if e["logger"] == "docket.run")
    record = logging.LogRecord("docket.x", logging.INFO, __file__, 1, "notice %s", (7,), None)
    with log_context(notice_id=7, task_ids=[1, 2]):
        handler.filters[0].filter(record)
    assert json.loads(JsonFormatter(worker="w").format(record)) | {"ts": ""} == {
        "ts": "",
        "level": "info",
        "logger": "docket.x",
        "msg": "notice 7",
        "worker": "w",
        "notice_id": 7,
        "task_ids": [1, 2],
    }


def test_text_logs_append_the_ids() -> None:
    from service.logging import TextFormatter, bind, log_context, make_handler

    handler = make_handler("text", io.StringIO())
    record = logging.LogRecord("docket.process", logging.INFO, __file__, 1, "done", (), None)
    bind(notice_id=99)  # outside a context: ignored
    with log_context(message_id="<m@x>"):
        bind(notice_id=3)
        handler.filters[0].filter(record)
    assert TextFormatter().format(record).endswith("docket.process: done [message_id=<m@x> notice_id=3]")
    with pytest.raises(Exception, match="DOCKET_LOG_FORMAT"):
        make_handler("xml")


def test_metrics_endpoint_counts_outcomes(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    from service import metrics
    from service.runners.daemon import run_daemon
    from tests.servers import free_port

    def value(text: str, key: str) -> float:
        return next(
            (float(line.rpartition(" ")[2]) for line in text.splitlines() if line.startswith(key + " ")), 0.0
        )

    app = make_app()
    metrics.serve(free_port(), addr="127.0.0.1")  # once per process: a second call keeps the first port
    url = f"http://127.0.0.1:{metrics.serving_port()}/metrics"
    key = 'docket_messages_ingested_total{disposition="sender",stage="quarantined"}'
    before = urllib.request.urlopen(url, timeout=5).read().decode()
    _stranger_mail(office, 2)
    run_daemon(app, once=True)
    after = urllib.request.urlopen(url, timeout=5).read().decode()
    assert value(after, key) - value(before, key) == 2
    assert value(after, "docket_messages_stored_total") - value(before, "docket_messages_stored_total") == 2
    assert (
        value(after, "docket_extraction_seconds_count") - value(before, "docket_extraction_seconds_count")
        == 2
    )
    assert value(after, "docket_last_pass_timestamp_seconds") > 0
    assert "docket_imap_reconnects_total" in after and "docket_outbox_failed_total" in after


def test_run_roles_split_the_pass(office: Path) -> None:
    """--role intake stores only; --role process extracts and queues only; --role deliver sends."""
    import sqlite3

    from tests.live.test_scaleout import notice_email

    (office / "mail").mkdir(exist_ok=True)
    box = mailbox.Maildir(str(office / "mail" / "inbox"), create=True)
    for i in range(2):
        box.add(notice_email(i, NOW, run="roles")[1])
    box.close()

    def counts() -> tuple[object, ...]:
        with sqlite3.connect(office / "docket.db") as db:
            stages = dict(
                db.execute("SELECT stage, count(*) FROM inbound_messages GROUP BY stage").fetchall()
            )
            outbox = dict(
                db.execute(
                    "SELECT status, count(*) FROM outbox_messages WHERE kind = 'confirmation' GROUP BY status"
                ).fetchall()
            )
        return stages, outbox

    assert _cli(office, "db", "upgrade").returncode == 0
    assert _cli(office, "run", "--once", "--role", "intake").returncode == 0
    assert counts() == ({"received": 2}, {})
    assert _cli(office, "run", "--once", "--role", "process").returncode == 0
    assert counts() == ({"processed": 2}, {"pending": 2})
    assert _cli(office, "run", "--once", "--role", "deliver", "--role", "schedule").returncode == 0
    assert counts() == ({"processed": 2}, {"sent": 2})
