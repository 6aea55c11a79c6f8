"""Settings: read once from DOCKET_* variables and an optional docket.toml, then passed down.

Every setting is documented by its `description`; `docket config` prints them all.
"""
from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from service.errors import ConfigError

TOML_PATH_ENV = "DOCKET_CONFIG"


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
        "imap://user:pass@host:port/FOLDER (STARTTLS required unless ?tls=off, loopback only), or maildir:PATH.",
    )
    smtp: str = Field(
        "maildir:./mail/sent",
        description="Where mail goes: smtps://[user:pass@]host[:port], smtp://[user:pass@]host:port "
        "(STARTTLS unless ?tls=off), or maildir:PATH (every outgoing message written there as a file).",
    )
    from_address: str = Field(
        "docket@localhost", alias="DOCKET_FROM", description="The service's own address (From: of every mail)."
    )
    directory: Path | None = Field(None, description="The units directory YAML (org chart).")
    allowed_senders: str = Field(
        "", description="Comma-separated addresses or @domains allowed to submit notices; default: the directory's domain."
    )
    timezone: str = Field("Asia/Ho_Chi_Minh", description="The office's time zone.")
    processed_action: str = Field(
        "keyword", description="After a message is stored: 'keyword' (set processed_keyword) or 'move' (to processed_folder)."
    )
    processed_keyword: str = Field("$DocketProcessed", description="IMAP keyword set on handled mail.")
    processed_folder: str = Field("Processed", description="IMAP folder handled mail is moved to when processed_action=move.")
    imap_cafile: Path | None = Field(None, description="CA bundle to verify the IMAP server with (default: system CAs).")
    smtp_cafile: Path | None = Field(None, description="CA bundle to verify the SMTP server with (default: system CAs).")
    poll_interval: float = Field(60.0, description="Seconds between polls when the IMAP server lacks IDLE.")
    idle_timeout: float = Field(25 * 60.0, description="Seconds before IDLE is re-issued (servers drop it at 30 min).")
    max_message_bytes: int = Field(40 * 1024 * 1024, description="Larger messages are kept but not parsed.")
    max_attachment_bytes: int = Field(30 * 1024 * 1024, description="Larger attachments are skipped with a warning.")
    max_pdf_pages: int = Field(200, description="PDFs with more pages are refused with a clear error.")
    max_unzipped_bytes: int = Field(100 * 1024 * 1024, description="A .docx that inflates beyond this is refused.")
    office_hours_start: time = Field(time(7, 30), description="Mail to units goes out from this local time ...")
    office_hours_end: time = Field(time(17, 0), description="... until this local time, on working days.")
    escalation_policy: Path | None = Field(None, description="Escalation policy YAML; default: rules/escalation.yaml.")
    calendar_overrides: Path | None = Field(None, description="Extra days off / working days YAML.")
    metrics_port: int | None = Field(None, description="Serve Prometheus metrics on this port when set.")
    log_format: str = Field("text", description="'text' or 'json'.")
    review_threshold: float = Field(0.6, description="Tasks with a lower confidence are marked for review.")
    wide_send_units: int = Field(
        5, description="A notice that would assign work to this many distinct units (or more) waits for review before "
        "its assignment mails go out; 0 turns the check off.",
    )
    review_window_hours: float = Field(
        2.0, description="Working hours (office hours on the office calendar) a held notice waits for the clerk's "
        "\"đồng ý\" or an admin's `docket notices release` before its assignments go out anyway.",
    )
    extract_timeout: float = Field(
        120.0, description="Seconds one message may take to be read (attachments, OCR); 0 reads in-process without limits."
    )
    extract_memory_mb: int = Field(1024, description="Extra memory (MB) reading one message may use before it is stopped.")
    imap_timeout: float = Field(30.0, description="Seconds before an IMAP command without an answer counts as a broken line.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        import os

        toml_path = os.environ.get(TOML_PATH_ENV, "docket.toml")
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_path))

    @field_validator("office_hours_end", mode="before")
    @classmethod
    def _hour(cls, value: Any) -> Any:
        return time(value) if isinstance(value, int) else value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def message_id_domain(self) -> str:
        return self.from_address.rpartition("@")[2] or "localhost"


def load_settings(**overrides: Any) -> Settings:
    """Read the settings once; a malformed value becomes a ConfigError naming the setting."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)
    except ValidationError as err:
        raise ConfigError(f"invalid setting: {err}") from err


def describe_settings() -> list[tuple[str, str, str]]:
    """(environment variable, default, description) for every setting, for `docket config`."""
    rows = []
    for name, field in Settings.model_fields.items():
        env = field.alias or f"DOCKET_{name.upper()}"
        rows.append((env, repr(field.default), field.description or ""))
    return rows
