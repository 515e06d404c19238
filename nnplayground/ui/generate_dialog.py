"""A new training table from a generator (:mod:`nnplayground.core.datasets`): pick a pattern, the
number of points, the noise and the seed, watch the points in a live preview, then OK.

Use::

    table = GenerateDialog.ask(parent)          # a TrainingTable, or None when cancelled

or, to start from the last settings and keep the new ones::

    dialog = GenerateDialog(parent, **last)     # last: a previous dialog's settings(), or nothing
    if dialog.exec() == QDialog.Accepted:
        table, last = dialog.table(), dialog.settings()

:meth:`GenerateDialog.table` is the table after OK (None before, and after Cancel); it is an ordinary
table, to be edited like any other. :meth:`GenerateDialog.settings` is ``{"name", "n_points",
"noise", "seed"}``, the arguments of :func:`~nnplayground.core.datasets.generate`. The fields take
their limits from the core's :data:`~nnplayground.core.datasets.CONSTRAINTS`. Keys: Enter is OK (from
any field), Esc is Cancel, Tab goes list → points → noise → seed → next seed → OK → Cancel.

The preview draws the rows as the Surface tab does: classes in the Surface tab's colours (class 0
and class 1 are the two ends of its colour scale), a regression's rows in the ŷ(x) view's colour,
and an evenly spaced sample of a large table (:mod:`.training_points`).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QListWidget,
    QListWidgetItem, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from ..core.datasets import CLASSIFICATION, CONSTRAINTS, GENERATORS, REGRESSION, generate
from ..core.table import TrainingTable
from .axes import use_plain_axes
from .curve_view import PALETTE
from .surface_view import COLORMAP
from .training_points import MAX_POINTS, draw_points, point_style

SECTIONS = {CLASSIFICATION: "Classification: x1, x2 → class", REGRESSION: "Regression: x → y"}
NAME_ROLE = Qt.UserRole  # a list item's generator name (None for a section's heading)
HEADING_COLOR, HINT_STYLE = "#444", "color:#555"
LEFT_COLUMN_CHARS = 40  # the list and the fields: wide enough for the longest noise hint in two lines
PREVIEW_SIZE = 300  # pixels, the preview's least width and height
START_SIZE = QSize(780, 540)  # fits a 1024×700 screen with room for the window's frame
MIN_SIZE = QSize(640, 480)  # below it the wrapped texts would squeeze the preview under its legend
VIEW_MARGIN = 0.08  # around −1…1 (or the points, if they reach further), in the plane's units


def class_colors() -> np.ndarray:
    """Class 0's and class 1's colours, (2, 4) bytes: the ends of the Surface tab's colour scale, where a
    0/1 target's rows are drawn."""
    return pg.colormap.get(COLORMAP).map(np.array([0.0, 1.0]), mode="byte")


def _hex(color) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(c) for c in color[:3]))


class PatternList(QListWidget):
    """The generators under their headings. Qt's arrow keys step over a heading (a disabled row), but
    Home and Page Up stop on one and select nothing: they go to the nearest pattern below it instead."""

    def moveCursor(self, action, modifiers):
        index = super().moveCursor(action, modifiers)
        if not index.isValid():
            return index
        rows = list(range(index.row(), self.count())) + list(range(index.row() - 1, -1, -1))
        for row in rows:
            if self.item(row).flags() & Qt.ItemIsEnabled:
                return self.model().index(row, 0)
        return index


class GenerateDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, name: str = "xor", n_points: int = 200, noise: float = 0.1,
                 seed: int = 0):
        super().__init__(parent)
        self.setObjectName("generateDialog")
        self.setWindowTitle("New table from a generator")
        self._table: TrainingTable | None = None

        self.generators = PatternList()
        self.generators.setObjectName("generatorList")
        self.generators.setSelectionMode(QAbstractItemView.SingleSelection)
        heading_font = QFont(self.generators.font())
        heading_font.setBold(True)
        for kind, heading in SECTIONS.items():
            item = QListWidgetItem(heading)
            item.setFlags(Qt.NoItemFlags)  # a heading: not selectable, skipped by the arrow keys
            item.setFont(heading_font)
            item.setForeground(QColor(HEADING_COLOR))  # not the pale grey of a disabled item
            self.generators.addItem(item)
            for g in (g for g in GENERATORS.values() if g.kind == kind):
                item = QListWidgetItem("    " + g.title)
                item.setData(NAME_ROLE, g.name)
                item.setToolTip(g.description)
                self.generators.addItem(item)

        points, noise_limits, seed_limits = CONSTRAINTS["n_points"], CONSTRAINTS["noise"], CONSTRAINTS["seed"]
        self.points = QSpinBox()
        self.points.setObjectName("pointsSpin")
        self.points.setRange(points.low, points.high)
        self.points.setGroupSeparatorShown(True)
        self.points.setSingleStep(50)
        self.points.setToolTip(f"Rows in the table: {points.describe()}. Classes get half each.")
        self.noise = QDoubleSpinBox()
        self.noise.setObjectName("noiseSpin")
        self.noise.setDecimals(2)
        self.noise.setRange(noise_limits.low, noise_limits.high)
        self.noise.setSingleStep(0.05)
        self.noise_hint = QLabel()  # what the noise is a fraction of, for the chosen pattern
        self.noise_hint.setObjectName("noiseHint")
        self.noise_hint.setWordWrap(True)
        self.noise_hint.setStyleSheet(HINT_STYLE)
        self.seed = QSpinBox()
        self.seed.setObjectName("seedSpin")
        self.seed.setRange(seed_limits.low, min(seed_limits.high, 2**31 - 1))  # a QSpinBox is 32-bit
        self.seed.setToolTip(f"{seed_limits.describe().capitalize()}: the same seed gives the same points.")
        self.next_seed = QPushButton("Next seed")
        self.next_seed.setObjectName("nextSeedButton")
        self.next_seed.setAutoDefault(False)  # Enter on it still means OK
        self.next_seed.setToolTip("Other points from the same pattern: the seed plus one.")
        self.next_seed.clicked.connect(lambda: self.seed.setValue(min(self.seed.value() + 1, self.seed.maximum())))

        self.title = QLabel()
        self.title.setObjectName("generatorTitle")
        title_font = QFont(self.title.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.title.setFont(title_font)
        self.description = QLabel()
        self.description.setObjectName("generatorDescription")
        self.description.setWordWrap(True)
        self.preview = pg.PlotWidget(background="w")
        self.preview.setObjectName("generatorPreview")
        self.preview.setMinimumSize(PREVIEW_SIZE, PREVIEW_SIZE)
        self.preview.setFocusPolicy(Qt.NoFocus)
        plot = self.preview.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(False, False)
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.layout.setContentsMargins(2, 8, 10, 2)  # room for the tick labels at the top and right ends
        use_plain_axes(plot)
        self.dots = pg.ScatterPlotItem()  # the preview's points: what the table will hold
        plot.addItem(self.dots)
        self.legend = QLabel()  # which colour is which, and how many rows of each
        self.legend.setObjectName("previewLegend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.RichText)

        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(QDialogButtonBox.Ok)
        ok.setDefault(True)

        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.next_seed)
        form = QFormLayout()
        seed_label = QLabel("&Seed")
        seed_label.setBuddy(self.seed)
        form.addRow("&Points", self.points)
        form.addRow("&Noise", self.noise)
        form.addRow("", self.noise_hint)
        form.addRow(seed_label, seed_row)
        left = QVBoxLayout()
        pattern_label = QLabel("P&attern")
        pattern_label.setBuddy(self.generators)
        left.addWidget(pattern_label)
        left.addWidget(self.generators, 1)
        left.addLayout(form)
        right = QVBoxLayout()
        right.addWidget(self.title)
        right.addWidget(self.description)
        right.addWidget(self.preview, 1)
        right.addWidget(self.legend)
        left_column = QWidget()
        left_column.setLayout(left)
        left.setContentsMargins(0, 0, 0, 0)
        # one width whatever the pattern: the noise hint's length must not move the preview
        left_column.setFixedWidth(max(self.generators.sizeHintForColumn(0) + 40,
                                      self.fontMetrics().averageCharWidth() * LEFT_COLUMN_CHARS))
        columns = QHBoxLayout()
        columns.addWidget(left_column)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        QWidget.setTabOrder(self.generators, self.points)
        QWidget.setTabOrder(self.points, self.noise)
        QWidget.setTabOrder(self.noise, self.seed)
        QWidget.setTabOrder(self.seed, self.next_seed)
        QWidget.setTabOrder(self.next_seed, ok)
        QWidget.setTabOrder(ok, self.buttons.button(QDialogButtonBox.Cancel))

        self.points.setValue(CONSTRAINTS["n_points"].check(n_points))
        self.noise.setValue(CONSTRAINTS["noise"].check(noise))
        self.seed.setValue(CONSTRAINTS["seed"].check(seed))
        self.set_generator(name)
        self.generators.currentRowChanged.connect(self._update_preview)
        self.points.valueChanged.connect(self._update_preview)
        self.noise.valueChanged.connect(self._update_preview)
        self.seed.valueChanged.connect(self._update_preview)
        self._update_preview()
        self.generators.setFocus()
        self.setMinimumSize(MIN_SIZE)
        self.resize(START_SIZE)

    # -- the API --------------------------------------------------------------------------------------
    @classmethod
    def ask(cls, parent: QWidget | None = None, **settings) -> TrainingTable | None:
        """Show the dialog (modal) and return the generated table, or None if it was cancelled."""
        dialog = cls(parent, **settings)
        try:
            return dialog.table() if dialog.exec() == QDialog.Accepted else None
        finally:
            dialog.deleteLater()

    def generator_name(self) -> str:
        """The name of the chosen generator (a key of :data:`~nnplayground.core.datasets.GENERATORS`)."""
        item = self.generators.currentItem()
        return item.data(NAME_ROLE) if item is not None and item.data(NAME_ROLE) else next(iter(GENERATORS))

    def set_generator(self, name: str) -> None:
        CONSTRAINTS["name"].check(name)
        for row in range(self.generators.count()):
            if self.generators.item(row).data(NAME_ROLE) == name:
                self.generators.setCurrentRow(row)
                return

    def settings(self) -> dict:
        """The chosen settings, as :func:`~nnplayground.core.datasets.generate` takes them."""
        return {"name": self.generator_name(), "n_points": self.points.value(), "noise": self.noise.value(),
                "seed": self.seed.value()}

    def table(self) -> TrainingTable | None:
        """The table made on OK; None before OK and after Cancel."""
        return self._table

    def accept(self) -> None:
        for box in (self.points, self.noise, self.seed):
            box.interpretText()  # a number typed and not yet confirmed (Enter straight after typing) counts
        self._table = generate(**self.settings())
        super().accept()

    def reject(self) -> None:
        self._table = None
        super().reject()

    # -- the preview ------------------------------------------------------------------------------------
    def _update_preview(self, *_) -> None:
        settings = self.settings()
        g = GENERATORS[settings["name"]]
        table = generate(**settings)
        self.title.setText(g.title)
        self.description.setText(g.description)
        scale = f"{g.scale_meaning} ({g.scale:.2g})"
        self.noise_hint.setText(f"a fraction of {scale}")
        self.noise.setToolTip(f"{CONSTRAINTS['noise'].describe().capitalize()}: how far the points stray from the "
                              f"pattern. The standard deviation of their jitter is this fraction of {scale}.")
        style = point_style(table.n_rows)
        x = table.X[style.rows, 0]
        plot = self.preview.getPlotItem()
        if g.kind == CLASSIFICATION:
            y, labels = table.X[style.rows, 1], table.y[style.rows, 0]
            colors = class_colors()[labels.astype(int)]
            counts = [int((table.y == k).sum()) for k in (0, 1)]
            keys = [f'<span style="color:{_hex(c)}">●</span>&nbsp;class {k}: {n:,} rows'
                    for k, (c, n) in enumerate(zip(class_colors(), counts))]
        else:
            y = table.y[style.rows, 0]
            colors = np.tile(PALETTE[0], (len(x), 1))
            keys = [f'<span style="color:{_hex(PALETTE[0])}">●</span>&nbsp;{table.n_rows:,} rows of (x, y)']
        draw_points(self.dots, x, y, style, colors)
        x_name, y_name = table.columns[0], table.columns[1]
        plot.setLabel("bottom", x_name)
        plot.setLabel("left", y_name)
        plot.setAspectLocked(g.kind == CLASSIFICATION)
        plot.setXRange(*self._span(x, (-1.0, 1.0)), padding=0)
        if g.kind == CLASSIFICATION:
            plot.setYRange(*self._span(y, (-1.0, 1.0)), padding=0)
        else:  # the curve's own heights (the step's are 0 and 1), and wherever the noise takes the rows
            exact = generate(**{**settings, "noise": 0.0}).y
            plot.setYRange(*self._span(y, (float(exact.min()), float(exact.max()))), padding=0)
        note = f"<br>{style.note}" if table.n_rows > MAX_POINTS else ""  # the preview shows a sample
        self.legend.setText("&nbsp;&nbsp;&nbsp;".join(keys) + note)

    @staticmethod
    def _span(values: np.ndarray, pattern: tuple[float, float]) -> tuple[float, float]:
        """The pattern's span and whatever the points reach past it, with a margin: the view holds still
        while the noise or the seed change, unless a point would fall outside."""
        low, high = min(pattern[0], float(values.min())), max(pattern[1], float(values.max()))
        return low - VIEW_MARGIN, high + VIEW_MARGIN
