"""Office hours, backoff, failure classes, recurrence, reply intent, the four-status grid, header safety."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from outbox.backoff import CAP, next_delay
from outbox.hours import IMMEDIATE_KINDS, OfficeHours
from outbox.mail import clean_header, render_message
from outbox.models import MailKind
from outbox.senders import classify
from rules.calendar import WorkCalendar, load_overrides
from rules.recurrence import first_deadline, next_deadline
from rules.reply_intent import classify_reply
from service.store.stages import TaskStatus
from service.tasks.grid import VnStatus, count_grid, done_status, vn_status

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HOURS = OfficeHours(time(7, 30), time(17, 0), TZ, WorkCalendar(load_overrides()).is_working_day)


def test_office_hours_hold_unit_mail_but_not_answers() -> None:
    assert HOURS.is_open(datetime(2026, 11, 25, 7, 30, tzinfo=TZ))
    assert not HOURS.is_open(datetime(2026, 11, 25, 17, 0, tzinfo=TZ))
    assert not HOURS.is_open(datetime(2026, 11, 28, 9, 0, tzinfo=TZ))  # Saturday
    assert HOURS.is_open(datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc))  # 08:00 in Hà Nội
    # after Tết
    assert HOURS.next_open(datetime(2026, 2, 13, 18, 0, tzinfo=TZ)) == datetime(2026, 2, 23, 7, 30, tzinfo=TZ)
    # closed, the relay claims only the answers (outbox.relay.deliver_due)
    assert MailKind.CONFIRMATION in IMMEDIATE_KINDS and MailKind.REMINDER not in IMMEDIATE_KINDS


def test_backoff_and_failure_classes() -> None:
    assert [next_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert next_delay(30) == CAP
    assert classify(550) and classify(554) and not classify(552) and not classify(451) and not classify(None)


def test_recurrence_keeps_the_day() -> None:
    assert next_deadline("monthly", date(2026, 11, 25), day=25) == date(2026, 12, 25)
    assert next_deadline("monthly", date(2026, 1, 31)) == date(2026, 2, 28)
    assert next_deadline("quarterly", date(2020, 8, 20)) == date(2020, 11, 20)
    assert next_deadline("yearly", date(2024, 2, 29)) == date(2025, 2, 28)
    assert next_deadline("weekly", date(2026, 11, 27)) == date(2026, 12, 4)
    assert next_deadline("sometimes", date(2026, 11, 27)) is None
    assert first_deadline("monthly", date(2026, 11, 26), day=25) == date(2026, 12, 25)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Đã hoàn thành.", "done"),
        ("Hoàn thành", "done"),
        ("Phòng đã hoàn thành nhiệm vụ được giao.", "done"),
        ("Chưa hoàn thành do thiếu số liệu.", "not_done"),
        ("Sẽ hoàn thành trong tuần.", "progress"),
        ("Đang triển khai, dự kiến hoàn thành tuần sau", "progress"),
        ("Đã nhận.\nThời hạn hoàn thành: 30/11/2026", "other"),
        ("XIN GIA HẠN đến 15/07, lý do thiếu người", "extension"),
        ("Đề nghị cho phép gia hạn đến ngày 10/12/2026 vì chờ ý kiến Sở Tài chính", "extension"),
    ],
)
def test_reply_intent(body: str, kind: str) -> None:
    assert classify_reply(body, today=date(2026, 11, 25)).kind == kind


def test_extension_dates_and_reason() -> None:
    intent = classify_reply("Xin gia hạn đến 15/07, lý do: thiếu người", today=date(2026, 11, 25))
    assert (intent.requested_to, intent.reason) == (date(2027, 7, 15), "thiếu người")
    bad = classify_reply("xin gia hạn đến 31/02/2027", today=date(2026, 11, 25))
    assert bad.kind == "extension" and bad.requested_to is None and "không hợp lệ" in bad.problem


@dataclass
class T:
    status: TaskStatus
    original_deadline: date | None
    deadline: date | None
    completed_at: datetime | None = None
    merged_into_id: int | None = None


def test_four_status_grid_against_the_original_deadline() -> None:
    today = date(2026, 12, 5)
    late_after_extension = T(
        TaskStatus.DONE_ON_TIME,
        date(2026, 11, 30),
        date(2026, 12, 10),
        datetime(2026, 12, 3, 2, tzinfo=timezone.utc),
    )
    # extended, still counted overdue
    cases = [
        (T(TaskStatus.OPEN, date(2026, 12, 10), date(2026, 12, 10)), VnStatus.IN_PROGRESS),
        (T(TaskStatus.OPEN, date(2026, 11, 30), date(2026, 12, 10)), VnStatus.OVERDUE),
        (T(TaskStatus.OPEN, None, None), VnStatus.IN_PROGRESS),
        (late_after_extension, VnStatus.DONE_LATE),
        # 16:59 UTC is 23:59 in Hà Nội on the deadline day: on time, whatever was stored
        (
            T(
                TaskStatus.DONE_LATE,
                date(2026, 11, 30),
                date(2026, 11, 30),
                datetime(2026, 11, 30, 16, 59, tzinfo=timezone.utc),
            ),
            VnStatus.DONE_ON_TIME,
        ),
        (T(TaskStatus.CANCELLED, date(2026, 11, 30), date(2026, 11, 30)), None),
    ]
    for task, expected in cases:
        assert vn_status(task, today) is expected
    assert vn_status(late_after_extension, today, honour_extensions=True) is VnStatus.DONE_ON_TIME
    grid = count_grid([c[0] for c in cases], today)
    assert list(grid.values()) == [1, 1, 2, 1]
    assert (
        done_status(T(TaskStatus.OPEN, date(2026, 11, 30), date(2026, 12, 10)), date(2026, 12, 1))
        is TaskStatus.DONE_LATE
    )


def test_notice_text_never_breaks_a_header() -> None:
    assert clean_header("Kế hoạch\r\nBcc: x@y.z") == "Kế hoạch Bcc: x@y.z"
    long = clean_header("rà soát " * 40, limit=50)
    assert len(long) <= 50 and long.endswith("…") and "  " not in long
    msg = render_message(
        from_addr="docket@x.vn",
        to=["a@x.vn"],
        cc=[],
        subject="[NV-1] a\nBcc: evil@x.vn",
        text="t",
        html="<p>t</p>",
        message_id="<docket.1@x.vn>",
        headers={"In-Reply-To": "<a@b>\r\nBcc: evil@x.vn"},
        date=datetime(2026, 1, 1, tzinfo=TZ),
    )
    assert (
        msg["Bcc"] is None
        and msg["Auto-Submitted"] == "auto-generated"
        and msg["X-Auto-Response-Suppress"] == "All"
    )
    assert "\n" not in msg["Subject"]
