"""The whole loop on embedded defaults: Maildir in → tasks in the database → confirmation in the sent
Maildir."""

from __future__ import annotations

import email
import email.policy
import mailbox
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import func, select

from service.runners.daemon import run_daemon
from service.demo.build import build_docx, build_email, sample_text
from service.store.models import InboundMessage, Notice, Task
from outbox.models import OutboxMessage
from service.store.stages import Role, Stage

from tests.conftest import vn


def _deliver(office: Path, raw: bytes) -> None:
    (office / "mail").mkdir(exist_ok=True)
    box = mailbox.Maildir(str(office / "mail" / "inbox"), create=True)
    box.add(raw)
    box.close()


def _sent(office: Path) -> list[EmailMessage]:
    """Sent mail parsed with the modern policy, so headers come back decoded."""
    (office / "mail").mkdir(exist_ok=True)
    box = mailbox.Maildir(str(office / "mail" / "sent"), create=True)
    return [email.message_from_bytes(box.get_bytes(key), policy=email.policy.default) for key in box.keys()]


def _plain(subject: str, body: str, sender: str = "van.thu@skhcn.binhminh.example.vn") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "docket@skhcn.binhminh.example.vn", subject
    msg["Message-ID"] = f"<{abs(hash(subject + body))}@skhcn.binhminh.example.vn>"
    msg.set_content(body)
    return msg.as_bytes()


def test_forwarded_docx_becomes_tasks_and_one_confirmation(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    _deliver(
        office,
        build_email(
            build_docx(sample_text()), now=vn(2026, 11, 24, 9, 0), domain="skhcn.binhminh.example.vn"
        ),
    )
    run_daemon(app, once=True)
    with app.sessions() as session:
        notice = session.scalars(select(Notice)).one()
        assert (notice.number, notice.doc_type, notice.issued_date) == (
            "412/TB-SKHCN",
            "Thông báo",
            date(2026, 11, 16),
        )
        tasks = session.scalars(select(Task)).all()
        by_lead = {tuple(t.unit_names(Role.LEAD)): t for t in tasks}
        assert by_lead[("Phòng Kế hoạch - Tài chính",)].deadline == date(2026, 11, 30)
        assert by_lead[("Phòng Kế hoạch - Tài chính",)].unit_names(Role.SUPPORT) == ["Văn phòng Sở"]
        assert by_lead[("Phòng Quản lý công nghệ",)].deadline == date(2026, 12, 10)
        assert by_lead[("Trung tâm Chuyển đổi số",)].deadline == date(2027, 3, 31)
        assert by_lead[("Văn phòng Sở",)].recurrence == "monthly"
        assert session.scalar(select(InboundMessage.stage)) is Stage.PROCESSED
    confirmation = [m for m in _sent(office) if m["To"] == "van.thu@skhcn.binhminh.example.vn"]
    assert len(confirmation) == 1 and "412/TB-SKHCN" in confirmation[0]["Subject"]
    assert confirmation[0]["In-Reply-To"] == "<demo-notice-412@skhcn.binhminh.example.vn>"
    assert confirmation[0]["Auto-Submitted"] == "auto-generated"
    assert "30/11/2026" in confirmation[0].get_body(preferencelist=("plain",)).get_content()


def test_second_pass_and_second_forward_create_nothing_new(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    raw = build_email(
        build_docx(sample_text()), now=vn(2026, 11, 24, 9, 0), domain="skhcn.binhminh.example.vn"
    )
    _deliver(office, raw)
    run_daemon(app, once=True)
    with app.sessions() as session:
        tasks_before = session.scalar(select(func.count(Task.id)))
    sent_before = len(_sent(office))
    run_daemon(app, once=True)
    assert len(_sent(office)) == sent_before

    # the same notice forwarded again a week later by another clerk: one notice, no new task, "already
    # registered"
    again = raw.replace(b"demo-notice-412", b"demo-notice-412-again").replace(b"van.thu@", b"ke.toan@")
    _deliver(office, again)
    run_daemon(make_app(now=vn(2026, 12, 1, 9, 0)), once=True)
    with app.sessions() as session:
        assert session.scalar(select(func.count(Notice.id))) == 1
        # nothing from the second forward; the monthly task's next occurrence (its 25/11 passed) is the
        # scheduler's
        assert session.scalar(select(func.count(Task.id)).where(Task.previous_id.is_(None))) == tasks_before
        dispositions = sorted(session.scalars(select(InboundMessage.disposition)))
    assert dispositions == ["duplicate", "registered"]
    repeat = [m for m in _sent(office) if m["To"] == "ke.toan@skhcn.binhminh.example.vn"]
    assert len(repeat) == 1 and "Đã đăng ký trước đó" in str(repeat[0]["Subject"])


def test_mail_without_a_notice_is_kept_and_answered(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    _deliver(office, _plain("Hello", "Chào chị, hẹn gặp lại."))
    run_daemon(app, once=True)
    with app.sessions() as session:
        row = session.scalars(select(InboundMessage)).one()
        assert row.raw and row.error
        assert session.scalar(select(func.count(Task.id))) == 0
        kinds = list(session.scalars(select(OutboxMessage.kind)))
    assert kinds == ["no-notice"]  # answered politely: no notice found (issue 10), not "unreadable"


def test_stranger_is_quarantined_without_any_reply(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    _deliver(office, _plain("Fwd: Thông báo", sample_text(), sender="someone@gmail.example.com"))
    run_daemon(app, once=True)
    with app.sessions() as session:
        assert session.scalar(select(InboundMessage.stage)) is Stage.QUARANTINED
        assert session.scalar(select(func.count(OutboxMessage.id))) == 0
        assert session.scalar(select(func.count(Task.id))) == 0


def test_our_own_bug_parks_the_message_and_tells_the_sender_plainly(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    from service.errors import InternalError
    from service.runners.intake import intake_once
    from service.mailbox import open_mailbox
    from service.runners.process import park_failed

    app = make_app()
    _deliver(
        office,
        build_email(
            build_docx(sample_text()), now=vn(2026, 11, 24, 9, 0), domain="skhcn.binhminh.example.vn"
        ),
    )
    intake_once(app, open_mailbox(app.settings.mailbox, settings=app.settings))
    with app.sessions() as session:
        row_id = session.scalar(select(InboundMessage.id))
    park_failed(app, row_id, InternalError("KeyError: 'some_pattern'"), now=app.clock.now())
    with app.sessions() as session:
        row = session.get(InboundMessage, row_id)
        assert (row.stage, row.disposition, row.error) == (
            Stage.FAILED,
            "internal-error",
            "KeyError: 'some_pattern'",
        )
        assert row.raw  # kept for `docket notices reprocess`
        mail = session.scalars(select(OutboxMessage)).one()
    # Our fault, said as ours: no error text, no request to send the document again.
    assert "lỗi nội bộ" in mail.body_text and "không cần gửi lại" in mail.body_text
    assert "KeyError" not in mail.body_text and "gửi lại văn bản dưới dạng" not in mail.body_text
