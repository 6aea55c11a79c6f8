"""Shared fixtures: databases (SQLite and PostgreSQL), an App with a fixed clock, corpus paths.

Servers (Dovecot, aiosmtpd) live in tests/servers.py. With CI=true a missing server fails the
run; elsewhere the tests that need it skip with the reason.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

pytest_plugins = ["tests.servers"]

REPO = Path(__file__).resolve().parents[1]
SHARED = next(
    (p / "shared" for p in (REPO.parent, REPO.parent.parent) if (p / "shared").is_dir()),
    REPO.parent / "shared",
)
# ../shared beside the checkout, or ../../shared from a git worktree under wt/
CORPUS = SHARED / "corpus"
REALWORLD = SHARED / "realworld"
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def need(condition: bool, reason: str) -> None:
    """Skip with the reason, or fail under CI=true where every server must be present."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(reason)


def vn(*args: int) -> datetime:
    """A datetime in the office's time zone: vn(2026, 11, 25, 8, 30)."""
    return datetime(*args, tzinfo=TZ)


def _pg_available() -> str | None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as err:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(err).__name__}"


@contextmanager
def fresh_pg_database(server_url: str) -> Iterator[str]:
    """A database of its own on the server of server_url, dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_pg_schema(database_url: str) -> Iterator[str]:
    """An empty schema in that database, as the search_path of the URL returned; dropped afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"s_{uuid.uuid4().hex[:10]}"
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{database_url}?options=-csearch_path%3D{schema}"
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh database for this test session on the PostgreSQL server, dropped at the end."""
    problem = _pg_available()
    need(problem is None, problem or "")
    with fresh_pg_database(PG_ADMIN_URL) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Every database test runs on both backends; each test gets an empty schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'docket.db'}"
        return
    with fresh_pg_schema(request.getfixturevalue("pg_server_url")) as url:
        yield url


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """A folder with the sample directory, an inbox and a sent Maildir."""
    from service.demo.build import sample_directory

    (tmp_path / "directory.yaml").write_text(sample_directory(), encoding="utf-8")
    return tmp_path


@pytest.fixture
def make_app(database_url: str, office: Path):  # type: ignore[no-untyped-def]
    """Build an App on the test database, migrated, with a fixed clock; extra settings as keywords."""
    from service.clock import FixedClock
    from service.config import load_settings
    from service.store.schema import upgrade
    from service.wiring import build_app

    built = []

    def factory(now: datetime = vn(2026, 11, 25, 8, 30), **overrides):  # type: ignore[no-untyped-def]
        settings = {
            "database_url": database_url,
            "mailbox": f"maildir:{office / 'mail' / 'inbox'}",
            "smtp": f"maildir:{office / 'mail' / 'sent'}",
            "directory": str(office / "directory.yaml"),
            "from_address": "docket@skhcn.binhminh.example.vn",
            **overrides,
        }
        application = build_app(load_settings(**settings), FixedClock(now))
        upgrade(application.engine)
        built.append(application)
        return application

    yield factory
    for application in built:
        application.dispose()
