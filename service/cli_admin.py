"""`docket tasks|notices|units|report`: the admin's corrections, audited. Thin: parse, call one function, print.

Only typer is imported at module level, so `docket tasks list` starts fast. Bad input raises a
DocketError before anything changes; it becomes one line on stderr and exit status 1.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

tasks_app = typer.Typer(help="Tasks: list, show and correct them (every change is audited).", no_args_is_help=True)
notices_app = typer.Typer(help="Notices: list, show, re-extract with the current rules.", no_args_is_help=True)
units_app = typer.Typer(help="Units of the directory: list, import, add aliases.", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="Machine-readable output; listings are complete.")]
Now = Annotated[Optional[str], typer.Option("--now", hidden=True, help="Act as if it were this ISO datetime (tests, checks).")]
Actor = Annotated[Optional[str], typer.Option("--actor", help="Who makes the change, for the audit trail (default: the OS user).")]
Limit = Annotated[Optional[int], typer.Option("--limit", help="Show at most this many (0 = all). Default: 50, or all with --json.")]
Force = Annotated[bool, typer.Option("--force", help="Accept a deadline before the notice's own date.")]
TaskId = Annotated[str, typer.Argument(help="Task ID: NV-123 or 123.")]
NoticeId = Annotated[str, typer.Argument(help="Notice ID: TB-45 or 45.")]
PAGE = 50


def register(app: typer.Typer) -> None:
    app.add_typer(tasks_app, name="tasks")
    app.add_typer(notices_app, name="notices")
    app.add_typer(units_app, name="units")
    app.command("report")(report_command)


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A DocketError (or a database that is not ready) becomes `docket: message` and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import SQLAlchemyError

        from service.errors import DocketError

        try:
            return fn(*args, **kwargs)
        except DocketError as err:
            typer.echo(f"docket: {err}", err=True)
            raise typer.Exit(1) from None
        except SQLAlchemyError as err:
            typer.echo(f"docket: database error ({type(err).__name__}); is the schema current? try `docket db upgrade`", err=True)
            raise typer.Exit(1) from None

    return wrapper


def _app(now: str | None) -> Any:
    from service.clock import FixedClock, parse_now
    from service.config import load_settings
    from service.errors import InputError
    from service.wiring import build_app

    settings = load_settings()
    if now is None:
        return build_app(settings)
    try:
        return build_app(settings, FixedClock(parse_now(now, settings.tz)))
    except ValueError as err:
        raise InputError(f"--now '{now}' is not an ISO datetime") from err


def _editor(application: Any, actor: str | None) -> Any:
    import getpass

    from service.audit import Editor

    if not actor:
        try:
            actor = getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name in some containers
            actor = "admin"
    return Editor(actor=actor, now=application.clock.now())


def _change(now: str | None, actor: str | None, as_json: bool, action: Callable[..., Any]) -> None:
    """Run one correction in one transaction; print what changed (and whether the units were told)."""
    from service import admin_output as out
    from service.audit import notifier_for

    application = _app(now)
    notify = notifier_for(application)
    editor = _editor(application, actor)
    with application.sessions.begin() as session:
        result = action(session, editor, notify)
    outcomes = result if isinstance(result, tuple) else (result,)
    if as_json:
        out.print_json([out.outcome_json(o, notify is not None) for o in outcomes])
        return
    for outcome in outcomes:
        out.changes(outcome)
        if outcome.notice is not None:
            told = "units notified" if notify is not None else "notification module not installed: units NOT notified"
            typer.echo(f"{', '.join(outcome.notice.kinds)}: {told}")


def _limit(limit: int | None, as_json: bool) -> int | None:
    if limit == 0 or (limit is None and as_json):
        return None
    return limit if limit is not None else PAGE


def _date(value: str | None) -> Any:
    from service.dates import parse_date

    return parse_date(value) if value else None


@tasks_app.command("list")
@guarded
def tasks_list(
    status: Annotated[Optional[str], typer.Option(help="open, overdue, done, done_on_time, done_late, cancelled, rejected, closed, all.")] = None,
    unit: Annotated[Optional[str], typer.Option(help="Only tasks of this unit (lead or support; name or alias).")] = None,
    notice: Annotated[Optional[str], typer.Option(help="Only tasks of this notice (TB-45).")] = None,
    due_before: Annotated[Optional[str], typer.Option(help="Deadline on or before this date (dd/mm/yyyy or ISO).")] = None,
    due_after: Annotated[Optional[str], typer.Option(help="Deadline on or after this date.")] = None,
    needs_review: Annotated[bool, typer.Option("--needs-review", help="Only tasks flagged for review.")] = False,
    limit: Limit = None, as_json: Json = False, now: Now = None,
) -> None:
    """List tasks, soonest deadline first (tasks without a deadline last)."""
    from dataclasses import replace

    from service import admin_output as out
    from service.errors import InputError
    from service.ids import parse_notice_id
    from service.listing import STATES, TaskFilter, list_tasks
    from service.unit_names import resolve_units

    if status and status not in STATES:
        raise InputError(f"unknown status '{status}': use one of {', '.join(STATES)}")
    flt = TaskFilter(status=status, notice_id=parse_notice_id(notice) if notice else None, due_before=_date(due_before),
                     due_after=_date(due_after), needs_review=needs_review, limit=_limit(limit, as_json))
    application = _app(now)
    with application.sessions() as session:
        if unit:
            flt = replace(flt, unit=resolve_units(session, [unit])[0])
        rows, total = list_tasks(session, flt, application.clock.now().date())
    out.print_json(rows) if as_json else out.task_table(rows, total)


@tasks_app.command("show")
@guarded
def tasks_show(task_id: TaskId, as_json: Json = False, now: Now = None) -> None:
    """One task: its evidence quote and source, the full history, requests and mails."""
    from service import admin_output as out
    from service.corrections import get_task
    from service.ids import parse_task_id
    from service.listing import task_detail

    number = parse_task_id(task_id)
    application = _app(now)
    with application.sessions() as session:
        detail = task_detail(session, get_task(session, number), application.clock.now().date())
    out.print_json(detail) if as_json else out.task_panel(detail)


@tasks_app.command("edit")
@guarded
def tasks_edit(
    task_id: TaskId,
    text: Annotated[Optional[str], typer.Option(help="The directive's text.")] = None,
    lead: Annotated[Optional[list[str]], typer.Option(help="Lead unit (chủ trì); repeat for several. Replaces the leads.")] = None,
    support: Annotated[Optional[list[str]], typer.Option(help="Support unit (phối hợp); repeat. Replaces the supports.")] = None,
    no_support: Annotated[bool, typer.Option("--no-support", help="Remove every support unit.")] = False,
    deadline: Annotated[Optional[str], typer.Option(help="The deadline as the notice sets it (also the original deadline).")] = None,
    recurrence: Annotated[Optional[str], typer.Option(help="weekly, monthly, quarterly, yearly or none.")] = None,
    force: Force = False, actor: Actor = None, as_json: Json = False, now: Now = None,
) -> None:
    """Correct what extraction got wrong. For more time, use `tasks extend` (it keeps the original deadline)."""
    from service.corrections import TaskEdit, edit_task
    from service.ids import parse_task_id

    number = parse_task_id(task_id)
    edit = TaskEdit(text=text, lead=tuple(lead) if lead else None, support=() if no_support else (tuple(support) if support else None),
                    deadline=_date(deadline), recurrence=recurrence)
    _change(now, actor, as_json, lambda s, e, n: edit_task(s, number, edit, e, force=force, notify=n))


@tasks_app.command("done")
@guarded
def tasks_done(task_id: TaskId, note: Annotated[Optional[str], typer.Option(help="A note for the history.")] = None,
               actor: Actor = None, as_json: Json = False, now: Now = None) -> None:
    """Mark done (on time or late, judged against the original deadline)."""
    from service.corrections import complete
    from service.ids import parse_task_id

    number = parse_task_id(task_id)
    _change(now, actor, as_json, lambda s, e, n: complete(s, number, e, note=note, notify=n))


@tasks_app.command("reopen")
@guarded
def tasks_reopen(task_id: TaskId, note: Annotated[Optional[str], typer.Option(help="Why.")] = None,
                 actor: Actor = None, as_json: Json = False, now: Now = None) -> None:
    """Open a done, cancelled or rejected task again."""
    from service.corrections import reopen
    from service.ids import parse_task_id

    number = parse_task_id(task_id)
    _change(now, actor, as_json, lambda s, e, n: reopen(s, number, e, note=note, notify=n))


@tasks_app.command("cancel")
@guarded
def tasks_cancel(task_id: TaskId, reason: Annotated[str, typer.Option(help="Why it is cancelled (required).")],
                 actor: Actor = None, as_json: Json = False, now: Now = None) -> None:
    """Cancel a task; its units are told and its reminders stop."""
    from service.corrections import cancel
    from service.ids import parse_task_id

    number = parse_task_id(task_id)
    _change(now, actor, as_json, lambda s, e, n: cancel(s, number, e, reason=reason, notify=n))


@tasks_app.command("reject")
@guarded
def tasks_reject(task_id: TaskId, reason: Annotated[Optional[str], typer.Option(help="Why it is not a task.")] = None,
                 actor: Actor = None, as_json: Json = False, now: Now = None) -> None:
    """Not a task at all: extraction mistook a sentence for a directive."""
    from service.corrections import reject
    from service.ids import parse_task_id

    number = parse_task_id(task_id)
    _change(now, actor, as_json, lambda s, e, n: reject(s, number, e, reason=reason, notify=n))


@tasks_app.command("extend")
@guarded
def tasks_extend(task_id: TaskId, to: Annotated[str, typer.Option("--to", help="The new deadline (dd/mm/yyyy or ISO).")],
                 reason: Annotated[str, typer.Option(help="Why (required).")], force: Force = False,
                 actor: Actor = None, as_json: Json = False, now: Now = None) -> None:
    """Give more time; the original deadline is kept. Approves the unit's pending request, if any."""
    from service.corrections import extend
    from service.ids import parse_task_id

    number, new = parse_task_id(task_id), _date(to)
    _change(now, actor, as_json, lambda s, e, n: extend(s, number, new, e, reason=reason, force=force, notify=n))


@tasks_app.command("merge")
@guarded
def tasks_merge(keep: Annotated[str, typer.Argument(help="The task that stays (NV-…).")],
                other: Annotated[str, typer.Argument(help="The task merged into it.")],
                actor: Actor = None, as_json: Json = False, now: Now = None) -> None:
    """Two tasks are one: B's units join A, B closes as merged into A."""
    from service.corrections import merge
    from service.ids import parse_task_id

    a, b = parse_task_id(keep), parse_task_id(other)
    _change(now, actor, as_json, lambda s, e, n: merge(s, a, b, e, notify=n))


@tasks_app.command("add")
@guarded
def tasks_add(
    notice: Annotated[str, typer.Option(help="The notice it comes from (TB-45).")],
    text: Annotated[str, typer.Option(help="The directive's text.")],
    lead: Annotated[list[str], typer.Option(help="Lead unit (chủ trì); repeat for several.")],
    support: Annotated[Optional[list[str]], typer.Option(help="Support unit (phối hợp); repeat.")] = None,
    deadline: Annotated[Optional[str], typer.Option(help="Deadline (dd/mm/yyyy or ISO).")] = None,
    recurrence: Annotated[Optional[str], typer.Option(help="weekly, monthly, quarterly, yearly.")] = None,
    force: Force = False, actor: Actor = None, as_json: Json = False, now: Now = None,
) -> None:
    """Add a task the extractor missed."""
    from service.corrections import TaskEdit, add_task
    from service.ids import parse_notice_id

    number = parse_notice_id(notice)
    edit = TaskEdit(text=text, lead=tuple(lead), support=tuple(support or ()), deadline=_date(deadline), recurrence=recurrence)
    _change(now, actor, as_json, lambda s, e, n: add_task(s, number, edit, e, force=force, notify=n))


@notices_app.command("list")
@guarded
def notices_list(limit: Limit = None, as_json: Json = False, now: Now = None) -> None:
    """List notices, newest first, with their number of tasks."""
    from service import admin_output as out
    from service.listing import list_notices

    application = _app(now)
    with application.sessions() as session:
        rows, total = list_notices(session, limit=_limit(limit, as_json))
    out.print_json(rows) if as_json else out.notice_table(rows, total)


@notices_app.command("show")
@guarded
def notices_show(notice_id: NoticeId, as_json: Json = False, now: Now = None) -> None:
    """One notice: its details, the messages it came in, its tasks."""
    from service import admin_output as out
    from service.corrections import get_notice
    from service.ids import parse_notice_id
    from service.listing import notice_detail

    number = parse_notice_id(notice_id)
    application = _app(now)
    with application.sessions() as session:
        detail = notice_detail(session, get_notice(session, number), application.clock.now().date())
    out.print_json(detail) if as_json else out.notice_panel(detail)


@notices_app.command("reprocess")
@guarded
def notices_reprocess(notice_id: NoticeId, apply: Annotated[bool, typer.Option("--apply", help="Apply the diff (default: show it only).")] = False,
                      actor: Actor = None, as_json: Json = False, now: Now = None) -> None:
    """Re-extract the stored message with the current rules and show the diff; --apply applies it. Manual corrections stay."""
    from service import admin_output as out
    from service import reprocess
    from service.audit import notifier_for
    from service.ids import parse_notice_id

    number = parse_notice_id(notice_id)
    application = _app(now)
    with application.sessions.begin() as session:
        planned = reprocess.plan(application, session, number)
        applied = reprocess.apply(application, session, planned, _editor(application, actor), notify=notifier_for(application)) if apply else 0
    if as_json:
        out.print_json({**planned.to_json(), "applied": applied})
        return
    for diff in planned.diffs:
        label = f"NV-{diff.task_id}" if diff.task_id else "new"
        typer.echo(f"{diff.kind:8} {label:8} {' '.join(diff.text.split())[:90]}" + (f"  ({diff.why})" if diff.why else ""))
        for change in diff.changes:
            typer.echo(f"           {change.field}: {change.before or '∅'} → {change.after or '∅'}")
    pending = len(planned.pending)
    typer.echo(f"applied {applied} change(s)" if apply else f"{pending} change(s) pending; run again with --apply to apply them")


@units_app.command("list")
@guarded
def units_list(as_json: Json = False, now: Now = None) -> None:
    """The units, their aliases and addresses."""
    from service import admin_output as out
    from service.listing import list_units

    application = _app(now)
    with application.sessions() as session:
        rows = list_units(session)
    out.print_json(rows) if as_json else out.unit_table(rows)


@units_app.command("import")
@guarded
def units_import(file: Annotated[Path, typer.Argument(help="The directory YAML (organization, units, leaders).")], now: Now = None) -> None:
    """Load or refresh the units and leaders from a directory file; aliases added by hand are kept."""
    from rules.directory import DirectoryError, load_directory
    from service.errors import InputError
    from service.units import import_directory

    try:
        directory = load_directory(file)
    except DirectoryError as err:
        raise InputError(str(err)) from err
    if not directory.units:
        raise InputError(f"{file} lists no units")
    application = _app(now)
    with application.sessions.begin() as session:
        added, updated = import_directory(session, directory)
    typer.echo(f"{added} unit(s) added, {updated} updated, {len(directory.leaders)} leader(s)")


@units_app.command("add-alias")
@guarded
def units_add_alias(unit: Annotated[str, typer.Argument(help="The unit (name or alias).")],
                    alias: Annotated[str, typer.Argument(help="Another name for it, as notices write it.")], now: Now = None) -> None:
    """Teach the rules another name of a unit; it applies to notices read from now on."""
    from service.unit_names import add_alias

    application = _app(now)
    with application.sessions.begin() as session:
        name, added = add_alias(session, unit, alias)
    typer.echo(f"'{alias}' → {name}" + ("" if added else " (already known)"))


@guarded
def report_command(
    period_from: Annotated[Optional[str], typer.Option("--from", help="First day (dd/mm/yyyy or ISO); default: the 1st of this month.")] = None,
    period_to: Annotated[Optional[str], typer.Option("--to", help="Last day; default: today.")] = None,
    csv_file: Annotated[Optional[Path], typer.Option("--csv", help="Write the grid to this CSV file.")] = None,
    xlsx_file: Annotated[Optional[Path], typer.Option("--xlsx", help="Write the grid to this Excel file.")] = None,
    as_json: Json = False, now: Now = None,
) -> None:
    """The four-status grid per lead unit for a period, against the ORIGINAL deadline."""
    from service import admin_output as out
    from service.errors import InputError
    from service.report import build_grid, write_csv, write_xlsx

    application = _app(now)
    today = application.clock.now().date()
    start, end = _date(period_from) or today.replace(day=1), _date(period_to) or today
    if end < start:
        raise InputError(f"--to {end:%d/%m/%Y} is before --from {start:%d/%m/%Y}")
    with application.sessions() as session:
        grid = build_grid(session, period_from=start, period_to=end, today=today, tz=application.settings.tz)
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
