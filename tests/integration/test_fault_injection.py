"""SIGKILL the daemon at random points while it works through 200 queued notices: nothing lost, nothing
twice."""

from __future__ import annotations

import mailbox
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.store.models import InboundMessage, Notice, Task
from outbox.models import OutboxMessage
from service.store.stages import Stage
from tests.live.mailgen import notice_mail

DOCKET = str(Path(sys.executable).with_name("docket"))
N, KILLS = 200, 12


@pytest.mark.slow
def test_sigkill_at_random_points(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(allowed_senders="@skhcn.binhminh.example.vn")  # migrated database on this backend
    os.makedirs(office / "mail", exist_ok=True)
    box = mailbox.Maildir(str(office / "mail" / "inbox"), create=True)
    for i in range(N):
        box.add(notice_mail(i))
    box.close()
    st = app.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update(
        DOCKET_DATABASE_URL=st.database_url,
        DOCKET_MAILBOX=st.mailbox,
        DOCKET_SMTP=st.smtp,
        DOCKET_FROM=st.from_address,
        DOCKET_DIRECTORY=str(st.directory),
        DOCKET_ALLOWED_SENDERS=st.allowed_senders,
        DOCKET_CONFIG="/nonexistent.toml",
    )
    rnd = random.Random(20261125)
    clock = datetime(2026, 11, 25, 8, 0)
    kills = runs = 0
    while runs < 60:
        clock += timedelta(minutes=11)  # past the 10-minute lease a killed worker left behind
        proc = subprocess.Popen(
            [DOCKET, "run", "--once", "--now", clock.isoformat() + "+07:00"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        runs += 1
        if kills < KILLS:
            # Short enough that twelve kills land while work remains, even on a fast, idle machine.
            time.sleep(rnd.uniform(0.3, 2.0))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                kills += 1
                continue
        err = proc.communicate(timeout=600)[1].decode(errors="replace")
        assert proc.returncode == 0, err[-3000:]
        if kills >= KILLS and _all_done(app):
            break
    assert kills >= 10
    with app.sessions() as s:
        rows = list(s.scalars(select(InboundMessage)))
        assert len(rows) == N  # recorded exactly once
        assert len({r.message_id for r in rows}) == N
        assert Counter(r.stage for r in rows) == {Stage.PROCESSED: N}, Counter(
            (r.stage, r.error) for r in rows
        )
        assert s.scalar(select(func.count()).select_from(Notice)) == N  # nothing lost
        dup = s.execute(
            select(Task.notice_id, Task.fingerprint)
            .group_by(Task.notice_id, Task.fingerprint)
            .having(func.count() > 1)
        ).all()
        assert dup == []  # no task duplicated
        confirmations = list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "confirmation")))
        assert len(confirmations) == N and all(o.sent_at is not None for o in confirmations)
    inbox = mailbox.Maildir(str(office / "mail" / "inbox"), create=False)
    assert len(inbox) == 0 and len(inbox.get_folder("Processed")) == N  # each moved once, no copies
    sent = mailbox.Maildir(str(office / "mail" / "sent"), create=False)
    ids = Counter(m["Message-ID"] for m in sent)
    assert {o.message_id for o in confirmations} <= set(ids)


def _all_done(app) -> bool:  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        pending = s.scalar(
            select(func.count()).select_from(InboundMessage).where(InboundMessage.stage == Stage.RECEIVED)
        )
        total = s.scalar(select(func.count()).select_from(InboundMessage))
        unsent = s.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        )
    return total == N and pending == 0 and unsent == 0
