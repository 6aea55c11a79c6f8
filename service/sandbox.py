"""Run one untrusted parse (bytes → ExtractedMessage) in a forked child with a time and memory limit.

A zip bomb, a 5,000-page PDF or a parser stuck in a loop costs at most DOCKET_EXTRACT_TIMEOUT
seconds and DOCKET_EXTRACT_MEMORY_MB of extra memory, then becomes an ExtractionError for that one
message; the daemon goes on. Where fork is unavailable the parse runs in-process (limits by size only).
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import time
from collections.abc import Callable
from typing import Any

from extractors.base import ExtractionError


def _vm_size() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], extra_bytes: int) -> None:
    try:
        if extra_bytes > 0:
            limit = _vm_size() + extra_bytes
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        result: tuple[str, Any] = ("ok", fn(*args, **kwargs))
    except MemoryError:
        result = ("memory", None)
    except ExtractionError as err:
        result = ("error", str(err))
    except BaseException as err:  # noqa: BLE001 - anything the parser raises is this message's problem
        result = ("error", f"{type(err).__name__}: {err}")
    try:
        conn.send(result)
    except Exception as err:  # noqa: BLE001 - e.g. a result too large to pickle within the memory limit
        conn.send(("error", f"result could not be returned: {type(err).__name__}"))
    conn.close()


def run_limited(fn: Callable[..., Any], *args: Any, timeout: float, memory_mb: int, what: str = "reading the message",
                **kwargs: Any) -> Any:
    """fn(*args, **kwargs) in a child process; ExtractionError on timeout, memory exhaustion, crash or error."""
    if timeout <= 0 or "fork" not in multiprocessing.get_all_start_methods():
        return fn(*args, **kwargs)
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, kwargs, memory_mb * 1024 * 1024), daemon=True)
    proc.start()
    child.close()
    deadline = time.monotonic() + timeout
    try:
        if not parent.poll(max(0.0, deadline - time.monotonic())):
            raise ExtractionError(f"{what} took longer than {timeout:g} s (DOCKET_EXTRACT_TIMEOUT); stopped")
        try:
            status, value = parent.recv()
        except (EOFError, OSError):
            proc.join(5)
            code = proc.exitcode
            if code is not None and code < 0:
                raise ExtractionError(f"{what} was stopped by signal {-code} (likely over DOCKET_EXTRACT_MEMORY_MB={memory_mb})") from None
            raise ExtractionError(f"{what} crashed (exit status {code})") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if status == "ok":
        return value
    if status == "memory":
        raise ExtractionError(f"{what} needed more than {memory_mb} MB (DOCKET_EXTRACT_MEMORY_MB); stopped")
    raise ExtractionError(str(value))
