"""`docket demo`: prepare the sample office, run one pass, show the tasks and the confirmation file."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from outbox.models import MailKind, OutboxMessage
from rules.display import task_token, vn_date
from service.config import load_settings
from service.demo.build import prepare, sent_file
from service.runners.daemon import run_daemon
from service.store.models import Task
from service.store.schema import upgrade
from service.store.stages import Role
from service.wiring import build_app


def run_demo(folder: Path) -> None:
    app = build_app(load_settings(**prepare(folder, now=_now())))
    upgrade(app.engine)
    report = run_daemon(app, once=True)
    console = Console()
    with app.sessions() as session:
        tasks = session.scalars(select(Task).order_by(Task.notice_id, Task.seq)).all()
        table = Table(title=f"Tasks in {folder / 'docket.db'}")
        for column in ("ID", "Lead (chủ trì)", "Support (phối hợp)", "Deadline", "Recurrence", "Task"):
            table.add_column(column, overflow="fold")
        for task in tasks:
            table.add_row(
                task_token(task.id), ", ".join(task.unit_names(Role.LEAD)) or "?",
                ", ".join(task.unit_names(Role.SUPPORT)),
                vn_date(task.deadline) if task.deadline else "", task.recurrence or "", task.text[:140],
            )
        console.print(table)
        confirmed = select(OutboxMessage).where(OutboxMessage.kind == MailKind.CONFIRMATION)
        confirmations = session.scalars(confirmed).all()
    if report is not None:
        console.print(
            f"This pass: {report.stored} new message(s), {report.processed} processed, "
            f"{report.delivery.sent} mail(s) sent."
        )
    for row in confirmations:
        console.print(
            f"Confirmation to {', '.join(row.to_addrs)} ({row.status.value}): "
            f"{sent_file(folder, row.message_id)}"
        )


def _now():  # type: ignore[no-untyped-def]
    return datetime.now(timezone.utc)
