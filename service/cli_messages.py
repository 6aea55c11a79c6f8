"""`docket messages list|show|retry`: what arrived, what became of it, and a second chance for failed mail."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from service.cli_common import Limit, RowId, guarded, login_name, page_limit, safe_json, shown, with_app

messages_app = typer.Typer(help="Inbound mail as received: list by stage, show one, retry a failed one.",
                           no_args_is_help=True)
STAGES = "received, processed, failed, quarantined, ignored, reply"


def _stage(value: str | None):  # type: ignore[no-untyped-def]
    from service.errors import InputError
    from service.stages import Stage

    if value is None:
        return None
    try:
        return Stage(value.lower())
    except ValueError:
        raise InputError(f"unknown stage {value!r}: use one of {STAGES}") from None


@messages_app.command("list")
@guarded
def list_command(
    stage: Annotated[Optional[str], typer.Option(help=f"Only this stage: {STAGES}.")] = None,
    limit: Limit = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output; complete unless --limit is given.")] = False,
) -> None:
    """List inbound messages, newest first, with their stage and error."""
    from service.messages import list_messages

    def go(application):  # type: ignore[no-untyped-def]
        with application.sessions() as session:
            rows = list_messages(session, stage=_stage(stage), limit=page_limit(limit, as_json))
        if as_json:
            typer.echo(safe_json(rows))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table("ID", "received", "stage", "sender", "subject", "error")
        for r in rows:
            table.add_row(str(r["id"]), (r["received_at"] or "")[:16], f"{r['stage']} ({r['disposition'] or ''})",
                          shown(r["sender"]), shown(r["subject"]), shown((r["error"] or "")[:80]))
        Console().print(table if rows else "no messages")

    with_app(go)


@messages_app.command("show")
@guarded
def show_command(
    inbound_id: RowId,
    raw: Annotated[Optional[Path], typer.Option("--save-raw", help="Write the original message (.eml) to this file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """One message: where it came from, what became of it, and its error."""
    from service.ids import parse_row_id
    from service.messages import get_message, summary

    def go(application):  # type: ignore[no-untyped-def]
        with application.sessions() as session:
            row = get_message(session, parse_row_id(inbound_id, "a message"))
            info = summary(row)
            if raw is not None:
                raw.write_bytes(row.raw)
        if as_json:
            typer.echo(safe_json(info))
            return
        for key, value in info.items():
            typer.echo(f"{key:>13}: {shown(value).plain}")

    with_app(go)


@messages_app.command("retry")
@guarded
def retry_command(
    inbound_id: RowId,
    actor: Annotated[Optional[str], typer.Option("--actor", help="Who retries it, for the audit log (default: the OS user).")] = None,
) -> None:
    """Queue a failed message again: the next `docket run` pass processes it with the current rules."""
    from service.ids import parse_row_id
    from service.messages import retry

    def go(application):  # type: ignore[no-untyped-def]
        with application.sessions.begin() as session:
            row = retry(session, parse_row_id(inbound_id, "a message"), actor=login_name(actor), now=application.clock.now())
            typer.echo(f"message {row.id} from {shown(row.sender).plain} will be processed on the next pass")

    with_app(go)


def register(app: typer.Typer) -> None:
    app.add_typer(messages_app, name="messages")
