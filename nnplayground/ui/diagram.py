"""The network as a diagram: a column of nodes per layer, an edge per weight.

Edges are red for positive and blue for negative weights (the heatmaps' colours), thicker for larger
|w|; nodes are filled by their activation for one chosen table row; bias nodes (+1) sit above each
layer when the network has biases. Up to MAX_LAYERS layers of MAX_UNITS units are drawn in full;
beyond that the diagram says what it leaves out. Hover names any node or edge; clicking an edge asks
for that weight's chain rule.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

MAX_UNITS = 32
MAX_LAYERS = 8  # weight layers drawn
WIDTHS = (0.6, 1.3, 2.2, 3.3, 4.6)  # pen widths by |w| / max|w| in fifths
POSITIVE, NEGATIVE = (192, 2, 6), (33, 81, 219)
NODE_SIZE = 22
COLORMAP = "CET-D1"


class NetworkDiagram(pg.PlotWidget):
    hovered = Signal(str)
    clicked = Signal(str, int, int, int)  # kind, layer, i, j

    def __init__(self, parent=None):
        super().__init__(parent, background="w")
        item = self.getPlotItem()
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        self._cmap = pg.colormap.get(COLORMAP)
        self._curves = {}
        for sign, color in ((1, POSITIVE), (-1, NEGATIVE)):
            for b, width in enumerate(WIDTHS):
                curve = pg.PlotCurveItem(pen=pg.mkPen(color + (150,), width=width), connect="pairs")
                item.addItem(curve)
                self._curves[sign, b] = curve
        self._nodes = pg.ScatterPlotItem(size=NODE_SIZE, pen=pg.mkPen("#333", width=1))
        self._nodes.setZValue(5)
        item.addItem(self._nodes)
        self._labels: list[pg.TextItem] = []
        self._note = pg.TextItem(color="#9a3412", anchor=(0, 0))
        item.addItem(self._note, ignoreBounds=True)
        self._structure = None
        self.edges = np.zeros(0, dtype=[("kind", "U1"), ("layer", int), ("i", int), ("j", int), ("w", float),
                                        ("x0", float), ("y0", float), ("x1", float), ("y1", float),
                                        ("sign", int), ("bucket", int)])
        self.nodes = np.zeros(0, dtype=[("layer", int), ("unit", int), ("x", float), ("y", float), ("a", float)])
        self._names: list[list[str]] = []
        self.summary = ""
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_click)

    # -- data in --------------------------------------------------------------------------------
    def set_state(self, weights, biases, use_bias: bool, names, row_activations=(), row: int | None = None):
        n_layers = min(len(weights), MAX_LAYERS)
        sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights[:n_layers]]
        shown = [min(n, MAX_UNITS) for n in sizes]
        structure = (tuple(sizes), use_bias, tuple(map(tuple, names)))
        if structure != self._structure:
            self._structure = structure
            self._build_labels(shown, names, use_bias)
        self._names = names
        notes = []
        if len(weights) > MAX_LAYERS:
            notes.append(f"showing the first {MAX_LAYERS} of {len(weights)} layers")
        if any(s < n for s, n in zip(shown, sizes)):
            notes.append(f"showing at most {MAX_UNITS} units per layer")
        self.summary = "; ".join(notes)
        self._note.setText(("Summarised: " + self.summary) if notes else "")
        self._note.setPos(-0.4, self._top(shown, use_bias) + 0.9)

        ys = [self._column(m) for m in shown]
        edges = []
        largest = max([float(np.abs(w).max()) for w in weights[:n_layers]]
                      + [float(np.abs(b).max()) for b in biases[:n_layers] if use_bias] + [1e-300])
        for l in range(n_layers):
            W = weights[l][: shown[l], : shown[l + 1]]
            ii, jj = np.meshgrid(np.arange(W.shape[0]), np.arange(W.shape[1]), indexing="ij")
            edges.append(self._edge_rows("W", l, ii.ravel(), jj.ravel(), W.ravel(), l, ys[l][ii.ravel()],
                                         l + 1, ys[l + 1][jj.ravel()], largest))
            if use_bias:
                b = biases[l][: shown[l + 1]]
                jj = np.arange(b.size)
                top = np.full(b.size, self._bias_y(shown[l]))
                edges.append(self._edge_rows("b", l, np.zeros(b.size, int), jj, b, l, top, l + 1, ys[l + 1][jj],
                                             largest))
        self.edges = np.concatenate(edges) if edges else self.edges[:0]
        for (sign, bucket), curve in self._curves.items():
            sel = self.edges[(self.edges["sign"] == sign) & (self.edges["bucket"] == bucket)]
            x = np.column_stack([sel["x0"], sel["x1"]]).ravel()
            y = np.column_stack([sel["y0"], sel["y1"]]).ravel()
            curve.setData(x, y)

        nodes = []
        for l, m in enumerate(shown):
            a = np.full(m, np.nan)
            if row_activations and l < len(row_activations):
                a = np.asarray(row_activations[l][:m], dtype=float)
            nodes.append(np.array([(l, u, l, ys[l][u], a[u]) for u in range(m)], dtype=self.nodes.dtype))
        self.nodes = np.concatenate(nodes)
        self._row = row
        brushes = []
        for l in range(len(shown)):
            layer_a = self.nodes["a"][self.nodes["layer"] == l]
            limit = max(1.0, float(np.nanmax(np.abs(layer_a)))) if np.isfinite(layer_a).any() else 1.0
            for value in layer_a:
                brushes.append(pg.mkBrush("#ddd") if not np.isfinite(value) else
                               pg.mkBrush(self._cmap.map(0.5 + 0.5 * value / limit)))
        spots = [{"pos": (n["x"], n["y"]), "brush": br, "symbol": "o"} for n, br in zip(self.nodes, brushes)]
        if use_bias:
            spots += [{"pos": (l, self._bias_y(m)), "brush": pg.mkBrush("#f5f5f5"), "symbol": "s", "size": 16}
                      for l, m in enumerate(shown[:-1])]
        self._nodes.setData(spots)

    def _edge_rows(self, kind, layer, i, j, w, x0, y0, x1, y1, largest):
        rows = np.zeros(len(w), dtype=self.edges.dtype)
        rows["kind"], rows["layer"], rows["i"], rows["j"], rows["w"] = kind, layer, i, j, w
        rows["x0"], rows["y0"], rows["x1"], rows["y1"] = x0, y0, x1, y1
        rows["sign"] = np.where(w >= 0, 1, -1)
        rows["bucket"] = np.minimum((np.abs(w) / largest * len(WIDTHS)).astype(int), len(WIDTHS) - 1)
        return rows

    @staticmethod
    def _column(m: int) -> np.ndarray:
        return (m - 1) / 2 - np.arange(m, dtype=float)  # first unit on top, centred on 0

    @staticmethod
    def _bias_y(m: int) -> float:
        return (m - 1) / 2 + 1.2

    def _top(self, shown, use_bias) -> float:
        return max(self._bias_y(m) if use_bias else (m - 1) / 2 for m in shown)

    def _build_labels(self, shown, names, use_bias):
        item = self.getPlotItem()
        for label in self._labels:
            item.removeItem(label)
        self._labels = []
        for l, m in enumerate(shown):
            for u in range(m):
                if m <= 16 or u % max(1, m // 8) == 0:
                    name = names[l][u] if l < len(names) and u < len(names[l]) else ""
                    y = self._column(m)[u]
                    if l == 0:  # inputs: name to the left
                        text = pg.TextItem(name, color="#222", anchor=(1, 0.5))
                        text.setPos(l - 0.1, y)
                    elif l == len(shown) - 1:  # outputs: to the right
                        text = pg.TextItem(name, color="#222", anchor=(0, 0.5))
                        text.setPos(l + 0.1, y)
                    else:  # hidden: above the node
                        text = pg.TextItem(name, color="#222", anchor=(0.5, 1))
                        text.setPos(l, y + 0.22)
                    item.addItem(text)
                    self._labels.append(text)
            if use_bias and l < len(shown) - 1:
                text = pg.TextItem("+1", color="#555", anchor=(0.5, 0.5))
                text.setPos(l, self._bias_y(m))
                text.setZValue(6)
                item.addItem(text)
                self._labels.append(text)
        top = self._top(shown, use_bias)
        item.setRange(xRange=(-0.6, len(shown) - 0.4), yRange=(-max(shown) / 2 - 0.3, top + 1.2), padding=0.04)

    # -- hover and click ------------------------------------------------------------------------
    def hit(self, x: float, y: float):
        """The node or edge at view point (x, y): ("node", row) or ("edge", row) or None."""
        if self.nodes.size:
            d = np.hypot(self.nodes["x"] - x, self.nodes["y"] - y)
            k = int(np.argmin(d))
            if d[k] < 0.18:
                return "node", self.nodes[k]
        if self.edges.size:
            e = self.edges
            dx, dy = e["x1"] - e["x0"], e["y1"] - e["y0"]
            t = np.clip(((x - e["x0"]) * dx + (y - e["y0"]) * dy) / (dx * dx + dy * dy), 0, 1)
            d = np.hypot(e["x0"] + t * dx - x, e["y0"] + t * dy - y)
            k = int(np.argmin(d))
            if d[k] < 0.06:
                return "edge", e[k]
        return None

    def describe(self, hit) -> str:
        what, r = hit
        if what == "node":
            name = self._names[r["layer"]][r["unit"]]
            if not np.isfinite(r["a"]):
                return f"{name}: step a feedforward to see its activation"
            return f"{name}: a = {float(r['a'])!r} for row {self._row + 1}"
        to = self._names[r["layer"] + 1][r["j"]]
        if r["kind"] == "b":
            return f"b{r['layer'] + 1}[{to}] = {float(r['w'])!r}  (bias of {to})  click: its chain rule"
        frm = self._names[r["layer"]][r["i"]]
        w = float(r["w"])
        return f"W{r['layer'] + 1}[{r['i'] + 1}, {r['j'] + 1}] = {w!r}  ({frm} → {to})  click: its chain rule"

    def _view_point(self, pos):
        vb = self.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(pos):
            return None
        p = vb.mapSceneToView(pos)
        return p.x(), p.y()

    def _on_mouse_moved(self, pos):
        point = self._view_point(pos)
        found = self.hit(*point) if point else None
        self.hovered.emit(self.describe(found) if found else "")

    def _on_click(self, event):
        point = self._view_point(event.scenePos())
        found = self.hit(*point) if point else None
        if found and found[0] == "edge":
            r = found[1]
            self.clicked.emit(str(r["kind"]), int(r["layer"]), int(r["i"]), int(r["j"]))
