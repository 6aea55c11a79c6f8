"""Live-test helpers: an App pointed at a fresh Dovecot user, and a PostgreSQL schema URL of its own."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import fresh_pg_schema


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
    with fresh_pg_schema(pg_server_url) as url:
        yield url
