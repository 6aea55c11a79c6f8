"""Read one e-mail: envelope, the forwarder's note, and the notices it carries (attachments or forwarded
body).

Never raises on malformed MIME: whatever could be read is returned, and each failure becomes a warning.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import re
from dataclasses import dataclass, field
from email.message import Message

from extractors.base import EmailEnvelope, ExtractedMessage, ExtractedText, ExtractionError, Limits
from extractors.builder import TextBuilder
from extractors.documents import extract_bytes
from extractors.email_forward import split_forward
from extractors.email_mime import (
    decode_header,
    header_line,
    is_attachment,
    part_bytes,
    part_filename,
    part_text,
    sender_of,
)
from extractors.html_text import html_to_text
from extractors.normalize import normalize_text
from extractors.sniff import SUPPORTED, kind_of

SELECTED_HEADERS = (
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "Precedence",
    "Return-Path",
    "Content-Type",
    "Authentication-Results",
    "X-Auto-Response-Suppress",
    "X-Failed-Recipients",
    "List-Id",
    "X-Loop",
)
_NOTICE_CUES = re.compile(r"(?im)^\s*(?:Số\s*:|CỘNG HÒA XÃ HỘI|CỘNG HOÀ XÃ HỘI|Kính gửi|Nơi nhận|V/v\s)")
NO_NOTICE = "no notice found: no attachment of a supported type and no forwarded notice"
NO_TEXT = "no text body and no readable attachment"
NOTHING_FOUND = frozenset({NO_NOTICE, NO_TEXT})  # notes, not failures: the mail simply carries no notice
MAX_NESTING = 20  # MIME levels read; deeper parts are skipped with a warning
MIN_NOTICE_CHARS = 400  # a forwarded body shorter than this, with no notice cue, is a cover note
HEADER_SCAN = 256 * 1024  # bytes looked at for the header block: headers are read without touching the body


@dataclass
class _State:
    limits: Limits
    bodies: list[tuple[str, bool]] = field(default_factory=list)  # (text, is_html) of the top message
    inner_bodies: list[str] = field(default_factory=list)  # bodies of attached message/rfc822 parts
    inner_headers: dict[str, str] = field(default_factory=dict)
    attachments: list[ExtractedText] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    carried_ids: list[str] = field(default_factory=list)  # ids of attached mail (message/rfc822, .eml)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def envelope_of(msg: Message) -> EmailEnvelope:
    sender = sender_of(msg)
    refs = tuple(re.findall(r"<[^<>\s]+>", header_line(msg.get("References"))))
    headers = {}
    for key in SELECTED_HEADERS:
        values = msg.get_all(key)
        if values is not None:
            headers[key] = "\n".join(header_line(v) for v in values)
    return EmailEnvelope(
        sender=sender.address,
        sender_name=sender.name,
        sender_problem=sender.problem,
        subject=decode_header(msg.get("Subject")) or None,
        message_id=header_line(msg.get("Message-ID")) or None,
        in_reply_to=header_line(msg.get("In-Reply-To")) or None,
        references=refs,
        date=header_line(msg.get("Date")) or None,
        headers=headers,
    )


def header_block(raw: bytes, *, limit: int = HEADER_SCAN) -> bytes:
    """The top-level header section (up to the first empty line), from the first `limit` bytes only.

    A copy of at most `limit` bytes: a 40 MB message is never decoded or duplicated to read its headers.
    """
    head = raw[:limit]
    crlf, lf = head.find(b"\r\n\r\n"), head.find(b"\n\n")
    # through the last header's line end
    ends = [*([crlf + 2] if crlf >= 0 else []), *([lf + 1] if lf >= 0 else [])]
    return head[: min(ends)] if ends else head


def read_envelope(raw: bytes) -> EmailEnvelope:
    """The envelope from the header block alone (sender, loop signs): the body is never parsed."""
    return envelope_of(
        email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(header_block(raw))
    )


def _walk(part: Message, state: _State, *, inner: bool, depth: int = 0) -> None:
    if depth > MAX_NESTING:
        state.warn(f"MIME nesting deeper than {MAX_NESTING} levels: inner parts skipped")
        return
    ctype = part.get_content_type()
    if ctype == "message/rfc822" or (ctype.startswith("message/") and part.is_multipart()):
        for sub in part.get_payload() if isinstance(part.get_payload(), list) else []:
            if isinstance(sub, Message):
                state.carried_ids += _ids_of(sub)
                if not state.inner_headers:
                    state.inner_headers = {
                        k: decode_header(sub.get(k)) for k in ("From", "Date", "Subject", "To") if sub.get(k)
                    }
                _walk(sub, state, inner=True, depth=depth + 1)
        return
    if part.is_multipart():
        subs = (
            [s for s in part.get_payload() if isinstance(s, Message)]
            if isinstance(part.get_payload(), list)
            else []
        )
        if ctype == "multipart/alternative":
            subs = _choose_alternative(subs)
        for sub in subs:
            _walk(sub, state, inner=inner, depth=depth + 1)
        return
    if is_attachment(part) or not ctype.startswith("text/"):
        _attachment(part, state)
        return
    if ctype in ("text/plain", "text/html"):
        text, warning = part_text(part)
        if warning:
            state.warn(f"body: {warning}")
        if inner:
            state.inner_bodies.append(html_to_text(text) if ctype == "text/html" else text)
        else:
            state.bodies.append((text, ctype == "text/html"))


def _choose_alternative(subs: list[Message]) -> list[Message]:
    """HTML when it carries a table (structure plain text loses), else the plain text; others as is."""
    plain = [s for s in subs if s.get_content_type() == "text/plain"]
    html = [s for s in subs if s.get_content_type() == "text/html"]
    other = [s for s in subs if s not in plain and s not in html]
    if other:
        return other[-1:]  # e.g. multipart/related holding the HTML and its images
    if html and (not plain or _html_has_table(html[-1])):
        return html[-1:]
    return plain[:1] or html[-1:]


def _html_has_table(part: Message) -> bool:
    text, _ = part_text(part)
    return len(re.findall(r"<tr[\s>]", text, re.I)) >= 2


def _attachment(part: Message, state: _State) -> None:
    name = part_filename(part)
    data = part_bytes(part)
    label = name or part.get_content_type()
    kind = kind_of(data, name or "", content_type=part.get_content_type())
    if kind == "eml" and data:
        state.carried_ids += _ids_of(
            email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(data[: 256 * 1024])
        )
    if kind not in SUPPORTED:
        if part.get("Content-ID") and part.get_content_maintype() == "image":
            return  # inline images of the body (logos, signatures)
        if name:
            state.warn(f"attachment {label}: skipped, unsupported type")
        return
    if not data:
        state.warn(f"attachment {label}: empty or undecodable")
        return
    try:
        document = extract_bytes(
            data,
            name or f"attachment.{kind}",
            kind=kind,
            part=f"attachment:{label}",
            limits=state.limits,
            mail=main_document,
        )
        state.attachments.append(document)
    except ExtractionError as err:
        state.warn(f"attachment {label}: {err}")


_ID = re.compile(r"<[^<>\s]{1,900}>")
_ID_HEADERS = ("Message-ID", "In-Reply-To", "References")


def _ids_of(msg: Message) -> list[str]:
    """The Message-IDs a carried mail names: its own, and those it answers."""
    return [i for key in _ID_HEADERS for i in _ID.findall(header_line(msg.get(key)))][:50]


def _looks_like_notice(text: str) -> bool:
    return len(text) >= MIN_NOTICE_CHARS or (len(text) >= 150 and bool(_NOTICE_CUES.search(text)))


def _body_doc(text: str, part: str) -> ExtractedText:
    builder = TextBuilder()
    builder.add(text, part, normalized=True)
    return builder.build(part=part, kind="email-body")


def read_message(raw: bytes, *, limits: Limits = Limits()) -> ExtractedMessage:
    """The envelope, note and documents of one message; ExtractionError only when nothing can be parsed."""
    if not raw or not raw.strip():
        raise ExtractionError("empty message")
    cap = int(limits.max_bytes * 1.4) + (1 << 20)  # base64 overhead plus headers
    if len(raw) > cap:
        msg = email.parser.BytesHeaderParser().parsebytes(raw[: 256 * 1024])
        if not msg.keys():
            raise ExtractionError("not an e-mail message: no headers")
        return ExtractedMessage(
            envelope=envelope_of(msg),
            note="",
            documents=(),
            warnings=(f"message too big: {len(raw)} bytes (limit {cap}), not read",),
        )
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    except (
        RecursionError
    ):  # the stdlib parser recurses once per nested part: thousands of levels are bad input
        raise ExtractionError(
            f"MIME parts nested too deep to read (more than {MAX_NESTING} levels are not read)"
        ) from None
    if not msg.keys():
        raise ExtractionError("not an e-mail message: no headers")
    state = _State(limits=limits)
    try:
        _walk(msg, state, inner=False)
    except (RecursionError, ValueError, TypeError, AttributeError, LookupError) as err:
        state.warn(f"malformed MIME structure, partly read ({type(err).__name__})")
    for defect in msg.defects[:3]:
        state.warn(f"malformed MIME: {type(defect).__name__}")
    return _assemble(msg, state)


def _assemble(msg: Message, state: _State) -> ExtractedMessage:
    body = "\n\n".join(html_to_text(t) if is_html else t for t, is_html in state.bodies)
    split = split_forward(normalize_text(body, join_page_cuts=False))
    plain = not any(is_html for _, is_html in state.bodies)
    note = normalize_text(split.note, join_page_cuts=False)
    forwarded = normalize_text(split.forwarded, join_page_cuts=plain) if split.forwarded else ""
    headers = dict(split.headers)
    if state.inner_bodies and not forwarded:
        forwarded = normalize_text("\n\n".join(state.inner_bodies))
        headers = headers or state.inner_headers
    documents: tuple[ExtractedText, ...]
    if state.attachments:
        documents = tuple(state.attachments)
    elif forwarded and _looks_like_notice(forwarded):
        documents = (_body_doc(forwarded, "body:forwarded"),)
    elif not forwarded and _looks_like_notice(note):
        documents, note = (_body_doc(note, "body"),), ""
    else:
        documents = ()
        if not any(t.strip() for t, _ in state.bodies) and not any(t.strip() for t in state.inner_bodies):
            state.warn(NO_TEXT)
        else:
            state.warn(NO_NOTICE)
    carried = [
        *state.carried_ids,
        *(i for key in _ID_HEADERS for i in _ID.findall(split.headers.get(key, ""))),
    ]
    return ExtractedMessage(
        envelope=envelope_of(msg),
        note=note,
        documents=documents,
        warnings=tuple(state.warnings),
        forwarded_headers=headers,
        carried_ids=tuple(dict.fromkeys(carried)),
    )


def main_document(data: bytes, part: str, limits: Limits) -> ExtractedText:
    """A whole message read as one document: its first document, or the note on its body."""
    msg = read_message(data, limits=limits)
    if msg.documents:
        main = msg.documents[0]
        extra = tuple(w for w in msg.warnings if w not in main.warnings)
        return ExtractedText(
            text=main.text,
            part=main.part,
            kind=main.kind,
            segments=main.segments,
            warnings=main.warnings + extra,
        )
    return ExtractedText(text=msg.note, part="body", kind="email-body", segments=(), warnings=msg.warnings)
