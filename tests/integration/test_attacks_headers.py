"""Attacks through headers, end to end through a daemon pass on SQLite and PostgreSQL (issue 10, items 1,
2, 9).

NUL and control characters in headers, attachment names and reply bodies are stored made safe (or
the message is quarantined with its raw bytes) and the mail behind them is processed in the same
pass; an encoded or ambiguous From poses as no one.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.runners.daemon import run_daemon
from service.runners.intake import intake_once
from service.mailbox import RawMessage
from service.store.models import InboundMessage, Notice, Task, TaskEvent
from service.store.stages import Stage, TaskStatus
from tests.integration.attackmail import (
    CLERK,
    EVIL_AUTH,
    KHTC,
    SPOOFED_KHTC,
    assignment_id,
    deliver_to_maildir,
    office_with_tasks,
    raw_mail,
    reply,
    state,
    with_attachment,
)

D = "skhcn.binhminh.example.vn"
POISONED = {  # each one stopped every pass on PostgreSQL
    "encoded NUL in Subject": raw_mail(
        subject=b"=?utf-8?q?abc=00def?=", message_id=b"<p1@clerk.example.vn>", n=11
    ),
    "raw NUL in Subject": raw_mail(subject=b"abc\x00def", message_id=b"<p2@clerk.example.vn>", n=12),
    "raw NUL in Message-ID": raw_mail(message_id=b"<p3\x00x@clerk.example.vn>", n=13),
    "encoded NUL in From": raw_mail(
        sender=b"=?utf-8?q?V=C4=83n_th=00=C6=B0?= <" + CLERK + b">", message_id=b"<p4@clerk.example.vn>", n=14
    ),
    "encoded NUL in the From address": raw_mail(
        sender=b"=?utf-8?q?van.thu=00=40skhcn.binhminh.example.vn?=",
        message_id=b"<p5@clerk.example.vn>",
        n=17,
    ),
    "NUL in attachment name": with_attachment(filename_param=b"filename*=utf-8''tb%00412.txt", n=15),
    "escapes in Subject": raw_mail(
        subject=b"=?utf-8?q?Hi_=1B]0;PWNED=07=1B[2J=1B[31mred?=", message_id=b"<p6@clerk.example.vn>", n=16
    ),
}


def _rows(app) -> list[InboundMessage]:  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        return list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def _has_control(value: str | None) -> bool:
    return any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in value or "")


@pytest.mark.parametrize("case", sorted(POISONED))
def test_a_poisoned_mail_is_stored_safe_and_the_next_mail_is_processed_in_the_same_pass(
    make_app, office, case
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders=f"@{D}")
    deliver_to_maildir(office, [POISONED[case], raw_mail(message_id=b"<good@clerk.example.vn>", n=99)])
    run_daemon(app, once=True)
    poisoned, good = _rows(app)
    assert poisoned.stage in (Stage.PROCESSED, Stage.QUARANTINED), (poisoned.stage, poisoned.error)
    assert not any(_has_control(v) for v in (poisoned.subject, poisoned.message_id, poisoned.sender))
    assert (good.stage, good.disposition) == (Stage.PROCESSED, "registered"), good.error
    with app.sessions() as s:
        notices = list(s.scalars(select(Notice)))
        assert not any(_has_control(n.source_name) or _has_control(n.message_id) for n in notices)
    assert len(notices) == 2 if poisoned.stage is Stage.PROCESSED else 1


def test_escapes_in_a_subject_are_stored_without_them(make_app, office) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders=f"@{D}")
    deliver_to_maildir(office, [POISONED["escapes in Subject"]])
    run_daemon(app, once=True)
    [row] = _rows(app)
    assert row.subject == "Hi \ufffd]0;PWNED\ufffd\ufffd[2J\ufffd[31mred"


def test_nul_in_a_reply_body_and_a_400_character_sender_are_no_internal_error(make_app, office) -> None:  # type: ignore[no-untyped-def]
    app, (kh, _) = office_with_tasks(make_app)
    thread = assignment_id(app, kh)
    long_sender = ("k" * 380 + "@" + D).encode()
    deliver_to_maildir(
        office,
        [
            reply(
                sender=KHTC.encode(),
                body="Phòng đang tổng hợp\x00 số liệu, sẽ báo cáo sau.",
                in_reply_to=thread,
                n=1,
            ),
            reply(sender=long_sender, body="Đã hoàn thành.", in_reply_to=thread, n=2),
        ],
    )
    run_daemon(app, once=True)
    nul_reply, long_reply = _rows(app)
    assert (nul_reply.stage, nul_reply.disposition) == (Stage.REPLY, "reply-note"), nul_reply.error
    assert long_reply.stage is Stage.QUARANTINED and "not a real address" in (long_reply.error or "")
    with app.sessions() as s:
        [note] = s.scalars(select(TaskEvent).where(TaskEvent.field == "reply"))
        assert note.actor == KHTC and "\x00" not in note.note and "số liệu, sẽ báo cáo sau" in note.note
        assert s.get(Task, kh).status is TaskStatus.OPEN


# --------------------------------------------------------------------------- spoofed and ambiguous senders


def _attacks(thread: str, sender: bytes | list[bytes]) -> list[bytes]:
    """What a spoofer did: register a forged notice, close a task, ask for more time."""
    auth = [b"Authentication-Results: " + EVIL_AUTH]
    return [
        raw_mail(sender=sender, message_id=b"<forged@evil.example>", headers=auth, n=7),
        reply(sender=sender, body="Đã hoàn thành.", in_reply_to=thread, n=1, headers=auth),
        reply(
            sender=sender,
            body="Phòng xin gia hạn đến ngày 30/12/2026, lý do: chờ số liệu.",
            in_reply_to=thread,
            n=2,
            headers=auth,
        ),
    ]


def test_an_encoded_from_is_the_address_in_brackets_quarantined_and_changes_nothing(make_app, office) -> None:  # type: ignore[no-untyped-def]
    app, (kh, _) = office_with_tasks(make_app)
    # what is due anyway (reminders) goes first, so only the attack could change more
    run_daemon(app, once=True)
    before = state(app)
    deliver_to_maildir(office, _attacks(assignment_id(app, kh), SPOOFED_KHTC))
    run_daemon(app, once=True)
    rows = _rows(app)
    assert [(r.stage, r.sender) for r in rows] == [(Stage.QUARANTINED, "attacker@evil.example")] * 3
    assert all("attacker@evil.example is not in DOCKET_ALLOWED_SENDERS" in (r.error or "") for r in rows)
    assert state(app) == before  # no notice, no task closed, no extension, no mail sent


AMBIGUOUS = {
    "two From headers": [KHTC.encode(), b"attacker@evil.example"],
    "two addresses in one From": KHTC.encode() + b", attacker@evil.example",
    "an address before the brackets": KHTC.encode() + b" <attacker@evil.example>",
    "an unparseable From": b"khtc@",
    "a group of two": b"Units: " + KHTC.encode() + b", attacker@evil.example;",
}


@pytest.mark.parametrize("case", sorted(AMBIGUOUS))
def test_an_ambiguous_sender_is_never_acted_on(make_app, office, case) -> None:  # type: ignore[no-untyped-def]
    app, (kh, _) = office_with_tasks(make_app)
    # what is due anyway (reminders) goes first, so only the attack could change more
    run_daemon(app, once=True)
    before = state(app)
    deliver_to_maildir(office, _attacks(assignment_id(app, kh), AMBIGUOUS[case]))
    run_daemon(app, once=True)
    rows = _rows(app)
    assert [(r.stage, r.sender) for r in rows] == [(Stage.QUARANTINED, None)] * 3, [
        (r.stage, r.error) for r in rows
    ]
    assert state(app) == before


# --------------------------------------------------------------------------- a row the database refuses


class ListedMailbox:
    """A listing mailbox (as Maildir) holding the given messages; records what was marked."""

    name = "listed"

    def __init__(self, messages: list[RawMessage]) -> None:
        self.messages, self.marked = {m.key: m for m in messages}, []  # type: ignore[var-annotated]

    def new_keys(self, known: set[str]) -> list[str]:
        return [k for k in self.messages if k not in known]

    def fetch(self, keys):  # type: ignore[no-untyped-def]
        return (self.messages[k] for k in keys)

    def mark_processed(self, key: str) -> None:
        self.marked.append(key)

    def close(self) -> None:
        pass


def test_a_mail_the_database_refuses_is_quarantined_with_its_raw_bytes_and_the_next_is_stored(
    make_app, database_url
) -> None:  # type: ignore[no-untyped-def]
    """An IMAP UID above 2^31 (UIDs are unsigned 32-bit) does not fit PostgreSQL's integer column."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite stores any integer: nothing is refused")
    app = make_app()
    poisoned = raw_mail(message_id=b"<big-uid@clerk.example.vn>", n=1)
    box = ListedMailbox(
        [
            RawMessage("1:2147483700", poisoned, uidvalidity=1, uid=2**31 + 52),
            RawMessage("1:5", raw_mail(message_id=b"<next@clerk.example.vn>", n=2), uidvalidity=1, uid=5),
        ]
    )
    assert intake_once(app, box) == 2
    refused, following = _rows(app)
    assert (refused.stage, refused.disposition, refused.raw) == (Stage.QUARANTINED, "unstorable", poisoned)
    assert "DataError" in (refused.error or "")
    assert (following.stage, following.message_id) == (Stage.RECEIVED, "<next@clerk.example.vn>")
    assert box.marked == ["1:2147483700", "1:5"]
