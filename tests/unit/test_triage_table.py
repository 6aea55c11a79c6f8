"""service.runners.triage decides by its table TRIAGE: loops first and never lifted, then the quarantine
rows."""

from __future__ import annotations

import dataclasses

import pytest

from extractors.base import EmailEnvelope
from service.runners import triage as module
from service.runners.triage import TRIAGE, Verdict, triage
from service.store.stages import Stage

OWN, DOMAIN = "docket@so.example.vn", "so.example.vn"
CLERK = "van.thu@so.example.vn"


def _env(sender: str = CLERK, message_id: str = "<a1@clerk.example.vn>", **headers: str) -> EmailEnvelope:
    return EmailEnvelope(
        sender=sender,
        sender_name=None,
        subject="s",
        message_id=message_id,
        in_reply_to=None,
        references=(),
        date=None,
        headers=headers,
    )


def _verdict(envelope: EmailEnvelope, *, released: bool = False) -> Verdict | None:
    return triage(envelope, own_domain=DOMAIN, own_address=OWN, allowed=(CLERK,), released=released)


# a mail showing each sign (and no earlier one), by the row's disposition
SHOWING = {
    "auto-submitted": _env(**{"Auto-Submitted": "auto-replied"}),
    "x-autoreply": _env(**{"X-Autoreply": "yes"}),
    "precedence": _env(Precedence="bulk"),
    "empty return-path": _env(**{"Return-Path": "<>"}),
    "delivery report": _env(**{"X-Failed-Recipients": CLERK}),
    "own mail": _env(message_id=f"<docket.abc@{DOMAIN}>"),
    "system sender": _env(sender=f"mailer-daemon@{DOMAIN}"),
    "list": _env(**{"List-Id": "<vanthu.so.example.vn>"}),
    "sender": _env(sender="x@elsewhere.example"),
}


def test_the_table_orders_loops_before_quarantine_and_no_release_lifts_a_loop() -> None:
    stages = [sign.stage for sign in TRIAGE]
    assert stages == sorted(stages, key=lambda s: s is not Stage.IGNORED)
    assert {sign.stage for sign in TRIAGE} == {Stage.IGNORED, Stage.QUARANTINED}
    for sign in TRIAGE:
        assert sign.released_lifts == (sign.stage is Stage.QUARANTINED) == sign.keeps_reason, sign
    assert set(SHOWING) == {sign.disposition for sign in TRIAGE}


@pytest.mark.parametrize("sign", TRIAGE, ids=lambda s: s.disposition)
def test_each_row_is_the_verdict_of_a_mail_showing_its_sign(sign: module.Sign) -> None:
    verdict = _verdict(SHOWING[sign.disposition])
    assert verdict is not None and (verdict.stage, verdict.disposition) == (sign.stage, sign.disposition)
    assert (verdict.reason is not None) == sign.keeps_reason
    released = _verdict(SHOWING[sign.disposition], released=True)
    assert (released is None) == sign.released_lifts


def test_a_plain_notice_from_an_allowed_clerk_may_be_read() -> None:
    assert _verdict(_env()) is None


def test_triage_reads_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table is what decides: a row taken out no longer stops a mail."""
    monkeypatch.setattr(module, "TRIAGE", tuple(s for s in TRIAGE if s.disposition != "sender"))
    assert _verdict(SHOWING["sender"]) is None
    held = dataclasses.replace(TRIAGE[-1], stage=Stage.IGNORED)
    monkeypatch.setattr(module, "TRIAGE", (held,))
    assert _verdict(SHOWING["sender"]) == Verdict(
        Stage.IGNORED, "sender", "sender x@elsewhere.example is not in DOCKET_ALLOWED_SENDERS"
    )
