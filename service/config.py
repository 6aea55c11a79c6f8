"""Settings: read once from DOCKET_* variables and an optional docket.toml, then passed down.

Every setting is documented by its `description`; `docket config` prints them all.
"""
from __future__ import annotations

import os
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from service.config_sources import env_names, mask_url, masked, read_toml, refuse_unknown, toml_path
from service.errors import ConfigError

# settings with a fixed set of values
CHOICES = {"log_format": ("text", "json"), "processed_action": ("keyword", "move")}


class Settings(BaseSettings):
    """Docket's configuration. Environment variables win over docket.toml."""

    model_config = SettingsConfigDict(
        env_prefix="DOCKET_", frozen=True, extra="ignore", populate_by_name=True
    )

    database_url: str = Field(
        "sqlite:///./docket.db",
        description="SQLAlchemy URL: sqlite:///PATH (embedded default) or postgresql+psycopg://user@host/db.",
    )
    mailbox: str = Field(
        "maildir:./mail/inbox",
        description="Where notices arrive: imaps://user:pass@host[:port]/FOLDER, "
        "imap://user:pass@host:port/FOLDER (STARTTLS required unless ?tls=off, loopback only), or "
        "maildir:PATH.",
    )
    smtp: str = Field(
        "maildir:./mail/sent",
        description="Where mail goes: smtps://[user:pass@]host[:port], smtp://[user:pass@]host:port "
        "(STARTTLS unless ?tls=off), or maildir:PATH (every outgoing message written there as a file).",
    )
    from_address: str = Field(
        "docket@localhost",
        alias="DOCKET_FROM",
        description="The service's own address (From: of every mail).",
    )
    directory: Path | None = Field(None, description="The units directory YAML (org chart).")
    allowed_senders: str = Field(
        "",
        description="Comma-separated addresses or @domains allowed to submit notices; default: the "
        "directory's domain.",
    )
    timezone: str = Field("Asia/Ho_Chi_Minh", description="The office's time zone.")
    processed_action: str = Field(
        "keyword",
        description="After a message is stored: 'keyword' (set processed_keyword) or 'move' (to "
        "processed_folder).",
    )
    processed_keyword: str = Field("$DocketProcessed", description="IMAP keyword set on handled mail.")
    processed_folder: str = Field(
        "Processed", description="IMAP folder handled mail is moved to when processed_action=move."
    )
    imap_cafile: Path | None = Field(
        None, description="CA bundle to verify the IMAP server with (default: system CAs)."
    )
    smtp_cafile: Path | None = Field(
        None, description="CA bundle to verify the SMTP server with (default: system CAs)."
    )
    poll_interval: float = Field(60.0, description="Seconds between polls when the IMAP server lacks IDLE.")
    idle_timeout: float = Field(
        25 * 60.0, description="Seconds before IDLE is re-issued (servers drop it at 30 min)."
    )
    max_message_bytes: int = Field(40 * 1024 * 1024, description="Larger messages are kept but not parsed.")
    max_attachment_bytes: int = Field(
        30 * 1024 * 1024, description="Larger attachments are skipped with a warning."
    )
    max_pdf_pages: int = Field(200, description="PDFs with more pages are refused with a clear error.")
    max_unzipped_bytes: int = Field(
        100 * 1024 * 1024, description="A .docx that inflates beyond this is refused."
    )
    office_hours_start: time = Field(
        time(7, 30), description="Mail to units goes out from this local time ..."
    )
    office_hours_end: time = Field(time(17, 0), description="... until this local time, on working days.")
    escalation_policy: Path | None = Field(
        None, description="Escalation policy YAML; default: rules/escalation.yaml."
    )
    calendar_overrides: Path | None = Field(None, description="Extra days off / working days YAML.")
    metrics_port: int | None = Field(None, description="Serve Prometheus metrics on this port when set.")
    log_format: str = Field("text", description="'text' or 'json'.")
    review_threshold: float = Field(0.6, description="Tasks with a lower confidence are marked for review.")
    wide_send_units: int = Field(
        5,
        description="A notice that would assign work to this many distinct units (or more) waits for review "
        "before "
        "its assignment mails go out; 0 turns the check off.",
    )
    review_window_hours: float = Field(
        2.0,
        description="Working hours (office hours on the office calendar) a held notice waits for the clerk's "
        '"đồng ý" or an admin\'s `docket notices release` before its assignments go out anyway.',
    )
    max_notices_per_mail: int = Field(
        20,
        description="A mail carrying more notices than this is held for an admin (`docket quarantine "
        "release` "
        "registers them all) and its sender is told; nothing of it is registered meanwhile.",
    )
    max_mails_per_recipient_per_pass: int = Field(
        20,
        description="No address gets more mails than this in one delivery pass; the rest wait, due, for the "
        "next passes (nothing is dropped).",
    )
    bundle_daily: bool = Field(
        True,
        description="One mail a day per unit carries all its reminders and escalations of that day (and one "
        "a "
        "day to the leaders and the Office); false: one mail per task and step, as before.",
    )
    due_soon_working_days: int = Field(
        5,
        description='The weekly digests list the tasks due within this many working days ("sắp đến hạn"); '
        "0 lists none.",
    )
    max_attachment_forward_bytes: int = Field(
        10 * 1024 * 1024,
        description="The notice's original files are attached to the assignment mails up to this "
        "many bytes in all; above it the mail says the Office keeps the original. 0 never attaches.",
    )
    extract_timeout: float = Field(
        120.0,
        description="Seconds one message may take to be read (attachments, OCR); 0 reads in-process without "
        "limits.",
    )
    extract_memory_mb: int = Field(
        1024, description="Extra memory (MB) reading one message may use before it is stopped."
    )
    imap_timeout: float = Field(
        30.0, description="Seconds before an IMAP command without an answer counts as a broken line."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_path()))

    @field_validator("office_hours_start", "office_hours_end", mode="before")
    @classmethod
    def _hour(cls, value: Any) -> Any:
        """HH:MM or H:MM; a whole hour may be written alone: 17 (docket.toml) or "17" (environment)."""
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        elif (
            isinstance(value, str)
            and (hm := value.strip().split(":"))
            and len(hm) == 2
            and all(p.isdigit() for p in hm)
        ):
            try:
                return time(int(hm[0]), int(hm[1]))  # 7:30 as well as 07:30
            except ValueError:
                raise ValueError("use HH:MM, e.g. 17:00") from None
        if isinstance(value, int):
            if not 0 <= value <= 23:
                raise ValueError("use HH:MM, e.g. 17:00")
            return time(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone (use an IANA name such as Asia/Ho_Chi_Minh)") from None
        return value

    @field_validator("log_format", "processed_action")
    @classmethod
    def _one_of(cls, value: str, info: ValidationInfo) -> str:
        allowed = CHOICES[info.field_name or ""]
        if value not in allowed:
            raise ValueError(f"use {' or '.join(allowed)}")
        return value

    @field_validator(
        "poll_interval",
        "idle_timeout",
        "imap_timeout",
        "max_message_bytes",
        "max_attachment_bytes",
        "max_pdf_pages",
        "max_unzipped_bytes",
        "extract_memory_mb",
        "max_notices_per_mail",
        "max_mails_per_recipient_per_pass",
    )
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than 0")
        return value

    @field_validator("due_soon_working_days", "max_attachment_forward_bytes")
    @classmethod
    def _not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must be 0 or more")
        return value

    @field_validator("review_threshold")
    @classmethod
    def _share(cls, value: float) -> float:
        if not 0 <= value <= 1:
            raise ValueError("must be between 0 and 1")
        return value

    @field_validator("metrics_port")
    @classmethod
    def _port(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 65535:
            raise ValueError("must be a port number, 1 to 65535")
        return value

    @model_validator(mode="after")
    def _office_day(self) -> "Settings":
        if self.office_hours_start.replace(tzinfo=None) >= self.office_hours_end.replace(tzinfo=None):
            raise ValueError(
                f"office_hours_start {self.office_hours_start:%H:%M} must come before office_hours_end "
                f"{self.office_hours_end:%H:%M}"
            )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def message_id_domain(self) -> str:
        return self.from_address.rpartition("@")[2] or "localhost"


def load_settings(**overrides: Any) -> Settings:
    """Read the settings once; an unknown name or a malformed value becomes a one-line ConfigError naming
    the setting."""
    path = toml_path()
    refuse_unknown(Settings.model_fields, os.environ, read_toml(path), path)
    try:
        return Settings(**overrides)
    except ValidationError as err:
        raise ConfigError(invalid_setting_message(err)) from err


def invalid_setting_message(err: Any) -> str:
    """The first problem of a ValidationError on one line: `invalid setting DOCKET_TIMEZONE='Mars/Olympus':
    why`."""
    problem = err.errors()[0]
    why = str(problem["msg"]).removeprefix("Value error, ")
    more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
    if not problem["loc"]:  # a rule between two settings (office hours)
        return f"invalid settings: {why}{more}"
    name = str(problem["loc"][0])
    env = env_names(Settings.model_fields).get(name, name)
    value = masked(str(problem.get("input", "")))
    return f"invalid setting {env}={value!r}: {why}{more}"


def split_url(url: str, *, setting: str, schemes: tuple[str, ...], forms: str) -> SplitResult:
    """A mail server URL split, or a one-line ConfigError naming the setting, its masked value and the
    accepted forms."""
    problem = f"{setting} {mask_url(url)!r}: use {forms}"
    try:
        parts = urlsplit(url)
        ok = parts.scheme in schemes and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number (e.g. a password with '/')
    except ValueError:
        raise ConfigError(
            f"{problem} (a '/', '#' or '@' in the password must be written %2F, %23, %40)"
        ) from None
    if not ok:
        raise ConfigError(problem)
    # user:12/34@host read as host 'user', port 12
    if "@" not in parts.netloc and "@" in url.partition("://")[2]:
        raise ConfigError(f"{problem} (a '/', '#' or '@' in the password must be written %2F, %23, %40)")
    return parts
