"""Who may create tasks, and which mail is a loop (pure: envelope in, reason out).

The rules are the table TRIAGE below, one row a sign, in the order they are tried: the signs of a loop
first (ignored, never answered, and no admin's release lifts them), then list and X-Loop mail and the
sender check (quarantined for an admin, with the reason; an admin's release lifts them), and only then
de-duplication and extraction. It needs the headers alone, so it runs before anything is parsed.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr

from extractors.base import EmailEnvelope
from service.store.stages import Stage

_AUTH_FAIL = re.compile(r"\b(dmarc|dkim|spf)\s*=\s*(fail|softfail|permerror)\b", re.IGNORECASE)
_LOOP_PRECEDENCE = {"bulk", "junk", "auto_reply", "list"}
_SYSTEM_LOCALPARTS = ("mailer-daemon", "postmaster", "noreply", "no-reply")


@dataclass(frozen=True, slots=True)
class Office:
    """What the signs are measured against: our own domain and address, and who may send notices."""

    own_domain: str
    own_address: str
    allowed: tuple[str, ...] = ()


Check = Callable[[EmailEnvelope, Office], str | None]  # why the sign shows on this mail, else None


@dataclass(frozen=True, slots=True)
class Sign:
    """One row of TRIAGE: a sign, where a mail showing it goes (stage, disposition), whether the reason is
    kept for an admin, and whether an admin's release of the mail lifts it."""

    disposition: str
    stage: Stage
    check: Check
    keeps_reason: bool
    released_lifts: bool


def _headers(envelope: EmailEnvelope) -> dict[str, str]:
    return {k.lower(): v for k, v in envelope.headers.items()}


def _hit(sign: bool) -> str | None:
    """A loop sign keeps no reason (its disposition says it all): any string says that it shows."""
    return "yes" if sign else None


def _auto_submitted(envelope: EmailEnvelope, office: Office) -> str | None:
    return _hit(_headers(envelope).get("auto-submitted", "no").strip().lower() not in ("", "no"))


def _x_autoreply(envelope: EmailEnvelope, office: Office) -> str | None:
    return _hit(any(k in _headers(envelope) for k in ("x-autoreply", "x-autorespond", "x-autoreply-from")))


def _precedence(envelope: EmailEnvelope, office: Office) -> str | None:
    return _hit(_headers(envelope).get("precedence", "").strip().lower() in _LOOP_PRECEDENCE)


def _empty_return_path(envelope: EmailEnvelope, office: Office) -> str | None:
    return _hit(_headers(envelope).get("return-path", "x").strip() in ("<>", ""))


def _delivery_report(envelope: EmailEnvelope, office: Office) -> str | None:
    h = _headers(envelope)
    return _hit("multipart/report" in h.get("content-type", "").lower() or "x-failed-recipients" in h)


def _own_mail(envelope: EmailEnvelope, office: Office) -> str | None:
    sender = (envelope.sender or "").lower()
    ours = _is_our_message_id(envelope.message_id, office.own_domain)
    return _hit(sender == office.own_address.lower() or ours)


def _system_sender(envelope: EmailEnvelope, office: Office) -> str | None:
    return _hit((envelope.sender or "").lower().split("@")[0] in _SYSTEM_LOCALPARTS)


def _list(envelope: EmailEnvelope, office: Office) -> str | None:
    return list_reason(envelope, own_address=office.own_address)


def _sender(envelope: EmailEnvelope, office: Office) -> str | None:
    return sender_reason(envelope, allowed=office.allowed)


_LOOP, _HELD = Stage.IGNORED, Stage.QUARANTINED
TRIAGE: tuple[Sign, ...] = (
    # disposition          stage  the sign                keeps_reason  released_lifts
    Sign("auto-submitted", _LOOP, _auto_submitted, keeps_reason=False, released_lifts=False),
    Sign("x-autoreply", _LOOP, _x_autoreply, keeps_reason=False, released_lifts=False),
    Sign("precedence", _LOOP, _precedence, keeps_reason=False, released_lifts=False),
    Sign("empty return-path", _LOOP, _empty_return_path, keeps_reason=False, released_lifts=False),
    Sign("delivery report", _LOOP, _delivery_report, keeps_reason=False, released_lifts=False),
    Sign("own mail", _LOOP, _own_mail, keeps_reason=False, released_lifts=False),
    Sign("system sender", _LOOP, _system_sender, keeps_reason=False, released_lifts=False),
    Sign("list", _HELD, _list, keeps_reason=True, released_lifts=True),  # List-Id, or X-Loop naming us
    Sign("sender", _HELD, _sender, keeps_reason=True, released_lifts=True),  # not allowed, or failed auth
)


def list_reason(envelope: EmailEnvelope, *, own_address: str) -> str | None:
    """Why this looks like mailing-list traffic or a loop through another robot, or None.

    Any List-Id (a list may resend our own answers to all its members), or an X-Loop naming our own
    address (a robot that already passed this mail through us). Quarantined, not ignored: a notice
    may genuinely arrive through a list, and an admin can release it.
    """
    h = {k.lower(): v for k, v in envelope.headers.items()}
    if list_id := h.get("list-id", "").strip():
        return f"mailing-list mail (List-Id: {list_id.splitlines()[0][:200]})"
    loops = [v.strip().lower() for v in h.get("x-loop", "").splitlines()]
    if own_address.lower() in (parseaddr(v)[1] or v for v in loops):
        return f"X-Loop names our own address {own_address.lower()}: the mail came back round a loop"
    return None


@dataclass(frozen=True, slots=True)
class Verdict:
    """Where a mail goes without being read: its stage, a short disposition, and the reason for an admin."""

    stage: Stage
    disposition: str
    reason: str | None = None


def triage(envelope: EmailEnvelope, *, own_domain: str, own_address: str, allowed: tuple[str, ...],
           released: bool = False) -> Verdict | None:
    """The verdict from the headers alone (the first row of TRIAGE the mail shows), or None when the mail may
    be read. A release by an admin lifts the quarantine rows (list and sender), never a loop."""
    office = Office(own_domain, own_address, allowed)
    for sign in TRIAGE:
        if released and sign.released_lifts:
            continue
        if (why := sign.check(envelope, office)) is not None:
            return Verdict(sign.stage, sign.disposition, why if sign.keeps_reason else None)
    return None


def sender_reason(envelope: EmailEnvelope, *, allowed: tuple[str, ...]) -> str | None:
    """Why this sender may not create tasks, or None when allowed."""
    address = parseaddr(envelope.sender or "")[1].lower()
    if not address:
        return envelope.sender_problem or "no sender address"
    if not any(address == a or (a.startswith("@") and address.endswith(a)) for a in allowed):
        return f"sender {address} is not in DOCKET_ALLOWED_SENDERS"
    auth = envelope.headers.get("Authentication-Results") or envelope.headers.get("authentication-results")
    if auth and (match := _AUTH_FAIL.search(auth)):
        return f"sender authentication failed ({match.group(1).lower()}={match.group(2).lower()})"
    return None


def _is_our_message_id(message_id: str | None, own_domain: str) -> bool:
    """Our Message-IDs are <docket.…@domain>; the office's own clerks share the domain, so it alone proves
    nothing."""
    local, _, domain = (message_id or "").strip("<> ").partition("@")
    return local.startswith("docket.") and domain.lower() == own_domain.lower()
