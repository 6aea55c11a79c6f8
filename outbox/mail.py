"""The value object for one outgoing mail, and its rendering as an RFC 5322 message."""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime

from outbox.models import MailKind

AUTO_HEADERS = {
    "Auto-Submitted": "auto-generated",
    "X-Auto-Response-Suppress": "All",
    "Precedence": "bulk",
}
MAX_SUBJECT = 160
# The footer line every mail of ours carries (templates/_foot.*, and each template without it): how our own
# mail is known when it comes back forwarded or bounced without its headers (service.runners.own_mail).
OWN_MARK = "Thư tự động từ Docket"
_CONTROL = re.compile(r"[\r\n\t\x00-\x1f\x7f]+")
WORD_BYTES = 39  # UTF-8 bytes per encoded word: "Subject: " + "=?utf-8?b?" + 52 base64 + "?=" stays within 78


def clean_header(value: str, *, limit: int = MAX_SUBJECT) -> str:
    """Text from a notice never breaks a header: no CR/LF, and cut on a word with an ellipsis."""
    text = _CONTROL.sub(" ", value).strip()
    text = re.sub(r"\s{2,}", " ", text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    kind: MailKind  # a string is read as its MailKind (an unknown kind is a ValueError)
    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    cc: tuple[str, ...] = ()
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    extra_headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", MailKind(self.kind))


def render_message(
    *,
    from_addr: str,
    to: list[str],
    cc: list[str],
    subject: str,
    text: str,
    html: str | None,
    message_id: str,
    headers: dict[str, str],
    date: datetime,
) -> EmailMessage:
    """Build the wire message; every header value is cleaned again here, whatever its origin."""
    msg = EmailMessage()
    msg["From"] = from_addr
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg.set_raw("Subject", encoded_subject(clean_header(subject)))
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(date)
    for name, value in {**AUTO_HEADERS, **headers}.items():
        msg[name] = clean_header(str(value), limit=990)
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def encoded_subject(subject: str) -> str:
    """The subject as RFC 2047 encoded words folded on word boundaries, each space inside the word before it.

    email's own folding can put the space between two words outside the encoded words as folding
    whitespace, where a decoder drops it ("Tổng" + "Bình" read as "TổngBình"); this never does. Set with
    Message.set_raw: short lines are written as given (policy.refold_source 'long').
    """
    if subject.isascii() and len(subject) <= 60:
        return subject
    chunks, current = [], ""
    for char in subject:
        if len((current + char).encode()) > WORD_BYTES:
            # after the last space, else mid-word (a very long word)
            cut = current.rfind(" ") + 1 or len(current)
            chunks.append(current[:cut])
            current = current[cut:]
        current += char
    chunks.append(current)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(c.encode()).decode('ascii')}?=" for c in chunks if c)
