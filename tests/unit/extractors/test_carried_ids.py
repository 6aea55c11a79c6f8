"""The Message-IDs of mail carried inside a message (how the service knows its own mail coming back)."""
from __future__ import annotations

from email.message import EmailMessage

from extractors.email_message import read_message

OURS = "<docket.0a1b2c@so.example.vn>"


def _inner() -> EmailMessage:
    inner = EmailMessage()
    inner["From"], inner["To"], inner["Subject"] = (
        "Docket <docket@so.example.vn>",
        "khtc@so.example.vn",
        "[NV-3] Giao nhiệm vụ",
    )
    inner["Message-ID"], inner["References"] = OURS, "<docket.task-3@so.example.vn>"
    inner.set_content("Kính gửi: Phòng Kế hoạch - Tài chính\n" * 20)
    return inner


def _outer(subject: str) -> EmailMessage:
    outer = EmailMessage()
    outer["From"], outer["To"], outer["Subject"] = "van.thu@so.example.vn", "docket@so.example.vn", subject
    return outer


def test_an_attached_message_gives_its_ids() -> None:
    outer = _outer("Fwd: [NV-3] Giao nhiệm vụ")
    outer.set_content("Chuyển lại.")
    outer.add_attachment(_inner())
    assert read_message(outer.as_bytes()).carried_ids == (OURS, "<docket.task-3@so.example.vn>")


def test_an_eml_attached_as_a_file_gives_its_ids() -> None:
    outer = _outer("Fwd: thư")
    outer.set_content("Chuyển lại.")
    outer.add_attachment(
        _inner().as_bytes(), maintype="application", subtype="octet-stream", filename="thu.eml"
    )
    assert OURS in read_message(outer.as_bytes()).carried_ids


def test_a_forwarded_header_block_gives_its_message_id() -> None:
    outer = _outer("Fwd: thư")
    outer.set_content(
        f"Chuyển lại.\n\n-------- Forwarded Message --------\nSubject: \t[NV-3] Giao nhiệm vụ\n"
        f"Message-ID: \t{OURS}\nFrom: \tDocket <docket@so.example.vn>\n\n" + "Nội dung.\n" * 40
    )
    message = read_message(outer.as_bytes())
    assert (
        message.carried_ids == (OURS,)
        and message.forwarded_headers["From"] == "Docket <docket@so.example.vn>"
    )


def test_a_plain_notice_carries_no_ids() -> None:
    outer = _outer("Fwd: Thông báo")
    outer["References"] = "<x@clerk.example.vn>"
    outer.set_content("Số: 12/TB-SKHCN\n" + "Giao Văn phòng Sở tổng hợp.\n" * 30)
    assert read_message(outer.as_bytes()).carried_ids == ()
