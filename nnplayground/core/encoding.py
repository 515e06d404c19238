"""Between a table as it was typed and the numbers a network trains on, and back: the preprocessing a
learner sees.

- Inputs: a column of numbers is standardised, x̃ = (x − μ)/σ, when scaling is on (μ and σ are the
  column's mean and standard deviation; σ = 1 for a constant column); a column of text labels becomes
  one 0/1 input per label (one-hot), named ``column=label``.
- Targets, by the problem: *binary* classification takes each target column's two values as 0 and 1
  (the second label is 1: for 0/1 columns nothing changes); *multi-class* takes the one target column's
  labels (text, or numbers taken as classes) as one-hot rows, one output per class; *regression* takes
  numbers, standardised like the inputs when scaling is on.

An :class:`Encoding` is fitted once, when a network is made (Reset), and kept with it: sessions and
weight files carry it, and an edited table is encoded with the same μ, σ and labels, so the weights keep
their meaning. Labels are matched by name, not by position, so a table whose labels come in another
order (a new file, an edit) is encoded the same way; a label the network was not built for is refused.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .table import TrainingTable, format_number, sort_labels

PROBLEMS = ("binary", "multiclass", "regression")
PROBLEM_TITLES = {"binary": "binary classification", "multiclass": "multi-class classification",
                  "regression": "regression"}
MAX_CLASSES = 100  # outputs of a multi-class network
MAX_ONE_HOT = 64  # inputs one text column may become


class EncodingError(ValueError):
    """The table cannot be encoded this way; the message says why and what to change. ``reset``: what Reset
    would do about it (a network built for the table as it is), said after the reason; ``reason`` is the
    reason alone, for a reader with no Reset (the CLI)."""

    def __init__(self, reason: str, reset: str = "", joiner: str = "; "):
        super().__init__(f"{reason}{joiner}{reset}" if reset else reason)
        self.reason, self.reset = reason, reset


@dataclass(frozen=True)
class InputColumn:
    """How one input column becomes network inputs: a number scaled, or text labels one-hot."""

    name: str
    mean: float = 0.0
    scale: float = 1.0  # σ: x̃ = (x − mean) / scale
    levels: tuple[str, ...] | None = None  # one-hot: one input per label, in this order

    @property
    def width(self) -> int:
        return 1 if self.levels is None else len(self.levels)

    @property
    def input_names(self) -> tuple[str, ...]:
        return (self.name,) if self.levels is None else tuple(f"{self.name}={lv}" for lv in self.levels)

    @property
    def scaled(self) -> bool:
        return self.levels is None and (self.mean != 0.0 or self.scale != 1.0)


@dataclass(frozen=True)
class Encoding:
    inputs: tuple[InputColumn, ...]
    problem: str
    targets: tuple[str, ...]  # the target columns' names
    classes: tuple[tuple[str, ...], ...] = ()  # binary: each column's two labels; multi-class: one tuple of k
    target_mean: tuple[float, ...] = ()  # regression with scaling: ỹ = (y − mean) / scale per column
    target_scale: tuple[float, ...] = ()

    # -- fitting ---------------------------------------------------------------------------------
    @classmethod
    def fit(cls, table: TrainingTable, problem: str, scaling: bool, rows: np.ndarray | None = None) -> "Encoding":
        """The encoding of ``table`` for ``problem``; :class:`EncodingError` says what does not fit.
        ``rows`` (a mask): the rows μ and σ are taken from (the training rows); labels come from all."""
        if problem not in PROBLEMS:
            raise EncodingError(f"problem: unknown problem {problem!r}; choose from {', '.join(PROBLEMS)}")
        inputs = []
        X = table.X
        for c, (name, levels) in enumerate(zip(table.input_columns, table.input_levels)):
            if levels is not None:
                present = _present(levels, X[:, c])
                if len(present) > MAX_ONE_HOT:
                    raise EncodingError(
                        f"input column {name!r} holds {len(present)} different labels: one input each would make "
                        f"{len(present)} inputs (at most {MAX_ONE_HOT}); make it a target or remove it")
                inputs.append(InputColumn(name, levels=present))
            elif scaling:
                mean, scale = _mean_and_scale(X[:, c] if rows is None else X[rows, c])
                inputs.append(InputColumn(name, mean, scale))
            else:
                inputs.append(InputColumn(name))
        targets = table.target_columns
        Y, target_levels = table.y, table.target_levels
        if problem == "regression":
            for name, levels in zip(targets, target_levels):
                if levels is not None:
                    k = len(_present(levels, Y[:, targets.index(name)]))
                    raise EncodingError(
                        f"target {name!r} holds text labels ({k} of them): a regression needs numbers; "
                        f"choose {'binary' if k == 2 else 'multi-class'} classification")
            if not scaling:
                return cls(tuple(inputs), problem, targets)
            stats = [_mean_and_scale(Y[:, t] if rows is None else Y[rows, t]) for t in range(Y.shape[1])]
            return cls(tuple(inputs), problem, targets, (), tuple(m for m, _ in stats), tuple(s for _, s in stats))
        if problem == "multiclass":
            if len(targets) != 1:
                raise EncodingError(f"multi-class classification needs one target column (its labels are the "
                                    f"classes), the table has {len(targets)}: make the others inputs")
            classes = _labels(Y[:, 0], target_levels[0])
            if len(classes) < 2:
                raise EncodingError(f"target {targets[0]!r} holds one label only ({classes[0]!r}): "
                                    "a classification needs at least two")
            if len(classes) > MAX_CLASSES:
                raise EncodingError(
                    f"target {targets[0]!r} holds {len(classes):,} different values; as classes that is more "
                    f"than {MAX_CLASSES} outputs: choose regression if they are amounts")
            return cls(tuple(inputs), problem, targets, (classes,))
        classes = []
        for t, (name, levels) in enumerate(zip(targets, target_levels)):
            labels = _labels(Y[:, t], levels)
            if levels is None and set(labels) <= {"0", "1"}:
                labels = ("0", "1")  # a 0/1 column: its numbers are the classes as they are
            if len(labels) != 2:
                kind = "labels" if levels is not None else "different numbers"
                whole = levels is None and np.all(Y[:, t] == np.trunc(Y[:, t]))
                if len(labels) > 2 and len(targets) == 1 and (levels is not None or (whole and len(labels) <= 10)):
                    fix = "choose multi-class classification" + ("" if levels is not None else
                                                                 " (or regression, if they are amounts)")
                else:
                    fix = "choose regression" if levels is None else "make it an input"
                raise EncodingError(
                    f"target {name!r} holds {len(labels)} {kind}: binary classification needs two "
                    f"(e.g. 0 and 1); {fix}" if len(labels) else f"target {name!r} is empty")
            classes.append(labels)
        return cls(tuple(inputs), problem, targets, tuple(classes))

    # -- shape -----------------------------------------------------------------------------------
    @property
    def n_inputs(self) -> int:
        return sum(c.width for c in self.inputs)

    @property
    def n_outputs(self) -> int:
        return len(self.classes[0]) if self.problem == "multiclass" else len(self.targets)

    @property
    def input_names(self) -> tuple[str, ...]:
        """The network's inputs: a column's name, or ``column=label`` for each of its one-hot inputs."""
        return tuple(n for c in self.inputs for n in c.input_names)

    @property
    def output_names(self) -> tuple[str, ...]:
        return self.classes[0] if self.problem == "multiclass" else self.targets

    @property
    def is_classification(self) -> bool:
        return self.problem != "regression"

    @property
    def scales_inputs(self) -> bool:
        return any(c.scaled for c in self.inputs)

    @property
    def scales_targets(self) -> bool:
        return bool(self.target_scale)

    @property
    def identity(self) -> bool:
        """Inputs and targets go to the network as they are (the tutorial's table)."""
        return (not any(c.levels is not None or c.scaled for c in self.inputs) and not self.scales_targets
                and all(c == ("0", "1") for c in self.classes) and self.problem != "multiclass")

    # -- encoding --------------------------------------------------------------------------------
    def fits(self, table: TrainingTable) -> str | None:
        """Why ``table`` cannot be encoded with this encoding (it holds other columns, or a label the
        network was not built for), or None."""
        try:
            self._check_columns(table)
            self.encode_inputs(table)
            self.encode_targets(table)
        except EncodingError as exc:
            return str(exc)
        return None

    def _check_columns(self, table: TrainingTable) -> None:
        names = tuple(c.name for c in self.inputs)
        if table.input_columns != names or table.target_columns != self.targets:
            raise EncodingError(f"the network was built for inputs {', '.join(names)} and targets "
                                f"{', '.join(self.targets)}", "Reset builds one for the table's columns")

    def encode_inputs(self, table: TrainingTable) -> np.ndarray:
        """The network's input matrix X̃ for the table's input columns."""
        if len(table.input_columns) != len(self.inputs):
            self._check_columns(table)
        return self.encode_X(table.X, table.input_levels)

    def encode_X(self, X: np.ndarray, levels=None) -> np.ndarray:
        """X̃ from raw input rows ``X`` (a text column holds indices into its ``levels``, the table's own).
        Without one-hot columns or scaling this is ``X`` itself, untouched."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.inputs):
            raise EncodingError(f"{X.shape[-1] if X.ndim else 0} input columns; the network was built for "
                                f"{len(self.inputs)} ({', '.join(c.name for c in self.inputs)})")
        levels = (None,) * len(self.inputs) if levels is None else tuple(levels)
        if not any(c.levels is not None or c.scaled for c in self.inputs):
            if any(lv is not None for lv in levels):
                raise EncodingError("text labels in a column the network takes as numbers", "Reset")
            return X
        out = np.empty((X.shape[0], self.n_inputs))
        col = 0
        for c, (spec, lv) in enumerate(zip(self.inputs, levels)):
            if spec.levels is None:
                if lv is not None:
                    raise EncodingError(f"input column {spec.name!r} holds text labels; the network was built "
                                        "for numbers there", "Reset builds one for the table as it is", ": ")
                np.subtract(X[:, c], spec.mean, out[:, col])
                out[:, col] /= spec.scale
                col += 1
            else:
                index = _index_by_name(X[:, c], lv, spec.levels, f"input column {spec.name!r}")
                block = out[:, col:col + spec.width]
                block.fill(0.0)
                block[np.arange(X.shape[0]), index] = 1.0
                col += spec.width
        return out

    def encode_targets(self, table: TrainingTable) -> np.ndarray:
        """The network's target matrix Ỹ for the table's target columns."""
        if table.target_columns != self.targets:
            self._check_columns(table)
        Y, levels = table.y, table.target_levels
        if self.problem == "regression":
            if any(lv is not None for lv in levels):
                raise EncodingError("a target column holds text labels: a regression needs numbers")
            if not self.target_scale:
                return Y
            return (Y - np.asarray(self.target_mean)) / np.asarray(self.target_scale)
        if self.problem == "multiclass":
            index = _index_by_name(Y[:, 0], levels[0], self.classes[0], f"target {self.targets[0]!r}")
            out = np.zeros((Y.shape[0], len(self.classes[0])))
            out[np.arange(Y.shape[0]), index] = 1.0
            return out
        if all(c == ("0", "1") and lv is None for c, lv in zip(self.classes, levels)):
            bad = (Y != 0.0) & (Y != 1.0)
            if bad.any():
                r, t = map(int, np.argwhere(bad)[0])
                raise EncodingError(f"row {r + 1}, target {self.targets[t]!r}: {format_number(Y[r, t])} is "
                                    "neither 0 nor 1, the two classes the network was built for")
            return Y
        out = np.empty_like(Y)
        for t, (classes, lv) in enumerate(zip(self.classes, levels)):
            out[:, t] = _index_by_name(Y[:, t], lv, classes, f"target {self.targets[t]!r}")
        return out

    # -- decoding --------------------------------------------------------------------------------
    def decode(self, y_hat: np.ndarray) -> np.ndarray:
        """Network outputs in the table's units: regression values unscaled; probabilities as they are."""
        if self.target_scale:
            return y_hat * np.asarray(self.target_scale) + np.asarray(self.target_mean)
        return y_hat

    def predicted_classes(self, y_hat: np.ndarray) -> np.ndarray:
        """Class index per row (multi-class: the likeliest) or per row and column (binary: ŷ ≥ 0.5)."""
        if self.problem == "multiclass":
            return np.argmax(y_hat, axis=1)
        if self.problem == "binary":
            return (y_hat >= 0.5).astype(np.intp)
        raise ValueError("a regression has no classes")

    def class_names(self, column: int = 0) -> tuple[str, ...]:
        return self.classes[column]

    # -- files -----------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "problem": self.problem,
            "inputs": [{"name": c.name, "mean": c.mean, "scale": c.scale,
                        "levels": None if c.levels is None else list(c.levels)} for c in self.inputs],
            "targets": list(self.targets),
            "classes": [list(c) for c in self.classes],
            "target_mean": list(self.target_mean),
            "target_scale": list(self.target_scale),
        }

    @classmethod
    def from_dict(cls, record) -> "Encoding":
        """An encoding a file records, checked strictly (ValueError says what is wrong)."""
        if not isinstance(record, Mapping):
            raise ValueError("the encoding must be a record of named fields")
        expected = {"problem", "inputs", "targets", "classes", "target_mean", "target_scale"}
        if set(record) != expected:
            extra = sorted(set(record) - expected) or sorted(expected - set(record))
            raise ValueError(f"the encoding has an unexpected or missing field {extra[0]!r}")
        problem = record["problem"]
        if problem not in PROBLEMS:
            raise ValueError(f"the encoding's problem must be one of {', '.join(PROBLEMS)}")
        inputs = record["inputs"]
        if not isinstance(inputs, list) or not inputs:
            raise ValueError("the encoding's inputs must be a list of columns")
        columns = []
        for spec in inputs:
            if not isinstance(spec, Mapping) or set(spec) != {"name", "mean", "scale", "levels"}:
                raise ValueError("each input of the encoding needs a name, mean, scale and levels")
            name, mean, scale, levels = spec["name"], spec["mean"], spec["scale"], spec["levels"]
            if not isinstance(name, str) or not _finite(mean) or not _finite(scale) or scale <= 0:
                raise ValueError("an input of the encoding has a bad name, mean or scale")
            if levels is not None:
                levels = _label_list(levels, "an input column's labels")
                if len(levels) > MAX_ONE_HOT:
                    raise ValueError(f"an input of the encoding has more than {MAX_ONE_HOT} labels")
            columns.append(InputColumn(name, float(mean), float(scale), levels))
        targets = record["targets"]
        if not isinstance(targets, list) or not targets or not all(isinstance(t, str) for t in targets):
            raise ValueError("the encoding's targets must be a list of column names")
        classes = record["classes"]
        if not isinstance(classes, list):
            raise ValueError("the encoding's classes must be a list")
        classes = tuple(_label_list(c, "classes of a target") for c in classes)
        mean, scale = record["target_mean"], record["target_scale"]
        if (not isinstance(mean, list) or not isinstance(scale, list) or not all(map(_finite, mean + scale))
                or any(s <= 0 for s in scale)):
            raise ValueError("the encoding's target scaling must be lists of finite numbers")
        if problem == "multiclass":
            ok = len(targets) == 1 and len(classes) == 1 and 2 <= len(classes[0]) <= MAX_CLASSES
        elif problem == "binary":
            ok = len(classes) == len(targets) and all(len(c) == 2 for c in classes)
        else:
            ok = not classes
        if not ok or (problem != "regression" and (mean or scale)) or len(mean) != len(scale) \
                or (scale and len(scale) != len(targets)):
            raise ValueError(f"the encoding's classes or target scaling do not fit a {problem} problem")
        return cls(tuple(columns), problem, tuple(targets), classes,
                   tuple(float(m) for m in mean), tuple(float(s) for s in scale))


def numbered_encoding(n_inputs: int, n_outputs: int) -> Encoding:
    """A network's encoding when nothing names its columns: inputs ``x1`` …, targets ``y`` (or ``y1`` …),
    numbers in and out."""
    targets = ["y"] if n_outputs == 1 else [f"y{j + 1}" for j in range(n_outputs)]
    return plain_encoding([f"x{i + 1}" for i in range(n_inputs)], targets, "regression")


def plain_encoding(inputs: Sequence[str], targets: Sequence[str], problem: str) -> Encoding:
    """Numbers in, numbers out: the inputs as they are and the targets as they are (a binary problem's
    classes 0 and 1). What a network trained before encodings were recorded was trained on."""
    if problem == "multiclass":
        raise ValueError("a multi-class network needs its classes recorded")
    if problem not in PROBLEMS:
        raise ValueError(f"problem: unknown problem {problem!r}; choose from {', '.join(PROBLEMS)}")
    classes = (("0", "1"),) * len(targets) if problem == "binary" else ()
    return Encoding(tuple(InputColumn(name) for name in inputs), problem, tuple(targets), classes)


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _label_list(value, what: str) -> tuple[str, ...]:
    if (not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value)
            or len(set(value)) != len(value)):
        raise ValueError(f"in the encoding, {what} must be a list of different, non-empty texts")
    return tuple(value)


def _mean_and_scale(column: np.ndarray) -> tuple[float, float]:
    mean = float(column.mean())
    scale = float(column.std())
    return mean, (scale if scale > 0 and math.isfinite(scale) else 1.0)


def _present(levels: tuple[str, ...], codes: np.ndarray) -> tuple[str, ...]:
    """The labels of a text column that occur in it, in its sorted order."""
    used = np.unique(codes.astype(np.intp))
    return tuple(levels[i] for i in used.tolist())


def _labels(values: np.ndarray, levels: tuple[str, ...] | None) -> tuple[str, ...]:
    """The different labels of a target column: its text labels present, or its numbers' texts."""
    if levels is not None:
        return _present(levels, values)
    return sort_labels(format_number(v) for v in np.unique(values).tolist())


def _index_by_name(values: np.ndarray, levels: tuple[str, ...] | None, names: tuple[str, ...],
                   what: str) -> np.ndarray:
    """Each row's position in ``names``: text labels (indices into ``levels``) or numbers, matched by text."""
    position = {name: i for i, name in enumerate(names)}
    if levels is not None:
        lookup = np.array([position.get(lv, -1) for lv in levels], dtype=np.intp)
        index = lookup[values.astype(np.intp)]
        texts = levels
        codes = values.astype(np.intp)
    else:
        uniq, inverse = np.unique(values, return_inverse=True)
        texts = tuple(format_number(v) for v in uniq.tolist())
        lookup = np.array([position.get(t, -1) for t in texts], dtype=np.intp)
        index = lookup[inverse.ravel()]
        codes = inverse.ravel()
    if (index < 0).any():
        r = int(np.flatnonzero(index < 0)[0])
        raise EncodingError(f"row {r + 1}, {what}: {texts[codes[r]]!r} is not one of the labels the network was "
                            f"built for ({', '.join(names)})", "Reset builds one for the table's labels")
    return index
