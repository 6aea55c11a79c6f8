"""Which drafted tasks are kept (domain-vi.md §1.6, §2.5): a task needs someone to do it.

- A directory unit or "*" as lead: kept.
- Nobody known as lead: kept only when the frame is strong and explicit — a cue or role frame naming a
  body that is not in the directory ("Đề nghị Công ty Điện lực …", "Giao Phòng X chủ trì …", or an item
  under "Giao Phòng X:" / "1. Phòng X:": kept as written and flagged), or a request with a written date ("Đề
  nghị các doanh nghiệp … trước ngày …").
  Sentences that merely open with a name ("Hội X: không có khả năng …", "Sở … nhận được …") or inherit a
  lead-in whose subject is unknown are dropped: an office cannot route them.
- Normative and upward documents (Tờ trình, Báo cáo, Điều lệ, Quy chế, Hướng dẫn, Quy định, Nghị quyết,
  Phiếu trình, Biên bản) describe rules or ask a superior; in them only tasks for a directory unit or "*"
  are kept.
- An item that is nothing but names ("Giám đốc các bệnh viện …, Trưởng phòng …;" in a list of invitees)
  is no task.
Pure.
"""

from __future__ import annotations

import re

from rules.directives import Draft
from rules.doc import Doc
from rules.text import UPPER

NON_DIRECTIVE_TYPES = frozenset(
    {
        "Tờ trình",
        "Báo cáo",
        "Điều lệ",
        "Quy chế",
        "Hướng dẫn",
        "Quy định",
        "Nghị quyết",
        "Phiếu trình",
        "Biên bản",
    }
)
_STRONG = ("lead:cue", "lead:frame", "table-row")
# "Giao Phòng X:", "1. Phòng X:" over its items
_STRONG_SCOPES = ("scope:cue", "scope:frame", "scope:heading")
# Folded words that may stand around names in a list of people or units without making it an order.
# "…, đoàn thể tỉnh": the place or kind closing a listed name
_NAME_FILLER = frozenset(
    "va cac dong chi ong ba giam doc pho truong chanh thu lanh dao dai dien chu tich cung nhu tren tat ca "
    "toan the"
    " vien doan the tinh huyen xa phuong".split()
)


# "Bà: Nguyễn Hồng Vân - Phó trưởng phòng …, Phó Trưởng đoàn;": a member of a team or a list of participants.
_MEMBER = re.compile(
    r"\W*(?:ông/bà|ông|bà|đồng chí|đ/c)\s*:?\s+(?:[" + UPPER + r"]\w*\s+){1,4}[" + UPPER + r"]\w*\s*[-–(,]",
    re.IGNORECASE,
)


# "Chủ tịch UBND cấp xã chịu trách nhiệm toàn diện trước Chủ tịch UBND tỉnh nếu để xảy ra …": who answers for
# a failure, an accountability statement (optional by the conventions), unless it carries a date of its own.
_ACCOUNTABLE = re.compile(
    r"[^;:]{0,160}?(?<![\w])chiu\s+trach\s+nhiem\s+(?:toan\s+dien\s+|hoan\s+toan\s+)?truoc(?![\w])"
)


def keep(d: Draft, doc: Doc, doc_type: str | None) -> bool:
    """Whether a drafted task is emitted."""
    if _names_only(d, doc) or _MEMBER.match(d.text):
        return False
    accountable = _ACCOUNTABLE.match(doc.folded, d.start, d.end) if d.deadline is None else None
    if accountable and ";" not in doc.folded[accountable.end() : d.end]:
        return False  # "…; xử lý, kiểm điểm các tổ chức vi phạm" after it is an order: kept
    if d.lead:
        return True
    if doc_type in NON_DIRECTIVE_TYPES:
        return False
    how = d.reasons[0] if d.reasons else ""
    if d.unknown and (how in _STRONG or any(r in _STRONG_SCOPES for r in d.reasons)):
        return True
    return d.deadline is not None and how in ("lead:cue", "lead:frame", "lead:none")


def _names_only(d: Draft, doc: Doc) -> bool:
    chars = list(doc.folded[d.start : d.end])
    for m in doc.mentions:
        if m.end > d.start and m.start < d.end:
            for k in range(max(m.start, d.start), min(m.end, d.end)):
                chars[k - d.start] = " "
    words = re.findall(r"[a-z0-9]+", "".join(chars))
    return not [w for w in words if w not in _NAME_FILLER]
