"""The network's output over its inputs' ranges, the other inputs held fixed: over a plane of two inputs
(the decision surface) or along one input (ŷ against x, for a table with one input)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network


@dataclass(frozen=True)
class SurfaceSpec:
    """Which plane to sample: inputs ``x_input`` and ``y_input`` vary over their ranges, the rest
    stay at ``fixed`` (one value per input; the two varying ones are ignored there)."""

    x_input: int
    y_input: int
    fixed: tuple[float, ...]
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
    """Each input's span (its values with a 10 % margin) and mean: computed once per table, since a
    view asks for planes far more often than the table changes."""

    spans: tuple[tuple[float, float], ...]
    means: tuple[float, ...]

    @classmethod
    def of(cls, X: np.ndarray) -> "InputRanges":
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = np.where(hi > lo, 0.1 * (hi - lo), 0.5)
        spans = tuple((float(a), float(b)) for a, b in zip(lo - pad, hi + pad))
        return cls(spans, tuple(float(m) for m in X.mean(axis=0)))

    def spec(self, x_input: int = 0, y_input: int = 1, output: int = 0, resolution: int = 64,
             fixed: tuple[float, ...] | None = None) -> SurfaceSpec:
        """The plane of two inputs over their spans, the others at ``fixed`` (their means by default)."""
        held = self.means if fixed is None else tuple(fixed)
        return SurfaceSpec(x_input, y_input, held, self.spans[x_input], self.spans[y_input], output, resolution)

    def curve_spec(self, x_input: int = 0, resolution: int = 200, fixed: tuple[float, ...] | None = None) -> CurveSpec:
        """The line along one input over its span, the others at ``fixed`` (their means by default)."""
        held = self.means if fixed is None else tuple(fixed)
        return CurveSpec(x_input, held, self.spans[x_input], resolution)


def spec_for(X: np.ndarray, x_input: int = 0, y_input: int = 1, output: int = 0, resolution: int = 64,
             fixed: tuple[float, ...] | None = None) -> SurfaceSpec:
    """A plane covering the table's own values of the two inputs (10 % margin), the rest at their means."""
    return InputRanges.of(X).spec(x_input, y_input, output, resolution, fixed)


def grid_inputs(spec: SurfaceSpec, n_inputs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if spec.x_input == spec.y_input:
        raise ValueError("the surface needs two different inputs")
    if not (0 <= spec.x_input < n_inputs and 0 <= spec.y_input < n_inputs):
        raise ValueError(f"inputs {spec.x_input} and {spec.y_input} do not exist; there are {n_inputs}")
    if len(spec.fixed) != n_inputs:
        raise ValueError(f"{len(spec.fixed)} fixed values for {n_inputs} inputs")
    xs = np.linspace(*spec.x_range, spec.resolution)
    ys = np.linspace(*spec.y_range, spec.resolution)
    gx, gy = np.meshgrid(xs, ys)
    points = np.tile(np.asarray(spec.fixed, dtype=float), (gx.size, 1))
    points[:, spec.x_input] = gx.ravel()
    points[:, spec.y_input] = gy.ravel()
    return xs, ys, points


def _predict_raw(network: Network, points: np.ndarray, encoding, levels) -> np.ndarray:
    """ŷ at raw input rows (the table's units; a text column holds label indices), in the table's units:
    through the network's encoding (scaling, one-hot) and back (a regression's scaling undone)."""
    if encoding is None:
        return network.predict(points)
    return encoding.decode(network.predict(encoding.encode_X(points, levels)))


def decision_surface(network: Network, spec: SurfaceSpec, encoding=None, levels=None) -> Surface:
    """ŷ over the plane: output ``spec.output`` (a target column, or a class of a multi-class network:
    its probability), in the table's units when ``encoding`` is given (``levels``: the table's labels of
    its input columns, for text inputs held at a label)."""
    n_inputs = network.n_inputs if encoding is None else len(encoding.inputs)
    xs, ys, points = grid_inputs(spec, n_inputs)
    if not 0 <= spec.output < network.n_outputs:
        raise ValueError(f"output {spec.output} does not exist; there are {network.n_outputs}")
    values = _predict_raw(network, points, encoding, levels)[:, spec.output].reshape(len(ys), len(xs))
    return Surface(spec, xs, ys, values)


@dataclass(frozen=True)
class CurveSpec:
    """Which line to sample: input ``x_input`` varies over ``x_range``, the rest stay at ``fixed``.
    Every output is computed: with several targets the view draws one curve each."""

    x_input: int
    fixed: tuple[float, ...]
    x_range: tuple[float, float]
    resolution: int = 200


@dataclass(frozen=True)
class Curve:
    spec: CurveSpec
    xs: np.ndarray  # (resolution,)
    values: np.ndarray  # (resolution, n_outputs): ŷ at xs[i]


def curve_inputs(spec: CurveSpec, n_inputs: int) -> tuple[np.ndarray, np.ndarray]:
    if not 0 <= spec.x_input < n_inputs:
        raise ValueError(f"input {spec.x_input} does not exist; there are {n_inputs}")
    if len(spec.fixed) != n_inputs:
        raise ValueError(f"{len(spec.fixed)} fixed values for {n_inputs} inputs")
    xs = np.linspace(*spec.x_range, spec.resolution)
    points = np.tile(np.asarray(spec.fixed, dtype=float), (len(xs), 1))
    points[:, spec.x_input] = xs
    return xs, points


def output_curve(network: Network, spec: CurveSpec, encoding=None, levels=None) -> Curve:
    """ŷ along one input: for a table with one input, the whole function the network has learned (in
    the table's units when ``encoding`` is given)."""
    n_inputs = network.n_inputs if encoding is None else len(encoding.inputs)
    xs, points = curve_inputs(spec, n_inputs)
    return Curve(spec, xs, _predict_raw(network, points, encoding, levels))


# What the output view asks for -> what computes it: the worker needs no other case.
OUTPUT_VIEWS = {SurfaceSpec: decision_surface, CurveSpec: output_curve}


def output_view(network: Network, spec: SurfaceSpec | CurveSpec, encoding=None, levels=None) -> Surface | Curve:
    return OUTPUT_VIEWS[type(spec)](network, spec, encoding, levels)
