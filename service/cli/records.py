"""`docket notices …`, `docket units …` and `docket report`: records around the tasks (registered by
service.cli.tasks)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rules.display import vn_date
from service.cli.common import (
    Actor,
    Json,
    Limit,
    NoticeId,
    Now,
    app_for,
    date_arg,
    editor_for,
    guarded,
    page_limit,
)

notices_app = typer.Typer(
    help="Notices: list, show, re-extract with the current rules.", no_args_is_help=True
)
units_app = typer.Typer(help="Units of the directory: list, import, add aliases.", no_args_is_help=True)


@notices_app.command("list")
@guarded
def notices_list(limit: Limit = None, as_json: Json = False, now: Now = None) -> None:
    """List notices, newest first, with their number of tasks."""
    from service.admin import output as out
    from service.admin.listing import list_notices

    with app_for(now) as application:
        with application.sessions() as session:
            rows, total = list_notices(session, limit=page_limit(limit, as_json))
        out.print_json(rows) if as_json else out.notice_table(rows, total)


@notices_app.command("show")
@guarded
def notices_show(notice_id: NoticeId, as_json: Json = False, now: Now = None) -> None:
    """One notice: its details, the messages it came in, its tasks, its possible tasks (the safety net)."""
    from service.admin import output as out
    from service.admin.listing import notice_detail
    from service.tasks.candidates import candidate_rows
    from service.tasks.corrections import get_notice
    from service.tasks.ids import parse_notice_id

    number = parse_notice_id(notice_id)
    with app_for(now) as application:
        with application.sessions() as session:
            detail = notice_detail(session, get_notice(session, number), application.clock.now().date())
            detail["candidates"] = candidate_rows(session, number)
        if as_json:
            out.print_json(detail)
            return
        out.notice_panel(detail)
        out.candidate_table(detail["candidates"])


@notices_app.command("reprocess")
@guarded
def notices_reprocess(
    notice_id: NoticeId,
    apply: Annotated[bool, typer.Option("--apply", help="Apply the diff (default: show it only).")] = False,
    actor: Actor = None,
    as_json: Json = False,
    now: Now = None,
) -> None:
    """Re-extract the stored message with the current rules and show the diff; --apply applies it. Manual
    corrections stay."""
    from service.admin import output as out
    from service.tasks import reprocess
    from service.tasks.audit import notifier_for
    from service.tasks.ids import parse_notice_id

    number = parse_notice_id(notice_id)
    with app_for(now) as application:
        with application.sessions.begin() as session:
            planned = reprocess.plan(application, session, number)
            applied = (
                reprocess.apply(
                    application,
                    session,
                    planned,
                    editor_for(application, actor),
                    notify=notifier_for(application),
                )
                if apply
                else 0
            )
        if as_json:
            out.print_json({**planned.to_json(), "applied": applied})
            return
        out.reprocess_diffs(planned.diffs)
        pending = len(planned.pending)
        typer.echo(
            f"applied {applied} change(s)"
            if apply
            else f"{pending} change(s) pending; run again with --apply to apply them"
        )


@notices_app.command("release")
@guarded
def notices_release(notice_id: NoticeId, actor: Actor = None, as_json: Json = False, now: Now = None) -> None:
    """Send the assignments of a notice held for review now (audited in each task's history)."""
    from rules.display import notice_token
    from service.admin import output as out
    from service.tasks.holds import release_notice
    from service.tasks.ids import parse_notice_id

    number = parse_notice_id(notice_id)
    with app_for(now) as application:
        editor = editor_for(application, actor)
        with application.sessions.begin() as session:
            queued = release_notice(application, session, number, actor=editor.actor, now=editor.now)
        result = {"notice": notice_token(number), "released_by": editor.actor, "assignments_queued": queued}
        out.print_json(result) if as_json else typer.echo(
            f"{result['notice']}: released, {queued} assignment mail(s) queued"
        )


@units_app.command("list")
@guarded
def units_list(as_json: Json = False, now: Now = None) -> None:
    """The units, their aliases and addresses."""
    from service.admin import output as out
    from service.admin.listing import list_units

    with app_for(now) as application:
        with application.sessions() as session:
            rows = list_units(session)
        out.print_json(rows) if as_json else out.unit_table(rows)


@units_app.command("import")
@guarded
def units_import(
    file: Annotated[Path, typer.Argument(help="The directory YAML (organization, units, leaders).")],
    now: Now = None,
) -> None:
    """Load or refresh the units and leaders from a directory file; aliases added by hand are kept."""
    from rules.directory import DirectoryError, load_directory
    from service.errors import InputError
    from service.tasks.units import import_directory

    try:
        directory = load_directory(file)
    except DirectoryError as err:
        raise InputError(str(err)) from err
    if not directory.units:
        raise InputError(f"{file} lists no units")
    with app_for(now) as application:
        with application.sessions.begin() as session:
            added, updated = import_directory(session, directory)
        typer.echo(f"{added} unit(s) added, {updated} updated, {len(directory.leaders)} leader(s)")


@units_app.command("add-alias")
@guarded
def units_add_alias(
    unit: Annotated[str, typer.Argument(help="The unit (name or alias).")],
    alias: Annotated[str, typer.Argument(help="Another name for it, as notices write it.")],
    now: Now = None,
) -> None:
    """Teach the rules another name of a unit; it applies to notices read from now on."""
    from service.tasks.unit_names import add_alias

    with app_for(now) as application:
        with application.sessions.begin() as session:
            name, added = add_alias(session, unit, alias)
        typer.echo(f"'{alias}' → {name}" + ("" if added else " (already known)"))


@guarded
def report_command(
    period_from: Annotated[
        Optional[str],
        typer.Option("--from", help="First day (dd/mm/yyyy or ISO); default: the 1st of this month."),
    ] = None,
    period_to: Annotated[Optional[str], typer.Option("--to", help="Last day; default: today.")] = None,
    csv_file: Annotated[
        Optional[Path], typer.Option("--csv", help="Write the grid to this CSV file.")
    ] = None,
    xlsx_file: Annotated[
        Optional[Path], typer.Option("--xlsx", help="Write the grid to this Excel file.")
    ] = None,
    as_json: Json = False,
    now: Now = None,
) -> None:
    """The four-status grid per lead unit for a period, against the ORIGINAL deadline."""
    from service.admin import output as out
    from service.admin.report import build_grid, write_csv, write_xlsx
    from service.errors import InputError

    with app_for(now) as application:
        today = application.clock.now().date()
        start, end = date_arg(period_from) or today.replace(day=1), date_arg(period_to) or today
        if end < start:
            raise InputError(f"--to {vn_date(end)} is before --from {vn_date(start)}")
        with application.sessions() as session:
            grid = build_grid(
                session, period_from=start, period_to=end, today=today, tz=application.settings.tz
            )
        if csv_file:
            write_csv(grid, csv_file)
            typer.echo(f"wrote {csv_file}", err=as_json)
        if xlsx_file:
            write_xlsx(grid, xlsx_file)
            typer.echo(f"wrote {xlsx_file}", err=as_json)
        if as_json:
            out.print_json(grid.to_json())
        elif not (csv_file or xlsx_file):
            out.grid_table(grid)
