"""Pick the extractor for a file by sniffed content and extension, and run it within the limits."""
from __future__ import annotations

import os
from collections.abc import Callable

from extractors.base import ExtractedText, ExtractionError, Limits
from extractors.docx_package import OLE_MAGIC, is_encrypted_office

SUPPORTED = ("txt", "html", "docx", "pdf", "doc", "eml")
_BY_EXT = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".xhtml": "html", ".docx": "docx",
           ".docm": "docx", ".dotx": "docx", ".pdf": "pdf", ".doc": "doc", ".dot": "doc", ".eml": "eml"}
_BY_MIME = {"application/pdf": "pdf", "application/x-pdf": "pdf", "application/msword": "doc",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
            "text/plain": "txt", "text/html": "html", "message/rfc822": "eml"}
_WORD_STREAM = "WordDocument".encode("utf-16-le")


def kind_of(data: bytes, filename: str, *, content_type: str | None = None) -> str:
    """'pdf', 'docx', 'doc', 'html', 'txt', 'eml', 'encrypted-office', or 'unsupported'."""
    ext = os.path.splitext(filename.lower())[1]
    by_name = _BY_EXT.get(ext) or _BY_MIME.get((content_type or "").lower())
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx" if b"word/" in data[:65536] or by_name == "docx" else "unsupported"
    if data[:8] == OLE_MAGIC:
        if is_encrypted_office(data):
            return "encrypted-office"
        if _WORD_STREAM in data or by_name == "doc":
            return "doc"
        return "unsupported"
    if by_name in ("pdf", "docx", "doc"):
        return by_name  # claims a binary format but does not look like it: the reader reports why
    if by_name:
        return by_name
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "unsupported"
    low = head.lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html")):
        return "html"
    if ext in ("", ".msg") and _looks_like_mail(head):
        return "eml"
    return "txt" if ext in ("", ".txt") else "unsupported"


def _looks_like_mail(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0]
    return (b":" in first and not first.startswith(b" ")
            and any(k in head for k in (b"\nFrom:", b"\nSubject:", b"\nMessage-ID:", b"\nReceived:")))


def _readers() -> dict[str, Callable[..., ExtractedText]]:
    from extractors.doc import read_doc
    from extractors.docx import read_docx
    from extractors.html_text import read_html
    from extractors.pdf import read_pdf
    from extractors.text import read_text

    return {
        "txt": lambda data, part, limits: read_text(data, part=part),
        "html": lambda data, part, limits: read_html(data, part=part),
        "docx": lambda data, part, limits: read_docx(data, part=part, limits=limits),
        "pdf": lambda data, part, limits: read_pdf(data, part=part, limits=limits),
        "doc": lambda data, part, limits: read_doc(data, part=part),
        "eml": _main_document,
    }


def _main_document(data: bytes, part: str, limits: Limits) -> ExtractedText:
    from extractors.email_message import read_message

    msg = read_message(data, limits=limits)
    if msg.documents:
        main = msg.documents[0]
        extra = tuple(w for w in msg.warnings if w not in main.warnings)
        return ExtractedText(text=main.text, part=main.part, kind=main.kind, segments=main.segments,
                             warnings=main.warnings + extra)
    return ExtractedText(text=msg.note, part="body", kind="email-body",
                         segments=(), warnings=msg.warnings)


def extract_bytes(data: bytes, filename: str, *, kind: str | None = None, part: str | None = None,
                  limits: Limits = Limits()) -> ExtractedText:
    """Run the extractor for `kind` (sniffed when None); every failure is an ExtractionError."""
    if not data:
        raise ExtractionError("empty file")
    if len(data) > limits.max_bytes:
        raise ExtractionError(f"file too big: {len(data)} bytes (limit {limits.max_bytes})")
    kind = kind or kind_of(data, filename)
    if kind == "encrypted-office":
        raise ExtractionError("password-protected (encrypted) Office document")
    reader = _readers().get(kind)
    if reader is None:
        raise ExtractionError(f"unsupported file type: {filename or 'unnamed'}")
    try:
        return reader(data, part or f"file:{filename}", limits)
    except ExtractionError:
        raise
    except (MemoryError, RecursionError) as err:
        raise ExtractionError(f"{kind} too complex to read ({type(err).__name__})") from err
    except Exception as err:  # a library failing on hostile input is an unreadable file, not a crash
        raise ExtractionError(f"unreadable {kind}: {type(err).__name__}: {str(err)[:120]}") from err


def extract_file(data: bytes, filename: str, *, limits: Limits = Limits()) -> ExtractedText:
    """The text of one file (.txt, .html/.htm, .docx, .pdf, .doc, .eml → its main document)."""
    return extract_bytes(data, os.path.basename(filename), limits=limits)
