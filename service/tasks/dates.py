"""Dates typed by an admin: dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or ISO yyyy-mm-dd.

rules.display.vn_date writes them."""
from __future__ import annotations

import calendar
import re
from datetime import date

from service.errors import InputError

# ASCII digits only ([0-9], not \d): a date in Arabic-Indic or other digits is refused, not read.
_VN = re.compile(r"^\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{4})\s*$")
_ISO = re.compile(r"^\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\s*$")


def parse_date(value: str) -> date:
    """The date written, or an InputError that says what is wrong with it."""
    if match := _ISO.match(value or ""):
        year, month, day = (int(g) for g in match.groups())
    elif match := _VN.match(value or ""):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise InputError(f"'{value}' is not a date: write dd/mm/yyyy (e.g. 15/12/2026) or yyyy-mm-dd")
    return _checked(value, year, month, day)


def _checked(value: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise InputError(f"'{value}' is not a real date: there is no month {month}")
    if year < 1900 or year > 2200:
        raise InputError(f"'{value}' is not a plausible date: year {year}")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise InputError(f"'{value}' is not a real date: {month:02d}/{year} has {last} days")
    return date(year, month, day)


