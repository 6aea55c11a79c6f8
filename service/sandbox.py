"""Run untrusted parsing and analysis in a child process with a time and memory limit.

A zip bomb, a 5,000-page PDF or a parser stuck in a loop costs at most DOCKET_EXTRACT_TIMEOUT
seconds and DOCKET_EXTRACT_MEMORY_MB of extra memory, then becomes an ExtractionError for that one
message; the daemon goes on. Where fork is unavailable the parse runs in-process (limits by size only).
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable
from typing import Any

from extractors.base import ExtractionError
from extractors.lifetime import die_with_parent
from service.errors import InternalError


def _vm_size() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _outcome(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[str, Any]:
    """Run fn and say how it went: ok, memory, error (the input's fault) or bug (ours)."""
    try:
        return "ok", fn(*args, **kwargs)
    except MemoryError:
        return "memory", None
    except ExtractionError as err:
        return "error", str(err)
    except BaseException as err:  # noqa: BLE001 - anything the parser raises is this message's problem
        return "bug", f"{type(err).__name__}: {err}"


def _reply(conn: Any, result: tuple[str, Any]) -> None:
    try:
        conn.send(result)
    except Exception as err:  # noqa: BLE001 - e.g. a result too large to pickle within the memory limit
        conn.send(("error", f"result could not be returned: {type(err).__name__}"))


def _limit_memory(extra_bytes: int) -> None:
    if extra_bytes > 0:
        limit = _vm_size() + extra_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], extra_bytes: int,
           parent_pid: int) -> None:
    die_with_parent(parent_pid)
    _limit_memory(extra_bytes)
    _reply(conn, _outcome(fn, args, kwargs))
    conn.close()


def run_limited(
    fn: Callable[..., Any],
    *args: Any,
    timeout: float,
    memory_mb: int,
    what: str = "reading the message",
    **kwargs: Any,
) -> Any:
    """fn(*args, **kwargs) in a child process; ExtractionError on timeout, memory exhaustion, crash or
    error."""
    if timeout <= 0 or "fork" not in multiprocessing.get_all_start_methods():
        return fn(*args, **kwargs)
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_child, args=(child, fn, args, kwargs, memory_mb * 1024 * 1024, os.getpid()), daemon=True
    )
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
                raise ExtractionError(
                    f"{what} was stopped by signal {-code} (likely over DOCKET_EXTRACT_MEMORY_MB={memory_mb})"
                ) from None
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
    if status == "bug":
        raise InternalError(str(value))
    raise ExtractionError(str(value))


def _serve(conn: Any, parent_end: Any, extra_bytes: int, parent_pid: int) -> None:
    """The long-lived child: run one call at a time until the parent closes the pipe (or dies)."""
    # killed with the daemon even in the middle of a call (recv() alone notices only between calls)
    die_with_parent(parent_pid)
    parent_end.close()  # fork copied it: keeping it open would hide the parent's death from recv()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)  # the daemon's graceful-stop handlers were inherited by fork
    _limit_memory(extra_bytes)
    while True:
        try:
            fn, args, kwargs = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone (or closed us): nothing left to do
        result = _outcome(fn, args, kwargs)
        _reply(conn, result)
        if result[0] == "memory":
            return  # a child that ran out of memory is not trusted with another message


class Sandbox:
    """One reusable child process with the same limits as run_limited, without a fork per message.

    A call that times out, crashes the child or exhausts its memory kills the child; the next call
    starts a fresh one. A memory failure is retried once in a fresh child, so memory the child
    accumulated over earlier messages is never blamed on this one.
    """

    RECYCLE_AFTER = 500  # calls; bounds the growth of a long-lived child

    def __init__(self, *, timeout: float, memory_mb: int) -> None:
        self.timeout, self.memory_mb = timeout, memory_mb
        self._proc: Any = None
        self._conn: Any = None
        self._calls = 0

    @property
    def enabled(self) -> bool:
        return self.timeout > 0 and "fork" in multiprocessing.get_all_start_methods()

    def run(
        self, fn: Callable[..., Any], *args: Any, what: str = "reading the message", **kwargs: Any
    ) -> Any:
        """fn(*args, **kwargs) in the child (fn must be importable by name); ExtractionError on any
        failure."""
        if not self.enabled:
            return fn(*args, **kwargs)
        status, value = self._call(fn, args, kwargs, what)
        if status == "memory":
            status, value = self._call(fn, args, kwargs, what)
        if status == "ok":
            return value
        if status == "memory":
            raise ExtractionError(
                f"{what} needed more than {self.memory_mb} MB (DOCKET_EXTRACT_MEMORY_MB); stopped"
            )
        if status == "bug":
            raise InternalError(str(value))
        raise ExtractionError(str(value))

    def _call(
        self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], what: str
    ) -> tuple[str, Any]:
        if self._proc is None or not self._proc.is_alive() or self._calls >= self.RECYCLE_AFTER:
            self._start()
        self._calls += 1
        try:
            self._conn.send((fn, args, kwargs))
        except (
            BrokenPipeError,
            ConnectionResetError,
        ):  # the child died since the liveness check: one fresh try
            self._start()
            self._conn.send((fn, args, kwargs))
        if not self._conn.poll(self.timeout):
            self.close()
            raise ExtractionError(
                f"{what} took longer than {self.timeout:g} s (DOCKET_EXTRACT_TIMEOUT); stopped"
            )
        try:
            status, value = self._conn.recv()
        except (EOFError, OSError):
            self._proc.join(5)
            code = self._proc.exitcode
            self.close()
            if code is not None and code < 0:
                raise ExtractionError(
                    f"{what} was stopped by signal {-code} (likely over "
                    f"DOCKET_EXTRACT_MEMORY_MB={self.memory_mb})"
                ) from None
            raise ExtractionError(f"{what} crashed (exit status {code})") from None
        if status == "memory":
            self.close()
        return status, value

    def _start(self) -> None:
        self.close()
        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe(duplex=True)
        self._proc = ctx.Process(
            target=_serve, args=(child, self._conn, self.memory_mb * 1024 * 1024, os.getpid()), daemon=True
        )
        self._proc.start()
        child.close()
        self._calls = 0

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None
