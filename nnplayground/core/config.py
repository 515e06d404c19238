"""Everything that decides a training run besides the table, in one value the UI, the CLI and
scripts share, so they build networks the same way."""
from __future__ import annotations

from dataclasses import dataclass, replace

from .activations import get_activation
from .losses import get_loss
from .network import INITS, Network
from .table import TrainingTable
from .trainer import Trainer


@dataclass(frozen=True)
class TrainingConfig:
    hidden: tuple[int, ...] = (4,)
    activation: str = "sigmoid"  # one name for every layer, or comma-separated, one per layer
    loss: str = "sse"
    learning_rate: float = 1.0
    iterations: int = 1500
    seed: int = 0
    use_bias: bool = False
    init: str = "uniform"

    def __post_init__(self):
        if not self.hidden or any(int(h) != h or h < 1 for h in self.hidden):
            raise ValueError("hidden layers need at least one unit each")
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))
        for name in self.activations_for(len(self.hidden) + 1):
            get_activation(name)
        get_loss(self.loss)
        if self.init not in INITS:
            raise ValueError(f"unknown init {self.init!r}; choose one of {', '.join(INITS)}")
        if not (self.learning_rate > 0 and self.learning_rate != float("inf")):
            raise ValueError(f"learning rate must be a positive finite number, got {self.learning_rate}")
        if int(self.iterations) != self.iterations or self.iterations < 1:
            raise ValueError("iterations must be a whole number of at least 1")

    def activations_for(self, n_layers: int) -> list[str]:
        names = [a.strip() for a in self.activation.split(",")]
        if len(names) == 1:
            return names * n_layers
        if len(names) != n_layers:
            raise ValueError(f"{len(names)} activations named; the network has {n_layers} layers")
        return names

    def layer_sizes(self, table: TrainingTable) -> list[int]:
        return [len(table.input_columns), *self.hidden, len(table.target_columns)]

    def same_network(self, other: "TrainingConfig") -> bool:
        """Whether ``other`` only differs in what applies without re-initialising the weights."""
        return replace(other, learning_rate=self.learning_rate, iterations=self.iterations) == self

    def make_network(self, table: TrainingTable) -> Network:
        sizes = self.layer_sizes(table)
        return Network(sizes, self.activations_for(len(sizes) - 1), self.use_bias, self.seed, self.init)

    def make_trainer(self, table: TrainingTable) -> Trainer:
        return Trainer(self.make_network(table), table.X, table.y, self.loss, self.learning_rate)
