"""Bad input that was reported as our own bug (issue 10, item 10), through a daemon pass on SQLite and
PostgreSQL.

Replies in legacy charset labels, a 5,000-deep multipart, a 20-digit task reference, and a clerk's
plain thank-you: each is handled as what it is, never as an internal error.
"""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select

from service.runners.daemon import run_daemon
from service.store.models import InboundMessage, TaskEvent
from outbox.models import OutboxMessage
from service.store.stages import Stage
from tests.integration.attackmail import (
    CLERK,
    D,
    KHTC,
    assignment_id,
    deliver_to_maildir,
    office_with_tasks,
    raw_mail,
    reply,
)

DONE = "Phòng đã nhận được, đang tổng hợp số liệu."


def _rows(app) -> list[InboundMessage]:  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        return list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def _outbox(app, kind: str) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


@pytest.mark.parametrize(
    ("charset", "codec"),
    [(b"unknown-8bit", "utf-8"), (b"x-unknown", "utf-8"), (b"x-cp1258", "cp1258"), (b"VN", "cp1258")],
)
def test_a_reply_in_a_legacy_charset_label_is_read(make_app, office, charset, codec) -> None:  # type: ignore[no-untyped-def]
    app, (kh, _) = office_with_tasks(make_app)
    body = _cp1258(DONE) if codec == "cp1258" else DONE.encode(codec)
    deliver_to_maildir(
        office,
        [
            reply(
                sender=KHTC.encode(),
                body="",
                encoded=body,
                charset=charset,
                in_reply_to=assignment_id(app, kh),
                n=1,
            )
        ],
    )
    run_daemon(app, once=True)
    [row] = _rows(app)
    assert (row.stage, row.error) == (Stage.REPLY, None), (row.disposition, row.error)
    with app.sessions() as s:
        [event] = s.scalars(select(TaskEvent).where(TaskEvent.field == "reply"))
    assert "đang tổng hợp số liệu" in (event.note or ""), event.note


TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """As Windows-1258 writes Vietnamese: the letter (ô, ư, ă precomposed), then its tone mark as a
    combining one."""
    out = b""
    for char in text:
        marks = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in marks if c not in TONES))
        out += (base + "".join(c for c in marks if c in TONES)).encode("cp1258")
    return out


def _nested(depth: int) -> bytes:
    head = (
        b"From: "
        + CLERK
        + b"\r\nSubject: deep\r\nMessage-ID: <deep@clerk.example.vn>\r\nMIME-Version: 1.0\r\n"
    )
    parts = [head + b"Content-Type: multipart/mixed; boundary=b0\r\n\r\n"]
    parts += [
        b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i - 1, i) for i in range(1, depth)
    ]
    return b"".join(parts) + b"--b%d\r\nContent-Type: text/plain\r\n\r\nhello\r\n" % (depth - 1)


def test_a_5000_deep_multipart_is_bad_input_not_our_bug(make_app, office) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders=f"@{D}")
    deliver_to_maildir(office, [_nested(5000), raw_mail(message_id=b"<after@clerk.example.vn>", n=3)])
    run_daemon(app, once=True)
    deep, after = _rows(app)
    assert (deep.stage, deep.disposition) == (Stage.FAILED, "error"), deep.error
    assert "nested too deep" in (deep.error or "")
    [told] = _outbox(app, "unreadable")
    assert (
        "lồng quá nhiều lớp" in told.body_text
        and "nested" not in told.body_text
        and "lỗi nội bộ" not in told.body_text
    )
    assert (after.stage, after.disposition) == (Stage.PROCESSED, "registered"), after.error


def test_a_20_digit_task_reference_is_not_ours_and_no_crash(make_app, office) -> None:  # type: ignore[no-untyped-def]
    app, _ = office_with_tasks(make_app)
    deliver_to_maildir(
        office,
        [
            reply(
                sender=KHTC.encode(),
                body="Đã hoàn thành.",
                in_reply_to=f"<docket.task-99999999999999999999@{D}>",
                n=1,
            )
        ],
    )
    run_daemon(app, once=True)
    [row] = _rows(app)
    assert row.stage is not Stage.FAILED and row.disposition != "internal-error", (row.disposition, row.error)
    assert not _outbox(app, "unreadable")


def test_a_clerks_thank_you_gets_a_polite_no_notice_answer(make_app, office) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders=f"@{D}")
    deliver_to_maildir(
        office, [raw_mail(subject=b"Re: Thong bao", body="Cảm ơn anh, em đã nhận được ạ.\n".encode())]
    )
    run_daemon(app, once=True)
    [row] = _rows(app)
    assert (row.stage, row.disposition) == (Stage.PROCESSED, "no-notice"), row.error
    assert not _outbox(app, "unreadable")
    [answer] = _outbox(app, "no-notice")
    assert answer.to_addrs == [CLERK.decode()] and "Không đọc được" not in answer.subject + answer.body_text
    assert "không kèm văn bản cần theo dõi" in answer.body_text and "Cảm ơn" in answer.body_text
