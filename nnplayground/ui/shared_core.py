"""While a run of a small network goes on, the window's thread and the training thread share one CPU core.

They never need to run at once: the worker waits while a frame is shown and painted (see frame_pacer), and the
window has little to do while the worker trains. Every frame hands the interpreter lock over twice, and between
two cores each handover wakes a core that sat idle for a slice, its caches gone cold: under Xvfb on a 2-core VM
the window's CPU time per frame was ~4.3 ms, ~3.5 ms when the two threads took turns on one core, and training
kept 0.83-0.84 of its headless speed against 0.86-0.87 (README). A network whose iteration is large
(:attr:`Trainer.light` false) uses every core for its arithmetic and is left alone.

The worker decides, at the start of each run (it owns the trainer): :meth:`SharedCore.share` pins both threads
to the core it is on, by their thread ids; :meth:`SharedCore.end` gives each its former CPUs back, whichever
thread calls it (the worker when its run ends, the window when it learns so, or closes). Linux only; with one
allowed CPU, where the system refuses a mask, or with ``NNP_SHARED_CORE=0``, nothing changes. Threads started
while a thread is pinned inherit its one core: those that work on their own call ``core.cpus.free_this_thread``;
the others (OpenBLAS's, started by its first large product, Qt's) get every CPU back when the run ends.
"""
from __future__ import annotations

import ctypes
import os
import threading

from ..core.cpus import ALL_CPUS, cpus_of, free_threads_on, set_cpus

ENV = "NNP_SHARED_CORE"

try:
    _sched_getcpu = ctypes.CDLL(None).sched_getcpu  # glibc and musl have it
except Exception:  # noqa: BLE001 - Windows refuses CDLL(None) (TypeError), macOS has no sched_getcpu
    _sched_getcpu = None


def _current_cpu() -> int | None:
    """The CPU the calling thread runs on now (None if the C library does not say)."""
    cpu = _sched_getcpu() if _sched_getcpu is not None else -1
    return cpu if cpu in ALL_CPUS else None


def available() -> bool:
    return _sched_getcpu is not None and len(ALL_CPUS) > 1 and os.environ.get(ENV, "1") != "0"


class SharedCore:
    """Made on the window's thread, which it remembers; :meth:`share` is called on the worker's."""

    def __init__(self):
        self.cpu: int | None = None  # the core shared now, if any
        self._window = threading.get_native_id()
        self._former: dict[int, frozenset[int]] = {}  # thread id -> its CPUs before
        self._lock = threading.Lock()

    def share(self) -> None:
        """The calling thread (the worker's) and the window's stay on the core the caller is on, until :meth:`end`."""
        cpu = _current_cpu() if available() else None
        if cpu is None:
            return
        with self._lock:
            for thread in (threading.get_native_id(), self._window):
                former = self._former.get(thread) or cpus_of(thread)
                if set_cpus(thread, {cpu}):
                    self._former[thread] = former
            self.cpu = cpu if self._former else None

    def end(self) -> None:
        """Both threads get back the CPUs they had, and so does any thread started meanwhile by one of them (a
        no-op when nothing is shared)."""
        with self._lock:
            cpu = self.cpu
            for thread, former in self._former.items():
                set_cpus(thread, former)
            self._former.clear()
            self.cpu = None
            if cpu is not None:
                free_threads_on(cpu)  # OpenBLAS starts its threads at its first large product: maybe during a run
