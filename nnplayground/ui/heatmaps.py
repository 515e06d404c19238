"""Weights and their gradients as heatmaps: one column per layer, W (and b) above, ∂L/∂W below.

Each row has a diverging colour map centred on 0 with symmetric levels shared by all its layers,
so equal colours mean equal values; the limit is rounded so the colour bar keeps still while
values grow. Hovering names the value and the two neurons a weight joins; clicking asks for its
chain rule.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGraphicsItem

from .loss_plot import cache_axes, nice_ceiling

COLORMAP = "CET-D1"  # blue (negative), near-white (0), red (positive)
BIAS_GAP = 0.35  # rows between W and b in a layer's picture
ROWS = ("value", "gradient")


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
    def __init__(self, heatmaps: "WeightHeatmaps", row: str, layer: int, kind: str):
        super().__init__(axisOrder="row-major")
        self._heatmaps, self._row, self._layer, self._kind = heatmaps, row, layer, kind
        self.setAcceptHoverEvents(True)

    def _cell(self, pos):
        r, c = int(pos.y()), int(pos.x())
        if self.image is not None and 0 <= r < self.image.shape[0] and 0 <= c < self.image.shape[1]:
            return r, c
        return None

    def hoverEvent(self, event):
        cell = None if event.isExit() else self._cell(event.pos())
        if cell is None:
            self._heatmaps.hovered.emit("")
            return
        text = self._heatmaps.describe(self._layer, self._kind, *cell, which=self._row)
        self.setToolTip(text + "\nclick: its chain rule")
        self._heatmaps.hovered.emit(text)

    def mouseClickEvent(self, event):
        cell = self._cell(event.pos())
        if cell is not None:
            event.accept()
            r, c = cell
            self._heatmaps.clicked.emit(self._kind, self._layer, 0 if self._kind == "b" else r, c)


class WeightHeatmaps(pg.GraphicsLayoutWidget):
    hovered = Signal(str)
    clicked = Signal(str, int, int, int)  # kind ("W" or "b"), layer, i, j

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self._cmap = pg.colormap.get(COLORMAP)
        self._shapes: tuple | None = None
        self._names: list[list[str]] = []
        self.weight_images: list[_CellImage] = []
        self.bias_images: list[_CellImage] = []
        self.gradient_images: list[_CellImage] = []
        self.bias_gradient_images: list[_CellImage] = []
        self._data: dict[str, tuple[list, list]] = {row: ([], []) for row in ROWS}
        self._bars: dict[str, pg.ColorBarItem] = {}
        self.limits = {row: 1.0 for row in ROWS}  # each row's colour scale runs from −limit to +limit

    # -- data in --------------------------------------------------------------------------------
    def set_parameters(self, weights, biases, use_bias: bool, names: list[list[str]],
                       gradients=None, bias_gradients=None) -> None:
        shapes = (tuple(w.shape for w in weights), use_bias)
        if shapes != self._shapes or names != self._names:
            self._build([w.shape for w in weights], use_bias, names)
            self._shapes, self._names = shapes, names
        if gradients is None or not len(gradients):
            gradients = [np.zeros_like(w) for w in weights]
            bias_gradients = [np.zeros_like(b) for b in biases]
        self._show("value", weights, biases, use_bias, self.weight_images, self.bias_images)
        self._show("gradient", gradients, bias_gradients, use_bias, self.gradient_images, self.bias_gradient_images)

    def _show(self, row, mats, vecs, use_bias, mat_images, vec_images):
        self._data[row] = (list(mats), list(vecs))
        largest = max((float(np.abs(p).max()) for p in [*mats, *(vecs if use_bias else [])]), default=0.0)
        limit = nice_ceiling(largest) if largest > 0 else 1.0
        self.limits[row] = limit
        for img, m in zip(mat_images, mats):
            img.setImage(m, autoLevels=False, levels=(-limit, limit))
        for img, v in zip(vec_images, vecs):
            img.setImage(np.asarray(v).reshape(1, -1), autoLevels=False, levels=(-limit, limit))
        bar = self._bars[row]
        if bar.levels() != (-limit, limit):  # setLevels redraws the bar's axis even when unchanged
            bar.setLevels((-limit, limit))

    def _build(self, shapes, use_bias: bool, names: list[list[str]]) -> None:
        self.clear()
        self.weight_images, self.bias_images = [], []
        self.gradient_images, self.bias_gradient_images = [], []
        for r, row in enumerate(ROWS):
            mats, vecs = (self.weight_images, self.bias_images) if row == "value" else (
                self.gradient_images, self.bias_gradient_images)
            for l, (n_in, n_out) in enumerate(shapes):
                k = l + 1
                title = (f"W{k}" + (f" + b{k}" if use_bias else "")) if row == "value" else (
                    f"∂L/∂W{k}" + (f" + ∂L/∂b{k}" if use_bias else ""))
                plot = self.addPlot(row=r, col=l, title=title)
                plot.setMenuEnabled(False)
                plot.setMouseEnabled(x=False, y=False)
                plot.hideButtons()
                plot.getViewBox().invertY(True)
                plot.getViewBox().setAspectLocked(True)  # square cells
                # Ticks name the neurons: rows are where a weight comes from, columns where it goes.
                ticks = [(i + 0.5, n) for i, n in enumerate(_short(names[l], n_in))]
                if use_bias:
                    ticks.append((n_in + BIAS_GAP + 0.5, "bias"))
                plot.getAxis("left").setTicks([ticks, []])
                plot.getAxis("bottom").setTicks([[(j + 0.5, n) for j, n in enumerate(_short(names[l + 1], n_out))], []])
                for axis in ("left", "bottom"):
                    plot.getAxis(axis).setStyle(tickLength=0)
                cache_axes(plot)
                m_img = _CellImage(self, row, l, "W")
                m_img.setColorMap(self._cmap)
                plot.addItem(m_img)
                mats.append(m_img)
                v_img = _CellImage(self, row, l, "b")
                v_img.setColorMap(self._cmap)
                v_img.setPos(0, n_in + BIAS_GAP)
                if use_bias:
                    plot.addItem(v_img)
                vecs.append(v_img)
                plot.setRange(xRange=(0, n_out), yRange=(0, n_in + (1 + BIAS_GAP if use_bias else 0)), padding=0.02)
            bar = pg.ColorBarItem(values=(-1, 1), colorMap=self._cmap, interactive=False, width=12)
            bar.getAxis("right").setCacheMode(QGraphicsItem.DeviceCoordinateCache)
            bar.getAxis("right").enableAutoSIPrefix(False)  # plain numbers ("0.0015"), not a scale prefix
            bar.getAxis("right").setWidth(52)  # room for them: labels that don't fit are dropped
            bar.setImageItem(mats + vecs)
            self.addItem(bar, row=r, col=len(shapes))
            self._bars[row] = bar

    # -- hover ----------------------------------------------------------------------------------
    def describe(self, layer: int, kind: str, row: int, col: int, which: str = "value") -> str:
        """Text for one cell: ``which`` is "value" (W, b) or "gradient" (∂L/∂W, ∂L/∂b)."""
        mats, vecs = self._data[which]
        prefix = "" if which == "value" else "∂L/∂"
        to = self._names[layer + 1][col] if self._names else f"unit {col + 1}"
        if kind == "b":
            return f"{prefix}b{layer + 1}[{to}] = {float(vecs[layer][col])!r}  (bias of {to})"
        frm = self._names[layer][row] if self._names else f"unit {row + 1}"
        return f"{prefix}W{layer + 1}[{row + 1}, {col + 1}] = {float(mats[layer][row, col])!r}  ({frm} → {to})"
