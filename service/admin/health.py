"""Health: the start-up checks of `docket run` and the report of `docket status` (with its exit code).

Start-up checks stop the daemon with one clear line each: schema version, directory loaded,
mailbox login, SMTP reachable. The status report reads the database and probes the mailbox.
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from outbox.models import OutboxMessage, OutboxStatus
from service.admin.inbox_queue import counts as queue_counts
from service.config_sources import mask_url
from service.errors import ConfigError, DocketError
from service.mailbox import open_mailbox, parse_mailbox_url
from service.store.models import InboundMessage, SyncState, Task
from service.store.schema import current_revision, head_revision, require_current
from service.store.stages import Stage, TaskStatus
from service.wiring import App, smtp_target


class StartupError(DocketError):
    """A start-up check failed; the message names the check and the fix."""


# --------------------------------------------------------------------------- probes


def probe_mailbox(app: App, *, create: bool = True) -> str | None:
    """Log in to the mailbox (or open the Maildir) and close it again; None when fine, else the reason.

    With create=False (`docket status`) a Maildir that does not exist yet is reported, not created.
    """
    parsed = parse_mailbox_url(app.settings.mailbox)
    if not create and parsed.path is not None and not (parsed.path / "new").is_dir():
        return f"the Maildir {parsed.path} does not exist yet (`docket run` creates it)"
    try:
        box = open_mailbox(app.settings.mailbox, settings=app.settings)
        try:
            login = getattr(box, "uidvalidity", None)  # IMAP connects lazily: this logs in and SELECTs
            if login is not None:
                login()
        finally:
            box.close()
    except (DocketError, OSError) as err:
        return str(err) or type(err).__name__
    return None


def probe_smtp(app: App, timeout: float = 10.0) -> str | None:
    """Connect, say EHLO, STARTTLS/log in as configured, then QUIT; None when fine, else the reason."""
    url = app.settings.smtp
    if url.startswith("maildir:"):
        path = Path(url.removeprefix("maildir:")).expanduser()
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            return f"cannot create the outgoing Maildir {path}: {err}"
        return None
    try:
        parsed = smtp_target(url)
    except ConfigError as err:
        return str(err)
    assert not isinstance(parsed, Path)  # maildir: was handled above
    cafile = app.settings.smtp_cafile
    context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
    try:
        if parsed.implicit_tls:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(parsed.host, parsed.port, timeout=timeout, context=context)
        else:
            conn = smtplib.SMTP(parsed.host, parsed.port, timeout=timeout)
        try:
            conn.ehlo()
            if parsed.starttls:
                conn.starttls(context=context)
                conn.ehlo()
            if parsed.user:
                conn.login(parsed.user, parsed.password)
            code, _ = conn.noop()
            if code != 250:
                return f"{parsed.host}:{parsed.port} answered NOOP with {code}"
        finally:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                pass
    except (smtplib.SMTPException, OSError, socket.timeout) as err:
        return f"{parsed.host}:{parsed.port}: {err or type(err).__name__}"
    return None


# --------------------------------------------------------------------------- start-up


def startup_checks(app: App, roles: Collection[str] | None = None) -> None:
    """Run the checks this worker's roles need (None: all roles); the first failure raises StartupError
    naming it."""
    try:
        require_current(app.engine)
    except DocketError as err:
        raise StartupError(f"start-up check 'schema version' failed: {err}") from err
    except SQLAlchemyError as err:
        raise StartupError(
            f"start-up check 'schema version' failed: cannot reach the database: {_first_line(err)}"
        ) from err
    if app.settings.directory is not None:
        try:
            directory = app.directory
        except DocketError as err:
            raise StartupError(f"start-up check 'directory loaded' failed: {err}") from err
        if not directory.units:
            raise StartupError(
                f"start-up check 'directory loaded' failed: {app.settings.directory} lists no units"
            )
    try:
        app.check()
        parse_mailbox_url(app.settings.mailbox)
    except ConfigError as err:
        raise StartupError(f"start-up check 'settings' failed: {err}") from err
    if (roles is None or "intake" in roles) and (problem := probe_mailbox(app)):
        raise StartupError(f"start-up check 'mailbox login' failed: {problem}")
    if (roles is None or "deliver" in roles) and (problem := probe_smtp(app)):
        raise StartupError(f"start-up check 'SMTP reachable' failed: {problem}")


def _first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


# --------------------------------------------------------------------------- status


@dataclass(frozen=True)
class Health:
    """What `docket status` reports; `problems` non-empty means unhealthy (exit status 1)."""

    checked_at: str | None
    database: str
    schema: str | None
    mailbox: str
    mailbox_reachable: bool | None
    mailbox_error: str | None
    last_sync_at: str | None
    last_sync_error: str | None
    backlog: int
    oldest_backlog_at: str | None
    failed_messages: int
    outbox_pending: int
    outbox_dead: int
    overdue_tasks: int
    # waiting for a person (service.admin.inbox_queue.counts)
    queue: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, object]:
        return {"healthy": self.healthy, **asdict(self)}


def stale_after(app: App) -> timedelta:
    """A last sync older than this means intake has stopped: five waits between passes, at least 5 min."""
    return max(timedelta(seconds=5 * min(app.settings.poll_interval, 60.0)), timedelta(minutes=5))


def gather(app: App, *, probe: bool = True, now: datetime | None = None) -> Health:
    """Read the counts from the database and (with probe) log in to the mailbox."""
    now = now or app.clock.now()
    problems: list[str] = []
    warnings: list[str] = []
    try:
        mailbox_name = parse_mailbox_url(app.settings.mailbox).identity
    except ConfigError as err:
        mailbox_name, problems = mask_url(app.settings.mailbox), [str(err)]
    try:
        app.check()  # the directory, calendar, escalation policy and SMTP settings read as the daemon will
    except ConfigError as err:
        problems.append(str(err))
    reachable, mailbox_error = None, None
    if probe and not problems:
        mailbox_error = probe_mailbox(app, create=False)
        reachable = mailbox_error is None
        if mailbox_error:
            problems.append(f"mailbox unreachable: {mailbox_error}")
    try:
        missing = missing_sqlite_file(app.settings.database_url)
        if missing is not None:  # connecting would create an empty database file in this folder
            problems.insert(0, f"the database file {missing} does not exist: run `docket db upgrade`")
        counts = _counts(app, mailbox_name, now) if missing is None else {}
    except SQLAlchemyError as err:
        problems.insert(0, f"database unreachable: {_first_line(err)}")
        counts = {}
    schema = counts.get("schema")
    if counts:
        if schema != head_revision():
            problems.insert(
                0,
                f"database schema is at {schema or '(none)'}, this code needs {head_revision()}: run "
                "`docket db upgrade`",
            )
    last_sync, sync_error = counts.get("last_sync_at"), counts.get("last_sync_error")
    if counts and last_sync is None:
        problems.append(
            "the mailbox has never been synced (no `docket run` with the intake role has completed a pass)"
        )
    elif isinstance(last_sync, datetime) and now - last_sync > stale_after(app):
        problems.append(
            f"last sync {_ago(now - last_sync)} ago (more than {_ago(stale_after(app))}): is a worker with "
            "the intake role running?"
        )
    if sync_error:
        problems.append(f"last sync failed: {sync_error}")
    if counts.get("outbox_dead"):
        warnings.append(f"{counts['outbox_dead']} outgoing mails are dead (see `docket outbox`)")
    if counts.get("failed"):
        warnings.append(f"{counts['failed']} inbound messages failed (reprocess after fixing)")
    return Health(
        checked_at=_iso(now, app.settings.tz),
        database=app.engine.url.render_as_string(hide_password=True),
        schema=schema,
        mailbox=mailbox_name,
        mailbox_reachable=reachable,
        mailbox_error=mailbox_error,
        last_sync_at=_iso(last_sync, app.settings.tz),
        last_sync_error=sync_error,
        backlog=counts.get("backlog", 0),
        oldest_backlog_at=_iso(counts.get("oldest_backlog_at"), app.settings.tz),
        failed_messages=counts.get("failed", 0),
        outbox_pending=counts.get("outbox_pending", 0),
        outbox_dead=counts.get("outbox_dead", 0),
        overdue_tasks=counts.get("overdue", 0),
        queue=counts.get("queue", {}),
        problems=problems,
        warnings=warnings,
    )


def missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL when it does not exist (None for other databases, in-memory ones, or a file
    present)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path.resolve()


def _counts(app: App, mailbox_name: str, now: datetime) -> dict[str, Any]:
    schema = current_revision(app.engine)
    if schema is None:
        return {"schema": None}
    today = now.astimezone(app.settings.tz).date()
    with app.sessions() as session:
        stages = dict(
            session.execute(
                select(InboundMessage.stage, func.count())
                .where(InboundMessage.stage.in_([Stage.RECEIVED, Stage.FAILED]))
                .group_by(InboundMessage.stage)
            ).all()
        )
        oldest = session.scalar(
            select(func.min(InboundMessage.received_at)).where(InboundMessage.stage == Stage.RECEIVED)
        )
        outbox = dict(
            session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
        )
        overdue = session.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.status == TaskStatus.OPEN, Task.deadline < today, Task.merged_into_id.is_(None))
        )
        sync = session.get(SyncState, mailbox_name)
        queue = queue_counts(session)
    return {
        "queue": queue,
        "schema": schema,
        "backlog": stages.get(Stage.RECEIVED, 0),
        "failed": stages.get(Stage.FAILED, 0),
        "oldest_backlog_at": oldest,
        "outbox_pending": sum(
            outbox.get(s, 0) for s in (OutboxStatus.PENDING, OutboxStatus.RETRY, OutboxStatus.SENDING)
        ),
        "outbox_dead": outbox.get(OutboxStatus.DEAD, 0),
        "overdue": overdue or 0,
        "last_sync_at": sync.last_sync_at if sync else None,
        "last_sync_error": sync.last_error if sync else None,
    }


def _iso(value: object, tz: tzinfo) -> str | None:
    """In the office's time zone, as admins read it."""
    return value.astimezone(tz).isoformat(timespec="seconds") if isinstance(value, datetime) else None


def _ago(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
