"""Short IDs and admin-typed dates: what is accepted, and the message for what is not."""
from __future__ import annotations

from datetime import date

import pytest

from rules.display import notice_token, task_token, vn_date
from service.errors import InputError
from service.tasks.dates import parse_date
from service.tasks.ids import parse_notice_id, parse_task_id


@pytest.mark.parametrize("text", ["NV-123", "nv-123", "NV123", "[NV-123]", "123", " 123 ", "NV 123"])
def test_task_ids(text: str) -> None:
    assert parse_task_id(text) == 123


@pytest.mark.parametrize("text", ["TB-45", "tb45", "45"])
def test_notice_ids(text: str) -> None:
    assert parse_notice_id(text) == 45


@pytest.mark.parametrize(
    "text, message",
    [
        ("TB-45", "start with NV-"),
        ("abc", "not a task ID"),
        ("", "not a task ID"),
        ("NV-0", "start at 1"),
        ("NV-1-2", "not a task ID"),
    ],
)
def test_bad_task_ids(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_task_id(text)


def test_tokens_round_trip() -> None:
    assert parse_task_id(task_token(7)) == 7 and parse_notice_id(notice_token(9)) == 9
    with pytest.raises(InputError):
        parse_notice_id(task_token(9))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15/12/2026", date(2026, 12, 15)),
        ("5/3/2026", date(2026, 3, 5)),
        ("05-03-2026", date(2026, 3, 5)),
        ("05.03.2026", date(2026, 3, 5)),
        ("2026-03-05", date(2026, 3, 5)),
        ("29/02/2028", date(2028, 2, 29)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("31/02/2026", "02/2026 has 28 days"),
        ("29/02/2026", "has 28 days"),
        ("12/13/2026", "no month 13"),
        ("2026-04-31", "04/2026 has 30 days"),
        ("tomorrow", "not a date"),
        ("15/12/26", "not a date"),
        ("01/01/0001", "plausible"),
    ],
)
def test_bad_dates(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_date(text)


def test_vn_date() -> None:
    assert vn_date(date(2026, 3, 5)) == "05/03/2026" and vn_date(None) == "—"
