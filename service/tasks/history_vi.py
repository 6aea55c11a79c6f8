"""A task's audit events as Vietnamese sentences for `docket tasks show` (pure; the JSON keeps the raw
fields).

The audit trail stores field names and internal codes ("created", "notice; confidence=0.9", "lead:cue") so
that scripts can read it; people read these sentences instead.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rules.display import RECURRENCE_VI, vn_date
from service.tasks.events import created_facts

STATE_VI = {
    "open": "đang thực hiện",
    "overdue": "quá hạn",
    "done_on_time": "hoàn thành đúng hạn",
    "done_late": "hoàn thành quá hạn",
    "cancelled": "đã hủy",
    "rejected": "không phải nhiệm vụ",
    "merged": "đã gộp",
}
FIELD_VI = {
    "text": "Nội dung",
    "deadline": "Thời hạn",
    "original_deadline": "Thời hạn ban đầu",
    "recurrence": "Định kỳ",
    "lead": "Đơn vị chủ trì",
    "support": "Đơn vị phối hợp",
    "status": "Trạng thái",
    "closed_reason": "Lý do đóng",
    "completed_at": "Thời điểm hoàn thành",
    "needs_review": "Cần rà soát",
    "manual": "Đã sửa tay",
    "merged_from": "Gộp từ",
    "merged_into": "Gộp vào",
    "created": "Tạo",
    "reprocess": "Đọc lại văn bản",
}
REASON_VI = {  # how the rules found the task (rules/directives.py); scope:* only repeats lead:scope
    "lead:cue": "văn bản giao việc rõ cho đơn vị chủ trì",
    "lead:frame": "đơn vị chủ trì nêu trong câu giao việc",
    "lead:initial": "đơn vị nêu ở đầu câu",
    "lead:scope": "đơn vị nêu ở đề mục",
    "lead:item": "đơn vị nêu trong mục",
    "lead:none": "không thấy đơn vị chủ trì",
    "table-row": "một dòng của bảng phân công",
    "no-known-assignee": "không có đơn vị nào trong danh bạ",
    "unknown-unit": "có đơn vị không có trong danh bạ",
    "conflicting-dates": "các thời hạn mâu thuẫn nhau",
    "deadline-not-computable": "không tính được thời hạn",
}
REPLY_VI = {
    "done": "báo đã hoàn thành",
    "extension": "xin gia hạn",
    "question": "hỏi lại",
    "refusal": "từ chối nhận việc",
    "not_done": "báo chưa hoàn thành",
    "progress": "báo tiến độ",
    "out_of_office": "trả lời tự động (vắng mặt)",
}
NOTE_VI = {"reprocess": "đọc lại văn bản", "task done": "nhiệm vụ đã hoàn thành"}
CHANGE_VI = {
    "new-lead": "đơn vị chủ trì mới",
    "new-deadline": "thời hạn mới",
    "cancelled": "hủy nhiệm vụ",
    "rejected": "không phải nhiệm vụ",
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def value_vi(value: str | None) -> str:
    """A stored value as people read it: statuses and recurrences in Vietnamese, ISO dates as dd/mm/yyyy."""
    if value is None or value == "":
        return "(trống)"
    if ISO_DATE.match(value):
        return vn_date(date.fromisoformat(value))
    return STATE_VI.get(value) or RECURRENCE_VI.get(value) or value


def note_vi(note: str | None) -> str:
    if not note:
        return ""
    if note.startswith("from possible task "):
        return "từ nội dung có thể là nhiệm vụ " + note.removeprefix("from possible task ")
    return NOTE_VI.get(note, note)


def reasons_vi(note: str | None) -> str:
    codes = [
        code.strip()
        for code in (note or "").split(";")
        if code.strip() and not code.strip().startswith("scope:")
    ]
    return "; ".join(REASON_VI.get(code, code) for code in codes)


def _created(after: str | None, note: str | None) -> str:
    how, facts = created_facts(after)
    if how == "notice":
        why = reasons_vi(note)
        score = f", độ tin cậy {float(facts['confidence']):.0%}" if "confidence" in facts else ""
        return f"Ghi nhận nhiệm vụ từ văn bản{score}" + (f" ({why})" if why else "")
    if how == "recurrence":
        previous = f" của nhiệm vụ định kỳ {facts['previous']}" if "previous" in facts else ""
        when = value_vi(facts["deadline"]) if "deadline" in facts else "chưa có"
        return f"Tạo lần tiếp theo{previous}, thời hạn {when}" + (f" — {note}" if note else "")
    where = f" (văn bản {facts['notice']})" if "notice" in facts else ""
    return f"Thêm nhiệm vụ bằng tay{where}" + (f" — {note_vi(note)}" if note else "")


def describe(event: dict[str, Any]) -> str:
    """One sentence for one audit event (field, before, after, note)."""
    field, before, after, note = event["field"], event["before"], event["after"], event["note"]
    if field == "created":
        return _created(after, note)
    if field == "reply":
        text = f"Đơn vị trả lời: {REPLY_VI.get(after or '', 'thư trả lời khác')}"
        return text + (f" — “{note}”" if note else "")
    if field == "extension_request":
        if after == "refused":
            return f"Từ chối đề nghị gia hạn đến {value_vi(before)}" + (f" — {note}" if note else "")
        return f"Đơn vị xin gia hạn đến {value_vi(after)}" + (f" ({note})" if note else "")
    if field == "inbox-attach":
        return f"Gắn {after} vào nhiệm vụ" + (f" ({note})" if note else "")
    if field == "support_done":
        return f"{after} báo hoàn thành phần việc phối hợp" + (f" — “{note}”" if note else "")
    if field == "merged_from":
        return f"Gộp {after} vào nhiệm vụ này"
    if field == "merged_into":
        return f"Đã gộp vào {after}"
    if field == "reprocess":
        return "Thêm khi đọc lại văn bản"
    label = FIELD_VI.get(field, field)
    tail = f" ({note_vi(note)})" if note else ""
    return f"{label}: {value_vi(before)} → {value_vi(after)}{tail}"


def notified_vi(kinds: list[str] | tuple[str, ...], told: bool) -> str:
    """After a correction: whether the units were told, and of what."""
    what = ", ".join(CHANGE_VI.get(kind, kind) for kind in kinds)
    if told:
        return f"Đã báo cho các đơn vị liên quan: {what}"
    return f"CHƯA báo cho các đơn vị ({what}): mô-đun gửi thư thông báo chưa được cài"
