"""`docket outbox list | show | retry`: what is queued, sent, waiting, dead or cancelled, and putting a row
back.

Imports are inside the commands so that `docket` starts quickly. `list --json` prints every row
(no page limit unless --limit is given).
"""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from rules.display import notice_token, task_token
from service.cli.common import app_for, fail, guarded

outbox_app = typer.Typer(help="Outgoing mail: list, show, retry.", no_args_is_help=True)
TABLE_LIMIT = 50  # rows shown as a table when --limit is not given (--json always lists everything)


def add_commands(app: typer.Typer) -> None:
    app.add_typer(outbox_app, name="outbox")


def _row(row: Any, *, full: bool = False) -> dict[str, Any]:
    data = {
        "id": row.id,
        "kind": row.kind,
        "status": row.status.value,
        "to": row.to_addrs,
        "cc": row.cc_addrs,
        "subject": row.subject,
        "attempts": row.attempts,
        "next_attempt_at": _iso(row.next_attempt_at),
        "created_at": _iso(row.created_at),
        "sent_at": _iso(row.sent_at),
        "last_error": row.last_error,
        "task": task_token(row.task_id) if row.task_id else None,
        "notice": notice_token(row.notice_id) if row.notice_id else None,
        "dedupe_key": row.dedupe_key,
        "message_id": row.message_id,
    }
    if full:
        data.update(
            headers=row.headers,
            body_text=row.body_text,
            body_html=row.body_html,
            give_up_at=_iso(row.give_up_at),
        )
    return data


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _parse_id(value: str) -> int:
    from service.tasks.ids import parse_row_id

    return parse_row_id(value, "an outbox")


@outbox_app.command("list")
@guarded
def list_command(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every row as JSON (complete, no page limit).")
    ] = False,
    status: Annotated[
        Optional[str],
        typer.Option(help="Only rows in this status: pending, sending, sent, retry, dead, cancelled."),
    ] = None,
    kind: Annotated[
        Optional[str],
        typer.Option(
            help="Only this kind: confirmation, assignment, reminder, escalation, digest, change ..."
        ),
    ] = None,
    limit: Annotated[
        Optional[str], typer.Option(metavar="N", help="At most this many rows (newest first).")
    ] = None,
) -> None:
    """List outgoing mail, newest first; dead rows show their last error."""
    from sqlalchemy import func, select

    from outbox.models import OutboxMessage, OutboxStatus

    from service.tasks.ids import parse_limit

    count_limit = parse_limit(limit)
    with app_for() as application:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
        count = select(func.count(OutboxMessage.id))
        if status:
            try:
                wanted = OutboxStatus(status.lower())
            except ValueError:
                fail(f"unknown status '{status}' (use {', '.join(s.value for s in OutboxStatus)})")
            stmt = stmt.where(OutboxMessage.status == wanted)
            count = count.where(OutboxMessage.status == wanted)
        if kind:
            with application.sessions() as session:
                _check_kind(session, kind)
            stmt, count = stmt.where(OutboxMessage.kind == kind), count.where(OutboxMessage.kind == kind)
        cut = count_limit if count_limit is not None else (None if as_json else TABLE_LIMIT)
        if cut is not None:
            stmt = stmt.limit(cut)
        with application.sessions() as session:
            rows = [_row(r) for r in session.scalars(stmt)]
            total = session.scalar(count) or 0
        if as_json:
            import json

            typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        _print_table(rows, total)


def _check_kind(session: Any, kind: str) -> None:
    """--kind takes a kind Docket writes (or one already in the table): a typo is an error, not an empty
    list."""
    from sqlalchemy import select

    from service.errors import InputError
    from outbox.models import MailKind, OutboxMessage

    known = set(MailKind) | set(session.scalars(select(OutboxMessage.kind).distinct()))
    if kind not in known:
        raise InputError(f"unknown kind '{kind}': use one of {', '.join(sorted(known))}")


def _print_table(rows: list[dict[str, Any]], total: int) -> None:
    from rich.markup import escape
    from rich.table import Table

    from service.admin import output as out

    table = Table(show_lines=False, pad_edge=False, expand=True)
    for name in ("Mã", "Trạng thái", "Loại"):
        out.fixed_column(table, name)
    out.cut_column(table, "Gửi đến", ratio=1, min_width=10)
    out.cut_column(table, "Tiêu đề", ratio=2, min_width=12)
    out.fixed_column(table, "Lần gửi", justify="right")
    out.cut_column(table, "Lỗi", ratio=2, min_width=12)  # why a row is dead: worth the room
    for r in rows:
        table.add_row(
            str(r["id"]),
            out.OUTBOX_STATUS_VI.get(r["status"], r["status"]),
            out.MAIL_KIND_VI.get(r["kind"], r["kind"]),
            escape(", ".join(r["to"])),
            escape(out.one_line(r["subject"])),
            str(r["attempts"]),
            escape(out.one_line(r["last_error"])),
        )
    console = out._console()
    console.print(table)
    if total > len(rows):
        console.print(f"{len(rows)}/{total} thư; --limit N hoặc --json để xem hết")


@outbox_app.command("show")
@guarded
def show_command(
    outbox_id: Annotated[str, typer.Argument(help="The outbox row's ID.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show one outgoing mail: recipients, headers, status, last error and the text body."""
    from service.errors import NotFoundError
    from outbox.models import OutboxMessage

    row_id = _parse_id(outbox_id)
    with app_for() as application:
        with application.sessions() as session:
            row = session.get(OutboxMessage, row_id)
            if row is None:
                raise NotFoundError(f"no outbox row {row_id}")
            data = _row(row, full=True)
        if as_json:
            import json

            typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
            return
        _print_row(data, application.settings)
        typer.echo("")
        typer.echo(data["body_text"])


SHOW_LABELS = (
    ("id", "Mã"),
    ("status", "Trạng thái"),
    ("kind", "Loại"),
    ("to", "Gửi đến"),
    ("cc", "Đồng gửi"),
    ("subject", "Tiêu đề"),
    ("message_id", "Message-ID"),
    ("task", "Nhiệm vụ"),
    ("notice", "Văn bản"),
    ("attempts", "Số lần gửi"),
    ("created_at", "Tạo lúc"),
    ("next_attempt_at", "Gửi tiếp lúc"),
    ("sent_at", "Đã gửi lúc"),
    ("give_up_at", "Bỏ cuộc lúc"),
    ("last_error", "Lỗi gần nhất"),
    ("dedupe_key", "Khóa chống trùng"),
)
TIMES = ("created_at", "next_attempt_at", "sent_at", "give_up_at")


def _print_row(data: dict[str, Any], settings: Any) -> None:
    """One mail's fields with Vietnamese labels; times in the office's zone, named once."""
    from service.admin import output as out

    shown = {
        "status": out.OUTBOX_STATUS_VI.get(data["status"], data["status"]),
        "kind": out.MAIL_KIND_VI.get(data["kind"], data["kind"]),
        **{name: out.local_time(data[name], settings.tz) if data[name] else None for name in TIMES},
    }
    for name, label in SHOW_LABELS:
        value = shown.get(name, data[name])
        typer.echo(
            f"{label}: {', '.join(value) if isinstance(value, list) else ('—' if value is None else value)}"
        )
    typer.echo(f"(giờ {settings.timezone})")
    for header, value in (data["headers"] or {}).items():
        typer.echo(f"Đầu thư {header}: {value}")


@outbox_app.command("retry")
@guarded
def retry_command(
    outbox_id: Annotated[str, typer.Argument(help="The outbox row's ID (dead, waiting or cancelled).")],
) -> None:
    """Put a dead (or waiting) mail back in the queue for an attempt on the next pass; a sent mail is
    refused."""
    row_id = _parse_id(outbox_id)
    with app_for() as application:
        with application.sessions.begin() as session:
            message = retry_row(session, row_id, now=application.clock.now())
        typer.echo(message)


def retry_row(session: Any, row_id: int, *, now: Any) -> str:
    """Requeue one row (status pending, due now, a fresh give-up deadline); the Message-ID is kept."""
    from outbox.backoff import GIVE_UP_AFTER
    from outbox.enqueue import requeue
    from service.errors import InputError, NotFoundError
    from outbox.models import OutboxMessage, OutboxStatus

    row = session.get(OutboxMessage, row_id)
    if row is None:
        raise NotFoundError(f"no outbox row {row_id}")
    if row.status in (OutboxStatus.SENT, OutboxStatus.SENDING):
        raise InputError(
            f"outbox row {row_id} is {row.status.value}; it is not retried (that would send it twice)"
        )
    if row.status is OutboxStatus.CANCELLED:
        raise InputError(f"outbox row {row_id} was cancelled ({row.last_error}); it is no longer due")
    if row.status is OutboxStatus.BUNDLED:
        carried = (row.headers or {}).get("X-Docket-Bundled-In", "")
        raise InputError(
            f"outbox row {row_id} went out inside another mail ({carried}); retry that one instead"
        )
    before = row.status.value
    requeue(session, row, now=now, give_up_at=now + GIVE_UP_AFTER)
    return (f"outbox row {row_id}: {before} → pending; it goes out on the next pass (in office hours unless "
            "it answers a sender)")
