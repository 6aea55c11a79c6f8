"""Start-up checks and the daemon loop around one pass."""
from __future__ import annotations

import logging
import signal
import threading

from service.runner import PassReport, run_pass
from service.schema import require_current
from service.units import import_directory
from service.wiring import App

log = logging.getLogger("docket.run")


def startup(app: App) -> None:
    """Refuse to start on an outdated schema; load the directory into the units table."""
    require_current(app.engine)
    with app.sessions.begin() as session:
        import_directory(session, app.directory)


def run_daemon(app: App, *, once: bool, stop: threading.Event | None = None) -> PassReport | None:
    """One pass with --once; otherwise passes until SIGTERM/SIGINT, waiting for new mail in between."""
    from service.mailbox import open_mailbox

    startup(app)
    stop = stop or _stop_on_signals()
    mailbox = open_mailbox(app.settings.mailbox, settings=app.settings)
    try:
        report = run_pass(app, mailbox)
        while not once and not stop.is_set():
            _wait_for_mail(app, mailbox, stop)
            if not stop.is_set():
                report = run_pass(app, mailbox)
        return report
    finally:
        mailbox.close()


def _wait_for_mail(app: App, mailbox: object, stop: threading.Event) -> None:
    """IMAP IDLE where the mailbox offers it; otherwise sleep the poll interval (wakes early on stop)."""
    wait = getattr(mailbox, "wait_for_mail", None)
    if wait is not None:
        wait(timeout=min(app.settings.poll_interval, 60.0), stop=stop)
    else:
        stop.wait(min(app.settings.poll_interval, 60.0))


def _stop_on_signals() -> threading.Event:
    """SIGTERM finishes the current message, then the loop exits."""
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    return stop
