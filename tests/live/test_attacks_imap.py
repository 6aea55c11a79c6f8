"""Attacks through IMAP (issue 10, item 1): a poisoned mail in a real Dovecot does not stop the pass."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from service.runners.daemon import run_daemon
from service.store.models import InboundMessage
from service.store.stages import Stage
from tests.integration.attackmail import raw_mail

pytestmark = pytest.mark.live


@pytest.mark.parametrize("subject", [b"=?utf-8?q?abc=00def?=", b"abc\x00def"])
def test_a_nul_subject_over_imap_is_stored_and_the_next_mail_processed_in_the_same_pass(
    imap_app, dovecot, subject
) -> None:  # type: ignore[no-untyped-def]
    app, user = imap_app()
    dovecot.append_many(
        user,
        [
            raw_mail(subject=subject, message_id=b"<nul@clerk.example.vn>", n=1),
            raw_mail(message_id=b"<after@clerk.example.vn>", n=2),
        ],
    )
    run_daemon(app, once=True)
    with app.sessions() as s:
        poisoned, after = s.scalars(select(InboundMessage).order_by(InboundMessage.uid))
    assert poisoned.stage is Stage.PROCESSED, poisoned.error
    # an encoded NUL is replaced by U+FFFD; Dovecot itself turns a raw NUL into 0x80 on APPEND
    assert poisoned.subject in ("abc\ufffddef", "abc€def")
    assert (after.stage, after.disposition) == (Stage.PROCESSED, "registered"), after.error
    assert set(dovecot.uids(user, criteria="KEYWORD $DocketProcessed")) == {poisoned.uid, after.uid}
