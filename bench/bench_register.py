"""Registration benchmark: one notice with N directives through register_message (tasks, confirmation,
assignments).

  python bench/bench_register.py [N ...]          default: 1250 2500 5000 (SQLite, in a temporary folder)
  python bench/bench_register.py --profile 1250   the 15 most expensive calls

Extraction is not timed (it runs in the sandbox, under its own limit): this is the daemon's own
work after it, which must grow about linearly with the number of directives.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DOMAIN = "skhcn.binhminh.example.vn"
UNITS = (
    "Phòng Kế hoạch - Tài chính",
    "Phòng Quản lý công nghệ",
    "Văn phòng Sở",
    "Thanh tra Sở",
    "Trung tâm Chuyển đổi số",
)


def make_app(workdir: Path):  # type: ignore[no-untyped-def]
    from service.clock import FixedClock
    from service.config import load_settings
    from service.demo.build import sample_directory
    from service.store.schema import upgrade
    from service.wiring import build_app

    (workdir / "directory.yaml").write_text(sample_directory(), encoding="utf-8")
    settings = load_settings(
        database_url=f"sqlite:///{workdir / 'docket.db'}",
        directory=str(workdir / "directory.yaml"),
        from_address=f"docket@{DOMAIN}",
        allowed_senders=f"@{DOMAIN}",
        smtp=f"maildir:{workdir / 'sent'}",
        mailbox=f"maildir:{workdir / 'inbox'}",
    )
    app = build_app(settings, FixedClock(datetime(2026, 11, 25, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))))
    upgrade(app.engine)
    return app


def notice(n: int):  # type: ignore[no-untyped-def]
    """An extracted message carrying one notice of n directives, and its findings."""
    from extractors.base import EmailEnvelope, ExtractedMessage, ExtractedText
    from rules.findings import DocumentInfo, Findings, Source, TaskFinding

    lines = [
        f"{i + 1}. Giao {UNITS[i % 5]} chủ trì thực hiện nhiệm vụ số {i + 1} về rà soát hồ sơ, báo cáo "
        "trước ngày 30/12/2026."
        for i in range(n)
    ]
    text = "\n".join(lines)
    tasks, start = [], 0
    for i, line in enumerate(lines):
        tasks.append(
            TaskFinding(
                text=line[3:],
                lead=(UNITS[i % 5],),
                support=(UNITS[(i + 1) % 5],),
                deadline=date(2026, 12, 30),
                deadline_text="trước ngày 30/12/2026",
                recurrence=None,
                confidence=0.9,
                source=Source("body", start, start + len(line)),
            )
        )
        start += len(line) + 1
    info = DocumentInfo(
        number=f"{n}/TB-SKHCN",
        type="Thông báo",
        issuer="Sở Khoa học và Công nghệ",
        issued_date=date(2026, 11, 20),
    )
    envelope = EmailEnvelope(
        sender=f"van.thu@{DOMAIN}",
        sender_name=None,
        subject="Fwd: Thông báo",
        message_id=f"<bench{n}@x.vn>",
        in_reply_to=None,
        references=(),
        date=None,
    )
    doc = ExtractedText(text=text, part="body", kind="email-body")
    return ExtractedMessage(envelope=envelope, note="", documents=(doc,)), [Findings(info, tuple(tasks))]


def run(n: int) -> float:
    from service.store.models import InboundMessage
    from service.runners.process import register_message
    from service.store.stages import Stage
    from service.tasks.units import import_directory

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        message, findings = notice(n)
        now = app.clock.now()
        with app.sessions.begin() as session:
            import_directory(session, app.directory)
            row = InboundMessage(
                mailbox="bench",
                source_key="1",
                content_hash="0" * 64,
                raw=b"x",
                size=1,
                received_at=now,
                stage=Stage.RECEIVED,
                attempts=1,
            )
            session.add(row)
        started = time.perf_counter()
        with app.sessions.begin() as session:
            row = session.get(InboundMessage, row.id)
            outcome = register_message(app, session, row, message, findings, now=now)
        elapsed = time.perf_counter() - started
        assert len(outcome.task_ids) == n, outcome
        app.dispose()
    return elapsed


def main(argv: list[str]) -> None:
    if argv[:1] == ["--profile"]:
        profile = cProfile.Profile()
        profile.runcall(run, int(argv[1]) if len(argv) > 1 else 1250)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(15)
        return
    sizes = [int(a) for a in argv] or [1250, 2500, 5000]
    previous = None
    for n in sizes:
        seconds = run(n)
        growth = f"  ×{seconds / previous[1]:.1f} for ×{n / previous[0]:.1f} directives" if previous else ""
        print(f"{n:>6} directives: {seconds:7.2f} s  ({1000 * seconds / n:.2f} ms each){growth}", flush=True)
        previous = (n, seconds)


if __name__ == "__main__":
    main(sys.argv[1:])
