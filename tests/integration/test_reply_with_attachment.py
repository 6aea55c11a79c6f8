"""A clerk answering our confirmation with a new notice attached forwards a notice; a unit answering its
assignment with its report attached is replying about its task."""
from __future__ import annotations

import mailbox
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import func, select

from service.runners.daemon import run_daemon
from service.demo.build import build_docx, build_email, sample_text
from service.store.models import InboundMessage, Notice
from outbox.models import OutboxMessage
from service.store.stages import Stage

from tests.conftest import vn

DOCX = "application", "vnd.openxmlformats-officedocument.wordprocessingml.document"
DOMAIN = "skhcn.binhminh.example.vn"
REPORT = ("SỞ KHOA HỌC VÀ CÔNG NGHỆ\nPHÒNG KẾ HOẠCH - TÀI CHÍNH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
          "Độc lập - Tự do - Hạnh phúc\nSố: 12/BC-KHTC\nBình Minh, ngày 24 tháng 11 năm 2026\n\nBÁO CÁO\n"
          "Kết quả rà soát dự toán ngân sách năm 2027\n\nPhòng đã hoàn thành rà soát dự toán theo yêu cầu.\n")


def _deliver(office: Path, raw: bytes) -> None:
    (office / "mail").mkdir(exist_ok=True)
    box = mailbox.Maildir(str(office / "mail" / "inbox"), create=True)
    box.add(raw)


def _answer(to_message_id: str, sender: str, attachment_text: str, message_id: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, f"docket@{DOMAIN}", "Re: thông báo"
    msg["Message-ID"], msg["In-Reply-To"], msg["References"] = message_id, to_message_id, to_message_id
    msg.set_content("Kính gửi Docket,\nEm gửi kèm văn bản.\n")
    msg.add_attachment(
        build_docx(attachment_text), maintype=DOCX[0], subtype=DOCX[1], filename="kem-theo.docx"
    )
    return msg.as_bytes()


def test_new_notice_in_answer_to_a_confirmation_is_registered(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    # the sample notice reaches 5 units: no review hold, its assignments go at once
    app = make_app(wide_send_units=0)
    _deliver(office, build_email(build_docx(sample_text()), now=vn(2026, 11, 24, 9, 0), domain=DOMAIN))
    run_daemon(app, once=True)
    with app.sessions() as session:
        confirmation = session.scalar(
            select(OutboxMessage.message_id).where(OutboxMessage.kind == "confirmation")
        )
        assignment = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "assignment"))
        unit_address, assignment_id = assignment.to_addrs[0], assignment.message_id
    second = sample_text().replace("412/TB-SKHCN", "430/TB-SKHCN")
    _deliver(office, _answer(confirmation, f"van.thu@{DOMAIN}", second, f"<clerk-2@{DOMAIN}>"))
    _deliver(office, _answer(assignment_id, unit_address, REPORT, f"<unit-1@{DOMAIN}>"))
    run_daemon(make_app(now=vn(2026, 11, 25, 9, 0), wide_send_units=0), once=True)
    with app.sessions() as session:
        numbers = set(session.scalars(select(Notice.number)))
        stages = {r.message_id: (r.stage, r.disposition) for r in session.scalars(select(InboundMessage))}
        assert session.scalar(select(func.count(Notice.id))) == 2
    assert numbers == {"412/TB-SKHCN", "430/TB-SKHCN"}
    assert stages[f"<clerk-2@{DOMAIN}>"] == (Stage.PROCESSED, "registered")
    assert stages[f"<unit-1@{DOMAIN}>"][0] is Stage.REPLY
