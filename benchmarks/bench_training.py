"""Training speed: nnplayground's Trainer beside a minimal NumPy loop doing the same maths, and beside
scikit-learn's MLP and PyTorch (CPU, float64 and float32, torch.optim) on the same tables, batch sizes
and optimizers. Every figure is the best of several rounds, the contenders alternating within a round
so that a busy machine slows them alike. Prints ratios (higher is better for nnplayground).

    python benchmarks/bench_training.py            # everything (a few minutes)
    python benchmarks/bench_training.py --quick    # a smoke run

Part 1, the engine's own overhead: iterations per second of ``Trainer.run`` against a loop written for
this one case only (preallocated buffers, in-place ufuncs, nothing recorded but the loss), full batch.
Part 2, epochs per second against the peers: a 200×2 table (two moons) with hidden layers "16, 16",
and a 20000×64 table with 256 hidden units; tanh hidden units, a sigmoid output, binary cross-entropy;
SGD (η 0.1) and Adam (η 0.01); batch sizes 1, 32 and the whole table. scikit-learn's MLPClassifier is
told the same (no L2, no momentum, no early stopping; tol 0 and n_iter_no_change past the last epoch,
so it never stops early); PyTorch runs the same
network with torch.optim and a torch.randperm order each epoch.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnplayground.core import Network, Trainer  # noqa: E402
from nnplayground.core.datasets import generate  # noqa: E402

try:
    import torch
except ImportError:  # optional: the PyTorch columns say "—"
    torch = None
try:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
except ImportError:
    MLPClassifier = None


# -- part 1: the engine against a minimal loop ---------------------------------------------------------
def minimal_loop(X, y, W1, b1, W2, b2, lr, iterations):
    """The same maths as Trainer.run for sigmoid layers, sse, biases, plain SGD: nothing but it."""
    n = X.shape[0]
    z1, a1 = np.empty((n, W1.shape[1])), np.empty((n, W1.shape[1]))
    z2, a2 = np.empty((n, 1)), np.empty((n, 1))
    d2, d1, f1 = np.empty((n, 1)), np.empty((n, W1.shape[1])), np.empty((n, W1.shape[1]))
    dW1, dW2, db1, db2 = np.empty_like(W1), np.empty_like(W2), np.empty_like(b1), np.empty_like(b2)
    one = np.array(1.0)
    losses = np.empty(iterations)
    for i in range(iterations):
        np.dot(X, W1, z1)
        z1 += b1
        np.negative(z1, a1)
        np.exp(a1, a1)
        a1 += one
        np.reciprocal(a1, a1)
        np.dot(a1, W2, z2)
        z2 += b2
        np.negative(z2, a2)
        np.exp(a2, a2)
        a2 += one
        np.reciprocal(a2, a2)
        np.subtract(a2, y, d2)
        losses[i] = np.dot(d2.ravel(), d2.ravel())
        d2 *= 2.0
        np.subtract(one, a2, z2)
        z2 *= a2
        d2 *= z2  # δ2 = 2(ŷ − y)·σ′
        np.dot(d2, W2.T, d1)
        np.subtract(one, a1, f1)
        f1 *= a1
        d1 *= f1  # δ1
        np.dot(a1.T, d2, dW2)
        np.dot(X.T, d1, dW1)
        np.sum(d2, axis=0, out=db2)
        np.sum(d1, axis=0, out=db1)
        dW1 *= lr
        dW2 *= lr
        db1 *= lr
        db2 *= lr
        W1 -= dW1
        W2 -= dW2
        b1 -= db1
        b2 -= db2
    return losses


def engine_cases(quick):
    rng = np.random.default_rng(1)
    tut_X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    yield "tutorial 4×3, 4 hidden", tut_X, np.array([[0], [1], [1], [0]], dtype=float), 4, 0.5, 3000 if quick else 30000
    X = rng.random((1000, 16))
    yield "1000×16, 32 hidden", X, (X.sum(1, keepdims=True) > 8).astype(float), 32, 0.01, 200 if quick else 2000
    X = rng.random((20000, 64))
    yield "20000×64, 256 hidden", X, (X.sum(1, keepdims=True) > 32).astype(float), 256, 1e-4, 3 if quick else 20


def part1(rounds, quick):
    print("Part 1: Trainer.run against a minimal NumPy loop doing the same maths (full batch, sigmoid, sse, SGD)")
    print(f"{'case':26} {'minimal it/s':>13} {'Trainer it/s':>13} {'µs/it min':>10} {'µs/it Tr':>9} {'ratio':>6}")
    for name, X, y, hidden, lr, iters in engine_cases(quick):
        net = Network([X.shape[1], hidden, 1], "sigmoid", use_bias=True, seed=0, init="xavier")
        best_min = best_tr = 0.0
        for _ in range(rounds):
            W1, W2 = (w.copy() for w in net.weights)
            b1, b2 = (b.copy() for b in net.biases)
            start = time.perf_counter()
            minimal_loop(X, y, W1, b1, W2, b2, lr, iters)
            best_min = max(best_min, iters / (time.perf_counter() - start))
            trainer = Trainer(net.copy(), X, y, "sse", lr)
            start = time.perf_counter()
            trainer.run(iters)
            best_tr = max(best_tr, iters / (time.perf_counter() - start))
        check = Trainer(net.copy(), X, y, "sse", lr)
        check.run(3)
        W1, W2 = (w.copy() for w in net.weights)
        b1, b2 = (b.copy() for b in net.biases)
        assert np.allclose(minimal_loop(X, y, W1, b1, W2, b2, lr, 3), check.history, rtol=1e-12)
        print(f"{name:26} {best_min:13,.0f} {best_tr:13,.0f} {1e6 / best_min:10.2f} {1e6 / best_tr:9.2f} "
              f"{best_min / best_tr:6.2f}")
    print("ratio = Trainer's time per iteration / the minimal loop's (1.00: no overhead at all)\n")


# -- part 2: epochs per second against scikit-learn and PyTorch ----------------------------------------
def peer_tables(quick):
    moons = generate("moons", n_points=200, noise=0.1, seed=0)
    yield "200×2, 16,16", moons.X, moons.y, (16, 16), (1, 32, None), (5 if quick else 40)
    rng = np.random.default_rng(2)
    X = rng.normal(size=(20000, 64))
    y = (X[:, :32].sum(1, keepdims=True) > 0).astype(float)
    yield "20000×64, 256", X, y, (256,), (32, None) if quick else (1, 32, None), (1 if quick else 2)


def ours(X, y, hidden, optimizer, lr, batch, epochs):
    net = Network([X.shape[1], *hidden, 1], ["tanh"] * len(hidden) + ["sigmoid"], use_bias=True, seed=0,
                  init="xavier")
    trainer = Trainer(net, X, y, "bce", lr, optimizer=optimizer, batch_size=batch, shuffle_seed=0)
    iterations = epochs * trainer.iterations_per_epoch
    start = time.perf_counter()
    trainer.run(iterations)
    return epochs / (time.perf_counter() - start)


def sklearn_run(X, y, hidden, optimizer, lr, batch, epochs):
    model = MLPClassifier(hidden_layer_sizes=hidden, activation="tanh", solver=optimizer, alpha=0.0,
                          batch_size=X.shape[0] if batch is None else batch, learning_rate_init=lr,
                          max_iter=epochs, shuffle=True, random_state=0, tol=0.0, momentum=0.0,
                          nesterovs_momentum=False, early_stopping=False, n_iter_no_change=epochs + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(X, y.ravel())
    return epochs / (time.perf_counter() - start)


def torch_run(X, y, hidden, optimizer, lr, batch, epochs, dtype):
    torch.manual_seed(0)
    sizes = [X.shape[1], *hidden, 1]
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers += [torch.nn.Linear(a, b, dtype=dtype), torch.nn.Tanh() if i < len(hidden) else torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=lr) if optimizer == "sgd" else torch.optim.Adam(model.parameters(),
                                                                                                 lr=lr)
    loss_fn = torch.nn.BCELoss()
    Xt, yt = torch.tensor(X, dtype=dtype), torch.tensor(y, dtype=dtype)
    n = X.shape[0]
    size = n if batch is None else batch
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n) if size < n else None
        for lo in range(0, n, size):
            if order is None:
                xb, yb = Xt, yt
            else:
                idx = order[lo:lo + size]
                xb, yb = Xt.index_select(0, idx), yt.index_select(0, idx)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            loss.item()  # the loss of every update, as the others record it
    return epochs / (time.perf_counter() - start)


def part2(rounds, quick):
    peers = ["sklearn"] if MLPClassifier is not None else []
    if torch is not None:
        peers += ["torch64", "torch32"]
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    print("Part 2: epochs per second (nnplayground's, and its ratio to each peer's: above 1 is faster)")
    header = f"{'table':15} {'optimizer':9} {'batch':>6} {'ours':>10}"
    for p in peers:
        header += f" {p:>10} {'ratio':>6}"
    print(header)
    for name, X, y, hidden, batches, epochs in peer_tables(quick):
        for optimizer, lr in (("sgd", 0.1), ("adam", 0.01)):
            for batch in batches:
                e = max(1, epochs // (20 if batch == 1 else 1)) if X.shape[0] > 1000 else epochs
                e = e if batch != 1 or X.shape[0] <= 1000 else 1
                best = {k: 0.0 for k in ["ours", *peers]}
                for _ in range(rounds):
                    best["ours"] = max(best["ours"], ours(X, y, hidden, optimizer, lr, batch, e))
                    if "sklearn" in best:
                        best["sklearn"] = max(best["sklearn"], sklearn_run(X, y, hidden, optimizer, lr, batch, e))
                    if torch is not None:
                        best["torch64"] = max(best["torch64"], torch_run(X, y, hidden, optimizer, lr, batch, e,
                                                                         torch.float64))
                        best["torch32"] = max(best["torch32"], torch_run(X, y, hidden, optimizer, lr, batch, e,
                                                                         torch.float32))
                line = f"{name:15} {optimizer:9} {batch or 'full':>6} {best['ours']:10.1f}"
                for p in peers:
                    line += f" {best[p]:10.1f} {best['ours'] / best[p]:6.2f}"
                print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="fewer iterations and rounds (a smoke run)")
    parser.add_argument("--part", type=int, choices=(1, 2), help="only this part")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    np.seterr(over="ignore")
    if args.part in (None, 1):
        part1(rounds, args.quick)
    if args.part in (None, 2):
        part2(rounds, args.quick)


if __name__ == "__main__":
    main()
