"""The network as a diagram: a column of nodes per layer, an edge per weight.

Edges are red for positive and blue for negative weights (the heatmaps' colours), wider and darker
for larger |w|; nodes are filled by their activation for one chosen table row; bias nodes (+1) sit
above each layer when the network has biases. A large network is drawn with a level of detail (see
:mod:`.diagram_layout`): only each unit's strongest incoming edges, and a note above the diagram says
what is hidden. A legend below it says what colours and widths mean. Hover names any node or edge;
clicking an edge asks for that weight's chain rule. :meth:`NetworkDiagram.export` saves the picture.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..core.fileio import SaveError, atomic_path
from .diagram_layout import EDGE_DTYPE, NODE_DTYPE, plan, strongest_incoming
from .diagram_paint import build_scene, paint

EXPORT_SUFFIXES = (".png", ".svg")
EXPORT_MIN_SIZE = (1000, 620)  # a saved picture is at least this large (logical pixels), whatever the window
EXPORT_SCALE = 2  # PNG pixels per logical pixel
SELECTION_SHARE = 0.05  # choosing the strongest edges may take this share of the time; else it is reused
HIT_NODE, HIT_EDGE = 3.0, 4.0  # pixels of tolerance around a node and an edge


class NetworkDiagram(QWidget):
    hovered = Signal(str)
    clicked = Signal(str, int, int, int)  # kind, layer, i, j
    painted = Signal(float)  # the UI thread's CPU seconds a paint took (the frame pacer spaces pictures by it)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WA_OpaquePaintEvent)  # every paint covers the whole widget
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMinimumSize(160, 120)
        self._state = None  # (weights, biases, names, row_activations, row) as last given
        self.plan = None  # diagram_layout.Plan: which part of the network is drawn
        self._chosen = None  # the drawn edges' (i, j) per layer
        self._chosen_at, self._chosen_cost = 0.0, 0.0
        self.scene = None  # diagram_paint.Scene for the widget's present size
        self._names: list[list[str]] = []
        self._row: int | None = None

    # -- what is shown, for the window and for tests --------------------------------------------------
    @property
    def edges(self) -> np.ndarray:
        """The drawn edges: kind ("W" or "b"), layer, i, j, w, their ends in pixels, sign and width bucket."""
        return self.scene.edges if self.scene is not None else np.zeros(0, dtype=EDGE_DTYPE)

    @property
    def nodes(self) -> np.ndarray:
        """The drawn units: layer, unit, centre and half extents in pixels, activation (NaN if none yet)."""
        return self.scene.nodes if self.scene is not None else np.zeros(0, dtype=NODE_DTYPE)

    @property
    def summary(self) -> str:
        """What the diagram leaves out ("" when it draws every edge)."""
        return self.scene.note if self.scene is not None else ""

    @property
    def hidden_edges(self) -> int:
        return self.plan.total - self.plan.drawn() if self.plan is not None else 0

    def sizeHint(self) -> QSize:
        return QSize(520, 360)

    # -- data in ---------------------------------------------------------------------------------------
    def set_state(self, weights, biases, use_bias: bool, names, row_activations=(), row: int | None = None):
        sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights]
        new_plan = plan(sizes, use_bias)
        now = time.perf_counter()
        # The strongest edges change slowly: where choosing them is costly, a choice made moments ago
        # stands (their values are always today's), so choosing takes at most SELECTION_SHARE of the time.
        fresh = (new_plan != self.plan or self._chosen_cost < 5e-4
                 or now - self._chosen_at >= self._chosen_cost / SELECTION_SHARE)
        self.plan = new_plan
        if fresh:
            self._chosen = strongest_incoming(weights, biases, new_plan)
            self._chosen_at, self._chosen_cost = now, time.perf_counter() - now
        self._names, self._row = names, row
        self._state = (weights, biases, names, row_activations, row)
        self._rebuild()
        self.update()

    def _rebuild(self) -> None:
        if self._state is None:
            return
        self.scene = self._scene(self.width(), self.height())

    def _scene(self, width: float, height: float):
        weights, biases, names, row_activations, row = self._state
        return build_scene(width, height, self.plan, self._chosen, weights, biases, names, row_activations, row,
                           self.font())

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._rebuild()

    def paintEvent(self, event):
        start = time.thread_time()
        painter = QPainter(self)
        if self.scene is None:
            painter.fillRect(self.rect(), Qt.white)
        else:
            paint(painter, self.scene)
        painter.end()
        self.painted.emit(time.thread_time() - start)

    # -- a picture to keep -----------------------------------------------------------------------------
    def export(self, path) -> None:
        """Save the diagram as a PNG or SVG picture (by the name's suffix), at least EXPORT_MIN_SIZE, written
        atomically. Raises ValueError for another kind of name or before there is a network, SaveError
        when it cannot be written."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in EXPORT_SUFFIXES:
            raise ValueError(f"{path.name}: a picture is saved as .png or .svg")
        if self._state is None:
            raise ValueError("there is no network to draw yet")
        width, height = max(self.width(), EXPORT_MIN_SIZE[0]), max(self.height(), EXPORT_MIN_SIZE[1])
        scene = self._scene(width, height)
        with atomic_path(path) as tmp:
            if suffix == ".svg":
                generator = QSvgGenerator()
                generator.setFileName(str(tmp))
                generator.setSize(QSize(width, height))
                generator.setViewBox(QRectF(0, 0, width, height))
                generator.setTitle("Network diagram")
                painter = QPainter()
                if not painter.begin(generator):
                    raise SaveError(f"cannot save {path.name}: the picture could not be written")
                paint(painter, scene, per_node=True)
                painter.end()
            else:
                image = QImage(width * EXPORT_SCALE, height * EXPORT_SCALE, QImage.Format_ARGB32_Premultiplied)
                image.setDevicePixelRatio(EXPORT_SCALE)
                painter = QPainter(image)
                paint(painter, scene, per_node=True)
                painter.end()
                if not image.save(str(tmp), "PNG"):
                    raise SaveError(f"cannot save {path.name}: the picture could not be written")
            if tmp.stat().st_size == 0:
                raise SaveError(f"cannot save {path.name}: the picture came out empty")

    # -- hover and click -------------------------------------------------------------------------------
    def hit(self, x: float, y: float):
        """What is drawn at widget pixel (x, y): ("node", row of ``nodes``), ("bias", layer it feeds),
        ("edge", row of ``edges``), or None."""
        n = self.nodes
        if n.size:
            inside = (np.abs(n["x"] - x) <= n["rx"] + HIT_NODE) & (np.abs(n["y"] - y) <= n["ry"] + HIT_NODE)
            if inside.any():
                k = np.flatnonzero(inside)
                return "node", n[k[np.argmin(np.hypot(n["x"][k] - x, n["y"][k] - y))]]
        if self.scene is not None:
            for layer, bx, by in self.scene.bias_nodes:
                if abs(bx - x) <= 9 + HIT_NODE and abs(by - y) <= 8 + HIT_NODE:
                    return "bias", layer
        e = self.edges
        if e.size:
            dx, dy = e["x1"] - e["x0"], e["y1"] - e["y0"]
            t = np.clip(((x - e["x0"]) * dx + (y - e["y0"]) * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0, 1)
            d = np.hypot(e["x0"] + t * dx - x, e["y0"] + t * dy - y)
            k = int(np.argmin(d[::-1]))  # the last drawn (on top) wins a tie
            k = e.size - 1 - k
            if d[k] <= HIT_EDGE:
                return "edge", e[k]
        return None

    def describe(self, hit) -> str:
        what, r = hit
        if what == "bias":
            return f"+1: the constant input of layer {r + 1}'s biases"
        if what == "node":
            name = self._names[r["layer"]][r["unit"]]
            if not np.isfinite(r["a"]):
                return f"{name}: step a feedforward to see its activation"
            return f"{name}: a = {float(r['a']):.6g} for row {self._row + 1}"
        to = self._names[r["layer"] + 1][r["j"]]
        if r["kind"] == "b":
            return f"b{r['layer'] + 1}[{to}] = {float(r['w']):.6g}  (bias of {to})  click: its chain rule"
        frm = self._names[r["layer"]][r["i"]]
        w = float(r["w"])
        return f"W{r['layer'] + 1}[{r['i'] + 1}, {r['j'] + 1}] = {w:.6g}  ({frm} → {to})  click: its chain rule"

    def mouseMoveEvent(self, event):
        found = self.hit(event.position().x(), event.position().y())
        self.hovered.emit(self.describe(found) if found else "")

    def leaveEvent(self, event):
        self.hovered.emit("")
        super().leaveEvent(event)

    def mousePressEvent(self, event):
        found = self.hit(event.position().x(), event.position().y())
        if event.button() == Qt.LeftButton and found and found[0] == "edge":
            r = found[1]
            self.clicked.emit(str(r["kind"]), int(r["layer"]), int(r["i"]), int(r["j"]))
        super().mousePressEvent(event)
