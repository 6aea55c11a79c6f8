"""Ways to hand a message over: SMTP (STARTTLS, SMTPS, AUTH) or a Maildir folder (embedded default)."""
from __future__ import annotations

import email.errors
import mailbox
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from outbox.errors import SendError


class Sender(Protocol):
    def send(self, msg: EmailMessage, *, from_addr: str, recipients: list[str]) -> dict[str, object] | None:
        """Hand the message over; returns the recipients refused while others accepted it (or None)."""
        ...

    def close(self) -> None: ...


# Errors of the email package while flattening a message: the message is at fault, not the server.
UNRENDERABLE = (UnicodeError, LookupError, TypeError, email.errors.MessageError)


def classify(code: int | None) -> bool:
    """True when a failure is permanent: 5xx except 552 (RFC 5321 lets 552 be retried)."""
    return code is not None and 500 <= code < 600 and code != 552


class MaildirSender:
    """Writes each outgoing message as a file into a Maildir (the embedded default)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        for sub in ("cur", "new", "tmp"):
            path.joinpath(sub).mkdir(parents=True, exist_ok=True)
        self._box = mailbox.Maildir(str(path), create=True)

    def send(self, msg: EmailMessage, *, from_addr: str, recipients: list[str]) -> dict[str, object] | None:
        try:
            self._box.add(msg)
            return None
        except UNRENDERABLE as err:
            raise SendError(
                f"cannot compose the message: {type(err).__name__}: {err}", permanent=True
            ) from err
        except OSError as err:
            raise SendError(f"cannot write to {self.path}: {err}") from err

    def close(self) -> None:
        self._box.close()


@dataclass(frozen=True, slots=True)
class SmtpUrl:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    user: str
    password: str


class SmtpSender:
    """One connection, opened lazily and reused for a batch; errors become SendError(permanent=...)."""

    def __init__(self, url: SmtpUrl, *, cafile: Path | None = None, timeout: float = 30.0) -> None:
        self.url, self.timeout = url, timeout
        self.context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
        self._conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        url = self.url
        if url.implicit_tls:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(
                url.host, url.port, timeout=self.timeout, context=self.context
            )
        else:
            conn = smtplib.SMTP(url.host, url.port, timeout=self.timeout)
            if url.starttls:
                conn.starttls(context=self.context)
        if url.user:
            conn.login(url.user, url.password)
        return conn

    def send(self, msg: EmailMessage, *, from_addr: str, recipients: list[str]) -> dict[str, object] | None:
        try:
            if self._conn is None:
                self._conn = self._connect()
            refused = self._conn.send_message(msg, from_addr=from_addr, to_addrs=recipients)
        except smtplib.SMTPAuthenticationError as err:
            # The server refuses our credentials: a setting to fix, not a fault of this message. Keep the
            # mail (retried until its give-up deadline) and stop the pass instead of killing the whole queue.
            self.close()
            raise SendError(
                f"SMTP authentication failed ({err.smtp_code}): check DOCKET_SMTP credentials"
            ) from err
        except smtplib.SMTPRecipientsRefused as err:
            self.close()
            codes = [code for code, _ in err.recipients.values()]
            raise SendError(
                f"all recipients refused: {err.recipients}",
                permanent=all(classify(c) for c in codes),
                code=codes[0] if codes else None,
            ) from err
        except smtplib.SMTPResponseException as err:
            self.close()
            raise SendError(
                f"SMTP {err.smtp_code}: {err.smtp_error!r}",
                permanent=classify(err.smtp_code),
                code=err.smtp_code,
            ) from err
        except (smtplib.SMTPException, OSError, socket.timeout) as err:
            self.close()
            raise SendError(f"SMTP unavailable: {err}") from err
        except UNRENDERABLE as err:  # after the OSError branch: UnicodeError is a ValueError, not an OSError
            self.close()  # the server saw half a message: start the next one on a clean connection
            raise SendError(
                f"cannot compose the message: {type(err).__name__}: {err}", permanent=True
            ) from err
        return dict(refused) or None  # accepted for the others: a resend would duplicate it for them

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (smtplib.SMTPException, OSError):
                pass  # the connection is being dropped anyway
            self._conn = None


def open_sender(target: SmtpUrl | Path, *, cafile: Path | None = None) -> Sender:
    """The sender for a parsed DOCKET_SMTP (service.wiring.smtp_target): a Maildir folder or a server."""
    if isinstance(target, Path):
        return MaildirSender(target)
    return SmtpSender(target, cafile=cafile)
