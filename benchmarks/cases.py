"""The live-view issue's three cases, without Qt: the window's benchmarks and the Qt-free ones that model the
worker train the same tables."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnplayground.core import INPUT, TARGET, TrainingTable  # noqa: E402
from nnplayground.paths import DEFAULT_TABLE, EXAMPLES  # noqa: E402


def sum_table(rows: int = 1000) -> TrainingTable:
    """``rows`` rows of 16 inputs uniform in [0, 1) and a target of 1 where they add up to more than 8 (seed 1)."""
    X = np.random.default_rng(1).random((rows, 16))
    data = np.column_stack([X, (X.sum(1) > 8).astype(float)])
    return TrainingTable(tuple(f"x{i}" for i in range(16)) + ("y",), (INPUT,) * 16 + (TARGET,), data)


def tables(quick: bool):
    """(name, table, hidden layers as typed, iterations): the tutorial's table, XOR, and 1000 rows of 16 inputs
    with 32 hidden units. Each run lasts ~2.5-3 s on the 2-core VM (the 1000x16 one lasted ~1.2 s, so the one-off
    start of a run, ~35 ms, weighed on it as much as a frame rate's worth of training)."""
    n = 1 if quick else 4
    yield "tutorial 4x3, 4 hidden", TrainingTable.from_csv(DEFAULT_TABLE), "4", 50_000 * n
    yield "XOR 4x2, 4 hidden", TrainingTable.from_csv(EXAMPLES / "xor.csv"), "4", 50_000 * n
    yield "1000x16, 32 hidden", sum_table(), "32", 3750 * n
