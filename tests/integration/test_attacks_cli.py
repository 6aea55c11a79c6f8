"""Attacks on the admin's side (issue 10, items 8, 9, 10): secrets in messages, terminal escapes, numbers
that are not.

Through the real `docket` app on SQLite and PostgreSQL: every refusal is one `docket: ...` line,
exit status 1, no traceback, the database unchanged; no password is ever printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from service.runners.daemon import run_daemon
from tests.integration.attackmail import deliver_to_maildir, raw_mail
from tests.integration.cli_support import NOW, Office, seed_office

SECRET = "S3CRET-PW"


@pytest.fixture
def office_db(make_app, office: Path, database_url: str) -> Office:  # type: ignore[no-untyped-def]
    return seed_office(make_app, office, database_url)


# --------------------------------------------------------------------------- item 8: passwords


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("imapz://docket:S3CRET-PW@mail.example/INBOX", "imapz://docket:***@mail.example/INBOX"),
        ("imaps://docket:S3C/RET#PW@mail.example:993/INBOX", "imaps://docket:***@mail.example:993/INBOX"),
        ("smtps://docket:p@ss@mail.example", "smtps://docket:***@mail.example"),
        ("postgresql+psycopg://docket@db/docket", "postgresql+psycopg://docket:***@db/docket"),
        ("maildir:/var/mail/inbox", "maildir:/var/mail/inbox"),
    ],
)
def test_mask_url_hides_everything_up_to_the_last_at(url: str, shown: str) -> None:
    from service.config_sources import mask_url

    assert mask_url(url) == shown


# unencoded '/': the start was in a traceback
BAD_URLS = [
    {"DOCKET_MAILBOX": f"imapz://docket:{SECRET}@mail.example/INBOX"},  # a scheme typo
    {"DOCKET_SMTP": f"smtpz://docket:{SECRET}@mail.example"},
    {"DOCKET_MAILBOX": "imaps://docket:S3C/RET-PW@mail.example/INBOX"},
    {"DOCKET_MAILBOX": "imaps://docket:S3C#RET-PW@mail.example/INBOX"},
    {"DOCKET_SMTP": "smtps://docket:1234/S3CRET@mail.example"},  # would be read as host 'docket', port 1234
    {"DOCKET_DATABASE_URL": f"postgresqlz://docket:{SECRET}@127.0.0.1/test"},
]


@pytest.mark.parametrize("command", [("run", "--once"), ("status",)])
@pytest.mark.parametrize(
    "setting", BAD_URLS, ids=lambda s: next(iter(s.values())).split(":")[0] + "-" + next(iter(s))
)
def test_a_bad_server_url_is_refused_in_one_line_without_its_password(
    office_db: Office, setting, command
) -> None:  # type: ignore[no-untyped-def]
    o = office_db
    o.env.update(setting)
    result = o.run(*command)
    assert result.exit_code == 1, result.output
    # the test database's URL (printed by `status`) has a random schema name that may contain "1234"
    shown = result.output.replace(o.app.settings.database_url, "<test database>")
    assert "S3C" not in shown and "1234" not in shown, result.output
    errors = [line for line in result.stderr.splitlines() if line]
    assert errors and all(line.startswith("docket: ") for line in errors), result.stderr
    if command == ("run", "--once") or "DOCKET_SMTP" not in setting:  # status does not read DOCKET_SMTP
        from service.config_sources import mask_url

        assert any(mask_url(next(iter(setting.values()))) in line for line in errors), result.stderr


# --------------------------------------------------------------------------- item 9: terminal escapes

ESCAPES = b"=?utf-8?q?Hi_=1B]0;PWNED=07=1B[2J=1B[31mred_[/bold]_[link=http://evil.example]x?="
CONTROLS = ("\x1b", "\x07", "\x9b")


def test_escapes_from_a_mail_never_reach_the_terminal(
    office_db: Office, office: Path, database_url: str
) -> None:
    o = office_db
    deliver_to_maildir(
        office,
        [
            raw_mail(
                sender=b"=?utf-8?q?=1B[2Jx?= <a@evil.example>",
                subject=ESCAPES,
                message_id=b"<esc@evil.example>",
            )
        ],
    )
    run_daemon(o.app, once=True)
    with o.app.engine.begin() as conn:  # a row stored before the fix still holds the raw escapes
        conn.execute(
            text("UPDATE inbound_messages SET error = :e"),
            {"e": "sender \x1b]0;PWNED\x07\x9b31m is not allowed"},
        )
    [row_id] = [str(r["id"]) for r in o.json("quarantine", "list")]
    for args in (
        ("quarantine", "list"),
        ("messages", "list"),
        ("messages", "show", row_id),
        ("messages", "list", "--json"),
    ):
        output = o.ok(*args).output
        assert not any(c in output for c in CONTROLS), (args, output)
        assert "PWNED" in output, (args, output)
    assert "[/bold]" in o.ok("quarantine", "list").output  # shown as written, not read as Rich markup


# --------------------------------------------------------------------------- item 10: numbers


def _refusals(o: Office) -> list[tuple[tuple[str, ...], str]]:
    first = f"NV-{o.task_ids[0]}"
    return [
        (("tasks", "list", "--limit", "99999999999999999999"), "is not a count"),
        (("tasks", "list", "--limit", "-5"), "is not a count"),
        (("tasks", "list", "--limit", "٥"), "is not a count"),  # Arabic-Indic five
        (("notices", "list", "--limit", "-1"), "is not a count"),
        (("messages", "list", "--limit", "-5"), "is not a count"),
        (("outbox", "list", "--limit", "-5"), "is not a count"),
        (("tasks", "show", "NV-٣"), "is not a task ID"),
        (("tasks", "show", "99999999999"), "IDs go up to"),
        (("notices", "show", "TB-99999999999"), "IDs go up to"),
        (("messages", "show", "99999999999"), "IDs go up to"),
        (("messages", "show", "٣"), "is not a message ID"),
        (("quarantine", "release", "99999999999"), "IDs go up to"),
        (("outbox", "show", "99999999999"), "IDs go up to"),
        (("tasks", "edit", first, "--deadline", "١٥/١٢/٢٠٢٦"), "is not a date"),
        (("tasks", "edit", first, "--deadline", "٢٠٢٦-١٢-١٥"), "is not a date"),
    ]


def test_numbers_that_are_not_are_refused_in_one_line(office_db: Office) -> None:
    o = office_db
    before = o.dump()
    for args, message in _refusals(o):
        result = o.run(*args, "--now", NOW) if args[0] in ("tasks", "notices") else o.run(*args)
        assert result.exit_code == 1, f"{args}: exit {result.exit_code}: {result.output}"
        assert message in result.stderr and "db upgrade" not in result.stderr, f"{args}: {result.stderr!r}"
        assert result.stderr.startswith("docket: ") and len(result.stderr.strip().splitlines()) == 1, (
            result.stderr
        )
    assert o.dump() == before
