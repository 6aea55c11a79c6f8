"""One pass of the daemon, and the loop around it: intake → process → schedule → deliver."""
from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from outbox.relay import RelayResult, deliver_due
from service import metrics
from service.mailbox import Mailbox
from service.runners import scheduler
from service.runners.intake import intake_once
from service.runners.process import process_pending
from service.tasks.notify import original_files
from service.tasks.relay_veto import task_closed
from service.wiring import App, office_hours, sender_for

log = logging.getLogger("docket.run")
# `docket run --role`: a worker does the stages it is given
ROLES = ("intake", "process", "schedule", "deliver")


@dataclass(frozen=True, slots=True)
class PassReport:
    stored: int
    processed: int
    scheduled: int
    delivery: RelayResult


def schedule(app: App) -> int:
    """Reminders, escalations, recurrences and digests due now (service.runners.scheduler)."""
    return scheduler.run_due(app)


def originals_for(session: Any, row: Any) -> list[tuple[str, str, bytes]]:
    """The files an outbox row asks for: a notice's original documents
    (service.tasks.notify.original_files)."""
    what, _, number = str(row.headers.get("X-Docket-Attach", "")).partition(":")
    return original_files(session, int(number)) if what == "notice" and number.isdigit() else []


def deliver(app: App) -> RelayResult:
    sender = sender_for(app)
    try:
        return deliver_due(
            app.sessions,
            sender,
            from_addr=app.settings.from_address,
            now=app.clock.now(),
            hours=office_hours(app),
            veto=task_closed,
            attachments=originals_for,
            per_recipient=app.settings.max_mails_per_recipient_per_pass,
        )
    finally:
        sender.close()


def run_pass(
    app: App, mailbox: Mailbox | None, *, roles: Collection[str] = ROLES, stop: threading.Event | None = None
) -> PassReport:
    """The stages this worker's roles allow; once `stop` is set, the stages not yet begun are skipped."""

    def go(role: str) -> bool:
        return role in roles and not (stop is not None and stop.is_set())

    stored = intake_once(app, mailbox) if mailbox is not None and go("intake") else 0
    processed = process_pending(app, stop=stop) if go("process") else 0
    scheduled = schedule(app) if go("schedule") else 0
    delivery = deliver(app) if go("deliver") else RelayResult()
    metrics.STORED.inc(stored)
    metrics.record_delivery(delivery.sent, delivery.retried, delivery.dead)
    metrics.LAST_PASS.set_to_current_time()
    log.info(
        "pass: stored %s, processed %s, scheduled %s, sent %s", stored, processed, scheduled, delivery.sent
    )
    return PassReport(stored, processed, scheduled, delivery)
