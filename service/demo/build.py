"""Build the demo's inputs from the packaged sample text: a .docx notice forwarded by an allowed clerk."""
from __future__ import annotations

import io
import mailbox
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from importlib import resources
from pathlib import Path

import yaml
from docx import Document

DEMO_MESSAGE_ID = "<demo-notice-412@skhcn.binhminh.example.vn>"
FORWARDER = "van.thu@skhcn.binhminh.example.vn"


def sample_text() -> str:
    return resources.files("service.demo").joinpath("notice.txt").read_text(encoding="utf-8")


def sample_directory() -> str:
    return resources.files("service.demo").joinpath("directory.yaml").read_text(encoding="utf-8")


def build_docx(text: str) -> bytes:
    """The notice as Word writes it: letterhead lines as a 2-column table, body as paragraphs."""
    lines = text.split("\n")
    doc = Document()
    table = doc.add_table(rows=3, cols=2)
    for row, (left, right) in enumerate(
        ((lines[0] + "\n" + lines[1], lines[2] + "\n" + lines[3]), (lines[4], lines[5]))
    ):
        table.cell(row, 0).text, table.cell(row, 1).text = left, right
    for paragraph in "\n".join(lines[6:]).split("\n"):
        doc.add_paragraph(paragraph)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def build_email(docx: bytes, *, now: datetime, domain: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Văn thư Sở <{FORWARDER}>"
    msg["To"] = f"docket@{domain}"
    msg["Subject"] = "Fwd: Thông báo kết luận giao ban tháng 11/2026"
    msg["Message-ID"] = DEMO_MESSAGE_ID
    msg["Date"] = format_datetime(now)
    msg.set_content(
        "Kính gửi Văn phòng,\nEm chuyển Thông báo kết luận số 412/TB-SKHCN để theo dõi.\nTrân trọng.\n"
    )
    msg.add_attachment(
        docx,
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="412-TB-SKHCN.docx",
    )
    return msg.as_bytes()


def prepare(folder: Path, *, now: datetime) -> dict[str, str]:
    """Create the demo folder once; returns the settings that point Docket at it."""
    folder.mkdir(parents=True, exist_ok=True)
    directory = folder / "directory.yaml"
    if not directory.exists():
        directory.write_text(sample_directory(), encoding="utf-8")
    domain = yaml.safe_load(sample_directory())["domain"]
    marker = folder / ".notice-delivered"
    inbox = folder / "mail" / "inbox"
    if not marker.exists():
        inbox.parent.mkdir(parents=True, exist_ok=True)
        box = mailbox.Maildir(str(inbox), create=True)
        box.add(build_email(build_docx(sample_text()), now=now, domain=domain))
        box.close()
        marker.write_text(DEMO_MESSAGE_ID + "\n", encoding="utf-8")
    return {
        "database_url": f"sqlite:///{folder / 'docket.db'}",
        "mailbox": f"maildir:{inbox}",
        "smtp": f"maildir:{folder / 'mail' / 'sent'}",
        "directory": str(directory),
        "from_address": f"docket@{domain}",
    }


def sent_file(folder: Path, message_id: str) -> Path | None:
    """The file in the sent Maildir that holds the message with this Message-ID."""
    sent = folder / "mail" / "sent"
    for sub in ("new", "cur"):
        for path in sorted((sent / sub).glob("*")) if (sent / sub).exists() else []:
            if message_id.encode() in path.read_bytes()[:8192]:
                return path
    return None
