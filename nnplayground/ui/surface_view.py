"""The decision surface: ŷ over the plane of two chosen inputs, the others held at chosen values,
with the training rows drawn on top in their targets' colours."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..core.surface import InputRanges, Surface, SurfaceSpec
from ..core.table import TrainingTable

COLORMAP = "CET-D1"
MAX_POINTS = 2000  # rows drawn on the surface; more would only hide it (an evenly spaced subset)
MAX_FIXED_EDITORS = 6  # past this many other inputs, they are held at their means with no editors


class SurfaceView(QWidget):
    specChanged = Signal(object)  # SurfaceSpec, or None when the table has fewer than two inputs

    def __init__(self, parent=None):
        super().__init__(parent)
        self.x_combo, self.y_combo, self.out_combo = QComboBox(), QComboBox(), QComboBox()
        for combo in (self.x_combo, self.y_combo, self.out_combo):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.fixed_box = QHBoxLayout()
        bar = QHBoxLayout()
        for text, w in (("x:", self.x_combo), ("y:", self.y_combo), ("output:", self.out_combo)):
            bar.addWidget(QLabel(text))
            bar.addWidget(w)
        bar.addLayout(self.fixed_box)
        bar.addStretch(1)
        self.message = QLabel()
        self.message.setStyleSheet("color:#555")
        self.plot = pg.PlotWidget(background="w")
        self.plot.getPlotItem().setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get(COLORMAP))
        self.plot.addItem(self.image)
        self.points = pg.ScatterPlotItem(size=13, pen=pg.mkPen("k", width=1.5))
        self.points.setZValue(5)
        self.plot.addItem(self.points)
        self.bar = pg.ColorBarItem(values=(0, 1), colorMap=pg.colormap.get(COLORMAP), interactive=False, width=12)
        self.bar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.plot, 1)
        self.table: TrainingTable | None = None
        self._fixed: list[QDoubleSpinBox] = []
        self._ranges: InputRanges | None = None  # the table's input spans and means, once per table
        self.surface: Surface | None = None
        for combo in (self.x_combo, self.y_combo, self.out_combo):
            combo.currentIndexChanged.connect(self._changed)

    def set_table(self, table: TrainingTable) -> None:
        """A new table: choose its first two inputs, fix the rest at their means."""
        same_columns = self.table is not None and (self.table.columns, self.table.roles) == (table.columns, table.roles)
        self.table, self._ranges = table, InputRanges.of(table.X)  # together: spec() reads both
        if same_columns:
            self._changed()  # same columns, new values: same choices, new ranges
            return
        for combo, items in ((self.x_combo, table.input_columns), (self.y_combo, table.input_columns),
                             (self.out_combo, table.target_columns)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(list(items))
            combo.blockSignals(False)
        self.y_combo.setCurrentIndex(min(1, len(table.input_columns) - 1))
        while self.fixed_box.count():
            w = self.fixed_box.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self._fixed = []
        if len(table.input_columns) - 2 > MAX_FIXED_EDITORS:
            self._changed()
            return
        for name, mean in zip(table.input_columns, self._ranges.means):
            label, box = QLabel(f"{name} ="), QDoubleSpinBox()
            box.setMaximumWidth(80)
            box.setDecimals(3)
            box.setRange(-1e6, 1e6)
            box.setValue(float(mean))
            box.setToolTip(f"{name} is held at this value while the other two vary")
            box.valueChanged.connect(self._changed)
            self.fixed_box.addWidget(label)
            self.fixed_box.addWidget(box)
            self._fixed.append(box)
        self._changed()

    def spec(self) -> SurfaceSpec | None:
        t = self.table
        if t is None or len(t.input_columns) < 2:
            return None
        xi, yi = self.x_combo.currentIndex(), self.y_combo.currentIndex()
        if xi == yi:
            return None
        fixed = tuple(box.value() for box in self._fixed) if self._fixed else None  # None: the means
        return self._ranges.spec(xi, yi, max(self.out_combo.currentIndex(), 0), fixed=fixed)

    def _changed(self, *_):
        spec = self.spec()
        t = self.table
        for i, box in enumerate(self._fixed):  # the varying inputs' values are not used
            varying = i in (self.x_combo.currentIndex(), self.y_combo.currentIndex())
            box.setEnabled(not varying)
            box.setVisible(not varying)
            label = self.fixed_box.itemAt(2 * i).widget()
            if label is not None:
                label.setVisible(not varying)
        if t is not None and len(t.input_columns) < 2:
            self.message.setText("The decision surface needs a table with at least two inputs.")
        elif spec is None:
            self.message.setText("Choose two different inputs for x and y.")
        else:
            held = "" if self._fixed or len(t.input_columns) == 2 else " The other inputs are held at their means."
            shown = (f" Showing {MAX_POINTS:,} of {t.n_rows:,} rows, evenly spaced." if t.n_rows > MAX_POINTS
                     else " Rows are dots in their target's colour.")
            self.message.setText(f"ŷ of {t.target_columns[spec.output]} over {t.input_columns[spec.x_input]} and "
                                 f"{t.input_columns[spec.y_input]}.{shown}{held}")
        self.specChanged.emit(spec)

    def set_surface(self, surface: Surface | None, table: TrainingTable) -> None:
        self.surface = surface
        if surface is None:
            self.image.clear()
            self.points.clear()
            return
        s = surface.spec
        low = min(0.0, float(surface.values.min()), float(table.y[:, s.output].min()))
        high = max(1.0, float(surface.values.max()), float(table.y[:, s.output].max()))
        self.image.setImage(surface.values, autoLevels=False, levels=(low, high))
        self.image.setRect(QRectF(s.x_range[0], s.y_range[0], s.x_range[1] - s.x_range[0], s.y_range[1] - s.y_range[0]))
        if self.bar.levels() != (low, high):
            self.bar.setLevels((low, high))
        rows = np.linspace(0, table.n_rows - 1, MAX_POINTS).astype(int) if table.n_rows > MAX_POINTS else slice(None)
        targets = table.y[rows, s.output]
        shade = (targets - low) / (high - low) if high > low else np.full(len(targets), 0.5)
        colors = pg.colormap.get(COLORMAP).map(shade, mode="qcolor")  # one lookup for all rows
        self.points.setData(table.X[rows, s.x_input], table.X[rows, s.y_input], brush=[pg.mkBrush(c) for c in colors])
        self.plot.getPlotItem().setLabel("bottom", table.input_columns[s.x_input])
        self.plot.getPlotItem().setLabel("left", table.input_columns[s.y_input])
