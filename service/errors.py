"""The project's own exception types; adapters translate library errors into these."""
from __future__ import annotations


class DocketError(Exception):
    """Base of every error Docket raises on purpose."""


class ConfigError(DocketError):
    """A setting is missing or malformed."""


class SchemaError(DocketError):
    """The database schema is missing or older than this code."""


class MailboxError(DocketError):
    """The mailbox could not be reached or answered wrongly."""


class TransientError(DocketError):
    """The database or a server was briefly unreachable: the work is retried later, never blamed on the
    sender."""


class NotFoundError(DocketError):
    """An ID given on the command line names nothing."""


class InputError(DocketError):
    """A value given by an admin is invalid; nothing was changed."""


class InternalError(DocketError):
    """Docket's own code failed on this input (a bug, not bad input); the message is kept for reprocessing."""
