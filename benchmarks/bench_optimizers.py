"""Microseconds per optimizer step against a minimal NumPy loop doing the same maths in place.

For each optimizer and parameter vectors of 25 values (the tutorial's network), 1,000 and 100,000:
``Optimizer.step(grad, lr, out)`` beside the same in-place ufunc calls written inline in a loop, with no
object around them (plain SGD's is today's update, ``np.multiply(gradient, lr, step)``). Both run in
this one process, interleaved in rounds so that a busy machine slows both alike; each figure is the
best round's. ratio = optimizer / minimal (lower is better; 1.00 is no overhead).
Run: python benchmarks/bench_optimizers.py
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnplayground.core import SGD, Adam, RMSProp  # noqa: E402

SIZES = (25, 1_000, 100_000)
LR = 0.01


# -- the same maths, inline: each returns a loop over `steps` steps --------------------------------
def minimal_sgd(n):
    out = np.empty(n)

    def loop(grad, steps):
        for _ in range(steps):
            np.multiply(grad, LR, out)
    return loop


def minimal_momentum(n, mu=0.9, nesterov=False):
    out, v = np.empty(n), np.zeros(n)

    def loop(grad, steps):
        for _ in range(steps):
            np.multiply(v, mu, v)
            np.add(v, grad, v)
            if nesterov:
                np.multiply(v, mu, out)
                np.add(out, grad, out)
                np.multiply(out, LR, out)
            else:
                np.multiply(v, LR, out)
    return loop


def minimal_rmsprop(n, rho=0.9, eps=1e-8):
    out, s = np.empty(n), np.zeros(n)

    def loop(grad, steps):
        for _ in range(steps):
            np.multiply(grad, grad, out)
            np.multiply(out, 1 - rho, out)
            np.multiply(s, rho, s)
            np.add(s, out, s)
            np.sqrt(s, out)
            np.add(out, eps, out)
            np.divide(grad, out, out)
            np.multiply(out, LR, out)
    return loop


def minimal_adam(n, beta1=0.9, beta2=0.999, eps=1e-8):
    out, m, v, tmp = np.empty(n), np.zeros(n), np.zeros(n), np.empty(n)
    t = 0

    def loop(grad, steps):
        nonlocal t
        for _ in range(steps):
            t += 1
            np.multiply(grad, 1 - beta1, tmp)
            np.multiply(m, beta1, m)
            np.add(m, tmp, m)
            np.multiply(grad, grad, tmp)
            np.multiply(tmp, 1 - beta2, tmp)
            np.multiply(v, beta2, v)
            np.add(v, tmp, v)
            np.divide(m, 1 - beta1 ** t, out)
            np.divide(v, 1 - beta2 ** t, tmp)
            np.sqrt(tmp, tmp)
            np.add(tmp, eps, tmp)
            np.divide(out, tmp, out)
            np.multiply(out, LR, out)
    return loop


def engine(make):
    def build(n):
        optimizer, out = make().bind(n), np.empty(n)
        step = optimizer.step

        def loop(grad, steps):
            for _ in range(steps):
                step(grad, LR, out)
        return loop
    return build


CASES = [
    ("SGD()", engine(SGD), minimal_sgd),
    ("SGD(momentum=0.9)", engine(lambda: SGD(0.9)), minimal_momentum),
    ("SGD(momentum=0.9, nesterov=True)", engine(lambda: SGD(0.9, True)), lambda n: minimal_momentum(n, nesterov=True)),
    ("RMSProp()", engine(RMSProp), minimal_rmsprop),
    ("Adam()", engine(Adam), minimal_adam),
]


def seconds(loop, grad, steps: int) -> float:
    start = time.perf_counter()
    loop(grad, steps)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="fewer steps (a smoke run)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'optimizer':34} {'parameters':>10} {'step µs':>9} {'minimal µs':>11} {'ratio':>6}")
    for name, make_ours, make_minimal in CASES:
        for n in SIZES:
            steps = max(20, 2_000_000 // (n + 100)) // (10 if args.quick else 1)
            grad = rng.normal(size=n)
            ours, minimal = make_ours(n), make_minimal(n)
            ours(grad, 10), minimal(grad, 10)  # warm up
            best_ours = best_minimal = float("inf")
            for _ in range(args.rounds):
                best_ours = min(best_ours, seconds(ours, grad, steps) / steps)
                best_minimal = min(best_minimal, seconds(minimal, grad, steps) / steps)
            ratio = best_ours / best_minimal
            print(f"{name:34} {n:10,} {best_ours * 1e6:9.2f} {best_minimal * 1e6:11.2f} {ratio:6.2f}")
    print("minimal = the same in-place ufunc calls inline, hyperparameters as Python floats; "
          "SGD()'s minimal is today's update, np.multiply(gradient, lr, step)")


if __name__ == "__main__":
    main()
