"""Helpers for the outbox, scheduler and reply tests: an aiosmtpd sink on loopback and notice builders."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import select

from extractors.base import ExtractedText
from rules.findings import DocumentInfo, Findings, Source, TaskFinding
from tests.servers import free_port


@dataclass
class SinkHandler:
    """Keeps every accepted message; `failures` answers the next DATA commands with these replies first."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.failures:
                return self.failures.pop(0)
            self.messages.append(
                message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            )
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class Sink:
    """aiosmtpd Controller on 127.0.0.1 and an explicit free port; start/stop at will (an outage)."""

    def __init__(
        self,
        *,
        tls: str = "off",
        cert: tuple[Path, Path] | None = None,
        users: dict[str, str] | None = None,
        mechanisms_off: list[str] | None = None,
    ) -> None:
        self.handler = SinkHandler()
        self.mechanisms_off = mechanisms_off or []
        self.port = free_port()
        self.tls, self.cert, self.users = tls, cert, users or {}
        self.controller: Any = None

    def _auth(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = (
            isinstance(auth_data, LoginPassword)
            and self.users.get(auth_data.login.decode()) == auth_data.password.decode()
        )
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    def start(self) -> Sink:
        import ssl

        from aiosmtpd.controller import Controller

        kwargs: dict[str, Any] = {}
        if self.cert:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(str(self.cert[0]), str(self.cert[1]))
            if self.tls == "starttls":
                kwargs.update(tls_context=ctx, require_starttls=True, auth_require_tls=True)
            else:
                kwargs.update(ssl_context=ctx, auth_require_tls=False)
        if self.users:
            kwargs.update(
                authenticator=self._auth, auth_required=True, auth_exclude_mechanism=self.mechanisms_off
            )
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        if self.tls == "smtps":
            return f"smtps://{self._cred()}127.0.0.1:{self.port}"
        if self.tls == "starttls":
            return f"smtp://{self._cred()}127.0.0.1:{self.port}"
        return f"smtp://127.0.0.1:{self.port}?tls=off"

    def _cred(self) -> str:
        if not self.users:
            return ""
        user, password = next(iter(self.users.items()))
        return f"{user}:{password}@"

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages


def text_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def html_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else ""


@dataclass(frozen=True)
class GoldTask:
    quote: str
    lead: tuple[str, ...]
    support: tuple[str, ...] = ()
    deadline: date | None = None
    recurrence: str | None = None
    recurrence_day: int | None = None


def gold_tasks(path: Path) -> tuple[dict[str, Any], list[GoldTask]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    tasks = [
        GoldTask(
            quote=t["quote"],
            lead=tuple(t["lead"]),
            support=tuple(t["support"]),
            deadline=date.fromisoformat(t["deadline"]) if t["deadline"] else None,
            recurrence=t["recurrence"],
        )
        for t in data["tasks"]
    ]
    return data["doc"], tasks


def register_notice(
    app: Any,
    session: Any,
    *,
    text: str,
    doc: dict[str, Any],
    tasks: list[GoldTask],
    now: datetime,
    forwarder: str = "van.thu@example.vn",
    message_id: str = "<fwd-1@example.vn>",
) -> Any:
    """Store a notice and its tasks through service.tasks.register (the real path), then queue its
    assignments."""
    from service.tasks.holds import queue_assignments
    from service.tasks.register import store_notice
    from service.tasks.units import import_directory

    import_directory(session, app.directory)
    findings = []
    for t in tasks:
        start = max(text.find(t.quote), 0)
        findings.append(
            TaskFinding(
                text=t.quote,
                lead=t.lead,
                support=t.support,
                deadline=t.deadline,
                deadline_text=None,
                recurrence=t.recurrence,
                confidence=0.9,
                source=Source("body", start, start + len(t.quote)),
                recurrence_day=t.recurrence_day,
            )
        )
    info = DocumentInfo(
        number=doc.get("number"),
        type=doc.get("type"),
        subject=doc.get("subject"),
        issued_date=date.fromisoformat(doc["issued_date"]) if doc.get("issued_date") else None,
    )
    result = store_notice(
        session,
        doc=ExtractedText(text=text, part="body", kind="txt"),
        findings=Findings(info, tuple(findings)),
        forwarder=forwarder,
        message_id=message_id,
        now=now,
        review_threshold=0.6,
    )
    queue_assignments(app, session, result, now=now)
    return result


def outbox_rows(app: Any, **where: Any) -> list[Any]:
    from outbox.models import OutboxMessage

    with app.sessions() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            stmt = stmt.where(getattr(OutboxMessage, name) == value)
        return list(session.scalars(stmt))
