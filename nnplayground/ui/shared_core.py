"""While a run of a small network goes on, the window's thread and the training thread share one CPU core.

They never need to run at once: the worker waits while a frame is shown and painted (see frame_pacer), and
the window has little to do while the worker trains. Every frame hands the interpreter lock over twice, and
between two cores each handover wakes a core that sat idle for a slice, its caches gone cold: the window's
CPU time per frame was ~4.3 ms there, ~3.5 ms when the two threads took turns on one core, and training
kept 0.83-0.84 of its headless speed against 0.86-0.87 (2-core VM, Xvfb; README). A network whose iteration
is large (:attr:`Trainer.light` false) uses every core for its arithmetic and is left alone.

Linux only (``os.sched_setaffinity`` on a thread); elsewhere, with one allowed CPU, or with the environment
variable ``NNP_SHARED_CORE=0``, nothing changes. Each thread gets back the CPUs it had when the run ends.
A thread started while the window's thread is pinned inherits its one core: threads that do work of their
own (reading a table, autosaving, suggesting settings) call :func:`free_this_thread` first.
"""
from __future__ import annotations

import ctypes
import os
import threading

ENV = "NNP_SHARED_CORE"

# the CPUs this process may use, read before any thread is pinned
_ALL = frozenset(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else frozenset()


try:
    _sched_getcpu = ctypes.CDLL(None).sched_getcpu  # glibc and musl have it
except (AttributeError, OSError):
    _sched_getcpu = None


def _current_cpu() -> int | None:
    """The CPU the calling thread runs on now (None if the C library does not say)."""
    cpu = _sched_getcpu() if _sched_getcpu is not None else -1
    return cpu if cpu >= 0 else None


def available() -> bool:
    return hasattr(os, "sched_setaffinity") and len(_ALL) > 1 and os.environ.get(ENV, "1") != "0"


def free_this_thread() -> None:
    """Let the calling thread run on any of the process's CPUs (a thread started by a pinned one is pinned too)."""
    if available() and set(os.sched_getaffinity(0)) != _ALL:
        os.sched_setaffinity(0, _ALL)


class SharedCore:
    """One core for the window's thread and the worker's during a run: :meth:`share` (window), :meth:`join`
    (worker), :meth:`leave` (each, when the run ends)."""

    def __init__(self):
        self.cpu: int | None = None  # the core shared now, if any
        self._former: dict[int, set[int]] = {}  # thread id -> its CPUs before it was pinned
        self._lock = threading.Lock()

    def share(self) -> None:
        """The calling thread (the window's) stays on the core it is on now, until :meth:`leave`."""
        cpu = _current_cpu() if available() else None
        if cpu is None or cpu not in _ALL:
            return
        self._pin(cpu)
        self.cpu = cpu

    def join(self) -> None:
        """The calling thread (the worker's) runs on the core shared, if there is one, until :meth:`leave`."""
        cpu = self.cpu
        if cpu is not None:
            self._pin(cpu)

    def leave(self) -> None:
        """The calling thread gets back the CPUs it had before; the window's leaving ends the sharing."""
        with self._lock:
            former = self._former.pop(threading.get_ident(), None)
            if not self._former:
                self.cpu = None
        if former is not None:
            os.sched_setaffinity(0, former)

    def pinned(self) -> bool:
        """Is the calling thread on the shared core?"""
        return threading.get_ident() in self._former

    def _pin(self, cpu: int) -> None:
        with self._lock:
            self._former.setdefault(threading.get_ident(), set(os.sched_getaffinity(0)))
        os.sched_setaffinity(0, {cpu})
