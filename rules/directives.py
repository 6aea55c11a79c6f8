"""Find the directives of a notice body: sentences, clauses and list items that assign work, with
lead-in and heading scopes (domain-vi.md §2.4), per-assignee splitting, and the not-a-task filters
(§2.5: background, past, citations, meta line, closing formula, Mục đích sections). Pure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from rules.activities import Activity, activities
from rules.deadlines import Deadline, find_deadline, find_recurrence, first_year
from rules.doc import Doc
from rules.events import HOLDS_EVENT
from rules.items import RULE_OR_SANCTION, item_continued, rule_list, titles_items
from rules.patterns import patterns
from rules.roles import Anchor, Group, classify, groups, support_names
from rules.text import Block, fold, fold_ws, sentences
from rules.units import EVERY_UNIT, TYPE_LIST, Mention, every_level


@dataclass(frozen=True, slots=True)
class Draft:
    """A task before it becomes a TaskFinding: spans into the analysed text."""

    start: int
    end: int
    text: str
    lead: tuple[str, ...]
    support: tuple[str, ...]
    unknown: tuple[str, ...]
    deadline: date | None
    deadline_text: str | None
    recurrence: str | None
    recurrence_day: int | None
    confidence: float
    reasons: tuple[str, ...]


@dataclass
class Scope:
    level: float
    lead: tuple[str, ...] | None
    unknown: tuple[str, ...] = ()
    how: str = "heading"


_HEADING_MAX = 110


# "Phụ lục", "PHỤ LỤC II", "Phụ lục số 01" alone on its line: an annex starts
_ANNEX = re.compile(r"\W*phu\s+luc(?:\s+(?:so\s+)?[\w.-]{1,6})?\W*$")
_TOPIC = re.compile(r"^\W*ve\s")  # "Về cơ sở vật chất, ký túc xá": a topic heading, commas and all


def _is_heading(doc: Doc, b: Block) -> bool:
    s = doc.clean[b.body_start : b.end].strip()
    if not s or s[-1] in ".;" or " | " in s:
        return False
    if s == s.upper() and sum(c.isalpha() for c in s) >= 3:
        return True  # a title in capitals, however long ("KẾ HOẠCH HÀNH ĐỘNG QUỐC GIA VỀ …")
    if len(s) > _HEADING_MAX:
        return False
    if (
        s[-1] != ":"
        and _TOPIC.match(doc.folded[b.body_start : b.end])
        and not any(
            b.body_start <= m.start < b.end and m.kind in ("unit", "collective") for m in doc.mentions
        )
    ):
        return True
    if b.level == 0 or (s == s.upper() and any(c.isalpha() for c in s)):
        return True
    return b.level in (1, 2) and s[-1] != ":" and not re.search(r"[,;]", s[:-1])


def find_directives(doc: Doc, body: list[Block]) -> list[Draft]:
    pat = patterns()
    drafts: list[Draft] = []
    scopes: list[Scope] = []
    skip_level: float | None = None
    review = False  # the skipped section opened on a no-task heading, not on a quoted law
    permitted: list[tuple[tuple[str, ...], tuple[str, ...]]] = []  # the unit the last permission named
    section = -1.0  # level of the last numbered heading or item: a lead-in paragraph below it belongs to it
    # items without a lead since the last heading: a closing line may name their leads
    pending: list[Block] = []
    untasked: Block | None = None
    later = 0  # how many drafts the last closing line made, for the support and time lines after it
    # "I. NHIỆM VỤ TRIỂN KHAI NGAY TRONG THÁNG 12/2025": dates its items
    windows: list[tuple[float, Deadline]] = []
    acts = activities(doc, body)
    labelled_until = -1  # the labelled lines of the last activity: read with its title
    for idx, b in enumerate(body):
        if idx <= labelled_until:
            continue
        level = b.level if b.level is not None else -1
        if pat.trailing_lead.match(doc.folded, b.body_start, b.end):
            made = _later(doc, pending or ([untasked] if untasked else []), _trailing_leads(doc, b))
            drafts.extend(made)
            later, pending, untasked = len(made), [], None
            continue
        if later and _fills_later(doc, b, drafts, later):
            # "- Cơ quan phối hợp: …", "- Thời gian hoàn thành: Quý II/2026" under a task and its lead
            continue
        later = 0
        if _ANNEX.match(doc.folded, b.body_start, b.end):
            scopes, pending, untasked = [], [], None  # "Phụ lục": the annex is read afresh, under no heading
            continue
        heading = _is_heading(doc, b)
        if (
            not heading
            and b.level in (0, 1, 2)
            and doc.clean[b.end - 1] == ":"
            and pat.no_task_section.search(doc.folded[b.body_start : b.end])
        ):
            heading = True  # "2. Thành phần mời:" opens a list of invitees, not of tasks
        if skip_level is not None:
            if (heading and b.level is None) or (b.level is not None and level <= skip_level):
                skip_level, review = None, False
            else:
                if review and not heading:  # "I. ĐÁNH GIÁ …" over "…, yêu cầu các sở … khẩn trương …"
                    drafts.extend(d for d in _block(doc, b, level, []) if "lead:cue" in d.reasons)
                continue
        if b.level is not None:
            scopes = [s for s in scopes if s.level < level]
            if b.level <= 2:
                section = level
        if idx in acts:  # "2.1. Chương trình …" over "- Thời gian dự kiến: …", "- Đơn vị chủ trì: …"
            drafts.append(_activity_draft(doc, body, acts[idx]))
            labelled_until, pending, untasked, later = acts[idx].last, [], None, 0
            continue
        nxt = body[idx + 1] if idx + 1 < len(body) else None
        if not heading and (pat.legal_quote.match(doc.folded, b.body_start, b.end) or rule_list(doc, b)):
            skip_level = section if section >= 0 else (b.level if b.level is not None else 99)
            review = False
            # "Khoản 1 Điều 59 Nghị định … quy định: …": the law's text up to the next item of the section
            continue
        cue_title = _cue_title_scope(doc, b, nxt, level)
        if cue_title is not None:  # "2. Đề nghị UBND các xã, phường" over its bullets
            scopes = [s for s in scopes if s.level < level]
            scopes.append(cue_title)
            pending = []
            continue
        if not heading and b.level is not None and b.level <= 5 and _may_head(doc, b, nxt):
            named = _name_only_scope(doc, b, level)
            # "3. Bảo hiểm xã hội các huyện, thị xã, thành phố": a per-addressee heading
            if named is not None:
                scopes = [s for s in scopes if s.level < level]
                scopes.append(named)
                continue
        title = titles_items(doc, b, nxt)
        if heading or title:
            pending = []
        untasked = b if b.level is not None else None
        if heading:
            text = doc.folded[b.body_start : b.end]
            windows = [w for w in windows if w[0] < level]
            window = _heading_window(doc, b)
            if window is not None:
                windows.append((level, window))
            if pat.no_task_section.search(text):
                skip_level = level if b.level is not None else 99
                review = True  # only an explicit order ("yêu cầu X …", "giao X …") below it is a task
                continue
            scope = _name_only_scope(doc, b, level)
            if scope:
                scopes.append(scope)
            continue
        if re.fullmatch(r"\([^()]*\)\W*", doc.clean[b.body_start : b.end]):
            continue  # "(Có các Mẫu báo cáo số 05, 06 kèm theo)": a note in brackets
        item = item_continued(body, idx)
        # a paragraph between two items of a list: the rest of the item above (PDF reflow)
        if item is not None:
            b = Block(b.start, b.end, item.level, b.body_start)
            level = item.level if item.level is not None else -1
        if b.level is None and drafts and drafts[-1].deadline_text is None and _closing_time_line(doc, b):
            drafts[-1] = _dated(doc, drafts[-1], b)  # "Các đơn vị thực hiện trước ngày 24/3/2016." below it
            continue
        opened = len(scopes)
        got = _block(doc, b, level if b.level is not None else section + 0.5, scopes, title, permitted)
        if got and item is not None and _titled_by(doc, item, drafts):
            # "- Phối hợp ưu tiên tiêu thoát nước nhanh cho khu vực nội thành:" over the paragraph saying how
            first = got[0]
            got[0] = _draft(
                doc, item.body_start, first.end, first.lead, first.support, first.unknown, first.confidence,
                first.reasons,
            )
        if _heads_items(doc, b, nxt, got) and len(scopes) == opened:
            # "2.1.9. UBND các phường, xã phối hợp với … ." over bullets without a subject: theirs
            scopes.append(Scope(level, got[-1].lead, got[-1].unknown, "sentence"))
        if len(scopes) > opened and b.level is not None and nxt is not None and nxt.level == b.level:
            # "1. Giao phòng X … các công việc sau:" over "2. …", "3. …": a numbering slip
            scopes[-1].level -= 0.5
        if (
            item is not None
            and got
            and drafts
            and drafts[-1].start >= item.start
            and all(g.lead == drafts[-1].lead and not _has_time(doc, g.start, g.end) for g in got)
        ):
            last = drafts[-1]
            drafts[-1] = _draft(
                doc, last.start, b.end, last.lead, last.support, last.unknown, last.confidence, last.reasons
            )
            continue
        if not got and item is not None and pending and pending[-1].start == item.start:
            # the item waits with its rest
            pending[-1] = Block(item.start, b.end, item.level, item.body_start)
            continue
        if not got and _waits_for_lead(doc, b, scopes, nxt):
            pending.append(b)
        if got:
            untasked = None
        drafts.extend(_in_window(g, windows[-1][1]) if windows else g for g in got)
    return drafts


def _heads_items(doc: Doc, b: Block, nxt: Block | None, got: list[Draft]) -> bool:
    """A numbered item whose sentence opens on its subject, right above deeper dash items: the sentence
    heads them."""
    return (
        b.level is not None
        and 1 <= b.level <= 4
        and nxt is not None
        and nxt.level is not None
        and nxt.level > b.level
        and nxt.level >= 6
        and bool(got)
        and "lead:initial" in got[-1].reasons
        and EVERY_UNIT not in got[-1].lead
    )


def _titled_by(doc: Doc, item: Block, drafts: list[Draft]) -> bool:
    """Whether a list item is the title of the paragraph below it: it ends with ':', made no task itself."""
    return doc.clean[item.end - 1] == ":" and not (drafts and drafts[-1].start >= item.start)


def _activity_draft(doc: Doc, body: list[Block], act: Activity) -> Draft:
    """The activity's task: its title and labelled lines, led by the unit its lead label names, due on the
    (last) day its time label gives, if any ("từ quý II/2026" gives none)."""
    # "Đơn vị chủ trì: X", then "Đơn vị thực hiện: Y"
    lead, unknown = _merged([_named(doc, a, z) for a, z in act.leads])
    partners = [m for m in doc.mentions if act.support and act.support[0] <= m.start < act.support[1]]
    support = support_names(groups(partners, doc.folded)) if partners else ()
    title, last = body[act.title], body[act.last]
    draft = _draft(doc, title.body_start, last.end, lead, support, unknown, 0.85, ("lead:activity",))
    due = None
    if act.time:
        said = "hoàn thành " + doc.clean[act.time[0] : act.time[1]]
        due = find_deadline(said, issued=doc.issued or doc.year_hint, calendar=doc.calendar)
    if due is None or due.due is None:
        return replace(draft, deadline=None, deadline_text=None)
    return replace(draft, deadline=due.due, deadline_text=fold_ws(due.text))


def _named(doc: Doc, a: int, z: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The leads and unknown names a label's value names."""
    men = [m for m in doc.mentions if a <= m.start < z and m.kind != "issuer"]
    return _resolve_all(doc, men) if men else ((), ())


def _merged(named: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Several (leads, unknown names) as one, in order, each name once."""
    lead = tuple(dict.fromkeys(n for ls, _ in named for n in ls))
    return lead, tuple(dict.fromkeys(n for _, us in named for n in us))


def _resolve_all(doc: Doc, men: list[Mention]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The leads and unknown names of mentions read as one group."""
    return _resolve(doc, Group(men[0].start, men[-1].end, tuple(men)))


def _heading_window(doc: Doc, b: Block) -> Deadline | None:
    """The period a section heading gives its items ("… CẦN TRIỂN KHAI NGAY TRONG THÁNG 12/2025")."""
    dl = find_deadline(
        doc.clean[b.body_start : b.end], issued=doc.issued or doc.year_hint, calendar=doc.calendar
    )
    return dl if dl is not None and dl.due is not None and dl.kind in ("period", "date") else None


def _in_window(d: Draft, window: Deadline) -> Draft:
    """An item without a time of its own, under a heading that gives one, is due when the heading says."""
    if d.deadline is not None or d.deadline_text or d.recurrence:
        return d
    return replace(
        d, deadline=window.due, deadline_text=fold_ws(window.text), reasons=(*d.reasons, "time:heading")
    )


def _fills_later(doc: Doc, b: Block, drafts: list[Draft], n: int) -> bool:
    """The lines that follow a task's "Cơ quan chủ trì:" line give its partners and its time; they fill the
    last
    `n` drafts and make no task."""
    pat = patterns()
    sup = pat.support_label.match(doc.folded, b.body_start, b.end)
    when = pat.time_label.match(doc.folded, b.body_start, b.end)
    if not (sup or when):
        return False
    for k in range(len(drafts) - n, len(drafts)):
        d = drafts[k]
        if sup:
            after = [m for m in doc.mentions if sup.end() <= m.start < b.end]
            names = support_names(groups(after, doc.folded))
            drafts[k] = replace(d, support=tuple(dict.fromkeys(d.support + names)))
        elif d.deadline is None and when is not None:  # no partners' line: the time line it is
            dl = find_deadline(
                "hoàn thành " + doc.clean[when.end() : b.end],
                issued=doc.issued or doc.year_hint,
                calendar=doc.calendar,
            )
            if dl and dl.due:
                drafts[k] = replace(d, deadline=dl.due, deadline_text=fold_ws(dl.text))
    return True


def _asks_third_parties(doc: Doc, anchors: list[Anchor], scopes: list[Scope], level: float) -> bool:
    """An item under a named unit that asks "các đơn vị" (a collective, not a named body) to act: the unit of
    the heading asks third parties (enterprises, licensees); the item is that unit's task."""
    scope = next((sc for sc in reversed(scopes) if sc.lead is not None or sc.unknown), None)
    if scope is None or scope.level >= level or not scope.lead or EVERY_UNIT in scope.lead:
        return False
    return all(x.how == "cue" and _resolve(doc, x.group)[0] == (EVERY_UNIT,) for x in anchors)


_BODY_WORD = re.compile(r"(?:co\s+quan\s+|don\s+vi\s+)?")  # "Đề nghị Cơ quan Báo và Phát thanh, …"
_CUE_TITLE = re.compile(r"\W*(?:giao(?:\s+cho)?|de\s+nghi|yeu\s+cau)(?P<for>\s+doi\s+voi)?\s+")


def _cue_title_scope(doc: Doc, b: Block, nxt: Block | None, level: int) -> Scope | None:
    """A numbered item over deeper items that is only a cue and the bodies it addresses ("2. Đề nghị UBND các
    xã, phường"; "1. Yêu cầu đối với các tổ chức, cá nhân được cấp giấy phép khai thác." — "đối với" makes it
    a title that may describe them): its items take those bodies as lead."""
    if b.level is None or nxt is None or doc.clean[b.end - 1] in ";:":
        return None
    if not (nxt.level is not None and nxt.level > b.level) and not (nxt.level is None and b.level <= 2):
        return None
    m = _CUE_TITLE.match(doc.folded, b.body_start, b.end)
    # "3. Giao Phòng Tổ chức cán bộ (Cơ quan thường trực Tổ kiểm tra …)"
    men, notes = _heading_mentions(doc, b)
    men = [x for x in men if x.kind != "issuer"]
    if m is None or not men or not _BODY_WORD.fullmatch(doc.folded, m.end(), men[0].start):
        return None
    group = groups(men, doc.folded)[0]
    if not m.group("for") and _words_besides(doc, men[0].start, b.end, list(group.mentions), skip=notes):
        return None
    lead, unknown = _resolve(doc, group)
    return Scope(level, lead, unknown, "cue") if lead or unknown else None


def _waits_for_lead(doc: Doc, b: Block, scopes: list[Scope], nxt: Block | None) -> bool:
    """A list item that named nobody, under no lead-in: its lead may still come in a closing line."""
    if b.level is None or titles_items(doc, b, nxt) or doc.clean[b.end - 1] == ":":
        return False
    if any(sc.lead or sc.unknown for sc in scopes):
        return False
    pat = patterns()
    first = doc.folded[b.body_start : b.end]
    return not (pat.narration_start.search(first) or pat.citation_start.search(first))


def _trailing_leads(doc: Doc, b: Block) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The leads a closing line names after its label ("Trách nhiệm chỉ đạo thực hiện: X; Y."), when the rest
    of the line is names only."""
    m = patterns().trailing_lead.match(doc.folded, b.body_start, b.end)
    start = m.end() if m else b.body_start
    men = [x for x in doc.mentions if start <= x.start < b.end and x.kind != "issuer"]
    if not men or _words_besides(doc, start, b.end, men):
        return None
    return _resolve_all(doc, men)


def _words_besides(
    doc: Doc, a: int, z: int, men: list[Mention], skip: list[tuple[int, int]] | None = None
) -> str:
    rest = doc.folded[a:z]
    for m in men:
        rest = rest.replace(doc.folded[m.start : m.end], " ")
    for s, e in skip or []:
        rest = rest.replace(doc.folded[s:e], " ")
    rest = TYPE_LIST.sub(" ", rest)  # "UBND các phường:" before the names it lists
    return re.sub(r"[\s,.:;-]|va|doi voi", "", rest)


def _later(
    doc: Doc, pending: list[Block], leads: tuple[tuple[str, ...], tuple[str, ...]] | None
) -> list[Draft]:
    """One task per pending item, with the leads named after the block; a further sentence of an item with its
    own date or recurrence is a task of its own."""
    if leads is None:
        return []
    lead, unknown = leads
    out: list[Draft] = []
    for b in pending:
        if _FIELD.match(doc.folded, b.body_start, b.end):
            continue  # "1. Danh nghĩa tổ chức: …", "2. Cơ quan chỉ đạo: …" above "3. Đơn vị chủ trì: …"
        spans = sentences(doc.clean, b.body_start, b.end)
        cuts = [spans[0][0]] + [a for a, z in spans[1:] if _has_time(doc, a, z)] if spans else []
        for k, s in enumerate(cuts):
            e = cuts[k + 1] if k + 1 < len(cuts) else b.end
            out.append(
                _draft(doc, s, e, lead, support_names(_support_in(doc, s, e)), unknown, 0.8, ("lead:later",))
            )
    return out


# "- Công ty TNHH MTV Thoát nước Hà Nội: 0243.974.62.25 – 0243.976.22.45.": a hotline list, no order
_CONTACT = re.compile(r"\W*[^:\n]{2,120}:\s*(?:[(+]?\d[\d .\-–/()]{5,}[,;]?\s*)+[.;]?\s*$")
_FIELD = re.compile(r"\W*(?:[^\W\d_]+ ){0,3}[^\W\d_]+\s*:\s")  # a short label and its value


_NAMES_APART = re.compile(r"[\s;,]*(?:va\s+)?")


def _listed_owners(
    doc: Doc, anchors: list[Anchor], owner: Anchor
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The leads of a lead-in: its owner's group, and the groups listed right before it with only ';' or ','
    between ("Công ty A; Công ty B; …; Công ty G theo địa bàn quản lý có trách nhiệm:")."""
    run = [owner]
    for prev in reversed(anchors[: anchors.index(owner)]):
        if not _NAMES_APART.fullmatch(doc.folded, prev.group.end, run[0].group.start):
            break
        run.insert(0, prev)
    return _merged([_resolve(doc, x.group) for x in run])


def _support_in(doc: Doc, a: int, z: int) -> list[Group]:
    men = [m for m in doc.mentions if a <= m.start < z]
    return classify(groups(men, doc.folded), doc.folded, a, z, doc.clean).support


def _may_head(doc: Doc, b: Block, nxt: Block | None) -> bool:
    """Whether an item may be a unit's heading: not closed by ';', and closed by '.' only over deeper items
    ("2. Trung tâm Bảo tồn di sản Thăng Long - Hà Nội." over its bullets; "3. Ban Kiểm soát Quỹ." ending a
    list of a fund's bodies, before the next article, heads nothing)."""
    last = doc.clean[b.end - 1]
    if last == ";":
        return False
    if last != ".":
        return True
    return nxt is not None and b.level is not None and nxt.level is not None and nxt.level > b.level


_BRACKETS = re.compile(r"\([^()]*\)")
# a heading that gives the bodies named after it their duties
_OWNER_HEAD = re.compile(r"\W*(?:trach\s+nhiem|nhiem\s+vu)(?:\s+cu\s+the)?\s+(?:cua|cho)\s+")


def _heading_mentions(doc: Doc, b: Block) -> tuple[list[Mention], list[tuple[int, int]]]:
    """The mentions of a heading outside its notes in brackets, which name no assignee of its items; and the
    notes' spans."""
    notes = [m.span() for m in _BRACKETS.finditer(doc.clean, b.body_start, b.end)]
    men = [m for m in doc.mentions if b.body_start <= m.start < b.end]
    return [m for m in men if not any(a <= m.start < z for a, z in notes)], notes


def _name_only_scope(doc: Doc, b: Block, level: int) -> Scope | None:
    """A heading that only names units: its items are theirs. A note in brackets does not count ("12. Sở Nội
    vụ (Ban Thi đua Khen thưởng Thành phố)")."""
    men, notes = _heading_mentions(doc, b)
    if not men:
        return None
    owner = _OWNER_HEAD.match(doc.folded, b.body_start, b.end)
    if owner is not None:  # "2. Trách nhiệm của Ngân hàng Nhà nước Việt Nam"
        notes.append((b.body_start, owner.end()))
    if _words_besides(doc, b.body_start, b.end, men, skip=notes):
        return None
    lead, unknown = _resolve_all(doc, men)
    return Scope(level, lead, unknown)


def _block(
    doc: Doc,
    b: Block,
    level: float,
    scopes: list[Scope],
    title: bool = False,
    permitted: list[tuple[tuple[str, ...], tuple[str, ...]]] | None = None,
) -> list[Draft]:
    """The drafts of one block. `permitted` carries, from block to block, the unit a permission named
    ("Đồng ý để X …") until a sentence without a subject sets its time limit."""
    pat = patterns()
    out: list[Draft] = []
    item_lead: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    spans = sentences(doc.clean, b.body_start, b.end)
    for idx, (a, z) in enumerate(spans):
        sent_f = doc.folded[a:z]
        last = idx == len(spans) - 1
        if pat.meta_line.search(sent_f) or pat.field_label.match(sent_f) or _CONTACT.match(doc.clean, a, z):
            continue
        if out and out[-1].deadline_text is None and _time_only(doc, a, z):
            prior = out[-1]  # "… trình UBND tỉnh xem xét. Hoàn thành trước ngày 11/11/2023./.": its time
            out[-1] = _draft(
                doc,
                prior.start,
                z,
                prior.lead,
                prior.support,
                prior.unknown,
                prior.confidence,
                prior.reasons + ("time:closing-sentence",),
            )
            continue
        men = [m for m in doc.mentions if a <= m.start < z]
        gs = groups(men, doc.folded)
        roles = classify(gs, doc.folded, a, z, doc.clean)
        anchors, support = roles.anchors, roles.support
        narration = bool(pat.narration_start.search(sent_f)) and not _dated_plan(doc, sent_f)
        background = narration or bool(
            pat.citation_start.search(sent_f) and not pat.self_reference.search(sent_f)
        )
        if narration:
            anchors = []
        elif background:
            anchors = [x for x in anchors if x.how == "cue"]
        if last and doc.clean[a:z].rstrip().endswith(":"):
            owner = anchors[-1] if anchors else None
            if owner and owner.how == "initial" and pat.announce.match(doc.folded, owner.group.end, z):
                owner = None
            lead, unknown = _listed_owners(doc, anchors, owner) if owner else (None, ())
            scopes.append(Scope(level, lead, unknown, owner.how if owner else "none"))
            continue
        if pat.closing.search(sent_f) and not find_deadline(
            doc.clean[a:z], issued=doc.issued or doc.year_hint, calendar=doc.calendar
        ):
            continue
        if permitted is not None:
            allowed = None if anchors else _permitted_unit(doc, a, gs)
            if allowed is not None or anchors:
                permitted[:] = [allowed] if allowed is not None else []
            if allowed is not None:
                continue  # "Đồng ý để Công ty X thực hiện …": a permission, no order yet
        if anchors and b.level is not None and _asks_third_parties(doc, anchors, scopes, level):
            # under "3. Sở X:", "- Yêu cầu các đơn vị khai thác lắp đặt trạm cân": Sở X's own act
            anchors = []
        if anchors:
            pieces = _split(doc, a, z, anchors)
            for s, e, anchor in pieces:
                lead, unknown = _resolve(doc, anchor.group)
                conf = 0.9 if anchor.how in ("cue", "frame") else 0.8
                sup = support_names([g for g in support if s <= g.start < e])
                out.append(_draft(doc, s, e, lead, sup, unknown, conf, (f"lead:{anchor.how}",)))
                item_lead = (lead, unknown)
            continue
        if background or roles.statement:
            continue
        scope = next((sc for sc in reversed(scopes) if sc.lead is not None or sc.unknown), None)
        sup = support_names(support)
        if title or not re.search(r"[^\W\d_]{2,}\W+[^\W\d_]{2,}", sent_f) or RULE_OR_SANCTION.search(sent_f):
            continue  # a title over its items; a bare marker ("(1)."); a form rule or a sanction, no order
        if scope is not None and (b.level is None or scope.level < level):
            same_item = out[-1] if out and out[-1].start >= b.body_start else None
            if same_item is not None and b.level is not None and not _has_time(doc, a, z):
                # a further sentence of the same item
                out[-1] = _draft(
                    doc,
                    same_item.start,
                    z,
                    same_item.lead,
                    tuple(dict.fromkeys(same_item.support + sup)),
                    same_item.unknown,
                    0.75,
                    same_item.reasons,
                )
                continue
            out.append(
                _draft(
                    doc,
                    a,
                    z,
                    scope.lead or (),
                    sup,
                    scope.unknown,
                    0.75,
                    ("lead:scope", f"scope:{scope.how}"),
                )
            )
        elif item_lead is not None and _has_time(doc, a, z):
            out.append(_draft(doc, a, z, item_lead[0], sup, item_lead[1], 0.65, ("lead:item",)))
        elif permitted and _has_time(doc, a, z):  # "Thời hạn thực hiện và báo cáo … không quá 2 tháng …"
            lead, unknown = permitted.pop()
            out.append(_draft(doc, a, z, lead, sup, unknown, 0.6, ("lead:permission",)))
        elif re.match(r"^\W*(?:de\s+nghi|yeu\s+cau)\s", sent_f):
            out.append(_draft(doc, a, z, (), sup, (), 0.45, ("lead:none",)))
    return out


_OPENING_DATE = re.compile(
    r"^\W*(?:(?:sang|chieu|toi)\s+)?(?:(?:tu|den(?:\s+het)?)\s+)?ngay\s+(\d{1,2})\s*[/.-]\s*"
    r"(\d{1,2})\s*[/.-]\s*(\d{4})(?![\d/])"
)


def _dated_plan(doc: Doc, sent_f: str) -> bool:
    """A sentence that opens on a date after the day of signing and tells no past ("Từ ngày 01/7/2023, Văn
    phòng Sở tiếp nhận …", "Đến hết ngày 30/6/2023, các đơn vị phải …") plans or orders; the same opening with
    an earlier date ("Ngày 23/7/2020, đồng chí … đã chủ trì …") narrates. Without a known day of signing it
    narrates."""
    m = _OPENING_DATE.match(sent_f)
    if m is None or doc.issued is None or patterns().past.search(sent_f):
        return False
    try:
        opened = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return False
    return opened > doc.issued


def _permitted_unit(doc: Doc, a: int, gs: list[Group]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The unit a permission sentence lets act ("Đồng ý để Công ty X thực hiện …"), if the sentence is one."""
    if not gs or not patterns().permission.match(doc.folded[a : gs[0].start]):
        return None
    lead, unknown = _resolve(doc, gs[0])
    return (lead, unknown) if lead or unknown else None


def _closing_time_line(doc: Doc, b: Block) -> bool:
    """A paragraph of one short sentence that only sets a time ("Các đơn vị thực hiện trước ngày …")."""
    spans = sentences(doc.clean, b.body_start, b.end)
    return len(spans) == 1 and _time_only(doc, *spans[0])


def _dated(doc: Doc, d: Draft, b: Block) -> Draft:
    """The draft with the time a closing line gives it."""
    issued = doc.issued or doc.year_hint
    dl = find_deadline(doc.clean[b.body_start : b.end], issued=issued, calendar=doc.calendar)
    if dl is None:
        return d
    due = None if dl.kind == "relative" and doc.issued is None else dl.due
    reasons = d.reasons + ("time:closing-line",)
    return replace(d, deadline=due, deadline_text=fold_ws(dl.text), reasons=reasons)


def _time_only(doc: Doc, a: int, z: int) -> bool:
    """A short sentence that opens on a completion word and gives a time, and nothing else to do."""
    return (
        bool(patterns().time_only.match(doc.folded[a:z]))
        and len(doc.clean[a:z].strip()) <= 80
        and _has_time(doc, a, z)
    )


def _has_time(doc: Doc, a: int, z: int) -> bool:
    text = doc.clean[a:z]
    return bool(
        find_recurrence(text)
        or find_deadline(text, issued=doc.issued or doc.year_hint, calendar=doc.calendar)
    )


def _split(doc: Doc, a: int, z: int, anchors: list[Anchor]) -> list[tuple[int, int, Anchor]]:
    """One piece per run of anchors with the same lead; cut at the ';' or ',' before a new lead."""
    pieces: list[tuple[int, int, Anchor]] = []
    cur_start, cur = a, anchors[0]
    cur_lead = _resolve(doc, cur.group)
    for anchor in anchors[1:]:
        lead = _resolve(doc, anchor.group)
        if lead == cur_lead:
            continue
        cut = _cut_before(doc, cur.group.end, anchor.cue_start)
        if cut is None:
            continue
        pieces.append((cur_start, cut, cur))
        cur_start, cur, cur_lead = cut, anchor, lead
    pieces.append((cur_start, z, cur))
    out = []
    for s, e, anc in pieces:
        while s < e and doc.clean[s] in " ;,":
            s += 1
        out.append((s, e, anc))
    return out


def _cut_before(doc: Doc, lo: int, pos: int) -> int | None:
    seg = doc.clean[lo:pos]
    semi = seg.rfind(";")
    if semi >= 0:
        return lo + semi + 1
    comma = seg.rfind(",")
    if comma >= 0:
        return lo + comma + 1
    return None


def _resolve(doc: Doc, g: Group) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Canonical leads and unknown names of a group (anaphora and Kính gửi resolved)."""
    names: list[str] = []
    unknown: list[str] = []
    for men in g.mentions:
        if men.kind in ("unit", "collective") and men.name:
            names.append(men.name)
        elif men.kind == "unknown":
            unknown.append(men.written)
        elif men.kind == "anaphora":
            names.extend(_back_reference(doc, men))
        elif men.kind == "addressee":
            names.extend(_addressed(doc, men))
    spelled = [m.written for m in g.mentions if m.kind in ("unit", "collective")]
    if EVERY_UNIT in names or every_level(spelled):
        return (EVERY_UNIT,), ()
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    # "Quý cơ quan" lists them, as in Kính gửi
    written = not any(men.kind == "addressee" for men in g.mentions)
    if (
        written
        and len(doc.addressee_units) > 1
        and EVERY_UNIT not in doc.addressee_units
        and set(doc.addressee_units) <= set(seen)
    ):
        # "Công an tỉnh, các sở, ban, ngành và UBND các xã": every addressee
        return (EVERY_UNIT,), tuple(unknown)
    return tuple(seen), tuple(unknown)


def _addressed(doc: Doc, men: Mention) -> list[str]:
    """The Kính gửi units a reference stands for: "Công ty" takes the addressees whose name starts with "Công
    ty" when there are such, "Quý cơ quan" every addressee."""
    word = re.sub(r"^quy\s+", "", fold(men.written))
    typed = [n for n in doc.addressee_units if fold(n).startswith(word)]
    return typed or list(doc.addressee_units)


def _back_reference(doc: Doc, men: Mention) -> list[str]:
    words = fold(men.written).split()
    counts = patterns().anaphora_counts
    at = next((i for i, w in enumerate(words) if w in counts), None)
    # "hai Chi cục", "Trưởng hai khoa": the type words after the count ("chi cuc", "khoa")
    prefix = " ".join(words[at + 1 :] if at is not None else words)
    picked: list[str] = []
    for n in reversed(doc.history):
        if fold(n).startswith(prefix) and n not in picked:
            picked.append(n)
        if len(picked) >= men.count:
            break
    if not picked and men.count >= 2 and prefix in _GENERIC_TYPES:
        return _units_named_before(doc, men)
    if not picked and men.count == 1:  # "Bệnh viện Sản Nhi … là tuyến cuối. Bệnh viện có trách nhiệm …"
        for m in reversed(doc.mentions):
            if m.end <= men.start and m.kind == "unit" and m.name and fold(m.name).startswith(prefix):
                return [m.name]
    return list(reversed(picked))


# Type words that fit every unit: "Hai đơn vị", "hai cơ quan" take the units named before them in the
# paragraph, whatever their roles there ("Giao phòng X chủ trì, phối hợp với Trạm Y … Hai đơn vị báo cáo …").
_GENERIC_TYPES = ("don vi", "co quan")


def _units_named_before(doc: Doc, men: Mention) -> list[str]:
    para = doc.clean.rfind("\n", 0, men.start) + 1
    names: list[str] = []
    for m in reversed(doc.mentions):
        if para <= m.start and m.end <= men.start and m.kind == "unit" and m.name and m.name not in names:
            names.append(m.name)
            if len(names) == men.count:
                return list(reversed(names))
    return []


def _draft(
    doc: Doc,
    s: int,
    e: int,
    lead: tuple[str, ...],
    support: tuple[str, ...],
    unknown: tuple[str, ...],
    conf: float,
    reasons: tuple[str, ...],
) -> Draft:
    text = doc.clean[s:e]
    issued_for_dates = doc.issued or doc.year_hint
    dl = find_deadline(text, issued=issued_for_dates, calendar=doc.calendar)
    if dl and dl.kind == "relative" and doc.issued is None:
        dl = type(dl)(None, dl.text, dl.start, dl.end, dl.kind, dl.conflicting)
    if dl is None and doc.event_day and HOLDS_EVENT.search(doc.folded[s:e]):
        # "tổ chức kiểm tra", "để tổ chức huấn luyện": the event's day
        dl = Deadline(doc.event_day, "", 0, 0, "date")
    rec = find_recurrence(text)
    if (
        dl
        and rec
        and rec.kind == "yearly"
        and dl.kind == "date"
        and not re.search(r"\d{4}", dl.text)
        and first_year(doc.folded[s:e]) is None
    ):
        # "định kỳ hàng năm (trước ngày 10/12)": a day of every year, no first deadline (unless the text says
        # from which year: "Từ năm 2028 …: trước ngày 30/01 hằng năm")
        dl = None
    reasons_l = list(reasons)
    if not lead:
        conf = min(conf, 0.45)
        reasons_l.append("no-known-assignee")
    if unknown:
        conf = min(conf, 0.5)
        reasons_l.append("unknown-unit")
    if dl and dl.conflicting:
        conf -= 0.15
        reasons_l.append("conflicting-dates")
    if dl and dl.due is None:
        conf -= 0.1
        reasons_l.append("deadline-not-computable")
    support = tuple(x for x in support if x not in lead) if EVERY_UNIT not in lead else support
    for n in lead:
        if n != EVERY_UNIT:
            doc.history.append(n)
    return Draft(
        start=s,
        end=e,
        text=fold_ws(text),
        lead=lead,
        support=support,
        unknown=unknown,
        deadline=dl.due if dl else None,
        deadline_text=fold_ws(dl.text) if dl else None,
        recurrence=rec.kind if rec else None,
        recurrence_day=rec.day if rec else None,
        confidence=max(0.0, min(1.0, conf)),
        reasons=tuple(reasons_l),
    )
