"""`docket inbox list|show|attach|dismiss`: mail waiting for a person (the admin queue), worked and
audited."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from service.cli.common import TaskId, app_for, guarded, login_name, shown

inbox_app = typer.Typer(
    help="Replies Docket could not act on: tie them to a task or dismiss them (audited).",
    no_args_is_help=True,
)
InboxId = Annotated[int, typer.Argument(metavar="ID", help="The message's ID from `docket inbox list`.")]
Actor = Annotated[
    Optional[str], typer.Option("--actor", "--as", help="Who acts, for the audit log (default: the OS user).")
]
Now = Annotated[Optional[str], typer.Option("--now", help="ISO datetime to act at (tests, replays).")]


@inbox_app.command("list")
@guarded
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Include items already handled.")] = False,
) -> None:
    """The queue: id, when, sender, subject, why it waits (and, with --all, who handled it)."""
    from service.admin.inbox_queue import counts, list_items

    with app_for() as application:
        with application.sessions() as session:
            items, totals = list_items(session, include_closed=show_all), counts(session)
        if as_json:
            typer.echo(json.dumps({"items": items, "counts": totals}, ensure_ascii=False, indent=2))
            return
        _print_table(items, application.settings)
        typer.echo(
            "{queued_replies} thư chờ xử lý, {pending_extensions} đề nghị gia hạn chờ duyệt, "
            "{quarantined} thư bị cách ly".format(**totals)
        )


SHOW_LABELS = (
    ("id", "Mã"),
    ("received_at", "Nhận lúc"),
    ("sender", "Người gửi"),
    ("subject", "Tiêu đề"),
    ("reason", "Lý do chờ"),
    ("task", "Nhiệm vụ"),
    ("outcome", "Kết quả"),
    ("closed_by", "Người xử lý"),
)


def _print_table(items: list[dict], settings) -> None:  # type: ignore[no-untyped-def,type-arg]
    """The queue as a table that fills the terminal; times in the office's zone (named once); mail text
    made safe."""
    from rich.table import Table

    from service.admin import output as out

    table = Table(pad_edge=False, expand=True)
    out.fixed_column(table, "Mã")
    out.fixed_column(table, f"Nhận lúc ({settings.timezone})")
    out.fixed_column(table, "Lý do chờ")
    out.cut_column(table, "Người gửi", ratio=1, min_width=10)
    out.cut_column(table, "Tiêu đề", ratio=2, min_width=12)
    out.cut_column(table, "Đã xử lý", ratio=1, min_width=6)
    for it in items:
        done = f"{it['outcome']} ({it['closed_by']})" if it["closed_at"] else ""
        table.add_row(
            str(it["id"]),
            out.local_time(it["received_at"], settings.tz),
            shown(it["reason"]),
            shown(it["sender"]),
            shown(out.one_line(it["subject"])),
            shown(done),
        )
    out._console().print(table)


@inbox_app.command("show")
@guarded
def show_command(
    inbound_id: InboxId, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """One queued mail and the sender's own words (quotes and signature cut)."""
    from service.admin.inbox_queue import show_item

    with app_for() as application:
        with application.sessions() as session:
            it = show_item(session, inbound_id)
        if as_json:
            typer.echo(json.dumps(it, ensure_ascii=False, indent=2))
            return
        from service.admin import output as out

        values = {**it, "received_at": out.local_time(it["received_at"], application.settings.tz)}
        for key, label in SHOW_LABELS:
            typer.echo(f"{label}: {shown(values[key]).plain if values[key] is not None else '—'}")
        typer.echo(f"(giờ {application.settings.timezone})")
        typer.echo("\n" + (it["text"] or "(không có nội dung)"))


@inbox_app.command("attach")
@guarded
def attach_command(inbound_id: InboxId, task: TaskId, actor: Actor = None, now: Now = None) -> None:
    """Tie the mail to a task and act on it as a reply about that task (a "done" from its lead closes it)."""
    from service.tasks.ids import parse_task_id
    from service.admin.inbox_queue import attach

    with app_for(now) as application:
        with application.sessions.begin() as session:
            disposition = attach(
                application,
                session,
                inbound_id,
                parse_task_id(task),
                actor=login_name(actor),
                now=application.clock.now(),
            )
        typer.echo(f"message {inbound_id} attached to {task}: {disposition}")


@inbox_app.command("dismiss")
@guarded
def dismiss_command(
    inbound_id: InboxId,
    reason: Annotated[Optional[str], typer.Option("--reason", help="Why (audit log).")] = None,
    actor: Actor = None,
    now: Now = None,
) -> None:
    """Take the mail off the queue without acting on it (kept, with who and why)."""
    from service.admin.inbox_queue import dismiss

    with app_for(now) as application:
        with application.sessions.begin() as session:
            dismiss(session, inbound_id, actor=login_name(actor), now=application.clock.now(), reason=reason)
        typer.echo(f"message {inbound_id} dismissed")


def add_commands(app: typer.Typer) -> None:
    app.add_typer(inbox_app, name="inbox")
