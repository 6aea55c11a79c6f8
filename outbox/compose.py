"""Compose mails from notices and tasks (pure: values in, OutgoingMail out; no clock, no I/O)."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from outbox.mail import OutgoingMail, clean_header

RECURRENCE_VI = {"weekly": "hằng tuần", "monthly": "hằng tháng", "quarterly": "hằng quý", "yearly": "hằng năm"}


def vn_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def task_token(task_id: int) -> str:
    return f"NV-{task_id}"


def notice_token(notice_id: int) -> str:
    return f"TB-{notice_id}"


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("outbox", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["vn_date"] = vn_date
    env.filters["recurrence_vi"] = lambda r: RECURRENCE_VI.get(r or "", "—")
    env.filters["task_token"] = task_token
    return env


def render(name: str, **context: Any) -> tuple[str, str]:
    """(text, html) of templates/NAME.txt and templates/NAME.html."""
    env = _env()
    return env.get_template(f"{name}.txt").render(**context), env.get_template(f"{name}.html").render(**context)


def notice_label(notice: Any) -> str:
    parts = [notice.doc_type or "Văn bản"]
    if notice.number:
        parts.append(f"số {notice.number}")
    if notice.issued_date:
        parts.append(f"ngày {vn_date(notice.issued_date)}")
    return " ".join(parts)


def confirmation(
    *, notice: Any, tasks: list[Any], forwarder: str, in_reply_to: str | None, warnings: list[str], duplicate: bool,
    review_threshold: float,
) -> OutgoingMail:
    """The reply to the forwarder: what was registered, what needs review, what could not be read."""
    review = [t for t in tasks if t.needs_review]
    context = dict(
        notice=notice, label=notice_label(notice), tasks=tasks, review=review, warnings=warnings,
        duplicate=duplicate, token=notice_token(notice.id),
    )
    text, html = render("confirmation", **context)
    prefix = "Đã đăng ký trước đó" if duplicate else "Đã tiếp nhận"
    subject = f"[{notice_token(notice.id)}] {prefix}: {notice_label(notice)} - {clean_header(notice.subject or '', limit=90)}"
    return OutgoingMail(kind="confirmation", to=(forwarder,), subject=subject, text=text, html=html, in_reply_to=in_reply_to)


def unreadable(*, forwarder: str, subject: str | None, in_reply_to: str | None, problems: list[str]) -> OutgoingMail:
    """Tell the forwarder what could not be read; the raw message is kept for reprocessing."""
    text, html = render("unreadable", subject=subject, problems=problems)
    return OutgoingMail(
        kind="unreadable", to=(forwarder,), subject=f"Không đọc được văn bản: {clean_header(subject or '', limit=100)}",
        text=text, html=html, in_reply_to=in_reply_to,
    )
