"""The mixed table (size, colour = red/blue/green text labels, weight → price) and what the surface tests
of the core and of the view share: a regression network trained on it, and a network that records what
it is asked about."""
from pathlib import Path

import numpy as np

from nnplayground.core import TrainingConfig, TrainingTable

MIXED = Path(__file__).resolve().parent / "fixtures" / "mixed.csv"


def trained(text: str, seed: int = 1):
    """The table in ``text`` and a regression network trained on it: (table, encoding, network)."""
    table = TrainingTable.from_csv_text(text)
    config = TrainingConfig(problem="regression", hidden=(6,), activation="tanh", output_activation="linear",
                            loss="mse", scaling=True, init="xavier", learning_rate=0.05, seed=seed)
    trainer = config.make_trainer(table)
    trainer.run(300)
    return table, trainer.encoding, trainer.network


class Recorder:
    """A network that keeps every row it is asked about (what the network would see) and answers as ``net``."""

    def __init__(self, net):
        self.net, self.seen = net, []
        self.n_inputs, self.n_outputs = net.n_inputs, net.n_outputs

    def predict(self, X):
        self.seen.append(np.array(X))
        return self.net.predict(X)
