"""One home each: the NV-/TB-/KN- tokens, dd/mm/yyyy and recurrences in words (rules.display), the
every-unit marker (rules.units), the fold of names (rules.text), a task's thread id (outbox.compose). No
module spells them again."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from outbox.compose import unit_list
from rules.display import NOTICE_TAG, TASK_LINE, TASK_MENTION, TASK_TAG, notice_token, task_token, vn_date
from rules.text import loose_key, name_key
from rules.units import EVERY_UNIT
from service.tasks.ids import parse_notice_id, parse_task_id

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("service", "outbox", "rules", "extractors")
THREAD_ID = "a task's thread id read by hand (use outbox.compose.TASK_THREAD, service.tasks.threads.tasks_of)"
# f"NV-{…}", or a pattern r"NV-([0-9]…)"
SPELLED_AGAIN = {
    "a task or notice token written by hand (use rules.display.task_token / notice_token)": re.compile(
        r"(?:NV|TB|KN)-[{(]"
    ),
    "a date or time formatted by hand (use rules.display.vn_date / vn_minute)": re.compile(r"%d/%m/%Y"),
    "a recurrence said again (use rules.display.RECURRENCE_VI)": re.compile(r'"monthly": "'),
    "the every-unit marker spelled out (use rules.units.EVERY_UNIT)": re.compile(
        r"""[=!]= "\*"|\("\*",\)|"\*" (?:not )?in """
    ),
    THREAD_ID: re.compile(r"docket\\\.task-"),
}
HOMES = {Path("rules/display.py"), Path("rules/units.py")}
OWN_HOME = {THREAD_ID: Path("outbox/compose.py")}  # a format whose one home is outside rules


def _sources() -> list[Path]:
    return [
        p
        for package in PACKAGES
        for p in sorted((REPO / package).rglob("*.py"))
        if "migrations" not in p.parts and p.relative_to(REPO) not in HOMES
    ]


@pytest.mark.parametrize("what", list(SPELLED_AGAIN))
def test_no_module_spells_a_format_again(what: str) -> None:
    pattern = SPELLED_AGAIN[what]
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in _sources()
        if path.relative_to(REPO) != OWN_HOME.get(what)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and not line.lstrip().startswith("#")
    ]
    assert found == [], f"{what}: {found}"


def test_no_template_formats_a_date_by_hand() -> None:
    """Mail templates format dates and times with the filters outbox.compose registers (| vn_date,
    | vn_minute)."""
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "outbox" / "templates").iterdir())
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "%d/%m" in line or "strftime" in line
    ]
    assert found == [], f"a date or time formatted by hand in a template (use | vn_date / vn_minute): {found}"


def test_tokens_are_written_and_read_back_the_same_way() -> None:
    assert (task_token(12), notice_token(3)) == ("NV-12", "TB-3")
    assert parse_task_id(task_token(12)) == 12 and parse_notice_id(notice_token(3)) == 3
    subject = f"Re: [{task_token(12)}] Nhắc việc - [{notice_token(3)}] ({task_token(7)})"
    assert TASK_TAG.findall(subject) == ["12"] and NOTICE_TAG.findall(subject) == ["3"]
    assert TASK_MENTION.findall(subject) == ["12", "7"]
    assert TASK_LINE.match("[NV-15] - đã hoàn thành") is not None and TASK_LINE.match("xem NV-15") is None
    assert TASK_TAG.findall("[NV-1234567890]") == []  # longer than an id can be: not ours


def test_dates_read_day_month_year() -> None:
    assert vn_date(date(2026, 1, 5)) == "05/01/2026" and vn_date(None) == "—"


def test_the_every_unit_marker_is_written_out_in_mail() -> None:
    assert EVERY_UNIT == "*"
    assert unit_list([EVERY_UNIT, "Thanh tra"]) == "tất cả các phòng, đơn vị, Thanh tra"


@pytest.mark.parametrize(
    ("name", "key", "loose"),
    [
        ("  Phòng   Kế hoạch - Tài chính ", "phòng kế hoạch - tài chính", "phong ke hoach tai chinh"),
        ("Phòng KH-TC", "phòng kh-tc", "phong kh tc"),
        ("Đỗ", "đỗ", "do"),
        ("Uỷ  ban", "uỷ ban", "uy ban"),  # the tone mark on either vowel
        ("Ủy ban", "ủy ban", "uy ban"),
        ("Pho\u0300ng", "phòng", "phong"),  # decomposed input composes first
    ],
)
def test_one_fold_of_names(name: str, key: str, loose: str) -> None:
    assert name_key(name) == key and loose_key(name) == loose
