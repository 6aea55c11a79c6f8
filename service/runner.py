"""One pass of the daemon, and the loop around it: intake → process → schedule → deliver."""
from __future__ import annotations

from typing import Any

import logging
import threading
from collections.abc import Collection
from dataclasses import dataclass

from outbox.hours import OfficeHours
from outbox.relay import RelayResult, deliver_due
from outbox.senders import open_sender
from service.intake import intake_once
from service.mailbox import Mailbox, open_mailbox
from service.process import process_pending
from service.wiring import App

log = logging.getLogger("docket.run")
ROLES = ("intake", "process", "schedule", "deliver")  # `docket run --role`: a worker does the stages it is given


@dataclass(frozen=True, slots=True)
class PassReport:
    stored: int
    processed: int
    scheduled: int
    delivery: RelayResult


def schedule(app: App) -> int:
    """Reminders, escalations, recurrences and digests due now (outbox issue); 0 until service.scheduler exists."""
    try:
        from service import scheduler
    except ImportError:
        return 0
    return scheduler.run_due(app)


def office_hours(app: App) -> OfficeHours:
    """Mail to units goes out only in office hours on working days (outbox.hours)."""
    s = app.settings
    return OfficeHours(start=s.office_hours_start, end=s.office_hours_end, tz=s.tz, is_working_day=app.calendar.is_working_day)


def originals_for(session: Any, row: Any) -> list[tuple[str, str, bytes]]:
    """The files an outbox row asks for: a notice's original documents (service.notify.original_files)."""
    from service.notify import original_files

    what, _, number = str(row.headers.get("X-Docket-Attach", "")).partition(":")
    return original_files(session, int(number)) if what == "notice" and number.isdigit() else []


def deliver(app: App) -> RelayResult:
    sender = open_sender(app.settings.smtp, cafile=app.settings.smtp_cafile)
    try:
        return deliver_due(app.sessions, sender, from_addr=app.settings.from_address, now=app.clock.now(),
                           hours=office_hours(app), per_recipient=app.settings.max_mails_per_recipient_per_pass,
                           attachments=originals_for)
    finally:
        sender.close()


def run_pass(app: App, mailbox: Mailbox | None, *, roles: Collection[str] = ROLES, stop: threading.Event | None = None) -> PassReport:
    """The stages this worker's roles allow; once `stop` is set, the stages not yet begun are skipped."""
    from service import metrics

    def go(role: str) -> bool:
        return role in roles and not (stop is not None and stop.is_set())

    stored = intake_once(app, mailbox) if mailbox is not None and go("intake") else 0
    processed = process_pending(app, stop=stop) if go("process") else 0
    scheduled = schedule(app) if go("schedule") else 0
    delivery = deliver(app) if go("deliver") else RelayResult()
    metrics.STORED.inc(stored)
    metrics.record_delivery(delivery.sent, delivery.retried, delivery.dead)
    metrics.LAST_PASS.set_to_current_time()
    log.info("pass: stored %s, processed %s, scheduled %s, sent %s", stored, processed, scheduled, delivery.sent)
    return PassReport(stored, processed, scheduled, delivery)


def run_once(app: App) -> PassReport:
    mailbox = open_mailbox(app.settings.mailbox, settings=app.settings)
    try:
        return run_pass(app, mailbox)
    finally:
        mailbox.close()
