"""Composition root: build the engine, sessions, directory, calendar, clock and adapters from Settings."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from extractors.base import Limits
from outbox.hours import OfficeHours
from rules.calendar import WorkCalendar, load_overrides
from rules.directory import EMPTY_DIRECTORY, Directory, DirectoryError, load_directory
from service.clock import Clock, SystemClock
from service.config import Settings
from service.store.db import make_engine, make_sessions
from service.errors import ConfigError

if TYPE_CHECKING:
    from service.sandbox import Sandbox


@dataclass
class App:
    """Everything a command or runner needs, built once and passed down."""

    settings: Settings
    clock: Clock

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
        return WorkCalendar(load_overrides(self.settings.calendar_overrides))

    @cached_property
    def limits(self) -> Limits:
        s = self.settings
        return Limits(max_bytes=s.max_attachment_bytes, max_pdf_pages=s.max_pdf_pages, max_unzipped_bytes=s.max_unzipped_bytes)

    @cached_property
    def allowed_senders(self) -> tuple[str, ...]:
        """Lower-case addresses and '@domain's; default: the directory's domain."""
        raw = [item.strip().lower() for item in self.settings.allowed_senders.split(",") if item.strip()]
        if not raw and self.directory.domain:
            raw = [f"@{self.directory.domain.lower()}"]
        return tuple(raw)

    @cached_property
    def sandbox(self) -> "Sandbox":
        """The child process that parses and analyses untrusted mail within time and memory limits."""
        from service.sandbox import Sandbox

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
    return OfficeHours(start=s.office_hours_start, end=s.office_hours_end, tz=s.tz, is_working_day=app.calendar.is_working_day)
