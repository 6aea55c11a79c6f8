"""Child processes that end with their parent, so nothing outlives a killed daemon (Linux PR_SET_PDEATHSIG).

A daemon killed with SIGKILL runs no cleanup: its sandbox child and an OCR process it started went
on for up to a minute and a half. A child that asks the kernel for SIGKILL on its parent's death
cannot be forgotten that way. Elsewhere than Linux this does nothing (the limits still bound it).
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()  # looked up once, in the parent: a forked child only makes the call


def die_with_parent(parent_pid: int) -> None:
    """In a freshly forked child: be killed when the parent ends; end now if it already has.

    The signal follows the parent *thread* that forked: fork from the thread that lives as long as
    the child should.
    """
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the call above: no signal will come
        os._exit(1)


def dies_with_this_process() -> Callable[[], None]:
    """A Popen preexec_fn: the program it starts is killed when the caller ends (only a prctl call after
    fork)."""
    parent = os.getpid()
    return lambda: die_with_parent(parent)
