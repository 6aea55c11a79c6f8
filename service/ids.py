"""Short IDs shown to people: NV-123 for tasks, TB-45 for notices; parse them back (the bare number works too)."""
from __future__ import annotations

import re

from service.errors import InputError

TASK_PREFIX = "NV"
NOTICE_PREFIX = "TB"
_SHORT = re.compile(r"^\s*\[?\s*(?:(?P<prefix>[A-Za-z]{2})\s*[-_ ]?\s*)?#?(?P<number>\d{1,12})\s*\]?\s*$")


def task_token(task_id: int) -> str:
    return f"{TASK_PREFIX}-{task_id}"


def notice_token(notice_id: int) -> str:
    return f"{NOTICE_PREFIX}-{notice_id}"


def _parse(value: str, prefix: str, what: str) -> int:
    match = _SHORT.match(value or "")
    if match is None:
        raise InputError(f"'{value}' is not a {what} ID: write {prefix}-123 or 123")
    given = (match.group("prefix") or prefix).upper()
    if given != prefix:
        raise InputError(f"'{value}' is not a {what} ID: {what} IDs start with {prefix}- (e.g. {prefix}-{match.group('number')})")
    number = int(match.group("number"))
    if number <= 0:
        raise InputError(f"'{value}' is not a {what} ID: IDs start at 1")
    return number


def parse_task_id(value: str) -> int:
    """'NV-123', 'nv123', '[NV-123]' or '123' → 123; anything else is an InputError."""
    return _parse(value, TASK_PREFIX, "task")


def parse_notice_id(value: str) -> int:
    """'TB-45', 'tb45' or '45' → 45; anything else is an InputError."""
    return _parse(value, NOTICE_PREFIX, "notice")


CANDIDATE_PREFIX = "KN"  # khả năng là nhiệm vụ: a possible task of the safety net


def candidate_token(candidate_id: int) -> str:
    return f"{CANDIDATE_PREFIX}-{candidate_id}"


def parse_candidate_id(value: str) -> int:
    """'KN-7', 'kn7' or '7' → 7; anything else is an InputError."""
    return _parse(value, CANDIDATE_PREFIX, "possible task")
