"""Task tables ("Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian", "Nhiệm vụ | Người thực hiện"):
one task per content row, its lead, support and deadline read from the columns the header names. Pure.

Rows arrive as "cell | cell" lines whatever the rendering (.txt copy, extractors/docx.py,
extractors/pdf_tables.py).
The header's words (patterns/table_header.yaml) say which column is which; group rows ("I | GIAI ĐOẠN 1",
"1 | Tổ chức tuyên truyền …" with no unit and no time) are headings; an empty time cell under a filled one is
a merged cell and takes the value above, within its group.
"""

from __future__ import annotations

import re
from datetime import date
from dataclasses import dataclass, field
from functools import lru_cache

from rules.directives import Draft
from rules.doc import Doc
from rules.directory import Directory
from rules.patterns import PatternError, _load, alternation
from rules.table_events import event_end, holds_event
from rules.table_times import cell_deadline, cell_recurrence
from rules.text import Block, fold, fold_ws
from rules.units import EVERY_UNIT, every_level, find_mentions

_UNIT_ROLES = ("lead", "person", "support", "lead_support")
_COLUMN_NUMBERS = re.compile(r"^\(?\s*(?:\d{1,2}|[a-z])\s*\)?$")
_GROUP_LABEL = re.compile(
    r"^(?:[IVXL]+|(?:phan|giai\s+doan|nhom|muc)\s+(?:[ivxl]+|\d+))\s*\.?$", re.IGNORECASE
)
_UPPER_MIN = 4  # a content cell in capitals with at least this many letters is a group heading
# "7", "09", "VI", "a)": a data row, never a header
_ROW_LABEL = re.compile(r"^(?:\d{1,3}|[IVXL]+|[a-zđ])\s*[.)]?$")


@dataclass(frozen=True, slots=True)
class Cell:
    start: int
    end: int


@lru_cache(maxsize=1)
def _header_vocabulary() -> tuple[tuple[str, re.Pattern[str]], ...]:
    roles = _load("table_header.yaml").get("roles")
    if not isinstance(roles, list):
        raise PatternError("table_header.yaml: 'roles' must be a list")
    return tuple((str(r["role"]), re.compile(r"\b" + alternation(list(r["words"])) + r"\b")) for r in roles)


def cells_of(doc: Doc, b: Block) -> list[Cell]:
    """The cells of a row line, spans without their padding; a leading empty cell is kept."""
    line_start = doc.clean.rfind("\n", 0, b.start) + 1
    line = doc.clean[line_start : b.end]
    out: list[Cell] = []
    pos = line_start
    for part in line.split("|"):
        s = pos + len(part) - len(part.lstrip())
        out.append(Cell(s, max(s, pos + len(part.rstrip()))))
        pos += len(part) + 1
    return out


def header_roles(texts: list[str]) -> dict[str, int] | None:
    """Column of each role named by a header row, or None when the row is not a task-table header."""
    roles: dict[str, int] = {}
    for i, text in enumerate(texts):
        folded = fold_ws(fold(text)).strip()
        if not folded or len(folded) > 70:
            continue
        for role, rx in _header_vocabulary():
            if rx.search(folded):
                roles.setdefault(role, i)
                break
    if "content" not in roles or not any(r in roles for r in ("lead", "person", "time", "lead_support")):
        return None
    return roles


@dataclass
class _Table:
    roles: dict[str, int]
    width: int
    event: date | None = None  # last day of the event the plan schedules, for the row that holds it
    carried_time: str = ""  # the last time cell seen in the current group (a merged cell spans down)
    rows: list[Draft] = field(default_factory=list)  # the last task row, for a continuation to replace
    last: tuple[list[Cell], list[str], str] | None = None  # cells, texts and carried time before the last row


def table_tasks(doc: Doc, lines: list[Block], *, directory: Directory) -> tuple[list[Draft], set[int]]:
    """Drafts from the task tables among `lines`, and the start offsets of the lines they used."""
    drafts: list[Draft] = []
    used: set[int] = set()
    table: _Table | None = None
    for b in lines:
        if "|" not in doc.clean[b.start : b.end]:
            table = None
            continue
        cells = cells_of(doc, b)
        texts = [doc.clean[c.start : c.end] for c in cells]
        roles = header_roles(texts) if not _ROW_LABEL.match(texts[0].strip()) else None
        if roles:
            table = _Table(roles, len(cells), event_end(doc.clean))
            used.add(b.start)
            continue
        if table is None:
            continue
        used.add(b.start)
        sub_row = table.last is not None and _sub_row(texts, table)
        if table.last and not sub_row and _continues(texts, table):
            # a row cut by a page break: its second half has no content of its own
            texts = [f"{a} {b}".strip() for a, b in zip(table.last[1], texts + [""] * len(table.last[1]))]
            cells, table.carried_time = table.last[0], table.last[2]
            drafts.remove(table.rows.pop())
        draft = _row(doc, cells, texts, table, directory, merged=sub_row)
        if draft:
            drafts.append(draft)
    return drafts, used


def _continues(texts: list[str], table: _Table) -> bool:
    """A row cut by a page break: no label, and either no content of its own (the names or time run on) or
    content alone (the content cell runs on) where the table has a label column."""
    if _get(texts, table.roles, "number"):
        return False
    assigned = any(_get(texts, table.roles, r) for r in (*_UNIT_ROLES, "time"))
    if not _content(texts, table.roles):
        return assigned
    return "number" in table.roles and not assigned


def _sub_row(texts: list[str], table: _Table) -> bool:
    """A row under a content cell merged down from the row above, with its own lead and time: a second task of
    that content ("Tham mưu ban hành Kế hoạch kiểm tra …" for Sở Nội vụ, then its own self-inspection plan for
    every agency, in the next row). A row cut by a page break runs on what the row above left unfinished; this
    one repeats columns the row above has already filled."""
    if _get(texts, table.roles, "number") or _content(texts, table.roles) or table.last is None:
        return False
    above = table.last[1]
    lead = next((r for r in ("lead", "person") if r in table.roles), None)
    return bool(
        lead
        and "time" in table.roles
        and all(_get(texts, table.roles, r) and _get(above, table.roles, r) for r in (lead, "time"))
    )


def _content(texts: list[str], roles: dict[str, int]) -> str:
    """What the row asks: its specific action where the table has such a column, else its content cell."""
    return _get(texts, roles, "detail") or _get(texts, roles, "content")


def _get(texts: list[str], roles: dict[str, int], role: str) -> str:
    i = roles.get(role)
    return texts[i].strip() if i is not None and i < len(texts) else ""


def _is_group(texts: list[str], table: _Table) -> bool:
    label = _get(texts, table.roles, "number")
    content = _get(texts, table.roles, "content")
    if (label.isupper() and _GROUP_LABEL.match(label)) or _GROUP_LABEL.match(fold(content).strip()):
        return True
    letters = [ch for ch in content if ch.isalpha()]
    if len(letters) >= _UPPER_MIN and all(ch.isupper() for ch in letters):
        return True
    assigned = any(_get(texts, table.roles, r) for r in (*_UNIT_ROLES, "time"))
    return not assigned


def _row(
    doc: Doc,
    cells: list[Cell],
    texts: list[str],
    table: _Table,
    directory: Directory,
    *,
    merged: bool = False,
) -> Draft | None:
    roles = table.roles
    content = _content(texts, roles)
    if (not content and not merged) or all(
        _COLUMN_NUMBERS.match(fold(t).strip()) for t in texts if t.strip()
    ):
        return None
    if not merged and _is_group(texts, table):
        table.last = None
        table.carried_time = _get(texts, roles, "time")
        return None
    table.last = (cells, texts, table.carried_time)
    time = _get(texts, roles, "time") or table.carried_time
    table.carried_time = time
    lead_cell = (_get(texts, roles, "lead") + " ; " + _get(texts, roles, "person")).strip(" ;")
    lead, unknown = _units(lead_cell, directory)
    if lead_cell and not lead and not unknown:
        # "Theo phân công tại Quyết định số …": someone is named, elsewhere; a person routes it
        unknown = (lead_cell,)
    support, _ = _units(_get(texts, roles, "support"), directory)
    both, both_unknown = _units(_get(texts, roles, "lead_support"), directory)
    if both and not lead:  # "Phòng Đào tạo; Trung tâm QLCL": the first leads, the others support
        lead, support = both[:1], (*both[1:], *support)
    elif both_unknown and not lead and not unknown:
        unknown = both_unknown[:1]
    if EVERY_UNIT in support:
        support = (EVERY_UNIT,)
    due = cell_deadline(time, issued=doc.issued or doc.year_hint, calendar=doc.calendar) if time else None
    rec, rec_day = cell_recurrence(time) if time else (None, None)
    if not time and table.event and holds_event(content):
        due = table.event
    first = next(c for c, t in zip(cells, texts) if t.strip())
    end = max(c.end for c, t in zip(cells, texts) if t.strip())
    for n in lead:
        if n != EVERY_UNIT:
            doc.history.append(n)
    conf = (0.9 if lead else 0.45) if not unknown else 0.5
    draft = Draft(
        start=first.start,
        end=end,
        text=fold_ws(" | ".join(t.strip() for t in texts).strip(" |")),
        lead=lead,
        support=tuple(s for s in support if s not in lead),
        unknown=unknown,
        deadline=due,
        deadline_text=fold_ws(time) or None,
        recurrence=rec,
        recurrence_day=rec_day,
        confidence=conf,
        reasons=("table-row",),
    )
    table.rows = [draft]
    return draft


def _units(text: str, directory: Directory) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Canonical units named in a cell (several when joined by '/', ';', ',' or 'và'), and unknown names."""
    if not text.strip(" ;"):
        return (), ()
    spaced = text.replace("/", " / ")  # "Sở Công Thương/Sở Xây dựng": two units
    names: list[str] = []
    unknown: list[str] = []
    for m in find_mentions(spaced, fold(spaced), directory):
        if m.kind in ("unit", "collective") and m.name and m.name not in names:
            names.append(m.name)
        elif m.kind == "unknown":
            unknown.append(m.written)
    return ((EVERY_UNIT,) if EVERY_UNIT in names or every_level([text]) else tuple(names)), tuple(unknown)


_WORD = re.compile(r"[a-z0-9]+")
REPEAT_SHARE = 0.6  # share of a prose task's words found in one table row for it to be a repeat of that row


def drop_repeats(prose: list[Draft], rows: list[Draft]) -> list[Draft]:
    """The prose drafts that do not restate a table row (a plan's section repeating its annex without
    assignees): the row keeps the task, with the table's lead and time."""
    row_words = [set(_WORD.findall(fold(r.text))) for r in rows]
    if not row_words:
        return prose
    kept = []
    for d in prose:
        words = set(_WORD.findall(fold(d.text)))
        if (
            d.lead
            or len(words) < 4
            or not any(len(words & rw) >= REPEAT_SHARE * len(words) for rw in row_words)
        ):
            kept.append(d)
    return kept
