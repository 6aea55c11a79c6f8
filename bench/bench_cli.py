"""How fast `docket tasks list` answers over 10,000 tasks, start-up included (subprocess, SQLite).

Prints the median wall time of several runs of each command next to `python -c pass` (bare interpreter
start-up) measured in the same run. Target: `docket tasks list` under 1 s.

    .venv/bin/python bench/bench_cli.py [--tasks 10000] [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def build_database(path: Path, tasks: int) -> str:
    """A migrated SQLite file with the sample units, one notice per 10 tasks, every task with a lead and a
    support."""
    from sqlalchemy import insert

    from rules.directory import parse_directory
    from service.store.db import make_engine, make_sessions
    from service.demo.build import sample_directory
    from service.store.models import Notice, Task, TaskUnit
    from service.store.schema import upgrade
    from service.store.stages import Role, TaskStatus
    from service.tasks.units import import_directory

    import yaml

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    directory = parse_directory(yaml.safe_load(sample_directory()))
    names = [u.name for u in directory.units]
    now = datetime(2026, 11, 25, 1, 30, tzinfo=timezone.utc)
    with make_sessions(engine).begin() as session:
        import_directory(session, directory)
        session.execute(
            insert(Notice),
            [
                {
                    "id": n + 1,
                    "identity_key": f"bench:{n}",
                    "number": f"{n + 1}/TB-SKHCN",
                    "doc_type": "Thông báo",
                    "issued_date": date(2026, 1, 1) + timedelta(days=n % 300),
                    "subject": f"Thông báo kết luận số {n + 1}",
                    "recipients": [],
                    "text": "",
                    "warnings": [],
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(tasks // 10 + 1)
            ],
        )
        statuses = [TaskStatus.OPEN] * 6 + [
            TaskStatus.DONE_ON_TIME,
            TaskStatus.DONE_LATE,
            TaskStatus.CANCELLED,
            TaskStatus.OPEN,
        ]
        session.execute(
            insert(Task),
            [
                {
                    "id": i + 1,
                    "notice_id": i // 10 + 1,
                    "seq": i % 10,
                    "status": statuses[i % 10],
                    "confidence": 0.9,
                    "text": f"Phòng số {i % 5} chủ trì rà soát, tổng hợp và báo cáo kết quả thực hiện nhiệm "
                            f"vụ số {i + 1} "
                    "theo kết luận của Giám đốc Sở.",
                    "deadline": date(2026, 1, 1) + timedelta(days=i % 400),
                    "original_deadline": date(2026, 1, 1) + timedelta(days=i % 400),
                    "needs_review": i % 17 == 0,
                    "manual": False,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(tasks)
            ],
        )
        session.execute(
            insert(TaskUnit),
            [
                row
                for i in range(tasks)
                for row in (
                    {"task_id": i + 1, "name": names[i % len(names)], "role": Role.LEAD, "known": True},
                    {
                        "task_id": i + 1,
                        "name": names[(i + 1) % len(names)],
                        "role": Role.SUPPORT,
                        "known": True,
                    },
                )
            ],
        )
    engine.dispose()
    return url


def timed(cmd: list[str], env: dict[str, str], runs: int) -> tuple[float, int]:
    """Median seconds over `runs` (after one warm-up run), and the bytes written to stdout."""
    subprocess.run(cmd, env=env, capture_output=True, check=True)
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
        size = len(done.stdout)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    docket = str(Path(python).with_name("docket"))
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        url = build_database(Path(folder) / "bench.db", args.tasks)
        print(f"database: {args.tasks} tasks built in {time.perf_counter() - started:.1f} s (SQLite)")
        env = {
            **os.environ,
            "DOCKET_DATABASE_URL": url,
            "DOCKET_CONFIG": str(Path(folder) / "absent.toml"),
            "COLUMNS": "160",
        }
        commands = [
            ("python -c pass", [python, "-c", "pass"]),
            ("docket --help", [docket, "--help"]),
            ("docket tasks list", [docket, "tasks", "list"]),
            ("docket tasks list --status overdue", [docket, "tasks", "list", "--status", "overdue"]),
            (f"docket tasks list --json (all {args.tasks})", [docket, "tasks", "list", "--json"]),
        ]
        print(f"{'command':45} {'median':>9} {'stdout':>10}   (runs: {args.runs})")
        results = {}
        for label, cmd in commands:
            seconds, size = timed(cmd, env, args.runs)
            results[label] = seconds
            print(f"{label:45} {seconds * 1000:7.0f} ms {size:>9,} B")
        listing = results["docket tasks list"]
        print(
            f"\n`docket tasks list` over {args.tasks} tasks: {listing:.2f} s "
            f"({'under' if listing < 1 else 'OVER'} the 1 s target); bare Python start-up "
            f"{results['python -c pass']:.2f} s"
        )


if __name__ == "__main__":
    main()
