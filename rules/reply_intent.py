"""What a unit's reply says (pure): its intent, the cues that decided it, and an extension's date and reason.

The input is the unit's own words (extractors.reply_body drops quotes and signatures first). Cues come
from rules/patterns/reply.yaml and match one sentence at a time over the folded text, so "đã xong",
"da xong" and "dã xong" are one cue. The intent is the strongest cue found (PRECEDENCE); "done" is the
weakest, so a reply that also asks, refuses, reports progress or asks for time is never "done".
Works on any fragment, so a caller can classify a reply line by line (one line per task token).
"""
from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rules.patterns import PatternError, _compile, _load
from rules.text import fold, fold_pattern

# Strongest first; the first label with a cue is the reply's intent.
PRECEDENCE = ("out_of_office", "refusal", "extension", "question", "not_done", "progress", "done")
OTHER = "other"  # acknowledgements, thanks, anything without a cue
_VERB_WINDOW = 90  # characters between a request verb and what it asks for ("đề nghị Văn phòng … cho lùi …")
_DATE_WINDOW = 80  # characters after the extension word where its date is looked for


@dataclass(frozen=True, slots=True)
class Cue:
    """One pattern that matched: its label, its id in reply.yaml, and where in the text."""

    label: str
    rule: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True, slots=True)
class ReplyIntent:
    kind: str  # one of PRECEDENCE, or OTHER
    text: str  # the words classified
    evidence: tuple[Cue, ...] = ()  # the cues of `kind` (first is the deciding one)
    requested_to: date | None = None  # extension: the date asked for
    reason: str | None = None  # extension: the reason given
    problem: str | None = None  # extension: why no date could be read (impossible date, a duration only)

    @property
    def closes_task(self) -> bool:
        return self.kind == "done"


@dataclass(frozen=True, slots=True)
class _Rules:
    cues: dict[str, tuple[tuple[str, re.Pattern[str]], ...]]
    request: re.Pattern[str]
    negation: re.Pattern[str]
    done_veto: re.Pattern[str]


def _bounded(fragment: str) -> str:
    """A folded fragment with word boundaries where it starts or ends with a word."""
    folded = fold_pattern(fragment)
    head = r"(?<![\w])" if folded[:1].isalnum() or folded[:1] == "(" else ""
    tail = r"(?![\w])" if folded[-1:].isalnum() or folded[-1:] == ")" else ""
    return f"{head}(?:{folded}){tail}"


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = _load("reply.yaml")
    try:
        cues = {label: tuple((str(rule), _compile(_bounded(str(src)))) for rule, src in data[label].items())
                for label in PRECEDENCE}
        return _Rules(
            cues,
            _compile(_bounded(data["extension_request"])),
            _compile(_bounded(data["negation"])),
            _compile(_bounded(data["done_veto"])),
        )
    except (KeyError, AttributeError) as err:
        raise PatternError(f"reply.yaml: missing or malformed section ({err})") from err


def _sentences(folded: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a '.' inside a date or number ('10.12.2026') does not end one."""
    spans, start = [], 0
    for m in re.finditer(r"\n|[!?;]+|\.+(?=\s|$)", folded):
        if folded[start : m.end()].strip():
            spans.append((start, m.end()))
        start = m.end()
    if folded[start:].strip():
        spans.append((start, len(folded)))
    return spans


def _cues(text: str, folded: str) -> list[Cue]:
    rules, found = _rules(), []
    for start, end in _sentences(folded):
        sentence = folded[start:end]
        vetoed = bool(rules.done_veto.search(sentence))  # a deadline, a condition: no report of completion
        for label in PRECEDENCE:
            if label == "extension":
                found += _extension_cues(text, folded, start, end)
                continue
            if label == "done" and vetoed:
                continue
            for rule, pattern in rules.cues[label]:
                found += [
                    Cue(
                        label,
                        rule,
                        start + m.start(),
                        start + m.end(),
                        text[start + m.start() : start + m.end()],
                    )
                    for m in pattern.finditer(sentence)
                ]
    return found


def _extension_cues(text: str, folded: str, start: int, end: int) -> list[Cue]:
    """'gia hạn', 'lùi thời hạn' … asked for by a request verb before it, neither of them negated."""
    rules, found = _rules(), []
    for rule, pattern in rules.cues["extension"]:
        for m in pattern.finditer(folded, start, end):
            verbs = [
                v
                for v in rules.request.finditer(folded, max(start, m.start() - _VERB_WINDOW), m.start() + 1)
                if v.start() <= m.start()
            ]
            if not verbs or _negated(folded, start, verbs[-1].start(), m.start()):
                continue
            found.append(Cue("extension", rule, m.start(), m.end(), text[m.start() : m.end()]))
    return found


def _negated(folded: str, start: int, verb_at: int, cue_at: int) -> bool:
    """A negation in the two words before the request verb, or between the verb and the cue."""
    before = folded[start:verb_at].split()[-2:]
    return bool(_rules().negation.search(" ".join(before))) or bool(
        _rules().negation.search(folded[verb_at:cue_at])
    )


_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}|\d{2}))?(?![\d/])")
_WORDS = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?")
_PART_OF_MONTH = re.compile(r"(cuoi|giua|dau)\s+thang\s+(\d{1,2})(?:\s*(?:/|nam)\s*(\d{4}))?")
_DURATION = re.compile(r"them\s+(\d{1,3})\s+(ngay|tuan|thang)")
_REASON = re.compile(r"(?<![\w])(?:lý do|vì|do)(?![\w])\s*[:,-]?\s*(.+)", re.IGNORECASE | re.DOTALL)


def _year(raw: str | None, day: int, month: int, today: date) -> int:
    if raw:
        year = int(raw)
        return year + 2000 if year < 100 else year
    return today.year if (month, day) >= (today.month, today.day) else today.year + 1


def _requested_date(folded: str, at: int, today: date) -> tuple[date | None, str | None]:
    """The date asked for after the extension word, or why there is none."""
    window = folded[at : at + _DATE_WINDOW]
    found = [(m.start(), m) for rx in (_NUMERIC, _WORDS) if (m := rx.search(window))]
    part = _PART_OF_MONTH.search(window)
    if part and all(part.start() < s for s, _ in found):
        month = int(part.group(2))
        if not 1 <= month <= 12:
            return None, f"tháng không hợp lệ: {window[part.start() : part.end()]}"
        year = _year(part.group(3), 1, month, today)
        day = {"dau": 1, "giua": 15}.get(part.group(1), calendar.monthrange(year, month)[1])
        return date(year, month, day), None
    if found:
        m = min(found, key=lambda pair: pair[0])[1]
        day, month = int(m.group(1)), int(m.group(2))
        try:
            return date(_year(m.group(3), day, month, today), month, day), None
        except ValueError:
            return None, f"ngày không hợp lệ: {window[m.start() : m.end()]}"
    if duration := _DURATION.search(window):
        return (
            None,
            f"chỉ nêu thời gian thêm ({duration.group(1)} {duration.group(2)}), chưa nêu đến ngày nào",
        )
    return None, "chưa nêu gia hạn đến ngày nào"


def _reason(text: str, at: int) -> str | None:
    """The reason after the request ("…, lý do: …"), else the one that opens the sentence ("Do …, xin …")."""
    if after := _REASON.search(text, at):
        reason = after.group(1)
    elif before := _REASON.search(text[:at]):
        reason = re.split(r"[,.;\n]", before.group(1))[0]
    else:
        return None
    return " ".join(reason.split())[:1000] or None


def classify_reply(text: str, *, today: date) -> ReplyIntent:
    """The intent of `text` (the unit's own words); `today` settles a date written without its year."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
    folded = fold(text)
    cues = _cues(text, folded)
    for label in PRECEDENCE:
        mine = tuple(sorted((c for c in cues if c.label == label), key=lambda c: c.start))
        if not mine:
            continue
        if label != "extension":
            return ReplyIntent(label, text, mine)
        wanted, problem = _requested_date(folded, mine[0].end, today)
        return ReplyIntent(
            label, text, mine, requested_to=wanted, reason=_reason(text, mine[0].end), problem=problem
        )
    return ReplyIntent(OTHER, text)
