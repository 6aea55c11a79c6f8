"""Structured logs: `docket.*` loggers, text or JSON lines, each carrying the IDs of what is being worked on.

The IDs (Message-ID, inbound row, notice, tasks, outbox row) live in a context variable: a runner
opens `log_context(...)` around one unit of work and `bind(...)` adds what becomes known inside it,
so every line logged meanwhile — by any docket.* module — carries them without passing them around.
`extra=` on a single call works too and wins over the context.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any, TextIO

from service.errors import ConfigError

FIELDS = ("message_id", "inbound_id", "notice_id", "task_id", "task_ids", "outbox_id", "mailbox", "role")
_context: ContextVar[dict[str, Any]] = ContextVar("docket_log_context", default={})
_MARK = "_docket_handler"


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Within the block, every log line carries these fields (None values are left out)."""
    token = _context.set(
        {**_context.get(), "_open": True, **{k: v for k, v in fields.items() if v is not None}}
    )
    try:
        yield
    finally:
        _context.reset(token)


def bind(**fields: Any) -> None:
    """Add fields to the innermost open log_context (a no-op outside one)."""
    current = _context.get()
    if current.get("_open"):
        _context.set({**current, **{k: v for k, v in fields.items() if v is not None}})


class ContextFilter(logging.Filter):
    """Copies the context fields onto each record, unless the call passed them with extra=."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            if not key.startswith("_") and not hasattr(record, key):
                setattr(record, key, value)
        return True


def _ids(record: logging.LogRecord) -> dict[str, Any]:
    return {key: getattr(record, key) for key in FIELDS if getattr(record, key, None) is not None}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, worker, the known IDs, exc when there is one."""

    def __init__(self, worker: str | None = None) -> None:
        super().__init__()
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "worker": self.worker,
            **_ids(record),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`2026-11-25 08:30:00,123 INFO docket.process: text [message_id=<…> notice_id=7]`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = _ids(record)
        if not ids:
            return line
        tail = " ".join(f"{key}={value}" for key, value in ids.items())
        head, sep, exc = line.partition("\n")
        return f"{head} [{tail}]{sep}{exc}"


class _CurrentStderr:
    """Whatever sys.stderr is at the time of writing (test runners swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def make_handler(log_format: str, stream: TextIO | None = None) -> logging.Handler:
    if log_format not in ("text", "json"):
        raise ConfigError(f"DOCKET_LOG_FORMAT {log_format!r}: use 'text' or 'json'")
    handler = logging.StreamHandler(stream or _CurrentStderr())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    setattr(handler, _MARK, True)
    return handler


def setup_logging(
    log_format: str = "text", *, level: int = logging.INFO, stream: TextIO | None = None
) -> logging.Handler:
    """Install one handler on the root logger (replacing an earlier one of ours); docket.* logs at `level`.

    Libraries keep the root level (warnings and up), so their lines, and Python warnings, come out in
    the same format.
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(old)
    handler = make_handler(log_format, stream)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    logging.getLogger("docket").setLevel(level)
    logging.captureWarnings(True)  # Python warnings become log lines too, so a JSON log stays pure JSON
    return handler
