"""The body that issued a notice, the same however its letterhead was laid out (pure: issuer text +
directory in).

A letterhead names the issuer under its parent authority ("UBND TỈNH LẠNG SƠN / SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG").
Renderings join those lines differently — a Word table cell gives one line, a text copy two — so the extracted
issuer differs from one rendering to the next. `issuer_key` keeps the body that issued it: the directory's own
organisation, or one of its units, when the issuer ends with its name (or alias, or short name); otherwise the
issuer with a leading parent authority taken off.
"""

from __future__ import annotations

import re

from rules.directory import Directory
from rules.text import fold, spell_out_ubnd

# A parent authority and the kinds of body it heads, folded: "ubnd tinh X | so …", "so y te X | benh vien …".
_PARENTS = (
    (r"uy ban nhan dan", r"so|van phong|phong|ban|chi cuc|trung tam|thanh tra|benh vien"),
    (r"so", r"benh vien|trung tam|chi cuc|van phong"),
    (r"bo", r"tong cuc|cuc|vu|van phong|thanh tra"),
)
_PARENT = [re.compile(rf"^(?:{parent}) .+? (?=(?:{child}) )") for parent, child in _PARENTS]
MIN_ORG_WORDS = 3  # "so tai nguyen …": a tail this long of the organisation's name is the organisation


def words(text: str | None) -> list[str]:
    """Folded words (no case, no diacritics), 'UBND' written out; punctuation and layout dropped."""
    folded = spell_out_ubnd(fold(text or ""))
    return re.findall(r"\w+", folded)


def issuer_key(issuer: str | None, directory: Directory) -> str:
    """'org', 'unit:<name>' or the issuing body's folded words; '' when there is no issuer."""
    said = words(issuer)
    if not said:
        return ""
    for name in (directory.organization, directory.short_name):
        if name and _ends_with_start_of(said, words(name)):
            return "org"
    for unit in directory.units:
        if any(len(w := words(n)) >= 2 and said[-len(w) :] == w for n in (unit.name, *unit.aliases)):
            return "unit:" + " ".join(words(unit.name))
    return _without_parent(" ".join(said))


def _ends_with_start_of(said: list[str], name: list[str]) -> bool:
    """The issuer ends with the whole name, or with its first words (the place left off: "SỞ TÀI NGUYÊN VÀ
    MÔI TRƯỜNG")."""
    if not name:
        return False
    for size in range(min(len(said), len(name)), 0, -1):
        if said[-size:] == name[:size]:
            return size == len(name) or size >= MIN_ORG_WORDS
    return False


def _without_parent(text: str) -> str:
    for pattern in _PARENT:
        text = pattern.sub("", text, count=1)
    return text
