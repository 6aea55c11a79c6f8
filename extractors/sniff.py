"""What kind of document some bytes are: sniffed content first, then the extension or MIME type (pure)."""
from __future__ import annotations

import os

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
