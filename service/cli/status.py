"""Operations commands: `docket status [--json]`, whose exit status serves as a health check."""
from __future__ import annotations

import json
from typing import Annotated

import typer

from service.cli.common import app_for, guarded


def add_commands(app: typer.Typer) -> None:
    app.command("status")(guarded(status_command))


def status_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
    probe: Annotated[
        bool,
        typer.Option("--probe/--no-probe", help="Log in to the mailbox (default) or only read the database."),
    ] = True,
) -> None:
    """Mailbox reachable, last sync, backlog, outbox pending and dead, overdue tasks; exit 0 healthy, 1 not
    (with the reasons)."""
    from service.admin.health import gather

    with app_for() as application:
        report = gather(application, probe=probe)
        if as_json:
            typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        else:
            _print(report, application.settings.timezone)
    if not report.healthy:
        for problem in report.problems:
            typer.echo(f"docket: unhealthy: {problem}", err=True)
        raise typer.Exit(1)


def _print(report, zone: str) -> None:  # type: ignore[no-untyped-def]
    """Labels in Vietnamese, times in the office's zone (said once); the problems stay one line each on
    stderr."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    reachable = {
        True: "kết nối được",
        False: f"KHÔNG KẾT NỐI ĐƯỢC ({report.mailbox_error})",
        None: "không kiểm tra",
    }[report.mailbox_reachable]
    last_sync = _local(report.last_sync_at) or "chưa lần nào"
    oldest = f" (cũ nhất {_local(report.oldest_backlog_at)})" if report.oldest_backlog_at else ""
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    rows = [
        ("tình trạng", "ổn" if report.healthy else "CÓ VẤN ĐỀ"),
        ("cơ sở dữ liệu", f"{report.database} (phiên bản {report.schema or 'chưa có'})"),
        ("hộp thư", f"{report.mailbox}: {reachable}"),
        (
            "đồng bộ lần cuối",
            last_sync + (f" — lỗi: {report.last_sync_error}" if report.last_sync_error else ""),
        ),
        ("chờ xử lý", f"{report.backlog} thư đã nhận, chưa xử lý{oldest}"),
        ("lỗi", f"{report.failed_messages} thư đến bị lỗi"),
        ("thư đi", f"{report.outbox_pending} chờ gửi, {report.outbox_dead} gửi hỏng"),
        ("quá hạn", f"{report.overdue_tasks} nhiệm vụ đang mở đã quá hạn"),
        (
            "hộp chờ xử lý",
            "{queued_replies} thư trả lời chờ xử lý, {pending_extensions} đề nghị gia hạn chờ duyệt, "
            "{quarantined} thư bị cách ly (`docket inbox list`)".format(
                **{"queued_replies": 0, "pending_extensions": 0, "quarantined": 0, **report.queue}
            ),
        ),
        ("múi giờ", zone),
    ]
    for key, value in rows:
        table.add_row(key, escape(value))
    console = Console(highlight=False, soft_wrap=True)
    console.print(table)
    for warning in report.warnings:
        console.print(f"warning: {escape(warning)}")
    for problem in report.problems:
        console.print(f"problem: {escape(problem)}")


def _local(iso: str | None) -> str | None:
    """An ISO time already in the office's zone → dd/mm/yyyy HH:MM."""
    from datetime import datetime

    from rules.display import vn_minute

    return vn_minute(datetime.fromisoformat(iso)) if iso else None
