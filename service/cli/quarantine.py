"""`docket quarantine list|release|delete`: mail from senders that may not create tasks, kept for an admin."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from service.cli.common import RowId, app_for, guarded, login_name, safe_json, shown

quarantine_app = typer.Typer(
    help="Mail from unknown or unauthenticated senders: kept, never answered, released or deleted by an "
         "admin.",
    no_args_is_help=True,
)


@quarantine_app.command("list")
@guarded
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List quarantined messages: id, when, sender, subject and why."""
    from service.admin.quarantine import list_quarantined

    with app_for() as application:
        with application.sessions() as session:
            items = list_quarantined(session)
        if as_json:
            typer.echo(safe_json(items, indent=2))
            return
        if not items:
            typer.echo("không có thư nào bị cách ly")
            return
        _print_table(items, application.settings)


def _print_table(items: list[dict], settings) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Received times in the office's zone (named once, in the header); long text cut with "…"."""
    from rich.table import Table

    from service.admin import output as out

    table = Table(pad_edge=False, expand=True)
    out.fixed_column(table, "Mã")
    out.fixed_column(table, f"Nhận lúc ({settings.timezone})")
    out.cut_column(table, "Người gửi", ratio=1, min_width=10)
    out.cut_column(table, "Tiêu đề", ratio=2, min_width=12)
    out.cut_column(table, "Lý do", ratio=1, min_width=8)
    for it in items:
        # from mail: shown() makes it safe
        table.add_row(
            str(it["id"]),
            out.local_time(it["received_at"], settings.tz),
            shown(it["sender"]),
            shown(out.one_line(it["subject"])),
            shown(out.one_line(it["reason"])),
        )
    out._console().print(table)


@quarantine_app.command("release")
@guarded
def release_command(
    inbound_id: RowId,
    actor: Annotated[
        Optional[str],
        typer.Option("--actor", "--as", help="Who releases it, for the audit log (default: the OS user)."),
    ] = None,
) -> None:
    """Let a quarantined message through: the next `docket run` pass processes it as if the sender were
    allowed."""
    from service.tasks.ids import parse_row_id
    from service.admin.quarantine import release

    with app_for() as application:
        with application.sessions.begin() as session:
            row = release(
                session,
                parse_row_id(inbound_id, "a message"),
                actor=login_name(actor),
                now=application.clock.now(),
            )
            typer.echo(
                f"released message {row.id} from {shown(row.sender).plain}: it will be processed on the "
                "next pass"
            )


@quarantine_app.command("delete")
@guarded
def delete_command(
    inbound_id: RowId,
    actor: Annotated[
        Optional[str],
        typer.Option("--actor", "--as", help="Who deletes it, for the audit log (default: the OS user)."),
    ] = None,
) -> None:
    """Delete a quarantined message for good."""
    from service.tasks.ids import parse_row_id
    from service.admin.quarantine import delete

    with app_for() as application:
        with application.sessions.begin() as session:
            delete(
                session,
                parse_row_id(inbound_id, "a message"),
                actor=login_name(actor),
                now=application.clock.now(),
            )
        typer.echo(f"deleted message {inbound_id}")


def add_commands(app: typer.Typer) -> None:
    app.add_typer(quarantine_app, name="quarantine")
