"""How Docket writes things for people, in one place: the short IDs (NV-12 a task, TB-3 a notice, KN-7 a
possible task), the patterns that find them again in mail, dates as dd/mm/yyyy (and with the time),
recurrences in words.

Pure (no service, no outbox): the outbox writes these into mail and service reads them back, so both
import them from here. Parsing an ID an admin typed, with its errors, is service.tasks.ids.
"""
from __future__ import annotations

import re
from datetime import date, datetime

TASK_PREFIX = "NV"  # nhiệm vụ
NOTICE_PREFIX = "TB"  # thông báo (văn bản)
CANDIDATE_PREFIX = "KN"  # khả năng là nhiệm vụ: a possible task of the safety net

# ASCII digits, at most 9 (an id fits the database's integer): a longer number is not ours, and no crash.
_NUMBER = r"([0-9]{1,9})"
# NV-12 anywhere in a subject or text
TASK_MENTION = re.compile(rf"\b{TASK_PREFIX}-{_NUMBER}\b", re.IGNORECASE)
TASK_TAG = re.compile(rf"\[{TASK_PREFIX}-{_NUMBER}\]", re.IGNORECASE)  # [NV-12]: how our subjects name a task
NOTICE_TAG = re.compile(rf"\[{NOTICE_PREFIX}-{_NUMBER}\]", re.IGNORECASE)  # [TB-3]: and a notice
# a line of an answer that starts with a task: "NV-15: đã hoàn thành", "[NV-15] - xin gia hạn"
TASK_LINE = re.compile(rf"^\W*\[?{TASK_PREFIX}-(\d{{1,9}})\]?\s*[:.\-–]?\s*", re.IGNORECASE)


def task_token(task_id: int) -> str:
    return f"{TASK_PREFIX}-{task_id}"


def notice_token(notice_id: int) -> str:
    return f"{NOTICE_PREFIX}-{notice_id}"


def candidate_token(candidate_id: int) -> str:
    return f"{CANDIDATE_PREFIX}-{candidate_id}"


def vn_date(value: date | None) -> str:
    """dd/mm/yyyy, or '—' when there is no date."""
    return value.strftime("%d/%m/%Y") if value else "—"


def vn_minute(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM of the time as given (convert it to the office's zone first), or '—'."""
    return value.strftime("%d/%m/%Y %H:%M") if value else "—"


# How a recurrence is said: the period stored on a task ("monthly") in words.
RECURRENCE_VI = {
    "weekly": "hằng tuần",
    "monthly": "hằng tháng",
    "quarterly": "hằng quý",
    "yearly": "hằng năm",
}
