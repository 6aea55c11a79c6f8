"""Parse back the short IDs people type: NV-123, TB-45, KN-7 (the bare number works too); rules.display
writes them."""
from __future__ import annotations

import re

# the formats' one home (and the tokens')
from rules.display import CANDIDATE_PREFIX, NOTICE_PREFIX, TASK_PREFIX
from service.errors import InputError

# ASCII digits only: \d would also take Arabic-Indic and other scripts' digits, which int() reads as numbers.
_SHORT = re.compile(r"^\s*\[?\s*(?:(?P<prefix>[A-Za-z]{2})\s*[-_ ]?\s*)?#?(?P<number>[0-9]{1,12})\s*\]?\s*$")
_PLAIN = re.compile(r"^\s*(?P<number>[0-9]{1,12})\s*$")
MAX_ID = 2**31 - 1  # the database's integer keys: a larger number names no row (and PostgreSQL refuses it)


def _parse(value: str, prefix: str, what: str) -> int:
    match = _SHORT.match(value or "")
    if match is None:
        raise InputError(f"'{value}' is not a {what} ID: write {prefix}-123 or 123")
    given = (match.group("prefix") or prefix).upper()
    if given != prefix:
        raise InputError(
            f"'{value}' is not a {what} ID: {what} IDs start with {prefix}- (e.g. "
            f"{prefix}-{match.group('number')})"
        )
    return _in_range(value, int(match.group("number")), what)


def _in_range(value: str, number: int, what: str) -> int:
    if number <= 0:
        raise InputError(f"'{value}' is not a {what} ID: IDs start at 1")
    if number > MAX_ID:
        raise InputError(f"'{value}' is not a {what} ID: IDs go up to {MAX_ID}")
    return number


def parse_task_id(value: str) -> int:
    """'NV-123', 'nv123', '[NV-123]' or '123' → 123; anything else is an InputError."""
    return _parse(value, TASK_PREFIX, "task")


def parse_notice_id(value: str) -> int:
    """'TB-45', 'tb45' or '45' → 45; anything else is an InputError."""
    return _parse(value, NOTICE_PREFIX, "notice")


def parse_candidate_id(value: str) -> int:
    """'KN-7', 'kn7' or '7' → 7; anything else is an InputError."""
    return _parse(value, CANDIDATE_PREFIX, "possible task")


def parse_row_id(value: str, what: str) -> int:
    """A plain row number as a listing shows it (inbound message, outbox row): '42' or '#42' → 42."""
    match = _PLAIN.match((value or "").replace("#", "", 1))
    if match is None:
        raise InputError(f"'{value}' is not {what} ID: write its number as listed, e.g. 42")
    return _in_range(value, int(match.group("number")), what.split()[-1])


def parse_limit(value: str | None) -> int | None:
    """--limit N: a count from 0 (all) up to MAX_ID, in ASCII digits; None when not given."""
    if value is None:
        return None
    match = _PLAIN.match(value)
    if match is None or int(match.group("number")) > MAX_ID:
        raise InputError(f"--limit '{value}' is not a count: write a whole number from 0 (all) to {MAX_ID}")
    return int(match.group("number"))
