"""Who does what in one sentence: group unit mentions and give each group a role (lead, support,
object) from the frames around it (domain-vi.md §2.1, §2.3). Pure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rules.patterns import patterns
from rules.units import EVERY_UNIT, Mention

_JOIN = re.compile(r"^\s*(?:,|,?\s*va|&|,?\s*cung)?\s*$")
_BOUNDARY = re.compile(r";|:|(?<![\w])thi(?![\w])|(?<![\w])dong\s+thoi(?![\w])")
_PURPOSE = re.compile(r"(?<![\w])(?:để|nhằm)(?![\w])", re.IGNORECASE)  # "… để tổng hợp đề nghị Sở X …"
_LIST_SEMICOLON = re.compile(r"(?::[^;.:]{0,200})?\s*;\s*$")  # only a ";" (after a ":" list) between groups
# "Hội X: Không có khả năng ..." — a name labelling a description
_LABEL = re.compile(r"^[^,;.:]{0,60}:\s*\S")


@dataclass(frozen=True, slots=True)
class Group:
    start: int
    end: int
    mentions: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class Anchor:
    """A unit group that holds the lead, and how we know."""

    group: Group
    how: str  # 'cue' (giao X), 'frame' (X chủ trì), 'initial' (clause subject)
    cue_start: int  # where the clause of this anchor starts its own words ("giao", or the group)


def groups(mentions: list[Mention], folded: str) -> list[Group]:
    out: list[list[Mention]] = []
    for men in mentions:
        if men.kind == "issuer":
            continue
        if out and _JOIN.match(folded[out[-1][-1].end : men.start]):
            out[-1].append(men)
        else:
            out.append([men])
    return [Group(g[0].start, g[-1].end, tuple(g)) for g in out]


def _clause_start(folded: str, lo: int, pos: int) -> int:
    last = lo
    for m in _BOUNDARY.finditer(folded, lo, pos):
        last = m.end()
    return last


@dataclass(frozen=True, slots=True)
class Roles:
    anchors: list[Anchor]
    support: list[Group]
    statement: bool  # the sentence opens with a unit that is described, not ordered ("X là ...", "X: ...")


def classify(gs: list[Group], folded: str, lo: int, hi: int, clean: str = "") -> Roles:
    """Lead anchors and support groups among the groups of folded[lo:hi] (`clean`: the same text with its
    diacritics, where "để" (purpose) and "đề" must be told apart)."""
    pat = patterns()
    anchors: list[Anchor] = []
    support: list[Group] = []
    statement = False
    seen_in_clause: dict[int, bool] = {}
    last_support = False
    prev_end = lo
    for g in gs:
        window = folded[max(lo, g.start - 50) : g.start]
        after = folded[g.end : min(hi, g.end + 70)]
        # "phối hợp các Sở: A, B; Ban Quản lý …; UBND các huyện: X, Y và …": a partner list runs on over ';'
        # up to a group that takes a role frame of its own ("…; Sở C có trách nhiệm …")
        runs_on = (
            last_support
            and _LIST_SEMICOLON.match(folded, prev_end, g.start) is not None
            and not pat.lead_after.match(after)
        )
        prev_end = g.end
        if pat.support_before.search(window) or (last_support and pat.appositive.search(window)) or runs_on:
            support.append(g)
            last_support = True
            continue
        last_support = False
        if pat.appositive.search(window):
            continue  # "Thủ trưởng các đơn vị, đặc biệt là Chi cục X, phải …": part of the subject before it
        cue = pat.lead_before.search(window)
        clause = _clause_start(folded, lo, g.start)
        if cue:
            cue_pos = max(lo, g.start - 50) + cue.start()
            phrase_start = max(clause, folded.rfind(",", clause, cue_pos) + 1)
            purpose = bool(clean) and _in_purpose(clean, clause, phrase_start, cue_pos)
            if not (
                pat.past.search(folded[phrase_start:cue_pos])
                or pat.humble.search(folded[lo:cue_pos])
                or purpose
            ):
                anchors.append(Anchor(g, "cue", cue_pos))
            seen_in_clause[clause] = True
            continue
        prefix = folded[clause : g.start].strip()
        if pat.topic_addressee.match(prefix) and re.match(r"\s*(?:\([^)]{0,200}\)\s*)?:", after):
            anchors.append(Anchor(g, "frame", g.start))  # "Đối với Trung tâm X: khẩn trương …"
            seen_in_clause[clause] = True
            continue
        connector = bool(pat.subject_connector.search(prefix)) and not re.match(r"\s*[,)]", after)
        # "trong đó" ends on "đó", not the object word "do"
        if pat.object_before.search(window) and not connector:
            continue
        if pat.lead_after.match(after) and not re.match(
            r"^\s*(?:da|duoc\s+(?!giao|phan\s+cong))(?![\w])", after
        ):
            anchors.append(Anchor(g, "frame", g.start))
            seen_in_clause[clause] = True
            continue
        initial = (
            connector
            or not seen_in_clause.get(clause)
            and (
                prefix == ""
                or (prefix.endswith(",") and bool(pat.subject_prefix.match(prefix)))
                or bool(pat.subject_prefix_bare.match(prefix))
            )
        )
        seen_in_clause[clause] = True
        label = _LABEL.match(after) and not any(m.kind in ("unit", "collective") for m in g.mentions)
        if initial and (pat.not_order.match(after) or label):
            statement = statement or clause == lo
        elif initial:
            anchors.append(Anchor(g, "initial", g.start))
    return Roles(anchors, support, statement)


def _in_purpose(clean: str, clause: int, phrase_start: int, cue_pos: int) -> bool:
    """Whether a cue stands inside a purpose clause ("…, để tổng hợp đề nghị Sở X xem xét"). A purpose clause
    that opens the sentence is a fronted adverbial: its comma may be missing ("Để kịp tổng hợp đề nghị các đơn
    vị gửi …"), and the cue after it is still the main clause's order."""
    m = _PURPOSE.search(clean, phrase_start, cue_pos)
    if m is None:
        return False
    fronted = phrase_start == clause and not clean[clause : m.start()].strip(" \t\n\"'“(")
    return not fronted


def support_names(gs: list[Group]) -> tuple[str, ...]:
    names: list[str] = []
    for g in gs:
        for men in g.mentions:
            if men.kind in ("unit", "collective") and men.name and men.name not in names:
                names.append(men.name)
    return (EVERY_UNIT,) if EVERY_UNIT in names else tuple(names)
