"""The scheduled event of a plan ("1. Thời gian kiểm tra: 13h30 ngày 29/4/2026", "Đợt 1 … Đợt 2 …",
"1,5 ngày (bắt đầu từ 13h30 thứ Hai ngày 06/7/2026)") and its last day. Pure.

An inspection or training plan fixes its event in a schedule item; the table row that holds the event
("Tổ chức kiểm tra") has no time cell and takes the event's last day.
"""
from __future__ import annotations

import math
import re
from datetime import date, timedelta
from functools import lru_cache

from rules.patterns import _load, alternation
from rules.text import fold

_SCHEDULE = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?\s+|[-+]\s*)?thoi\s+gian\b[^:\n]{0,60}:")
_NEXT_ITEM = re.compile(r"^\s*(?:\d+\.\s|[ivx]+\.\s)")
_DATE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d\d)(?![\d/])")
_DAYS = re.compile(r"(?<![\d:h'’])(\d+(?:[,.]\d+)?)\s*ngay\b(?!\s*\d)")  # "1,5 ngày", not "8h00 ngày 15"
_BLOCK_LINES = 12  # non-empty lines a schedule item may run over (rounds and their attendees)


@lru_cache(maxsize=1)
def _event_row() -> re.Pattern[str]:
    return re.compile(
        r"^to\s+chuc\s+" + alternation(list(_load("table_header.yaml").get("events") or [])) + r"\b"
    )


def holds_event(content: str) -> bool:
    """Whether a row's content is holding the event itself ("Tổ chức kiểm tra", "Tổ chức huấn luyện, kiểm
    tra")."""
    return bool(_event_row().match(fold(content).strip()))


def _dates(text: str) -> list[date]:
    out = []
    for d, m, y in _DATE.findall(text):
        try:
            out.append(date(int(y), int(m), int(d)))
        except ValueError:
            continue
    return out


def event_end(text: str) -> date | None:
    """The last day of the event the first schedule item names, or None when there is none or it has no
    date."""
    lines = fold(text).split("\n")
    for i, line in enumerate(lines):
        if not _SCHEDULE.match(line):
            continue
        block = [line, *_take(lines[i + 1 :])]
        dates = [d for ln in block for d in _dates(ln)]
        if not dates:
            return None
        end = max(dates)
        days = _DAYS.search(line)
        if days and len(dates) == 1 and float(days.group(1).replace(",", ".")) > 0:
            end += timedelta(days=math.ceil(float(days.group(1).replace(",", "."))) - 1)
        return end
    return None


def _take(lines: list[str]) -> list[str]:
    out = []
    for line in [ln for ln in lines if ln.strip()][:_BLOCK_LINES]:
        if _NEXT_ITEM.match(line):
            break
        out.append(line)
    return out
