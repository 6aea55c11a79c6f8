"""The daemon's own peak memory while it takes in and triages one 40 MB mail from an outsider (issue 10,
item 3).

  python bench/bench_memory.py [--before REF] [--mb 38] [--database-url URL]

Each measurement runs in a fresh process (peak RSS only ever grows): intake_once + process_pending
over a Maildir holding one mail of about --mb MB (random bytes attached as a PDF) from a sender
outside DOCKET_ALLOWED_SENDERS. Printed: the peak RSS growth over the process after start-up
(resource.getrusage, the sandbox child not counted) and the tracemalloc peak of Python allocations.
"after" is this checkout; "before" is REF (default main) exported with `git archive` when given.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
FILE = Path(__file__).resolve()
DOMAIN = "skhcn.binhminh.example.vn"
PACKAGES = ("service", "extractors", "rules", "outbox")


def deliver(work: Path, megabytes: float) -> None:
    """The mail in a Maildir of its own, written by the parent (building it here would raise the child's
    peak)."""
    import mailbox

    from tests.integration.badmail import outsider_mail

    box = mailbox.Maildir(str(work / "inbox"), create=True)
    box.add(outsider_mail(megabytes))
    box.close()


def measure(work: Path, database_url: str | None) -> dict[str, float | str]:
    """In this process: an office in `work`, whose inbox holds the mail; intake + triage it under
    measurement."""
    import resource
    import time
    import tracemalloc

    from service.config import load_settings
    from service.demo.build import sample_directory
    from service.runners.intake import intake_once
    from service.mailbox import open_mailbox
    from service.store.models import InboundMessage
    from service.runners.process import process_pending
    from service.store.schema import upgrade
    from service.wiring import build_app

    (work / "directory.yaml").write_text(sample_directory(), encoding="utf-8")
    app = build_app(
        load_settings(
            database_url=database_url or f"sqlite:///{work / 'docket.db'}",
            directory=str(work / "directory.yaml"),
            mailbox=f"maildir:{work / 'inbox'}",
            smtp=f"maildir:{work / 'sent'}",
            from_address=f"docket@{DOMAIN}",
            allowed_senders=f"@{DOMAIN}",
            extract_timeout=60,
        )
    )
    upgrade(app.engine)
    mbox = open_mailbox(app.settings.mailbox, settings=app.settings)
    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    started = time.perf_counter()
    intake_once(app, mbox)
    process_pending(app)
    elapsed = time.perf_counter() - started
    _, py_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with app.sessions() as session:
        from sqlalchemy import select

        stage, disposition, raw_size = session.execute(
            select(InboundMessage.stage, InboundMessage.disposition, InboundMessage.size)
        ).one()
    mbox.close()
    app.dispose()
    return {
        "mail_mb": raw_size / 1e6,
        "outcome": f"{stage.value}/{disposition}",
        "seconds": elapsed,
        "rss_start_mb": rss_start,
        "rss_peak_mb": rss_peak,
        "rss_growth_mb": rss_peak - rss_start,
        "python_peak_mb": py_peak / 1e6,
    }


def run_child(code_root: Path, args: argparse.Namespace) -> dict[str, float | str]:
    """One measurement in a fresh interpreter that imports the packages from `code_root`."""
    with tempfile.TemporaryDirectory() as tmp:
        deliver(Path(tmp), args.mb)
        cmd = [sys.executable, str(FILE), "--child", tmp]
        if args.database_url:
            cmd += ["--database-url", args.database_url]
        out = subprocess.run(
            cmd,
            cwd=code_root,
            capture_output=True,
            text=True,
            check=True,
            env=dict(os.environ, PYTHONPATH=str(code_root)),
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def export(ref: str, into: Path) -> Path:
    """The packages of `ref`, as they were committed, in a folder of their own."""
    archive = subprocess.run(
        ["git", "archive", ref, *PACKAGES], cwd=REPO, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--before", metavar="REF", help="also measure this git ref (e.g. main) for comparison"
    )
    parser.add_argument(
        "--mb", type=float, default=38.0, help="mail size in MB (the default limit is 40 MiB)"
    )
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, os.getcwd())  # the code measured (this checkout or the exported ref), before REPO
        print(json.dumps(measure(Path(args.child), args.database_url)))
        return
    runs = {}
    if args.before:
        with tempfile.TemporaryDirectory() as tmp:
            runs[f"before ({args.before})"] = run_child(export(args.before, Path(tmp)), args)
    runs["after (this checkout)"] = run_child(REPO, args)
    print(
        f"{'code':<24} {'mail MB':>8} {'outcome':<22} {'s':>6} {'RSS growth MB':>14} {'RSS peak MB':>12} "
        f"{'py peak MB':>11}"
    )
    for name, r in runs.items():
        print(
            f"{name:<24} {r['mail_mb']:>8.1f} {r['outcome']:<22} {r['seconds']:>6.2f} "
            f"{r['rss_growth_mb']:>14.0f} "
            f"{r['rss_peak_mb']:>12.0f} {r['python_peak_mb']:>11.0f}"
        )


if __name__ == "__main__":
    main()
