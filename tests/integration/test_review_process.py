"""Review findings on the processing path: locks held while reading a message, workers racing on one
notice."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import create_engine, text

from service.store.models import InboundMessage, Notice
from outbox.models import OutboxMessage
from service.runners.process import process_pending
from service.store.stages import Stage
from service.tasks.units import import_directory

D = "@skhcn.binhminh.example.vn"
BODY = """UBND TỈNH BÌNH MINH
SỞ KHOA HỌC VÀ CÔNG NGHỆ
Số: 31/TB-SKHCN
Bình Minh, ngày 03 tháng 11 năm 2026
THÔNG BÁO
Kết luận của Giám đốc Sở tại cuộc họp ngày 02/11/2026
1. Giao Phòng Kế hoạch - Tài chính chủ trì rà soát dự toán ngân sách năm 2027, báo cáo trước ngày 30/11/2026.
"""


def _queue(app, n: int, sender: str = f"van.thu{D}") -> int:  # type: ignore[no-untyped-def]
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, f"docket{D}", "Fwd: Thông báo 31/TB-SKHCN"
    msg["Message-ID"] = f"<fwd-{n}@skhcn.binhminh.example.vn>"
    msg["Date"] = format_datetime(app.clock.now())
    msg.set_content(BODY)
    raw = msg.as_bytes()
    with app.sessions.begin() as session:
        row = InboundMessage(
            mailbox="test",
            source_key=f"k{n}",
            content_hash=hashlib.sha256(raw).hexdigest(),
            raw=raw,
            size=len(raw),
            sender=sender,
            subject="Fwd",
            received_at=app.clock.now(),
            stage=Stage.RECEIVED,
            attempts=0,
        )
        session.add(row)
        session.flush()
        return row.id


def test_reading_a_message_does_not_hold_the_database_write_lock(make_app, database_url: str) -> None:  # type: ignore[no-untyped-def]
    """Parsing may take DOCKET_EXTRACT_TIMEOUT (120 s); the admin CLI and other workers must write
    meanwhile."""
    app = make_app()
    with app.sessions.begin() as session:
        import_directory(session, app.directory)
    _queue(app, 1)
    sandbox, outcomes = app.sandbox, []
    real_run = sandbox.run
    other = create_engine(
        database_url, connect_args={"timeout": 1} if database_url.startswith("sqlite") else {}
    )

    def parse_while_someone_writes(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            with other.begin() as conn:
                conn.execute(text("INSERT INTO sync_state (mailbox) VALUES ('written-during-parse')"))
            outcomes.append("written")
        except Exception as err:  # noqa: BLE001 - the failure is what the test looks for
            outcomes.append(f"{type(err).__name__}: {err}")
        return real_run(*args, **kwargs)

    sandbox.run = parse_while_someone_writes  # type: ignore[method-assign]
    try:
        assert process_pending(app) == 1
    finally:
        other.dispose()
    assert outcomes == ["written"]
    with app.sessions() as session:
        row = session.get(InboundMessage, 1)
        assert row is not None and (row.stage, row.disposition) == (Stage.PROCESSED, "registered")


def test_two_workers_registering_the_same_notice_at_once(make_app, database_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Two clerks forward one notice; two workers (PostgreSQL) register it at the same moment: one notice,
    no failure."""
    import pytest

    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): the race needs two concurrent transactions")
    from service.tasks import register as register_module
    from service.runners.process import process_one

    app = make_app()
    with app.sessions.begin() as session:
        import_directory(session, app.directory)
    first, second = _queue(app, 1), _queue(app, 2, sender=f"chanh.van.phong{D}")
    real_new_notice, raced, started = register_module._new_notice, [], []

    def the_other_worker_gets_there_first(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not started:  # between this worker's look-up and its insert, the other one commits the same notice
            started.append(True)
            raced.append(process_one(app, second, now=app.clock.now()))
        return real_new_notice(*args, **kwargs)

    monkeypatch.setattr(register_module, "_new_notice", the_other_worker_gets_there_first)
    outcome = process_one(app, first, now=app.clock.now())
    assert raced and raced[0].disposition == "registered"
    assert (outcome.stage, outcome.disposition) == (Stage.PROCESSED, "duplicate"), outcome.error
    with app.sessions() as session:
        assert session.query(Notice).count() == 1
        confirmations = session.query(OutboxMessage).filter(OutboxMessage.kind == "confirmation").count()
        assert confirmations == 2


def test_a_spoofed_sender_failing_dmarc_hears_nothing_about_an_unreadable_message(make_app) -> None:  # type: ignore[no-untyped-def]
    """Our server's Authentication-Results (on top) says dmarc=fail; a forged one further down says pass."""
    app = make_app(max_message_bytes=600)
    with app.sessions.begin() as session:
        import_directory(session, app.directory)
    raw = (
        "Authentication-Results: mx.skhcn.binhminh.example.vn; dmarc=fail "
        "header.from=skhcn.binhminh.example.vn\r\n"
        "Authentication-Results: mx.skhcn.binhminh.example.vn; dmarc=pass "
        "header.from=skhcn.binhminh.example.vn\r\n"
        f"From: van.thu{D}\r\nTo: docket{D}\r\nSubject: Fwd: văn bản\r\nMessage-ID: "
        "<spoof-1@elsewhere.example>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n" + "x" * 800 + "\r\n"
    ).encode()
    with app.sessions.begin() as session:
        session.add(
            InboundMessage(
                mailbox="test",
                source_key="spoof",
                content_hash=hashlib.sha256(raw).hexdigest(),
                raw=raw,
                size=len(raw),
                sender=f"van.thu{D}",
                subject="Fwd",
                received_at=app.clock.now(),
                stage=Stage.RECEIVED,
                attempts=0,
            )
        )
    assert process_pending(app) == 1
    with app.sessions() as session:
        row = session.query(InboundMessage).one()
        # Headers first (issue 10, item 3): the failed authentication sets it aside before its size is even
        # looked at.
        assert row.stage is Stage.QUARANTINED and "authentication failed (dmarc=fail)" in (row.error or "")
        assert session.query(OutboxMessage).count() == 0, "backscatter: a forged sender was answered"


def test_overlong_header_and_file_name_do_not_fail_the_notice(make_app) -> None:  # type: ignore[no-untyped-def]
    """A 1,200-character Message-ID and a 240-character attachment name: registered on PostgreSQL as on
    SQLite."""
    app = make_app()
    with app.sessions.begin() as session:
        import_directory(session, app.directory)
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = f"van.thu{D}", f"docket{D}", "Fwd: Thông báo 31/TB-SKHCN"
    msg["Message-ID"] = "<" + "a" * 1200 + "@skhcn.binhminh.example.vn>"
    msg["Date"] = format_datetime(app.clock.now())
    msg.set_content("Kính chuyển Văn phòng thông báo kết luận (tệp đính kèm).")
    name = "Thong bao ket luan cua Giam doc So " * 7 + ".txt"
    msg.add_attachment(BODY.encode(), maintype="text", subtype="plain", filename=name)
    raw = msg.as_bytes()
    with app.sessions.begin() as session:
        session.add(
            InboundMessage(
                mailbox="test",
                source_key="long",
                content_hash=hashlib.sha256(raw).hexdigest(),
                raw=raw,
                size=len(raw),
                sender=f"van.thu{D}",
                subject="Fwd",
                received_at=app.clock.now(),
                stage=Stage.RECEIVED,
                attempts=0,
            )
        )
    assert process_pending(app) == 1
    with app.sessions() as session:
        row = session.query(InboundMessage).one()
        assert (row.stage, row.disposition) == (Stage.PROCESSED, "registered"), row.error
