"""Activities of a plan laid out as a title over labelled lines (patterns: activity_*_label):

    2.1. Chương trình nghệ thuật đặc biệt khai mạc Festival
    - Thời gian dự kiến: ngày 11/9/2026 (thứ Sáu).
    - Địa điểm: Hoàng Thành Thăng Long.
    - Đơn vị chủ trì: Sở Văn hoá và Thể thao.
    - Đơn vị phối hợp: Các Đại sứ quán, tổ chức quốc tế, …
    - Kinh phí: Ngân sách Thành phố.

The title is the task; its labelled lines give the lead, the partners and the time, and are no tasks of their
own. Pure: blocks in, spans out; rules.directives makes the task.
"""
from __future__ import annotations

from dataclasses import dataclass

from rules.doc import Doc
from rules.patterns import patterns
from rules.text import Block

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Activity:
    title: int  # index in the body of the title block
    last: int  # index of its last labelled line
    leads: tuple[Span, ...]  # the values of the lead labels: "Đơn vị chủ trì: …", "Đơn vị thực hiện: …"
    support: Span | None
    time: Span | None


def activities(doc: Doc, body: list[Block]) -> dict[int, Activity]:
    """The activities of a body, by the index of their title."""
    found: dict[int, Activity] = {}
    i = 0
    while i < len(body):
        act = _activity_at(doc, body, i)
        if act is None:
            i += 1
            continue
        found[i] = act
        i = act.last + 1
    return found


def _label(doc: Doc, b: Block) -> tuple[str, int] | None:
    """The role of a labelled line and where its value starts."""
    for role, rx in patterns().activity_labels.items():
        m = rx.match(doc.folded, b.body_start, b.end)
        if m:
            return role, m.end()
    return None


def _activity_at(doc: Doc, body: list[Block], i: int) -> Activity | None:
    title = body[i]
    # a numbered title, below the document's sections ("II. CƠ QUAN CHỈ ĐẠO …" over "3. Đơn vị chủ trì: …"
    # lists the plan's organisers, not an activity)
    if not title.level or _label(doc, title) is not None:
        return None
    values: dict[str, Span] = {}
    leads: list[Span] = []
    j = i + 1
    while j < len(body):
        b = body[j]
        label = None if b.level is not None and b.level <= title.level else _label(doc, b)
        if label is None:
            break
        role, start = label
        if role == "lead":
            leads.append((start, b.end))
        values.setdefault(role, (start, b.end))
        j += 1
    if j - i < 3 or "lead" not in values:  # two labelled lines at least, one of them naming the lead
        return None
    return Activity(i, j - 1, tuple(leads), values.get("support"), values.get("time"))
