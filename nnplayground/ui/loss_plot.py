"""The loss per iteration, drawn live.

A million losses must not cost a million points per repaint. The plot keeps a min/max *envelope*:
each block of ``block`` iterations contributes its lowest and highest loss (peaks are never lost),
and when the envelope outgrows ``MAX_BLOCKS`` the block size doubles by merging neighbours. An
update therefore costs O(new losses), and the curve never has more than 2·MAX_BLOCKS points.
Zoomed in, the visible slice is drawn from the raw losses, or from its own envelope if still large.

With validation rows, their loss is a second curve (orange, as the table marks those rows), one point per
epoch where it was measured, with a legend; an early stop is marked by a line at the best iteration.
With mini-batches each iteration's loss is one batch's: that band is drawn pale, and over it the mean of
each epoch (:mod:`..app.epoch_means`), the line the validation curve compares with.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGraphicsItem

from ..app.epoch_means import EpochMeans
from ..app.loss_history import LossHistory
from ..app.validation import best_text
from .axes import PlainAxis, format_number_for_display
from .growing_curve import GrowingCurve
from .table_model import VALIDATION_BAND

CURVE = "#2563eb"
BATCHES = "#a9c1f5"  # each batch's loss, under the epochs' means
LEGEND_ROW_WIDTH = 640  # pixels: a plot this wide names its curves in one row (half as wide: shortly)
VALIDATION = VALIDATION_BAND.name()  # the validation rows' colour, as the table marks them
VALIDATION_SYMBOLS = 150  # up to this many points, each measurement is a dot
MAX_BLOCKS = 1024  # about one block per pixel of a wide plot
END_LABEL_ROOM = 32  # pixels right of the plot where the x axis' last label ("1,500") may overhang


class LossEnvelope:
    """Min and max of the losses in consecutive blocks of ``block`` iterations, kept incrementally."""

    def __init__(self, max_blocks: int = MAX_BLOCKS):
        self.max_blocks = max_blocks
        self.block = 1
        self.mins = np.empty(0)
        self.maxs = np.empty(0)

    def update(self, y: np.ndarray, start: int) -> None:
        """``y`` is the whole history; entries from ``start`` on are new (or changed)."""
        n = y.size
        if n == 0:
            self.mins, self.maxs = np.empty(0), np.empty(0)
            return
        self.reserve(n)
        first = min(start // self.block, self.mins.size)
        edges = np.arange(first * self.block, n, self.block)
        self.mins = np.concatenate([self.mins[:first], np.minimum.reduceat(y, edges)])
        self.maxs = np.concatenate([self.maxs[:first], np.maximum.reduceat(y, edges)])

    def reserve(self, n: int) -> None:
        """Blocks large enough for ``n`` losses from now on: a run that stays within them never changes
        the blocks it has drawn (each change of block size redraws the whole curve)."""
        while -(-n // self.block) > self.max_blocks:
            self._coarsen()

    def _coarsen(self) -> None:
        m = self.mins.size - self.mins.size % 2
        tail_min, tail_max = self.mins[m:], self.maxs[m:]
        self.mins = np.concatenate([np.minimum(self.mins[:m:2], self.mins[1:m:2]), tail_min])
        self.maxs = np.concatenate([np.maximum(self.maxs[:m:2], self.maxs[1:m:2]), tail_max])
        self.block *= 2

    def curve(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Points to draw: each block's min and max at its centre iteration (1-based)."""
        centres = 1 + np.minimum(np.arange(self.mins.size) * self.block + (self.block - 1) / 2, n - 1)
        return np.repeat(centres, 2), np.column_stack([self.mins, self.maxs]).ravel()


def nice_ceiling(value: float) -> float:
    """The next of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k at or above ``value``."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * power >= value * (1 - 1e-12))


def cache_axes(plot_item: pg.PlotItem) -> None:
    """Axes repaint from a cached pixmap until their range changes: text is the costly part of a frame."""
    for name in ("left", "bottom", "top", "right"):
        plot_item.getAxis(name).setCacheMode(QGraphicsItem.DeviceCoordinateCache)


def envelope_of(y: np.ndarray, offset: int, max_blocks: int = MAX_BLOCKS) -> tuple[np.ndarray, np.ndarray]:
    """The points to draw for ``y`` (losses of iterations offset+1 …): raw if few, else min/max blocks."""
    if y.size <= 2 * max_blocks:
        return offset + 1 + np.arange(y.size, dtype=float), y
    env = LossEnvelope(max_blocks)
    env.update(y, 0)
    x, v = env.curve(y.size)
    return x + offset, v


class LossPlot(pg.PlotWidget):
    """Draws a :class:`LossHistory` it does not own: :meth:`refresh` takes in what changed."""

    hovered = Signal(str)  # "iteration N: loss L", or "" when the pointer leaves

    def __init__(self, history: LossHistory, parent=None):
        # plain axes: after a divergence the loss axis reads "2e+95", never "loss (x1e+27)" over "2"
        axes = {"left": PlainAxis("left"), "bottom": PlainAxis("bottom", integers=True)}  # no "iteration 0.2"
        super().__init__(parent, background="w", axisItems=axes)
        item = self.getPlotItem()
        item.setLabel("bottom", "iteration")
        item.setLabel("left", "loss")
        # no grid: it cost ~1.5 of a running frame's ~7 ms (hovering the curve reads any value exactly)
        item.setMenuEnabled(False)
        item.getAxis("bottom").setStyle(hideOverlappingLabels=END_LABEL_ROOM)
        left, top, _, bottom = item.layout.getContentsMargins()
        item.layout.setContentsMargins(left, top, END_LABEL_ROOM, bottom)
        cache_axes(item)
        # drawn on screen from a picture of what it already drew: a frame adds the new segment (~0.1 ms,
        # where stroking the whole 2-pixel antialiased line cost ~5 ms)
        self._curve = GrowingCurve(pen=pg.mkPen(CURVE, width=2))
        item.addItem(self._curve)
        self._marker = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(CURVE), pen=pg.mkPen("w"))
        self._readout = pg.TextItem(color="#111", anchor=(1, 1), fill=pg.mkBrush(255, 255, 255, 220))
        self._readout.setZValue(10)
        item.addItem(self._marker)
        item.addItem(self._readout, ignoreBounds=True)
        self._add_validation(item)
        self._marker.hide()
        self._readout.hide()
        self.history = history
        self._y = history.values
        self._n = 0
        self._log = False
        self._envelope = LossEnvelope()
        self._low = math.inf  # lowest and highest loss so far (for the range)
        self._high = -math.inf
        # While following, the plot sets its own range, moving it only in steps (the run's length,
        # nice round maxima, whole decades), so axes are rarely redrawn. A zoom or pan stops following;
        # the "A" button (or a reset) starts it again.
        self._following = True
        self._extent = 1  # x reaches at least this far: the iteration a run is heading for
        self._range: tuple | None = None
        item.vb.disableAutoRange()
        item.vb.sigRangeChangedManually.connect(self._stop_following)
        item.vb.sigStateChanged.connect(self._on_state_changed)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        item.vb.sigXRangeChanged.connect(self._on_view_changed)

    @property
    def values(self) -> np.ndarray:
        """The losses drawn (a copy)."""
        return self._y[: self._n].copy()

    def drawn(self) -> tuple[np.ndarray, np.ndarray]:
        """The points the curve draws now (iterations, losses)."""
        x, y = self._curve.getData()
        return (np.empty(0), np.empty(0)) if x is None else (x, y)

    def drawn_points(self) -> int:
        return len(self.drawn()[0])

    def set_extent(self, iterations: int) -> None:
        """Make room on the x axis for a run to ``iterations``, so the axis stays still while it runs. A run
        shorter than the blocks were made for draws its losses finely again (a 60-iteration run after one of
        10,000 was drawn in blocks of 16, its first iterations one bar)."""
        self._extent = max(int(iterations), 1)
        needed = max(self._n, self._extent)
        if self._envelope.block > 1 and -(-needed // (self._envelope.block // 2)) <= self._envelope.max_blocks:
            self._envelope = LossEnvelope()
            self._envelope.reserve(needed)
            self._envelope.update(self._y[: self._n], 0)
        self._envelope.reserve(self._extent)
        self.redraw()

    def refresh(self) -> None:
        """Take in the history's new losses and redraw; a history started afresh starts the plot afresh."""
        start = self.history.take_changes()
        if start is None:
            return
        self._y = self.history.values
        self._n = self._y.size
        if start == 0:
            self._envelope = LossEnvelope()  # a short new history is drawn as finely as its run allows
            self._envelope.reserve(self._extent)
            self._low, self._high = math.inf, -math.inf
            self._following = True
            self._marker.hide()
            self._readout.hide()
        if self._n > start:
            new = self._y[start:]
            self._low = min(self._low, float(new.min()))
            self._high = max(self._high, float(new.max()))
        self._envelope.update(self._y, start)
        if self._epochs is not None:
            if start == 0:  # a new history: points of one epoch again, not the old run's merged blocks
                self._epochs = EpochMeans(self._epochs.per_epoch)
            points = self._epochs.sums.size, self._epochs.block
            self._epochs.update(self._y[: self._n], start)
            if (self._epochs.sums.size, self._epochs.block) != points or start < points[0] * points[1]:
                self._mean_curve.setData(*self._epochs.curve())  # only when an epoch ended (or changed)
        self.redraw()

    def set_epoch_length(self, per_epoch: int) -> None:
        """Iterations an epoch (the network's batches): above 1, the batches' band goes pale and each epoch's
        mean is drawn over it."""
        per_epoch = max(int(per_epoch), 1)
        if per_epoch == (self._epochs.per_epoch if self._epochs is not None else 1):
            return
        batches = per_epoch > 1
        self._epochs = EpochMeans(per_epoch) if batches else None
        self._curve.setPen(pg.mkPen(BATCHES if batches else CURVE, width=1 if batches else 2))
        if batches:
            self._epochs.update(self._y[: self._n], 0)
            self._mean_curve.setData(*self._epochs.curve())
        else:
            self._mean_curve.setData([], [])
        self._mean_curve.setVisible(batches)
        self._fill_legend()

    def epoch_means_drawn(self) -> tuple[np.ndarray, np.ndarray]:
        """The epochs' mean line's points (the iteration each ends at, its mean loss); empty without batches."""
        x, y = self._mean_curve.getData()
        return (np.empty(0), np.empty(0)) if x is None or not self._mean_curve.isVisible() else (x, y)

    def set_log_scale(self, on: bool) -> None:
        self._log = bool(on)
        self.getPlotItem().setLogMode(y=self._log)
        self._readout.hide()
        self._marker.hide()
        self._range = None
        self._following = True
        self.redraw()

    @property
    def fresh_pictures(self) -> int:
        """Times the curve's cached picture was started afresh (a new range), not grown: for benchmarks and tests."""
        return self._curve.fresh_pictures

    @property
    def following(self) -> bool:
        return self._following

    def redraw(self) -> None:
        if self._following or self._n == 0:
            x, y = self._envelope.curve(self._n) if self._envelope.block > 1 else (
                np.arange(1, self._n + 1, dtype=float), self._y[: self._n])
            self._set_curve(x, y)
            self._follow_range()
        else:
            self._set_curve(*self._zoomed())

    def _set_curve(self, x: np.ndarray, y: np.ndarray) -> None:
        """Draw the points (iterations, losses), as log10(loss) on a log scale; non-finite ones are gaps."""
        if self._log:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log10(y)
        finite = bool(np.isfinite(y).all())
        self._curve.setData(x, y, connect="all" if finite else "finite", skipFiniteCheck=finite)

    def _follow_range(self) -> None:
        x_high = max(self._n, self._extent)
        lowest, highest = min(self._low, self._val_range[0]), max(self._high, self._val_range[1])
        if self._n == 0:
            y_range = (-2.0, 0.0) if self._log else (0.0, 1.0)
        elif self._log:
            low = lowest if lowest > 0 else 1e-12
            # whole decades below, half decades above: steps, so the axis seldom moves
            y_range = (math.floor(math.log10(low)), math.ceil(2 * math.log10(max(highest, low))) / 2)
            if y_range[0] == y_range[1]:
                y_range = (y_range[0] - 1, y_range[1])
        else:
            y_range = (min(0.0, lowest), nice_ceiling(1.05 * highest))  # a flat loss is not drawn on the border
        wanted = ((0, x_high), y_range)
        if wanted != self._range:
            self._range = wanted
            # (a programmatic move: sigRangeChangedManually, which stops following, does not fire)
            self.getPlotItem().vb.setRange(xRange=wanted[0], yRange=wanted[1], padding=0.02)

    def _stop_following(self, *_):
        self._following = False
        self._range = None

    def _on_state_changed(self, vb):
        if any(vb.autoRangeEnabled()):  # the "A" button: follow the run again
            vb.disableAutoRange()
            self._following = True
            self._range = None
            self.redraw()

    def _zoomed(self) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.getPlotItem().vb.viewRange()[0]
        a = int(min(max(math.floor(lo) - 2, 0), self._n))
        b = int(min(max(math.ceil(hi) + 1, 0), self._n))
        return envelope_of(self._y[a:b], a)

    def _on_view_changed(self, *_):
        if not self._following and self._n:
            self._set_curve(*self._zoomed())

    def _on_mouse_moved(self, pos) -> None:
        vb = self.getPlotItem().vb
        if self._n == 0 or not vb.sceneBoundingRect().contains(pos):
            self._marker.hide()
            self._readout.hide()
            self.hovered.emit("")
            return
        x = vb.mapSceneToView(pos).x()
        i = int(min(max(round(x), 1), self._n)) - 1
        loss = float(self._y[i])
        if self._log and loss <= 0:
            return
        y = math.log10(loss) if self._log else loss
        self._marker.setData([i + 1], [y])
        self._marker.show()
        text = f"iteration {i + 1:,}: loss {format_number_for_display(loss, digits=6)}"
        self._readout.setText(text)
        self._readout.setPos(i + 1, y)
        self._readout.show()
        self.hovered.emit(text)

    # -- the validation loss and the early stop ---------------------------------------------------------
    def _add_validation(self, item: pg.PlotItem) -> None:
        self._val_curve = pg.PlotDataItem(pen=pg.mkPen(VALIDATION, width=2), symbol="o", symbolSize=5,
                                          symbolBrush=pg.mkBrush(VALIDATION), symbolPen=None)
        item.addItem(self._val_curve)
        self._val_key: tuple | None = None
        self._val_range = (math.inf, -math.inf)
        self._legend = pg.LegendItem(offset=(-8, 8),  # top right: a loss curve starts high and falls
                                      brush=pg.mkBrush(255, 255, 255, 150), labelTextColor="#111")  # data shows through
        self._legend.setParentItem(item.vb)
        self._legend_style = 0  # 0: one row of full names across the top (the curves fall away below it), 1: short
        self._epochs: EpochMeans | None = None
        self._mean_curve = pg.PlotDataItem(pen=pg.mkPen(CURVE, width=2))
        self._mean_curve.hide()
        item.addItem(self._mean_curve)
        self._validated = False
        self._fill_legend()
        self._stop_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#444", width=1, style=Qt.DashLine),
                                          label="", labelOpts={"position": 0.72, "color": "#111",
                                                               "fill": pg.mkBrush(255, 255, 255, 220)})
        item.addItem(self._stop_line, ignoreBounds=True)
        self._stop_line.hide()

    def show_validation(self, validation: tuple[np.ndarray, np.ndarray], early_stop=None) -> None:
        """Draw the validation loss, (iterations, losses) as the snapshot has it (all so far), and mark an early
        stop (``Snapshot.early_stop``) at its best iteration. Redrawn only when something new came."""
        its, losses = validation
        n = len(its)
        key = (n, float(its[-1]) if n else None, early_stop)
        if key == self._val_key:
            return
        self._val_key = key
        if n == 0:
            self._val_curve.setData([], [])
            self._val_range = (math.inf, -math.inf)
        else:
            x, y = np.asarray(its, dtype=float), np.asarray(losses, dtype=float)
            if n > 2 * MAX_BLOCKS:  # one point per epoch, each epoch one iteration: thinned as the training curve
                at, y = envelope_of(y, 0)
                x = np.interp(at - 1, np.arange(n), x)
            self._val_curve.setSymbol("o" if n <= VALIDATION_SYMBOLS else None)
            self._val_curve.setData(x, y)
            finite = y[np.isfinite(y)]
            self._val_range = (float(finite.min()), float(finite.max())) if finite.size else (math.inf, -math.inf)
        if (n > 0) != self._validated:
            self._validated = n > 0
            self._fill_legend()
        if early_stop is None:
            self._stop_line.hide()
        else:
            self._stop_line.show()  # first: a hidden line's label does not take its text
            self._stop_line.setValue(early_stop.best_iteration)
            self._stop_line.label.setFormat(best_text(early_stop))  # on the side of the line with room for it
        if self._following and self._n:
            self._follow_range()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # a narrow plot: short names, still in one row; narrower still, one name under another
        style = 0 if self.width() >= LEGEND_ROW_WIDTH else 1 if self.width() >= LEGEND_ROW_WIDTH // 2 else 2
        if getattr(self, "_legend_style", style) != style:  # (not yet there while the widget is being built)
            self._legend_style = style
            self._fill_legend()

    def _fill_legend(self) -> None:
        """Name the curves there are: a legend for one plain training curve says nothing."""
        self._legend.clear()
        self._legend.setColumnCount(1 if self._legend_style == 2 else 3)
        short = self._legend_style > 0
        # samples of their own: the legend does not depend on how the training curve draws itself
        if self._epochs is not None:
            self._legend.addItem(pg.PlotDataItem(pen=pg.mkPen(BATCHES, width=1)),
                                 "each batch" if short else "training, each batch")
            self._legend.addItem(pg.PlotDataItem(pen=pg.mkPen(CURVE, width=2)),
                                 "epoch means" if short else "training, mean of each epoch")
        else:
            self._legend.addItem(pg.PlotDataItem(pen=pg.mkPen(CURVE, width=2)), "training")
        if self._validated:
            self._legend.addItem(pg.PlotDataItem(pen=pg.mkPen(VALIDATION, width=2), symbol="o", symbolSize=5,
                                                 symbolBrush=pg.mkBrush(VALIDATION), symbolPen=None), "validation")
        self._legend.setVisible(self._validated or self._epochs is not None)

    def validation_drawn(self) -> tuple[np.ndarray, np.ndarray]:
        """The validation curve's points (iterations, losses)."""
        x, y = self._val_curve.getData()
        return (np.empty(0), np.empty(0)) if x is None else (x, y)

    @property
    def legend_texts(self) -> list[str]:
        """The legend's names, when it is shown (with validation rows)."""
        return [label.text for _, label in self._legend.items] if self._legend.isVisible() else []

    @property
    def early_stop_mark(self) -> tuple[float, str] | None:
        """(iteration, label) of the early stop's line, when one is shown."""
        if not self._stop_line.isVisible():
            return None
        return self._stop_line.value(), self._stop_line.label.format
