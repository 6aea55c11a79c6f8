"""Schema migrations (Alembic): upgrade, and refuse to run on an outdated schema."""
from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from alembic import command
from service.errors import SchemaError

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Apply every migration not yet applied; returns the revision now in place."""
    config = _config()
    with engine.begin() as conn:
        # several workers starting at once: one migrates, the others wait
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7346101)"))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return head_revision()


def require_current(engine: Engine) -> None:
    """Raise a SchemaError with the fix when the database is behind this code."""
    current, head = current_revision(engine), head_revision()
    if current is None:
        raise SchemaError(
            f"the database at {engine.url.render_as_string()} has no Docket schema: run `docket db upgrade`"
        )
    if current != head:
        raise SchemaError(
            f"the database schema is at {current}, this code needs {head}: run `docket db upgrade`"
        )
