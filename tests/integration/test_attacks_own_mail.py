"""Docket's own mail coming back (issue 10, item 6): forwarded by a clerk, or returned by a bounce without
DSN headers.

The notice is registered through a real daemon pass and its assignment mails are written to the sent Maildir;
the mail forwarded back is that exact message, as Outlook, Gmail and Thunderbird forward it inline, and as an
attached .eml. None may become a notice or a task; the forward reaches the task as a reply. A bounce that
carries our original (no multipart/report, no X-Failed-Recipients) is recorded as a delivery failure of that
outbox row and is never answered.
"""

from __future__ import annotations

import html
import re
import mailbox
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.clock import FixedClock
from service.runners.daemon import run_daemon
from service.demo.build import build_docx, build_email, sample_text
from service.store.models import InboundMessage, Notice, Task, TaskEvent
from outbox.models import OutboxMessage, OutboxStatus
from service.store.stages import Role, Stage
from tests.conftest import vn

D = "skhcn.binhminh.example.vn"
CLERK = f"van.thu@{D}"
KHTC = f"khtc@{D}"


def _deliver(office: Path, *raws: bytes) -> None:
    (office / "mail").mkdir(exist_ok=True)
    box = mailbox.Maildir(str(office / "mail" / "inbox"), create=True)
    for raw in raws:
        box.add(raw)
    box.close()


def _registered(make_app, office: Path):  # type: ignore[no-untyped-def]
    """The demo notice registered and its assignments sent; returns the app and the wire bytes of KH-TC's
    mail."""
    app = make_app(wide_send_units=0)
    _deliver(office, build_email(build_docx(sample_text()), now=app.clock.now(), domain=D))
    run_daemon(app, once=True)
    sent = mailbox.Maildir(str(office / "mail" / "sent"), create=False)
    ours = [
        bytes(m)
        for m in sent
        if KHTC in str(m["To"])
        and "Giao nhiệm vụ" in str(message_from_bytes(bytes(m), policy=policy.default)["Subject"])
    ]
    assert len(ours) == 1
    app.clock = FixedClock(vn(2026, 11, 26, 9, 0))
    # the day's own work first (the monthly task's next occurrence): counts compare after it
    run_daemon(app, once=True)
    return app, ours[0]


def _counts(app) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with app.sessions() as session:
        return session.scalar(select(func.count(Notice.id))), session.scalar(select(func.count(Task.id)))


def _task_of(app, sent: bytes) -> int:  # type: ignore[no-untyped-def]
    """KH-TC's one task, named by the assignment's References (<docket.task-N@…>)."""
    named = re.findall(
        r"<docket\.task-(\d+)@", str(message_from_bytes(sent, policy=policy.default)["References"])
    )
    assert str(LEAD_TASK) in named
    with app.sessions() as session:
        assert session.get(Task, LEAD_TASK).unit_names(Role.LEAD) == ["Phòng Kế hoạch - Tài chính"]
    return LEAD_TASK


def _parts(sent: bytes) -> tuple[EmailMessage, str, str]:
    msg = message_from_bytes(sent, policy=policy.default)
    plain = msg.get_body(preferencelist=("plain",)).get_content()
    rich = msg.get_body(preferencelist=("html",)).get_content()
    return msg, plain, rich


def _envelope(subject: str, n: int, sender: str = CLERK) -> EmailMessage:
    fwd = EmailMessage()
    fwd["From"], fwd["To"], fwd["Subject"] = f"Văn thư Sở <{sender}>", f"docket@{D}", subject
    fwd["Message-ID"], fwd["Date"] = f"<fwd-own-{n}@{D}>", format_datetime(vn(2026, 11, 26, 8, 45))
    return fwd


NOTE = "Nhờ Docket kiểm tra lại nhiệm vụ này giúp em."
LEAD_TASK = 1


def gmail(sent: bytes) -> bytes:
    msg, plain, rich = _parts(sent)
    fwd = _envelope(f"Fwd: {msg['Subject']}", 1)
    head = (
        f"---------- Forwarded message ---------\nFrom: Docket <docket@{D}>\nDate: Wed, Nov 25, 2026 at "
        "8:30 AM\n"
        f"Subject: {msg['Subject']}\nTo: <{KHTC}>\n"
    )
    fwd.set_content(f"NV-{LEAD_TASK}: {NOTE}\n\n{head}\n\n{plain}")
    fwd.add_alternative(
        f'<div dir="ltr">NV-{LEAD_TASK}: {NOTE}<br><br><div class="gmail_quote"><div dir="ltr" '
        'class="gmail_attr">---------- Forwarded '
        'message ---------<br>From: <strong class="gmail_sendername" dir="auto">Docket</strong> <span '
        'dir="auto">'
        f"&lt;docket@{D}&gt;</span><br>Date: Wed, Nov 25, 2026 at 8:30 AM<br>Subject: "
        f"{html.escape(str(msg['Subject']))}<br>"
        f"To: &lt;{KHTC}&gt;<br></div><br><br>{rich}</div></div>",
        subtype="html",
    )
    return fwd.as_bytes()


def outlook(sent: bytes) -> bytes:
    msg, plain, rich = _parts(sent)
    fwd = _envelope(f"FW: {msg['Subject']}", 2)
    head = (
        f"From: Docket <docket@{D}>\nSent: Wednesday, November 25, 2026 8:30 AM\nTo: {KHTC}\n"
        f"Subject: {msg['Subject']}\n"
    )
    fwd.set_content(f"NV-{LEAD_TASK}: {NOTE}\n\n________________________________\n{head}\n{plain}")
    fwd.add_alternative(
        f'<html><body><div class="WordSection1"><p class="MsoNormal">NV-{LEAD_TASK}: {NOTE}</p><div '
        'id="divRplyFwdMsg" dir="ltr">'
        '<hr style="display:inline-block;width:98%"><font face="Calibri" '
        'style="font-size:11pt"><b>From:</b> Docket '
        f"&lt;docket@{D}&gt;<br><b>Sent:</b> Wednesday, November 25, 2026 8:30 AM<br><b>To:</b> {KHTC}<br>"
        "<b>Subject:</b> "
        f"{html.escape(str(msg['Subject']))}</font><div>&nbsp;</div></div>{rich}</div></body></html>",
        subtype="html",
    )
    return fwd.as_bytes()


def thunderbird(sent: bytes) -> bytes:
    msg, plain, _ = _parts(sent)
    fwd = _envelope(f"Fwd: {msg['Subject']}", 3)
    head = (
        f"-------- Forwarded Message --------\nSubject: \t{msg['Subject']}\nDate: \tWed, 25 Nov 2026 "
        "08:30:00 +0700\n"
        f"From: \tDocket <docket@{D}>\nTo: \t{KHTC}\n"
    )
    fwd.set_content(f"NV-{LEAD_TASK}: {NOTE}\n\n\n{head}\n\n{plain}")
    return fwd.as_bytes()


def attached_eml(sent: bytes) -> bytes:
    msg = message_from_bytes(sent, policy=policy.default)
    fwd = _envelope(f"Fwd: {msg['Subject']}", 4)
    fwd.set_content(f"NV-{LEAD_TASK}: {NOTE}")
    # message/rfc822, as Thunderbird "forward as attachment"
    fwd.add_attachment(msg, filename="Giao nhiem vu.eml")
    return fwd.as_bytes()


def attached_eml_octet(sent: bytes) -> bytes:
    msg = message_from_bytes(sent, policy=policy.default)
    fwd = _envelope(f"Fwd: {msg['Subject']}", 5)
    fwd.set_content(f"NV-{LEAD_TASK}: {NOTE}")
    fwd.add_attachment(sent, maintype="application", subtype="octet-stream", filename="Giao nhiem vu.eml")
    return fwd.as_bytes()


FORWARDS = {
    "gmail": gmail,
    "outlook": outlook,
    "thunderbird": thunderbird,
    "attached-eml": attached_eml,
    "attached-eml-octet": attached_eml_octet,
}


@pytest.mark.parametrize("client", FORWARDS)
def test_a_forward_of_our_assignment_is_a_reply_to_its_task_never_a_notice(
    make_app, office: Path, client: str
) -> None:  # type: ignore[no-untyped-def]
    app, sent = _registered(make_app, office)
    before, task_id = _counts(app), _task_of(app, sent)
    _deliver(office, FORWARDS[client](sent))
    run_daemon(app, once=True)
    assert _counts(app) == before, client
    with app.sessions() as session:
        row = session.scalars(
            select(InboundMessage).where(InboundMessage.message_id.like("<fwd-own-%"))
        ).one()
        assert (row.stage, row.task_id) == (Stage.REPLY, task_id), (
            client,
            row.disposition,
            row.error,
            row.queue,
        )
        notes = session.scalars(
            select(TaskEvent.note).where(TaskEvent.task_id == task_id, TaskEvent.field == "reply")
        ).all()
        assert notes == [NOTE], client  # the clerk's own words, not our quoted mail
        confirmations = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "confirmation")
        ).all()
        assert len(confirmations) == 1, client  # the first registration's only


def test_the_lead_unit_forwarding_its_assignment_with_done_closes_the_task(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app, sent = _registered(make_app, office)
    before, task_id = _counts(app), _task_of(app, sent)
    msg, plain, _ = _parts(sent)
    fwd = _envelope(f"Fwd: {msg['Subject']}", 6, sender=KHTC)
    fwd.set_content(
        f"NV-{LEAD_TASK}: Đã hoàn thành.\n\n---------- Forwarded message ---------\nFrom: Docket "
        f"<docket@{D}>\n"
        f"Date: Wed, Nov 25, 2026 at 8:30 AM\nSubject: {msg['Subject']}\nTo: <{KHTC}>\n\n\n{plain}"
    )
    _deliver(office, fwd.as_bytes())
    run_daemon(app, once=True)
    assert _counts(app) == before
    with app.sessions() as session:
        assert session.get(Task, task_id).status.value == "done_on_time"


def _bounce_text(sent: bytes) -> str:
    return (
        f"This is the mail system at host mail.{D}.\n\nI'm sorry to have to inform you that your message "
        "could not\n"
        "be delivered to one or more recipients. It's attached below.\n\n"
        f"<{KHTC}>: host mx.{D}[10.0.0.5] said: 550 5.1.1 <{KHTC}>: Recipient\n"
        "    address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)\n\n"
        "------ This is a copy of the message, including all the headers. ------\n\n"
        + sent.decode("utf-8", "replace")
    )


def bounce_inline(sent: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"] = f"Mail Delivery System <bounces@{D}>", f"docket@{D}"
    msg["Subject"], msg["Message-ID"] = "Undelivered Mail Returned to Sender", f"<bounce-1@mail.{D}>"
    msg["Date"] = format_datetime(vn(2026, 11, 25, 8, 35))
    msg.set_content(_bounce_text(sent))
    return msg.as_bytes()


def bounce_attached(sent: bytes) -> bytes:
    """Exchange-like, without multipart/report: a notice text, our original attached as message/rfc822."""
    msg = EmailMessage()
    msg["From"], msg["To"] = f"bounces@{D}", f"docket@{D}"
    msg["Subject"], msg["Message-ID"] = "Undeliverable: Giao nhiệm vụ", f"<bounce-2@mail.{D}>"
    msg["Date"] = format_datetime(vn(2026, 11, 25, 8, 35))
    msg.set_content(
        f"Delivery has failed to these recipients or groups:\n\n{KHTC}\nThe email address you entered "
        "couldn't be found.\n\nDiagnostic information for administrators:\nRemote Server returned "
        "'550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n"
    )
    msg.add_attachment(message_from_bytes(sent, policy=policy.default))
    return msg.as_bytes()


@pytest.mark.parametrize("build", [bounce_inline, bounce_attached], ids=["inline-copy", "attached-original"])
def test_a_bounce_carrying_our_original_is_a_delivery_failure_never_a_notice(
    make_app, office: Path, build
) -> None:  # type: ignore[no-untyped-def]
    app, sent = _registered(make_app, office)
    before = _counts(app)
    mid = message_from_bytes(sent, policy=policy.default)["Message-ID"]
    _deliver(office, build(sent))
    run_daemon(app, once=True)
    assert _counts(app) == before
    with app.sessions() as session:
        row = session.scalars(select(InboundMessage).where(InboundMessage.message_id.like("<bounce-%"))).one()
        assert (row.stage, row.disposition) == (Stage.IGNORED, "bounce"), row.error
        original = session.scalars(select(OutboxMessage).where(OutboxMessage.message_id == mid)).one()
        assert original.status is OutboxStatus.DEAD and "550 5.1" in (original.last_error or "")
        to_bounces = [
            r for r in session.scalars(select(OutboxMessage)) if any("bounces@" in a for a in r.to_addrs)
        ]
        assert to_bounces == []
        assert session.scalars(select(TaskEvent).where(TaskEvent.field == "delivery_failed")).all()


def test_a_forward_of_our_confirmation_is_the_clerks_answer_to_it(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    """The attack run's bogus tasks ("Chủ trì: …", "Trích văn bản: …") came from our confirmation read as a
    notice: forwarded back, it is an answer to that confirmation, so a correction line in it is applied as
    one."""
    from datetime import date

    app, _ = _registered(make_app, office)
    before = _counts(app)
    sent = mailbox.Maildir(str(office / "mail" / "sent"), create=False)
    confirmation = next(
        bytes(m)
        for m in sent
        if CLERK in str(m["To"])
        and "[TB-1]" in str(message_from_bytes(bytes(m), policy=policy.default)["Subject"])
    )
    msg, plain, _ = _parts(confirmation)
    assert "Trích văn bản" in plain or "Chủ trì" in plain  # the lines that once became tasks
    fwd = _envelope(f"Fwd: {msg['Subject']}", 7)
    fwd.set_content(
        f"NV-{LEAD_TASK}: hạn 10/12/2026\n\n---------- Forwarded message ---------\nFrom: Docket "
        f"<docket@{D}>\n"
        f"Date: Wed, Nov 25, 2026 at 8:30 AM\nSubject: {msg['Subject']}\nTo: <{CLERK}>\n\n\n{plain}"
    )
    _deliver(office, fwd.as_bytes())
    run_daemon(app, once=True)
    assert _counts(app) == before
    with app.sessions() as session:
        row = session.scalars(
            select(InboundMessage).where(InboundMessage.message_id.like("<fwd-own-%"))
        ).one()
        assert (row.stage, row.notice_id) == (Stage.REPLY, 1), (row.disposition, row.error)
        assert session.get(Task, LEAD_TASK).deadline == date(2026, 12, 10)


def _originals(sent: bytes) -> list[tuple[str, bytes]]:
    msg = message_from_bytes(sent, policy=policy.default)
    return [
        (p.get_filename(), p.get_payload(decode=True)) for p in msg.iter_attachments() if p.get_filename()
    ]


def gmail_with_original(sent: bytes) -> bytes:
    """Gmail forwards the attachments too: the notice's original we attached comes back with our mail."""
    fwd = message_from_bytes(gmail(sent), policy=policy.default)
    for name, data in _originals(sent):
        fwd.add_attachment(
            data,
            maintype="application",
            subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
            filename=name,
        )
    return fwd.as_bytes()


def test_the_assignment_carries_the_notices_original_and_says_so(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app, sent = _registered(make_app, office)
    assert [name for name, _ in _originals(sent)] == ["412-TB-SKHCN.docx"]
    _, plain, rich = _parts(sent)
    assert "Văn bản gốc gửi kèm thư này: 412-TB-SKHCN.docx." in plain and "412-TB-SKHCN.docx" in rich
    assert "X-Docket" not in sent.decode("ascii", "replace")  # our own bookkeeping headers stay at home


def test_an_original_over_the_limit_is_not_attached_and_the_mail_says_who_keeps_it(
    make_app, office: Path
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(wide_send_units=0, max_attachment_forward_bytes=1000)
    _deliver(office, build_email(build_docx(sample_text()), now=app.clock.now(), domain=D))
    run_daemon(app, once=True)
    sent = [
        bytes(m) for m in mailbox.Maildir(str(office / "mail" / "sent"), create=False) if KHTC in str(m["To"])
    ]
    assert sent and all(_originals(s) == [] for s in sent)
    [assignment] = [
        s for s in sent if "Giao nhiệm vụ" in str(message_from_bytes(s, policy=policy.default)["Subject"])
    ]
    assert "quá lớn để gửi kèm thư này; văn thư, Văn phòng đang lưu bản gốc" in _parts(assignment)[1]


@pytest.mark.parametrize(
    "build",
    [gmail_with_original, bounce_inline, bounce_attached],
    ids=["gmail-forward", "bounce-inline", "bounce-attached"],
)
def test_our_mail_coming_back_with_the_original_attached_is_never_a_new_notice(
    make_app, office: Path, build
) -> None:  # type: ignore[no-untyped-def]
    app, sent = _registered(make_app, office)
    assert _originals(sent), "the assignment carries the original"
    before = _counts(app)
    with app.sessions() as session:
        confirmations = session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "confirmation")
        )
    _deliver(office, build(sent))
    run_daemon(app, once=True)
    assert _counts(app) == before
    with app.sessions() as session:
        row = session.scalars(
            select(InboundMessage).where(
                InboundMessage.message_id.like("<fwd-own-%") | InboundMessage.message_id.like("<bounce-%")
            )
        ).one()
        assert row.stage in (Stage.REPLY, Stage.IGNORED) and row.disposition != "registered", (
            row.disposition,
            row.error,
        )
        count = select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "confirmation")
        assert session.scalar(count) == confirmations
