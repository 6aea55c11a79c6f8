"""The values every extractor returns: text plus where each piece of it came from."""
from __future__ import annotations

from dataclasses import dataclass, field


class ExtractionError(Exception):
    """The bytes could not be read as the format they claim; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one input may cost; the service fills them from settings."""

    max_bytes: int = 30 * 1024 * 1024
    max_pdf_pages: int = 200
    max_unzipped_bytes: int = 100 * 1024 * 1024
    ocr: bool = True  # run tesseract on pages without a text layer, where it is installed


@dataclass(frozen=True, slots=True)
class Segment:
    """A span [start, end) of ExtractedText.text and where it came from: 'page 2', 'paragraph 14', 'table 1
    row 3'."""

    start: int
    end: int
    where: str


@dataclass(frozen=True, slots=True)
class ExtractedText:
    """The text of one document (a body, an attachment, a file), NFC-normalised.

    Lines are kept; paragraphs are separated by a blank line; table rows are one line with
    cells joined by ' | ' (so a task table keeps its columns).
    """

    text: str
    part: str  # 'body', 'attachment:Thông báo.docx', 'file:dev-01.docx'
    kind: str  # 'txt', 'html', 'docx', 'pdf', 'doc', 'email-body'
    segments: tuple[Segment, ...] = ()
    warnings: tuple[str, ...] = ()

    def where(self, offset: int) -> str | None:
        for seg in self.segments:
            if seg.start <= offset < seg.end:
                return seg.where
        return None


@dataclass(frozen=True, slots=True)
class EmailEnvelope:
    sender: str | None  # the forwarder's address (From:)
    sender_name: str | None
    subject: str | None
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    date: str | None  # the Date: header as written
    headers: dict[str, str] = field(default_factory=dict)  # selected headers (Auto-Submitted, Precedence ...)
    sender_problem: str | None = None  # why From gives no address to act on (two, unparseable): quarantine


@dataclass(frozen=True, slots=True)
class ExtractedMessage:
    """An e-mail split into the forwarder's own note and the notices it carries."""

    envelope: EmailEnvelope
    note: str  # the forwarder's own words (and signature), kept apart from the notice
    documents: tuple[ExtractedText, ...]  # attachments of supported types, or the forwarded body
    warnings: tuple[str, ...] = ()  # attachments that could not be read, and why
    # From/Date/Subject/To of the forwarded mail
    forwarded_headers: dict[str, str] = field(default_factory=dict)
    reply_text: str = ""  # the writer's own words when the message is a reply (extractors.reply_body)
    # Message-ID, In-Reply-To and References of mail carried inside this one (attached message/rfc822 or .eml
    # parts, a forwarded header block): how the service knows its own mail forwarded or bounced back.
    carried_ids: tuple[str, ...] = ()
