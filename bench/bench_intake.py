"""Intake benchmarks on real servers (Dovecot + aiosmtpd on loopback, SQLite): prints the figures.

python bench/bench_intake.py latency [N=100]    APPEND → confirmation accepted by SMTP, IDLE mode (target p95
≤ 1.5 s)
python bench/bench_intake.py backlog [N=1000]   N queued notices through one pass (target ≤ 30 s)
python bench/bench_intake.py idle [N=100000]    one idle sync over N processed messages (target ≤ 50 ms)
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.live.mailgen import DOMAIN, notice_mail  # noqa: E402
from tests.servers import start_dovecot, start_smtp  # noqa: E402


def make_app(workdir: Path, **overrides):  # type: ignore[no-untyped-def]
    from service.config import load_settings
    from service.demo.build import sample_directory
    from service.store.schema import upgrade
    from service.wiring import build_app

    (workdir / "directory.yaml").write_text(sample_directory(), encoding="utf-8")
    settings = {
        "database_url": f"sqlite:///{workdir / 'docket.db'}",
        "directory": str(workdir / "directory.yaml"),
        "from_address": f"docket@{DOMAIN}",
        "allowed_senders": f"@{DOMAIN}",
        "smtp": f"maildir:{workdir / 'sent'}",
        **overrides,
    }
    app = build_app(load_settings(**settings))
    upgrade(app.engine)
    return app


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def latency(n: int) -> None:
    from service.runners.daemon import run_daemon

    dovecot, smtp = start_dovecot(), start_smtp()
    work = Path(tempfile.mkdtemp())
    try:
        user, _ = dovecot.user()
        app = make_app(
            work, mailbox=dovecot.url(user), imap_cafile=str(dovecot.cafile), smtp=smtp.url, poll_interval=60
        )
        stop = threading.Event()
        worker = threading.Thread(
            target=run_daemon, args=(app,), kwargs={"once": False, "stop": stop}, daemon=True
        )
        worker.start()
        time.sleep(1.0)
        samples = []
        for i in range(n):
            before = len(smtp.messages)
            t0 = time.monotonic()
            dovecot.append(user, notice_mail(i))
            t_append = time.monotonic()
            got = smtp.wait_for(before + 1, timeout=30)
            confirm = next(
                (m for m in got[before:] if any(r.startswith("van.thu@") for r in m.rcpt_tos)), None
            )
            while confirm is None and time.monotonic() - t0 < 30:
                got = smtp.wait_for(len(got) + 1, timeout=1)
                confirm = next(
                    (m for m in got[before:] if any(r.startswith("van.thu@") for r in m.rcpt_tos)), None
                )
            if confirm is None:
                raise SystemExit(f"message {i}: no confirmation within 30 s")
            samples.append(confirm.at - t_append)
            time.sleep(0.05)
        stop.set()
        worker.join(30)
        print(
            f"latency APPEND→confirmation accepted, IDLE, n={n}: p50 {statistics.median(samples):.3f} s, "
            f"p95 {pct(samples, 95):.3f} s, max {max(samples):.3f} s (target p95 ≤ 1.5 s)"
        )
    finally:
        smtp.controller.stop()  # type: ignore[attr-defined]
        dovecot.stop()


def backlog(n: int) -> None:
    from service.runners.daemon import run_daemon
    from sqlalchemy import func, select
    from service.store.models import InboundMessage, Notice

    dovecot, smtp = start_dovecot(), start_smtp()
    work = Path(tempfile.mkdtemp())
    try:
        user, _ = dovecot.user()
        t0 = time.monotonic()
        dovecot.append_many(user, [notice_mail(i) for i in range(n)])
        print(f"appended {n} notices in {time.monotonic() - t0:.1f} s")
        app = make_app(work, mailbox=dovecot.url(user), imap_cafile=str(dovecot.cafile), smtp=smtp.url)
        t0 = time.monotonic()
        run_daemon(app, once=True)
        elapsed = time.monotonic() - t0
        with app.sessions() as s:
            rows = s.scalar(select(func.count()).select_from(InboundMessage))
            notices = s.scalar(select(func.count()).select_from(Notice))
        print(
            f"backlog of {n}: {elapsed:.1f} s for one pass ({elapsed / n * 1000:.0f} ms/notice); "
            f"{rows} recorded, {notices} notices, {len(smtp.messages)} mails accepted by SMTP (target ≤ 30 s)"
        )
        # The relay sends at most 500 rows a pass so that intake is not starved; drain the rest and time it
        # all.
        from outbox.models import OutboxMessage, OutboxStatus

        while True:
            with app.sessions() as s:
                due = s.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.kind == "confirmation", OutboxMessage.status != OutboxStatus.SENT)
                )
            if not due:
                break
            run_daemon(app, once=True)
        total = time.monotonic() - t0
        confirmations = sum(1 for m in smtp.messages if any("van.thu" in r for r in m.rcpt_tos))
        print(
            f"until every confirmation was accepted by SMTP: {total:.1f} s; {confirmations} confirmations, "
            f"{len(smtp.messages)} mails in all"
        )
    finally:
        smtp.controller.stop()  # type: ignore[attr-defined]
        dovecot.stop()


def idle(n: int) -> None:
    """N already-processed messages (keyword set) written straight into the user's Maildir, rows in the DB."""
    import hashlib
    from datetime import datetime, timezone

    from sqlalchemy import insert

    from service.runners.intake import intake_once
    from service.mailbox import open_mailbox
    from service.store.models import InboundMessage
    from service.runners.one_pass import run_pass
    from service.store.stages import Stage

    dovecot = start_dovecot()
    work = Path(tempfile.mkdtemp())
    try:
        user, _ = dovecot.user()
        dovecot.append(user, notice_mail(0))  # creates the Maildir with the right owner
        maildir = dovecot.maildir(user)
        (maildir / "dovecot-keywords").write_text("0 $DocketProcessed\n")
        t0 = time.monotonic()
        body = notice_mail(1)
        for i in range(n - 1):
            (maildir / "cur" / f"{1700000000 + i}.M{i}P1.bench:2,Sa").write_bytes(body)
        os.system(f"chown -R nobody:nogroup {maildir}")
        print(f"wrote {n} processed messages in {time.monotonic() - t0:.1f} s")
        app = make_app(work, mailbox=dovecot.url(user), imap_cafile=str(dovecot.cafile))
        box = open_mailbox(app.settings.mailbox, settings=app.settings)
        t0 = time.monotonic()
        stored = intake_once(app, box)  # first sync: the server indexes the folder; one new message
        print(f"first sync (server indexes {n} messages): {time.monotonic() - t0:.2f} s, stored {stored}")
        validity = box.uidvalidity()
        now = datetime.now(timezone.utc)
        rows = [
            dict(
                mailbox=box.name,
                source_key=f"{validity}:{uid}",
                uidvalidity=validity,
                uid=uid,
                message_id=f"<b{uid}@x>",
                content_hash=hashlib.sha256(str(uid).encode()).hexdigest(),
                raw=b"x",
                size=1,
                received_at=now,
                stage=Stage.PROCESSED,
                attempts=1,
                marked_on_server=True,
            )
            for uid in range(2, n + 1)
        ]
        with app.sessions.begin() as s:
            for start in range(0, len(rows), 10000):
                s.execute(insert(InboundMessage), rows[start : start + 10000])
        intake_once(app, box)
        samples, passes = [], []
        for _ in range(20):
            t0 = time.perf_counter()
            assert intake_once(app, box) == 0
            samples.append(time.perf_counter() - t0)
        for _ in range(10):
            t0 = time.perf_counter()
            run_pass(app, box)
            passes.append(time.perf_counter() - t0)
        box.close()
        print(
            f"idle sync over {n} processed messages: intake median {statistics.median(samples) * 1000:.1f} "
            "ms, "
            f"max {max(samples) * 1000:.1f} ms; whole pass (intake+process+schedule+deliver) median "
            f"{statistics.median(passes) * 1000:.1f} ms (target ≤ 50 ms)"
        )
    finally:
        dovecot.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    size = int(sys.argv[2]) if len(sys.argv) > 2 else None
    if what in ("latency", "all"):
        latency(size or 100)
    if what in ("backlog", "all"):
        backlog(size or 1000)
    if what in ("idle", "all"):
        idle(size or 100000)
