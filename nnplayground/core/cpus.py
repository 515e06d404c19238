"""The CPUs this process may use, and a thread's way back to all of them.

A Linux thread inherits the CPU mask of the thread that starts it. While a small network trains, the window
pins its own thread and the worker's to one core (ui/shared_core.py); a thread started by either meanwhile
(the row pool's, a table being read, an autosave) calls :func:`free_this_thread` first, or it would stay on
that one core for good. Elsewhere than Linux there are no masks and nothing happens.
"""
from __future__ import annotations

import os

# read at import, before any thread of this process is pinned
ALL_CPUS = frozenset(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else frozenset()


def set_cpus(thread_id: int, cpus) -> bool:
    """Let the thread ``thread_id`` (a native id; 0: the calling thread) run on ``cpus`` only; False if the
    system refuses (a CPU gone offline, a container's cpuset) or has no masks: the thread keeps its own."""
    if not hasattr(os, "sched_setaffinity"):
        return False
    try:
        os.sched_setaffinity(thread_id, cpus)
    except OSError:
        return False
    return True


def cpus_of(thread_id: int = 0) -> frozenset[int]:
    """The CPUs the thread ``thread_id`` (0: the calling thread) may run on (every CPU where there are no masks)."""
    if not hasattr(os, "sched_getaffinity"):
        return ALL_CPUS
    try:
        return frozenset(os.sched_getaffinity(thread_id))
    except OSError:
        return ALL_CPUS


def free_threads_on(cpu: int) -> int:
    """Every thread of this process that may run on ``cpu`` only gets every CPU again (threads started by a pinned
    thread that could not free themselves: OpenBLAS's, started by its first large product, or Qt's); how many."""
    try:
        threads = [int(name) for name in os.listdir("/proc/self/task")]
    except (OSError, ValueError):
        return 0
    return sum(set_cpus(thread, ALL_CPUS) for thread in threads if cpus_of(thread) == {cpu})


def free_this_thread() -> None:
    """Let the calling thread run on every CPU of the process again (a thread started by a pinned one is pinned)."""
    if len(ALL_CPUS) > 1 and cpus_of() != ALL_CPUS:
        set_cpus(0, ALL_CPUS)
