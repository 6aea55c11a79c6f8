"""Live-test helpers: an App pointed at a fresh Dovecot user, and a PostgreSQL schema URL of its own."""
from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest


@pytest.fixture
def imap_app(make_app, dovecot):  # type: ignore[no-untyped-def]
    """factory(**settings) → (app, user): an App whose DOCKET_MAILBOX is a fresh Dovecot user over IMAPS."""

    def factory(scheme: str = "imaps", **overrides):  # type: ignore[no-untyped-def]
        user, _ = dovecot.user()
        app = make_app(mailbox=dovecot.url(user, scheme=scheme), imap_cafile=str(dovecot.cafile),
                       allowed_senders="@skhcn.binhminh.example.vn", **overrides)
        return app, user

    return factory


@pytest.fixture
def pg_schema_url(pg_server_url: str) -> Iterator[str]:
    """A fresh schema on the test PostgreSQL database (for tests that run only on PostgreSQL)."""
    from sqlalchemy import create_engine, text

    schema = f"s_{uuid.uuid4().hex[:10]}"
    engine = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{pg_server_url}?options=-csearch_path%3D{schema}"
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()
