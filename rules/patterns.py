"""Load the pattern data files (rules/patterns/*.yaml) once and compile them over folded text."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from rules.text import fold_pattern

PATTERN_DIR = Path(__file__).parent / "patterns"


class PatternError(ValueError):
    """A pattern file is missing or holds an invalid regex."""


def _load(name: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load((PATTERN_DIR / name).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise PatternError(f"cannot read pattern file {name}: {err}") from err
    if not isinstance(data, dict):
        raise PatternError(f"pattern file {name} must be a mapping")
    return data


def alternation(phrases: list[str]) -> str:
    """Longest phrase first, folded, as one non-capturing group."""
    folded = sorted((fold_pattern(str(p)) for p in phrases), key=len, reverse=True)
    return "(?:" + "|".join(folded) + ")"


def _compile(source: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(source, flags)
    except re.error as err:
        raise PatternError(f"bad pattern {source!r}: {err}") from err


@dataclass(frozen=True, slots=True)
class Patterns:
    """Compiled cues; every regex runs over the folded view."""

    lead_before: re.Pattern[str]  # ends right before a unit group
    lead_after: re.Pattern[str]  # starts right after a unit group
    support_before: re.Pattern[str]
    object_before: re.Pattern[str]
    past: re.Pattern[str]
    humble: re.Pattern[str]  # "kính" before a cue: the writer's own request upward ("kính đề nghị UBND tỉnh")
    narration_start: re.Pattern[str]
    citation_start: re.Pattern[str]
    self_reference: re.Pattern[str]  # "Căn cứ Kế hoạch này, …": the order's basis is this very document
    not_order: re.Pattern[str]
    field_label: re.Pattern[str]  # "Địa điểm: …": a schedule's field, no order
    legal_quote: re.Pattern[str]  # "Khoản 1 Điều 59 Nghị định … quy định:": a quoted rule, not an order
    support_label: re.Pattern[str]  # "Cơ quan phối hợp:" after a task's lead line
    time_label: re.Pattern[str]  # "Thời gian hoàn thành:" after a task's lead line
    # "Trách nhiệm chỉ đạo thực hiện:" — leads named after their block of items
    trailing_lead: re.Pattern[str]
    # the labelled lines under a plan's activity ("- Đơn vị chủ trì: …"), by role: lead, support, time, other
    activity_labels: dict[str, re.Pattern[str]]
    announce: re.Pattern[str]  # after a lead-in's subject: the writer speaks ("hướng dẫn … như sau:")
    no_task_section: re.Pattern[str]
    time_only: re.Pattern[str]  # "Hoàn thành trước ngày …" alone: the time of the order before it
    permission: re.Pattern[str]  # "Đồng ý để X …": X may act; a following time limit binds X
    meta_line: re.Pattern[str]
    closing: re.Pattern[str]
    addressee: re.Pattern[str]
    subject_prefix: re.Pattern[str]
    subject_prefix_bare: re.Pattern[str]  # the whole prefix of a subject, no comma needed ("hằng năm")
    topic_addressee: re.Pattern[str]  # the whole prefix before a unit that a ':' closes ("Đối với X: …")
    subject_connector: re.Pattern[str]  # ends a prefix: a new clause opens on it ("…; trong đó", "riêng")
    appositive: re.Pattern[str]  # ends the text before a group inside a subject (", đặc biệt là")
    head_titles: str
    collective: re.Pattern[str]
    related_suffix: re.Pattern[str]
    unit_types: tuple[str, ...]
    # capitalised type words that stand for the addressee ("đề nghị Công ty")
    addressee_types: tuple[str, ...]
    company_forms: tuple[str, ...]  # legal forms that continue a company's name ("Công ty cổ phần …")
    name_stop: tuple[str, ...]  # lower-case words that end a unit-like name (plain words, not folded)
    name_frame: tuple[str, ...]  # the role frames among them: strong evidence that the name ended
    anaphora: re.Pattern[str]
    anaphora_counts: dict[str, int]
    triggers: str
    period_triggers: str
    recurrence: tuple[tuple[str, re.Pattern[str]], ...]


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    d, a, t = _load("directive.yaml"), _load("assignee.yaml"), _load("deadline.yaml")
    word_end = r"(?![\w])"
    counts = {str(k): int(v) for k, v in (a.get("anaphora_counts") or {}).items()}
    count_alt = "|".join(sorted((re.escape(k) for k in counts), key=len, reverse=True))
    # the lead, partner and time lines of a task: after its block (directives) and under an activity
    trailing_lead = _compile(r"\W*" + alternation(d["trailing_lead_label"]) + r"\s*:")
    support_label = _compile(r"\W*" + alternation(d["support_label"]) + r"\s*:")
    time_label = _compile(r"\W*" + alternation(d["time_label"]) + r"\s*:")
    return Patterns(
        lead_before=_compile(r"(?<![\w])" + alternation(d["lead_before"]) + r"\s*$"),
        lead_after=_compile(r"^\s*(?:\([^)]{0,200}\)\s*)?,?\s*" + alternation(d["lead_after"]) + word_end),
        support_before=_compile(r"(?<![\w])" + alternation(d["support_before"]) + r"\s*$"),
        object_before=_compile(r"(?<![\w])" + alternation(d["object_before"]) + r"\s*$"),
        past=_compile(r"(?<![\w])" + alternation(d["past_markers"]) + word_end),
        humble=_compile(r"(?<![\w])" + alternation(d["humble_before_cue"]) + r"\s*$"),
        narration_start=_compile(r"^\W*" + alternation(d["narration_start"])),
        citation_start=_compile(r"^\W*" + alternation(d["citation_start"])),
        self_reference=_compile(r"^\W*" + alternation(d["self_reference"])),
        not_order=_compile(
            r"^\s*(?:\([^)]{0,200}\)\s*)?" + alternation(d["not_order_after_subject"]) + r"(?![\w])"
        ),
        field_label=_compile(r"\W*" + alternation(d["field_label"]) + r"\s*:"),
        legal_quote=_compile(
            r"\W*" + alternation(d["legal_quote"]) + r"[^:]{0,200}?\bquy\s+dinh(?:\s+nhu\s+sau)?\s*:"
        ),
        support_label=support_label,
        time_label=time_label,
        trailing_lead=trailing_lead,
        activity_labels={
            "lead": trailing_lead,
            "support": support_label,
            "time": time_label,
            "other": _compile(r"\W*" + alternation(d["activity_label"]) + r"\s*:"),
        },
        announce=_compile(r"\s*" + alternation(d["announce_after_subject"]) + word_end),
        no_task_section=_compile(r"^\W*" + alternation(d["no_task_section"])),
        time_only=_compile(r"^\W*" + alternation(d["time_only_sentence"]) + word_end),
        permission=_compile(r"^\W*(?:[^.;:]{0,60}\s)?" + alternation(d["permission_cue"]) + r"\s+$"),
        meta_line=_compile(alternation(d["meta_line"])),
        closing=_compile(r"(?<![\w])" + alternation(d["closing_formula"]) + word_end),
        subject_prefix=_compile(r"^\W*" + alternation(d["subject_prefix"]) + word_end),
        subject_prefix_bare=_compile(r"^\W*" + alternation(d["subject_prefix_bare"]) + r"\s*,?$"),
        topic_addressee=_compile(r"^\W*" + alternation(d["topic_addressee"]) + r"\s*$"),
        subject_connector=_compile(r"(?:^|[,;])\W*" + alternation(d["subject_connector"]) + r"$"),
        appositive=_compile(r"[,(]\s*" + alternation(d["appositive_before"]) + r"\s*$"),
        addressee=_compile(r"(?<![\w])" + alternation(d["addressee"]) + word_end),
        head_titles=alternation(a["head_titles"]),
        collective=_compile(r"(?<![\w])" + alternation(a["collective"]) + word_end),
        related_suffix=_compile(r"\s*" + alternation(a["related_suffix"]) + word_end),
        unit_types=tuple(sorted((str(x) for x in a["unit_types"]), key=len, reverse=True)),
        addressee_types=tuple(str(x) for x in a.get("addressee_types") or ()),
        company_forms=tuple(str(x) for x in a.get("company_forms") or ()),
        name_stop=tuple(sorted((str(x) for x in a.get("name_stop") or ()), key=len, reverse=True)),
        name_frame=tuple(sorted((str(x) for x in a.get("name_frame") or ()), key=len, reverse=True)),
        anaphora=_compile(
            r"(?<![\w])(?:(?P<count>"
            + count_alt
            + r")\s+|(?P<plural>cac)\s+)?(?P<type>"
            + alternation(a["anaphora_types"])
            + r")"
            + word_end
        ),
        anaphora_counts=counts,
        triggers=alternation(t["triggers"]),
        period_triggers=alternation(t["period_triggers"]),
        recurrence=tuple(
            (kind, _compile(r"(?<![\w])" + alternation(phrases))) for kind, phrases in t["recurrence"].items()
        ),
    )
