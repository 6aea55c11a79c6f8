"""The reusable sandbox child: one process for many messages, fresh after a timeout, crash or memory
blow-up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractors.base import ExtractionError
from service.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]


def sleep_for(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def child_pid() -> int:
    return os.getpid()


def die() -> None:
    os._exit(3)


def hog_memory() -> int:
    blocks = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GB: over any limit set here
    return len(blocks)


def test_one_child_serves_many_calls() -> None:
    box = Sandbox(timeout=10, memory_mb=256)
    try:
        pids = {box.run(child_pid) for _ in range(5)}
        assert len(pids) == 1 and os.getpid() not in pids
    finally:
        box.close()


def test_timeout_kills_the_child_and_the_next_call_gets_a_fresh_one() -> None:
    box = Sandbox(timeout=0.5, memory_mb=256)
    try:
        first = box.run(child_pid)
        with pytest.raises(ExtractionError, match="took longer than 0.5 s"):
            box.run(sleep_for, 5)
        assert box.run(child_pid) != first
    finally:
        box.close()


def test_crash_and_memory_exhaustion_become_extraction_errors() -> None:
    box = Sandbox(timeout=20, memory_mb=200)
    try:
        with pytest.raises(ExtractionError, match="crashed"):
            box.run(die)
        with pytest.raises(ExtractionError, match="200 MB"):
            box.run(hog_memory)
        assert box.run(len, b"abc") == 3
    finally:
        box.close()


def test_child_exits_when_its_parent_is_killed() -> None:
    script = (
        "import os, sys; sys.path.insert(0, %r)\n"
        "from service.sandbox import Sandbox\n"
        "from tests.unit.test_sandbox import child_pid\n"
        "box = Sandbox(timeout=5, memory_mb=256); print(box.run(child_pid), flush=True); os._exit(0)\n"
    ) % str(REPO)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=REPO)
    pid = int(out.stdout.strip())
    for _ in range(50):
        if not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]:
            return
        time.sleep(0.1)
    pytest.fail(f"sandbox child {pid} outlived its parent")
