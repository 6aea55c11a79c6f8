"""Hostile mail built byte by byte (poisoned headers, spoofed senders, terminal escapes), and an office to
aim it at.

Kept apart from badmail.py (broken documents): these mails are well-formed enough to reach the
database and the admin's terminal, which is where they did harm.
"""

from __future__ import annotations

import mailbox
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tests.integration.outbox_support import GoldTask, outbox_rows, register_notice
from tests.live.mailgen import notice_text

D = "skhcn.binhminh.example.vn"
CLERK = f"van.thu@{D}".encode()
KHTC = f"khtc@{D}"
SPOOFED_KHTC = b"=?utf-8?q?khtc=40" + D.encode() + b"?= <attacker@evil.example>"
EVIL_AUTH = (b"mx.example.vn; spf=pass smtp.mailfrom=evil.example; dkim=pass header.d=evil.example; "
             b"dmarc=pass header.from=evil.example")
TASKS = [
    GoldTask(
        "rà soát dự toán ngân sách năm 2027",
        ("Phòng Kế hoạch - Tài chính",),
        ("Văn phòng Sở",),
        date(2026, 11, 30),
    ),
    GoldTask("xây dựng kế hoạch thanh tra năm 2027", ("Thanh tra Sở",), (), date(2026, 12, 15)),
]


def raw_mail(
    *,
    sender: bytes | list[bytes] = CLERK,
    subject: bytes = b"Fwd: Thong bao",
    message_id: bytes = b"<m1@clerk.example.vn>",
    body: bytes | None = None,
    headers: list[bytes] = (),
    charset: bytes = b"utf-8",
    n: int = 1,
) -> bytes:  # type: ignore[assignment]
    """A text/plain mail with every header given as raw bytes (so NULs, escapes and 8-bit survive as sent)."""
    senders = sender if isinstance(sender, list) else [sender]
    lines = [b"From: " + s for s in senders]
    lines += [
        b"To: docket@" + D.encode(),
        b"Subject: " + subject,
        b"Message-ID: " + message_id,
        b"Date: Tue, 24 Nov 2026 09:00:00 +0700",
        *headers,
        b"MIME-Version: 1.0",
        b"Content-Type: text/plain; charset=" + charset,
        b"Content-Transfer-Encoding: 8bit",
    ]
    if body is None:
        body = (
            "Chuyển Văn phòng theo dõi.\n\n---------- Forwarded message ----------\n\n" + notice_text(n)
        ).encode()
    return b"\r\n".join(lines) + b"\r\n\r\n" + body.replace(b"\n", b"\r\n")


def with_attachment(
    *, filename_param: bytes, n: int = 1, message_id: bytes = b"<att@clerk.example.vn>"
) -> bytes:
    """A clerk's mail whose notice is a .txt attachment named by the given Content-Disposition parameter."""
    notice = notice_text(n).encode()
    return b"\r\n".join(
        [
            b"From: " + CLERK,
            b"To: docket@" + D.encode(),
            b"Subject: Fwd: Thong bao " + str(n).encode(),
            b"Message-ID: " + message_id,
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/mixed; boundary="b1"',
            b"",
            b"--b1",
            b"Content-Type: text/plain; charset=utf-8",
            b"",
            "Chuyển văn bản đính kèm.".encode(),
            b"",
            b"--b1",
            b"Content-Type: text/plain; charset=utf-8",
            b"Content-Disposition: attachment; " + filename_param,
            b"Content-Transfer-Encoding: 8bit",
            b"",
            notice.replace(b"\n", b"\r\n"),
            b"--b1--",
            b"",
        ]
    )


def reply(
    *,
    sender: bytes | list[bytes],
    body: str,
    in_reply_to: str,
    n: int,
    headers: list[bytes] = (),  # type: ignore[assignment]
    charset: bytes = b"utf-8",
    encoded: bytes | None = None,
) -> bytes:
    return raw_mail(
        sender=sender,
        subject=b"Re: nhiem vu",
        message_id=f"<reply-{n}@units.example.vn>".encode(),
        body=encoded if encoded is not None else body.encode(),
        charset=charset,
        headers=[f"In-Reply-To: {in_reply_to}".encode(), f"References: {in_reply_to}".encode(), *headers],
    )


def deliver_to_maildir(office: Path, raws: list[bytes]) -> None:
    """Files written byte for byte, in this order (mailbox.add would rewrite them)."""
    inbox = office / "mail" / "inbox"
    inbox.parent.mkdir(exist_ok=True)
    mailbox.Maildir(str(inbox), create=True).close()
    for i, raw in enumerate(raws):
        (inbox / "new" / f"{1700000000 + i}.attack{i}.host").write_bytes(raw)


def office_with_tasks(make_app: Any, **settings: Any) -> tuple[Any, list[int]]:
    """An office with two open tasks whose assignment mails went out; allowed senders: the office's domain."""
    from service.runners.one_pass import deliver
    from tests.conftest import vn

    app = make_app(now=vn(2026, 11, 25, 9, 0), allowed_senders=f"@{D}", **settings)
    with app.sessions.begin() as session:
        result = register_notice(
            app,
            session,
            text="; ".join(t.quote for t in TASKS),
            doc={"type": "Thông báo", "number": "412/TB-SKHCN"},
            tasks=TASKS,
            now=app.clock.now(),
            forwarder=CLERK.decode(),
        )
        ids = [t.id for t in result.new_tasks]
    deliver(app)
    return app, ids


def assignment_id(app: Any, task_id: int) -> str:
    return next(
        r.message_id
        for r in outbox_rows(app, kind="assignment")
        if r.task_id == task_id and KHTC in r.to_addrs
    )


def state(app: Any) -> dict[str, Any]:
    """What an attacker would want to change: tasks, notices, extension requests, task history, outgoing
    mail."""
    from service.store.models import ExtensionRequest, Notice, Task, TaskEvent
    from outbox.models import OutboxMessage

    with app.sessions() as s:
        return {
            "tasks": sorted((t.id, t.status.value, t.deadline) for t in s.scalars(select(Task))),
            "notices": s.scalar(select(func.count()).select_from(Notice)),
            "extensions": s.scalar(select(func.count()).select_from(ExtensionRequest)),
            "events": s.scalar(select(func.count()).select_from(TaskEvent)),
            "outbox": sorted(s.scalars(select(OutboxMessage.id))),
        }
