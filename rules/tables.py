"""Task tables ("Nội dung | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành"): one task per
row, lead, support and deadline read from the columns found by their meaning. Pure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rules.deadlines import find_deadline, find_recurrence
from rules.directives import Doc, Draft
from rules.roles import Group, support_names
from rules.text import Block, fold_ws
from rules.units import STAR

_COLUMNS = (
    ("content", re.compile(r"noi\s+dung|nhiem\s+vu|cong\s+viec|hoat\s+dong|giai\s+phap")),
    ("support", re.compile(r"phoi\s+hop")),
    ("lead", re.compile(r"chu\s+tri|thuc\s+hien|trach\s+nhiem|dau\s+moi")),
    ("deadline", re.compile(r"thoi\s+gian|thoi\s+han|tien\s+do|hoan\s+thanh|han\s+chot")),
)


@dataclass(frozen=True, slots=True)
class Column:
    role: str
    index: int


def _cells(doc: Doc, b: Block) -> list[tuple[int, int]]:
    out, pos = [], b.start
    line = doc.clean[b.start:b.end]
    for part in line.split(" | "):
        s = pos + len(part) - len(part.lstrip())
        out.append((s, pos + len(part.rstrip())))
        pos += len(part) + 3
    return out


def _header(doc: Doc, cells: list[tuple[int, int]]) -> dict[str, int] | None:
    roles: dict[str, int] = {}
    for i, (s, e) in enumerate(cells):
        text = doc.folded[s:e]
        for role, rx in _COLUMNS:
            if role not in roles and rx.search(text) and len(text) < 60:
                roles[role] = i
                break
    return roles if "content" in roles and ("lead" in roles or "deadline" in roles) else None


def table_tasks(doc: Doc, body: list[Block]) -> tuple[list[Draft], set[int]]:
    """Drafts from task tables, and the start offsets of the blocks they used."""
    drafts: list[Draft] = []
    used: set[int] = set()
    header: dict[str, int] | None = None
    width = 0
    for b in body:
        if " | " not in doc.clean[b.start:b.end]:
            header = None
            continue
        cells = _cells(doc, b)
        found = _header(doc, cells)
        if found:
            header, width = found, len(cells)
            used.add(b.start)
            continue
        if header is None or len(cells) < max(header.values()) + 1:
            continue
        used.add(b.start)
        draft = _row(doc, cells, header)
        if draft:
            drafts.append(draft)
    del width
    return drafts, used


def _units_in(doc: Doc, span: tuple[int, int]) -> tuple[list, list[str]]:
    men = [m for m in doc.mentions if span[0] <= m.start < span[1]]
    unknown = [m.written for m in men if m.kind == "unknown"]
    return men, unknown


def _row(doc: Doc, cells: list[tuple[int, int]], header: dict[str, int]) -> Draft | None:
    cs, ce = cells[header["content"]]
    if ce <= cs:
        return None
    lead: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    if "lead" in header:
        men, unk = _units_in(doc, cells[header["lead"]])
        names = [m.name for m in men if m.kind in ("unit", "collective") and m.name]
        lead = (STAR,) if STAR in names else tuple(dict.fromkeys(names))
        unknown = tuple(unk)
    support: tuple[str, ...] = ()
    if "support" in header:
        men, _ = _units_in(doc, cells[header["support"]])
        support = support_names([Group(m.start, m.end, (m,)) for m in men])
    dl = rec = None
    dtext = ""
    if "deadline" in header:
        ds, de = cells[header["deadline"]]
        dtext = doc.clean[ds:de]
        dl = find_deadline(dtext, issued=doc.issued or doc.year_hint, calendar=doc.calendar, require_trigger=False)
        rec = find_recurrence(dtext)
    content = doc.clean[cs:ce]
    rec = rec or find_recurrence(content)
    conf = 0.9 if lead else 0.45
    if unknown:
        conf = min(conf, 0.5)
    for n in lead:
        if n != STAR:
            doc.history.append(n)
    return Draft(
        start=cs, end=ce, text=fold_ws(content), lead=lead, support=tuple(s for s in support if s not in lead),
        unknown=unknown, deadline=dl.due if dl else None, deadline_text=fold_ws(dtext) if dtext else None,
        recurrence=rec.kind if rec else None, recurrence_day=rec.day if rec else None, confidence=conf,
        reasons=("table-row",),
    )
