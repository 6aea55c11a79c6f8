"""Prometheus metrics: the metric objects the runners update, and the optional HTTP endpoint.

Counters live in prometheus_client's default registry, per process: with several workers each
serves its own /metrics (one port per process) and Prometheus sums them with `sum by (...)`.
"""
from __future__ import annotations

import logging
from typing import Any

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from service.errors import ConfigError

log = logging.getLogger("docket.metrics")

MESSAGES = Counter(
    "docket_messages_ingested_total",
    "Inbound messages handled by the process runner, by final stage and disposition "
    "(processed/registered, processed/duplicate, failed/error, quarantined/sender, ignored/auto-reply ...).",
    ["stage", "disposition"],
)
STORED = Counter(
    "docket_messages_stored_total", "Messages copied from the mailbox into the database by intake."
)
TASKS = Counter("docket_tasks_created_total", "Tasks created from notices.")
EXTRACTION = Histogram(
    "docket_extraction_seconds",
    "Time to read, extract and register one inbound message (parse, triage, analysis, database writes).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0),
)
OUTBOX_SENT = Counter("docket_outbox_sent_total", "Outgoing mails handed to the SMTP server (or Maildir).")
OUTBOX_FAILED = Counter(
    "docket_outbox_failed_total",
    "Failed delivery attempts: result=retry (temporary) or dead (given up).",
    ["result"],
)
IMAP_RECONNECTS = Counter("docket_imap_reconnects_total", "IMAP connections lost and opened again.")
LAST_PASS = Gauge("docket_last_pass_timestamp_seconds", "Unix time at the end of this worker's last pass.")

_server: Any = None
_port: int | None = None


def record_outcome(stage: str, disposition: str | None, seconds: float, tasks_created: int = 0) -> None:
    """One inbound message finished (in whatever final state)."""
    MESSAGES.labels(stage=stage, disposition=disposition or "").inc()
    EXTRACTION.observe(seconds)
    if tasks_created:
        TASKS.inc(tasks_created)


def record_delivery(sent: int, retried: int, dead: int) -> None:
    """The counts of one outbox relay batch."""
    if sent:
        OUTBOX_SENT.inc(sent)
    if retried:
        OUTBOX_FAILED.labels(result="retry").inc(retried)
    if dead:
        OUTBOX_FAILED.labels(result="dead").inc(dead)


def serve(port: int | None, addr: str = "0.0.0.0") -> bool:
    """Start the /metrics endpoint once per process when a port is configured; True when serving."""
    global _server, _port
    if port is None or _server is not None:
        return _server is not None
    try:
        _server, _port = start_http_server(port, addr=addr), port
    except OSError as err:
        raise ConfigError(f"DOCKET_METRICS_PORT {port}: cannot listen ({err})") from err
    log.info("metrics on http://%s:%s/metrics", addr, port)
    return True


def serving_port() -> int | None:
    return _port
