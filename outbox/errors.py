"""The outbox's own errors: SendError, a mail that could not be handed over (for now the only one)."""
from __future__ import annotations


class OutboxError(Exception):
    """Base of the errors the outbox raises on purpose."""


class SendError(OutboxError):
    """Outgoing mail could not be delivered; `permanent` when trying again cannot help (RFC 5321 5xx but
    552)."""

    def __init__(self, message: str, *, permanent: bool = False, code: int | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code
