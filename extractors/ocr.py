"""OCR one rendered page image with the tesseract CLI (Vietnamese model), bounded by a timeout."""
from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess

from extractors.lifetime import dies_with_this_process


class OcrUnavailable(Exception):
    """tesseract or its 'vie' model is not installed, or it failed on this image."""


@functools.lru_cache(maxsize=1)
def tesseract_languages() -> frozenset[str]:
    exe = shutil.which("tesseract")
    if not exe:
        return frozenset()
    try:
        proc = subprocess.run([exe, "--list-langs"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    lines = (proc.stdout + proc.stderr).decode("utf-8", "replace").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and " " not in line.strip())


def ocr_available() -> bool:
    return "vie" in tesseract_languages()


def ocr_png(png: bytes, *, timeout: float = 60.0, lang: str = "vie") -> str:
    """Text tesseract reads from a PNG image; raises OcrUnavailable when it cannot run."""
    exe = shutil.which("tesseract")
    if not exe or lang not in tesseract_languages():
        raise OcrUnavailable(f"tesseract with the '{lang}' model is not installed")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        code, out, err = _run_bounded(
            [exe, "stdin", "stdout", "-l", lang, "--psm", "3"], png, timeout=timeout, env=env
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrUnavailable(f"tesseract timed out after {timeout:.0f} s") from exc
    except OSError as exc:
        raise OcrUnavailable(f"tesseract could not run ({exc})") from exc
    if code != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise OcrUnavailable(f"tesseract failed: {tail[0]}")
    return out.decode("utf-8", "replace")


def _run_bounded(
    argv: list[str], data: bytes, *, timeout: float, env: dict[str, str]
) -> tuple[int, bytes, bytes]:
    """Run a tool in a process group of its own that dies with us; on timeout the whole group is killed.

    Its own group: a terminal's Ctrl-C meant for the daemon does not cut a page short, and a timeout
    takes whatever the tool started with it. PR_SET_PDEATHSIG: a SIGKILLed caller leaves no OCR behind.
    """
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        process_group=0,
        preexec_fn=dies_with_this_process(),
    )  # noqa: PLW1509 - a prctl call only
    try:
        out, err = proc.communicate(data, timeout=timeout)
    except BaseException:
        _kill_group(proc.pid)
        proc.wait()
        raise
    return proc.returncode, out, err


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
