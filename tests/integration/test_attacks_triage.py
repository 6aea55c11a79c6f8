"""Header-first triage (issue 10, item 3): an outsider's or a looping mail is set aside from its headers
alone.

Before this, every attachment was parsed (OCR included) before the sender was looked at: a 35 KB mail
of 200 blank A3 pages from a stranger held the only worker for about 100 s. Now the sender and the
loop signs are read from the header block; such a mail is quarantined (or ignored) without the
sandbox ever starting, and parsed only once an admin releases it.
"""

from __future__ import annotations

import time
from email.message import EmailMessage

from sqlalchemy import select

from service.runners.daemon import run_daemon
from service.store.models import InboundMessage
from service.admin.quarantine import release
from service.store.stages import Stage
from tests.integration.attackmail import D, deliver_to_maildir, raw_mail
from tests.integration.badmail import blank_scan_pdf, outsider_mail

STRANGER = "someone@unknown-sender.example"


def _scan_mail(sender: str = STRANGER, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, f"docket@{D}", "Fwd: Cong van scan"
    msg["Message-ID"] = "<scan200@unknown-sender.example>"
    for name, value in headers.items():
        msg[name] = value
    msg.set_content("Gửi anh chị văn bản scan.\n")
    msg.add_attachment(blank_scan_pdf(200), maintype="application", subtype="pdf", filename="scan.pdf")
    return msg.as_bytes()


def _only_row(app) -> InboundMessage:  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        (row,) = s.scalars(select(InboundMessage))
        return row


def _sandbox_started(app) -> bool:  # type: ignore[no-untyped-def]
    """The sandbox is built on first use (a cached property): absent means nothing was parsed."""
    return "sandbox" in app.__dict__


def test_an_outsiders_200_page_blank_scan_is_quarantined_in_under_a_second_unparsed(make_app, office) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders=f"@{D}")
    deliver_to_maildir(office, [_scan_mail()])
    started = time.perf_counter()
    run_daemon(app, once=True)
    elapsed = time.perf_counter() - started
    row = _only_row(app)
    assert (row.stage, row.disposition) == (Stage.QUARANTINED, "sender")
    assert STRANGER in (row.error or "")
    assert not _sandbox_started(app), "the attachments were parsed before the sender was checked"
    assert elapsed < 1.0, f"quarantining took {elapsed:.2f} s"


def test_an_auto_reply_carrying_a_scan_is_ignored_unparsed(make_app, office) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders=f"@{D}")
    deliver_to_maildir(office, [_scan_mail(f"van.thu@{D}", **{"Auto-Submitted": "auto-replied"})])
    run_daemon(app, once=True)
    row = _only_row(app)
    assert (row.stage, row.disposition) == (Stage.IGNORED, "auto-submitted")
    assert not _sandbox_started(app)


def test_a_quarantined_mail_is_parsed_once_an_admin_releases_it(make_app, office) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders=f"@{D}")
    deliver_to_maildir(
        office, [raw_mail(sender=STRANGER.encode(), message_id=b"<stranger-notice@unknown-sender.example>")]
    )
    run_daemon(app, once=True)
    row = _only_row(app)
    assert row.stage is Stage.QUARANTINED and not _sandbox_started(app)
    with app.sessions.begin() as s:
        release(s, row.id, actor="admin", now=app.clock.now())
    run_daemon(app, once=True)
    row = _only_row(app)
    assert (row.stage, row.disposition) == (Stage.PROCESSED, "registered")
    assert _sandbox_started(app)


def test_a_large_outsiders_mail_is_held_once_in_the_daemon(make_app, office) -> None:  # type: ignore[no-untyped-def]
    """Intake and triage of a 20 MB mail hold about one copy of it (before: ~9 copies, e.g. headers parsed
    from all of it)."""
    import tracemalloc

    from service.runners.intake import intake_once
    from service.mailbox import open_mailbox
    from service.runners.process import process_pending

    app = make_app(allowed_senders=f"@{D}")
    raw = outsider_mail(20)
    deliver_to_maildir(office, [raw])
    size = len(raw)
    del raw
    mailbox = open_mailbox(app.settings.mailbox, settings=app.settings)
    tracemalloc.start()
    try:
        intake_once(app, mailbox)
        process_pending(app)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        mailbox.close()
    assert peak < 1.5 * size, f"peak {peak / 1e6:.0f} MB of Python memory for a {size / 1e6:.0f} MB mail"
    assert _only_row(app).stage is Stage.QUARANTINED and not _sandbox_started(app)
