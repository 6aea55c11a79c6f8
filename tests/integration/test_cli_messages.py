"""`docket messages`: an admin sees what arrived and why it failed, and queues a failed message again."""
from __future__ import annotations

import json
import mailbox
from email.message import EmailMessage
from pathlib import Path

from typer.testing import CliRunner

from service.cli import app as cli
from service.runners.daemon import run_daemon
from service.store.models import InboundMessage
from service.store.stages import Stage


def _env(application) -> dict[str, str]:  # type: ignore[no-untyped-def]
    s = application.settings
    return {"DOCKET_DATABASE_URL": s.database_url, "DOCKET_MAILBOX": s.mailbox, "DOCKET_SMTP": s.smtp,
            "DOCKET_DIRECTORY": str(s.directory), "DOCKET_FROM": s.from_address}


def _broken_docx_mail() -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = (
        "van.thu@skhcn.binhminh.example.vn",
        "docket@x.vn",
        "Fwd: Thông báo",
    )
    msg["Message-ID"] = "<broken-1@skhcn.binhminh.example.vn>"
    msg.set_content("Em gửi thông báo.")
    msg.add_attachment(
        b"PK\x03\x04 truncated",
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="tb.docx",
    )
    return msg.as_bytes()


def test_failed_message_is_listed_and_retried(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    application = make_app()
    (office / "mail").mkdir(exist_ok=True)
    box = mailbox.Maildir(str(office / "mail" / "inbox"), create=True)
    box.add(_broken_docx_mail())
    run_daemon(application, once=True)
    runner, env = CliRunner(), _env(application)

    listed = runner.invoke(cli, ["messages", "list", "--stage", "failed", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.stdout)
    assert row["stage"] == "failed" and "tb.docx" in (row["error"] or "")

    retried = runner.invoke(cli, ["messages", "retry", str(row["id"]), "--actor", "admin"], env=env)
    assert retried.exit_code == 0, retried.output
    with application.sessions() as session:
        again = session.get(InboundMessage, row["id"])
        assert (again.stage, again.attempts, again.error) == (Stage.RECEIVED, 0, None)

    twice = runner.invoke(cli, ["messages", "retry", str(row["id"])], env=env)
    assert twice.exit_code == 1 and "only failed messages" in twice.stderr
    missing = runner.invoke(cli, ["messages", "show", "999"], env=env)
    assert missing.exit_code == 1 and "no inbound message 999" in missing.stderr
