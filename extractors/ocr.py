"""OCR one rendered page image with the tesseract CLI (Vietnamese model), bounded by a timeout."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess


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
        proc = subprocess.run([exe, "stdin", "stdout", "-l", lang, "--psm", "3"], input=png,
                              capture_output=True, timeout=timeout, check=False, env=env)
    except subprocess.TimeoutExpired as err:
        raise OcrUnavailable(f"tesseract timed out after {timeout:.0f} s") from err
    except OSError as err:
        raise OcrUnavailable(f"tesseract could not run ({err})") from err
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise OcrUnavailable(f"tesseract failed: {tail[0]}")
    return proc.stdout.decode("utf-8", "replace")
