"""Start-up checks and the daemon loop around one pass."""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from service.admin.health import startup_checks
from service.errors import DocketError
from service.logging import setup_logging
from service.mailbox import open_mailbox
from service.metrics import serve
from service.runners.one_pass import ROLES, PassReport, run_pass
from service.store.models import InboundMessage
from service.store.schema import require_current
from service.store.stages import Stage
from service.tasks.units import import_directory
from service.wiring import App

log = logging.getLogger("docket.run")
# What a pass may meet that is not the fault of one message (those are parked on their row by the runners):
# the database restarting or locked, a mail server gone. --once still fails loudly.
PASS_FAILURES = (SQLAlchemyError, DocketError, OSError)
PASS_BACKOFF_FIRST, PASS_BACKOFF_CAP = 5.0, 300.0


def startup(app: App) -> None:
    """Refuse to start on an outdated schema; load the directory; free what dead workers of this host held."""
    require_current(app.engine)
    release_dead_leases(app)
    load_units(app)


def load_units(app: App) -> None:
    """Bring the units table in line with DOCKET_DIRECTORY (at start and after `docket db upgrade`)."""
    for attempt in range(3):  # workers starting together race to insert the same units: the loser retries
        try:
            with app.sessions.begin() as session:
                import_directory(session, app.directory)
            return
        except IntegrityError:
            if attempt == 2:
                raise


def release_dead_leases(app: App) -> int:
    """Messages claimed by a worker of this host that no longer runs are free again at once, not after the
    lease."""
    prefix = f"{socket.gethostname()}:"
    freed = 0
    with app.sessions.begin() as session:
        held = session.scalars(
            select(InboundMessage).where(
                InboundMessage.stage == Stage.RECEIVED, InboundMessage.lease_owner.startswith(prefix)
            )
        )
        for row in held:
            pid = (row.lease_owner or "").removeprefix(prefix)  # the query matched its prefix
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                row.lease_owner, row.lease_until = None, None
                freed += 1
    if freed:
        log.info("freed %s message(s) claimed by workers of this host that are gone", freed)
    return freed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_daemon(
    app: App, *, once: bool, stop: threading.Event | None = None, roles: Collection[str] = ROLES
) -> PassReport | None:
    """One pass with --once; otherwise passes until SIGTERM/SIGINT, waiting for new mail in between."""
    setup_logging(app.settings.log_format)
    startup_checks(app, roles)
    startup(app)
    serve(app.settings.metrics_port)
    stop = stop or _stop_on_signals()
    mailbox = open_mailbox(app.settings.mailbox, settings=app.settings) if "intake" in roles else None
    log.info("worker started with roles %s", ",".join(r for r in ROLES if r in roles))
    try:
        report, failures = None, 0
        while not stop.is_set():
            try:
                report = run_pass(app, mailbox, roles=roles, stop=stop)
                failures = 0
            except (
                PASS_FAILURES
            ) as err:  # the database or a server went away: the daemon goes on (--once: fails)
                if once:
                    raise
                failures += 1
                delay = min(PASS_BACKOFF_FIRST * 2 ** (failures - 1), PASS_BACKOFF_CAP)
                log.exception("pass failed (%s in a row), next try in %.0f s: %s", failures, delay, err)
                stop.wait(delay)
                continue
            if once:
                break
            _wait_for_mail(app, mailbox, stop)
        log.info("worker stopping%s", " on signal" if stop.is_set() else "")
        return report
    finally:
        if mailbox is not None:
            mailbox.close()
        if "sandbox" in app.__dict__:
            app.sandbox.close()


def _wait_for_mail(app: App, mailbox: object, stop: threading.Event) -> None:
    """IMAP IDLE where the mailbox offers it; otherwise sleep the poll interval (wakes early on stop).

    A worker without the intake role only polls the database, so it looks again after at most 10 s.
    """
    wait = getattr(mailbox, "wait_for_mail", None)
    if wait is not None:
        wait(timeout=min(app.settings.poll_interval, 60.0), stop=stop)
    else:
        stop.wait(min(app.settings.poll_interval, 60.0 if mailbox is not None else 10.0))


def _stop_on_signals() -> threading.Event:
    """SIGTERM finishes the current message, then the loop exits."""
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    return stop
