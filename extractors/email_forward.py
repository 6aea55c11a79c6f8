"""Split an e-mail body into the forwarder's own note (with signature) and the forwarded message.

Recognises the separators of Gmail, Thunderbird, Outlook, Apple Mail and Vietnamese clients, then the
forwarded header block (From/Date/Subject/To, or Từ/Ngày/Chủ đề/Đến), which it returns as a dict.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_MARKERS = re.compile(
    r"^[ \t>]*(?:"
    r"-{2,}\s*(?:Forwarded|Original)\s+Message\s*-{2,}"
    r"|Begin forwarded message\s*:"
    r"|-{2,}\s*(?:Thư|Tin nhắn|Nội dung|Email|Thư điện tử)\s+(?:được\s+|đã\s+)?(?:chuyển tiếp|gốc)\s*-{0,}"
    r"|(?:Thư|Tin nhắn|Nội dung)\s+(?:được\s+|đã\s+)?chuyển tiếp\s*:"
    r"|_{10,}"
    r")[ \t]*$",
    re.I | re.M,
)
_HEADER = re.compile(
    r"^[ \t>]*(From|Sent|Date|Subject|To|Cc|Bcc|Reply-To|Từ|Người gửi|Ngày|Ngày gửi|Thời gian|Gửi|Đã gửi|"
    r"Chủ đề|Tiêu đề|Đến|Tới|Người nhận|Gửi tới|Cc|Đồng gửi|Message-ID|In-Reply-To|References)\s*:\s*(.*)$",
    re.I,
)
_KEYS = {"từ": "From", "người gửi": "From", "ngày": "Date", "ngày gửi": "Date", "thời gian": "Date",
         "gửi": "Date", "đã gửi": "Date", "sent": "Date", "chủ đề": "Subject", "tiêu đề": "Subject",
         "đến": "To", "tới": "To", "người nhận": "To", "gửi tới": "To", "đồng gửi": "Cc",
         "message-id": "Message-ID", "in-reply-to": "In-Reply-To"}


@dataclass(frozen=True, slots=True)
class Split:
    note: str  # the forwarder's own words and signature
    forwarded: str | None  # the forwarded body, header block removed; None when no forward was found
    headers: dict[str, str] = field(default_factory=dict)  # the forwarded header block


def _unquote(text: str) -> str:
    lines = text.split("\n")
    quoted = [ln for ln in lines if ln.strip()]
    if quoted and sum(ln.lstrip().startswith(">") for ln in quoted) >= 0.8 * len(quoted):
        return "\n".join(re.sub(r"^\s*>\s?", "", ln) for ln in lines)
    return text


def _header_block(text: str) -> tuple[dict[str, str], str]:
    """Parse leading 'Key: value' lines (continuations indented); return (headers, rest)."""
    headers: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    last = None
    while i < len(lines):
        line = lines[i]
        m = _HEADER.match(line)
        if m:
            key = _KEYS.get(m.group(1).lower(), m.group(1).title())
            headers.setdefault(key, m.group(2).strip())
            last = key
        elif last and line[:1] in (" ", "\t") and line.strip():
            headers[last] += " " + line.strip()
        else:
            break
        i += 1
    if not headers:
        return {}, text
    return headers, "\n".join(lines[i:])


def split_forward(body: str) -> Split:
    """Note above the first forward separator; the forwarded text below its header block."""
    m = _MARKERS.search(body)
    if m is None:
        return _outlook_style(body)
    note = body[: m.start()].rstrip()
    rest = _unquote(body[m.end():])
    if m.group(0).strip().startswith("_"):
        headers, forwarded = _header_block(rest)
        if not headers:  # a plain rule line, not an Outlook separator
            return _outlook_style(body)
    else:
        headers, forwarded = _header_block(rest)
    inner = split_forward(forwarded)
    if inner.forwarded is not None and len(inner.note.strip()) < 300:
        # a forward of a forward: keep the innermost message; intermediate notes join the note
        note = "\n\n".join(p for p in (note, inner.note.strip()) if p)
        headers, forwarded = inner.headers or headers, inner.forwarded
    return Split(note=note, forwarded=forwarded.strip("\n"), headers=headers)


def _outlook_style(body: str) -> Split:
    """Outlook without a separator line: a 'From:' line followed by Sent/Date and Subject lines."""
    for m in re.finditer(r"^[ \t>]*(?:From|Từ)\s*:.*$", body, re.I | re.M):
        headers, rest = _header_block(body[m.start():])
        if len(headers) >= 3 and "Subject" in headers:
            return Split(
                note=body[: m.start()].rstrip(), forwarded=_unquote(rest).strip("\n"), headers=headers
            )
    return Split(note=body, forwarded=None)
