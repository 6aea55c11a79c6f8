"""MIME helpers for reading e-mail: header decoding (RFC 2047/2231), charset decoding, body and part choice."""
from __future__ import annotations

import codecs
import email.errors
import email.header
import email.utils
import unicodedata
from email.message import Message

_CHARSET_ALIASES = {"windows-1258": "cp1258", "x-cp1258": "cp1258", "vn": "cp1258", "utf8": "utf-8",
                    "unicode-1-1-utf-8": "utf-8", "x-unknown": "utf-8", "unknown-8bit": "utf-8"}


def decode_header(value: object) -> str:
    """A header value as text: RFC 2047 words decoded (bad ones kept as written), NFC."""
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        raw = str(value)
    else:
        raw = str(value)
    if "=?" not in raw:
        return unicodedata.normalize("NFC", " ".join(raw.split()))
    try:
        parts = email.header.decode_header(raw)
        out = []
        for chunk, charset in parts:
            if isinstance(chunk, bytes):
                out.append(decode_bytes(chunk, charset)[0])
            else:
                out.append(chunk)
        text = "".join(out)
    except (ValueError, LookupError, email.errors.HeaderParseError, AssertionError):
        text = raw
    return unicodedata.normalize("NFC", " ".join(text.split()))


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """(text, warning or None): decode with the declared charset, falling back and replacing bad bytes."""
    name = (charset or "").strip().strip('"').lower()
    name = _CHARSET_ALIASES.get(name, name)
    if name:
        try:
            codecs.lookup(name)
        except LookupError:
            text, _ = _guess(data)
            return text, f"unknown charset {charset!r}: decoded as best guess"
        try:
            return data.decode(name), None
        except UnicodeDecodeError:
            return data.decode(name, "replace"), f"undecodable bytes in {charset} text replaced"
    text, guessed = _guess(data)
    return text, None if guessed in ("ascii", "utf-8") else f"no charset declared: decoded as {guessed}"


def _guess(data: bytes) -> tuple[str, str]:
    if data.isascii():
        return data.decode("ascii"), "ascii"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1258", "replace"), "windows-1258"


def part_filename(part: Message) -> str | None:
    """The attachment's file name: RFC 2231 (filename*=) or RFC 2047 encoded, or the Content-Type name."""
    try:
        name = part.get_filename() or part.get_param("name")
    except (ValueError, LookupError, TypeError):
        return None
    if name is None:
        return None
    if isinstance(name, tuple):  # an undecoded RFC 2231 triple
        name = email.utils.collapse_rfc2231_value(name, errors="replace")
    name = decode_header(name).replace("/", "_").replace("\\", "_").strip()
    return name or None


def part_text(part: Message) -> tuple[str, str | None]:
    """The decoded text of a text/* part, and a warning when bytes had to be replaced."""
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError):
        payload = None
    if payload is None:
        raw = part.get_payload()
        return (raw if isinstance(raw, str) else ""), None
    return decode_bytes(payload, part.get_content_charset())


def part_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError):
        return b""
    return payload if isinstance(payload, bytes) else b""


def is_attachment(part: Message) -> bool:
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    return disposition == "attachment" or part_filename(part) is not None
