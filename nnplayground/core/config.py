"""Everything that decides a training run besides the table, in one value that the window, the CLI,
session files and scripts share: they build networks the same way and refuse the same settings with
the same words.

Every setting's type and limits are declared once, in :data:`CONSTRAINTS` (as scikit-learn's
``_parameter_constraints``), and checked in one place, when a :class:`TrainingConfig` is made. The
window reads its fields' ranges from the same table, so no limit is written twice.
"""
from __future__ import annotations

import numbers
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import ClassVar

import numpy as np

from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from .encoding import PROBLEM_TITLES, PROBLEMS, Encoding, EncodingError
from .losses import LOSSES
from .naming import shown
from .network import INITS, Network, n_parameters
from .optimizers import OPTIMIZERS
from .schedules import SCHEDULES, Constant, Cosine, Exponential, StepDecay
from .split import class_labels, split_rows
from .table import MAX_CELLS, TrainingTable, format_number
from .trainer import Trainer

# -- the kinds of constraint ------------------------------------------------------------------------
@dataclass(frozen=True)
class Interval:
    """A number of ``kind`` (int or float) from ``low`` to ``high``, both included. A bool is never a
    number, and a float is not a whole number even when it is 1.0: a file saying so is damaged."""

    label: str
    kind: type
    low: float
    high: float

    def describe(self) -> str:
        if self.kind is int:
            return f"a whole number from {self.low:,} to {self.high:,}"
        return f"a number from {self.low:g} to {self.high:g}"

    def check(self, value):
        abstract = numbers.Integral if self.kind is int else numbers.Real
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, abstract):
            raise ValueError(f"{self.label}: {self.describe()}, got {shown(value)}")
        try:
            number = self.kind(value)
        except OverflowError:  # an int too large for a float
            raise ValueError(f"{self.label}: {self.describe()}, got {shown(value)}") from None
        if not self.low <= number <= self.high:  # NaN fails too
            raise ValueError(f"{self.label}: {self.describe()}, got {shown(value)}")
        return number + 0 if self.kind is float else number  # −0.0 is 0.0


@dataclass(frozen=True)
class Choice:
    """One name out of ``names``."""

    label: str
    noun: str
    names: tuple[str, ...]

    def describe(self) -> str:
        return f"one of {', '.join(self.names)}"

    def check(self, value):
        if not isinstance(value, str) or value not in self.names:
            raise ValueError(f"{self.label}: unknown {self.noun} {shown(value)}; choose from {', '.join(self.names)}")
        return value


@dataclass(frozen=True)
class Flag:
    """True or false, as a real bool: ``"false"`` or 0 in a file is refused, not guessed at."""

    label: str

    def describe(self) -> str:
        return "true or false"

    def check(self, value):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{self.label}: {self.describe()}, got {shown(value)}")
        return bool(value)


@dataclass(frozen=True)
class Layers:
    """Units per hidden layer, first to last: 1 to ``max_layers`` layers of 1 to ``max_units`` each."""

    label: str
    max_layers: int
    max_units: int

    def describe(self) -> str:
        return f"at most {self.max_layers} layers of at most {self.max_units} units"

    def check(self, value) -> tuple[int, ...]:
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise ValueError(f"{self.label}: a list of units per layer, e.g. [8, 4], got {shown(value)}")
        if not value:
            raise ValueError(f"{self.label}: give at least one layer, e.g. [4]")
        if len(value) > self.max_layers:
            raise ValueError(f"{self.label}: {self.describe()}, got {len(value)} layers")
        for units in value:
            if isinstance(units, bool) or not isinstance(units, numbers.Integral):
                raise ValueError(f"{self.label}: each layer's units must be a whole number, got {shown(units)}")
            if units < 1:
                raise ValueError(f"{self.label}: each layer needs at least one unit, got {units}")
            if units > self.max_units:
                raise ValueError(f"{self.label}: {self.describe()}, got {units}")
        return tuple(int(u) for u in value)


@dataclass(frozen=True)
class Activations:
    """One activation for every hidden layer, or one per hidden layer (first to last), kept as one
    comma-separated text: ``"relu, tanh"``. How many there may be depends on the hidden layers, so
    :class:`TrainingConfig` checks the count. The output layer's activation is a setting of its own."""

    label: str
    names: tuple[str, ...]

    def describe(self) -> str:
        return f"one of {', '.join(self.names)}, or one per layer separated by commas"

    def check(self, value) -> str:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",")]
        elif isinstance(value, Sequence) and all(isinstance(p, str) for p in value):
            parts = [p.strip() for p in value]
        else:
            raise ValueError(f"{self.label}: {self.describe()}, got {shown(value)}")
        if not any(parts):
            raise ValueError(f"{self.label}: name one activation ({', '.join(self.names)}) or one per layer")
        for name in parts:
            if name == "softmax":
                raise ValueError(f"{self.label}: softmax is for the output layer only (it turns a whole row "
                                 "into probabilities); choose it as the output activation")
            if name not in self.names:
                raise ValueError(
                    f"{self.label}: unknown activation {shown(name)}; choose from {', '.join(self.names)}"
                )
        return ", ".join(parts)


# -- every setting, its type and its limits: the one declaration ------------------------------------
CONSTRAINTS: dict[str, Interval | Choice | Flag | Layers | Activations] = {
    "problem": Choice("problem", "problem", PROBLEMS),
    "hidden": Layers("hidden layers", max_layers=32, max_units=4096),
    "activation": Activations("hidden activation", HIDDEN_ACTIVATIONS),
    "output_activation": Choice("output activation", "activation", OUTPUT_ACTIVATIONS),
    "loss": Choice("loss", "loss", tuple(LOSSES)),
    "scaling": Flag("scaling"),
    # 1e-6: sse sums over the rows, so a table of a million rows needs steps a million times smaller
    # than the tutorial's 4; 1e3: beyond it every activation saturates or diverges in the first steps.
    "learning_rate": Interval("learning rate", float, 1e-6, 1e3),
    "iterations": Interval("iterations", int, 1, 100_000_000),
    # 2**31 - 1, not NumPy's 2**32 - 1: the window's seed field is a 32-bit QSpinBox, and a seed it could
    # not show would be changed silently on the way from a file to the field and back.
    "seed": Interval("seed", int, 0, 2**31 - 1),
    "use_bias": Flag("biases"),
    "init": Choice("initial weights", "init", tuple(INITS)),
    # -- how the gradient becomes a step (optimizers.py), and on how many rows (mini-batches) --
    "optimizer": Choice("optimizer", "optimizer", tuple(OPTIMIZERS)),
    "momentum": Interval("momentum", float, 0.0, 0.999),
    "nesterov": Flag("nesterov"),
    "rho": Interval("rho", float, 0.0, 0.999),
    "beta1": Interval("beta1", float, 0.0, 0.999),
    "beta2": Interval("beta2", float, 0.0, 0.99999),
    "eps": Interval("eps", float, 1e-12, 1.0),  # above 0: where a gradient is exactly 0, the step is 0/ε
    # 0: the whole table, as the tutorial; a batch larger than the table is the whole table too
    "batch_size": Interval("batch size", int, 0, MAX_CELLS),
    "shuffle_seed": Interval("shuffle seed", int, 0, 2**31 - 1),
    "schedule": Choice("learning-rate schedule", "schedule", tuple(SCHEDULES)),
    "decay_rate": Interval("decay rate", float, 1e-6, 1.0),  # γ: step decay's factor, exponential's per epoch
    "decay_epochs": Interval("decay epochs", int, 1, 100_000_000),  # step decay: epochs between two cuts
    # -- penalties on the weights (not the biases), added to the loss --
    "l2": Interval("L2 penalty", float, 0.0, 10.0),
    "l1": Interval("L1 penalty", float, 0.0, 10.0),
    # -- validation rows, never trained on --
    "validation": Interval("validation share", float, 0.0, 0.9),
    "split_seed": Interval("split seed", int, 0, 2**31 - 1),
    "patience": Interval("patience", int, 0, 100_000_000),  # epochs without a better validation loss; 0: off
}

# Settings added after session format 1, each with the value that trains as format 1 did.
NEUTRAL = {"optimizer": "sgd", "momentum": 0.0, "nesterov": False, "rho": 0.9, "beta1": 0.9, "beta2": 0.999,
           "eps": 1e-8, "batch_size": 0, "shuffle_seed": 0, "schedule": "constant", "decay_rate": 0.5,
           "decay_epochs": 500, "l2": 0.0, "l1": 0.0, "validation": 0.0, "split_seed": 0, "patience": 0}
# Apply from the next iteration; the rest waits for Reset. The validation share and its seed choose the table's
# validation rows (the window marks them in the table, an edit like any other), not the network.
APPLY_AT_ONCE = ("learning_rate", "iterations", "l2", "l1", "patience", "validation", "split_seed")

GIB = 2**30


def _memory_budget() -> int:
    """Half this computer's memory, at most 8 GiB: a network that needs more is refused up front
    rather than failing half-built (or being killed by the system) later."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        physical = 8 * GIB
    return int(min(8 * GIB, physical // 2))


MEMORY_BUDGET = _memory_budget()


@dataclass(frozen=True)
class TrainingConfig:
    """The settings of a run. The defaults are the one set the window and the CLI start from; a
    shipped example may bring its own (:mod:`nnplayground.core.presets`)."""

    problem: str = "binary"  # binary, multiclass or regression: how the targets are encoded (encoding.py)
    hidden: tuple[int, ...] = (4,)
    activation: str = "sigmoid"  # the hidden layers': one name for all, or comma-separated, one per layer
    output_activation: str = "sigmoid"
    loss: str = "sse"
    scaling: bool = False  # standardise the inputs (and a regression's targets): x̃ = (x − μ)/σ
    learning_rate: float = 1.0
    iterations: int = 1500
    seed: int = 0
    use_bias: bool = True
    init: str = "uniform"
    optimizer: str = "sgd"
    momentum: float = 0.0
    nesterov: bool = False
    rho: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    batch_size: int = 0  # rows per update; 0: the whole table
    shuffle_seed: int = 0
    schedule: str = "constant"
    decay_rate: float = 0.5
    decay_epochs: int = 500
    l2: float = 0.0
    l1: float = 0.0
    validation: float = 0.0  # the share of rows kept apart to measure the validation loss on
    split_seed: int = 0
    patience: int = 0  # stop when the validation loss has not improved for this many epochs; 0: never

    CONSTRAINTS: ClassVar[dict] = CONSTRAINTS

    def __post_init__(self):
        for name, constraint in CONSTRAINTS.items():
            object.__setattr__(self, name, constraint.check(getattr(self, name)))
        self.activations_for(len(self.hidden) + 1)
        problem = pairing_problem(self.problem, self.output_activation, self.loss)
        if problem:
            raise ValueError(problem)
        if self.nesterov and self.optimizer == "sgd" and not self.momentum:
            raise ValueError("nesterov: Nesterov's step follows the velocity, which only momentum keeps: "
                             "set a momentum above 0")

    # -- files --------------------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping) -> "TrainingConfig":
        """The settings a file records, checked strictly: every setting must be there (the defaults
        may change between releases, a file must not), and an unknown one is refused rather than
        dropped, since it means the file is from a newer release or was edited by hand."""
        if not isinstance(data, Mapping):
            raise ValueError(f"settings: expected named settings, got {shown(data)}")
        unknown = [key for key in data if key not in CONSTRAINTS]
        if unknown:
            raise ValueError(f"unknown setting {shown(unknown[0])}; the settings are {', '.join(CONSTRAINTS)}")
        missing = [key for key in CONSTRAINTS if key not in data]
        if missing:
            raise ValueError(f"{CONSTRAINTS[missing[0]].label}: missing from the file's settings")
        return cls(**data)

    def to_dict(self) -> dict:
        """Every setting, JSON-ready; :meth:`from_dict` reads it back to an equal config."""
        record = {f.name: getattr(self, f.name) for f in fields(self)}
        record["hidden"] = list(self.hidden)
        return record

    # -- the network it describes -------------------------------------------------------------------
    def activations_for(self, n_layers: int) -> list[str]:
        """Every layer's activation: the hidden layers', then the output's."""
        names = [a.strip() for a in self.activation.split(",")]
        hidden = n_layers - 1
        if len(names) == 1:
            return names * hidden + [self.output_activation]
        if len(names) != hidden:
            more = " (the output's is the output activation)" if len(names) == n_layers else ""
            raise ValueError(f"{CONSTRAINTS['activation'].label}: {len(names)} activations named; the network has "
                             f"{hidden} hidden layer{'s' if hidden != 1 else ''}{more}")
        return names + [self.output_activation]

    def encoding_for(self, table: TrainingTable) -> Encoding:
        """How ``table`` becomes the network's numbers under these settings; ValueError (an
        :class:`~.encoding.EncodingError`) says why it can't, with the fix. The scaling's μ and σ come
        from the training rows only (the validation rows must stay unseen)."""
        encoding = Encoding.fit(table, self.problem, self.scaling)
        if self.scaling and (table.validation is not None or self.validation):
            train = ~self.validation_rows(table, encoding)
            if train.any():
                encoding = Encoding.fit(table, self.problem, self.scaling, rows=train)
        self.check_targets(encoding, table)
        return encoding

    def check_targets(self, encoding: Encoding, table: TrainingTable) -> None:
        """Refuse an output that can never reach the (encoded) targets: a sigmoid's 0…1 for targets of
        25 to 346, a softmax for one output."""
        act = ACTIVATIONS[self.output_activation]
        if not act.elementwise and encoding.n_outputs < 2:
            raise EncodingError(f"output activation: softmax needs two outputs or more; {PROBLEM_TITLES[self.problem]} "
                                f"of this table has {encoding.n_outputs}")
        Y = encoding.encode_targets(table)
        low, high = float(Y.min()), float(Y.max())
        if not act.reaches(low, high):
            what = "the targets, scaled," if encoding.scales_targets else "the targets"
            fix = "use a linear output" if self.problem == "regression" else "use a sigmoid output"
            if self.problem == "regression" and not encoding.scales_targets and act.low == 0 and low >= 0:
                fix += " (or scaling, which a linear output needs too)"
            raise EncodingError(
                f"output activation: a {self.output_activation} output gives values from "
                f"{format_number(act.low)} to {format_number(act.high)}, but {what} go from {low:.4g} to "
                f"{high:.4g}: {fix}")

    def layer_sizes(self, table: TrainingTable, encoding: Encoding | None = None) -> list[int]:
        if encoding is None:
            encoding = self.encoding_for(table)
        return [encoding.n_inputs, *self.hidden, encoding.n_outputs]

    def same_network(self, other: "TrainingConfig") -> bool:
        """Whether ``other`` only differs in what applies without re-initialising the weights
        (:data:`APPLY_AT_ONCE`: the learning rate, the iterations, the penalties, the patience, the validation rows)."""
        return replace(other, **{k: getattr(self, k) for k in APPLY_AT_ONCE}) == self

    def make_optimizer(self):
        """The optimizer these settings name, with its hyperparameters (the settings bear their names)."""
        kind = OPTIMIZERS[self.optimizer]
        return kind(**{key: getattr(self, key) for key in kind().hyperparameters()})

    def make_schedule(self, epochs: int):
        """The learning-rate schedule, for a run of ``epochs`` epochs (cosine anneals over it)."""
        if self.schedule == "step":
            return StepDecay(step_size=self.decay_epochs, gamma=self.decay_rate)
        if self.schedule == "exponential":
            return Exponential(gamma=self.decay_rate)
        if self.schedule == "cosine":
            return Cosine(total=max(1, epochs))
        return Constant()

    def schedule_for(self, iterations_per_epoch: int):
        """The schedule for a run of :attr:`iterations` in epochs of ``iterations_per_epoch`` (a trainer's)."""
        return self.make_schedule(-(-self.iterations // iterations_per_epoch))

    def validation_rows(self, table: TrainingTable, encoding: Encoding | None = None) -> np.ndarray:
        """Which rows are kept apart for validation: the table's own marks when it has them, else a
        share of :attr:`validation` drawn from :attr:`split_seed`, stratified by class."""
        if table.validation is not None:
            return table.validation
        labels = None
        if encoding is not None and encoding.is_classification:
            labels = class_labels(encoding, encoding.encode_targets(table))
        return split_rows(table.n_rows, self.validation, self.split_seed, labels)

    def check_validation(self, table: TrainingTable, held: np.ndarray) -> None:
        """ValueError if early stopping is asked for and no row is kept for validation (``held``: the rows
        :meth:`validation_rows` gives, none drawn by the share and none marked by hand): it would watch
        nothing, in silence."""
        if not self.patience:
            return
        if held.any():
            return
        why = (f"the validation share {format_number(self.validation)} of {table.n_rows:,} rows draws none"
               if self.validation and table.validation is None else "no row is kept for validation")
        raise ValueError(f"patience: early stopping watches the validation loss, and {why}: set a validation "
                         "share or mark rows for validation")

    def memory_needed(self, n_inputs: int, n_outputs: int, n_rows: int) -> int:
        """Bytes a trainer of this network on ``n_rows`` rows holds, about: the parameters five times
        (weights, gradient, step, and the copies a snapshot takes of weights and gradient), and per
        row the inputs, four buffers per layer (z, a, δ, f′) and three per output (y, ŷ − y, ŷ copied)."""
        sizes = [n_inputs, *self.hidden, n_outputs]
        parameters = n_parameters(sizes)
        per_row = n_inputs + 4 * sum(sizes[1:]) + 3 * n_outputs
        return 8 * (5 * parameters + n_rows * per_row)

    def check_fits(self, table: TrainingTable, encoding: Encoding | None = None) -> None:
        """ValueError, before anything is allocated, if training on ``table`` would exceed :data:`MEMORY_BUDGET`."""
        n_in, n_out = ((len(table.input_columns), len(table.target_columns)) if encoding is None
                       else (encoding.n_inputs, encoding.n_outputs))
        need = self.memory_needed(n_in, n_out, table.n_rows)
        if need > MEMORY_BUDGET:
            layers = (", ".join(map(str, self.hidden)) if len(self.hidden) <= 4
                      else f"{len(self.hidden)} layers of up to {max(self.hidden)} units")
            raise ValueError(
                f"{CONSTRAINTS['hidden'].label}: {layers} on {table.n_rows:,} rows would need about "
                f"{need / GIB:.1f} GiB of memory; the limit is {MEMORY_BUDGET / GIB:.1f} GiB. "
                "Use fewer or smaller hidden layers, or fewer rows"
            )

    def make_network(self, table: TrainingTable, encoding: Encoding | None = None) -> Network:
        if encoding is None:
            encoding = self.encoding_for(table)
        self.check_fits(table, encoding)
        sizes = self.layer_sizes(table, encoding)
        return Network(sizes, self.activations_for(len(sizes) - 1), self.use_bias, self.seed, self.init)

    def make_trainer(self, table: TrainingTable, encoding: Encoding | None = None) -> Trainer:
        """A new network for ``table`` and its trainer, on the table as this config encodes it (fitted
        now unless ``encoding`` is given, as a restored session's is); ``trainer.encoding`` keeps it.
        The validation rows (:meth:`validation_rows`) are measured, never trained on."""
        if encoding is None:
            encoding = self.encoding_for(table)
        else:
            self.check_targets(encoding, table)
        data = self.training_data(table, encoding)
        trainer = Trainer(self.make_network(table, encoding), data.X, data.y, self.loss, self.learning_rate,
                          optimizer=self.make_optimizer(), batch_size=self.batch_size or None,
                          shuffle_seed=self.shuffle_seed, l2=self.l2, l1=self.l1,
                          X_val=data.X_val, y_val=data.y_val, patience=self.patience or None, rows=data.rows,
                          val_rows=data.val_rows)
        trainer.schedule = self.schedule_for(trainer.iterations_per_epoch)
        trainer.encoding = encoding
        return trainer

    def training_data(self, table: TrainingTable, encoding: Encoding) -> "TrainingData":
        """The table as a trainer takes it: encoded, the training rows apart from the validation rows."""
        X, y = encoding.encode_inputs(table), encoding.encode_targets(table)
        held = self.validation_rows(table, encoding)
        self.check_validation(table, held)
        if not held.any():
            return TrainingData(X, y, np.arange(table.n_rows), None, None, None)
        train = np.flatnonzero(~held)
        if train.size == 0:
            raise ValueError("validation share: every row is a validation row; training needs at least one")
        return TrainingData(X[train], y[train], train, X[held], y[held], np.flatnonzero(held))


@dataclass(frozen=True, eq=False)
class TrainingData:
    """What :meth:`Trainer.set_data` and :meth:`Trainer.set_validation` take: encoded rows."""

    X: np.ndarray
    y: np.ndarray
    rows: np.ndarray  # the table rows X and y hold
    X_val: np.ndarray | None
    y_val: np.ndarray | None
    val_rows: np.ndarray | None  # the table rows X_val and y_val hold


def pairing_problem(problem: str, output: str, loss: str) -> str | None:
    """Why an output activation and a loss can't train together for a problem, or None. The one rule
    the window, the CLI and session files share."""
    needs = LOSSES[loss].output
    if needs is not None and output != needs:
        why = {"sigmoid": "its ŷ must be a probability between 0 and 1, one per output",
               "softmax": "its ŷ must be a probability per class, adding up to 1 in each row"}[needs]
        return f"loss: {loss} needs a {needs} output ({why}); the output activation is {output}"
    if output == "softmax" and loss != "cross_entropy":
        return ("output activation: a softmax output is trained with the cross_entropy loss here "
                "(together their δ at the output is ŷ − y); choose that loss")
    if output == "softmax" and problem != "multiclass":
        return ("output activation: softmax gives one probability per class; it needs the multiclass problem, "
                f"not {problem}")
    return None
