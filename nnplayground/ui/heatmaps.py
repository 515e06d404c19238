"""Weights and their gradients as heatmaps, one panel per layer: W (and b) beside or above ∂L/∂W.

Every matrix has its own diverging colour scale, symmetric around 0 and reaching its largest
|value| (rounded up to a nice number, so the bar keeps still while values grow; during a run it shrinks
only by halves): a layer whose gradients are a thousand times smaller than the next one's is still
seen, not blank. A toggle puts all weights on one scale and all gradients on another, so colours
compare across layers. Above the panels, ‖∂L/∂W‖ of each layer as a number and a bar on a log scale
shows a vanishing gradient at a glance; clicking a layer there scrolls to it. Hovering a cell names
the value and the two neurons a weight joins; clicking it asks for its chain rule.

A frame only hands each picture its new numbers: items are rebuilt when the network's shape
changes, and a colour bar is redrawn only when its rounded limit moves.
"""
from __future__ import annotations

import math
import time
from typing import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QApplication, QCheckBox, QHBoxLayout, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from .axes import PlainAxis, format_number_for_display
from .heatmap_layout import Chrome, label_step, lay_out, short_name
from .loss_plot import cache_axes, nice_ceiling

COLORMAP = "CET-D1"  # blue (negative), near-white (0), red (positive)
BIAS_GAP = 0.35  # rows between W and b in a layer's picture
ROWS = ("value", "gradient")
BAR_WIDTH = 10  # px: the colour bar beside each matrix
TICK_POINT_SIZE = 8
NORM_DECADES = 6  # the norms' bars: the largest fills its slot, one 10**6 times smaller is empty
NORMS_TIP = (f"Size of each layer's weight gradient (biases not counted). Bars on a log scale: the largest "
             f"fills its slot, one {10 ** NORM_DECADES:g} times smaller is empty. Click a layer to scroll to it.")


def unit_names(layer_sizes: Sequence[int], inputs: Sequence[str], targets: Sequence[str]) -> list[list[str]]:
    """A name for every neuron: input and target columns by name, hidden units as h<layer>.<unit>."""
    names = [list(inputs)]
    for l, n in enumerate(layer_sizes[1:-1], start=1):
        names.append([f"h{l}.{j + 1}" for j in range(n)])
    names.append(list(targets))
    return names


def largest_magnitude(arrays) -> float:
    """The largest finite |value| in ``arrays`` (0 if there is none): a diverged NaN must not blank the scale."""
    largest = 0.0
    for a in arrays:
        a = np.abs(np.asarray(a, dtype=float))
        if a.size:
            top = float(a.max())
            if not math.isfinite(top):
                finite = a[np.isfinite(a)]
                top = float(finite.max()) if finite.size else 0.0
            largest = max(largest, top)
    return largest


def symmetric_limit(largest: float) -> float:
    """The colour scale runs from −limit to +limit: ``largest`` rounded up to a nice number (1 if 0)."""
    return nice_ceiling(largest) if largest > 0 else 1.0


def steady_limit(largest: float, shown: float | None) -> float:
    """The limit while a run goes on, ``shown`` the one on screen: it grows at once (no colour is cut off)
    but shrinks only once the values fill less than half of it. Shrinking gradients would otherwise move it
    at every nice step (1, 1.2, 1.5 … ten a decade) and values wavering around a step would flip it at
    every picture: the bar's labels could not be read, and redrawing them (text) was most of a picture's
    cost. A step or the end of a run shows :func:`symmetric_limit` again."""
    wanted = symmetric_limit(largest)
    if shown is None or wanted > shown or wanted <= shown / 2:
        return wanted
    return shown


def tick_font() -> QFont:
    font = QFont(QApplication.font())
    font.setPointSize(TICK_POINT_SIZE)
    return font


class _CellImage(pg.ImageItem):
    def __init__(self, heatmaps: "WeightHeatmaps", which: str, layer: int, kind: str):
        super().__init__(axisOrder="row-major")
        self._heatmaps, self._which, self._layer, self._kind = heatmaps, which, layer, kind
        self._rgba_for = self._rgba = self._pixels = None  # the colour bar's table as RGBA rows, and the pixels
        self.setAcceptHoverEvents(True)

    def render(self):
        """The matrix's colours through the colour bar's table, in one NumPy lookup: pyqtgraph's general
        path (an indexed image whose 256-entry colour table is rebuilt in Python each time) cost ~80 µs a
        matrix, ~6 µs this way, and a picture frame renders every matrix and bias row of the tab."""
        image, lut, levels = self.image, self.lut, self.levels
        if image is None or image.ndim != 2 or not image.size or not isinstance(lut, np.ndarray) \
                or lut.dtype != np.uint8 or lut.ndim != 2 or levels is None or np.ndim(levels) != 1:
            super().render()
            return
        if lut is not self._rgba_for:
            self._rgba_for = lut
            self._rgba = lut if lut.shape[1] == 4 else np.column_stack([lut, np.full(len(lut), 255, np.uint8)])
        low, high = float(levels[0]), float(levels[1])
        n = len(self._rgba)
        with np.errstate(invalid="ignore", over="ignore"):
            index = (np.asarray(image, dtype=float) - low) * (n / (high - low) if high > low else 0.0)
        missing = np.isnan(index)
        np.clip(np.nan_to_num(index, copy=False), 0, n - 1, out=index)
        pixels = self._rgba[index.astype(np.intp)]
        if missing.any():
            pixels[missing, 3] = 0  # a diverged NaN is a hole, as pyqtgraph draws it
        self._pixels = pixels  # the QImage reads this buffer: it must live as long as the image
        h, w = pixels.shape[:2]
        self.qimage = QImage(pixels.data, w, h, 4 * w, QImage.Format.Format_RGBA8888)
        self._renderRequired = self._unrenderable = False

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
        text = self._heatmaps.describe(self._layer, self._kind, *cell, which=self._which)
        self.setToolTip(text + "\nclick: its chain rule")
        self._heatmaps.hovered.emit(text)

    def mouseClickEvent(self, event):
        cell = self._cell(event.pos())
        if cell is not None:
            event.accept()
            r, c = cell
            self._heatmaps.clicked.emit(self._kind, self._layer, 0 if self._kind == "b" else r, c)


class MatrixPlot:
    """One matrix (and its bias row) in a plot of its own, with its own colour bar."""

    def __init__(self, heatmaps: "WeightHeatmaps", layer: int, which: str, n_in: int, n_out: int,
                 use_bias: bool, names_in: Sequence[str], names_out: Sequence[str]):
        self.layer, self.which = layer, which
        self.rows = n_in + (1 + BIAS_GAP if use_bias else 0)
        self.cols = n_out
        font = tick_font()
        metrics = QFontMetricsF(font)
        k = layer + 1
        title = (f"W{k}" + (f" + b{k}" if use_bias else "")) if which == "value" else (
            f"∂L/∂W{k}" + (f" + ∂L/∂b{k}" if use_bias else ""))
        self.plot = plot = pg.PlotItem(axisItems={"left": PlainAxis("left"), "bottom": PlainAxis("bottom")},
                                       enableMenu=False)  # no menu built: a deep network has dozens of plots
        plot.setTitle(title, size="9pt")
        plot.layout.removeItem(plot.titleLabel)  # over the whole plot: a narrow picture keeps its width
        plot.layout.addItem(plot.titleLabel, 0, 0, 1, 6)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        vb = plot.getViewBox()
        vb.invertY(True)
        vb.setRange(xRange=(0, n_out), yRange=(0, self.rows), padding=0)
        # Ticks name the neurons: rows are where a weight comes from, columns where it goes.
        self._left_names = [short_name(n) for n in names_in[:n_in]]
        self._bottom_names = [short_name(n) for n in names_out[:n_out]]
        self._bias = use_bias
        self._label_height = metrics.height()
        self._label_width = max((metrics.horizontalAdvance(n) for n in self._bottom_names), default=0.0)
        left = plot.getAxis("left")
        bottom = plot.getAxis("bottom")
        for axis in (left, bottom):
            axis.setStyle(tickLength=0, tickFont=font, autoExpandTextSpace=False, autoReduceTextSpace=False)
        # the first and last names may reach past the picture's edge: left into the corner under the row
        # names (made wide enough), right under the colour bar (its labels end above the names)
        half = math.ceil(self._label_width / 2) + 2
        bottom.setStyle(hideOverlappingLabels=half)
        widest = max((metrics.horizontalAdvance(n) for n in [*self._left_names, "bias"]), default=0.0)
        left.setWidth(max(math.ceil(widest) + 8, half))
        # column names start half a name's height below the picture, so the last row's name (centred on
        # a row that may be thinner than the text) never reaches them in the corner
        offset = math.ceil(self._label_height / 2) + 1
        bottom.setStyle(tickTextOffset=offset)  # a bottom axis uses it as the vertical gap
        bottom.setHeight(math.ceil(self._label_height) + offset + 2)
        self._ticks: tuple | None = None

        self.matrix = _CellImage(heatmaps, which, layer, "W")
        plot.addItem(self.matrix)
        self.bias = None
        images = [self.matrix]
        if use_bias:
            self.bias = _CellImage(heatmaps, which, layer, "b")
            self.bias.setPos(0, n_in + BIAS_GAP)
            plot.addItem(self.bias)
            images.append(self.bias)
        for image in images:  # pictures of zeros until the first frame: pyqtgraph keeps levels set on an item
            # with no image (the bar's initial ±1, below) and applies them over the first image's own
            image.setImage(np.zeros((n_in if image is self.matrix else 1, n_out)), autoLevels=False, levels=(-1, 1))
        self.bar = bar = pg.ColorBarItem(values=(-1, 1), colorMap=heatmaps.colormap, interactive=False,
                                         width=BAR_WIDTH, colorMapMenu=False)
        axis = PlainAxis("right")  # plain numbers ("0.0015"), never a scale prefix
        bar.setAxisItems({"right": axis})
        axis.unlinkFromView()
        axis.setStyle(tickFont=font, autoExpandTextSpace=False, autoReduceTextSpace=False)
        axis.setWidth(math.ceil(max(metrics.horizontalAdvance(s) for s in ("-0.0015", "-1.5e-05", "-1,500"))) + 8)
        bar.axis = axis  # ColorBarItem moves the labelled axis through this attribute
        bar.setImageItem(images, insert_in=plot)
        cache_axes(plot)
        cache_axes(bar)
        self.limit = None
        self.set_limit(1.0)

    def chrome(self) -> Chrome:
        """The pixels around the picture, measured from the plot's own layout."""
        self.plot.setGeometry(QRectF(0, 0, 600, 400))
        self.plot.layout.activate()
        vb = self.plot.getViewBox().geometry()
        return Chrome(vb.left(), 600 - vb.right(), vb.top(), 400 - vb.bottom())

    def set_cells(self, cell_width: float, cell_height: float) -> None:
        """Name every k-th row and column, k chosen so that no two names touch."""
        row_step = label_step(cell_height, self._label_height)
        col_step = label_step(cell_width, self._label_width)
        if self._ticks == (row_step, col_step):
            return
        self._ticks = (row_step, col_step)
        left = [(i + 0.5, n) for i, n in enumerate(self._left_names) if i % row_step == 0]
        if self._bias:
            left.append((len(self._left_names) + BIAS_GAP + 0.5, "bias"))
            if row_step > 1 and len(left) > 1 and left[-2][0] > left[-1][0] - row_step:
                del left[-2]  # "bias" is always named; the name just above it makes room
        bottom = [(j + 0.5, n) for j, n in enumerate(self._bottom_names) if j % col_step == 0]
        self.plot.getAxis("left").setTicks([left, []])
        self.plot.getAxis("bottom").setTicks([bottom, []])

    def set_limit(self, limit: float) -> None:
        if limit == self.limit:
            return  # a redrawn bar axis is text, the costly part of a frame
        self.limit = limit
        self.bar.setLevels((-limit, limit), update_items=False)
        top, bottom = format_number_for_display(limit, digits=3), format_number_for_display(-limit, digits=3)
        self.bar.axis.setTicks([[(limit, top), (-limit, bottom), (0.0, "0")], []])  # the ends first: kept if crowded

    def show(self, matrix, bias, limit: float) -> None:
        levels = (-limit, limit)
        self.matrix.setImage(matrix, autoLevels=False, levels=levels)
        if self.bias is not None:
            self.bias.setImage(np.asarray(bias).reshape(1, -1), autoLevels=False, levels=levels)
        self.set_limit(limit)


class GradientNorms(QWidget):
    """‖∂L/∂W‖ of every layer, written out and as a bar on a log scale (the largest fills its slot)."""

    hovered = Signal(str)
    layerClicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("gradientNorms")
        self.values = np.empty(0)
        self.texts: list[str] = []
        self._key: tuple | None = None
        self._font = tick_font()
        metrics = QFontMetricsF(self._font)
        self._line = metrics.height()
        self._title = "‖∂L/∂W‖"
        self._title_width = metrics.horizontalAdvance(self._title) + 8
        self._metrics = metrics
        self.setFixedHeight(math.ceil(2 * self._line) + 6)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setMouseTracking(True)
        self.setToolTip(NORMS_TIP)
        # it paints its own background: a repaint while training runs does not repaint every widget under it
        self.setAttribute(Qt.WA_OpaquePaintEvent)

    def set_norms(self, norms: Sequence[float]) -> None:
        self.values = np.asarray(norms, dtype=float)
        # every gradient exactly 0: none computed yet (a new network, a reopened session), not a vanished one
        computed = bool(self.values.any())
        self.texts = [format_number_for_display(v, digits=3) if computed else "–" for v in self.values]
        self.setToolTip(NORMS_TIP if computed else NORMS_TIP + "\nNot computed yet: step a backprop or run.")
        key = (tuple(self.texts), tuple(np.round(self.fractions() * 40)))
        if key != self._key:  # repaint only what a person would see change
            self._key = key
            self.update()

    def fractions(self) -> np.ndarray:
        """Each bar's height as a fraction of its slot."""
        v = self.values
        finite = v[np.isfinite(v) & (v > 0)]
        if not finite.size:
            return np.zeros(v.size)
        top = math.log10(finite.max())
        with np.errstate(divide="ignore", invalid="ignore"):
            f = (np.log10(np.where(np.isfinite(v) & (v > 0), v, np.nan)) - top + NORM_DECADES) / NORM_DECADES
        return np.clip(np.nan_to_num(f, nan=0.0), 0.0, 1.0)

    def _slot(self) -> float:
        return (self.width() - self._title_width) / max(1, self.values.size)

    def layer_at(self, x: float) -> int | None:
        if x < self._title_width or not self.values.size:
            return None
        layer = int((x - self._title_width) // self._slot())
        return layer if 0 <= layer < self.values.size else None

    def describe(self, layer: int) -> str:
        return f"‖∂L/∂W{layer + 1}‖ = {self.texts[layer]}   (click: show layer {layer + 1})"

    def mouseMoveEvent(self, event):
        layer = self.layer_at(event.position().x())
        self.hovered.emit("" if layer is None else self.describe(layer))

    def leaveEvent(self, event):
        self.hovered.emit("")

    def mousePressEvent(self, event):
        layer = self.layer_at(event.position().x())
        if layer is not None:
            self.layerClicked.emit(layer)

    def slots(self) -> list[tuple[QRectF, QRectF, str, str]]:
        """Each layer's bar (its full slot height) and the rectangles for its name and value;
        an empty text is one there is no room for (the hover text still gives it)."""
        slot, h = self._slot(), self.height()
        bar_w = max(2.0, min(8.0, slot - 3))
        out = []
        for layer, text in enumerate(self.texts):
            x = self._title_width + layer * slot
            room = slot - bar_w - 6
            name = f"W{layer + 1}"
            out.append((QRectF(x, 3, bar_w, h - 6),
                        QRectF(x + bar_w + 3, 2, room, self._line),
                        name if room >= self._metrics.horizontalAdvance(name) else "",
                        text if room >= self._metrics.horizontalAdvance(text) else ""))
        return out

    def shown_texts(self) -> list[str]:
        """The values written out at this width ("" where only the bar fits)."""
        return [text for _, _, _, text in self.slots()]

    def paintEvent(self, event):
        p = QPainter(self)
        p.fillRect(event.rect(), self.palette().window())
        p.setFont(self._font)
        p.setPen(QColor("#333"))
        p.drawText(QRectF(0, 0, self._title_width, self.height()), Qt.AlignLeft | Qt.AlignVCenter, self._title)
        for (bar, label, name, text), fraction in zip(self.slots(), self.fractions()):
            p.fillRect(bar, QColor("#eef2f7"))
            filled = fraction * bar.height()
            p.fillRect(QRectF(bar.left(), bar.bottom() - filled, bar.width(), filled), QColor("#2563eb"))
            p.setPen(QColor("#555"))
            p.drawText(label, Qt.AlignLeft | Qt.AlignVCenter, name)
            p.setPen(QColor("#111"))
            p.drawText(label.translated(0, self._line), Qt.AlignLeft | Qt.AlignVCenter, text)
        p.end()


class _Canvas(pg.GraphicsView):
    """The view of every panel; the wheel scrolls the area around it, nothing inside zooms."""

    painted = Signal(float)  # the UI thread's CPU seconds a paint took

    def __init__(self, scroll: QScrollArea):
        super().__init__(background="w")
        self._scroll = scroll

    def paintEvent(self, event):
        start = time.thread_time()
        super().paintEvent(event)
        self.painted.emit(time.thread_time() - start)

    def wheelEvent(self, event):
        delta = event.angleDelta()
        sideways = abs(delta.x()) > abs(delta.y())
        bar = self._scroll.horizontalScrollBar() if sideways else self._scroll.verticalScrollBar()
        QApplication.sendEvent(bar, event)  # what the scroll area itself does with a wheel


class WeightHeatmaps(QWidget):
    hovered = Signal(str)
    clicked = Signal(str, int, int, int)  # kind ("W" or "b"), layer, i, j
    painted = Signal(float)  # the UI thread's CPU seconds a paint of the panels took

    def __init__(self, parent=None):
        super().__init__(parent)
        self.colormap = pg.colormap.get(COLORMAP)
        self._shapes: tuple | None = None
        self._names: list[list[str]] = []
        self._use_bias = False
        self.plots: dict[str, list[MatrixPlot]] = {row: [] for row in ROWS}
        self._data: dict[str, tuple[list, list]] = {row: ([], []) for row in ROWS}
        self.limits: dict[str, list[float]] = {row: [] for row in ROWS}  # each matrix's scale: −limit … +limit
        self._chromes: list[Chrome] = []
        self.places = []  # where each matrix's plot is (heatmap_layout.Place), in the canvas

        self.norms = GradientNorms()
        self.norms.hovered.connect(self.hovered)
        self.norms.layerClicked.connect(self.show_layer)
        self.shared_scale = QCheckBox("one colour scale for all layers")
        self.shared_scale.setObjectName("sharedScaleCheck")
        self.shared_scale.setToolTip("Off: every matrix has its own colour scale, symmetric around 0, so small "
                                     "gradients still show.\nOn: all weights share one scale and all gradients "
                                     "another, so colours compare across layers.")
        self.shared_scale.toggled.connect(self._on_scale_toggled)

        self.canvas = pg.GraphicsWidget()  # every plot is placed in it; exported as one picture
        self.scroll = QScrollArea()
        self.view = _Canvas(self.scroll)
        self.view.painted.connect(self.painted)
        self.view.setCentralItem(self.canvas)
        self.view.setFrameShape(pg.QtWidgets.QFrame.NoFrame)
        self.scroll.setObjectName("heatmapScroll")
        self.scroll.setWidget(self.view)
        self.scroll.setWidgetResizable(False)
        self.scroll.setFrameShape(pg.QtWidgets.QFrame.NoFrame)
        self.scroll.setStyleSheet("QScrollArea { background: white; }")
        self.scroll.installEventFilter(self)

        foot = QHBoxLayout()
        foot.setContentsMargins(4, 0, 4, 0)
        foot.addWidget(self.shared_scale)
        foot.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.norms)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(foot)
        self.setMinimumSize(220, 160)

    # -- the public lists the window and tests read --------------------------------------------------
    @property
    def weight_images(self) -> list[pg.ImageItem]:
        return [m.matrix for m in self.plots["value"]]

    @property
    def bias_images(self) -> list[pg.ImageItem]:
        return [m.bias for m in self.plots["value"] if m.bias is not None]

    @property
    def gradient_images(self) -> list[pg.ImageItem]:
        return [m.matrix for m in self.plots["gradient"]]

    @property
    def bias_gradient_images(self) -> list[pg.ImageItem]:
        return [m.bias for m in self.plots["gradient"] if m.bias is not None]

    def export_item(self):
        """The graphics item holding every panel, to save as one picture."""
        return self.canvas

    @property
    def ci(self):
        """The same as :meth:`export_item` (the name the window's export used for the old layout)."""
        return self.canvas

    # -- data in --------------------------------------------------------------------------------
    def set_parameters(self, weights, biases, use_bias: bool, names: list[list[str]],
                       gradients=None, bias_gradients=None, running: bool = False) -> None:
        """Show these numbers; ``running``: a frame of a run, whose colour scales keep still (:func:`steady_limit`)."""
        shapes = (tuple(w.shape for w in weights), use_bias)
        if shapes != self._shapes or names != self._names:
            self._build([w.shape for w in weights], use_bias, names)
            self._shapes, self._names, self._use_bias = shapes, names, use_bias
        if gradients is None or not len(gradients):
            gradients = [np.zeros_like(w) for w in weights]
            bias_gradients = [np.zeros_like(b) for b in biases]
        self._data = {"value": (list(weights), list(biases)), "gradient": (list(gradients), list(bias_gradients))}
        self._show(running)
        self.norms.set_norms([np.linalg.norm(g) for g in gradients])

    def _show(self, running: bool = False) -> None:
        for which in ROWS:
            mats, vecs = self._data[which]
            if not mats:
                continue
            largest = [largest_magnitude([m, v] if self._use_bias else [m]) for m, v in zip(mats, vecs)]
            if self.shared_scale.isChecked():
                largest = [max(largest)] * len(largest)
            shown = self.limits[which]
            if running and len(shown) == len(largest):  # a run's frame after another: the bars keep still
                self.limits[which] = [steady_limit(x, limit) for x, limit in zip(largest, shown)]
            else:
                self.limits[which] = [symmetric_limit(x) for x in largest]
            for plot, m, v, limit in zip(self.plots[which], mats, vecs, self.limits[which]):
                plot.show(m, v, limit)

    def _on_scale_toggled(self, _checked) -> None:
        self._show()  # the other kind of scale, exact

    @property
    def gradient_norms(self) -> np.ndarray:
        """‖∂L/∂W‖ (Frobenius) of each layer, as shown above the panels."""
        return self.norms.values.copy()

    # -- building and placing ---------------------------------------------------------------------
    def _build(self, shapes, use_bias: bool, names: list[list[str]]) -> None:
        for plots in self.plots.values():
            for m in plots:
                m.plot.setParentItem(None)
                self.view.scene().removeItem(m.plot)
        self.plots = {row: [] for row in ROWS}
        self.limits = {row: [] for row in ROWS}
        self._chromes = []
        for l, (n_in, n_out) in enumerate(shapes):
            pair = []
            for which in ROWS:
                m = MatrixPlot(self, l, which, n_in, n_out, use_bias,
                               names[l] if l < len(names) else [f"unit {i + 1}" for i in range(n_in)],
                               names[l + 1] if l + 1 < len(names) else [f"unit {j + 1}" for j in range(n_out)])
                m.plot.setParentItem(self.canvas)
                self.plots[which].append(m)
                pair.append(m.chrome())
            self._chromes.append(Chrome(*(max(c) for c in zip(*((x.left, x.right, x.top, x.bottom) for x in pair)))))
        self._relayout()

    def _relayout(self) -> None:
        """Place the plots for the room the scroll area has (called on build and on resize)."""
        if not self._chromes:
            return
        shapes = [(m.rows, m.cols) for m in self.plots["value"]]
        area = self.scroll.maximumViewportSize()
        width, height = area.width(), area.height()
        places, content_w, content_h = lay_out(shapes, self._chromes, width, height)
        if content_h > height:  # a vertical scroll bar will take some of the width
            width -= self.scroll.verticalScrollBar().sizeHint().width()
            places, content_w, content_h = lay_out(shapes, self._chromes, width, height)
        self.places = places
        self.view.setFixedSize(math.ceil(max(content_w, width)), math.ceil(max(content_h, 1)))
        for place in places:
            m = self.plots[place.which][place.layer]
            m.plot.setGeometry(QRectF(place.x, place.y, place.width, place.height))
            m.set_cells(place.cell_width, place.cell_height)

    def eventFilter(self, watched, event):
        if watched is self.scroll and event.type() == QEvent.Resize:
            self._relayout()
        return super().eventFilter(watched, event)

    def show_layer(self, layer: int) -> None:
        """Scroll so that a layer's panel is in view (the layer selector of a deep network)."""
        for place in self.places:
            if place.layer == layer and place.which == "value":
                self.scroll.verticalScrollBar().setValue(int(place.y))
                self.scroll.horizontalScrollBar().setValue(int(place.x))
                return

    # -- hover ----------------------------------------------------------------------------------
    def describe(self, layer: int, kind: str, row: int, col: int, which: str = "value") -> str:
        """Text for one cell: ``which`` is "value" (W, b) or "gradient" (∂L/∂W, ∂L/∂b)."""
        mats, vecs = self._data[which]
        prefix = "" if which == "value" else "∂L/∂"
        to = self._names[layer + 1][col] if self._names else f"unit {col + 1}"
        if kind == "b":
            return f"{prefix}b{layer + 1}[{to}] = {float(vecs[layer][col]):.6g}  (bias of {to})"
        frm = self._names[layer][row] if self._names else f"unit {row + 1}"
        return f"{prefix}W{layer + 1}[{row + 1}, {col + 1}] = {float(mats[layer][row, col]):.6g}  ({frm} → {to})"
