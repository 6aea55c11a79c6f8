"""`docket tasks …`: list, show and correct tasks, each change audited. Thin: parse, call one function, print.

`register` adds the admin sub-apps (tasks here; notices, units, report in service.cli.records). Only typer
is imported at module level, so `docket tasks list` starts fast. Bad input raises a DocketError before
anything changes; it becomes one line on stderr and exit status 1.
"""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from service.cli.common import (Actor, Force, Json, Limit, Now, TaskId, app_for, change, date_arg, guarded,
                                page_limit)

tasks_app = typer.Typer(
    help="Tasks: list, show and correct them (every change is audited).", no_args_is_help=True
)


def add_commands(app: typer.Typer) -> None:
    from service.cli import records as cli_records

    app.add_typer(tasks_app, name="tasks")
    app.add_typer(cli_records.notices_app, name="notices")
    app.add_typer(cli_records.units_app, name="units")
    app.command("report")(cli_records.report_command)


@tasks_app.command("list")
@guarded
def tasks_list(
    status: Annotated[
        Optional[str],
        typer.Option(
            help="open, overdue, done, done_on_time, done_late, cancelled, rejected, merged, closed, all."
        ),
    ] = None,
    unit: Annotated[
        Optional[str], typer.Option(help="Only tasks of this unit (lead or support; name or alias).")
    ] = None,
    notice: Annotated[Optional[str], typer.Option(help="Only tasks of this notice (TB-45).")] = None,
    due_before: Annotated[
        Optional[str], typer.Option(help="Deadline on or before this date (dd/mm/yyyy or ISO).")
    ] = None,
    due_after: Annotated[Optional[str], typer.Option(help="Deadline on or after this date.")] = None,
    needs_review: Annotated[
        bool, typer.Option("--needs-review", help="Only tasks flagged for review.")
    ] = False,
    limit: Limit = None,
    as_json: Json = False,
    now: Now = None,
) -> None:
    """List tasks, soonest deadline first (tasks without a deadline last)."""
    from dataclasses import replace

    from service.admin import output as out
    from service.errors import InputError
    from service.tasks.ids import parse_notice_id
    from service.admin.listing import STATES, TaskFilter, list_tasks
    from service.tasks.unit_names import resolve_units

    if status and status not in STATES:
        raise InputError(f"unknown status '{status}': use one of {', '.join(STATES)}")
    flt = TaskFilter(
        status=status,
        notice_id=parse_notice_id(notice) if notice else None,
        due_before=date_arg(due_before),
        due_after=date_arg(due_after),
        needs_review=needs_review,
        limit=page_limit(limit, as_json),
    )
    with app_for(now) as application:
        with application.sessions() as session:
            if unit:
                flt = replace(flt, unit=resolve_units(session, [unit])[0])
            rows, total = list_tasks(session, flt, application.clock.now().date())
        out.print_json(rows) if as_json else out.task_table(rows, total)


@tasks_app.command("show")
@guarded
def tasks_show(task_id: TaskId, as_json: Json = False, now: Now = None) -> None:
    """One task: its evidence quote and source, the full history, requests and mails."""
    from service.admin import output as out
    from service.tasks.corrections import get_task
    from service.tasks.ids import parse_task_id
    from service.admin.listing import task_detail

    number = parse_task_id(task_id)
    with app_for(now) as application:
        with application.sessions() as session:
            detail = task_detail(
                session, get_task(session, number), application.clock.now().date(), application.settings.tz
            )
        out.print_json(detail) if as_json else out.task_panel(detail, zone=application.settings.timezone)


@tasks_app.command("edit")
@guarded
def tasks_edit(
    task_id: TaskId,
    text: Annotated[Optional[str], typer.Option(help="The directive's text.")] = None,
    lead: Annotated[
        Optional[list[str]], typer.Option(help="Lead unit (chủ trì); repeat for several. Replaces the leads.")
    ] = None,
    support: Annotated[
        Optional[list[str]], typer.Option(help="Support unit (phối hợp); repeat. Replaces the supports.")
    ] = None,
    no_support: Annotated[bool, typer.Option("--no-support", help="Remove every support unit.")] = False,
    deadline: Annotated[
        Optional[str], typer.Option(help="The deadline as the notice sets it (also the original deadline).")
    ] = None,
    recurrence: Annotated[
        Optional[str], typer.Option(help="weekly, monthly, quarterly, yearly or none.")
    ] = None,
    day: Annotated[
        Optional[int],
        typer.Option("--day", help='Day of the month a recurring task is due ("trước ngày 25": 25).'),
    ] = None,
    force: Force = False,
    actor: Actor = None,
    as_json: Json = False,
    now: Now = None,
) -> None:
    """Correct what extraction got wrong. For more time, use `tasks extend` (it keeps the original
    deadline)."""
    from service.tasks.corrections import TaskEdit, edit_task
    from service.tasks.ids import parse_task_id

    number = parse_task_id(task_id)
    edit = TaskEdit(
        text=text,
        lead=tuple(lead) if lead else None,
        support=() if no_support else (tuple(support) if support else None),
        deadline=date_arg(deadline),
        recurrence=recurrence,
        recurrence_day=day,
    )
    change(now, actor, as_json, lambda s, e, n: edit_task(s, number, edit, e, force=force, notify=n))


@tasks_app.command("done")
@guarded
def tasks_done(
    task_id: TaskId,
    note: Annotated[Optional[str], typer.Option(help="A note for the history.")] = None,
    actor: Actor = None,
    as_json: Json = False,
    now: Now = None,
) -> None:
    """Mark done (on time or late, judged against the original deadline)."""
    from service.tasks.corrections import complete
    from service.tasks.ids import parse_task_id

    number = parse_task_id(task_id)
    change(now, actor, as_json, lambda s, e, n: complete(s, number, e, note=note, notify=n))


@tasks_app.command("reopen")
@guarded
def tasks_reopen(
    task_id: TaskId,
    note: Annotated[Optional[str], typer.Option(help="Why.")] = None,
    actor: Actor = None,
    as_json: Json = False,
    now: Now = None,
) -> None:
    """Open a done, cancelled or rejected task again."""
    from service.tasks.corrections import reopen
    from service.tasks.ids import parse_task_id

    number = parse_task_id(task_id)
    change(now, actor, as_json, lambda s, e, n: reopen(s, number, e, note=note, notify=n))


@tasks_app.command("cancel")
@guarded
def tasks_cancel(
    task_id: TaskId,
    reason: Annotated[str, typer.Option(help="Why it is cancelled (required).")],
    actor: Actor = None,
    as_json: Json = False,
    now: Now = None,
) -> None:
    """Cancel a task; its units are told and its reminders stop."""
    from service.tasks.corrections import cancel
    from service.tasks.ids import parse_task_id

    number = parse_task_id(task_id)
    change(now, actor, as_json, lambda s, e, n: cancel(s, number, e, reason=reason, notify=n))


@tasks_app.command("reject")
@guarded
def tasks_reject(
    task_id: TaskId,
    reason: Annotated[Optional[str], typer.Option(help="Why it is not a task.")] = None,
    actor: Actor = None,
    as_json: Json = False,
    now: Now = None,
) -> None:
    """Not a task at all: extraction mistook a sentence for a directive."""
    from service.tasks.corrections import reject
    from service.tasks.ids import parse_task_id

    number = parse_task_id(task_id)
    change(now, actor, as_json, lambda s, e, n: reject(s, number, e, reason=reason, notify=n))


@tasks_app.command("extend")
@guarded
def tasks_extend(
    task_id: TaskId,
    to: Annotated[str, typer.Option("--to", help="The new deadline (dd/mm/yyyy or ISO).")],
    reason: Annotated[str, typer.Option(help="Why (required).")],
    force: Force = False,
    actor: Actor = None,
    as_json: Json = False,
    now: Now = None,
) -> None:
    """Give more time; the original deadline is kept. Approves the unit's pending request, if any."""
    from service.tasks.corrections import extend
    from service.tasks.ids import parse_task_id

    number, new = parse_task_id(task_id), date_arg(to)
    change(
        now, actor, as_json, lambda s, e, n: extend(s, number, new, e, reason=reason, force=force, notify=n)
    )


@tasks_app.command("merge")
@guarded
def tasks_merge(
    keep: Annotated[str, typer.Argument(help="The task that stays (NV-…).")],
    other: Annotated[str, typer.Argument(help="The task merged into it.")],
    actor: Actor = None,
    as_json: Json = False,
    now: Now = None,
) -> None:
    """Two tasks are one: B's units join A, B closes as merged into A."""
    from service.tasks.corrections import merge
    from service.tasks.ids import parse_task_id

    a, b = parse_task_id(keep), parse_task_id(other)
    change(now, actor, as_json, lambda s, e, n: merge(s, a, b, e, notify=n))


@tasks_app.command("add")
@guarded
def tasks_add(
    notice: Annotated[Optional[str], typer.Option(help="The notice it comes from (TB-45).")] = None,
    text: Annotated[Optional[str], typer.Option(help="The directive's text.")] = None,
    lead: Annotated[
        Optional[list[str]], typer.Option(help="Lead unit (chủ trì); repeat for several.")
    ] = None,
    support: Annotated[Optional[list[str]], typer.Option(help="Support unit (phối hợp); repeat.")] = None,
    deadline: Annotated[Optional[str], typer.Option(help="Deadline (dd/mm/yyyy or ISO).")] = None,
    recurrence: Annotated[Optional[str], typer.Option(help="weekly, monthly, quarterly, yearly.")] = None,
    from_candidate: Annotated[
        Optional[str],
        typer.Option(
            "--from-candidate",
            help="Accept a possible task (KN-7) of `docket notices show`: its notice, text, units and "
            "deadline, unless given here.",
        ),
    ] = None,
    force: Force = False,
    actor: Actor = None,
    as_json: Json = False,
    now: Now = None,
) -> None:
    """Add a task the extractor missed (or accept one of its possible tasks with --from-candidate)."""
    from service.tasks.corrections import TaskEdit, add_task
    from service.errors import InputError
    from service.tasks.ids import parse_notice_id

    if from_candidate is not None:
        _accept_candidate(
            from_candidate,
            notice=notice,
            text=text,
            lead=lead,
            support=support,
            deadline=deadline,
            recurrence=recurrence,
            force=force,
            actor=actor,
            as_json=as_json,
            now=now,
        )
        return
    if notice is None or text is None or not lead:
        raise InputError("a new task needs --notice, --text and --lead (or --from-candidate KN-…)")
    number = parse_notice_id(notice)
    edit = TaskEdit(
        text=text,
        lead=tuple(lead),
        support=tuple(support or ()),
        deadline=date_arg(deadline),
        recurrence=recurrence,
    )
    change(now, actor, as_json, lambda s, e, n: add_task(s, number, edit, e, force=force, notify=n))


def _accept_candidate(
    value: str,
    *,
    notice: str | None,
    text: str | None,
    lead: list[str] | None,
    support: list[str] | None,
    deadline: str | None,
    recurrence: str | None,
    force: bool,
    actor: str | None,
    as_json: bool,
    now: str | None,
) -> None:
    from service.tasks.candidates import Overrides, accept
    from service.errors import InputError
    from service.tasks.ids import parse_candidate_id

    if notice is not None:
        raise InputError("--from-candidate takes the notice from the possible task: leave out --notice")
    number = parse_candidate_id(value)
    overrides = Overrides(
        text=text,
        lead=tuple(lead) if lead else None,
        support=tuple(support) if support is not None else None,
        deadline=date_arg(deadline),
        recurrence=recurrence,
    )
    change(now, actor, as_json, lambda s, e, n: accept(s, number, e, overrides, force=force, notify=n))
