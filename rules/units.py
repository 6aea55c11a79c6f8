"""Unit mentions in text: directory units (name, alias, abbreviation), collectives ("*"), unit-like
names missing from the directory, and anaphora ("Chi cục", "hai Ban"). Pure.

Matching runs on the folded view (case-, diacritic- and tone-placement-insensitive). One-word
abbreviations (TTCNTT, SYT) match case-sensitively, and a name written all in lower case must have
three words or more ("thanh tra, kiểm tra" is not "Thanh tra Sở").
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rules.directory import Directory
from rules.patterns import patterns
from rules.text import LOWER, UPPER, fold, spell_out_ubnd

# The "every unit" marker: a collective ("các sở, ban, ngành", "các đơn vị") read as a lead or support.
# Its one home: rules, the outbox (which writes it out as EVERY_UNIT_VI) and service compare names with it.
EVERY_UNIT = "*"


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    name: str | None  # canonical name, '*' for every unit; None for an unknown or related body
    written: str
    kind: str  # 'unit' | 'collective' | 'unknown' | 'related' | 'anaphora' | 'addressee'
    count: int = 1  # anaphora: how many units it stands for


@dataclass(frozen=True, slots=True)
class UnitMatcher:
    folded_rx: re.Pattern[str] | None
    exact_rx: re.Pattern[str] | None
    by_key: dict[str, str]  # folded alias key -> canonical name
    exact: dict[str, str]
    org_keys: tuple[str, ...]  # folded names of the issuing organisation (not a unit)
    lower_keys: frozenset[str] = frozenset()  # aliases the directory itself writes in lower case ("các khoa")


def _key(s: str) -> str:
    return re.sub(r"\s*-\s*", " - ", " ".join(fold(s).split()))


def _office_key(s: str) -> str:
    """The office's name as a key, 'UBND' written out."""
    return spell_out_ubnd(_key(s))


def _alias_rx(alias: str) -> str:
    parts = [re.escape(w) for w in fold(alias).split()]
    body = r"\s+".join(parts).replace(r"\s+\-\s+", r"\s*-\s*")
    return body.replace(r"\-", r"\s*-\s*")


_CACHE: dict[int, tuple[Directory, UnitMatcher]] = {}


def matcher_for(directory: Directory) -> UnitMatcher:
    """The compiled matcher of a directory, built once per Directory object."""
    hit = _CACHE.get(id(directory))
    if hit is not None and hit[0] is directory:
        return hit[1]
    if len(_CACHE) > 64:
        _CACHE.clear()
    built = _build(directory)
    _CACHE[id(directory)] = (directory, built)
    return built


def _build(directory: Directory) -> UnitMatcher:
    by_key: dict[str, str] = {}
    exact: dict[str, str] = {}
    lower: set[str] = set()
    for unit in directory.units:
        for alias in (unit.name, *unit.aliases):
            alias = alias.strip()
            if not alias:
                continue
            if " " not in alias:
                exact[alias] = unit.name
            else:
                by_key.setdefault(_key(alias), unit.name)
                if not _UPPER.search(alias):
                    lower.add(_key(alias))
    folded_rx = None
    if by_key:
        alts = sorted(by_key, key=len, reverse=True)
        folded_rx = re.compile(r"(?<![\w&])(?:" + "|".join(_alias_rx(a) for a in alts) + r")(?![\w&])")
    exact_rx = None
    if exact:
        alts = sorted(exact, key=len, reverse=True)
        exact_rx = re.compile(r"(?<![\w&/-])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w&/-])")
    org = tuple(_office_key(n) for n in (directory.organization, directory.short_name or "") if n)
    return UnitMatcher(folded_rx, exact_rx, by_key, exact, org, frozenset(lower))


def _lookup(m: UnitMatcher, written: str) -> str | None:
    return m.by_key.get(_key(written))


_UPPER = re.compile("[" + UPPER + "]")


def _bare_field(written: str, name: str) -> bool:
    """An alias that is the unit's name without its type word ("Xây dựng" for "Bộ Xây dựng"): a field, which
    is also an ordinary verb or noun ("Xây dựng, nâng cấp công trình …")."""
    types = [fold(t) for t in patterns().unit_types]
    words = " " + " ".join(re.findall(r"\w+", fold(written))) + " "
    return not any(f" {t} " in words for t in types) and any(fold(name).startswith(t + " ") for t in types)


def _head_prefix(folded: str, start: int) -> int:
    """Extend a mention left over a head title ("Thủ trưởng", "Chủ tịch", "Trưởng")."""
    window = folded[max(0, start - 40) : start]
    m = re.search(r"(?<![\w])" + patterns().head_titles + r"\s+$", window)
    return start - (len(window) - m.start()) if m else start


def find_mentions(
    text: str, folded: str, directory: Directory, start: int = 0, end: int | None = None
) -> list[Mention]:
    """Every unit mention in text[start:end], longest first, without overlaps, in text order."""
    end = len(text) if end is None else end
    um = matcher_for(directory)
    pat = patterns()
    found: list[Mention] = []
    if um.folded_rx:
        for m in um.folded_rx.finditer(folded, start, end):
            written = text[m.start() : m.end()]
            if len(written.split()) < 3 and not _UPPER.search(written) and _key(written) not in um.lower_keys:
                # "thanh tra, kiểm tra" is no "Thanh tra Sở"; but the office's own "các khoa" is its unit
                continue
            name = _lookup(um, written)
            # a bare field ("Xây dựng" for "Bộ Xây dựng") names a unit only in a list under its type word,
            # which _listed_under_type reads
            if name and not _bare_field(written, name):
                found.append(Mention(m.start(), m.end(), name, written, "unit"))
    if um.exact_rx:
        for m in um.exact_rx.finditer(text, start, end):
            found.append(Mention(m.start(), m.end(), um.exact[m.group(0)], m.group(0), "unit"))
    for m in pat.collective.finditer(folded, start, end):
        related = pat.related_suffix.match(folded, m.end(), end)
        if related:
            found.append(Mention(m.start(), related.end(), None, text[m.start() : related.end()], "related"))
        else:
            found.append(Mention(m.start(), m.end(), EVERY_UNIT, text[m.start() : m.end()], "collective"))
    for m in pat.addressee.finditer(folded, start, end):
        found.append(Mention(m.start(), m.end(), None, text[m.start() : m.end()], "addressee"))
    found.extend(_bare_addressee_types(text, start, end))
    listed, heads = _listed_under_type(text, folded, start, end, um)
    found = [m for m in found if not any(a <= m.start < z for a, z in heads)] + listed
    found.extend(_unknown_names(text, start, end, um))
    found.extend(_anaphora(text, folded, start, end, pat))
    chosen: list[Mention] = []
    strong = ("unit", "collective", "related", "addressee")
    for men in sorted(found, key=lambda x: (x.kind not in strong, -(x.end - x.start), x.start)):
        if all(men.end <= c.start or men.start >= c.end for c in chosen):
            chosen.append(men)
    chosen.sort(key=lambda x: x.start)
    out: list[Mention] = []
    for men in chosen:
        s = _head_prefix(folded, men.start)
        if s != men.start and (not out or out[-1].end <= s):
            men = Mention(s, men.end, men.name, text[s : men.end], men.kind, men.count)
        out.append(men)
    return out


# "UBND các phường: Ba Đình, Hoàn Kiếm và Cửa Nam", "các Bộ: Công an, Tư pháp": names listed after their type
TYPE_LIST = re.compile(
    r"(?<![\w])(?:(?:uy ban nhan dan|ubnd|chu tich ubnd)\s+)?cac\s+(?P<type>phuong|xa|huyen|quan|tinh|so|bo)"
    r"(?:\s*,[^:.;\n]{0,30})?\s*:\s*"  # "các Sở, ngành:", "các Bộ, cơ quan ngang bộ:", "UBND các phường, xã:"
)
_LIST_END = re.compile(r"[.;:\n(]")


def _listed_under_type(
    text: str, folded: str, start: int, end: int, um: UnitMatcher
) -> tuple[list[Mention], list[tuple[int, int]]]:
    """The units of a list of names under their type word, each looked up as "<type> <name>" (or "UBND <type>
    <name>"); and the spans of the type heads that listed at least one, which then stand for nobody."""
    found: list[Mention] = []
    heads: list[tuple[int, int]] = []
    for m in TYPE_LIST.finditer(folded, start, end):
        stop = _LIST_END.search(folded, m.end(), end)
        z = stop.start() if stop else end
        kind = text[m.start("type") : m.end("type")]
        named: list[Mention] = []
        for part in re.finditer(r"[^,]+", text[m.end() : z]):
            names, complete = _names_in(part.group(0), m.end() + part.start(), kind, um)
            named.extend(names)
            if not complete:  # "…, Nông nghiệp và Môi trường có ý kiến …": the list ends in this part
                break
        if named:
            # the first name takes its type head with it, so that the list reads as one group of names
            first = named[0]
            named[0] = Mention(m.start(), first.end, first.name, text[m.start() : first.end], "unit")
            found.extend(named)
            heads.append((m.start(), m.end()))
    return found, heads


def _names_in(part: str, at: int, kind: str, um: UnitMatcher) -> tuple[list[Mention], bool]:
    """The names of one comma-separated part of a list, longest first ("Nông nghiệp và Môi trường" before
    "Nông nghiệp"), joined by "và"; and whether the part held nothing else."""
    words = list(re.finditer(r"\S+", part))
    out: list[Mention] = []
    i = 0
    while i < len(words):
        hit = next(
            (
                (j, name)
                for j in range(len(words), i, -1)
                if (name := _listed_name(part[words[i].start() : words[j - 1].end()], kind, um))
            ),
            None,
        )
        if hit is None:
            return out, False
        j, name = hit
        a, z = words[i].start(), words[j - 1].end()
        out.append(Mention(at + a, at + z, name, part[a:z], "unit"))
        i = j + 1 if j < len(words) and fold(words[j].group(0)) == "va" else j
        if i == j and i < len(words):
            return out, False
    return out, True


def _listed_name(name: str, kind: str, um: UnitMatcher) -> str | None:
    if not name:
        return None
    for key in (f"{kind} {name}", f"UBND {kind} {name}", f"Ủy ban nhân dân {kind} {name}", name):
        found = _lookup(um, key)
        if found:
            return found
    return None


_ADMIN = r"(?:tỉnh|huyện|xã|phường|thị trấn|thị xã|thành phố|quận|TP\.?)"
_NAME_WORD = "[" + UPPER + r"][\w&.]*"


@lru_cache(maxsize=1)
def _unknown_rx() -> re.Pattern[str]:
    """A type word and the capitalised words of a name; lower-case words only where they bridge to a next
    capitalised word ("Sở Tài nguyên và Môi trường"). _extend() adds a name's trailing lower-case words."""
    types = "|".join(re.escape(t) for t in patterns().unit_types)
    sp = r"[ \t]+"
    first = rf"(?:{_NAME_WORD}|{_ADMIN}{sp}{_NAME_WORD})"
    more = (rf"(?:{sp}(?:-{sp}|và{sp}|&[ "
            rf"\t]*)?(?:{_NAME_WORD}|[{LOWER}]+(?=(?:{sp}[{LOWER}]+)?{sp}{_NAME_WORD})))*")
    return re.compile(rf"(?<![\w])(?:{types}){sp}{first}{more}")


def _phrases(words: tuple[str, ...]) -> re.Pattern[str]:
    alts = "|".join(r"[ \t]+".join(re.escape(w) for w in p.split()) for p in words)
    return re.compile(rf"[ \t]+(?:{alts})(?![\w])")


@lru_cache(maxsize=1)
def _tail_rx() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    pat = patterns()
    return (
        re.compile(rf"[ \t]+[{LOWER}]+(?![\w&-])"),
        _phrases(pat.name_stop),
        _phrases(pat.name_frame),
        re.compile(rf"[ \t]+(?:-[ \t]+|và[ \t]+|&[ \t]*)?{_NAME_WORD}"),
    )


_ADMIN_WORDS = frozenset({"tỉnh", "huyện", "xã", "phường", "quận", "thị trấn", "thị xã", "thành phố"})
_MAX_LOWER = {"frame": 6, "name": 6, "stop": 4, "end": 3}


def _extend(text: str, pos: int, end: int, single_cap: bool) -> int:
    """Where a name ending at `pos` really ends. Vietnamese writes a body's function field with only its first
    syllable capitalised ("Sở Nội vụ", "Ban Quản lý dự án Thủy lợi", "Chi cục An toàn vệ sinh thực phẩm"):
    after one such capitalised word the name runs on over lower-case words up to a frame word, a stop word (a
    verb, preposition or determiner), punctuation or the next capitalised word — never over more words than
    that boundary allows. After a proper name of several capitalised words ("Sông Mây") the name has ended."""
    word_rx, stop_rx, frame_rx, cap_rx = _tail_rx()
    while single_cap:
        run, cur = 0, pos
        admin = False
        while run <= 6 and not stop_rx.match(text, cur, end):
            w = word_rx.match(text, cur, end)
            if not w:
                break
            cur, run = w.end(), run + 1
            if w.group(0).strip() in _ADMIN_WORDS and not cap_rx.match(text, cur, end):
                admin = True  # "… Thủy lợi tỉnh": a place level closes the name
                break
        if run == 0 or run > 6:
            return pos
        if admin:
            return cur
        if frame_rx.match(text, cur, end):
            kind = "frame"
        elif cap_rx.match(text, cur, end):
            kind = "name"
        elif stop_rx.match(text, cur, end):
            kind = "stop"
        elif re.match(r"[ \t]*(?:[,;:.!?()|\"“”]|\n|$)|[ \t]+\d", text[cur:end] if cur < end else ""):
            kind = "end"
        else:
            return pos
        if run > _MAX_LOWER[kind]:
            return pos
        pos = cur
        if kind != "name":
            return pos
        caps = 0
        while True:  # the capitalised words after the run: "… dự án Thủy lợi", "… khu vực Quỳnh Lưu"
            c = cap_rx.match(text, pos, end)
            if not c:
                break
            pos, caps = c.end(), caps + 1
        single_cap = caps == 1
    return pos


def _unknown_names(text: str, start: int, end: int, um: UnitMatcher) -> list[Mention]:
    out = []
    for m in _unknown_rx().finditer(text, start, end):
        words = m.group(0).split()
        single = words[-1][:1].isupper() and (not words[-2][:1].isupper() or _starts_name(text, m))
        stop_at = _extend(text, m.end(), end, single)
        written = text[m.start() : stop_at].rstrip(" .")
        key = _office_key(written)
        if any(k.startswith(key) or key.startswith(k) for k in um.org_keys):
            kind = "issuer"
        else:
            kind = "unknown"
        out.append(Mention(m.start(), m.start() + len(written), None, written, kind))
    return out


def _starts_name(text: str, m: re.Match[str]) -> bool:
    """Whether the match holds exactly one capitalised word after its type word ("Sở Nội", "Chi cục An")."""
    types = patterns().unit_types
    s = m.group(0)
    for t in types:
        if s.startswith(t + " ") or s.startswith(t + "\t"):
            rest = s[len(t) :].split()
            return len(rest) == 1 and rest[0][:1].isupper()
    return False


_SINGLE_BACKREF = {"chi cuc", "trung tam", "chi nhanh", "benh vien"}


def _anaphora(text: str, folded: str, start: int, end: int, pat: object) -> list[Mention]:
    out = []
    for m in patterns().anaphora.finditer(folded, start, end):
        after = text[m.end() : m.end() + 3]
        if after[:1] == " " and after[1:2].isupper():
            continue  # "Trung tâm Dự báo ...": a name, not a back-reference
        written = text[m.start() : m.end()]
        count_word = m.group("count")
        typ = folded[m.start("type") : m.end("type")]
        if count_word:
            count = patterns().anaphora_counts.get(count_word, 2)
        elif m.group("plural"):
            continue  # "các khoa" is a collective, handled elsewhere
        else:
            if not text[m.start("type")].isupper() or typ not in _SINGLE_BACKREF:
                continue  # bare "phòng", "Sở" (the issuer itself) are not back-references
            count = 1
        out.append(Mention(m.start(), m.end(), None, written, "anaphora", count))
    return out


@lru_cache(maxsize=1)
def _bare_type_rx() -> re.Pattern[str]:
    """A letter names its addressee by its type word alone, capitalised ("đề nghị Công ty thực hiện …", "Quý
    Doanh nghiệp"); a type word followed by a name or by the legal form of one ("Công ty Điện lực", "Công ty
    cổ phần …") is that other body."""
    types = "|".join(re.escape(t) for t in patterns().addressee_types)
    forms = "|".join(re.escape(f) for f in patterns().company_forms)
    return re.compile(
        rf"(?<![\w])(?:Quý[ \t]+)?(?:{types})(?![\w])(?![ \t]+(?:[{UPPER}]|(?:{forms})(?![\w])))"
    )


def _bare_addressee_types(text: str, start: int, end: int) -> list[Mention]:
    return [
        Mention(m.start(), m.end(), None, m.group(0), "addressee")
        for m in _bare_type_rx().finditer(text, start, end)
    ]


# "Các sở, ban, ngành và UBND các xã, phường": the province's departments together with its communes are every
# body a provincial plan addresses (corpus-real README, convention 10: rd-10's annex rows 1 and 13;
# real_tables).
_DEPARTMENTS = re.compile(r"(?<![\w])cac so,? ban,? nganh(?![\w])")
_COMMUNES = re.compile(r"(?<![\w])(?:ubnd|uy ban nhan dan) (?:cac|cap) (?:xa|phuong)(?![\w])")


def every_level(written: list[str]) -> bool:
    """Whether the names written for one lead are the departments and the communes together."""
    folded = [fold(w) for w in written]
    return any(_DEPARTMENTS.search(f) for f in folded) and any(_COMMUNES.search(f) for f in folded)


def addressee_units(addressees: Sequence[str], directory: Directory) -> tuple[str, ...]:
    """The known units a notice is addressed to (Kính gửi); every unit when a collective is among them."""
    names: list[str] = []
    for a in addressees:
        for m in find_mentions(a, fold(a), directory):
            if m.name and m.name not in names and m.kind in ("unit", "collective"):
                names.append(m.name)
    return (EVERY_UNIT,) if EVERY_UNIT in names else tuple(names)
