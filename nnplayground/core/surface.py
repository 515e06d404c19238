"""The network's output over its inputs' ranges, the other inputs held fixed: over a plane of two inputs
(the decision surface) or along one input (ŷ against x, for a table with one input of numbers).

Only a column of numbers can be an axis. A column of text labels is always *held*, at one of its labels
(by name, or by its index in the table's labels): the network never sees a value between two labels, so
no ŷ is computed at "colour 1.5", a category that cannot exist."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network
from .table import format_number


@dataclass(frozen=True)
class SurfaceSpec:
    """Which plane to sample: inputs ``x_input`` and ``y_input`` (columns of numbers) vary over their ranges,
    the rest stay at ``fixed`` (one value per input: a number, or a text column's label; the two varying
    ones are ignored there)."""

    x_input: int
    y_input: int
    fixed: tuple[float | str, ...]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    output: int = 0
    resolution: int = 64


@dataclass(frozen=True)
class Surface:
    spec: SurfaceSpec
    xs: np.ndarray  # (resolution,)
    ys: np.ndarray  # (resolution,)
    values: np.ndarray  # (resolution_y, resolution_x): ŷ at (xs[c], ys[r])


@dataclass(frozen=True)
class InputRanges:
    """Each input's span (its values with a 10 % margin) and the value it is held at when it is not an
    axis (a column of numbers: its mean; a column of text labels: its most common label, by name):
    computed once per table, since a view asks for planes far more often than the table changes."""

    spans: tuple[tuple[float, float], ...]
    held: tuple[float | str, ...]
    labels: tuple[tuple[str, ...] | None, ...] = ()  # per input: a text column's labels that occur, or None

    @classmethod
    def of(cls, X: np.ndarray, levels=None) -> "InputRanges":
        """``levels``: the table's labels of its input columns (None for a column of numbers)."""
        X = np.asarray(X, dtype=float)
        levels = (None,) * X.shape[1] if levels is None else tuple(levels)
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = np.where(hi > lo, 0.1 * (hi - lo), 0.5)
        spans = tuple((float(a), float(b)) for a, b in zip(lo - pad, hi + pad))
        held, labels = [], []
        for c, lv in enumerate(levels):
            if lv is None:
                held.append(float(X[:, c].mean()))
                labels.append(None)
                continue
            counts = np.bincount(X[:, c].astype(np.intp), minlength=len(lv))
            held.append(lv[int(counts.argmax())])  # the most common; a tie goes to the first in the table's order
            labels.append(tuple(name for name, n in zip(lv, counts.tolist()) if n))
        return cls(spans, tuple(held), tuple(labels))

    @property
    def axes(self) -> tuple[int, ...]:
        """The inputs that can be an axis: the columns of numbers, in the table's order."""
        return tuple(c for c in range(len(self.spans)) if not self.labels or self.labels[c] is None)

    def spec(self, x_input: int | None = None, y_input: int | None = None, output: int = 0, resolution: int = 64,
             fixed: tuple[float | str, ...] | None = None) -> SurfaceSpec:
        """The plane of two inputs over their spans (by default the first two columns of numbers), the others
        at ``fixed`` (by default their :attr:`held` values). ValueError when an axis is a text column."""
        axes = self.axes
        if x_input is None or y_input is None:
            if len(axes) < 2:
                raise ValueError(f"a plane needs two inputs of numbers; the table has {len(axes)}")
            x_input = axes[0] if x_input is None else x_input
            y_input = next(c for c in axes if c != x_input) if y_input is None else y_input
        for c in (x_input, y_input):
            self._axis(c)
        held = self.held if fixed is None else tuple(fixed)
        return SurfaceSpec(x_input, y_input, held, self.spans[x_input], self.spans[y_input], output, resolution)

    def curve_spec(self, x_input: int | None = None, resolution: int = 200,
                   fixed: tuple[float | str, ...] | None = None) -> CurveSpec:
        """The line along one input over its span (by default the first column of numbers), the others at
        ``fixed`` (by default their :attr:`held` values). ValueError when it is a text column."""
        if x_input is None:
            if not self.axes:
                raise ValueError("a line needs an input of numbers; every input holds text labels")
            x_input = self.axes[0]
        self._axis(x_input)
        held = self.held if fixed is None else tuple(fixed)
        return CurveSpec(x_input, held, self.spans[x_input], resolution)

    def _axis(self, c: int) -> None:
        if not 0 <= c < len(self.spans):
            raise ValueError(f"input {c} does not exist; there are {len(self.spans)}")
        if c not in self.axes:
            raise ValueError(f"input {c + 1} holds text labels ({', '.join(self.labels[c])}): it is held at one "
                             "of them, never an axis")


def rows_holding(X: np.ndarray, levels, fixed) -> np.ndarray:
    """Which rows hold the labels ``fixed`` holds its text inputs at (all rows when there is no text input):
    the rows a plane or a line of ŷ is drawn for."""
    X = np.asarray(X, dtype=float)
    keep = np.ones(X.shape[0], dtype=bool)
    for c, lv in enumerate(levels or ()):
        if lv is None:
            continue
        value = fixed[c]
        code = (lv.index(value) if value in lv else -1) if isinstance(value, str) else float(value)
        keep &= X[:, c] == code
    return keep


def spec_for(X: np.ndarray, x_input: int | None = None, y_input: int | None = None, output: int = 0,
             resolution: int = 64, fixed: tuple[float | str, ...] | None = None, levels=None) -> SurfaceSpec:
    """A plane covering the table's own values of the two inputs (10 % margin), the rest at their held values."""
    return InputRanges.of(X, levels).spec(x_input, y_input, output, resolution, fixed)


def _held_row(fixed, varying: tuple[int, ...], n_inputs: int, encoding, levels) -> tuple[np.ndarray, tuple]:
    """The raw input row the plane or line starts from, and the labels its text columns are read with.
    A text column is never varied and is held at a label: by name (read as that label, whatever the table's
    order), or by an index into the table's labels that is a whole number in range; ValueError otherwise."""
    levels = (None,) * n_inputs if levels is None else tuple(levels)
    if len(levels) != n_inputs:
        raise ValueError(f"labels for {len(levels)} inputs; there are {n_inputs}")
    names = [c.name for c in encoding.inputs] if encoding is not None else [f"input {c + 1}" for c in range(n_inputs)]
    row, read_as = np.zeros(n_inputs), list(levels)
    for c, value in enumerate(fixed):
        text = levels[c] is not None or (encoding is not None and encoding.inputs[c].levels is not None)
        if c in varying:
            if text:
                raise ValueError(f"{names[c]!r} holds text labels: it cannot be an axis; hold it at one of its labels")
            continue
        if isinstance(value, str):
            if not text or encoding is None:
                raise ValueError(f"{names[c]!r} holds numbers: it cannot be held at the label {value!r}")
            read_as[c] = (value,)  # index 0 of its own: matched to the network's labels by name
            continue
        value = float(value)
        if text:
            known = levels[c] or ()
            if not (value == int(value) and 0 <= value < len(known)):
                raise ValueError(f"{names[c]!r} holds text labels: it is held at one of them "
                                 f"({', '.join(known)}), not at {format_number(value)}")
        elif not np.isfinite(value):
            raise ValueError(f"{names[c]!r} cannot be held at {value}")
        row[c] = value
    return row, tuple(read_as)


def grid_inputs(spec: SurfaceSpec, n_inputs: int, encoding=None,
                levels=None) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
    """The plane's raw input rows (x fastest), and the labels to read its text columns with."""
    if spec.x_input == spec.y_input:
        raise ValueError("the surface needs two different inputs")
    if not (0 <= spec.x_input < n_inputs and 0 <= spec.y_input < n_inputs):
        raise ValueError(f"inputs {spec.x_input} and {spec.y_input} do not exist; there are {n_inputs}")
    if len(spec.fixed) != n_inputs:
        raise ValueError(f"{len(spec.fixed)} fixed values for {n_inputs} inputs")
    row, read_as = _held_row(spec.fixed, (spec.x_input, spec.y_input), n_inputs, encoding, levels)
    xs = np.linspace(*spec.x_range, spec.resolution)
    ys = np.linspace(*spec.y_range, spec.resolution)
    gx, gy = np.meshgrid(xs, ys)
    points = np.tile(row, (gx.size, 1))
    points[:, spec.x_input] = gx.ravel()
    points[:, spec.y_input] = gy.ravel()
    return xs, ys, points, read_as


def _predict_raw(network: Network, points: np.ndarray, encoding, levels) -> np.ndarray:
    """ŷ at raw input rows (the table's units; a text column holds label indices), in the table's units:
    through the network's encoding (scaling, one-hot) and back (a regression's scaling undone)."""
    if encoding is None:
        return network.predict(points)
    return encoding.decode(network.predict(encoding.encode_X(points, levels)))


def decision_surface(network: Network, spec: SurfaceSpec, encoding=None, levels=None) -> Surface:
    """ŷ over the plane: output ``spec.output`` (a target column, or a class of a multi-class network:
    its probability), in the table's units when ``encoding`` is given (``levels``: the table's labels of
    its input columns; a text input is held at a label, never varied)."""
    n_inputs = network.n_inputs if encoding is None else len(encoding.inputs)
    xs, ys, points, read_as = grid_inputs(spec, n_inputs, encoding, levels)
    if not 0 <= spec.output < network.n_outputs:
        raise ValueError(f"output {spec.output} does not exist; there are {network.n_outputs}")
    values = _predict_raw(network, points, encoding, read_as)[:, spec.output].reshape(len(ys), len(xs))
    return Surface(spec, xs, ys, values)


@dataclass(frozen=True)
class CurveSpec:
    """Which line to sample: input ``x_input`` (a column of numbers) varies over ``x_range``, the rest stay
    at ``fixed`` (a number, or a text column's label). Every output is computed: with several targets the
    view draws one curve each."""

    x_input: int
    fixed: tuple[float | str, ...]
    x_range: tuple[float, float]
    resolution: int = 200


@dataclass(frozen=True)
class Curve:
    spec: CurveSpec
    xs: np.ndarray  # (resolution,)
    values: np.ndarray  # (resolution, n_outputs): ŷ at xs[i]


def curve_inputs(spec: CurveSpec, n_inputs: int, encoding=None, levels=None) -> tuple[np.ndarray, np.ndarray, tuple]:
    """The line's raw input rows, and the labels to read its text columns with."""
    if not 0 <= spec.x_input < n_inputs:
        raise ValueError(f"input {spec.x_input} does not exist; there are {n_inputs}")
    if len(spec.fixed) != n_inputs:
        raise ValueError(f"{len(spec.fixed)} fixed values for {n_inputs} inputs")
    row, read_as = _held_row(spec.fixed, (spec.x_input,), n_inputs, encoding, levels)
    xs = np.linspace(*spec.x_range, spec.resolution)
    points = np.tile(row, (len(xs), 1))
    points[:, spec.x_input] = xs
    return xs, points, read_as


def output_curve(network: Network, spec: CurveSpec, encoding=None, levels=None) -> Curve:
    """ŷ along one input: for a table with one input, the whole function the network has learned (in
    the table's units when ``encoding`` is given)."""
    n_inputs = network.n_inputs if encoding is None else len(encoding.inputs)
    xs, points, read_as = curve_inputs(spec, n_inputs, encoding, levels)
    return Curve(spec, xs, _predict_raw(network, points, encoding, read_as))


# What the output view asks for -> what computes it: the worker needs no other case.
OUTPUT_VIEWS = {SurfaceSpec: decision_surface, CurveSpec: output_curve}


def output_view(network: Network, spec: SurfaceSpec | CurveSpec, encoding=None, levels=None) -> Surface | Curve:
    return OUTPUT_VIEWS[type(spec)](network, spec, encoding, levels)
