"""`docket demo` on a fresh folder: tasks printed, one confirmation written; a second run adds nothing."""
from __future__ import annotations

import mailbox
import sqlite3
import subprocess
import sys
from pathlib import Path

DOCKET = Path(sys.executable).with_name("docket")


def _run_demo(cwd: Path) -> str:
    result = subprocess.run([str(DOCKET), "demo"], cwd=cwd, capture_output=True, text=True, timeout=180,
                            env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _counts(folder: Path) -> tuple[int, int, int]:
    with sqlite3.connect(folder / "docket.db") as conn:
        tasks = conn.execute("SELECT count(*) FROM tasks").fetchone()[0]
        outbox = conn.execute("SELECT count(*) FROM outbox_messages").fetchone()[0]
    sent = len(mailbox.Maildir(str(folder / "mail" / "sent"), create=False))
    return tasks, outbox, sent


def test_demo_runs_from_any_directory_and_is_idempotent(tmp_path: Path) -> None:
    out = _run_demo(tmp_path)
    folder = tmp_path / "docket-demo"
    assert "Phòng Kế hoạch - Tài chính" in out and "30/11/2026" in out
    assert "Confirmation to van.thu@skhcn.binhminh.example.vn" in out and str(folder / "mail" / "sent") in out
    tasks, outbox, sent = _counts(folder)
    assert tasks >= 5
    confirmations = [m for m in mailbox.Maildir(str(folder / "mail" / "sent"), create=False)
                     if "van.thu@skhcn.binhminh.example.vn" in str(m["To"])]
    assert len(confirmations) == 1

    _run_demo(tmp_path)
    assert _counts(folder) == (tasks, outbox, sent)
