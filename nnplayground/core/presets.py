"""Settings that suit each shipped example table, so that opening one, in the window or with
``nnplayground train``, starts where it should: the tutorial's table with the tutorial's own network,
the regression with a linear output. Any other table starts from :class:`TrainingConfig`'s defaults.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..paths import EXAMPLES
from .config import TrainingConfig

PRESETS: dict[str, TrainingConfig] = {  # every setting spelled out: a preset must not move when a default does
    # The tutorial, exactly: 3-4-1, sigmoid, sse, η = 1, 1500 iterations, uniform [0, 1) weights, no biases.
    "article.csv": TrainingConfig(hidden=(4,), activation="sigmoid", loss="sse", learning_rate=1.0, iterations=1500,
                                  seed=0, use_bias=False, init="uniform"),
    "and.csv": TrainingConfig(hidden=(2,), activation="sigmoid", loss="sse", learning_rate=1.0, iterations=1500,
                              seed=0, use_bias=True, init="uniform"),
    "or.csv": TrainingConfig(hidden=(2,), activation="sigmoid", loss="sse", learning_rate=1.0, iterations=1500,
                             seed=0, use_bias=True, init="uniform"),
    # XOR is not linearly separable: four hidden units and twice the tutorial's iterations (max error < 0.02).
    "xor.csv": TrainingConfig(hidden=(4,), activation="sigmoid", loss="sse", learning_rate=1.0, iterations=3000,
                              seed=0, use_bias=True, init="uniform"),
    # A regression: tanh hidden units, a linear output and the mean squared error (max error < 0.05).
    "sine_regression.csv": TrainingConfig(hidden=(8,), activation="tanh, linear", loss="mse", learning_rate=0.1,
                                          iterations=5000, seed=0, use_bias=True, init="xavier"),
}


def preset_for(path: str | os.PathLike) -> TrainingConfig | None:
    """The preset of the shipped example at ``path`` (same name, in the examples folder), else None:
    a user's own ``xor.csv`` elsewhere is not the example."""
    try:
        path = Path(path).resolve()
        folder = EXAMPLES.resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL in the name
        return None
    return PRESETS.get(path.name) if path.parent == folder else None
