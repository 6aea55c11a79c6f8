"""Corrections by replying to the confirmation: the forwarding clerk (or the office) writes one line per
change.

    NV-3: chủ trì Phòng Quản lý đất đai; phối hợp Văn phòng Sở; hạn 15/8/2020
    NV-5: bỏ
    thêm: <nội dung>; chủ trì …; hạn …

Each line goes through the CLI's own audited path (service.tasks.corrections) with the sender as the actor,
inside a savepoint: a line that fails changes nothing, and is quoted back with what was wrong. Units and dates
are read as the CLI reads them (service.tasks.unit_names, service.tasks.dates). The answer lists the notice's
tasks as they now stand. `nhận N` (accept a possible task) needs a list of possible tasks, which this schema
does not have yet: such a line is answered as not understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from rules.display import notice_token, task_token, vn_date
from rules.text import fold
from service.errors import DocketError, InputError
from service.store.models import Notice, Task
from service.store.stages import TaskStatus
from service.tasks import corrections
from service.tasks.audit import Editor, notifier_for
from service.tasks.dates import parse_date
from service.tasks.unit_names import fold as fold_name
from service.tasks.unit_names import suggestions, unit_choices

_TASK_LINE = re.compile(r"\bnv\s*-\s*(\d{1,9})\b\]?\s*[:.\-–]?\s*(.*)$")
_ADD_LINE = re.compile(r"^\W*them\s*[:\-–]\s*(.+)$")
_ACCEPT_LINE = re.compile(r"^\W*nhan\s+(?:nhiem vu\s+)?(?:so\s+)?(\d{1,3})\W*$")
_COURTESY = re.compile(r"^\W*(?:kinh gui|kinh thua|tran trong|xin cam on|cam on|chao|thay mat)\b|:\s*$")
_CLAUSES = (  # (folded prefix, field) — the first that starts a clause names what it sets
    ("don vi chu tri", "lead"),
    ("chu tri", "lead"),
    ("giao", "lead"),
    ("don vi phoi hop", "support"),
    ("phoi hop", "support"),
    ("thoi han", "deadline"),
    ("han", "deadline"),
    ("noi dung", "text"),
)
_DROP = {"bo", "huy", "xoa", "bo nhiem vu", "huy nhiem vu", "khong phai nhiem vu"}


@dataclass(frozen=True, slots=True)
class Line:
    """One understood line: what to do, to which task (None for `thêm`)."""

    action: str  # edit | drop | add
    task_id: int | None
    edit: corrections.TaskEdit = field(default_factory=corrections.TaskEdit)


def is_authorised(session: Session, notice: Notice, sender: str, office: tuple[str, ...]) -> bool:
    """The clerk who forwarded the notice, or the office (its mailbox or its head) named in the directory."""
    return bool(sender) and (sender == (notice.forwarder or "").lower() or sender in office)


def parse_line(line: str) -> Line | str | None:
    """A Line, an error (what was wrong, in Vietnamese), or None for courtesy and blank lines."""
    folded = fold(line)
    if not re.search(r"\w", folded):
        return None
    if match := _TASK_LINE.search(folded):
        rest = line[len(line) - len(match.group(2)) :] if match.group(2) else ""
        if fold(rest).strip(" .;") in _DROP:
            return Line("drop", int(match.group(1)))
        edit = _clauses(rest)
        return edit if isinstance(edit, str) else Line("edit", int(match.group(1)), edit)
    if match := _ADD_LINE.match(folded):
        return _add(line[len(line) - len(match.group(1)) :])
    if _ACCEPT_LINE.match(folded):
        return "chưa có danh sách nhiệm vụ có thể nhận cho văn bản này"
    if _COURTESY.search(folded):
        return None
    return 'không có mã nhiệm vụ (NV-…) hay từ khoá "thêm:"'


def _clauses(text: str, *, first_is_text: bool = False) -> corrections.TaskEdit | str:
    values: dict[str, Any] = {}
    for n, clause in enumerate(c.strip(" .") for c in text.split(";")):
        if not clause:
            continue
        if first_is_text and n == 0:
            values["text"] = clause
            continue
        name, value = _clause(clause)
        if name is None:
            return f'không hiểu "{clause}" (viết: chủ trì …; phối hợp …; hạn dd/mm/yyyy)'
        if name == "deadline":
            try:
                value = parse_date(value)
            except InputError:
                return f'ngày không hợp lệ: "{value}" (viết dd/mm/yyyy, ví dụ 15/8/2020)'
        values[name] = value
    if not values:
        return 'chưa nêu điều chỉnh gì (chủ trì …; phối hợp …; hạn …; hoặc "bỏ")'
    return corrections.TaskEdit(
        text=values.get("text"),
        lead=values.get("lead"),
        support=values.get("support"),
        deadline=values.get("deadline"),
    )


def _clause(clause: str) -> tuple[str | None, Any]:
    folded = fold(clause)
    for prefix, name in _CLAUSES:
        if folded.startswith(prefix) and (len(folded) == len(prefix) or not folded[len(prefix)].isalnum()):
            value = clause[len(prefix) :].strip(" :.-–")
            if name in ("lead", "support"):
                names = tuple(
                    v.strip() for v in re.split(r",", re.sub(r"(?i)\s*chủ trì\s*$", "", value)) if v.strip()
                )
                return (name, names) if names or name == "support" else (None, None)
            return (name, value) if value else (None, None)
    return None, None


def _add(text: str) -> Line | str:
    edit = _clauses(text, first_is_text=True)
    if isinstance(edit, str):
        return edit
    if not edit.lead:
        return "nhiệm vụ thêm cần đơn vị chủ trì (… ; chủ trì …)"
    return Line("add", None, edit)


@dataclass
class Result:
    applied: list[str] = field(default_factory=list)  # the lines applied, as written
    quoted: list[tuple[str, str]] = field(default_factory=list)  # (line, why) not understood or refused


def apply_lines(
    app: Any, session: Session, notice: Notice, text: str, *, actor: str, now: datetime
) -> Result:
    """Every line through the CLI's audited path, each in its own savepoint; returns what was applied and
    refused."""
    result, editor, notify = Result(), Editor(actor, now), notifier_for(app)
    for raw in text.splitlines():
        line = raw.strip()
        parsed = parse_line(line)
        if parsed is None:
            continue
        if isinstance(parsed, str):
            result.quoted.append((line, parsed))
            continue
        try:
            with session.begin_nested():
                _apply(session, notice, parsed, editor, notify, actor=actor)
        except DocketError as err:
            result.quoted.append((line, str(err)))
            continue
        result.applied.append(line)
    return result


def _canonical(session: Session, names: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Unit names as written → canonical names: case, spacing, aliases (as the CLI), and also without
    diacritics."""
    if names is None:
        return None
    choices = unit_choices(session)
    plain: dict[str, set[str]] = {}
    for spelling, canonical in choices.items():
        plain.setdefault(" ".join(fold(spelling).split()), set()).add(canonical)
    out = []
    for name in names:
        found = choices.get(fold_name(name))
        # "phong quan ly cong nghe": the same letters without their marks, if that names one unit
        if found is None:
            matches = plain.get(" ".join(fold(name).split()), set())
            found = next(iter(matches)) if len(matches) == 1 else None
        if found is None:
            close = suggestions(name, choices)
            raise InputError(
                f'không có đơn vị "{name}" trong danh bạ'
                + (f"; có phải: {', '.join(close)}?" if close else "")
            )
        out.append(found)
    return tuple(dict.fromkeys(out))


def _with_units(session: Session, notice: Notice, edit: corrections.TaskEdit) -> corrections.TaskEdit:
    """The edit with canonical unit names, its deadline checked against the notice's date (in Vietnamese)."""
    if edit.deadline and notice.issued_date and edit.deadline < notice.issued_date:
        raise InputError(
            f"hạn {vn_date(edit.deadline)} trước ngày của văn bản ({vn_date(notice.issued_date)})"
        )
    return replace(edit, lead=_canonical(session, edit.lead), support=_canonical(session, edit.support))


def _apply(session: Session, notice: Notice, line: Line, editor: Editor, notify: Any, *, actor: str) -> None:
    line = replace(line, edit=_with_units(session, notice, line.edit))
    if line.action == "add":
        corrections.add_task(session, notice.id, line.edit, editor, notify=notify)
        return
    assert line.task_id is not None
    task = corrections.get_task(session, line.task_id)
    if task.notice_id != notice.id:
        raise InputError(f"{task_token(task.id)} không thuộc {notice_token(notice.id)}")
    if line.action == "drop":
        corrections.reject(session, task.id, editor, reason=f"bỏ theo thư trả lời của {actor}", notify=notify)
    else:
        corrections.edit_task(session, task.id, line.edit, editor, notify=notify)


def standing(notice: Notice) -> list[Task]:
    """The notice's tasks that still stand (not dropped, not merged away)."""
    return [t for t in notice.tasks if t.status is not TaskStatus.REJECTED and t.merged_into_id is None]
