"""How the admin CLI prints: JSON for scripts, Rich tables and panels for people (dates dd/mm/yyyy).

Tables fill the terminal's width (COLUMNS, else the terminal, else 80 columns when piped) and cut long text
with "…"; labels, headers and statuses are Vietnamese, times are in the office's time zone.
"""
from __future__ import annotations

import json
import shutil
import sys
from datetime import date, datetime
from typing import Any

from extractors.safe_text import safe_line
from outbox.models import MailKind
from rules.display import task_token, vn_date, vn_minute
from service.tasks.history_vi import FIELD_VI, STATE_VI, describe, value_vi

STAGE_VI = {
    "received": "đã nhận",
    "processed": "đã xử lý",
    "failed": "lỗi",
    "quarantined": "cách ly",
    "ignored": "bỏ qua",
    "reply": "thư trả lời",
}
EXTENSION_VI = {"pending": "chờ duyệt", "approved": "đã duyệt", "refused": "từ chối"}
# every MailKind (tests/unit/outbox/test_mail_kinds.py)
MAIL_KIND_VI: dict[MailKind, str] = {
    MailKind.CONFIRMATION: "xác nhận",
    MailKind.UNREADABLE: "không đọc được",
    MailKind.NO_NOTICE: "không có văn bản",
    MailKind.ASSIGNMENT: "giao việc",
    MailKind.CHANGE: "thay đổi",
    MailKind.REPLY_ACK: "trả lời đơn vị",
    MailKind.DIGEST: "tổng hợp",
    MailKind.REMINDER: "nhắc hạn",
    MailKind.ESCALATION: "báo quá hạn",
    MailKind.BUNDLE: "nhắc việc trong ngày",
    MailKind.ORG_DIGEST: "tổng hợp toàn cơ quan",
    MailKind.TOO_MANY_NOTICES: "quá nhiều văn bản",
    MailKind.CORRECTION: "trả lời điều chỉnh",
    MailKind.REPLY_ANSWER: "trả lời trong hội thoại",
    MailKind.EXTENSION_REQUEST: "đề nghị gia hạn",
}
OUTBOX_STATUS_VI = {
    "pending": "chờ gửi",
    "sending": "đang gửi",
    "sent": "đã gửi",
    "retry": "chờ gửi lại",
    "dead": "gửi hỏng",
    "cancelled": "đã hủy",
    "bundled": "gộp vào thư trong ngày",
}
STATE_STYLE = {
    "overdue": "bold red",
    "done_on_time": "green",
    "done_late": "yellow",
    "cancelled": "dim",
    "rejected": "dim",
    "merged": "dim",
}


def print_json(value: Any) -> None:
    """Indented on a terminal; compact (the fast C encoder) when piped to a script."""
    indent = 1 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=indent, default=str))
    sys.stdout.write("\n")


def terminal_width() -> int:
    """COLUMNS when set, else the terminal's width, else 80 (output piped to a file)."""
    return shutil.get_terminal_size((80, 24)).columns


def _console() -> Any:
    from rich.console import Console  # lazy: rich is 16 ms at import; JSON output never needs it

    return Console(highlight=False, soft_wrap=False, width=terminal_width())


def cut_column(table: Any, name: str, *, ratio: int = 1, min_width: int | None = None) -> None:
    """A column of free text: one line per row, cut with "…", sharing the width left with the other such
    columns."""
    table.add_column(name, overflow="ellipsis", no_wrap=True, ratio=ratio, min_width=min_width)


def fixed_column(table: Any, name: str, **options: Any) -> None:
    """A short column (ID, date, status, count) that is never cut."""
    table.add_column(name, no_wrap=True, **options)


def dmy(iso: str | None) -> str:
    return vn_date(date.fromisoformat(iso) if iso else None)


def one_line(text: str | None) -> str:
    """Text from mail on one line, terminal controls replaced (extractors.safe_text): safe to print."""
    return " ".join(safe_line(text or "").split())


def task_table(rows: list[dict[str, Any]], total: int) -> None:
    from rich.markup import escape  # lazy: rich is 16 ms at import; JSON output never needs it
    from rich.table import Table  # lazy: rich is 16 ms at import; JSON output never needs it

    width = terminal_width()
    table = Table(show_lines=False, pad_edge=False, expand=True)
    fixed_column(table, "Mã")
    fixed_column(table, "Hạn")
    # cut before the text
    table.add_column("Trạng thái", overflow="ellipsis", no_wrap=True, max_width=max(width // 6, 10))
    cut_column(table, "Chủ trì", ratio=1, min_width=8)
    cut_column(table, "Nhiệm vụ", ratio=3, min_width=16)
    fixed_column(table, "Văn bản")
    for row in rows:
        state = row["status"]
        label = STATE_VI.get(state, state)
        table.add_row(
            row["id"] + (" ⚑" if row["needs_review"] else ""),
            dmy(row["deadline"]),
            f"[{STATE_STYLE[state]}]{label}[/]" if state in STATE_STYLE else label,
            escape(one_line(", ".join(row["lead"])) or "—"),
            escape(one_line(row["text"])),
            row["notice"],
        )
    console = _console()
    console.print(table)
    more = total - len(rows)
    tail = f" — còn {more} nhiệm vụ không hiện (--limit 0 để xem hết, hoặc --json)" if more > 0 else ""
    console.print(f"{len(rows)}/{total} nhiệm vụ{tail}; ⚑ = cần rà soát")


def local_time(iso: str | None, tz: Any) -> str:
    """A stored (UTC) ISO time as dd/mm/yyyy HH:MM in the office's zone; the caller names the zone once."""
    return vn_minute(datetime.fromisoformat(iso).astimezone(tz) if iso else None)


def local_minute(iso: str) -> str:
    """'2026-11-25T08:30:00+07:00' (already in the office's zone) → '25/11/2026 08:30'."""
    return vn_minute(datetime.fromisoformat(iso))


def task_panel(detail: dict[str, Any], zone: str = "") -> None:
    from rich.markup import escape  # lazy: rich is 16 ms at import; JSON output never needs it

    console = _console()
    out = console.print
    out(
        f"[bold]{detail['id']}[/] — {STATE_VI.get(detail['status'], detail['status'])}"
        f"{'  ⚑ cần rà soát' if detail['needs_review'] else ''}{'  (đã sửa tay)' if detail['manual'] else ''}"
    )
    out(f"Văn bản: {detail['notice']} {detail['notice_label']}")
    out(f"Nội dung: {detail['text']}")
    out(f"Chủ trì: {', '.join(detail['lead']) or '—'}")
    out(f"Phối hợp: {', '.join(detail['support']) or '—'}")
    deadline = dmy(detail["deadline"])
    if detail["original_deadline"] and detail["original_deadline"] != detail["deadline"]:
        deadline += f" (hạn ban đầu {dmy(detail['original_deadline'])})"
    out(f"Thời hạn: {deadline}{'  — ' + detail['deadline_text'] if detail['deadline_text'] else ''}")
    recurrence = value_vi(detail["recurrence"]) if detail["recurrence"] else "—"
    out(f"Định kỳ: {recurrence}   Độ tin cậy: {detail['confidence']:.0%}")
    if detail["closed_reason"]:
        out(f"Lý do: {detail['closed_reason']}")
    evidence = detail["evidence"]
    part = "thân thư" if evidence["part"] in (None, "body") else evidence["part"]
    where = (
        f"{escape(part)}, ký tự {evidence['start']}–{evidence['end']}"
        if evidence["start"] is not None
        else "—"
    )
    out(f"\n[bold]Trích dẫn[/] ({where}):\n  “{evidence['quote']}”")
    out(f"\n[bold]Lịch sử[/]{f' (giờ {zone})' if zone else ''}:")
    for event in detail["history"]:
        out(f"  {local_minute(event['at'])}  {escape(event['actor'])}: {escape(describe(event))}")
    for request in detail["extension_requests"]:
        status = EXTENSION_VI.get(request["status"], request["status"])
        out(
            f"Xin gia hạn #{request['id']} đến {dmy(request['to'])}: {status} — "
            f"{escape(request['reason'] or '')}"
        )
    if detail["mails"]:
        out("\n[bold]Thư[/]:")
        for mail in detail["mails"]:
            out(
                f"  #{mail['id']} {MAIL_KIND_VI.get(mail['kind'], mail['kind'])}, "
                f"{OUTBOX_STATUS_VI.get(mail['status'], mail['status'])}: {escape(mail['subject'])}"
            )


def notice_table(rows: list[dict[str, Any]], total: int) -> None:
    from rich.markup import escape  # lazy: rich is 16 ms at import; JSON output never needs it
    from rich.table import Table  # lazy: rich is 16 ms at import; JSON output never needs it

    table = Table(pad_edge=False, expand=True)
    for name in ("Mã", "Số", "Loại", "Ngày"):
        fixed_column(table, name)
    cut_column(table, "Trích yếu", min_width=16)
    fixed_column(table, "Nhiệm vụ", justify="right")
    fixed_column(table, "Cần rà soát", justify="right")
    for row in rows:
        table.add_row(
            row["id"],
            escape(row["number"] or "—"),
            escape(row["type"] or "—"),
            dmy(row["issued_date"]),
            escape(one_line(row["subject"])),
            str(row["tasks"]),
            str(row["needs_review"]),
        )
    console = _console()
    console.print(table)
    more = total - len(rows)
    console.print(
        f"{len(rows)}/{total} văn bản"
        + (f" — còn {more} văn bản không hiện (--limit 0 hoặc --json)" if more > 0 else "")
    )


def notice_panel(detail: dict[str, Any]) -> None:
    console = _console()
    console.print(f"[bold]{detail['id']}[/] {detail['label']}")
    for label, key in (
        ("Cơ quan ban hành", "issuer"),
        ("Trích yếu", "subject"),
        ("Người ký", "signer"),
        ("Độ khẩn", "urgency"),
        ("Nguồn", "source"),
        ("Người chuyển", "forwarder"),
    ):
        if detail.get(key):
            console.print(f"{label}: {detail[key]}")
    for warning in detail["warnings"]:
        console.print(f"[yellow]Cảnh báo:[/] {warning}")
    for message in detail["messages"]:
        stage = STAGE_VI.get(message["stage"], message["stage"])
        console.print(
            f"Thư #{message['id']} {message['message_id'] or ''} từ {message['sender'] or '?'}: {stage}"
        )
    task_table(detail["tasks"], len(detail["tasks"]))


def candidate_table(rows: list[dict[str, Any]]) -> None:
    """The safety net's possible tasks of a notice; `docket tasks add --from-candidate ID` accepts one."""
    from rich.markup import escape  # lazy: rich is 16 ms at import; JSON output never needs it

    if not rows:
        return
    console = _console()
    console.print(
        f"[bold]Nội dung có thể là nhiệm vụ (cần rà soát)[/] ({len(rows)}): docket tasks add "
        "--from-candidate ID"
    )
    for row in rows:
        done = f" → {row['task']}" if row["task"] else ""
        lead = ", ".join(row["lead"]) or "?"
        deadline = f"; hạn {row['deadline']}" if row["deadline"] else ""
        token = escape("[" + row["id"] + "]")
        console.print(
            f"{row['number']}. {token}{done} {escape(row['text'])}  [dim]({escape(lead + deadline)})[/]",
            highlight=False,
        )


def unit_table(rows: list[dict[str, Any]]) -> None:
    from rich.markup import escape  # lazy: rich is 16 ms at import; JSON output never needs it
    from rich.table import Table  # lazy: rich is 16 ms at import; JSON output never needs it

    table = Table(pad_edge=False, expand=True)
    fixed_column(table, "Đơn vị")  # the name an admin types: shown whole
    cut_column(table, "Tên gọi khác", ratio=2)
    cut_column(table, "Email", ratio=2)
    cut_column(table, "Thủ trưởng", ratio=1)
    fixed_column(table, "NV đang chủ trì", justify="right")
    for row in rows:
        name = (
            escape(row["name"])
            + (" (VP)" if row["office"] else "")
            + ("" if row["active"] else " [dim](ngừng)[/]")
        )
        table.add_row(
            name,
            escape(", ".join(row["aliases"])),
            row["email"] or "—",
            escape(row["head"] or "—"),
            str(row["open_tasks_as_lead"]),
        )
    _console().print(table)


def grid_table(grid: Any) -> None:
    from rich.table import Table  # lazy: rich is 16 ms at import; JSON output never needs it

    rows = grid.table()
    period = f"Từ {vn_date(grid.period_from)} đến {vn_date(grid.period_to)}"
    table = Table(title=f"{period} (tính đến {vn_date(grid.as_of)}, so với thời hạn ban đầu)", pad_edge=False)
    for index, name in enumerate(rows[0]):
        table.add_column(str(name), justify="left" if index == 0 else "right", overflow="fold")
    for row in rows[1:]:
        table.add_row(*(str(cell) for cell in row), style="bold" if row is rows[-1] else None)
    _console().print(table)


def changes(outcome: Any) -> None:
    """One line per changed field (in Vietnamese), then warnings."""
    for change in outcome.changes:
        if change.field in ("manual", "needs_review", "completed_at"):
            continue
        label = FIELD_VI.get(change.field, change.field)
        print(f"{task_token(outcome.task_id)}: {label}: {value_vi(change.before)} → {value_vi(change.after)}")
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)


DIFF_VI = {
    "same": "giữ nguyên",
    "changed": "thay đổi",
    "added": "thêm mới",
    "removed": "không còn thấy",
    "kept": "giữ lại",
}
WHY_VI = {
    "corrected by an admin": "đã được sửa tay",
    "no longer found by the rules": "quy tắc hiện tại không còn tìm thấy",
}


def reprocess_diffs(diffs: Any) -> None:
    """What re-reading a notice would change, task by task, in Vietnamese; cut to the terminal's width."""
    width = terminal_width()
    for diff in diffs:
        label = task_token(diff.task_id) if diff.task_id else "mới"
        why = WHY_VI.get(diff.why or "", diff.why or "")
        if why.startswith("already "):
            why = "đã " + STATE_VI.get(why.removeprefix("already "), why.removeprefix("already "))
        line = f"{DIFF_VI.get(diff.kind, diff.kind):15} {label:7} {one_line(diff.text)}"
        tail = f"  ({why})" if why else ""
        room = max(width - len(tail), 20)
        print((line if len(line) <= room else line[: room - 1] + "…") + tail)
        for change in diff.changes:
            print(
                f"{'':24}{FIELD_VI.get(change.field, change.field)}: {value_vi(change.before)} → "
                f"{value_vi(change.after)}"
            )


def outcome_json(outcome: Any, notified: bool) -> dict[str, Any]:
    return {
        "task": task_token(outcome.task_id),
        "warnings": list(outcome.warnings),
        "changes": [{"field": c.field, "before": c.before, "after": c.after} for c in outcome.changes],
        "notified": list(outcome.notice.kinds) if outcome.notice and notified else [],
    }
