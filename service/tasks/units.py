"""Keep the units and leaders tables in step with the directory file; look units up by name."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.directory import Directory, Person, UnitEntry
from service.store.models import Leader, Unit


def import_directory(session: Session, directory: Directory) -> tuple[int, int]:
    """Upsert every unit and leader by name; aliases added by an admin are kept. Returns (added, updated)."""
    existing = {u.name: u for u in session.scalars(select(Unit))}
    added = updated = 0
    for entry in directory.units:
        unit = existing.get(entry.name)
        if unit is None:
            session.add(_new_unit(entry))
            added += 1
            continue
        _refresh_unit(unit, entry)
        updated += 1
    _sync_leaders(session, directory.leaders)
    session.flush()
    return added, updated


def _new_unit(entry: UnitEntry) -> Unit:
    unit = Unit(name=entry.name, aliases=list(entry.aliases), active=True)
    _refresh_unit(unit, entry)
    return unit


def _refresh_unit(unit: Unit, entry: UnitEntry) -> None:
    unit.aliases = list(dict.fromkeys([*entry.aliases, *(unit.aliases or [])]))
    unit.email = entry.email
    unit.head_name = entry.head.name if entry.head else None
    unit.head_title = entry.head.title if entry.head else None
    unit.head_email = entry.head.email if entry.head else None
    unit.is_office = entry.is_office
    unit.active = True


def _sync_leaders(session: Session, leaders: tuple[Person, ...]) -> None:
    known = {leader.email: leader for leader in session.scalars(select(Leader)) if leader.email}
    for rank, person in enumerate(leaders):
        row = known.get(person.email) if person.email else None
        if row is None:
            session.add(Leader(name=person.name, title=person.title, email=person.email, rank=rank))
        else:
            row.name, row.title, row.rank = person.name, person.title, rank


def directory_from_db(session: Session, base: Directory) -> Directory:
    """The directory the rules should use: the file's units plus aliases added with `docket units
    add-alias`."""
    aliases = {
        u.name: tuple(u.aliases or ()) for u in session.scalars(select(Unit).where(Unit.active.is_(True)))
    }
    units = tuple(
        UnitEntry(
            name=u.name,
            aliases=tuple(dict.fromkeys((*u.aliases, *aliases.get(u.name, ())))),
            email=u.email,
            head=u.head,
        )
        for u in base.units
    )
    return Directory(
        organization=base.organization,
        domain=base.domain,
        units=units,
        leaders=base.leaders,
        short_name=base.short_name,
    )


def units_by_name(session: Session) -> dict[str, Unit]:
    return {u.name: u for u in session.scalars(select(Unit))}
