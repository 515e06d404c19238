"""The Health tab: is the gradient reaching every layer, and if training is stuck, why and what to try.

On top, the notes of :func:`~..core.health.diagnose` in plain words, each with its fix, the worst first
(a healthy run says so). Under them, side by side: a bar per layer for the share of its units stuck now
(saturated: a sigmoid or tanh output where f′ is below 1 % of its peak; dead: a ReLU that gives 0 for
every row; outlined in red when the layer is stuck), grey for an output whose loss cancels f′ (sigmoid
with bce, softmax with cross-entropy: δ = ŷ − y, so its saturated units are confident, not stuck; the
core's :func:`~..core.health.layer_states` decides), and ‖∂L/∂W‖ (solid) and ‖W‖ (dashed) per layer
over the run, on a log scale, one colour per layer in both. The worker sends a
:class:`~..app.training_watch.HealthReport`; this only shows it, and only when it is a new one.
"""
from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QSplitter, QVBoxLayout, QWidget

from ..app.training_watch import HealthReport
from ..core.config import CONSTRAINTS
from ..core.table import format_number
from .axes import use_plain_axes
from .curve_view import PALETTE

EMPTY_TEXT = "Nothing to say yet: step or run, and how training goes shows here."
LEGEND_MOST = 8  # layers named in the legend; a deeper network names the first and last few
LEGEND_COLUMNS = 2
STUCK_COLOUR, HEALTHY_COLOUR, CAUTION_COLOUR = "#b42318", "#15803d", "#b45309"
CONFIDENT_COLOUR, CONFIDENT_TEXT = QColor(150, 150, 150, 110), "#555555"  # an output saturated harmlessly: neutral
LEGEND_FROM = 190  # pixels of plot height: in a smaller plot the bars' names and colours are the legend
NOTES_AT_MOST = 0.55  # of the tab's height, for the notes, until the user moves the divider
BARS_CAPTION = "Saturated or dead units now"
BARS_EXPLAINED = ("Per layer, the share of its units that pass (almost) no gradient back now: saturated (sigmoid, "
                  "tanh, softmax: f′ below 1 % of its peak) or dead (ReLU: 0 for every row); outlined in red when "
                  "that is 90 % or more. A linear layer has neither. An output whose loss cancels f′ (sigmoid with "
                  "bce, softmax with cross_entropy: δ = ŷ − y) is grey: its saturated units are confident, ŷ near 0 "
                  "or 1, and a confident wrong one still gets a large δ.")
CONFIDENT_NOTE = "{name}: confident (fine with this loss: δ\u00a0=\u00a0ŷ\u00a0−\u00a0y)"  # the formula on one line
CONFIDENT_EXPLAINED = ("{share:.1f} % of {name}'s values are near 0 or 1, where {activation} is flat; with {loss} the "
                       "gradient at the output is δ = ŷ − y, which does not go through f′, so a wrong one still gets "
                       "a large δ. Confident, not stuck.")
PLOT_CAPTION = "‖∂L/∂W‖ solid, ‖W‖ dashed (log)"
PLOT_EXPLAINED = ("Per layer over the run: the size of the gradient (how hard backprop pushes the layer's weights) "
                  "and of the weights themselves. A layer whose gradient is far below the others' hardly learns.")


def layer_names(n_layers: int) -> list[str]:
    """"layer 1" … "layer L−1", then "output"."""
    return [f"layer {l + 1}" for l in range(n_layers - 1)] + ["output"]


def layer_colour(layer: int, n_layers: int) -> QColor:
    if n_layers <= len(PALETTE):
        return QColor(*PALETTE[layer])
    return pg.intColor(layer, hues=n_layers, values=1, maxValue=200)


def try_text(settings) -> str:
    """A note's fix as the settings it changes: "initial weights xavier, learning rate 0.00667"."""
    def shown(value):
        return "on" if value is True else format_number(value) if isinstance(value, float) else value

    return ", ".join(f"{CONSTRAINTS[key].label} {shown(value)}" for key, value in settings)


def notes_html(report: HealthReport | None) -> str:
    if report is None or not report.notes:
        return f"<span style='color:#555'>{EMPTY_TEXT}</span>"
    parts = []
    for k, note in enumerate(report.notes):
        healthy = note.code == "healthy"
        colour = HEALTHY_COLOUR if healthy else STUCK_COLOUR if note.stuck else CAUTION_COLOUR
        mark = "✓" if healthy else "⚠" if note.stuck else "!"  # a caution (overfitting, a wobble) is no all-clear
        then = " Then Reset (Ctrl+R)." if note.needs_reset else ""
        fix = f"<br>→ {html.escape(note.fix)}{then}" if note.fix else ""
        if note.try_settings:  # the fix in one click: the settings change, and wait for Reset as any change
            fix += f" <a href='try:{k}'>Try {html.escape(try_text(note.try_settings))}</a>"
        parts.append(f"<p style='margin:0 0 6px 0'><span style='color:{colour}; font-weight:bold'>{mark} "
                     f"{html.escape(note.message)}</span>{fix}</p>")
    return "".join(parts)


def _faint(colour: QColor) -> QColor:
    """The layer's colour, light enough for dark text on it."""
    faint = QColor(colour)
    faint.setAlpha(110)
    return faint


def _plot(caption: str, explained: str) -> tuple[QWidget, pg.PlotWidget]:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    label = QLabel(f"<b>{caption}</b>")
    label.setWordWrap(True)
    label.setStyleSheet("color: #333;")
    label.setToolTip(explained)
    plot = pg.PlotWidget(background="w")
    plot.setToolTip(explained)
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    use_plain_axes(item)
    layout.addWidget(label)
    layout.addWidget(plot, 1)
    return box, plot


class HealthView(QWidget):
    trySettings = Signal(object)  # a note's "Try …": ((setting, value), …) for the settings panel

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("healthView")
        self.notes = QLabel()
        self.notes.setObjectName("healthNotes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.RichText)
        self.notes.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.LinksAccessibleByMouse
                                           | Qt.LinksAccessibleByKeyboard)
        self.notes.linkActivated.connect(self._try)
        self.notes.setAlignment(Qt.AlignTop | Qt.AlignLeft)

        bars_box, self.bars_plot = _plot(BARS_CAPTION, BARS_EXPLAINED)
        self.bars_plot.setObjectName("healthBars")
        self.bars_note = QLabel()  # under the bars: why a grey output is fine
        self.bars_note.setObjectName("healthBarsNote")
        self.bars_note.setWordWrap(True)
        self.bars_note.setStyleSheet(f"color: {CONFIDENT_TEXT};")
        self.bars_note.hide()
        bars_box.layout().addWidget(self.bars_note)
        bars = self.bars_plot.getPlotItem()  # one row per layer, layer 1 on top, the share to the right
        bars.setMouseEnabled(x=False, y=False)
        bars.invertY(True)
        bars.setXRange(0, 100, padding=0.02)
        bars.getAxis("bottom").setTicks([[(v, f"{v} %") for v in (0, 50, 100)]])
        bars.showGrid(x=True, alpha=0.15)
        self._bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7)
        bars.addItem(self._bars)
        self._bar_labels: list[pg.TextItem] = []

        plot_box, self.plot = _plot(PLOT_CAPTION, PLOT_EXPLAINED)
        self.plot.setObjectName("healthPlot")
        item = self.plot.getPlotItem()
        item.setLogMode(y=True)
        item.setLabel("bottom", "iteration")
        item.showGrid(y=True, alpha=0.15)
        # above the plot, not over the curves (as the ŷ(x) view's)
        self.legend = pg.LegendItem(offset=None, labelTextColor="k", frame=False, colCount=LEGEND_COLUMNS)
        self.legend.setParentItem(item)
        self.legend.anchor(itemPos=(0.5, 0), parentPos=(0.5, 0), offset=(0, 2))
        self.legend.setFlag(self.legend.GraphicsItemFlag.ItemIgnoresTransformations, False)
        self._curves: list[tuple[pg.PlotDataItem, pg.PlotDataItem]] = []

        charts = QWidget()
        row = QHBoxLayout(charts)
        row.setContentsMargins(6, 0, 6, 4)
        row.setSpacing(14)
        bars_box.setMinimumWidth(110)
        row.addWidget(bars_box, 1)
        row.addWidget(plot_box, 2)
        charts.setMinimumHeight(140)
        notes = QScrollArea()  # the notes on top, the charts under them: a splitter shares the height
        notes.setWidgetResizable(True)
        notes.setFrameShape(QScrollArea.NoFrame)
        notes.setWidget(self.notes)
        notes.setMinimumHeight(48)
        self.notes.setContentsMargins(6, 6, 6, 0)
        self._split = QSplitter(Qt.Vertical)
        self._split.addWidget(notes)
        self._split.addWidget(charts)
        self._split.setChildrenCollapsible(False)
        self._split.splitterMoved.connect(self._divider_moved)
        self._split.splitterMoved.connect(lambda *_: self._place_legend())
        self._divider_placed = False  # by the user: then it stays where they put it
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._split)
        self.report: HealthReport | None = None
        self._layers_key = None
        self._notes = None
        self._states = None
        self.clear()

    def clear(self) -> None:
        self.report = None
        self._notes = self._states = None
        self.notes.setText(notes_html(None))
        self._fit_notes()
        self._set_layers(None)

    def show_report(self, report: HealthReport | None) -> None:
        if report is self.report:
            return  # nothing new (the worker sends the same report until it works out another)
        if report is None:
            self.clear()
            return
        self.report = report
        if report.notes != self._notes:
            self._notes = report.notes
            self.notes.setText(notes_html(report))
            self._fit_notes()
        self._set_layers(report)
        its = report.iterations
        for l, (grad, weight) in enumerate(self._curves):
            grad.setData(its, report.grad_norm[:, l], connect="finite")
            weight.setData(its, report.weight_norm[:, l], connect="finite")

    def _try(self, link: str) -> None:
        if link.startswith("try:") and self._notes is not None:
            self.trySettings.emit(self._notes[int(link[4:])].try_settings)

    def _divider_moved(self, *_):
        self._divider_placed = True

    def _fit_notes(self) -> None:
        """The notes' pane as tall as its text, at most NOTES_AT_MOST of the tab; the charts get the rest."""
        total = sum(self._split.sizes())
        if self._divider_placed or total <= 0:
            return
        width = self._split.width()
        m = self.notes.contentsMargins()
        wanted = self.notes.heightForWidth(max(width - 4, 50)) + m.top() + m.bottom() + 4
        notes = min(wanted, int(NOTES_AT_MOST * total))
        self._split.setSizes([notes, total - notes])

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit_notes()
        self._place_legend()

    def shares(self) -> list[tuple[str, float | None]]:
        """Each layer's bar: ("saturated", "dead" or "confident", its share) or ("", None) (for tests and scripts)."""
        return [] if self.report is None else [(state.kind, state.share) for state in self.report.states]

    def bar_labels(self) -> list[tuple[str, str]]:
        """Each bar's label as shown: its text and colour ("#rrggbb") (for tests and scripts)."""
        return [(label.textItem.toPlainText(), label.color.name()) for label in self._bar_labels]

    def bar_outlines(self) -> list[str | None]:
        """Each bar's outline colour ("#rrggbb"), None where it has none (for tests and scripts)."""
        pens = self._bars.opts.get("pens") or []
        return [None if pen.style() == Qt.NoPen else pen.color().name() for pen in pens]

    def _set_layers(self, report: HealthReport | None) -> None:
        key = None if report is None else (report.layer_sizes, report.activations)
        if key != self._layers_key:
            self._layers_key = key
            self._make_layers(report)
        if report is None:
            return
        states = report.states
        if states == self._states:
            return
        self._states = states
        n = len(states)
        names = layer_names(n)
        lengths = [0.0 if s.share is None else 100 * s.share for s in states]
        brushes = [pg.mkBrush(CONFIDENT_COLOUR if s.kind == "confident" else _faint(layer_colour(l, n)))
                   for l, s in enumerate(states)]
        pens = [pg.mkPen(STUCK_COLOUR, width=2) if s.stuck else  # the layer's colour round a grey bar: still its own
                pg.mkPen(layer_colour(l, n), width=1) if s.kind == "confident" else pg.mkPen(None)
                for l, s in enumerate(states)]
        self._bars.setOpts(x0=np.zeros(n), y=np.arange(n), width=lengths, height=0.7, brushes=brushes, pens=pens)
        for l, (label, state, length) in enumerate(zip(self._bar_labels, states, lengths)):
            colour = STUCK_COLOUR if state.stuck else CONFIDENT_TEXT if state.kind == "confident" else "#222222"
            label.setText("–" if state.share is None else f"{length:.0f} %", color=colour)
            if state.kind == "confident":
                label.setToolTip(CONFIDENT_EXPLAINED.format(share=length, name=names[l],
                                                            activation=report.activations[l], loss=report.loss))
            else:
                label.setToolTip("a linear layer: neither" if state.share is None else
                                 f"{length:.1f} % {state.kind}" + (": stuck" if state.stuck else ""))
        confident = [l for l, s in enumerate(states) if s.kind == "confident"]
        self.bars_note.setVisible(bool(confident))
        if confident:
            l = confident[0]
            self.bars_note.setText(CONFIDENT_NOTE.format(name=names[l]))
            self.bars_note.setToolTip(CONFIDENT_EXPLAINED.format(share=lengths[l], name=names[l],
                                                                 activation=report.activations[l], loss=report.loss))

    def _make_layers(self, report: HealthReport | None) -> None:
        """The bars' axis and labels and the plot's curves, one per layer (made again when the layers change)."""
        item, bars = self.plot.getPlotItem(), self.bars_plot.getPlotItem()
        for grad, weight in self._curves:
            item.removeItem(grad)
            item.removeItem(weight)
        for label in self._bar_labels:
            bars.removeItem(label)
        self.legend.clear()
        self._curves, self._bar_labels = [], []
        if report is None:
            self._bars.setOpts(x0=[], y=[], width=[], height=0.7, brushes=None, pens=None)
            self.bars_note.hide()
            return
        n = len(report.activations)
        names = layer_names(n)
        every = max(1, -(-n // 12))  # a name for every layer up to 12, then for every few
        bars.getAxis("left").setTicks([[(l, names[l]) for l in range(n) if l % every == 0 or l == n - 1]])
        bars.setYRange(-0.5, n - 0.5, padding=0.02)
        for l in range(n):
            label = pg.TextItem(anchor=(0, 0.5))
            label.setPos(1, l)
            bars.addItem(label)
            self._bar_labels.append(label)
        for l, name in enumerate(names):
            colour = layer_colour(l, n)
            grad = item.plot(pen=pg.mkPen(colour, width=2))
            weight = item.plot(pen=pg.mkPen(colour, width=1.5, style=Qt.DashLine))
            self._curves.append((grad, weight))
            if n <= LEGEND_MOST or l < 3 or l >= n - 2:
                self.legend.addItem(grad, name)
            elif l == 3:
                self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen(None)), "…")
        self.legend.updateSize()
        self._place_legend()

    def _place_legend(self) -> None:
        """The legend above the curves when the plot has room for both, else none."""
        shown = bool(self._curves) and self.plot.height() >= LEGEND_FROM
        self.legend.setVisible(shown)
        top = 4 + self.legend.boundingRect().height() if shown else 4
        self.plot.getPlotItem().layout.setContentsMargins(1, top, 1, 1)

    def texts(self) -> list[str]:
        """The notes as shown, worst first (for tests and scripts)."""
        return [] if self.report is None else [f"{n.message} {n.fix}".strip() for n in self.report.notes]
