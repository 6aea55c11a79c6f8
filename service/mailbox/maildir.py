"""The embedded Maildir adapter: new mail in a directory, handled mail moved to its .Processed sub-maildir."""
from __future__ import annotations

import mailbox as stdlib_mailbox
import os
import threading
from collections.abc import Iterable
from pathlib import Path

from service.errors import MailboxError
from service.mailbox.base import RawMessage
from service.mailbox.dirwatch import DirectoryWatch


class MaildirMailbox:
    """The embedded mailbox: new mail in PATH; handled mail moves to the PATH/.Processed sub-maildir."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"maildir:{path}"
        try:
            self._box = stdlib_mailbox.Maildir(str(path), create=True)
            folders = self._box.list_folders()
            self._done = (
                self._box.get_folder("Processed")
                if "Processed" in folders
                else self._box.add_folder("Processed")
            )
        except OSError as err:
            raise MailboxError(f"cannot open Maildir {path}: {err}") from err
        # Armed at once so that a file landing during a pass wakes the wait that follows it.
        self._watch = DirectoryWatch([path / "new", path / "cur"])

    def wait_for_mail(self, timeout: float, stop: threading.Event | None = None) -> bool:
        """Return when a file lands in new/ or cur/ (inotify; polling where it is unavailable), or after
        timeout."""
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
        with open(self.path / self._box._lookup(key), "rb") as f:  # type: ignore[attr-defined]  # private, stable since 2.x
            return f.read()

    def mark_processed(self, key: str) -> None:
        """Move the file into .Processed/cur with one rename: atomic, so a crash never leaves two copies."""
        try:
            sub = self._box._lookup(key)  # type: ignore[attr-defined]  # 'new/KEY' or 'cur/KEY:2,FLAGS'
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
