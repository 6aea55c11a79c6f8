"""The IMAP mailbox adapter (imapclient): TLS by default, UID-cursor sync, IDLE, reconnect with backoff.

Keys are "UIDVALIDITY:UID". UIDVALIDITY is read after every SELECT; a key minted under another
UIDVALIDITY is never fetched or marked. Bodies are fetched with BODY.PEEK[] so \\Seen is never set.
Every library or network error becomes a MailboxError after one immediate reconnect-and-retry.
"""
from __future__ import annotations

import imaplib
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from imapclient import IMAPClient

from service.config import Settings
from service.errors import MailboxError
from service.mailbox.base import MailboxUrl, RawMessage
from service.metrics import IMAP_RECONNECTS

log = logging.getLogger("docket.imap")
T = TypeVar("T")
BACKOFF = (1.0, 2.0, 5.0, 15.0, 60.0)
FETCH_BATCH = 50  # UIDs per round of size look-ups
FETCH_BYTES = 16 * 1024 * 1024  # message bytes per body fetch
NET_ERRORS: tuple[type[BaseException], ...] = (
    imaplib.IMAP4.error,
    OSError,
    socket.timeout,
    ssl.SSLError,
    EOFError,
)


def split_key(key: str) -> tuple[int, int]:
    validity, _, uid = key.partition(":")
    return int(validity), int(uid)


class ImapMailbox:
    """One folder on an IMAP server, opened lazily and reopened after any failure."""

    def __init__(self, parsed: MailboxUrl, *, settings: Settings) -> None:
        self.fetch_bytes = FETCH_BYTES
        self.parsed = parsed
        self.name = parsed.identity
        self.folder = parsed.folder
        self.action = settings.processed_action  # "keyword" or "move" (Settings validates it)
        self.keyword = settings.processed_keyword
        self.done_folder = settings.processed_folder
        self.idle_timeout = settings.idle_timeout
        self.poll_interval = settings.poll_interval
        cafile = settings.imap_cafile
        self.context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
        self.timeout = settings.imap_timeout
        self._conn: Any = None
        self._uidvalidity: int | None = None
        self._failures = 0
        self._done_folder_ready = False

    # ------------------------------------------------------------------ connection

    def _connect(self) -> Any:
        p = self.parsed
        try:
            if p.scheme == "imaps":
                conn = IMAPClient(
                    p.host, port=p.port, ssl=True, ssl_context=self.context, timeout=self.timeout
                )
            else:
                conn = IMAPClient(p.host, port=p.port, ssl=False, timeout=self.timeout)
                if p.tls:
                    conn.starttls(self.context)
            conn.login(p.user, p.password)
            info = conn.select_folder(self.folder)
        except NET_ERRORS as err:
            raise MailboxError(f"IMAP {p.host}:{p.port}/{self.folder}: {type(err).__name__}: {err}") from err
        self._uidvalidity = int(info[b"UIDVALIDITY"])
        self._idle_capable = conn.has_capability("IDLE")
        self._move_capable = conn.has_capability("MOVE")
        self._failures = 0
        log.info("IMAP %s selected, UIDVALIDITY %s", self.name, self._uidvalidity)
        return conn

    def _client(self) -> Any:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            IMAP_RECONNECTS.inc()  # a lost connection: the next call opens a new one
            try:
                conn.shutdown()
            except Exception:  # noqa: BLE001 - the connection is being abandoned anyway
                pass

    def _call(self, what: str, fn: Callable[[Any], T]) -> T:
        """Run fn on a live connection; on a broken one reconnect once and retry, then MailboxError."""
        for attempt in (0, 1):
            try:
                return fn(self._client())
            except MailboxError:
                self._drop()
                raise
            except NET_ERRORS as err:
                self._drop()
                if attempt:
                    raise MailboxError(f"IMAP {what} on {self.name}: {type(err).__name__}: {err}") from err
                log.warning("IMAP %s on %s failed (%s); reconnecting", what, self.name, err)
        raise AssertionError("unreachable")

    def uidvalidity(self) -> int:
        """UIDVALIDITY of the selected folder, as read by the last SELECT on a connection proven alive by
        NOOP."""
        self._call("noop", lambda c: c.noop())
        assert self._uidvalidity is not None
        return self._uidvalidity

    # ------------------------------------------------------------------ Mailbox protocol

    def new_keys(self, known: set[str]) -> list[str]:
        return [k for k in self.new_keys_after(None) if k not in known]

    def new_keys_after(self, last_uid: int | None, uidvalidity: int | None = None) -> list[str]:
        """Keys of messages not yet marked, above last_uid when given.

        last_uid belongs to `uidvalidity` (default: the current one); when the folder has been
        renumbered since, the cursor is ignored and every unmarked message is listed.
        """

        def search(c: Any) -> list[str]:
            c.noop()  # let the server tell this session about mail that arrived since the last command
            cursor = last_uid if uidvalidity in (None, self._uidvalidity) else None
            criteria: list[Any] = []
            if cursor is not None:
                criteria += ["UID", f"{cursor + 1}:*"]
            if self.action == "keyword":
                criteria += ["UNKEYWORD", self.keyword]
            uids = c.search(criteria or ["ALL"])
            return [f"{self._uidvalidity}:{u}" for u in sorted(uids) if cursor is None or u > cursor]

        return self._call("search", search)

    def fetch(self, keys: Iterable[str]) -> Iterator[RawMessage]:
        wanted = list(keys)
        for start in range(0, len(wanted), FETCH_BATCH):
            batch = wanted[start : start + FETCH_BATCH]
            validity = self.uidvalidity()
            uids = [uid for v, uid in map(split_key, batch) if v == validity]
            if len(uids) < len(batch):
                log.warning(
                    "IMAP %s: UIDVALIDITY changed to %s; %d listed keys dropped",
                    self.name,
                    validity,
                    len(batch) - len(uids),
                )
            if not uids:
                continue
            for group in self._groups_by_size(uids):
                data = self._call("fetch", lambda c, group=group: c.fetch(group, [b"BODY.PEEK[]"]))  # type: ignore[misc]
                if self._uidvalidity != validity:  # reconnected meanwhile into a renumbered folder
                    break
                for uid in group:
                    item = data.get(uid)
                    if item is None:
                        continue  # expunged or moved by another worker since it was listed
                    raw = item.get(b"BODY[]") or b""
                    yield RawMessage(key=f"{validity}:{uid}", raw=bytes(raw), uidvalidity=validity, uid=uid)

    def _groups_by_size(self, uids: list[int]) -> list[list[int]]:
        """Bodies are fetched FETCH_BYTES at a time (a larger message alone), so a backlog of big mail never
        has to sit in memory at once."""
        sizes = self._call("fetch", lambda c: c.fetch(uids, [b"RFC822.SIZE"]))
        groups: list[list[int]] = []
        current: list[int] = []
        total = 0
        for uid in uids:
            size = int((sizes.get(uid) or {}).get(b"RFC822.SIZE", 0))
            if current and total + size > self.fetch_bytes:
                groups.append(current)
                current, total = [], 0
            current.append(uid)
            total += size
        if current:
            groups.append(current)
        return groups

    def mark_processed(self, key: str) -> None:
        validity, uid = split_key(key)
        if self.uidvalidity() != validity:
            log.warning("IMAP %s: not marking %s, UIDVALIDITY is now %s", self.name, key, self._uidvalidity)
            return
        if self.action == "keyword":
            self._call("store", lambda c: c.add_flags([uid], [self.keyword], silent=True))
            return
        self._call("move", lambda c: self._move(c, uid))

    def _move(self, c: Any, uid: int) -> None:
        if not self._done_folder_ready:
            if not c.folder_exists(self.done_folder):
                try:
                    c.create_folder(self.done_folder)
                except imaplib.IMAP4.error:
                    if not c.folder_exists(self.done_folder):  # created by another worker meanwhile is fine
                        raise
            self._done_folder_ready = True
        if self._move_capable:
            c.move([uid], self.done_folder)
        else:
            c.copy([uid], self.done_folder)
            c.delete_messages([uid], silent=True)
            c.uid_expunge([uid]) if c.has_capability("UIDPLUS") else c.expunge()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.logout()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass

    # ------------------------------------------------------------------ waiting

    def wait_for_mail(self, timeout: float, stop: threading.Event | None = None) -> bool:
        """Return when the folder may have changed, after timeout, or when stop is set.

        IDLE where offered (re-issued before idle_timeout), else a plain wait. A broken line or a
        server that is down costs a backoff wait here, never an exception: the next sync catches up
        by UID, so a lost IDLE notification is harmless.
        """
        stop = stop or threading.Event()
        deadline = time.monotonic() + timeout
        try:
            conn = self._client()
        except MailboxError as err:
            self._backoff(err, deadline, stop)
            return False
        if not self._idle_capable:
            stop.wait(max(0.0, min(self.poll_interval, deadline - time.monotonic())))
            return False
        try:
            return self._idle(conn, deadline, stop)
        except NET_ERRORS as err:
            self._drop()
            self._backoff(MailboxError(f"IDLE on {self.name}: {type(err).__name__}: {err}"), deadline, stop)
            return False

    def _idle(self, conn: Any, deadline: float, stop: threading.Event) -> bool:
        conn.idle()
        started, changed = time.monotonic(), False
        while not stop.is_set() and not changed:
            now = time.monotonic()
            if now >= deadline or now - started >= self.idle_timeout:
                break
            responses = conn.idle_check(timeout=min(1.0, deadline - now))
            if any(r and r[0] == b"BYE" for r in responses):
                raise imaplib.IMAP4.abort("server said BYE during IDLE")
            changed = any(
                len(r) >= 2 and r[1] in (b"EXISTS", b"RECENT", b"EXPUNGE", b"FETCH") for r in responses
            )
        conn.idle_done()  # only on a healthy line: after an error the caller drops the connection
        return changed

    def _backoff(self, err: MailboxError, deadline: float, stop: threading.Event) -> None:
        delay = BACKOFF[min(self._failures, len(BACKOFF) - 1)]
        self._failures += 1
        log.warning("%s; retrying in %.0f s", err, delay)
        stop.wait(max(0.0, min(delay, deadline - time.monotonic())))
