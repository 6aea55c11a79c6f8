"""The escalation policy file and its evaluation (pure: dates + calendar + today)."""
from __future__ import annotations

from datetime import date

import pytest

from rules.calendar import WorkCalendar, load_overrides
from rules.escalation import PolicyError, digest_day, due_step, load_policy, parse_policy, steps_for

CAL = WorkCalendar(load_overrides())
POLICY = load_policy()


def _steps(deadline: date, n: int = 6) -> list[tuple[str, date]]:
    return [(s.rule.level, s.on) for s in list(steps_for(POLICY, deadline, CAL))[:n]]


def test_default_policy_before_on_and_after_a_friday_deadline() -> None:
    assert _steps(date(2020, 7, 31)) == [
        ("T-3", date(2020, 7, 28)), ("T-1", date(2020, 7, 30)), ("T0", date(2020, 7, 31)),
        ("Q+1", date(2020, 8, 3)), ("Q+3", date(2020, 8, 5)), ("R1", date(2020, 8, 12))]
    rule = {r.level: r for r in POLICY.rules}
    assert rule["Q+1"].to == ("lead_head",) and rule["Q+3"].to == ("office", "director")


def test_tet_binh_ngo_is_skipped() -> None:
    assert _steps(date(2026, 2, 13)) == [
        ("T-3", date(2026, 2, 10)), ("T-1", date(2026, 2, 12)), ("T0", date(2026, 2, 13)),
        ("Q+1", date(2026, 2, 23)), ("Q+3", date(2026, 2, 25)), ("R1", date(2026, 3, 4))]


def test_deadline_on_a_day_off_collapses_the_last_steps() -> None:
    # Wed 18/2/2026 is inside Tết: "the day" is the last working day before it, which is also T-1.
    assert _steps(date(2026, 2, 18), 3) == [
        ("T-3", date(2026, 2, 11)),
        ("T0", date(2026, 2, 13)),
        ("Q+1", date(2026, 2, 23)),
    ]


def test_due_step_takes_the_latest_step_and_respects_creation_day() -> None:
    deadline = date(2020, 7, 31)
    assert due_step(POLICY, deadline=deadline, today=date(2020, 7, 27), calendar=CAL) is None
    assert due_step(POLICY, deadline=deadline, today=date(2020, 7, 29), calendar=CAL).rule.level == "T-3"
    assert due_step(POLICY, deadline=deadline, today=date(2020, 8, 4), calendar=CAL).rule.level == "Q+1"
    assert (
        due_step(
            POLICY, deadline=deadline, today=date(2020, 7, 29), calendar=CAL, not_before=date(2020, 7, 29)
        )
        is None
    )


def test_an_office_can_edit_the_policy() -> None:
    policy = parse_policy(
        {
            "reminders": [{"level": "T-5", "before": 5, "to": ["lead", "support"]}],
            "escalations": [{"level": "Q+2", "after": 2, "to": ["director"], "cc": ["office"]}],
            "repeat": {"every": 0},
        }
    )
    assert [(s.rule.level, s.on) for s in steps_for(policy, date(2020, 7, 31), CAL)] == [
        ("T-5", date(2020, 7, 24)),
        ("Q+2", date(2020, 8, 4)),
    ]


@pytest.mark.parametrize(
    "bad",
    [
        {"reminders": [{"level": "x", "before": 1, "to": ["mayor"]}]},
        {"reminders": [{"level": "x", "before": -1, "to": ["lead"]}]},
        {"escalations": [{"level": "x", "after": 0, "to": ["lead"]}]},
        {"reminders": [{"level": "x", "before": 1, "to": []}]},
        {
            "reminders": [
                {"level": "x", "before": 1, "to": ["lead"]},
                {"level": "x", "before": 2, "to": ["lead"]},
            ]
        },
        "not a mapping",
    ],
)
def test_a_malformed_policy_is_refused(bad: object) -> None:
    with pytest.raises(PolicyError):
        parse_policy(bad)


def test_digest_goes_on_the_first_working_day_of_the_week() -> None:
    assert digest_day(POLICY, date(2026, 11, 23), CAL)  # Monday
    assert not digest_day(POLICY, date(2026, 11, 24), CAL)
    assert digest_day(POLICY, date(2026, 4, 28), CAL)  # Mon 27/4/2026 is Giỗ Tổ (nghỉ bù): Tuesday instead
    assert not digest_day(POLICY, date(2026, 4, 27), CAL)
