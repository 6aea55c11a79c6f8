"""What a unit's reply says (pure): done, an extension request with its date and reason, or just a note.

Only the unit's own words count: quoted lines ("> ..."), the quoted original after "On … wrote:" /
"Vào … đã viết:" / "-----Original Message-----" / a forwarded header block, and the signature after
"-- " are cut first, so the words of our own reminder ("thời hạn hoàn thành …") never match.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_CUT = re.compile(
    r"^(?:-- ?$|-{3,}\s*(?:original message|thư gốc|forwarded message)|_{5,}"
    r"|(?:on|vào)\b.{0,200}(?:wrote|đã viết|viết)\s*:\s*$|(?:from|từ|người gửi)\s*:.*@)",
    re.IGNORECASE | re.MULTILINE,
)
_NEGATED = r"(?:chưa|không|ko|sẽ|sắp|đang|chưa thể|không thể|để|nhằm|phải|cần|xin|trước khi)"
_DONE = re.compile(rf"(?<![\w])(?:(?:đã|xin báo cáo đã|báo cáo đã)\s+)?hoàn\s+thành(?![\w])", re.IGNORECASE)
_EXTENSION = re.compile(
    r"(?:xin|đề nghị|kính đề nghị)?\s*(?:cho phép\s+)?(?:gia\s+hạn|lùi\s+thời\s+hạn|điều\s+chỉnh\s+thời\s+hạn)"
    r"[^0-9\n]{0,40}?(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?",
    re.IGNORECASE,
)
_REASON = re.compile(r"(?:lý do|vì|do)\s*[:,-]?\s*(.+)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class ReplyIntent:
    kind: str  # 'done' | 'extension' | 'note'
    text: str  # the unit's own words
    requested_to: date | None = None
    reason: str | None = None
    problem: str | None = None  # e.g. an impossible date in an extension request


def own_words(body: str) -> str:
    """The reply without the quoted original and the signature."""
    body = unicodedata.normalize("NFC", body.replace("\r\n", "\n"))
    match = _CUT.search(body)
    if match:
        body = body[: match.start()]
    lines = [line for line in body.split("\n") if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()


def _year(raw: str | None, day: int, month: int, today: date) -> int:
    if raw:
        year = int(raw)
        return year + 2000 if year < 100 else year
    return today.year if (month, day) >= (today.month, today.day) else today.year + 1


def _extension(text: str, today: date) -> ReplyIntent | None:
    match = _EXTENSION.search(text)
    if not match:
        return None
    day, month = int(match.group(1)), int(match.group(2))
    reason_match = _REASON.search(text[match.end():])
    reason = " ".join(reason_match.group(1).split())[:1000] if reason_match else None
    try:
        wanted = date(_year(match.group(3), day, month, today), month, day)
    except ValueError:
        return ReplyIntent("note", text, reason=reason, problem=f"ngày không hợp lệ: {match.group(0).strip()}")
    return ReplyIntent("extension", text, requested_to=wanted, reason=reason)


def _says_done(text: str) -> bool:
    first = " ".join(text.split())[:300]
    for match in _DONE.finditer(first):
        before = first[: match.start()].casefold().split()[-2:]
        if any(re.fullmatch(_NEGATED, word) for word in before) or "chưa" in before or "không" in before:
            continue
        if match.group(0).casefold().startswith(("đã", "xin", "báo")) or match.start() == 0 or first[: match.start()].rstrip().endswith((".", ":", "-", ",")):
            return True
    return False


def classify_reply(body: str, *, today: date) -> ReplyIntent:
    """Done / extension / note from the reply's body; `today` settles a date written without its year."""
    text = own_words(body)
    if (ext := _extension(text, today)) is not None:
        return ext
    if _says_done(text):
        return ReplyIntent("done", text)
    return ReplyIntent("note", text)
