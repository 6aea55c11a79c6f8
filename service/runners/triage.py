"""Who may create tasks, and which mail is a loop (pure: envelope in, reason out).

Order matters and is `triage` below: loops first (ignored, never answered), then list and X-Loop
mail and the sender check (quarantined for an admin, never answered), and only then
de-duplication and extraction. It needs the headers alone, so it runs before anything is parsed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr

from extractors.base import EmailEnvelope
from service.store.stages import Stage

_AUTH_FAIL = re.compile(r"\b(dmarc|dkim|spf)\s*=\s*(fail|softfail|permerror)\b", re.IGNORECASE)
_LOOP_PRECEDENCE = {"bulk", "junk", "auto_reply", "list"}
_SYSTEM_LOCALPARTS = ("mailer-daemon", "postmaster", "noreply", "no-reply")


def loop_reason(envelope: EmailEnvelope, *, own_domain: str, own_address: str) -> str | None:
    """Why this message must never be answered (auto-reply, bounce, our own mail), or None."""
    h = {k.lower(): v for k, v in envelope.headers.items()}
    sender = (envelope.sender or "").lower()
    checks = (
        ("auto-submitted", h.get("auto-submitted", "no").strip().lower() not in ("", "no")),
        ("x-autoreply", any(k in h for k in ("x-autoreply", "x-autorespond", "x-autoreply-from"))),
        ("precedence", h.get("precedence", "").strip().lower() in _LOOP_PRECEDENCE),
        ("empty return-path", h.get("return-path", "x").strip() in ("<>", "")),
        ("delivery report", "multipart/report" in h.get("content-type", "").lower() or "x-failed-recipients" in h),
        ("own mail", sender == own_address.lower() or _is_our_message_id(envelope.message_id, own_domain)),
        ("system sender", sender.split("@")[0] in _SYSTEM_LOCALPARTS),
    )
    return next((name for name, hit in checks if hit), None)


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
    """The verdict from the headers alone, or None when the mail may be read. A release by an admin lifts
    the quarantine checks (list and sender), never the loop check."""
    if reason := loop_reason(envelope, own_domain=own_domain, own_address=own_address):
        return Verdict(Stage.IGNORED, reason)
    if released:
        return None
    if reason := list_reason(envelope, own_address=own_address):
        return Verdict(Stage.QUARANTINED, "list", reason)
    if reason := sender_reason(envelope, allowed=allowed):
        return Verdict(Stage.QUARANTINED, "sender", reason)
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
    """Our Message-IDs are <docket.…@domain>; the office's own clerks share the domain, so it alone proves nothing."""
    local, _, domain = (message_id or "").strip("<> ").partition("@")
    return local.startswith("docket.") and domain.lower() == own_domain.lower()


def _domain(message_id: str | None) -> str:
    return (message_id or "").strip("<> ").rpartition("@")[2].lower()
