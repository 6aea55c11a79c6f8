"""The units directory (org chart) as plain values, parsed from the YAML format of the corpus."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class DirectoryError(ValueError):
    """The directory file is missing fields or is not YAML."""


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    title: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class UnitEntry:
    name: str  # canonical name, as used in gold files and mails
    aliases: tuple[str, ...] = ()
    email: str | None = None
    head: Person | None = None

    @property
    def is_office(self) -> bool:
        """The Văn phòng tracks tasks and receives escalations."""
        return self.name.casefold().startswith("văn phòng") and "đăng ký" not in self.name.casefold()


@dataclass(frozen=True, slots=True)
class Directory:
    organization: str
    domain: str | None
    units: tuple[UnitEntry, ...]
    leaders: tuple[Person, ...] = ()
    short_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def unit(self, name: str) -> UnitEntry | None:
        return next((u for u in self.units if u.name == name), None)

    @property
    def office(self) -> UnitEntry | None:
        return next((u for u in self.units if u.is_office), None)


def _person(raw: Any) -> Person | None:
    if not raw:
        return None
    if not isinstance(raw, dict) or not raw.get("name"):
        raise DirectoryError(f"a person needs a name: {raw!r}")
    return Person(name=str(raw["name"]), title=raw.get("title"), email=raw.get("email"))


def parse_directory(data: Any) -> Directory:
    """Build a Directory from the loaded YAML mapping."""
    if not isinstance(data, dict) or "units" not in data:
        raise DirectoryError("a directory needs 'organization' and 'units'")
    units = []
    for raw in data.get("units") or []:
        if not isinstance(raw, dict) or not raw.get("name"):
            raise DirectoryError(f"a unit needs a name: {raw!r}")
        aliases = tuple(str(a) for a in raw.get("aliases") or ())
        units.append(
            UnitEntry(
                name=str(raw["name"]), aliases=aliases, email=raw.get("email"), head=_person(raw.get("head"))
            )
        )
    leaders = tuple(p for p in (_person(r) for r in data.get("leaders") or ()) if p)
    return Directory(
        organization=str(data.get("organization") or ""),
        domain=data.get("domain"),
        units=tuple(units),
        leaders=leaders,
        short_name=data.get("short_name"),
    )


def load_directory(path: Path) -> Directory:
    try:
        return parse_directory(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as err:
        raise DirectoryError(f"cannot read directory {path}: {err}") from err


EMPTY_DIRECTORY = Directory(organization="", domain=None, units=())
