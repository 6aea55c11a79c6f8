"""MIME helpers for reading e-mail: header decoding (RFC 2047/2231), charset decoding, body and part
choice."""

from __future__ import annotations

import codecs
import email.errors
import email.header
import email.headerregistry
import email.policy
import email.utils
import unicodedata
from dataclasses import dataclass
from email.message import Message
from typing import cast

from extractors.safe_text import safe_line

_CHARSET_ALIASES = {
    "windows-1258": "cp1258",
    "x-cp1258": "cp1258",
    "vn": "cp1258",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unknown": "utf-8",
    "unknown-8bit": "utf-8",
}


def raw_header_text(value: object) -> str:
    """The header as written: 8-bit bytes decoded (UTF-8, else Windows-1258), RFC 2047 words left as they
    are."""
    if value is None:
        return ""
    # compat32 wraps a header with 8-bit bytes in one unknown-8bit chunk
    if isinstance(value, email.header.Header):
        return "".join(
            chunk if isinstance(chunk, str) else _guess(chunk)[0]
            for chunk, _ in email.header.decode_header(value)
        )
    text = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in text):  # bytes kept as surrogates by the parser
        text = _guess(text.encode("utf-8", "surrogateescape"))[0]
    return text


def header_line(value: object) -> str:
    """A header that is not RFC 2047 encoded (Message-ID, In-Reply-To): one safe line, whitespace
    collapsed."""
    return safe_line(" ".join(raw_header_text(value).split())).strip()


def decode_header(value: object) -> str:
    """A header value as text: RFC 2047 words decoded (bad ones kept as written), NFC, one line without
    controls."""
    raw = raw_header_text(value)
    if "=?" not in raw:
        return _one_line(raw)
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
    return _one_line(text)


def _one_line(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(safe_line(text).split()))


@dataclass(frozen=True, slots=True)
class Sender:
    """Who the From header names: an address only when it names exactly one, readably; else the problem."""

    address: str | None
    name: str | None
    problem: str | None = None  # why no address may be acted on (missing, two, unparseable)


MAX_FROM_CHARS = 2000  # a From header longer than this is not one person's address
MAX_ADDRESS_CHARS = 320  # RFC 5321 allows 64 + 1 + 255


def sender_of(msg: Message) -> Sender:
    """The From address as the receiving server's DMARC check reads it (RFC 5322, never decoded first).

    An encoded word is part of the display name only: `=?utf-8?q?khtc=40so.vn?= <x@evil.example>` is
    x@evil.example. Two From headers, two addresses, or an unparseable one: no address (ambiguous).
    """
    values = msg.get_all("From") or []
    if not values:
        return Sender(None, None, "no From header")
    if len(values) > 1:
        return Sender(None, None, f"{len(values)} From headers: the sender is ambiguous")
    raw = " ".join(raw_header_text(values[0]).split())
    if len(raw) > MAX_FROM_CHARS:
        return Sender(None, None, f"From header of {len(raw)} characters: not read")
    try:
        header = email.policy.default.header_factory("From", raw)
        addresses = header.addresses
    except Exception:  # noqa: BLE001 - the header parser fails in many ways (IndexError, ValueError ...) on garbage
        return Sender(None, None, "From header cannot be parsed")
    if len(addresses) != 1:
        return Sender(None, None, f"From names {len(addresses)} addresses: the sender is ambiguous")
    return _one_sender(addresses[0], header.defects)


def _one_sender(address: email.headerregistry.Address, defects: object) -> Sender:
    name = _one_line(address.display_name) or None
    spec = address.addr_spec
    if any(isinstance(d, email.errors.InvalidHeaderDefect) for d in defects):  # type: ignore[attr-defined]
        return Sender(None, name, "From header is malformed: the sender is ambiguous")
    if (
        not address.username
        or not address.domain
        or safe_line(spec) != spec
        or any(c.isspace() for c in spec)
    ):
        return Sender(None, name, "From address cannot be read")
    if len(spec) > MAX_ADDRESS_CHARS:
        return Sender(None, name, f"From address of {len(spec)} characters is not a real address")
    return Sender(spec.lower(), name)


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
    return decode_bytes(cast(bytes, payload), part.get_content_charset())  # decode=True gives bytes


def part_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError):
        return b""
    return payload if isinstance(payload, bytes) else b""


def is_attachment(part: Message) -> bool:
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    return disposition == "attachment" or part_filename(part) is not None
