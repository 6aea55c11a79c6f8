"""Operations commands: `docket status [--json]`, whose exit status serves as a health check."""
from __future__ import annotations

import json
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("status")(status_command)


def status_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
    probe: Annotated[bool, typer.Option("--probe/--no-probe", help="Log in to the mailbox (default) or only read the database.")] = True,
) -> None:
    """Mailbox reachable, last sync, backlog, outbox pending and dead, overdue tasks; exit 0 healthy, 1 not (with the reasons)."""
    from service.cli import fail, load_app
    from service.errors import DocketError
    from service.health import gather

    try:
        application = load_app()
        report = gather(application, probe=probe)
    except DocketError as err:
        fail(str(err))
        return
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        _print(report)
    application.dispose()
    if not report.healthy:
        for problem in report.problems:
            typer.echo(f"docket: unhealthy: {problem}", err=True)
        raise typer.Exit(1)


def _print(report) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table

    reachable = {True: "reachable", False: f"UNREACHABLE ({report.mailbox_error})", None: "not probed"}[report.mailbox_reachable]
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    rows = [
        ("status", "healthy" if report.healthy else "UNHEALTHY"),
        ("database", f"{report.database} (schema {report.schema or 'none'})"),
        ("mailbox", f"{report.mailbox}: {reachable}"),
        ("last sync", (report.last_sync_at or "never") + (f" — error: {report.last_sync_error}" if report.last_sync_error else "")),
        ("backlog", f"{report.backlog} received, not yet processed" + (f" (oldest {report.oldest_backlog_at})" if report.oldest_backlog_at else "")),
        ("failed", f"{report.failed_messages} inbound messages"),
        ("outbox", f"{report.outbox_pending} pending, {report.outbox_dead} dead"),
        ("overdue", f"{report.overdue_tasks} open tasks past their deadline"),
        ("inbox", "{queued_replies} replies queued, {pending_extensions} extension requests pending, "
                  "{quarantined} quarantined (`docket inbox list`)".format(**{"queued_replies": 0, "pending_extensions": 0,
                                                                              "quarantined": 0, **report.queue})),
    ]
    for key, value in rows:
        table.add_row(key, value)
    console = Console(highlight=False, soft_wrap=True)
    console.print(table)
    for warning in report.warnings:
        console.print(f"warning: {warning}")
    for problem in report.problems:
        console.print(f"problem: {problem}")
