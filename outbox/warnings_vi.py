"""The extractors' and rules' English warnings (kept for the admin's log) as the Vietnamese a clerk reads.

The wording lives in one vocabulary, templates/warnings_vi.yaml; this module only matches and fills it.
A warning no entry matches is shown as the catch-all sentence, never in English.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

VOCABULARY = Path(__file__).parent / "templates" / "warnings_vi.yaml"
NOTE, PROBLEM = "note", "problem"


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    kind: str
    vi: str
    match: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Phrase:
    code: str
    kind: str
    vi: str


@dataclass(frozen=True, slots=True)
class WarningsVi:
    """Sentences for a mail, each once: notes (the document was read) and problems (something was not)."""

    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def vocabulary() -> tuple[tuple[Entry, ...], Entry]:
    data = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    entries = tuple(Entry(e["code"], e["kind"], e["vi"], re.compile(e["match"])) for e in data["entries"])
    fallback = data["fallback"]
    return entries, Entry(fallback["code"], fallback["kind"], fallback["vi"])


def phrase(warning: str) -> Phrase:
    """The vocabulary's sentence for one English warning."""
    entry, text = _fill(warning)
    return Phrase(entry.code, entry.kind, text[:1].upper() + text[1:])


def _fill(warning: str) -> tuple[Entry, str]:
    """The first entry matching `warning`, and its sentence; a {detail} group is itself a warning."""
    entries, fallback = vocabulary()
    for entry in entries:
        m = entry.match.match(warning.strip()) if entry.match else None
        if m:
            fields = {k: v for k, v in m.groupdict().items() if v is not None}
            if "detail" in fields:
                fields["detail"] = _fill(fields["detail"])[1]
            return entry, entry.vi.format(**fields)
    return fallback, fallback.vi


def warnings_vi(warnings: Iterable[str]) -> WarningsVi:
    """Each distinct sentence once, in the order first met (the OCR of a page is warned twice upstream)."""
    notes: dict[str, None] = {}
    problems: dict[str, None] = {}
    for warning in warnings:
        p = phrase(warning)
        (notes if p.kind == NOTE else problems)[p.vi] = None
    return WarningsVi(tuple(notes), tuple(problems))
