"""How the admin CLI prints: JSON for scripts, Rich tables and panels for people (dates dd/mm/yyyy)."""
from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

STATE_VI = {
    "open": "đang thực hiện", "overdue": "quá hạn", "done_on_time": "hoàn thành đúng hạn",
    "done_late": "hoàn thành quá hạn", "cancelled": "đã hủy", "rejected": "không phải nhiệm vụ", "merged": "đã gộp",
}
STATE_STYLE = {"overdue": "bold red", "done_on_time": "green", "done_late": "yellow", "cancelled": "dim", "rejected": "dim",
               "merged": "dim"}


def print_json(value: Any) -> None:
    """Indented on a terminal; compact (the fast C encoder) when piped to a script."""
    indent = 1 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=indent, default=str))
    sys.stdout.write("\n")


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def dmy(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else "—"


def _short(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def task_table(rows: list[dict[str, Any]], total: int) -> None:
    from rich.table import Table

    table = Table(show_lines=False, pad_edge=False, expand=False)
    # On a narrow terminal the task text keeps a readable width; the lead and status wrap instead.
    for name, options in (("ID", {"no_wrap": True}), ("Hạn", {"no_wrap": True}), ("Trạng thái", {"max_width": 10}),
                          ("Chủ trì", {"max_width": 18}), ("Nhiệm vụ", {"min_width": 16, "ratio": 1}),
                          ("TB", {"no_wrap": True})):
        table.add_column(name, overflow="fold", **options)
    for row in rows:
        state = row["status"]
        flag = " ⚑" if row["needs_review"] else ""
        table.add_row(row["id"] + flag, dmy(row["deadline"]), f"[{STATE_STYLE.get(state, '')}]{STATE_VI.get(state, state)}[/]"
                      if STATE_STYLE.get(state) else STATE_VI.get(state, state),
                      _short(", ".join(row["lead"]) or "—", 30), _short(row["text"], 70), row["notice"])
    console = _console()
    console.print(table)
    more = total - len(rows)
    tail = f" — {more} more not shown (use --limit 0 for all, or --json)" if more > 0 else ""
    console.print(f"{len(rows)} of {total} task(s){tail}; ⚑ = needs review")


def task_panel(detail: dict[str, Any]) -> None:
    console = _console()
    out = console.print
    out(f"[bold]{detail['id']}[/] — {STATE_VI.get(detail['status'], detail['status'])}"
        f"{'  ⚑ cần rà soát' if detail['needs_review'] else ''}{'  (đã sửa tay)' if detail['manual'] else ''}")
    out(f"Văn bản: {detail['notice']} {detail['notice_label']}")
    out(f"Nội dung: {detail['text']}")
    out(f"Chủ trì: {', '.join(detail['lead']) or '—'}")
    out(f"Phối hợp: {', '.join(detail['support']) or '—'}")
    deadline = dmy(detail["deadline"])
    if detail["original_deadline"] and detail["original_deadline"] != detail["deadline"]:
        deadline += f" (hạn ban đầu {dmy(detail['original_deadline'])})"
    out(f"Thời hạn: {deadline}{'  — ' + detail['deadline_text'] if detail['deadline_text'] else ''}")
    out(f"Định kỳ: {detail['recurrence'] or '—'}   Độ tin cậy: {detail['confidence']:.2f}")
    if detail["closed_reason"]:
        out(f"Lý do: {detail['closed_reason']}")
    evidence = detail["evidence"]
    where = f"{evidence['part'] or '?'} [{evidence['start']}:{evidence['end']}]" if evidence["start"] is not None else "—"
    out(f"\n[bold]Trích dẫn[/] ({where}):\n  “{evidence['quote']}”")
    out("\n[bold]Lịch sử[/]:")
    for event in detail["history"]:
        change = f"{event['before'] or '∅'} → {event['after'] or '∅'}"
        note = f"  ({event['note']})" if event["note"] else ""
        out(f"  {event['at'][:16].replace('T', ' ')}  {event['actor']}  {event['field']}: {change}{note}")
    for request in detail["extension_requests"]:
        out(f"Xin gia hạn #{request['id']} đến {dmy(request['to'])}: {request['status']} — {request['reason'] or ''}")
    if detail["mails"]:
        out("\n[bold]Thư[/]:")
        for mail in detail["mails"]:
            out(f"  #{mail['id']} {mail['kind']} {mail['status']}: {mail['subject']}")


def notice_table(rows: list[dict[str, Any]], total: int) -> None:
    from rich.table import Table

    table = Table(pad_edge=False)
    for name in ("ID", "Số", "Loại", "Ngày", "Trích yếu", "Nhiệm vụ", "Rà soát"):
        table.add_column(name, no_wrap=name != "Trích yếu", overflow="fold")
    for row in rows:
        table.add_row(row["id"], row["number"] or "—", row["type"] or "—", dmy(row["issued_date"]), _short(row["subject"], 60),
                      str(row["tasks"]), str(row["needs_review"]))
    console = _console()
    console.print(table)
    more = total - len(rows)
    console.print(f"{len(rows)} of {total} notice(s)" + (f" — {more} more (use --limit 0 or --json)" if more > 0 else ""))


def notice_panel(detail: dict[str, Any]) -> None:
    console = _console()
    console.print(f"[bold]{detail['id']}[/] {detail['label']}")
    for label, key in (("Cơ quan ban hành", "issuer"), ("Trích yếu", "subject"), ("Người ký", "signer"),
                       ("Độ khẩn", "urgency"), ("Nguồn", "source"), ("Người chuyển", "forwarder")):
        if detail.get(key):
            console.print(f"{label}: {detail[key]}")
    for warning in detail["warnings"]:
        console.print(f"[yellow]Cảnh báo:[/] {warning}")
    for message in detail["messages"]:
        console.print(f"Thư #{message['id']} {message['message_id'] or ''} từ {message['sender'] or '?'}: {message['stage']}")
    task_table(detail["tasks"], len(detail["tasks"]))


def candidate_table(rows: list[dict[str, Any]]) -> None:
    """The safety net's possible tasks of a notice; `docket tasks add --from-candidate ID` accepts one."""
    from rich.markup import escape

    if not rows:
        return
    console = _console()
    console.print(f"[bold]Nội dung có thể là nhiệm vụ (cần rà soát)[/] ({len(rows)}): docket tasks add --from-candidate ID")
    for row in rows:
        done = f" → {row['task']}" if row["task"] else ""
        lead = ", ".join(row["lead"]) or "?"
        deadline = f"; hạn {row['deadline']}" if row["deadline"] else ""
        token = escape("[" + row["id"] + "]")
        console.print(f"{row['number']}. {token}{done} {escape(row['text'])}  [dim]({escape(lead + deadline)})[/]",
                      highlight=False)


def unit_table(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table(pad_edge=False)
    for name in ("Đơn vị", "Tên gọi khác", "Email", "Thủ trưởng", "NV chủ trì đang mở"):
        table.add_column(name, overflow="fold")
    for row in rows:
        name = row["name"] + (" (VP)" if row["office"] else "") + ("" if row["active"] else " [dim](ngừng)[/]")
        table.add_row(name, ", ".join(row["aliases"]), row["email"] or "—", row["head"] or "—", str(row["open_tasks_as_lead"]))
    _console().print(table)


def grid_table(grid: Any) -> None:
    from rich.table import Table

    rows = grid.table()
    table = Table(title=f"Từ {grid.period_from:%d/%m/%Y} đến {grid.period_to:%d/%m/%Y} (tính đến {grid.as_of:%d/%m/%Y}, "
                        "so với thời hạn ban đầu)", pad_edge=False)
    for index, name in enumerate(rows[0]):
        table.add_column(str(name), justify="left" if index == 0 else "right", overflow="fold")
    for row in rows[1:]:
        table.add_row(*(str(cell) for cell in row), style="bold" if row is rows[-1] else None)
    _console().print(table)


def changes(outcome: Any) -> None:
    """One line per changed field, then warnings and whether the units were told."""
    from service.ids import task_token

    for change in outcome.changes:
        if change.field in ("manual", "needs_review", "completed_at"):
            continue
        print(f"{task_token(outcome.task_id)}: {change.field}: {change.before or '∅'} → {change.after or '∅'}")
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def outcome_json(outcome: Any, notified: bool) -> dict[str, Any]:
    from service.ids import task_token

    return {"task": task_token(outcome.task_id), "warnings": list(outcome.warnings),
            "changes": [{"field": c.field, "before": c.before, "after": c.after} for c in outcome.changes],
            "notified": list(outcome.notice.kinds) if outcome.notice and notified else []}
