"""The declarative Base and its column types: the one module of service that outbox imports.

A leaf: SQLAlchemy and the standard library only, so that importing the outbox's table loads nothing else
of service (tests/unit/test_architecture.py checks it). Engines, sessions and the listener that makes every
row storable (service.store.db.fit) live in service.store.db.
"""
from __future__ import annotations

import enum
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        utc = value.astimezone(timezone.utc)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        list[Any]: JSON(),
    }


def enum_column_values(enum_cls: type[enum.Enum]) -> list[str]:
    """Enums are stored by value, so the database reads like the CLI."""
    return [member.value for member in enum_cls]


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A str enum column stored by value, as VARCHAR(20) with no native database type."""
    return Enum(enum_cls, name=name, values_callable=enum_column_values, native_enum=False, length=20)
