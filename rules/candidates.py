"""The safety net: every sentence or table row that reads like an order but gave no task becomes a possible
task.

A missed directive costs the office more than a doubtful one the clerk dismisses, so the net is wide on
purpose: a piece of the body reads like an order when it carries an order word (a cue, a modal, or an
opening action verb) AND something an order is about (a unit or body, a date or rhythm, a list item or a
table row). An optional judge (rules/candidate_model.py, a spaCy text classifier) then keeps or drops each
piece. Pure: text, findings and the directory in, candidates out.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Protocol

from rules.deadlines import find_deadline
from rules.findings import Candidate, Findings, Source
from rules.metadata import analyse_metadata
from rules.patterns import _compile, _load, alternation
from rules.text import blocks, clean_view, fold, fold_ws, sentences
from rules.units import Mention, addressee_units, find_mentions

MIN_CHARS, MAX_CHARS = 12, 1500  # shorter is a heading or a label; longer is a whole section run together
_UNIT_KINDS = ("unit", "collective", "unknown", "addressee", "anaphora")


class Judge(Protocol):
    """Keeps or drops a piece: the probability that it is a task, and the bar it must reach."""

    threshold: float

    def scores(self, texts: Sequence[str]) -> list[float]: ...


@dataclass(frozen=True, slots=True)
class Piece:
    """One sentence, list item or table row of the body, with what makes it read like an order."""

    start: int
    end: int
    text: str  # whitespace folded
    signals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Cues:
    cue: re.Pattern[str]
    modal: re.Pattern[str]
    action: re.Pattern[str]
    action_here: re.Pattern[str]  # the same verbs, matched at a position (after a unit's name)
    when: re.Pattern[str]
    not_order: re.Pattern[str]
    past: re.Pattern[str]


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    d = _load("candidate.yaml")
    word = r"(?<![\w])", r"(?![\w])"
    return _Cues(
        cue=_compile(word[0] + alternation(d["cue"]) + word[1]),
        modal=_compile(word[0] + alternation(d["modal"]) + word[1]),
        action=_compile(r"^[\W\d]*" + alternation(d["action_start"]) + word[1]),
        action_here=_compile(r"[\s,]*" + alternation(d["action_start"]) + word[1]),
        when=_compile(word[0] + alternation(d["when"]) + word[1]),
        not_order=_compile(r"^[\W\d]*" + alternation(d["not_order_start"]) + word[1]),
        past=_compile(r"(?<![\w])(?:đã|vừa qua|(?:tháng|năm|tuần|quý) qua)(?![\w])", re.IGNORECASE),
    )


def signals(
    text: str, *, row: bool, item: bool, has_unit: bool, acting_unit: bool = False, folded: str | None = None
) -> tuple[str, ...]:
    """Why a piece reads like an order; 'not-order' and 'past' (narration before the first order word)
    speak against it.

    `folded`: fold(text) when the caller has it already."""
    c = _cues()
    folded = fold(text) if folded is None else folded
    cells = [x for x in folded.split("|") if x.strip()] if row else [folded]
    out = []
    if acting_unit or any(c.action.match(cell) for cell in cells):
        out.append("action")
    if c.cue.search(folded):
        out.append("cue")
    if c.modal.search(folded):
        out.append("modal")
    if has_unit:
        out.append("unit")
    if c.when.search(folded):
        out.append("when")
    out += ["row"] if row else (["item"] if item else [])
    if c.not_order.match(cells[0] if cells else folded):
        out.append("not-order")
    first_order = (
        0
        if out and out[0] == "action"
        else min((m.start() for rx in (c.cue, c.modal) if (m := rx.search(folded))), default=len(folded))
    )
    past = c.past.search(text)  # on the written text: folded "đã" is also "đa" (đa dạng)
    if past and past.start() < first_order:
        out.append("past")
    return tuple(out)


def judge_text(p: Piece) -> str:
    """What the judge reads: the signals as words of their own, then the text (training uses the same)."""
    return " ".join(f"sig_{s}" for s in p.signals) + " " + p.text


def reads_like_order(sig: Sequence[str]) -> bool:
    """An order word and something the order is about; never background or past narration without a date."""
    if "not-order" in sig or ("past" in sig and "when" not in sig):
        return False
    order = any(s in sig for s in ("action", "cue", "modal"))
    # a row is about something when a cell opens with a verb: a header row ("Cơ quan chủ trì | Thời gian") is
    # not
    about = any(s in sig for s in ("unit", "when", "item")) or ("row" in sig and "action" in sig)
    return order and about


def _spans(
    clean: str, start: int, end: int, excluded: Sequence[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every sentence, list item sentence and table row of the body."""
    out = []
    for b in blocks(clean, start, end):
        if any(s <= b.start < e for s, e in excluded):
            continue
        if " | " in clean[b.start : b.end]:
            out.append((b.body_start, b.end, "row"))
            continue
        kind = "item" if b.level is not None else "sentence"
        out += [(s, e, kind) for s, e in sentences(clean, b.body_start, b.end)]
    return out


@dataclass(frozen=True, slots=True)
class _View:
    clean: str
    folded: str
    layout: Any  # rules.metadata.Layout
    mentions: list[Mention]


def _view(text: str, directory: Any) -> _View:
    _, layout = analyse_metadata(text)
    clean = clean_view(text)
    folded = fold(clean)
    mentions = [
        m for m in find_mentions(clean, folded, directory, layout.body_start) if m.kind in _UNIT_KINDS
    ]
    return _View(clean, folded, layout, mentions)


def pieces(text: str, directory: Any) -> list[Piece]:
    """Every sentence or row of the body that reads like an order (also the judge's training set)."""
    return _pieces(_view(unicodedata.normalize("NFC", text), directory))


_DISTRIBUTION = re.compile(r"^[ \t|]*noi nhan(?![\w])", re.MULTILINE)
_LIST_LINE = re.compile(r"^[ \t|]*(?:[-+•*]|noi nhan)")


def _after_distribution(folded: str, pos: int) -> int:
    """The end of the 'Nơi nhận' list after `pos` (its lines name recipients, never tasks); `pos` when
    none."""
    m = _DISTRIBUTION.search(folded, pos)
    if not m:
        return pos
    end = m.start()
    for line in folded[m.start() :].split("\n"):
        if line.strip() and not _LIST_LINE.match(line):
            break
        end += len(line) + 1
    return min(end, len(folded))


def _ranges(v: _View) -> list[tuple[int, int]]:
    """The body, and whatever follows the signature and the distribution list (a plan's annex and its
    table)."""
    tail = _after_distribution(v.folded, v.layout.body_end)
    return [(v.layout.body_start, v.layout.body_end), (tail, len(v.clean))]


def _pieces(v: _View) -> list[Piece]:
    out = []
    starts = [m.start for m in v.mentions]  # in text order (find_mentions sorts them)
    spans = [sp for start, end in _ranges(v) for sp in _spans(v.clean, start, end, v.layout.excluded)]
    for s, e, kind in spans:
        body = fold_ws(v.clean[s:e]).strip(" |")  # a row's empty number cell says nothing
        if not MIN_CHARS <= len(body) <= MAX_CHARS or (body == body.upper() and kind != "row"):
            continue  # a heading in capitals, a label, or a runaway
        named = v.mentions[bisect_left(starts, s) : bisect_left(starts, e)]
        acting = any(_cues().action_here.match(v.folded, m.end, e) for m in named)  # "Chi cục X kiểm tra …"
        sig = signals(
            v.clean[s:e],
            row=kind == "row",
            item=kind == "item",
            has_unit=bool(named),
            acting_unit=acting,
            folded=v.folded[s:e],
        )
        if reads_like_order(sig):
            out.append(Piece(s, e, body, sig))
    return out


def find_candidates(
    text: str,
    findings: Findings,
    *,
    directory: Any,
    calendar: Any,
    part: str = "text",
    segments: Sequence[Any] = (),
    judge: Judge | None = None,
) -> tuple[Candidate, ...]:
    """The order-like pieces of `text` that overlap no task of `findings`, kept by `judge` when one is given.

    `text` is the text the rules analysed (spans are shared); `part` names it as the tasks' sources do.
    """
    v = _view(unicodedata.normalize("NFC", text or ""), directory)
    taken = [(t.source.start, t.source.end) for t in findings.tasks if t.source.part == part]
    seen: set[str] = set()
    fresh = []
    for p in _pieces(v):
        if any(p.start < e and s < p.end for s, e in taken) or p.text.casefold() in seen:
            continue  # the rules already made a task of it, or the prose repeats a row
        seen.add(p.text.casefold())
        fresh.append(p)
    scores: list[float | None] = (
        list(judge.scores([judge_text(p) for p in fresh])) if judge and fresh else [None] * len(fresh)
    )
    kept = [
        (p, sc)
        for p, sc in zip(fresh, scores, strict=True)
        if judge is None or sc is None or sc >= judge.threshold
    ]
    addressees = addressee_units(v.layout.addressees, directory)
    issued = findings.document.issued_date
    return tuple(
        _candidate(
            p, sc, v, calendar=calendar, issued=issued, part=part, segments=segments, addressees=addressees
        )
        for p, sc in kept
    )


def _candidate(
    p: Piece,
    score: float | None,
    v: _View,
    *,
    calendar: Any,
    issued: date | None,
    part: str,
    segments: Sequence[Any],
    addressees: tuple[str, ...],
) -> Candidate:
    lead, support = _units(v, p)
    deadline = _deadline(v.clean[p.start : p.end], row="row" in p.signals, issued=issued, calendar=calendar)
    where = next((str(seg.where) for seg in segments if seg.start <= p.start < seg.end), None)
    return Candidate(
        text=p.text,
        source=Source(part=part, start=p.start, end=p.end, where=where),
        signals=p.signals,
        lead=lead or addressees,
        support=support,
        deadline=deadline.due if deadline else None,
        deadline_text=deadline.text if deadline else None,
        score=score,
    )


def _deadline(text: str, *, row: bool, issued: date | None, calendar: Any) -> Any:
    """The stated deadline; in a row, the last cell that is a time ("Quý I/2027" needs no "trước ngày"
    there)."""
    if not row:
        return find_deadline(text, issued=issued, calendar=calendar)
    for cell in reversed(text.split("|")):
        found = find_deadline(cell.strip(), issued=issued, calendar=calendar, require_trigger=False)
        if found:
            return found
    return None


_SUPPORT = re.compile(r"(?<![\w])phoi hop(?![\w])")


def _units(v: _View, p: Piece) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Named units before 'phối hợp' lead, after it support: a guess the clerk confirms or corrects."""
    cut = _SUPPORT.search(v.folded, p.start, p.end)
    split = cut.start() if cut else p.end
    known = [
        m for m in v.mentions if p.start <= m.start < p.end and m.name and m.kind in ("unit", "collective")
    ]
    lead = tuple(dict.fromkeys(m.name for m in known if m.start < split and m.name))
    support = tuple(
        dict.fromkeys(m.name for m in known if m.start >= split and m.name and m.name not in lead)
    )
    return lead, support
