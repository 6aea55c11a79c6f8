"""A notice forwarded again (issue 10, item 7): never a second notice, never silent new tasks.

The same Thông báo, corrected (one deadline moved, one task added), forwarded again by the clerk: the tasks
stay as they are, and the clerk's confirmation lists, in Vietnamese, what would change. The change is applied
when the clerk answers "đồng ý" (the same answer that releases a held send-out) or when the admin applies it
with `docket notices reprocess TB-… --apply`. A re-forward that changes nothing is a plain duplicate.
"""

from __future__ import annotations

import mailbox
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from service.clock import FixedClock
from service.runners.daemon import run_daemon
from service.store.models import InboundMessage, Notice, Task
from outbox.models import OutboxMessage
from service.store.stages import TaskStatus
from tests.conftest import vn

D = "skhcn.binhminh.example.vn"
CLERK = f"van.thu@{D}"
HEAD = (
    "UBND TỈNH BÌNH MINH\nSỞ KHOA HỌC VÀ CÔNG NGHỆ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - "
    "Hạnh phúc\n"
    "Số: 31/TB-SKHCN\nBình Minh, ngày 20 tháng 11 năm 2026\n\nTHÔNG BÁO\nKết luận của Giám đốc Sở tại cuộc "
    "họp giao ban\n\n"
    "Giám đốc Sở kết luận như sau:\n\n"
)
ONE = ("1. Giao Phòng Kế hoạch - Tài chính rà soát dự toán ngân sách năm 2027, báo cáo Giám đốc Sở trước "
       "ngày {day}.\n\n")
TWO = "2. Thanh tra Sở xây dựng kế hoạch thanh tra năm 2027, trình Giám đốc Sở trước ngày 15/12/2026.\n\n"
THREE = ("3. Trung tâm Chuyển đổi số cập nhật cơ sở dữ liệu khoa học và công nghệ, hoàn thành trước ngày "
         "20/12/2026.\n\n")
FOOT = "Nơi nhận:\n- Các phòng, đơn vị;\n- Lưu: VT.\n\nTL. GIÁM ĐỐC\nCHÁNH VĂN PHÒNG\n"
FIRST = HEAD + ONE.format(day="30/11/2026") + TWO + FOOT
CORRECTED = HEAD + ONE.format(day="05/12/2026") + TWO + THREE + FOOT


def _forward(text: str, n: int) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = (
        f"Văn thư <{CLERK}>",
        f"docket@{D}",
        "Fwd: Thông báo số 31/TB-SKHCN",
    )
    msg["Message-ID"], msg["Date"] = f"<reforward-{n}@{D}>", format_datetime(vn(2026, 11, 23, 8, 0))
    msg.set_content("Chuyển Docket theo dõi.\n\n---------- Forwarded message ----------\n\n" + text)
    return msg.as_bytes()


def _reply(to: OutboxMessage, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = f"Văn thư <{CLERK}>", f"docket@{D}", "Re: " + to.subject
    msg["Message-ID"], msg["Date"] = f"<agree-{to.id}@{D}>", format_datetime(vn(2026, 11, 23, 10, 0))
    msg["In-Reply-To"] = msg["References"] = to.message_id
    msg.set_content(body)
    return msg.as_bytes()


def _deliver(office: Path, raw: bytes) -> None:
    (office / "mail").mkdir(exist_ok=True)
    box = mailbox.Maildir(str(office / "mail" / "inbox"), create=True)
    box.add(raw)
    box.close()


def _tasks(app) -> list[tuple[str, date | None, TaskStatus]]:  # type: ignore[no-untyped-def]
    with app.sessions() as session:
        assert session.scalar(select(func.count(Notice.id))) == 1
        return [(t.text, t.deadline, t.status) for t in session.scalars(select(Task).order_by(Task.id))]


def _reforwarded(make_app, office: Path):  # type: ignore[no-untyped-def]
    """The notice registered (two tasks), then the corrected version forwarded again; returns the app and the
    confirmation of the re-forward."""
    app = make_app(now=vn(2026, 11, 23, 8, 30), wide_send_units=0)
    _deliver(office, _forward(FIRST, 1))
    run_daemon(app, once=True)
    before = _tasks(app)
    assert [d for _, d, _ in before] == [date(2026, 11, 30), date(2026, 12, 15)]
    app.clock = FixedClock(vn(2026, 11, 23, 9, 0))
    _deliver(office, _forward(CORRECTED, 2))
    run_daemon(app, once=True)
    assert _tasks(app) == before  # nothing changed yet, nothing added
    with app.sessions() as session:
        row = session.scalars(
            select(InboundMessage).where(InboundMessage.message_id == "<reforward-2@" + D + ">")
        ).one()
        assert row.disposition == "revision", (row.disposition, row.error)
        mail = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "confirmation")
            .order_by(OutboxMessage.id.desc())
        ).first()
        assert mail.to_addrs == [CLERK] and mail.dedupe_key.startswith(f"confirmation:{row.id}:")
    text = mail.body_text
    assert "không tạo thêm nhiệm vụ trùng lặp" not in text
    # the changed deadline, old and new
    assert "NV-1" in text and "30/11/2026" in text and "05/12/2026" in text, text
    # the added task; how to apply
    assert "cơ sở dữ liệu khoa học và công nghệ" in text and '"đồng ý"' in text, text
    assert "NV-2" not in text.split("THAY ĐỔI")[-1], text  # the unchanged task is not listed as a change
    return app, mail


def _applied(app) -> None:  # type: ignore[no-untyped-def]
    tasks = _tasks(app)
    assert [(d, s) for _, d, s in tasks] == [
        (date(2026, 12, 5), TaskStatus.OPEN),
        (date(2026, 12, 15), TaskStatus.OPEN),
        (date(2026, 12, 20), TaskStatus.OPEN),
    ], tasks
    assert "cơ sở dữ liệu" in tasks[2][0]


def test_a_corrected_reforward_is_proposed_and_applied_on_the_clerks_agreement(
    make_app, office: Path
) -> None:  # type: ignore[no-untyped-def]
    app, confirmation = _reforwarded(make_app, office)
    _deliver(office, _reply(confirmation, "Đồng ý."))
    run_daemon(app, once=True)
    _applied(app)
    with app.sessions() as session:
        ack = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reply-ack")).one()
    assert ack.to_addrs == [CLERK] and "đã được áp dụng" in ack.body_text
    _deliver(office, _reply(confirmation, "Đồng ý."))  # agreeing twice changes nothing more
    run_daemon(app, once=True)
    _applied(app)


def test_the_admin_applies_a_proposed_change_with_reprocess(
    make_app, office: Path, database_url: str
) -> None:  # type: ignore[no-untyped-def]
    from service.cli import app as cli

    app, _ = _reforwarded(make_app, office)
    env = {
        "DOCKET_DATABASE_URL": database_url,
        "DOCKET_DIRECTORY": str(office / "directory.yaml"),
        "DOCKET_FROM": f"docket@{D}",
        "DOCKET_MAILBOX": f"maildir:{office / 'mail' / 'inbox'}",
        "DOCKET_SMTP": f"maildir:{office / 'mail' / 'sent'}",
        "DOCKET_CONFIG": str(office / "absent.toml"),
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(
        cli,
        ["notices", "reprocess", "TB-1", "--apply", "--now", "2026-11-23T09:30:00+07:00"],
        env=env,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    _applied(app)


def test_the_same_notice_forwarded_again_unchanged_is_a_plain_duplicate(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(now=vn(2026, 11, 23, 8, 30), wide_send_units=0)
    _deliver(office, _forward(FIRST, 1))
    run_daemon(app, once=True)
    before = _tasks(app)
    _deliver(office, _forward(FIRST.replace("\n\n", "\n"), 3))  # another rendering: other line breaks
    run_daemon(app, once=True)
    assert _tasks(app) == before
    with app.sessions() as session:
        row = session.scalars(
            select(InboundMessage).where(InboundMessage.message_id == "<reforward-3@" + D + ">")
        ).one()
        assert row.disposition == "duplicate"
