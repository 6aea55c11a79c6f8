"""One plumbing for every command: a wrong value or an un-migrated database is one line on stderr and exit
1."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path

import pytest

DOCKET = str(Path(sys.executable).with_name("docket"))

COMMANDS = [
    ["run", "--once", "--now", "garbage"],
    ["outbox", "list"],
    ["outbox", "show", "3"],
    ["outbox", "retry", "3"],
    ["tasks", "list"],
    ["messages", "list"],
    ["status", "--no-probe"],
]


def _docket(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update(
        DOCKET_DATABASE_URL=f"sqlite:///{tmp_path / 'never-upgraded.db'}",
        DOCKET_CONFIG="/nonexistent.toml",
        DOCKET_MAILBOX=f"maildir:{tmp_path / 'inbox'}",
        DOCKET_SMTP=f"maildir:{tmp_path / 'sent'}",
    )
    return subprocess.run([DOCKET, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_an_unmigrated_database_or_a_bad_value_is_one_line(args: list[str], tmp_path: Path) -> None:
    done = _docket(args, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("docket: ") for line in lines), done.stderr
    if args[0] != "status":  # status lists each reason it is unhealthy, one line each
        assert len(lines) == 1, done.stderr
    assert "db upgrade" in done.stderr or "garbage" in done.stderr


def test_extract_reports_a_malformed_setting_in_one_line(tmp_path: Path) -> None:
    """`docket extract` reads the daemon's directory and calendar: a malformed setting is not ignored."""
    notice = tmp_path / "notice.txt"
    notice.write_text("Giao Sở Tài chính chủ trì, báo cáo trước ngày 30/6/2025.", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update(DOCKET_CONFIG="/nonexistent.toml", DOCKET_POLL_INTERVAL="garbage")
    done = subprocess.run(
        [DOCKET, "extract", str(notice)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("docket: "), done.stderr
    assert "DOCKET_POLL_INTERVAL" in lines[0], done.stderr


class _App:
    disposed = 0

    def dispose(self) -> None:
        self.disposed += 1


@pytest.mark.parametrize("fails", [False, True], ids=["returns", "fails"])
def test_the_app_is_always_released(fails: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import service.wiring
    from service.cli.common import app_for

    for name in [k for k in os.environ if k.startswith("DOCKET_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("DOCKET_CONFIG", "/nonexistent.toml")
    opened = _App()
    monkeypatch.setattr(service.wiring, "build_app", lambda settings, clock=None: opened)
    with pytest.raises(RuntimeError) if fails else nullcontext():
        with app_for("2025-06-01T09:00") as application:
            assert application is opened
            if fails:
                raise RuntimeError("the command failed")
    assert opened.disposed == 1
