"""`docket outbox list | show | retry`: what is queued, sent, waiting, dead or cancelled, and putting a row back.

Imports are inside the commands so that `docket` starts quickly. `list --json` prints every row
(no page limit unless --limit is given).
"""
from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

outbox_app = typer.Typer(help="Outgoing mail: list, show, retry.", no_args_is_help=True)
TABLE_LIMIT = 50  # rows shown as a table when --limit is not given (--json always lists everything)


def register(app: typer.Typer) -> None:
    app.add_typer(outbox_app, name="outbox")


def _row(row: Any, *, full: bool = False) -> dict[str, Any]:
    data = {
        "id": row.id, "kind": row.kind, "status": row.status.value, "to": row.to_addrs, "cc": row.cc_addrs,
        "subject": row.subject, "attempts": row.attempts, "next_attempt_at": _iso(row.next_attempt_at),
        "created_at": _iso(row.created_at), "sent_at": _iso(row.sent_at), "last_error": row.last_error,
        "task": f"NV-{row.task_id}" if row.task_id else None, "notice": f"TB-{row.notice_id}" if row.notice_id else None,
        "dedupe_key": row.dedupe_key, "message_id": row.message_id,
    }
    if full:
        data.update(headers=row.headers, body_text=row.body_text, body_html=row.body_html, give_up_at=_iso(row.give_up_at))
    return data


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _parse_id(value: str) -> int:
    from service.ids import parse_row_id

    return parse_row_id(value, "an outbox")


@outbox_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print every row as JSON (complete, no page limit).")] = False,
    status: Annotated[Optional[str], typer.Option(help="Only rows in this status: pending, sending, sent, retry, dead, cancelled.")] = None,
    kind: Annotated[Optional[str], typer.Option(help="Only this kind: confirmation, assignment, reminder, escalation, digest, change ...")] = None,
    limit: Annotated[Optional[str], typer.Option(metavar="N", help="At most this many rows (newest first).")] = None,
) -> None:
    """List outgoing mail, newest first; dead rows show their last error."""
    from service.cli import fail, load_app

    from sqlalchemy import func, select

    from service.errors import DocketError
    from service.models import OutboxMessage
    from service.stages import OutboxStatus

    from service.ids import parse_limit

    try:
        count_limit = parse_limit(limit)
        application = load_app()
        stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
        count = select(func.count(OutboxMessage.id))
        if status:
            try:
                wanted = OutboxStatus(status.lower())
            except ValueError:
                fail(f"unknown status '{status}' (use {', '.join(s.value for s in OutboxStatus)})")
            stmt, count = stmt.where(OutboxMessage.status == wanted), count.where(OutboxMessage.status == wanted)
        if kind:
            stmt, count = stmt.where(OutboxMessage.kind == kind), count.where(OutboxMessage.kind == kind)
        cut = count_limit if count_limit is not None else (None if as_json else TABLE_LIMIT)
        if cut is not None:
            stmt = stmt.limit(cut)
        with application.sessions() as session:
            rows = [_row(r) for r in session.scalars(stmt)]
            total = session.scalar(count) or 0
    except DocketError as err:
        fail(str(err))
    if as_json:
        import json

        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    _print_table(rows, total)


def _print_table(rows: list[dict[str, Any]], total: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for column in ("ID", "Status", "Kind", "To", "Subject", "Tries", "Error"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(str(r["id"]), r["status"], r["kind"], ", ".join(r["to"]), r["subject"][:70], str(r["attempts"]),
                      (r["last_error"] or "")[:60])
    console = Console()
    console.print(table)
    if total > len(rows):
        console.print(f"{len(rows)} of {total} rows shown; use --limit N or --json for all.")


@outbox_app.command("show")
def show_command(
    outbox_id: Annotated[str, typer.Argument(help="The outbox row's ID.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show one outgoing mail: recipients, headers, status, last error and the text body."""
    from service.cli import fail, load_app
    from service.errors import DocketError
    from service.models import OutboxMessage

    try:
        row_id = _parse_id(outbox_id)
        application = load_app()
        with application.sessions() as session:
            row = session.get(OutboxMessage, row_id)
            if row is None:
                fail(f"no outbox row {row_id}")
            data = _row(row, full=True)
    except DocketError as err:
        fail(str(err))
    if as_json:
        import json

        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for name in ("id", "status", "kind", "to", "cc", "subject", "message_id", "task", "notice", "attempts",
                 "created_at", "next_attempt_at", "sent_at", "give_up_at", "last_error", "dedupe_key"):
        value = data[name]
        typer.echo(f"{name}: {', '.join(value) if isinstance(value, list) else value}")
    for header, value in (data["headers"] or {}).items():
        typer.echo(f"header {header}: {value}")
    typer.echo("")
    typer.echo(data["body_text"])


@outbox_app.command("retry")
def retry_command(outbox_id: Annotated[str, typer.Argument(help="The outbox row's ID (dead, waiting or cancelled).")]) -> None:
    """Put a dead (or waiting) mail back in the queue for an attempt on the next pass; a sent mail is refused."""
    from service.cli import fail, load_app
    from service.errors import DocketError

    try:
        row_id = _parse_id(outbox_id)
        application = load_app()
        with application.sessions.begin() as session:
            message = retry_row(session, row_id, now=application.clock.now())
    except DocketError as err:
        fail(str(err))
    typer.echo(message)


def retry_row(session: Any, row_id: int, *, now: Any) -> str:
    """Requeue one row (status pending, due now, a fresh give-up deadline); the Message-ID is kept."""
    from outbox.backoff import GIVE_UP_AFTER
    from outbox.enqueue import requeue
    from service.errors import InputError, NotFoundError
    from service.models import OutboxMessage
    from service.stages import OutboxStatus

    row = session.get(OutboxMessage, row_id)
    if row is None:
        raise NotFoundError(f"no outbox row {row_id}")
    if row.status in (OutboxStatus.SENT, OutboxStatus.SENDING):
        raise InputError(f"outbox row {row_id} is {row.status.value}; it is not retried (that would send it twice)")
    if row.status is OutboxStatus.CANCELLED:
        raise InputError(f"outbox row {row_id} was cancelled ({row.last_error}); it is no longer due")
    before = row.status.value
    requeue(session, row, now=now, give_up_at=now + GIVE_UP_AFTER)
    return f"outbox row {row_id}: {before} → pending; it goes out on the next pass (in office hours unless it answers a sender)"
