"""A plan's scheduled event (a test, a training): the last day its schedule field names, and the tasks that
hold it
(convention 2 of corpus-real). Pure."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rules.deadlines import find_deadline
from rules.text import Block, fold

if TYPE_CHECKING:
    from rules.doc import Doc

# A plan's event: its schedule field ("1. Thời gian kiểm tra: 13h30' ngày 29/4/2026", "1. Thời gian, đối tượng
# kiểm tra:" over "Đợt 1: Từ 13h30' ngày 02/6/2026", "1. Thời gian: 1,5 ngày (bắt đầu từ 13h30 thứ Hai ngày
# 06/7/2026)"), and the tasks that hold it ("Tổ chức kiểm tra …", "Chuẩn bị các điều kiện … để tổ chức huấn
# luyện, kiểm tra").
_EVENT_NOUN = r"(?:kiem\s+tra|huan\s+luyen|tap\s+huan|sat\s+hach|thi)"
_SCHEDULE = re.compile(
    r"\W*thoi\s+gian(?:\s*,\s*(?:doi\s+tuong|dia\s+diem))?(?:\s+(?:to\s+chuc\s+)?" + _EVENT_NOUN + r")?\s*:"
)
HOLDS_EVENT = re.compile(r"(?<![\w])to\s+chuc\s+(?:[\w]+\s+){0,2}?" + _EVENT_NOUN + r"(?![\w])")
_DAYS_FROM = re.compile(r"(\d+(?:,5)?)\s+ngay\s*\(?\s*(?:bat\s+dau\s+)?tu\b")


def event_day(doc: Doc, body: list[Block]) -> date | None:
    """The last day of the event a plan schedules under its "Thời gian …:" field: the latest date written
    there and in its sub-items; "1,5 ngày (bắt đầu từ … ngày 06/7/2026)" ends on the second day."""
    for k, b in enumerate(body):
        if b.level is None or not _SCHEDULE.match(doc.folded, b.body_start, b.end):
            continue
        end = next(
            (x.start for x in body[k + 1 :] if x.level is not None and x.level <= b.level), body[-1].end
        )
        span = doc.clean[b.body_start : end]
        days = [
            d
            for d in (
                find_deadline(
                    f"trước ngày {m.group(0)}", issued=doc.issued or doc.year_hint, calendar=doc.calendar
                )
                for m in _DATE_TEXT.finditer(span)
            )
            if d and d.due
        ]
        if not days:
            return None
        last = max(d.due for d in days if d.due)  # every one has a day (filtered above)
        many = _DAYS_FROM.search(fold(span))
        if many and len(days) == 1:
            last += timedelta(days=math.ceil(float(many.group(1).replace(",", "."))) - 1)
        return last
    return None


_DATE_TEXT = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2} tháng \d{1,2} năm \d{4}")
