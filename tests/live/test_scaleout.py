"""Scale-out: three `docket run` processes, one PostgreSQL database, one Dovecot mailbox with 300 notices.

Each notice must be stored once, processed once (by one worker) and confirmed once; the work must
be shared; the workers' Prometheus endpoints and `docket status` must agree with the database.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.conftest import TZ, fresh_pg_database

pytestmark = [pytest.mark.live, pytest.mark.pg, pytest.mark.slow]

DOCKET = str(Path(sys.executable).parent / "docket")
DOMAIN = "skhcn.binhminh.example.vn"
FORWARDER = f"van.thu@{DOMAIN}"
UNITS = [
    "Phòng Kế hoạch - Tài chính",
    "Phòng Quản lý công nghệ",
    "Trung tâm Chuyển đổi số",
    "Thanh tra Sở",
    "Văn phòng Sở",
]
TOPICS = [
    "rà soát danh mục đề tài khoa học cấp tỉnh chuyển tiếp",
    "tổng hợp số liệu thống kê về đổi mới sáng tạo",
    "kiểm tra việc sử dụng kinh phí sự nghiệp khoa học",
    "xây dựng dự thảo quy chế quản lý nhiệm vụ khoa học",
    "cập nhật hồ sơ đo lường, chất lượng sản phẩm hàng hóa",
    "đánh giá kết quả chuyển đổi số tại các đơn vị",
]


def notice_text(i: int, when: datetime) -> str:
    """A short Thông báo kết luận in the office's usual shape; number, topic, units and dates vary with i."""
    lead, support = UNITS[i % len(UNITS)], UNITS[(i + 2) % len(UNITS)]
    topic, other = TOPICS[i % len(TOPICS)], TOPICS[(i + 3) % len(TOPICS)]
    issued = when.date() - timedelta(days=1 + i % 5)
    due = issued + timedelta(days=14 + i % 20)
    return (
        "UBND TỈNH BÌNH MINH\nSỞ KHOA HỌC VÀ CÔNG NGHỆ\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        f"Số: {500 + i}/TB-SKHCN\nBình Minh, ngày {issued.day} tháng {issued.month} năm {issued.year}\n\n"
        "THÔNG BÁO\n"
        f"Kết luận của Giám đốc Sở tại cuộc họp về việc {topic} (lần {i + 1})\n\n"
        f"Ngày {issued.day}/{issued.month}/{issued.year}, đồng chí Hoàng Đức Thành, Giám đốc Sở đã chủ trì "
        "cuộc họp "
        f"về việc {topic}. Sau khi nghe báo cáo, đồng chí Giám đốc Sở kết luận như sau:\n\n"
        f"1. Giao {lead} chủ trì, phối hợp với {support} {topic}, "
        f"báo cáo Giám đốc Sở trước ngày {due.day}/{due.month}/{due.year}.\n\n"
        f"2. {support} có trách nhiệm {other}, hoàn thành trong tháng {due.month}/{due.year}.\n\n"
        "Văn phòng Sở thông báo để các phòng, đơn vị biết, thực hiện./.\n\n"
        "Nơi nhận:\n- Giám đốc, các PGĐ Sở;\n- Các phòng, đơn vị thuộc Sở;\n- Lưu: VT, VP.\n\n"
        "TL. GIÁM ĐỐC\nCHÁNH VĂN PHÒNG\n\nTrần Thị Hồng Nhung\n"
    )


def notice_email(i: int, when: datetime, *, run: str = "t") -> tuple[str, bytes]:
    """(Message-ID, raw bytes) of a clerk forwarding notice i as the plain-text body."""
    msg = EmailMessage()
    msg["From"] = f"Văn thư Sở <{FORWARDER}>"
    msg["To"] = f"docket@{DOMAIN}"
    msg["Subject"] = f"Fwd: Thông báo kết luận số {500 + i}/TB-SKHCN"
    message_id = f"<notice-{run}-{i}@{DOMAIN}>"
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(when)
    msg.set_content("Kính gửi Văn phòng,\nEm chuyển thông báo để theo dõi.\n\n" + notice_text(i, when))
    return message_id, msg.as_bytes()


def worker_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update(
        {
            "DOCKET_CONFIG": "/nonexistent/docket.toml",
            "DOCKET_LOG_FORMAT": "json",
            "DOCKET_FROM": f"docket@{DOMAIN}",
        }
    )
    env.update({f"DOCKET_{k.upper()}": v for k, v in settings.items()})
    return env


@pytest.fixture
def pg_database(pg_server_url: str):  # type: ignore[no-untyped-def]
    """A database of its own on the test server (the workers use its public schema), dropped after."""
    with fresh_pg_database(pg_server_url) as url:
        yield url


def wait_until(predicate, timeout: float, what: str, interval: float = 0.5):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def scrape(port: int) -> dict[str, float]:
    """The docket_* samples of one worker's /metrics, keyed by name{labels}."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    samples = {}
    for line in text.splitlines():
        if line.startswith("docket_"):
            key, _, value = line.rpartition(" ")
            samples[key] = float(value)
    return samples


@pytest.mark.timeout(1200)
def test_three_workers_share_300_notices_without_duplicates(
    pg_database, dovecot, smtp_server, office: Path
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import Session

    from service.store.models import InboundMessage, Notice
    from outbox.models import OutboxMessage, OutboxStatus
    from service.store.stages import Stage
    from tests.servers import free_port

    count, now = 300, datetime.now(TZ)
    user, _ = dovecot.user()
    sent = dict(notice_email(i, now, run=user) for i in range(count))
    dovecot.append_many(user, list(sent.values()))
    ports = [free_port() for _ in range(3)]
    database = pg_database
    env = worker_env(
        database_url=database,
        mailbox=dovecot.url(user),
        imap_cafile=str(dovecot.cafile),
        smtp=smtp_server.url,
        directory=str(office / "directory.yaml"),
        poll_interval="1",
    )

    # Three entry points migrating at once: one takes the advisory lock, the others find nothing to do.
    upgrades = [
        subprocess.Popen([DOCKET, "db", "upgrade"], env=env, cwd=office, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    for proc in upgrades:
        assert proc.wait(120) == 0, proc.stderr.read() if proc.stderr else ""

    logs = [office / f"worker-{n}.log" for n in range(3)]
    workers = [
        subprocess.Popen(
            [DOCKET, "run"],
            env={**env, "DOCKET_METRICS_PORT": str(port)},
            cwd=office,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        for port, log in zip(ports, logs)
    ]
    engine = create_engine(database)
    started = time.monotonic()
    try:

        def finished() -> bool:
            for proc, log in zip(workers, logs):
                assert proc.poll() is None, (
                    f"a worker exited with {proc.returncode}:\n{log.read_text()[-3000:]}"
                )
            with Session(engine) as s:
                stored = s.scalar(select(func.count()).select_from(InboundMessage))
                open_ = s.scalar(
                    select(func.count())
                    .select_from(InboundMessage)
                    .where(InboundMessage.stage == Stage.RECEIVED)
                )
                unsent = s.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.kind == "confirmation", OutboxMessage.status != OutboxStatus.SENT)
                )
                confirmed = s.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.kind == "confirmation")
                )
            return stored == count and open_ == 0 and confirmed >= count and unsent == 0

        wait_until(finished, 900, "300 notices processed and confirmed")
        elapsed = time.monotonic() - started
        metrics = [scrape(port) for port in ports]
        status = subprocess.run(
            [DOCKET, "status", "--json"], env=env, cwd=office, capture_output=True, text=True, timeout=60
        )
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(120) for proc in workers]
    print(f"\n300 notices, 3 workers: {elapsed:.1f} s to process and confirm all")

    assert codes == [0, 0, 0], [log.read_text()[-2000:] for log in logs]
    with Session(engine) as s:
        rows = s.scalars(select(InboundMessage)).all()
        notices = s.scalar(select(func.count()).select_from(Notice))
        confirmations = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "confirmation")).all()
    engine.dispose()

    # Stored once, processed once.
    assert len(rows) == count and {r.message_id for r in rows} == set(sent)
    assert len({r.source_key for r in rows}) == count
    assert Counter((r.stage, r.disposition) for r in rows) == {(Stage.PROCESSED, "registered"): count}
    assert all(r.attempts == 1 and r.lease_owner is None for r in rows)
    assert notices == count
    # Confirmed once: one outbox row per notice, and exactly one mail per notice on the wire.
    assert len(confirmations) == count and all(c.status is OutboxStatus.SENT for c in confirmations)
    to_forwarder = [m.message() for m in smtp_server.messages if m.rcpt_tos == [FORWARDER]]
    assert Counter(m["In-Reply-To"] for m in to_forwarder) == Counter({mid: 1 for mid in sent})
    all_ids = [m.message()["Message-ID"] for m in smtp_server.messages]
    assert len(set(all_ids)) == len(all_ids)  # nothing sent twice
    # Every message marked on the server.
    assert len(dovecot.uids(user, criteria=["KEYWORD", "$DocketProcessed"])) == count

    # The work was shared, and each message was handled by exactly one worker (from the JSON logs).
    handled: Counter[int] = Counter()
    per_worker = []
    for log in logs:
        mine = set()
        for line in log.read_text().splitlines():
            entry = json.loads(line)
            if entry["logger"] == "docket.process" and entry["msg"].endswith("(registered)"):
                assert entry["message_id"] in sent and entry["notice_id"] and entry.get("task_ids")
                mine.add(entry["inbound_id"])
        per_worker.append(len(mine))
        handled.update(mine)
    print(f"messages per worker: {per_worker}")
    assert sum(per_worker) == count and set(handled.values()) == {1}
    assert sum(1 for n in per_worker if n > 0) >= 2, per_worker

    # Metrics agree with the database, summed over the three workers.
    key = 'docket_messages_ingested_total{disposition="registered",stage="processed"}'
    assert sum(m.get(key, 0) for m in metrics) == count
    assert sum(m.get("docket_messages_stored_total", 0) for m in metrics) == count
    assert sum(m.get("docket_extraction_seconds_count", 0) for m in metrics) == count
    assert sum(m.get("docket_tasks_created_total", 0) for m in metrics) >= count
    assert sum(m.get("docket_outbox_sent_total", 0) for m in metrics) >= count

    report = json.loads(status.stdout)
    assert status.returncode == 0, status.stderr
    assert report["healthy"] and report["backlog"] == 0 and report["mailbox_reachable"] is True
