"""Composition root: build the engine, sessions, directory, calendar, clock and adapters from Settings."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import parse_qs, unquote

import yaml
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from extractors.base import Limits
from outbox.hours import OfficeHours
from outbox.senders import Sender, SmtpUrl, open_sender
from rules.calendar import WorkCalendar, load_overrides
from rules.directory import EMPTY_DIRECTORY, Directory, DirectoryError, load_directory
from rules.escalation import Policy, PolicyError, load_policy
from service.clock import Clock, SystemClock
from service.config import Settings, split_url
from service.errors import ConfigError
from service.sandbox import Sandbox
from service.store.db import make_engine, make_sessions


@dataclass
class App:
    """Everything a command or runner needs, built once and passed down."""

    settings: Settings
    clock: Clock
    # inbound id → database faults that interrupted it in this process (service.runners.process)
    handed_back: Counter[int] = field(default_factory=Counter)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_sessions(self.engine)

    @cached_property
    def directory(self) -> Directory:
        if self.settings.directory is None:
            return EMPTY_DIRECTORY
        try:
            return load_directory(self.settings.directory)
        except DirectoryError as err:
            raise ConfigError(str(err)) from err

    @cached_property
    def calendar(self) -> WorkCalendar:
        path = self.settings.calendar_overrides
        try:
            return WorkCalendar(load_overrides(path))
        except (OSError, yaml.YAMLError, ValueError, TypeError, AttributeError) as err:
            raise ConfigError(f"DOCKET_CALENDAR_OVERRIDES: cannot read {path}: {err}") from err

    @cached_property
    def policy(self) -> Policy:
        """The escalation policy (reminders, escalations, digests): DOCKET_ESCALATION_POLICY or the
        default."""
        try:
            return load_policy(self.settings.escalation_policy)
        except PolicyError as err:
            raise ConfigError(f"DOCKET_ESCALATION_POLICY: {err}") from err

    def check(self) -> None:
        """Read every setting that names a file or a server, so a bad one is a ConfigError at start, not a
        failure blamed on the first mail that needs it."""
        _ = self.directory, self.calendar, self.policy
        smtp_target(self.settings.smtp)

    @cached_property
    def limits(self) -> Limits:
        s = self.settings
        return Limits(
            max_bytes=s.max_attachment_bytes,
            max_pdf_pages=s.max_pdf_pages,
            max_unzipped_bytes=s.max_unzipped_bytes,
        )

    @cached_property
    def allowed_senders(self) -> tuple[str, ...]:
        """Lower-case addresses and '@domain's; default: the directory's domain."""
        raw = [item.strip().lower() for item in self.settings.allowed_senders.split(",") if item.strip()]
        if not raw and self.directory.domain:
            raw = [f"@{self.directory.domain.lower()}"]
        return tuple(raw)

    @cached_property
    def sandbox(self) -> Sandbox:
        """The child process that parses and analyses untrusted mail within time and memory limits."""
        return Sandbox(timeout=self.settings.extract_timeout, memory_mb=self.settings.extract_memory_mb)

    def dispose(self) -> None:
        if "sandbox" in self.__dict__:
            self.sandbox.close()
        if "engine" in self.__dict__:
            self.engine.dispose()


def build_app(settings: Settings, clock: Clock | None = None) -> App:
    return App(settings=settings, clock=clock or SystemClock(settings.tz))


def office_hours(app: App) -> OfficeHours:
    """Mail to units goes out only in office hours on working days (outbox.hours)."""
    s = app.settings
    return OfficeHours(
        start=s.office_hours_start,
        end=s.office_hours_end,
        tz=s.tz,
        is_working_day=app.calendar.is_working_day,
    )


def smtp_target(url: str) -> SmtpUrl | Path:
    """DOCKET_SMTP parsed: a Maildir folder (maildir:PATH) or an SMTP server; malformed, a ConfigError."""
    if url.startswith("maildir:"):
        return Path(url.removeprefix("maildir:")).expanduser().resolve()
    parts = split_url(
        url,
        setting="DOCKET_SMTP",
        schemes=("smtp", "smtps"),
        forms="smtps://[user:pass@]host[:port], smtp://[user:pass@]host:port or maildir:PATH",
    )
    tls_off = parse_qs(parts.query).get("tls", [""])[0] == "off"
    if tls_off and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigError("DOCKET_SMTP: ?tls=off is allowed on loopback only")
    return SmtpUrl(
        host=parts.hostname or "",
        port=parts.port or (465 if parts.scheme == "smtps" else 587),
        implicit_tls=parts.scheme == "smtps",
        starttls=parts.scheme == "smtp" and not tls_off,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def sender_for(app: App) -> Sender:
    """The adapter that hands outgoing mail over, from DOCKET_SMTP and DOCKET_SMTP_CAFILE."""
    return open_sender(smtp_target(app.settings.smtp), cafile=app.settings.smtp_cafile)
