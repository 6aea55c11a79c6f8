"""Wait until a file lands in one of some directories: Linux inotify via ctypes, else polling their mtimes.

The Maildir inbox uses it so that new mail is read within a second instead of after the poll interval.
The stdlib binding avoids a dependency; a lost event only delays mail until the caller's timeout.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import select
import threading
import time
import weakref
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger("docket.intake")
# Maildir delivery links or renames a finished file from tmp/ into new/ (IN_CREATE, IN_MOVED_TO); a file
# written in place by hand is seen once closed (IN_CLOSE_WRITE).
IN_CLOSE_WRITE, IN_MOVED_TO, IN_CREATE = 0x008, 0x080, 0x100
WATCHED = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE
IN_NONBLOCK, IN_CLOEXEC = os.O_NONBLOCK, os.O_CLOEXEC
POLL_STEP = 0.25  # seconds between two looks at the directories without inotify (and between stop checks)


def _inotify_fd(paths: Sequence[Path]) -> int | None:
    """An inotify descriptor watching the paths, or None where inotify is unavailable (not Linux, limits
    reached)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6", use_errno=True)
        fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
    except (OSError, AttributeError):
        return None
    if fd < 0:
        return None
    for path in paths:
        if libc.inotify_add_watch(fd, os.fsencode(path), WATCHED) < 0:
            log.warning("inotify cannot watch %s (errno %s): polling instead", path, ctypes.get_errno())
            os.close(fd)
            return None
    return fd


class DirectoryWatch:
    """`wait(timeout, stop)` returns True as soon as a file arrives, False on timeout or stop."""

    def __init__(self, paths: Sequence[Path], *, use_inotify: bool = True) -> None:
        self.paths = tuple(paths)
        self._fd = _inotify_fd(self.paths) if use_inotify else None
        # A mailbox dropped without close() still gives its descriptor back (inotify instances are few per
        # user).
        self._release = weakref.finalize(self, os.close, self._fd) if self._fd is not None else None
        self._seen = self._stamps()

    @property
    def mode(self) -> str:
        return "inotify" if self._fd is not None else "polling"

    def wait(self, timeout: float, stop: threading.Event | None = None) -> bool:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0 and not (stop is not None and stop.is_set()):
            if self._changed(min(POLL_STEP, left)):
                return True
        return False

    def _changed(self, step: float) -> bool:
        if self._fd is None:
            time.sleep(step)
            stamps = self._stamps()
            changed, self._seen = stamps != self._seen, stamps
            return changed
        ready, _, _ = select.select([self._fd], [], [], step)
        if not ready:
            return False
        try:
            while os.read(self._fd, 65536):  # drain every queued event: one wake-up per burst
                pass
        except BlockingIOError:
            pass
        return True

    def _stamps(self) -> tuple[int, ...]:
        """A directory's mtime changes whenever a file is created in it or renamed into it."""
        stamps = []
        for path in self.paths:
            try:
                stamps.append(path.stat().st_mtime_ns)
            except OSError:
                stamps.append(-1)
        return tuple(stamps)

    def close(self) -> None:
        if self._release is not None:
            self._release()  # closes the descriptor once, however often close() is called
        self._fd = None
