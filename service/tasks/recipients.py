"""Who receives a mail about a task: addresses come only from the units directory (units and leaders tables).

An address written in a notice's text is never a recipient: every address here is read from the
`units` / `leaders` rows that the directory file fills.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.units import EVERY_UNIT
from service.store.models import Leader, Task, Unit
from service.store.stages import Role



@dataclass(frozen=True, slots=True)
class AddressBook:
    units: dict[str, Unit]  # active units by canonical name
    office: Unit | None
    director: Leader | None

    def expand(self, names: Iterable[str]) -> list[Unit]:
        """Canonical names to units; '*' means every active unit; unknown names are skipped."""
        found: dict[str, Unit] = {}
        for name in names:
            if name == EVERY_UNIT:
                found.update(self.units)
            elif name in self.units:
                found[name] = self.units[name]
        return list(found.values())

    def role_units(self, task: Task, role: Role, *, pending_only: bool = True) -> list[Unit]:
        """The units of a role; for an every-unit task tracked per unit, only those whose part is open."""
        units = self.expand(task.unit_names(role))
        if (
            not pending_only
            or role is not Role.LEAD
            or EVERY_UNIT not in task.unit_names(role)
            or not task.parts
        ):
            return units
        pending = {p.unit_id for p in task.parts if not p.status.is_closed}
        if not pending:  # every part done but the task reopened by an admin: everyone again
            return units
        named = set(task.unit_names(role)) - {EVERY_UNIT}
        return [u for u in units if u.id in pending or u.name in named]

    def addresses(self, roles: Iterable[str], task: Task) -> list[str]:
        """Policy roles (lead, support, lead_head, office, director) to addresses, in order, without
        repeats."""
        out: list[str | None] = []
        for role in roles:
            out += self._role(role, task)
        return list(dict.fromkeys(a for a in out if a))

    def _role(self, role: str, task: Task) -> list[str | None]:
        if role == "lead":
            return [u.email for u in self.role_units(task, Role.LEAD)]
        if role == "support":
            return [u.email for u in self.role_units(task, Role.SUPPORT)]
        if role == "lead_head":
            return [u.head_email for u in self.role_units(task, Role.LEAD)]
        if role == "office":
            return [self.office.email] if self.office else []
        if role == "director":
            return [self.director.email] if self.director else []
        raise ValueError(f"unknown recipient role {role!r}")

    def unit_of(self, address: str) -> Unit | None:
        """The unit whose mailbox or head this address is."""
        wanted = parseaddr(address)[1].lower()
        for unit in self.units.values():
            if wanted and wanted in {(unit.email or "").lower(), (unit.head_email or "").lower()}:
                return unit
        return None

    def is_assignee(self, address: str, task: Task, *, lead_only: bool = False) -> bool:
        """The sender is a unit named on the task (lead only when asked); '*' tasks match every unit."""
        unit = self.unit_of(address)
        if unit is None:
            return False
        roles = (Role.LEAD,) if lead_only else (Role.LEAD, Role.SUPPORT)
        return any(unit in self.role_units(task, role, pending_only=False) for role in roles)


def address_book(session: Session) -> AddressBook:
    units = {u.name: u for u in session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.id))}
    office = next((u for u in units.values() if u.is_office), None)
    director = session.scalars(
        select(Leader).where(Leader.email.is_not(None)).order_by(Leader.rank, Leader.id)
    ).first()
    return AddressBook(units=units, office=office, director=director)
