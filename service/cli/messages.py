"""`docket messages list|show|retry`: what arrived, what became of it, and a second chance for failed mail."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rules.display import notice_token
from service.cli.common import Limit, RowId, app_for, guarded, login_name, page_limit, safe_json, shown

messages_app = typer.Typer(help="Inbound mail as received: list by stage, show one, retry a failed one.",
                           no_args_is_help=True)
STAGES = "received, processed, failed, quarantined, ignored, reply"


def _stage(value: str | None):  # type: ignore[no-untyped-def]
    from service.errors import InputError
    from service.store.stages import Stage

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
    as_json: Annotated[
        bool, typer.Option("--json", help="Machine-readable output; complete unless --limit is given.")
    ] = False,
) -> None:
    """List inbound messages, newest first, with their stage and error."""
    from service.admin.messages import list_messages

    with app_for() as application:
        with application.sessions() as session:
            rows = list_messages(session, stage=_stage(stage), limit=page_limit(limit, as_json))
        if as_json:
            typer.echo(safe_json(rows))
            return
        _print_table(rows, application.settings.tz, application.settings.timezone)


def _print_table(rows: list[dict], tz, zone: str) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Received times in the office's zone (said once, in the header); long text cut with "…"."""
    from rich.table import Table

    from service.admin import output as out

    if not rows:
        out._console().print("chưa có thư nào")
        return
    table = Table(pad_edge=False, expand=True)
    out.fixed_column(table, "Mã")
    out.fixed_column(table, f"Nhận lúc ({zone})")
    out.fixed_column(table, "Tình trạng")
    out.cut_column(table, "Người gửi", ratio=1, min_width=10)
    out.cut_column(table, "Tiêu đề", ratio=2, min_width=12)
    out.cut_column(table, "Lỗi", ratio=1, min_width=5)
    for r in rows:
        received = out.local_time(r["received_at"], tz)
        stage = out.STAGE_VI.get(r["stage"], r["stage"]) + (
            f" ({r['disposition']})" if r["disposition"] else ""
        )
        # text from mail: no terminal controls, no Rich markup
        table.add_row(
            str(r["id"]),
            received,
            shown(stage),
            shown(r["sender"]),
            shown(out.one_line(r["subject"])),
            shown(out.one_line(r["error"])),
        )
    out._console().print(table)


MESSAGE_LABELS = {
    "id": "Mã",
    "stage": "Tình trạng",
    "disposition": "Kết quả",
    "error": "Lỗi",
    "received_at": "Nhận lúc",
    "processed_at": "Xử lý lúc",
    "sender": "Người gửi",
    "subject": "Tiêu đề",
    "message_id": "Message-ID",
    "size": "Kích thước (byte)",
    "attempts": "Số lần xử lý",
    "notice_id": "Văn bản",
    "mailbox": "Hộp thư",
    "source_key": "Khóa trong hộp thư",
}


def _print_one(info: dict, settings) -> None:  # type: ignore[no-untyped-def,type-arg]
    """One message with Vietnamese labels; times in the office's zone, named once."""
    from service.admin import output as out

    values = {
        **info,
        "stage": out.STAGE_VI.get(info["stage"], info["stage"]),
        "received_at": out.local_time(info["received_at"], settings.tz),
        "processed_at": out.local_time(info["processed_at"], settings.tz),
        "notice_id": notice_token(info["notice_id"]) if info["notice_id"] else None,
    }
    for key, value in values.items():
        typer.echo(f"{MESSAGE_LABELS.get(key, key):>18}: {shown(value).plain}")
    typer.echo(f"{'':>18}  (giờ {settings.timezone})")


@messages_app.command("show")
@guarded
def show_command(
    inbound_id: RowId,
    raw: Annotated[
        Optional[Path], typer.Option("--save-raw", help="Write the original message (.eml) to this file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """One message: where it came from, what became of it, and its error."""
    from service.tasks.ids import parse_row_id
    from service.admin.messages import get_message, summary

    with app_for() as application:
        with application.sessions() as session:
            row = get_message(session, parse_row_id(inbound_id, "a message"))
            info = summary(row)
            if raw is not None:
                raw.write_bytes(row.raw)
        if as_json:
            typer.echo(safe_json(info))
            return
        _print_one(info, application.settings)


@messages_app.command("retry")
@guarded
def retry_command(
    inbound_id: RowId,
    actor: Annotated[
        Optional[str],
        typer.Option("--actor", help="Who retries it, for the audit log (default: the OS user)."),
    ] = None,
) -> None:
    """Queue a failed message again: the next `docket run` pass processes it with the current rules."""
    from service.tasks.ids import parse_row_id
    from service.admin.messages import retry

    with app_for() as application:
        with application.sessions.begin() as session:
            row = retry(
                session,
                parse_row_id(inbound_id, "a message"),
                actor=login_name(actor),
                now=application.clock.now(),
            )
            typer.echo(f"message {row.id} from {shown(row.sender).plain} will be processed on the next pass")


def add_commands(app: typer.Typer) -> None:
    app.add_typer(messages_app, name="messages")
