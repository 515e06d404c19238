"""Iterations per second of nnplayground's Trainer against the tutorial's naive class.

Both start from the same weights and run in this one process, interleaved in rounds so that a busy
machine slows both alike; each figure is the best round's. Run: python benchmarks/bench_engine.py
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reference import NaiveNetwork, train_naive  # noqa: E402

from nnplayground.core import Network, Trainer  # noqa: E402

ARTICLE_X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
ARTICLE_Y = np.array([[0], [1], [1], [0]], dtype=float)


def cases(quick: bool):
    rng = np.random.default_rng(1)
    yield "(a) tutorial table 4x3, 4 hidden", ARTICLE_X, ARTICLE_Y, 4, (2000 if quick else 20000)
    X = rng.random((1000, 16))
    yield "(b) 1000x16, 32 hidden", X, (X.sum(1, keepdims=True) > 8).astype(float), 32, (100 if quick else 1000)
    X = rng.random((20000, 64))
    yield "(c) 20000x64, 256 hidden", X, (X.sum(1, keepdims=True) > 32).astype(float), 256, (3 if quick else 20)


def per_second(fn, iterations: int) -> float:
    start = time.perf_counter()
    fn()
    return iterations / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="fewer iterations (a smoke run)")
    args = parser.parse_args()
    np.seterr(over="ignore")  # the naive sigmoid overflows harmlessly on the large cases
    print(f"{'case':34} {'naive it/s':>12} {'naive+loss':>12} {'Trainer it/s':>13} {'ratio':>7} {'ratio+loss':>11}")
    for name, X, y, hidden, iters in cases(args.quick):
        lr = 1.0  # the tutorial's (the naive class has no learning rate)
        net = Network([X.shape[1], hidden, 1], use_bias=False, seed=0)
        w1, w2 = (w.copy() for w in net.weights)
        best = {"naive": 0.0, "naive+loss": 0.0, "trainer": 0.0}
        for _ in range(args.rounds):
            plain = NaiveNetwork(X, y, w1, w2)
            rate = per_second(lambda nn=plain, n=iters: train_naive(nn, n, False), iters)
            best["naive"] = max(best["naive"], rate)
            with_loss = NaiveNetwork(X, y, w1, w2)
            rate = per_second(lambda nn=with_loss, n=iters: train_naive(nn, n, True), iters)
            best["naive+loss"] = max(best["naive+loss"], rate)
            trainer = Trainer(net.copy(), X, y, learning_rate=lr)
            best["trainer"] = max(best["trainer"], per_second(lambda t=trainer, n=iters: t.run(n), iters))
        print(
            f"{name:34} {best['naive']:12.0f} {best['naive+loss']:12.0f} {best['trainer']:13.0f}"
            f" {best['trainer'] / best['naive']:7.2f} {best['trainer'] / best['naive+loss']:11.2f}"
        )
    print("ratio = Trainer / naive; the Trainer keeps its full trace and records the loss every iteration.")


if __name__ == "__main__":
    main()
