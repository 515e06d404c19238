"""What the network diagram draws and where, in numbers alone (no Qt), so both can be tested as such.

Level of detail: a network of a few hundred edges is drawn whole. Past EDGE_BUDGET edges each unit
keeps only its K strongest incoming edges (its bias competing with its weights), K chosen so that
about EDGE_BUDGET edges are drawn, at least one per unit; layers past MAX_LAYERS and units past
MAX_UNITS are not drawn. :func:`hidden_note` says what is left out. A frame's cost then depends on
what is drawn, not on the network's size.

Geometry: a column per layer, its units evenly spaced; nodes shrink with the spacing and, once
smaller than NODE_MIN pixels, a layer is drawn as a strip of cells (one per unit) instead of circles.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

EDGE_BUDGET = 400  # edges drawn, about, before only the strongest into each unit are kept
MAX_UNITS = 256  # units drawn per layer (the first ones)
MAX_LAYERS = 12  # weight layers drawn (the first ones)
WIDTHS = (0.6, 1.2, 2.0, 3.0, 4.2)  # pen widths by |w| / largest |w|, in fifths
NODE_MAX, NODE_MIN = 20.0, 5.0  # node diameters in pixels; below NODE_MIN a layer is a strip
STRIP_WIDTH = 7.0
INK_SHARE, MIN_EDGE_SCALE = 0.3, 0.25  # edges' ink: share of the drawing, and the narrowest pens (× WIDTHS)
BIAS_ROW = 22.0  # pixels above the units where the bias nodes (+1) sit

EDGE_DTYPE = np.dtype([("kind", "U1"), ("layer", int), ("i", int), ("j", int), ("w", float),
                       ("x0", float), ("y0", float), ("x1", float), ("y1", float), ("sign", int), ("bucket", int)])
NODE_DTYPE = np.dtype([("layer", int), ("unit", int), ("x", float), ("y", float), ("rx", float), ("ry", float),
                       ("a", float)])


@dataclass(frozen=True)
class Plan:
    """Which part of a network of layer ``sizes`` is drawn, and how many edges into each unit."""

    sizes: tuple[int, ...]  # every layer's units, inputs first
    shown: tuple[int, ...]  # units drawn in each drawn layer
    use_bias: bool
    per_unit: int  # K: edges kept into each unit (its largest fan-in when nothing is thinned)
    total: int  # edges (weights and biases) in the whole network

    @property
    def fan_in(self) -> int:
        """The most edges into one drawn unit (its bias included)."""
        return max(self.shown[:-1]) + self.use_bias

    @property
    def thinned(self) -> bool:
        return self.per_unit < self.fan_in

    def drawn(self) -> int:
        """Edges drawn: K (or all there are) into each drawn unit."""
        return sum(min(self.per_unit, n_in + self.use_bias) * n_out for n_in, n_out in zip(self.shown, self.shown[1:]))


def plan(sizes: Sequence[int], use_bias: bool, budget: int = EDGE_BUDGET) -> Plan:
    sizes = tuple(int(n) for n in sizes)
    shown = tuple(min(n, MAX_UNITS) for n in sizes[: MAX_LAYERS + 1])
    total = sum(n_in * n_out + use_bias * n_out for n_in, n_out in zip(sizes, sizes[1:]))
    fan_in = max(shown[:-1]) + use_bias
    edges = sum((n_in + use_bias) * n_out for n_in, n_out in zip(shown, shown[1:]))
    per_unit = fan_in if edges <= budget else max(1, budget // sum(shown[1:]))
    return Plan(sizes, shown, bool(use_bias), min(per_unit, fan_in), total)


def strongest_incoming(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], p: Plan):
    """For each drawn layer, (i, j): the K strongest |w| into each unit j, K = ``p.per_unit``; i equal
    to the layer's drawn inputs stands for unit j's bias. NaN counts as the strongest."""
    chosen = []
    for l, (n_in, n_out) in enumerate(zip(p.shown, p.shown[1:])):
        magnitude = np.abs(weights[l][:n_in, :n_out])
        if p.use_bias:
            magnitude = np.vstack([magnitude, np.abs(biases[l][:n_out])[None, :]])
        rows = magnitude.shape[0]
        k = min(p.per_unit, rows)
        if k == rows:
            i, j = np.divmod(np.arange(rows * n_out), n_out)
        elif k == 1:
            i, j = np.nan_to_num(magnitude, nan=np.inf).argmax(axis=0), np.arange(n_out)
        else:
            i = np.argpartition(np.nan_to_num(magnitude, nan=np.inf), rows - k, axis=0)[rows - k:].ravel()
            j = np.tile(np.arange(n_out), k)
        chosen.append((i, j))
    return chosen


def hidden_note(p: Plan) -> str:
    """What the diagram leaves out, in one sentence that starts with the count ("" when it draws everything)."""
    parts = []
    if p.thinned:
        bias = ", bias included" if p.use_bias else ""
        strongest = "strongest incoming edge" if p.per_unit == 1 else f"{p.per_unit} strongest incoming edges"
        parts.append(f"each unit shows its {strongest} (of up to {p.fan_in}{bias})")
    if any(s < n for s, n in zip(p.shown, p.sizes)):
        parts.append(f"layers show their first {MAX_UNITS} units")
    n_layers = len(p.sizes) - 1
    if n_layers > MAX_LAYERS:
        parts.append(f"the first {MAX_LAYERS} of {n_layers} layers are shown")
    if not parts:
        return ""
    return f"{p.total - p.drawn():,} of {p.total:,} edges hidden: {'; '.join(parts)}."


def buckets(w: np.ndarray, largest: float) -> np.ndarray:
    """Width bucket of each |w| (0 thinnest … len(WIDTHS) - 1): |w| / largest in equal steps."""
    ratio = np.abs(w) / largest if largest > 0 else np.zeros_like(w)
    ratio = np.nan_to_num(ratio, nan=1.0, posinf=1.0)
    return np.minimum((ratio * len(WIDTHS)).astype(int), len(WIDTHS) - 1)


@dataclass(frozen=True)
class Geometry:
    """Where each drawn layer's column and units are, in pixels."""

    xs: np.ndarray  # each column's centre
    ys: tuple[np.ndarray, ...]  # each layer's unit centres, first unit on top
    spacing: tuple[float, ...]  # between neighbouring units of each layer
    diameter: tuple[float, ...]  # node size of each layer (a strip below NODE_MIN)
    bias_y: float | None  # the bias nodes' row, when the network has biases

    def is_strip(self, layer: int) -> bool:
        return self.diameter[layer] < NODE_MIN

    def extents(self, layer: int) -> tuple[float, float]:
        """Half width and half height of one unit's node (a circle, or a strip's cell)."""
        if self.is_strip(layer):
            return STRIP_WIDTH / 2, self.spacing[layer] / 2
        return self.diameter[layer] / 2, self.diameter[layer] / 2


def geometry(shown: Sequence[int], use_bias: bool, left: float, top: float, right: float, bottom: float) -> Geometry:
    """Columns spread from ``left`` to ``right``; units centred in ``top``…``bottom`` under the bias row."""
    n = len(shown)
    xs = np.linspace(left, right, n) if n > 1 else np.array([(left + right) / 2])
    bias_y = top + BIAS_ROW / 2 if use_bias else None
    top_units = top + (BIAS_ROW if use_bias else 0.0)
    height = max(bottom - top_units, 1.0)
    middle = (top_units + bottom) / 2
    ys, spacing, diameter = [], [], []
    for m in shown:
        s = min(height / m, NODE_MAX * 1.9)
        ys.append(middle + (np.arange(m) - (m - 1) / 2) * s)
        spacing.append(s)
        diameter.append(min(NODE_MAX, 0.72 * s))
    return Geometry(xs, tuple(ys), tuple(spacing), tuple(diameter), bias_y)


def edge_values(chosen, weights, biases, p: Plan) -> tuple[list, float]:
    """Each drawn layer's (w, is_bias) for its chosen edges, and the largest finite |w| among them all."""
    values, largest = [], 0.0
    for l, (i, j) in enumerate(chosen):
        is_bias = i == p.shown[l]
        w = np.empty(i.size)
        w[~is_bias] = weights[l][i[~is_bias], j[~is_bias]]
        if p.use_bias:
            w[is_bias] = biases[l][j[is_bias]]
        values.append((w, is_bias))
        finite = np.abs(w[np.isfinite(w)])
        if finite.size:
            largest = max(largest, float(finite.max()))
    return values, largest


def place_edges(chosen, values, largest: float, p: Plan, g: Geometry) -> np.ndarray:
    """The drawn edges as rows of EDGE_DTYPE, in pixels, thinnest first (so the strongest lie on top)."""
    parts = []
    for l, ((i, j), (w, is_bias)) in enumerate(zip(chosen, values)):
        rows = np.zeros(i.size, dtype=EDGE_DTYPE)
        rows["kind"] = np.where(is_bias, "b", "W")
        rows["layer"], rows["i"], rows["j"], rows["w"] = l, np.where(is_bias, 0, i), j, w
        rows["x0"], rows["x1"] = g.xs[l], g.xs[l + 1]
        rows["y0"] = g.ys[l][np.minimum(i, p.shown[l] - 1)]
        if p.use_bias:
            rows["y0"][is_bias] = g.bias_y
        rows["y1"] = g.ys[l + 1][j]
        rows["sign"] = np.where(w < 0, -1, 1)
        rows["bucket"] = buckets(w, largest)
        parts.append(rows)
    edges = np.concatenate(parts) if parts else np.zeros(0, dtype=EDGE_DTYPE)
    return edges[np.argsort(edges["bucket"], kind="stable")]


def layer_limits(row_activations, shown: Sequence[int]) -> list[float] | None:
    """Each drawn layer's colour limit, max(1, its largest |a|); None before any activation is known."""
    if not row_activations:
        return None
    limits = []
    for l, m in enumerate(shown):
        a = np.asarray(row_activations[l], dtype=float).ravel()[:m] if l < len(row_activations) else np.zeros(0)
        a = np.abs(a[np.isfinite(a)])
        limits.append(max(1.0, float(a.max())) if a.size else 1.0)
    return limits


def edge_scale(edges: np.ndarray, area: float) -> float:
    """A factor on every pen so that the edges' ink covers at most INK_SHARE of the drawing's ``area``
    (pixels²): many strong edges would otherwise merge into one block of colour."""
    widths = np.asarray(WIDTHS)[edges["bucket"]]
    ink = float(np.sum(widths * np.hypot(edges["x1"] - edges["x0"], edges["y1"] - edges["y0"])))
    return float(np.clip(INK_SHARE * area / ink, MIN_EDGE_SCALE, 1.0)) if ink > 0 else 1.0


def place_nodes(p: Plan, g: Geometry, row_activations) -> np.ndarray:
    """Every drawn unit as a row of NODE_DTYPE: centre, half extents and activation (NaN if none yet)."""
    parts = []
    for l, m in enumerate(p.shown):
        rows = np.zeros(m, dtype=NODE_DTYPE)
        rows["layer"], rows["unit"], rows["x"], rows["y"] = l, np.arange(m), g.xs[l], g.ys[l]
        rows["rx"], rows["ry"] = g.extents(l)
        rows["a"] = np.nan
        if l < len(row_activations):
            a = np.asarray(row_activations[l], dtype=float).ravel()[:m]
            rows["a"][: a.size] = a
        parts.append(rows)
    return np.concatenate(parts)


def label_step(spacing: float, line_height: float) -> int:
    """Name every k-th unit so names stay at least a line apart."""
    return max(1, int(np.ceil(line_height / max(spacing, 1e-9))))
