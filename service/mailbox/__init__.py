"""Mailbox access: a small Protocol, the embedded Maildir adapter, and the URL parser that picks one.

The IMAP adapter lives in service/mailbox/imap.py. No database here: callers decide what is new.
"""
from __future__ import annotations

import mailbox as stdlib_mailbox
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote

from service.config import split_url
from service.mailbox.dirwatch import DirectoryWatch
from service.errors import ConfigError, MailboxError


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


def parse_mailbox_url(url: str) -> MailboxUrl:
    """Parse DOCKET_MAILBOX; a malformed value is a ConfigError that quotes the accepted forms."""
    if url.startswith("maildir:"):
        return MailboxUrl(scheme="maildir", path=Path(url.removeprefix("maildir:")).expanduser().resolve())
    parts = split_url(url, setting="DOCKET_MAILBOX", schemes=("imap", "imaps"),
                      forms="imaps://user:pass@host[:port]/FOLDER, imap://user:pass@host:port/FOLDER or maildir:PATH")
    tls_off = parse_qs(parts.query).get("tls", [""])[0] == "off"
    if tls_off and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigError("DOCKET_MAILBOX: ?tls=off is allowed on loopback only")
    return MailboxUrl(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or (993 if parts.scheme == "imaps" else 143),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        tls=not tls_off,
    )


class MaildirMailbox:
    """The embedded mailbox: new mail in PATH; handled mail moves to the PATH/.Processed sub-maildir."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"maildir:{path}"
        try:
            self._box = stdlib_mailbox.Maildir(str(path), create=True)
            self._done = self._box.add_folder("Processed") if "Processed" not in self._box.list_folders() else self._box.get_folder("Processed")
        except OSError as err:
            raise MailboxError(f"cannot open Maildir {path}: {err}") from err
        # Armed at once so that a file landing during a pass wakes the wait that follows it.
        self._watch = DirectoryWatch([path / "new", path / "cur"])

    def wait_for_mail(self, timeout: float, stop: threading.Event | None = None) -> bool:
        """Return as soon as a file lands in new/ or cur/ (inotify; polling where it is unavailable), or after timeout."""
        return self._watch.wait(timeout, stop)

    def new_keys(self, known: set[str]) -> list[str]:
        try:
            keys = self._box.keys()
        except OSError as err:
            raise MailboxError(f"cannot list Maildir {self.path}: {err}") from err
        return sorted(k for k in keys if k not in known)

    def fetch(self, keys: Iterable[str]) -> Iterable[RawMessage]:
        for key in keys:
            try:
                yield RawMessage(key=key, raw=self._read(key))
            except (KeyError, FileNotFoundError):
                continue  # taken by another worker since it was listed
            except OSError as err:
                raise MailboxError(f"cannot read {key} from {self.path}: {err}") from err

    def _read(self, key: str) -> bytes:
        """The file's bytes in one allocation (Maildir.get_bytes holds two copies of a 40 MB mail at once)."""
        with open(self.path / self._box._lookup(key), "rb") as f:
            return f.read()

    def mark_processed(self, key: str) -> None:
        """Move the file into .Processed/cur with one rename: atomic, so a crash never leaves two copies."""
        try:
            sub = self._box._lookup(key)  # 'new/KEY' or 'cur/KEY:2,FLAGS'
        except KeyError:
            return  # already moved (by us before a crash, or by another worker)
        target = self.path / ".Processed" / "cur" / os.path.basename(sub)
        try:
            os.rename(self.path / sub, target)
        except FileNotFoundError:
            return  # moved by another worker meanwhile
        except OSError as err:
            raise MailboxError(f"cannot move {key} to {target.parent}: {err}") from err

    def close(self) -> None:
        self._watch.close()
        self._box.close()


def open_mailbox(url: str, *, settings: object) -> Mailbox:
    """The adapter for DOCKET_MAILBOX."""
    parsed = parse_mailbox_url(url)
    if parsed.scheme == "maildir":
        assert parsed.path is not None
        for sub in ("cur", "new", "tmp"):
            os.makedirs(parsed.path / sub, exist_ok=True)
        return MaildirMailbox(parsed.path)
    from service.mailbox.imap import ImapMailbox

    return ImapMailbox(parsed, settings=settings)  # type: ignore[arg-type]
