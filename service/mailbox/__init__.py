"""Mailbox access: parse DOCKET_MAILBOX and open its adapter (Maildir or IMAP); the package's public names.

The contract is service.mailbox.base; the adapters are service.mailbox.maildir and service.mailbox.imap.
No database here: callers decide what is new.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote

from service.config import Settings, split_url
from service.errors import ConfigError
from service.mailbox.base import Mailbox, MailboxUrl, RawMessage
from service.mailbox.imap import ImapMailbox
from service.mailbox.maildir import MaildirMailbox

__all__ = ["Mailbox", "MailboxUrl", "MaildirMailbox", "RawMessage", "open_mailbox", "parse_mailbox_url"]


def parse_mailbox_url(url: str) -> MailboxUrl:
    """Parse DOCKET_MAILBOX; a malformed value is a ConfigError that quotes the accepted forms."""
    if url.startswith("maildir:"):
        return MailboxUrl(scheme="maildir", path=Path(url.removeprefix("maildir:")).expanduser().resolve())
    parts = split_url(
        url,
        setting="DOCKET_MAILBOX",
        schemes=("imap", "imaps"),
        forms="imaps://user:pass@host[:port]/FOLDER, imap://user:pass@host:port/FOLDER or maildir:PATH",
    )
    tls_off = parse_qs(parts.query).get("tls", [""])[0] == "off"
    if tls_off and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigError("DOCKET_MAILBOX: ?tls=off is allowed on loopback only")
    return MailboxUrl(
        scheme=parts.scheme,
        host=parts.hostname or "",  # split_url refuses a URL without a host
        port=parts.port or (993 if parts.scheme == "imaps" else 143),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        tls=not tls_off,
    )


def open_mailbox(url: str, *, settings: Settings) -> Mailbox:
    """The adapter for DOCKET_MAILBOX."""
    parsed = parse_mailbox_url(url)
    if parsed.scheme == "maildir":
        assert parsed.path is not None
        for sub in ("cur", "new", "tmp"):
            os.makedirs(parsed.path / sub, exist_ok=True)
        return MaildirMailbox(parsed.path)
    return ImapMailbox(parsed, settings=settings)
