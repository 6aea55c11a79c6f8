"""The one entry of the rules: analyse(text, ctx) -> Findings. Pure and deterministic.

Plain regular expressions over length-preserving views (rules/text.py) rather than a spaCy
pipeline: measured in bench/bench_extract.py, spaCy's blank("xx") + sentencizer costs more than the
whole rule pass and adds ~90 MB of RSS, and every cue here is a literal phrase or a small regex.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from rules.directives import Draft, find_directives
from rules.doc import Doc
from rules.events import event_day
from rules.findings import AnalysisContext, DocumentInfo, Findings, Source, TaskFinding
from rules.keep import keep
from rules.metadata import analyse_metadata
from rules.tables import drop_repeats, table_tasks
from rules.text import blocks, clean_view, fold
from rules.units import addressee_units, find_mentions

REVIEW_BELOW = 0.6
_PARTIAL_DATE = re.compile(r"ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})")


def analyse(text: str, ctx: AnalysisContext) -> Findings:
    """Document metadata and every directive found in `text`."""
    text = unicodedata.normalize("NFC", text or "")
    info, layout = analyse_metadata(text, fallback_issued=ctx.fallback_issued)
    clean = clean_view(text)
    folded = fold(clean)
    mentions = find_mentions(clean, folded, ctx.directory, layout.body_start, layout.body_end)
    doc = Doc(
        clean=clean,
        folded=folded,
        mentions=mentions,
        issued=info.issued_date,
        year_hint=_year_hint(text[: max(layout.body_start, 1)], info.issued_date),
        calendar=ctx.calendar,
        addressees=layout.addressees,
        addressee_units=addressee_units(layout.addressees, ctx.directory),
    )
    body = [
        b
        for b in blocks(clean, layout.body_start, layout.body_end)
        if not any(s <= b.start < e for s, e in layout.excluded)
    ]
    doc.event_day = event_day(doc, body)
    # tables are read past the signature too: plans put their task table in an annex after it
    lines = [
        b
        for b in blocks(clean, layout.body_start, len(clean))
        if not any(s <= b.start < e for s, e in layout.excluded)
    ]
    table_drafts, used = table_tasks(doc, lines, directory=ctx.directory)
    prose = find_directives(doc, [b for b in body if b.start not in used])
    drafts = drop_repeats(prose, table_drafts) + table_drafts
    drafts = [d for d in drafts if keep(d, doc, info.type)]
    drafts.sort(key=lambda d: d.start)
    warnings = []
    if not info.issued_date:
        warnings.append("issue date not found or its day is blank")
    tasks = tuple(_finding(d, ctx) for d in drafts)
    return Findings(document=info, tasks=tasks, warnings=tuple(warnings))


def _year_hint(header: str, issued: date | None) -> date | None:
    if issued:
        return issued
    m = _PARTIAL_DATE.search(header)
    if not m:
        return None
    month = int(m.group(2)) if m.group(2) and 1 <= int(m.group(2)) <= 12 else 1
    return date(int(m.group(3)), month, 1)


def _where(ctx: AnalysisContext, offset: int) -> str | None:
    for seg in ctx.extra.get("segments") or ():
        if seg.start <= offset < seg.end:
            return str(seg.where)
    return None


def _finding(d: Draft, ctx: AnalysisContext) -> TaskFinding:
    return TaskFinding(
        text=d.text,
        lead=d.lead,
        support=d.support,
        deadline=d.deadline,
        deadline_text=d.deadline_text,
        recurrence=d.recurrence,
        confidence=round(d.confidence, 3),
        source=Source(part=ctx.part, start=d.start, end=d.end, where=_where(ctx, d.start)),
        unknown_units=d.unknown,
        recurrence_day=d.recurrence_day,
        needs_review=d.confidence < REVIEW_BELOW,
        reasons=d.reasons,
    )


__all__ = ["analyse", "DocumentInfo"]
