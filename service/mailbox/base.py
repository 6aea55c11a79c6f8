"""The mailbox contract: the Protocol every adapter satisfies, a raw message, a parsed DOCKET_MAILBOX (pure).

No database here: callers decide what is new. Adapters (service.mailbox.maildir, service.mailbox.imap)
import this module only; service.mailbox picks one from the URL.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True, slots=True)
class RawMessage:
    key: str  # unique within the mailbox: "uidvalidity:uid" for IMAP, the file key for Maildir
    raw: bytes
    uidvalidity: int | None = None
    uid: int | None = None


class Mailbox(Protocol):
    name: str  # stable identity of the mailbox, recorded on every inbound row

    def new_keys(self, known: set[str]) -> list[str]: ...

    def fetch(self, keys: Iterable[str]) -> Iterable[RawMessage]: ...

    def mark_processed(self, key: str) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class MailboxUrl:
    scheme: str  # imaps | imap | maildir
    host: str = ""
    port: int | None = None
    user: str = ""
    password: str = ""
    folder: str = "INBOX"
    path: Path | None = None
    tls: bool = True

    @property
    def identity(self) -> str:
        if self.scheme == "maildir":
            return f"maildir:{self.path}"
        return f"{self.scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"
