"""What arrives: the same notice twice, loop signs, sender policy (before de-duplication)."""
from __future__ import annotations

import mailbox
import os
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from extractors.base import EmailEnvelope
from service.runners.daemon import run_daemon
from service.store.models import InboundMessage, Notice, Task
from outbox.models import OutboxMessage
from service.store.stages import Stage
from service.runners.triage import list_reason, sender_reason, triage
from tests.live.mailgen import notice_mail, notice_text

OWN = "docket@skhcn.binhminh.example.vn"
OFFICE = {
    "own_domain": "skhcn.binhminh.example.vn",
    "own_address": OWN,
    "allowed": ("@skhcn.binhminh.example.vn",),
}


def _env(
    sender: str = "van.thu@skhcn.binhminh.example.vn",
    message_id: str = "<a1@clerk.example.vn>",
    **headers: str,
) -> EmailEnvelope:
    return EmailEnvelope(
        sender=sender,
        sender_name=None,
        subject="s",
        message_id=message_id,
        in_reply_to=None,
        references=(),
        date=None,
        headers=headers,
    )


def _loops(envelope: EmailEnvelope) -> bool:
    """A loop sign shows: the mail is ignored, never answered."""
    verdict = triage(envelope, **OFFICE)
    return verdict is not None and verdict.stage is Stage.IGNORED


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated"},
        {"X-Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "auto_reply"},
        {"Return-Path": "<>"},
        {"Content-Type": "multipart/report; report-type=delivery-status; boundary=x"},
    ],
)
def test_loop_signs(headers: dict[str, str]) -> None:
    assert _loops(_env(**headers))


def test_own_mail_and_normal_mail() -> None:
    assert _loops(_env(sender=OWN))
    assert _loops(_env(message_id="<docket.0123abcd@skhcn.binhminh.example.vn>"))
    assert triage(_env(**{"Auto-Submitted": "no", "Precedence": "normal"}), **OFFICE) is None


def test_sender_policy() -> None:
    allowed = ("@skhcn.binhminh.example.vn", "chanh.vp@ubnd.example.vn")
    assert sender_reason(_env(), allowed=allowed) is None
    assert sender_reason(_env(sender="chanh.vp@ubnd.example.vn"), allowed=allowed) is None
    assert sender_reason(_env(sender="x@evil-skhcn.binhminh.example.vn.attacker.example"), allowed=allowed)
    assert sender_reason(_env(sender=None), allowed=allowed)
    failed = _env(**{"Authentication-Results": "mx.example; spf=pass; dkim=fail header.d=x; dmarc=fail"})
    assert "authentication failed" in sender_reason(failed, allowed=allowed)


def _deliver(office: Path, *raws: bytes) -> None:
    os.makedirs(office / "mail", exist_ok=True)
    box = mailbox.Maildir(str(office / "mail" / "inbox"), create=True)
    for raw in raws:
        box.add(raw)
    box.close()


def test_same_notice_twice_updates_one_notice_and_says_so(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders="@skhcn.binhminh.example.vn")
    _deliver(office, notice_mail(3))
    run_daemon(app, once=True)
    second_clerk = "chuyen.vien@skhcn.binhminh.example.vn"
    _deliver(office, notice_mail(3, sender=second_clerk))  # another clerk, another Message-ID, a week later
    run_daemon(app, once=True)
    with app.sessions() as s:
        rows = list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))
        assert [r.disposition for r in rows] == ["registered", "duplicate"]
        assert s.scalar(select(func.count()).select_from(Notice)) == 1
        tasks = s.scalar(select(func.count()).select_from(Task))
        confirmations = list(
            s.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "confirmation").order_by(OutboxMessage.id)
            )
        )
    assert tasks >= 1
    assert len(confirmations) == 2 and confirmations[1].to_addrs == [second_clerk]
    assert "đăng ký trước" in confirmations[1].subject.lower() or "trước đó" in confirmations[1].body_text


def test_known_notice_from_a_stranger_is_still_quarantined(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders="@skhcn.binhminh.example.vn")
    _deliver(office, notice_mail(4))
    run_daemon(app, once=True)
    _deliver(office, notice_mail(4, sender="someone@gmail.example"))
    run_daemon(app, once=True)
    with app.sessions() as s:
        rows = list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))
        assert [r.stage for r in rows] == [Stage.PROCESSED, Stage.QUARANTINED]
        assert not any("gmail" in a for o in s.scalars(select(OutboxMessage)) for a in o.to_addrs)


def test_bounce_is_ignored_and_never_answered(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders="@skhcn.binhminh.example.vn")
    bounce = EmailMessage()
    bounce["From"], bounce["To"], bounce["Subject"] = (
        "MAILER-DAEMON@skhcn.binhminh.example.vn",
        OWN,
        "Undelivered Mail",
    )
    bounce["Message-ID"] = "<bounce1@mx.example>"
    bounce.set_content("Delivery failed.\n" + notice_text(5))
    bounce.add_attachment(
        b"Reporting-MTA: dns; mx.example\n",
        maintype="application",
        subtype="octet-stream",
        filename="status.txt",
    )
    raw = bounce.as_bytes().replace(b"multipart/mixed", b"multipart/report; report-type=delivery-status", 1)
    _deliver(office, raw, notice_mail(6, headers={"Return-Path": "<>"}))
    run_daemon(app, once=True)
    with app.sessions() as s:
        assert [r.stage for r in s.scalars(select(InboundMessage))] == [Stage.IGNORED, Stage.IGNORED]
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_list_and_x_loop_signs_and_what_a_release_lifts() -> None:
    assert "List-Id" in list_reason(_env(**{"List-Id": "<vanthu.so.example.vn>"}), own_address=OWN)
    assert "X-Loop" in list_reason(_env(**{"X-Loop": f"Docket <{OWN.upper()}>"}), own_address=OWN)
    assert list_reason(_env(**{"X-Loop": "helpdesk@other.example.vn"}), own_address=OWN) is None
    rules = {
        "own_domain": "skhcn.binhminh.example.vn",
        "own_address": OWN,
        "allowed": ("@skhcn.binhminh.example.vn",),
    }
    listed = _env(**{"List-Id": "<l.example>"})
    assert (triage(listed, **rules).stage, triage(listed, **rules).disposition) == (Stage.QUARANTINED, "list")
    assert triage(listed, released=True, **rules) is None  # an admin let it in
    looping = _env(**{"Auto-Submitted": "auto-replied", "List-Id": "<l.example>"})
    # a release never lifts the loop check
    assert triage(looping, released=True, **rules).stage is Stage.IGNORED


def test_the_header_block_ends_at_the_first_empty_line_and_within_the_scan() -> None:
    from extractors.email_message import header_block, read_envelope

    assert (
        header_block(b"From: a@b.vn\r\nSubject: x\r\n\r\nFrom: evil@x.example\r\n")
        == b"From: a@b.vn\r\nSubject: x\r\n"
    )
    assert header_block(b"From: a@b.vn\n\nbody\r\n\r\n") == b"From: a@b.vn\n"
    assert len(header_block(b"X-Pad: " + b"a" * 10_000_000, limit=1024)) == 1024
    assert read_envelope(b"From: a@b.vn\n\nFrom: evil@x.example\n").sender == "a@b.vn"
