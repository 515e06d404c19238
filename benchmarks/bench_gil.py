"""How the worker and the window share Python's interpreter lock while training runs, without Qt.

A thread trains (Trainer.run in slices, as the window's worker does) while the main thread wakes every
20 ms to run a little Python (~0.1 ms of work, like a timer or a hover event of the window). For each
switch interval (sys.setswitchinterval) it prints how late the main thread gets to run (its wait for
the lock), and the training speed against training alone. Two references show the mechanism: a loop
of tiny `a @ b` (matmul, like most NumPy calls on small arrays, holds the lock: the other thread waits
until the interpreter forces a switch, one interval) and of tiny `np.dot(a, b, out)` (which releases
the lock on every call, however small: BLAS is called with the lock released). The engine's layers
are np.dot, so the window gets the lock within microseconds whatever the interval.
`python benchmarks/bench_gil.py`
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from nnplayground.core import TrainingConfig  # noqa: E402

TICK = 0.020  # the main thread's wake-ups
WORK = 0.0001  # the Python it runs at each


class Loop:
    """A reference 'trainer': ``run(n)`` does n × 10 calls of ``op``."""

    def __init__(self, op):
        self.op = op

    def run(self, n):
        op = self.op
        for _ in range(n * 10):
            op()

    def make_trainer(self, _table):
        return self


def cases():
    from cases import tables

    a, b, out = np.random.rand(4, 3), np.random.rand(3, 4), np.empty((4, 4))
    yield "reference: tiny a @ b", None, Loop(lambda: a @ b)
    yield "reference: tiny np.dot", None, Loop(lambda: np.dot(a, b, out))
    for name, table, hidden, _ in tables(quick=True):
        if "XOR" in name:
            continue  # as the tutorial's
        config = TrainingConfig(hidden=(int(hidden),), learning_rate=0.01 if table.n_rows > 4 else 1.0)
        yield name, table, config


def train_for(trainer, seconds: float) -> float:
    """Iterations per second, in slices of ~1/30 s as the worker trains."""
    done, start = 0, time.perf_counter()
    count = 64
    while time.perf_counter() - start < seconds:
        t = time.perf_counter()
        trainer.run(count)
        done += count
        count = max(1, int(count / max(time.perf_counter() - t, 1e-6) / 30))
    return done / (time.perf_counter() - start)


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def with_ticks(trainer, seconds: float) -> tuple[float, list[float]]:
    late: list[float] = []
    result = []
    worker = threading.Thread(target=lambda: result.append(train_for(trainer, seconds)))
    worker.start()
    due = time.perf_counter() + TICK
    while worker.is_alive():
        time.sleep(max(0.0, due - time.perf_counter()))
        late.append(time.perf_counter() - due)  # the sleep ended at `due`; the rest waited for the lock
        busy(WORK)
        due += TICK
    worker.join()
    return result[0], late


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--intervals", default="5,2,1,0.5", help="switch intervals to try, in ms")
    args = parser.parse_args()
    intervals = [float(v) / 1000 for v in args.intervals.split(",")]
    print(f"{'case':24} {'switch':>7} {'alone it/s':>11} {'with ticks':>11} {'ratio':>6} {'median late':>12}"
          f" {'p99 late':>9} {'most':>7}")
    for name, table, config in cases():
        for interval in intervals:
            sys.setswitchinterval(interval)
            alone = max(train_for(config.make_trainer(table), args.seconds / 2) for _ in range(2))
            rate, late = with_ticks(config.make_trainer(table), args.seconds)
            late_ms = np.array(late) * 1000
            print(f"{name:24} {interval * 1000:5.1f}ms {alone:11,.0f} {rate:11,.0f} {rate / alone:6.2f}"
                  f" {np.median(late_ms):9.2f} ms {np.percentile(late_ms, 99):6.2f} ms {late_ms.max():4.1f} ms",
                  flush=True)
    sys.setswitchinterval(0.005)


if __name__ == "__main__":
    main()
