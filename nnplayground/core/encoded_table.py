"""A table as a network's :class:`~.encoding.Encoding` makes it: the numbers the network trains on, each
column saying where it came from and how. The window's "as the network sees it" view shows this.

The numbers are the encoding's own (``encode_inputs`` and ``encode_targets``), never recomputed here, so
what is shown is exactly what the network is fed: inputs x̃ = (x − μ)/σ, a text input as one 0/1 column per
label (``colour=red``), targets one-hot per class (multi-class), 0/1 (binary) or scaled (regression).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .encoding import Encoding
from .table import INPUT, TARGET, TrainingTable, format_number

SCALED, AS_TYPED, ONE_HOT, CLASS = "scaled", "as typed", "one-hot", "class"  # how a column was made


def short(value: float) -> str:
    """μ or σ in a header: three significant digits ("5.84", "0.825", "152")."""
    return format_number(float(f"{value:.3g}"))


def precise(value: float) -> str:
    """μ, σ or a scaled value in a tooltip or a formula: five significant digits."""
    return format_number(float(f"{value:.5g}"))


@dataclass(frozen=True)
class EncodedColumn:
    """One column of the network's numbers: an input or one output's target."""

    name: str  # the network's name for it: "sepal_length", "colour=red", "species=setosa"
    source: str  # the table's column it comes from
    role: str  # INPUT or TARGET
    how: str  # SCALED, AS_TYPED, ONE_HOT (one label of a text column) or CLASS (a binary target's 0/1)
    mean: float = 0.0  # SCALED: x̃ = (x − mean) / scale
    scale: float = 1.0
    label: str | None = None  # ONE_HOT: the label this column is 1 for; CLASS: the label taken as 1
    other: str | None = None  # CLASS: the label taken as 0

    @property
    def detail(self) -> str:
        """A header's second line: μ and σ, the label a one-hot column stands for, or the 0/1 classes."""
        if self.how == SCALED:
            return f"μ {short(self.mean)} σ {short(self.scale)}"
        if self.how == ONE_HOT:
            return "one-hot"
        if self.how == CLASS:
            return f"1 = {self.label}" if (self.other, self.label) != ("0", "1") else "0/1 as typed"
        return "as typed"

    def describe(self) -> str:
        """What the column is, in a sentence or two (a header's tooltip)."""
        what = "input" if self.role == INPUT else "target"
        if self.how == SCALED:
            return (f"{self.name}: the {what} {self.source!r} scaled, x̃ = (x − μ) / σ, with μ = {precise(self.mean)} "
                    f"and σ = {precise(self.scale)}: the column's mean and standard deviation when the network was "
                    "built (Reset). Most values land between −2 and 2, whatever the column's units.")
        if self.how == ONE_HOT:
            if self.role == INPUT:
                return (f"{self.name}: one of the 0/1 inputs the text column {self.source!r} becomes (one-hot): "
                        f"1 in the rows whose {self.source} is {self.label!r}, else 0.")
            return (f"{self.name}: the target of the output for class {self.label!r} (one-hot): 1 in the rows of that "
                    "class, else 0. The network's outputs for the classes are probabilities adding up to 1.")
        if self.how == CLASS:
            return (f"{self.name}: the target as a class, {self.other!r} → 0 and {self.label!r} → 1; the network's "
                    f"output is the probability of {self.label!r}.")
        return f"{self.name}: the {what} as typed (scaling is off)."

    def formula(self, typed: str, value: float) -> str:
        """How one cell was made from the table's cell ``typed`` (a cell's tooltip)."""
        shown = precise(value)
        if self.how == SCALED:
            shift = f"− {precise(self.mean)}" if self.mean >= 0 else f"+ {precise(-self.mean)}"
            return f"({typed} {shift}) / {precise(self.scale)} = {shown}"
        if self.how == ONE_HOT:
            return f"{self.source} is {typed!r}: {'1' if value else '0'} (1 only if it is {self.label!r})"
        if self.how == CLASS:
            return f"{self.source} is {typed!r}: {shown}"
        return f"{typed}, as typed"


@dataclass(frozen=True, eq=False)
class EncodedTable:
    """The network's inputs X̃ and targets Ỹ for every row of ``table``, with a column for each."""

    columns: tuple[EncodedColumn, ...]
    X: np.ndarray  # (n_rows, n_inputs)
    Y: np.ndarray  # (n_rows, n_outputs)
    table: TrainingTable

    @property
    def n_rows(self) -> int:
        return self.X.shape[0]

    @property
    def n_inputs(self) -> int:
        return self.X.shape[1]

    def value(self, row: int, column: int) -> float:
        n = self.X.shape[1]
        return self.X.item(row, column) if column < n else self.Y.item(row, column - n)

    def typed(self, row: int, column: int) -> str:
        """The table's cell this number was made from, as the table reads it."""
        c = self.table.columns.index(self.columns[column].source)
        levels = self.table.levels[c]
        value = self.table.data.item(row, c)
        return format_number(value) if levels is None else levels[int(value)]

    def formula(self, row: int, column: int) -> str:
        return self.columns[column].formula(self.typed(row, column), self.value(row, column))


def encode_table(encoding: Encoding, table: TrainingTable) -> EncodedTable:
    """``table`` as ``encoding`` feeds it to the network (:class:`~.encoding.EncodingError` if it can't)."""
    X, Y = encoding.encode_inputs(table), encoding.encode_targets(table)
    columns = []
    for spec in encoding.inputs:
        if spec.levels is not None:
            columns += [EncodedColumn(name, spec.name, INPUT, ONE_HOT, label=label)
                        for name, label in zip(spec.input_names, spec.levels)]
        elif spec.scaled:
            columns.append(EncodedColumn(spec.name, spec.name, INPUT, SCALED, spec.mean, spec.scale))
        else:
            columns.append(EncodedColumn(spec.name, spec.name, INPUT, AS_TYPED))
    if encoding.problem == "multiclass":
        source = encoding.targets[0]
        columns += [EncodedColumn(f"{source}={label}", source, TARGET, ONE_HOT, label=label)
                    for label in encoding.classes[0]]
    elif encoding.problem == "binary":
        columns += [EncodedColumn(name, name, TARGET, CLASS, label=classes[1], other=classes[0])
                    for name, classes in zip(encoding.targets, encoding.classes)]
    else:
        for t, name in enumerate(encoding.targets):
            if encoding.scales_targets:
                columns.append(EncodedColumn(name, name, TARGET, SCALED, encoding.target_mean[t],
                                             encoding.target_scale[t]))
            else:
                columns.append(EncodedColumn(name, name, TARGET, AS_TYPED))
    return EncodedTable(tuple(columns), X, Y, table)


def true_classes(encoding: Encoding, table: TrainingTable) -> np.ndarray:
    """Each row's class as an index into the encoding's classes, shaped as :meth:`Encoding.predicted_classes`
    gives them for ŷ: (n_rows,) for multi-class, (n_rows, n_targets) for binary."""
    Y = encoding.encode_targets(table)
    if encoding.problem == "multiclass":
        return np.argmax(Y, axis=1)
    if encoding.problem == "binary":
        return Y.astype(np.intp)
    raise ValueError("a regression has no classes")
