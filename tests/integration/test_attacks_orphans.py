"""No OCR child outlives a killed daemon (issue 10, item 11 e).

A daemon killed with SIGKILL while tesseract read a page left tesseract running for 85 s (and the
sandbox child waiting on it). Here a real daemon-like parent runs the real OCR call through the real
sandbox; `tesseract` on its PATH is a stand-in that lists the 'vie' model and then sleeps, so the
read is still going when the parent is killed. Both the sandbox child and the OCR process must be
gone within a couple of seconds.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FAKE_TESSERACT = """#!/bin/sh
if [ "$1" = "--list-langs" ]; then echo "List of available languages (2):"; echo eng; echo vie; exit 0; fi
exec sleep 60
"""
PARENT = """
from extractors.ocr import ocr_png
from service.sandbox import Sandbox
Sandbox(timeout=120, memory_mb=512).run(ocr_png, b"a page", timeout=120.0)
"""


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state letter) of a live process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()
    return int(fields[1]), fields[0]


def _descendants(root: int) -> list[int]:
    parents = {int(p): s[0] for p in os.listdir("/proc") if p.isdigit() and (s := _stat(int(p))) is not None}
    found, frontier = [], {root}
    while frontier:
        children = {pid for pid, ppid in parents.items() if ppid in frontier}
        found += sorted(children)
        frontier = children
    return found


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    # a zombie has ended; only its parent has not collected it
    return stat is not None and stat[1] not in "ZX"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process-death signals are a Linux feature")
def test_the_ocr_child_and_the_sandbox_die_with_a_killed_daemon(tmp_path: Path) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "tesseract").write_text(FAKE_TESSERACT)
    (fake / "tesseract").chmod(0o755)
    env = dict(os.environ, PATH=f"{fake}:{os.environ['PATH']}", PYTHONPATH=str(REPO))
    parent = subprocess.Popen([sys.executable, "-c", PARENT], env=env, cwd=REPO)
    family: list[int] = []
    try:
        deadline, ocr = time.monotonic() + 20, []
        while time.monotonic() < deadline and not ocr:
            time.sleep(0.1)
            ocr = [
                p for p in _descendants(parent.pid) if Path(f"/proc/{p}/comm").read_text().strip() == "sleep"
            ]
        assert ocr, "the OCR stand-in never started"
        family = _descendants(parent.pid)  # the sandbox child and the OCR process
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline and any(_alive(p) for p in family):
            time.sleep(0.05)
        left = [p for p in family if _alive(p)]
        assert not left, f"processes outlived the killed daemon: {left}"
    finally:  # whatever is left, by the ids recorded (a red run must not leave a 60 s sleeper behind)
        for pid in [*family, *_descendants(parent.pid), parent.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
