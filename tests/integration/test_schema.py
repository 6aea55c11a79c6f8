"""Migrations build exactly the models' schema, and the daemon refuses an outdated one."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from service.store.db import make_engine
from service.errors import SchemaError
from service.store.models import Base
from service.store.schema import head_revision, require_current, upgrade


def test_migrations_match_models(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_run_refuses_a_database_without_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    with pytest.raises(SchemaError, match="docket db upgrade"):
        require_current(engine)
    engine.dispose()


def test_run_refuses_an_outdated_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'old'"))
    with pytest.raises(SchemaError, match=f"needs {head_revision()}"):
        require_current(engine)
    engine.dispose()


def test_upgrade_is_idempotent(database_url: str) -> None:
    engine = make_engine(database_url)
    assert upgrade(engine) == upgrade(engine) == head_revision()
    engine.dispose()
