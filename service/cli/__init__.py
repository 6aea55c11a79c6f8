"""The `docket` command: thin Typer commands that parse, call one function, and print.

Imports are lazy so that `docket tasks list` starts quickly; every command goes through
service.cli.common: one error guard (a one-line message, exit status 1) and one way to open the App.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from service.cli import extract, inbox, messages, outbox, quarantine, status, tasks
from service.cli.common import app_for, fail, guarded

app = typer.Typer(
    name="docket",
    help="Docket: turns directives in forwarded official notices into tracked tasks, with reminders and "
         "escalation.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema: apply migrations, show the version.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
@guarded
def db_upgrade() -> None:
    """Apply every pending migration to DOCKET_DATABASE_URL."""
    from service.store.schema import upgrade

    from service.runners.daemon import load_units

    with app_for() as application:
        revision = upgrade(application.engine)
        typer.echo(f"database at revision {revision}")
        if application.settings.directory is not None:  # `units list` is complete before the first run
            load_units(application)
            typer.echo(f"units loaded from {application.settings.directory}")


@db_app.command("current")
@guarded
def db_current() -> None:
    """Show the schema revision of the database and the one this code needs."""
    from service.store.schema import current_revision, head_revision

    with app_for() as application:
        typer.echo(f"database: {current_revision(application.engine) or '(none)'}; code: {head_revision()}")


@app.command("config")
@guarded
def config_command(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="The README's settings table: variable, key, default, meaning.")
    ] = False,
) -> None:
    """Every setting in effect: its value (passwords masked), where it came from (environment, file,
    default) and meaning."""
    import os

    from service.config import load_settings
    from service.config_sources import effective_rows, read_toml, toml_path

    settings = load_settings()
    path = toml_path()
    rows = effective_rows(settings, os.environ, read_toml(path))
    if markdown:
        typer.echo("| environment variable | docket.toml key | default | meaning |\n|---|---|---|---|")
        for row in rows:
            typer.echo(
                f"| `{row.env}` | `{row.name}` | `{row.default}` | {row.description.replace('|', '/')} |"
            )
        return
    if as_json:
        import json
        from dataclasses import asdict

        typer.echo(json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=1))
        return
    typer.echo(
        f"settings file: {path.resolve()}{'' if path.exists() else ' (none)'}; the environment wins over "
        "the file\n"
    )
    for row in rows:
        default = "" if row.source == "default" else f"; default {row.default}"
        typer.echo(
            f"{row.env} = {row.value}\n    from {row.source}{default}; docket.toml key: {row.name}\n    "
            f"{row.description}\n"
        )


@app.command("run")
@guarded
def run_command(
    once: Annotated[
        bool, typer.Option("--once", help="Do one pass (intake, process, schedule, deliver) and exit.")
    ] = False,
    now: Annotated[
        Optional[str], typer.Option(help="Run as if it were this ISO datetime (tests, checks).")
    ] = None,
    role: Annotated[
        Optional[list[str]],
        typer.Option(
            "--role",
            metavar="ROLE",
            help="Only these stages (repeatable): intake, process, schedule, deliver. Default: all.",
        ),
    ] = None,
) -> None:
    """Run the daemon: read the mailbox, extract tasks, send mail, remind and escalate."""
    from service.runners.daemon import run_daemon
    from service.runners.one_pass import ROLES

    if unknown := sorted(set(role or ()) - set(ROLES)):
        fail(f"unknown role {', '.join(unknown)}: use {', '.join(ROLES)}")  # exit 1, like every option value
    with app_for(now) as application:
        run_daemon(application, once=once, roles=tuple(role) if role else ROLES)


@app.command("demo")
@guarded
def demo_command(
    folder: Annotated[Path, typer.Option("--dir", help="Where the demo office lives.")] = Path("docket-demo"),
) -> None:
    """Set up a sample office with one forwarded notice, run one pass, print the tasks and the
    confirmation."""
    from service.demo.run import run_demo

    run_demo(folder.resolve())


# Each module adds its commands; their heavy imports stay inside the command functions, so importing them
# here costs the start-up nothing measurable.
for _commands in (extract, tasks, status, outbox, quarantine, inbox, messages):
    _commands.add_commands(app)


def main() -> None:
    app(prog_name="docket")


if __name__ == "__main__":
    main()
    sys.exit(0)
