"""The reminder and escalation policy (pure): task dates + calendar + today → the step due today.

`load_policy()` reads rules/escalation.yaml (or another copy); `steps_for(policy, deadline, calendar)`
lists every dated step of one deadline; `due_step(...)` picks the one to send today, if any.
No clock, no I/O beyond reading the policy file.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

import yaml

DEFAULT_POLICY = Path(__file__).parent / "escalation.yaml"
ROLES = frozenset({"lead", "support", "lead_head", "office", "director"})
MAX_REPEATS = 60  # a task overdue for more than ~a year of repeats stops producing new steps


class PolicyError(ValueError):
    """The policy file is malformed; the message names the entry."""


class Calendar(Protocol):
    def is_working_day(self, day: date) -> bool: ...

    def add_working_days(self, start: date, count: int) -> date: ...


@dataclass(frozen=True, slots=True)
class Rule:
    level: str  # 'T-3', 'Q+1', ... (also part of the dedupe key)
    offset: int  # working days from the deadline; negative = before
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return "reminder" if self.offset <= 0 else "escalation"


@dataclass(frozen=True, slots=True)
class Policy:
    rules: tuple[Rule, ...]  # sorted by offset
    repeat_every: int = 0
    repeat_to: tuple[str, ...] = ()
    repeat_cc: tuple[str, ...] = ()
    digest_weekday: int = 0


@dataclass(frozen=True, slots=True)
class Step:
    """One dated action of the policy for one deadline."""

    rule: Rule
    on: date
    offset: int  # working days from the deadline (0 on the day, 1 = first overdue day ...)


def _roles(raw: Any, where: str) -> tuple[str, ...]:
    items = tuple(str(r) for r in (raw or ()))
    unknown = [r for r in items if r not in ROLES]
    if unknown:
        raise PolicyError(f"{where}: unknown recipient {unknown[0]!r} (use {', '.join(sorted(ROLES))})")
    return items


def _rule(raw: Any, key: str, sign: int) -> Rule:
    if not isinstance(raw, dict) or "level" not in raw or key not in raw:
        raise PolicyError(f"each entry needs 'level' and '{key}': {raw!r}")
    days = raw[key]
    if not isinstance(days, int) or days < 0 or (sign > 0 and days == 0):
        raise PolicyError(
            f"{raw['level']}: '{key}' must be a whole number of working days (after: at least 1)"
        )
    to = _roles(raw.get("to"), str(raw["level"]))
    if not to:
        raise PolicyError(f"{raw['level']}: 'to' names nobody")
    return Rule(
        level=str(raw["level"]), offset=sign * days, to=to, cc=_roles(raw.get("cc"), str(raw["level"]))
    )


def parse_policy(data: Any) -> Policy:
    if not isinstance(data, dict):
        raise PolicyError("the policy must be a mapping with 'reminders' and 'escalations'")
    rules = [_rule(r, "before", -1) for r in data.get("reminders") or ()]
    rules += [_rule(r, "after", 1) for r in data.get("escalations") or ()]
    levels = [r.level for r in rules]
    if len(set(levels)) != len(levels):
        raise PolicyError("two steps share a level name")
    repeat = data.get("repeat") or {}
    every = int(repeat.get("every") or 0)
    if every < 0:
        raise PolicyError("repeat.every must be positive")
    weekday = int((data.get("digest") or {}).get("weekday", 0))
    if not 0 <= weekday <= 6:
        raise PolicyError("digest.weekday is 0 (Monday) to 6 (Sunday)")
    return Policy(
        rules=tuple(sorted(rules, key=lambda r: r.offset)),
        repeat_every=every,
        repeat_to=_roles(repeat.get("to"), "repeat") if every else (),
        repeat_cc=_roles(repeat.get("cc"), "repeat"),
        digest_weekday=weekday,
    )


def load_policy(path: Path | None = None) -> Policy:
    try:
        return parse_policy(yaml.safe_load((path or DEFAULT_POLICY).read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as err:
        raise PolicyError(f"cannot read the escalation policy {path or DEFAULT_POLICY}: {err}") from err


def _on(deadline: date, offset: int, calendar: Calendar) -> date:
    """The day of a step. On the day: the deadline, or the working day before a deadline on a day off."""
    if offset == 0:
        day = deadline
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day
    return calendar.add_working_days(deadline, offset)


def steps_for(policy: Policy, deadline: date, calendar: Calendar) -> Iterator[Step]:
    """Every step of one deadline in date order; two steps on one day keep the later one (closer to the
    deadline)."""
    dated = [Step(rule, _on(deadline, rule.offset, calendar), rule.offset) for rule in policy.rules]
    by_day: dict[date, Step] = {}
    for step in dated:
        by_day[step.on] = step  # sorted by offset: the later rule wins the day
    yield from sorted(by_day.values(), key=lambda s: s.on)
    escalations = [r for r in policy.rules if r.offset > 0]
    if not policy.repeat_every:
        return
    last = max((r.offset for r in escalations), default=0)
    repeat = Rule(level="R", offset=last, to=policy.repeat_to, cc=policy.repeat_cc)
    for n in range(1, MAX_REPEATS + 1):
        offset = last + n * policy.repeat_every
        yield Step(
            Rule(level=f"R{n}", offset=offset, to=repeat.to, cc=repeat.cc),
            calendar.add_working_days(deadline, offset),
            offset,
        )


def due_step(
    policy: Policy, *, deadline: date, today: date, calendar: Calendar, not_before: date | None = None
) -> Step | None:
    """The latest step dated today or earlier (and not before `not_before`, e.g. the day the task was
    created).

    Taking only the latest means a day the service was down is caught up with one mail, not a burst,
    and a reminder that is no longer true ("còn 3 ngày") is never sent late.
    """
    latest = None
    for step in steps_for(policy, deadline, calendar):
        if step.on > today:
            break
        latest = step
    if latest is None or (not_before is not None and latest.on < not_before):
        return None
    return latest


def digest_day(policy: Policy, today: date, calendar: Calendar) -> bool:
    """True on the first working day on or after the policy's weekday in today's ISO week."""
    monday = today - timedelta(days=today.weekday())
    day = monday + timedelta(days=policy.digest_weekday)
    while not calendar.is_working_day(day) and day.isocalendar()[1] == today.isocalendar()[1]:
        day += timedelta(days=1)
    return day == today
