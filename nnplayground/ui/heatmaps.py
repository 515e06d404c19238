"""One heatmap per layer, W above b, on a diverging colour map centred on 0 with symmetric levels
shared by every layer, so equal colours mean equal values. Hovering names the value and the two
neurons a weight joins."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGraphicsItem

from .loss_plot import cache_axes, nice_ceiling

COLORMAP = "CET-D1"  # blue (negative), near-white (0), red (positive)
BIAS_GAP = 0.35  # rows between W and b in a layer's picture


def unit_names(layer_sizes: Sequence[int], inputs: Sequence[str], targets: Sequence[str]) -> list[list[str]]:
    """A name for every neuron: input and target columns by name, hidden units as h<layer>.<unit>."""
    names = [list(inputs)]
    for l, n in enumerate(layer_sizes[1:-1], start=1):
        names.append([f"h{l}.{j + 1}" for j in range(n)])
    names.append(list(targets))
    return names


def _short(names: Sequence[str], n: int, most: int = 24) -> list[str]:
    """Tick labels; past ``most`` units only every k-th is named, so labels never overlap."""
    step = max(1, -(-n // most))
    return [name if i % step == 0 else "" for i, name in enumerate(names[:n])]


class _CellImage(pg.ImageItem):
    def __init__(self, heatmaps: "WeightHeatmaps", layer: int, kind: str):
        super().__init__(axisOrder="row-major")
        self._heatmaps, self._layer, self._kind = heatmaps, layer, kind
        self.setAcceptHoverEvents(True)

    def hoverEvent(self, event):
        if event.isExit() or self.image is None:
            self._heatmaps._hover(None)
            return
        p = event.pos()
        row, col = int(p.y()), int(p.x())
        if 0 <= row < self.image.shape[0] and 0 <= col < self.image.shape[1]:
            text = self._heatmaps.describe(self._layer, self._kind, row, col)
            self.setToolTip(text)
            self._heatmaps._hover(text)


class WeightHeatmaps(pg.GraphicsLayoutWidget):
    hovered = Signal(str)
    title_prefix = ""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self._cmap = pg.colormap.get(COLORMAP)
        self._shapes: tuple | None = None
        self._use_bias = False
        self.weight_images: list[_CellImage] = []
        self.bias_images: list[_CellImage] = []
        self._weights: list[np.ndarray] = []
        self._biases: list[np.ndarray] = []
        self._names: list[list[str]] = []
        self._bar: pg.ColorBarItem | None = None
        self.limit = 1.0  # the colour scale runs from −limit to +limit

    # -- data in --------------------------------------------------------------------------------
    def set_parameters(self, weights, biases, use_bias: bool, names: list[list[str]]) -> None:
        shapes = (tuple(w.shape for w in weights), use_bias)
        if shapes != self._shapes or names != self._names:
            self._build([w.shape for w in weights], use_bias, names)
            self._shapes = shapes
        self._weights, self._biases, self._names, self._use_bias = list(weights), list(biases), names, use_bias
        largest = max((float(np.abs(p).max()) for p in [*weights, *(biases if use_bias else [])]), default=0.0)
        # A round limit (1, 1.2, 1.5, 2, …): the colour bar keeps still while weights grow, and its
        # ticks stay readable. ±limit is the same for every layer, so equal colours mean equal values.
        limit = nice_ceiling(largest) if largest > 0 else 1.0
        self.limit = limit
        for img, w in zip(self.weight_images, weights):
            img.setImage(w, autoLevels=False, levels=(-limit, limit))
        for img, b in zip(self.bias_images, biases):
            img.setImage(b.reshape(1, -1), autoLevels=False, levels=(-limit, limit))
        if self._bar.levels() != (-limit, limit):  # setLevels redraws the bar's axis even when unchanged
            self._bar.setLevels((-limit, limit))

    def _build(self, shapes, use_bias: bool, names: list[list[str]]) -> None:
        self.clear()
        self.weight_images, self.bias_images = [], []
        for l, (n_in, n_out) in enumerate(shapes):
            label = f"W{l + 1}  {n_in}×{n_out}" + (f"  + b{l + 1}" if use_bias else "")
            plot = self.addPlot(row=0, col=l, title=label)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.getViewBox().invertY(True)
            plot.getViewBox().setAspectLocked(True)  # square cells
            # Ticks name the neurons: rows are where a weight comes from, columns where it goes.
            rows = [(i + 0.5, n) for i, n in enumerate(_short(names[l], n_in))]
            if use_bias:
                rows.append((n_in + BIAS_GAP + 0.5, "bias"))
            plot.getAxis("left").setTicks([rows, []])
            plot.getAxis("bottom").setTicks([[(j + 0.5, n) for j, n in enumerate(_short(names[l + 1], n_out))], []])
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setStyle(tickLength=0)
            cache_axes(plot)
            w_img = _CellImage(self, l, "W")
            w_img.setColorMap(self._cmap)
            plot.addItem(w_img)
            self.weight_images.append(w_img)
            b_img = _CellImage(self, l, "b")
            b_img.setColorMap(self._cmap)
            b_img.setPos(0, n_in + BIAS_GAP)
            if use_bias:
                plot.addItem(b_img)
            self.bias_images.append(b_img)
            plot.setRange(xRange=(0, n_out), yRange=(0, n_in + (1 + BIAS_GAP if use_bias else 0)), padding=0.02)
        self._bar = pg.ColorBarItem(values=(-1, 1), colorMap=self._cmap, interactive=False, width=14)
        self._bar.getAxis("right").setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self._bar.setImageItem(self.weight_images + self.bias_images)
        self.addItem(self._bar, row=0, col=len(shapes))

    # -- hover ----------------------------------------------------------------------------------
    def describe(self, layer: int, kind: str, row: int, col: int) -> str:
        to = self._names[layer + 1][col] if self._names else f"unit {col + 1}"
        if kind == "b":
            return f"b{layer + 1}[{to}] = {self._biases[layer][col]!r}  (bias of {to})"
        frm = self._names[layer][row] if self._names else f"unit {row + 1}"
        return f"W{layer + 1}[{row + 1}, {col + 1}] = {self._weights[layer][row, col]!r}  ({frm} → {to})"

    def _hover(self, text: str | None) -> None:
        self.hovered.emit(text or "")
