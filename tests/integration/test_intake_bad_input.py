"""Bad input: each case gets a recorded status and error, bounded time, the raw kept and a reply; the
daemon goes on."""

from __future__ import annotations

import mailbox
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from service.runners.daemon import run_daemon
from service.store.models import InboundMessage
from outbox.models import OutboxMessage
from service.store.stages import Stage
from tests.integration import badmail
from tests.live.mailgen import notice_mail


def _inbox(office: Path) -> mailbox.Maildir:
    os.makedirs(office / "mail", exist_ok=True)
    return mailbox.Maildir(str(office / "mail" / "inbox"), create=True)


CASES = {
    "malformed-mime": lambda: badmail.malformed_mime(1),
    "bad-charset": lambda: badmail.bad_charset(2),
    "corrupt-docx": lambda: badmail.mail_with(badmail.corrupt_docx(), "hong.docx", n=3),
    "encrypted-pdf": lambda: badmail.mail_with(
        badmail.encrypted_pdf(), "mat-khau.pdf", n=4, ctype="application/pdf"
    ),
    "truncated-pdf": lambda: badmail.mail_with(
        badmail.truncated_pdf(), "cut.pdf", n=5, ctype="application/pdf"
    ),
    "zip-bomb-docx": lambda: badmail.mail_with(badmail.zip_bomb_docx(), "bom.docx", n=6),
    "5000-page-pdf": lambda: badmail.mail_with(
        badmail.many_pages_pdf(5000), "dai.pdf", n=7, ctype="application/pdf"
    ),
    "50MB-attachment": lambda: badmail.mail_with(
        os.urandom(50 * 1024 * 1024), "lon.pdf", n=8, ctype="application/pdf"
    ),
    "no-notice": lambda: badmail.mail_with(None, n=9, body="Chào chị, hẹn gặp chiều nay.\n"),
}


@pytest.mark.slow
def test_every_bad_input_is_recorded_answered_and_bounded(make_app, office: Path, database_url: str) -> None:  # type: ignore[no-untyped-def]
    if not database_url.startswith("sqlite"):
        pytest.skip("the bad-input run checks the parsers and limits; it runs once, on SQLite")
    app = make_app(allowed_senders="@skhcn.binhminh.example.vn", extract_timeout=20, extract_memory_mb=512)
    box = _inbox(office)
    raws = {name: make() for name, make in CASES.items()}
    for name in CASES:
        box.add(raws[name])
    box.add(notice_mail(42))  # a good notice after all of them: the daemon must get to it
    box.close()
    started = time.monotonic()
    run_daemon(app, once=True)
    elapsed = time.monotonic() - started
    with app.sessions() as s:
        rows = {r.message_id: r for r in s.scalars(select(InboundMessage))}
        replies = list(
            s.scalars(select(OutboxMessage).where(OutboxMessage.kind.in_(("unreadable", "no-notice"))))
        )
    assert len(rows) == len(CASES) + 1
    from service.runners.intake import message_id_of

    by_case = {name: rows[message_id_of(raws[name])] for name in CASES}
    for name, row in by_case.items():
        assert row.stage in (Stage.FAILED, Stage.PROCESSED), (name, row.stage)
        if row.stage is Stage.PROCESSED:
            assert row.disposition in ("no-notice", "registered", "duplicate"), (name, row.disposition)
        assert (
            row.raw.replace(b"\r\n", b"\n") == raws[name].replace(b"\r\n", b"\n")
            and row.processed_at is not None
        )
    for name in (
        "corrupt-docx",
        "encrypted-pdf",
        "zip-bomb-docx",
        "5000-page-pdf",
        "50MB-attachment",
        "no-notice",
    ):
        row = by_case[name]
        assert row.error, f"{name}: no error recorded"
        assert row.disposition != "registered", name
    assert (
        "5000" in by_case["5000-page-pdf"].error
        or "trang" in by_case["5000-page-pdf"].error.lower()
        or "page" in by_case["5000-page-pdf"].error.lower()
    )
    assert len(replies) >= 6, [(r.subject) for r in replies]
    assert elapsed < 120, f"took {elapsed:.0f} s"
    good = next(r for r in rows.values() if r.message_id not in {message_id_of(raw) for raw in raws.values()})
    assert good.stage in (Stage.PROCESSED, Stage.FAILED) and good.processed_at is not None


def test_stuck_parser_is_stopped_by_the_time_limit() -> None:
    from extractors.base import ExtractionError
    from service.sandbox import run_limited

    def spin() -> None:
        while True:
            pass

    started = time.monotonic()
    with pytest.raises(ExtractionError, match="longer than 1 s"):
        run_limited(spin, timeout=1, memory_mb=256)
    assert time.monotonic() - started < 5


def test_memory_hog_is_stopped_by_the_memory_limit() -> None:
    from extractors.base import ExtractionError
    from service.sandbox import run_limited

    def hog() -> int:
        blocks = [bytearray(50 * 1024 * 1024) for _ in range(40)]  # 2 GB
        return len(blocks)

    with pytest.raises(ExtractionError, match="MB"):
        run_limited(hog, timeout=30, memory_mb=200)
    assert run_limited(len, b"abc", timeout=5, memory_mb=200) == 3
