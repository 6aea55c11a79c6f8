"""Floods and loops (issue 10, item 11): notices per mail, mails per recipient per pass, List-Id and X-Loop.

One 831 KB mail carrying 60 notices produced 729 outgoing mails; list and X-Loop mail was read
as a notice. Now a mail with more notices than DOCKET_MAX_NOTICES_PER_MAIL is held for an admin
(nothing registered, the clerk told in Vietnamese); no address gets more than
DOCKET_MAX_MAILS_PER_RECIPIENT_PER_PASS mails in one pass (the rest go in the next passes, none
lost); a List-Id, or an X-Loop naming our own address, quarantines the mail unread.
"""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from service.runners.daemon import run_daemon
from service.store.models import InboundMessage, Notice, Task
from outbox.models import OutboxMessage, OutboxStatus
from service.admin.quarantine import release
from service.runners.one_pass import deliver
from service.store.stages import Stage
from tests.conftest import vn
from tests.integration.attackmail import CLERK, D, deliver_to_maildir, raw_mail
from tests.live.mailgen import notice_text

OWN = f"docket@{D}"


def notices_mail(count: int, *, first: int = 1) -> bytes:
    """One clerk's mail with `count` different notices attached as .txt files."""
    parts = [
        b"From: " + CLERK,
        b"To: " + OWN.encode(),
        b"Subject: Fwd: nhieu van ban",
        b"Message-ID: <many@clerk.example.vn>",
        b"MIME-Version: 1.0",
        b'Content-Type: multipart/mixed; boundary="b1"',
        b"",
        b"--b1",
        b"Content-Type: text/plain; charset=utf-8",
        b"",
        "Chuyển các văn bản đính kèm.".encode(),
    ]
    for n in range(first, first + count):
        parts += [
            b"--b1",
            b"Content-Type: text/plain; charset=utf-8",
            f'Content-Disposition: attachment; filename="tb{n}.txt"'.encode(),
            b"Content-Transfer-Encoding: 8bit",
            b"",
            notice_text(n).encode(),
        ]
    return b"\r\n".join([*parts, b"--b1--", b""])


def _rows(app) -> list[InboundMessage]:  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        return list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def _outbox(app, kind: str | None = None) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        return list(s.scalars(stmt.where(OutboxMessage.kind == kind) if kind else stmt))


def test_a_mail_with_more_notices_than_the_cap_is_held_and_the_clerk_told(make_app, office) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders=f"@{D}", max_notices_per_mail=3)
    deliver_to_maildir(office, [notices_mail(4)])
    run_daemon(app, once=True)
    (row,) = _rows(app)
    assert (row.stage, row.disposition) == (Stage.QUARANTINED, "too-many-notices")
    assert "4" in row.error and "DOCKET_MAX_NOTICES_PER_MAIL" in row.error
    assert _count(app, Notice) == 0 and _count(app, Task) == 0
    (told,) = _outbox(app)
    assert told.kind == "too-many-notices" and told.to_addrs == [CLERK.decode()]
    assert "4 văn bản" in told.body_text and "3 văn bản" in told.body_text and "quản trị" in told.body_text
    with app.sessions.begin() as s:  # the admin looked: every notice of the mail is registered
        release(s, row.id, actor="admin", now=app.clock.now())
    run_daemon(app, once=True)
    assert (_rows(app)[0].stage, _count(app, Notice)) == (Stage.PROCESSED, 4)


def test_a_mail_within_the_cap_is_registered_as_before(make_app, office) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders=f"@{D}", max_notices_per_mail=3)
    deliver_to_maildir(office, [notices_mail(3)])
    run_daemon(app, once=True)
    assert (_rows(app)[0].disposition, _count(app, Notice)) == ("registered", 3)
    assert not _outbox(app, "too-many-notices")


def test_no_address_gets_more_than_the_cap_in_one_pass_and_nothing_is_lost(make_app, office) -> None:  # type: ignore[no-untyped-def]
    app = make_app(
        now=vn(2026, 11, 25, 9, 0),
        allowed_senders=f"@{D}",
        max_mails_per_recipient_per_pass=2,
        wide_send_units=0,
    )
    deliver_to_maildir(
        office, [raw_mail(n=n, message_id=f"<m{n}@clerk.example.vn>".encode()) for n in range(1, 6)]
    )
    per_pass, sent = [], set()
    for _ in range(30):  # the daemon's pass, then delivery passes until nothing more goes out
        run_daemon(app, once=True) if not per_pass else deliver(app)
        new = [r for r in _outbox(app) if r.status is OutboxStatus.SENT and r.id not in sent]
        per_pass.append(Counter(a for r in new for a in {*r.to_addrs, *r.cc_addrs}))
        sent |= {r.id for r in new}
        if not new:
            break
    assert all(n <= 2 for counts in per_pass for n in counts.values()), per_pass
    assert per_pass[0][CLERK.decode()] == 2  # the clerk's 5 confirmations: 2 now, the rest in later passes
    assert all(r.status is OutboxStatus.SENT for r in _outbox(app)), "mail held back by the cap was lost"


@pytest.mark.parametrize(
    ("header", "why"),
    [
        (b"List-Id: Van thu toan So <vanthu.skhcn.binhminh.example.vn>", "List-Id"),
        (f"X-Loop: {OWN}".encode(), "X-Loop"),
    ],
)
def test_list_and_x_loop_mail_is_quarantined_unread(make_app, office, header: bytes, why: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders=f"@{D}")
    deliver_to_maildir(office, [raw_mail(headers=[header])])
    run_daemon(app, once=True)
    (row,) = _rows(app)
    assert row.stage is Stage.QUARANTINED and why in (row.error or "")
    assert "sandbox" not in app.__dict__ and _count(app, Notice) == 0 and not _outbox(app)
    with app.sessions.begin() as s:  # a notice may really come through a list: the admin lets it in
        release(s, row.id, actor="admin", now=app.clock.now())
    run_daemon(app, once=True)
    assert (_rows(app)[0].disposition, _count(app, Notice)) == ("registered", 1)


def test_an_x_loop_naming_someone_else_is_no_loop_sign(make_app, office) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders=f"@{D}")
    deliver_to_maildir(office, [raw_mail(headers=[b"X-Loop: helpdesk@other.example.vn"])])
    run_daemon(app, once=True)
    assert _rows(app)[0].disposition == "registered"


class _DiesAfterSending:
    """The real Maildir sender, and then the process 'dies' (kill -9) before the row is marked sent."""

    def __init__(self, real) -> None:  # type: ignore[no-untyped-def]
        self.real = real

    def send(self, msg, *, from_addr, recipients):  # type: ignore[no-untyped-def]
        self.real.send(msg, from_addr=from_addr, recipients=recipients)
        raise KeyboardInterrupt("killed between the server's acceptance and the commit")

    def close(self) -> None:
        self.real.close()


def test_delivery_is_at_least_once_and_a_resend_keeps_its_message_id(make_app, office) -> None:  # type: ignore[no-untyped-def]
    """README, 'Delivery: at least once': after a crash one mail may go twice, with the same Message-ID."""
    import mailbox
    from datetime import timedelta
    from email import message_from_bytes
    from pathlib import Path

    from outbox.relay import CLAIM_LEASE, deliver_due
    from outbox.senders import open_sender
    from service.clock import FixedClock

    app = make_app(now=vn(2026, 11, 25, 9, 0), allowed_senders=f"@{D}")
    deliver_to_maildir(office, [raw_mail()])
    run_daemon(app, once=True)  # registered; its mails sent
    with app.sessions.begin() as s:  # one mail queued again, as if it were still due
        row = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "confirmation")).one()
        row.status, row.next_attempt_at, message_id = OutboxStatus.PENDING, app.clock.now(), row.message_id
    sent = office / "mail" / "sent"
    with pytest.raises(KeyboardInterrupt):
        deliver_due(app.sessions, _DiesAfterSending(open_sender(sent)), from_addr=OWN, now=app.clock.now())
    later = app.clock.now() + CLAIM_LEASE + timedelta(seconds=1)  # the crashed claim's lease has run out
    app.clock = FixedClock(later)
    deliver_due(app.sessions, open_sender(sent), from_addr=OWN, now=later)
    ids = [
        message_from_bytes(m.as_bytes())["Message-ID"]
        for m in mailbox.Maildir(str(sent))
        if m["Message-ID"] == message_id
    ]
    # the first delivery, the one the crash cut short, and its resend: one Message-ID throughout
    assert len(ids) == 3
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "at least once" in readme and "same Message-ID" in readme
