"""Resolve a unit name typed by an admin (name or alias, with or without case and diacritics) to its
canonical name."""

from __future__ import annotations

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.text import loose_key as loose  # the one fold of names
from rules.text import name_key as fold
from rules.units import EVERY_UNIT
from service.errors import InputError
from service.store.models import Unit


def unit_choices(session: Session) -> dict[str, str]:
    """Folded name or alias → canonical name, for active units."""
    choices: dict[str, str] = {}
    for unit in session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.id)):
        for spelling in (unit.name, *(unit.aliases or ())):
            choices.setdefault(fold(spelling), unit.name)
    return choices


def suggestions(typed: str, choices: dict[str, str], limit: int = 3) -> list[str]:
    """The canonical names closest to what was typed (rapidfuzz over names and aliases)."""
    # 'phong ke toan' is close to 'Phòng Kế hoạch'
    spelled = {loose(spelling): name for spelling, name in choices.items()}
    found = process.extract(loose(typed), list(spelled), scorer=fuzz.WRatio, limit=limit * 3)
    return list(dict.fromkeys(spelled[match] for match, score, _ in found if score >= 50))[:limit]


def match_unit(typed: str, choices: dict[str, str]) -> str:
    """The canonical name for what was typed: exact spelling first, then without diacritics, then as whole
    words of one unit's name or alias ('ke hoach', 'KH-TC'). Several units matching, or none, is an InputError
    naming them."""
    if (canonical := choices.get(fold(typed))) is not None:
        return canonical
    key = loose(typed)
    spelled = {loose(spelling): name for spelling, name in choices.items()}
    if key and key in spelled:
        return spelled[key]
    found = list(
        dict.fromkeys(name for spelling, name in spelled.items() if key and f" {key} " in f" {spelling} ")
    )
    if len(found) == 1:
        return found[0]
    if found:
        raise InputError(
            f"unit '{typed}' is ambiguous: it could be {', '.join(found)}; type more of the name"
        )
    raise InputError(unknown_unit_message(typed, choices))


def resolve_units(session: Session, names: list[str] | tuple[str, ...]) -> list[str]:
    """Canonical names in the order given; an unknown or ambiguous name is an InputError naming the closest
    units."""
    if not names:
        return []
    choices = unit_choices(session)
    resolved = []
    for name in names:
        resolved.append(EVERY_UNIT if name.strip() == EVERY_UNIT else match_unit(name, choices))
    return list(dict.fromkeys(resolved))


def unknown_unit_message(name: str, choices: dict[str, str]) -> str:
    if not choices:
        return (
            f"unknown unit '{name}': no units are known yet (load them with `docket units import FILE.yaml`)"
        )
    close = suggestions(name, choices)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    return f"unknown unit '{name}'{hint} (`docket units list` shows them all)"


def add_alias(session: Session, unit_name: str, alias: str) -> tuple[str, bool]:
    """Give a unit another name the rules will recognise in future notices; (canonical name, added?)."""
    alias = " ".join(alias.split())
    if not alias:
        raise InputError("the alias is empty")
    canonical = resolve_units(session, [unit_name])[0]
    if canonical == EVERY_UNIT:
        raise InputError("'*' (every unit) cannot have aliases")
    owner = unit_choices(session).get(fold(alias))
    if owner is not None and owner != canonical:
        raise InputError(f"'{alias}' already names {owner}; an alias can name only one unit")
    unit = session.scalars(select(Unit).where(Unit.name == canonical)).one()
    if owner == canonical:
        return canonical, False
    unit.aliases = [*(unit.aliases or ()), alias]
    session.flush()
    return canonical, True
