"""Database plumbing: engines and sessions, and the listener that makes every row storable.

The declarative Base and the column types are in service.store.base.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, NoSuchModuleError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from extractors.safe_text import safe_text
from service.config_sources import mask_url
from service.errors import ConfigError
from service.store.base import Base


def fit(value: Any, column_type: Any) -> Any:
    """A value made storable: text without NUL or lone surrogates (PostgreSQL refuses them), cut to its
    column.

    The one place where mail's strings meet the database: every row passes here on insert and update.
    Str enums are left alone (their columns have lengths too); JSON lists and dicts are cleaned inside.
    """
    if type(value) is str:
        length = getattr(column_type, "length", None)
        cleaned = safe_text(value)
        return cleaned[:length] if length else cleaned
    if isinstance(value, list):
        return [fit(v, None) for v in value]
    if isinstance(value, dict):
        return {fit(k, None): fit(v, None) for k, v in value.items()}
    return value


@event.listens_for(Base, "before_insert", propagate=True)
@event.listens_for(Base, "before_update", propagate=True)
def _fit_row(mapper: Any, _connection: Any, target: Any) -> None:
    loaded = inspect(target).dict  # only what is loaded: reading an expired attribute would query mid-flush
    for attr in mapper.column_attrs:
        value = loaded.get(attr.key)
        if value is None or isinstance(value, bytes | int | float | datetime):
            continue
        fitted = fit(value, attr.columns[0].type)
        if fitted != value:
            setattr(target, attr.key, fitted)


def make_engine(url: str) -> Engine:
    """An engine with the settings each backend needs for concurrent, crash-safe use."""
    try:
        return _engine(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as err:  # one line, never the password
        raise ConfigError(
            f"DOCKET_DATABASE_URL {mask_url(url)!r}: {type(err).__name__}; use sqlite:///PATH or "
            "postgresql+psycopg://user:pass@host/db (a '/', '#' or '@' in the password as %2F, %23, %40)"
        ) from None


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see below)
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # A write lock from the start: two processes cannot both claim the same row.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def is_transient(err: BaseException) -> bool:
    """A database fault that passes by itself (server gone or restarting, connection dropped, locked, pool
    full).

    Such a fault is nobody's input: the work it interrupted is retried, not parked or reported to a sender.
    """
    if isinstance(err, OperationalError | InterfaceError | PoolTimeout):
        return True
    return isinstance(err, DBAPIError) and bool(err.connection_invalidated)
