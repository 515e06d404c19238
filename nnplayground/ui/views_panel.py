"""The right side of the window: the loss plot (its header says the metrics), the weight/network/surface/
metrics/health tabs and the predictions.

It shows an :class:`Update` and says what the user points at; the tab in view gets each new state,
the others catch up when they are shown.
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QDockWidget, QFrame, QHBoxLayout, QLabel, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from ..app.loss_history import LossHistory
from .diagram import NetworkDiagram
from .frame_pacer import NUMBERS_SECONDS, PICTURE_SECONDS, PICTURE_SHARE, RateLimit
from .health_view import HealthView
from .heatmaps import WeightHeatmaps, unit_names
from .loss_plot import LossPlot
from .metrics_view import MetricsView, metrics_text, metrics_tooltip
from .predictions_model import PredictionsModel, predictions_note
from .predictions_view import PredictionsPanel
from .surface_view import SurfaceView, view_title
from .worker import Update


def titled(title: str, widget: QWidget, extra: QWidget | None = None, beside: QWidget | None = None) -> QWidget:
    """``widget`` under a bold ``title``, with ``beside`` right after the title and ``extra`` at the right."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.setSpacing(2)
    head = QHBoxLayout()
    head.addWidget(QLabel(f"<b>{title}</b>"))
    if beside is not None:
        head.addSpacing(12)
        head.addWidget(beside)
    head.addStretch(1)
    if extra is not None:
        head.addWidget(extra)
    layout.addLayout(head)
    layout.addWidget(widget, 1)
    return box


MIN_LEFT, MIN_DOCK = 250, 220  # the table and settings, the inspector: readable at their narrowest


def settings_area(card: QWidget, settings: QWidget) -> QScrollArea:
    """The suggestions card above the settings, in a pane that scrolls up and down when the window is short."""
    inner = QWidget()
    layout = QVBoxLayout(inner)
    layout.setContentsMargins(2, 4, 2, 4)
    layout.setSpacing(6)
    layout.addWidget(card)
    layout.addWidget(settings, 1)
    area = QScrollArea()
    area.setObjectName("settingsArea")
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    area.setFrameShape(QFrame.NoFrame)
    area.setWidget(inner)
    return area


def lay_out(window, table_editor, settings, views, inspector) -> QDockWidget:
    """The window's layout: table and settings on the left, the views on the right, the step
    inspector in a dock (returned)."""
    left = QSplitter(Qt.Vertical)
    left.addWidget(titled("Training table", table_editor, table_editor.scaled_toggle))
    left.addWidget(settings)
    left.setStretchFactor(0, 1)
    left.setStretchFactor(1, 1)
    main = QSplitter(Qt.Horizontal)
    main.setObjectName("mainSplitter")
    main.addWidget(left)
    main.addWidget(views)
    main.setStretchFactor(0, 2)
    main.setStretchFactor(1, 5)
    main.setChildrenCollapsible(False)
    left.setMinimumWidth(MIN_LEFT)
    window.setCentralWidget(main)
    dock = QDockWidget("Step inspector", window)
    dock.setObjectName("inspectorDock")
    dock.setWidget(inspector)
    inspector.setMinimumWidth(MIN_DOCK)
    window.addDockWidget(Qt.RightDockWidgetArea, dock)
    return dock


def share_width(window, dock: QDockWidget) -> None:
    """Give the table, the views and the inspector their shares of the window's width as it is now (at
    1024 px too: a fixed 430 px inspector left it 120 px on a small screen, or the views none)."""
    width = window.width()
    window.resizeDocks([dock], [int(min(max(0.27 * width, MIN_DOCK), 430))], Qt.Horizontal)
    main = window.centralWidget()
    left = int(min(max(0.26 * width, MIN_LEFT), 400))
    main.setSizes([left, max(main.width() - left, 1)])


class TrainingViews(QWidget):
    clicked = Signal(str, int, int, int)  # a parameter: kind ("W" or "b"), layer, i, j
    viewChanged = Signal()  # the tab or the surface's plane changed: the worker provides other things

    def __init__(self, history: LossHistory, parent=None):
        super().__init__(parent)
        self.loss_plot = LossPlot(history)
        self.heatmaps = WeightHeatmaps()
        self.diagram = NetworkDiagram()
        self.surface_view = SurfaceView()
        self.metrics_view = MetricsView()
        self.health_view = HealthView()
        self.metrics_label = QLabel()  # beside the loss: accuracy, or R² and RMSE
        self.metrics_label.setObjectName("metricsLabel")
        self.metrics_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.predictions_model = PredictionsModel(self)
        self.predictions = PredictionsPanel(self.predictions_model)
        self.predictions_view = self.predictions.table
        self.hover_label = QLabel(" ")
        self.hover_label.setStyleSheet("color: #333; font-family: monospace;")
        self.hover_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.log_box = QCheckBox("log scale")
        self.names: list[list[str]] = []  # each layer's unit names, for hover texts and the chain rule
        self._shown: Update | None = None
        self._table, self._names_key = None, None  # the shown table and its unit names
        self._tab_rate = RateLimit(PICTURE_SECONDS, share=PICTURE_SHARE)  # charged with its update and painting
        self._numbers_rate = RateLimit(NUMBERS_SECONDS)
        # the validation curve gains a point an epoch, every iteration with whole-table batches: redrawn whole,
        # it comes as often as the pictures (~0.5 ms a time at 20,000 points), not every frame
        self._validation_rate = RateLimit(PICTURE_SECONDS)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("views")
        self.tabs.addTab(self.heatmaps, "Weights")
        self.tabs.addTab(self.diagram, "Network")
        self.tabs.addTab(self.surface_view, "Surface")
        self.tabs.setTabToolTip(0, "Each layer's weights W and gradients ∂L/∂W as heatmaps")
        self.tabs.setTabToolTip(1, "The network drawn: edges by weight, units by activation")
        self.tabs.setTabToolTip(2, "ŷ over the inputs: a surface over two of them, or a curve over one")
        self.tabs.addTab(self.metrics_view, "Metrics")
        self.tabs.addTab(self.health_view, "Health")
        self.tabs.setTabToolTip(3, "Accuracy and the confusion matrix, or R² and RMSE, of the latest predictions")
        self.tabs.setTabToolTip(4, "Per layer: gradient and weight sizes, saturated or dead units; what holds "
                                   "training back and what to try")
        lower = QSplitter(Qt.Horizontal)
        lower.addWidget(self.tabs)
        lower.addWidget(titled("Predictions", self.predictions))
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        lower.setSizes([560, 340])
        self.tabs.setMinimumWidth(self.tabs.tabBar().sizeHint().width() + 4)  # every tab's name in view at 1024 px
        right = QSplitter(Qt.Vertical)
        right.addWidget(titled("Loss", self.loss_plot, self.log_box, beside=self.metrics_label))
        right.addWidget(lower)
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(right, 1)
        layout.addWidget(self.hover_label)

        for view in (self.loss_plot, self.heatmaps, self.diagram):
            view.hovered.connect(self.show_hover)
        for view in (self.heatmaps, self.diagram):
            view.clicked.connect(self.clicked)
            view.painted.connect(self._tab_rate.charge)  # the pictures whose painting can be costly
        self.surface_view.specChanged.connect(lambda _spec: self.viewChanged.emit())
        self.surface_view.draw_action.toggled.connect(  # Ctrl+D from any tab: draw where it can be done
            lambda on: on and self.tabs.setCurrentWidget(self.surface_view))
        self.tabs.currentChanged.connect(self._on_tab_changed)

    def surface_spec(self):
        """The plane the worker should compute ŷ over, when the surface is in view."""
        return self.surface_view.spec() if self.tabs.currentWidget() is self.surface_view else None

    def clear(self) -> None:
        """A new network: nothing shown belongs to it yet."""
        self._shown = None
        self.show_hover("")
        self.loss_plot.refresh()
        self.loss_plot.show_validation((np.zeros(0), np.zeros(0)))
        self.metrics_label.setText("")
        self.metrics_view.clear()
        self.health_view.clear()

    def show_update(self, update: Update) -> None:
        snap, table = update.snapshot, update.table
        self._shown = update
        if table is not self._table:  # once per table, not per frame
            self._table = table
            self.tabs.setTabText(2, view_title(table))
        encoding = update.encoding  # the network's own inputs and outputs: "colour=red", one per class
        inputs = table.input_columns if encoding is None else encoding.input_names
        outputs = table.target_columns if encoding is None else encoding.output_names
        key = (tuple(w.shape for w in snap.weights), inputs, outputs)
        if key != self._names_key:
            self._names_key = key
            self.names = unit_names([w.shape[0] for w in snap.weights] + [snap.weights[-1].shape[1]],
                                    inputs, outputs)
        self.loss_plot.refresh()  # every frame: the curve is what moves
        if self._validation_rate.due(update.running):
            self.loss_plot.show_validation(snap.validation, snap.early_stop)
        self.loss_plot.set_epoch_length(snap.iterations_per_epoch)
        if self._tab_rate.due(update.running):
            start = time.thread_time()
            self._show_tab(update)
            self._tab_rate.charge(time.thread_time() - start)
        if self._numbers_rate.due(update.running):
            self.predictions_model.show(table, snap.predictions, update.encoding,
                                        note=predictions_note(snap, snap.predictions_before_update))
            self._show_metrics_label(update)

    def _show_metrics_label(self, update: Update) -> None:
        text = metrics_text(update.metrics, update.table.target_columns, update.validation_metrics)
        if text != self.metrics_label.text():
            self.metrics_label.setText(text)
            self.metrics_label.setToolTip(metrics_tooltip(update.metrics) + (
                "\nValidation: of the rows kept apart, never trained on." if update.validation_metrics else ""))

    def show_heatmaps(self, update: Update) -> None:
        snap = update.snapshot
        self.heatmaps.set_parameters(snap.weights, snap.biases, update.config.use_bias, self.names,
                                     snap.gradients, snap.bias_gradients, running=update.running)

    def _show_tab(self, update: Update) -> None:
        snap, table = update.snapshot, update.table
        current = self.tabs.currentWidget()
        if current is self.heatmaps:
            self.show_heatmaps(update)
        elif current is self.diagram:
            self.diagram.set_state(snap.weights, snap.biases, update.config.use_bias, self.names,
                                   snap.row_activations, snap.row)
        elif current is self.metrics_view:
            self.metrics_view.show_metrics(update.metrics, table, update.validation_metrics)
        elif current is self.health_view:
            self.health_view.show_report(update.health)
        else:
            if self.surface_view.table is not table:
                self.surface_view.set_table(table)  # sends a new plane; its surface comes next update
            spec = self.surface_view.spec()
            surface = update.surface if update.surface is not None and update.surface.spec == spec else None
            self.surface_view.set_surface(surface, table)

    def _on_tab_changed(self, _index) -> None:
        self.viewChanged.emit()
        if self._shown is not None:
            self._show_tab(self._shown)

    def show_hover(self, text: str) -> None:
        self.hover_label.setText(text or " ")

    def export_view(self, which: str, path) -> None:
        """Save the network diagram ("network") or the surface / ŷ(x) view ("surface") as PNG or SVG,
        brought up to date first (a tab not in view is not drawn while training runs)."""
        widget = self.diagram if which == "network" else self.surface_view
        if self._shown is not None:
            current = self.tabs.currentWidget()
            self.tabs.blockSignals(True)
            try:
                self.tabs.setCurrentWidget(widget)  # _show_tab draws the tab in view
                self._show_tab(self._shown)
            finally:
                self.tabs.setCurrentWidget(current)
                self.tabs.blockSignals(False)
        widget.export(path)

    def export_item(self, which: str):
        """The graphics item to save as a picture: "loss" or "heatmaps" (brought up to date first)."""
        if which == "heatmaps" and self._shown is not None:
            self.show_heatmaps(self._shown)
        return self.loss_plot.getPlotItem() if which == "loss" else self.heatmaps.export_item()
