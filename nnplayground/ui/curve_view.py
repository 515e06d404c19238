"""ŷ against x for a table with one input of numbers: the function the network has learned, drawn over
the input's range (a little beyond the table's values) with the table's rows as dots, one curve and one
colour per target. Any text inputs are held at a label: the rows of other labels are faint."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ..core.surface import Curve
from ..core.table import TrainingTable
from .axes import use_plain_axes
from .training_points import VALIDATION_NOTE, draw_points, point_style, split_rows, validation_of

# legend entries side by side above the plot: a row per target (its curve, its rows), two per row past two
LEGEND_COLUMNS = {1: 2, 2: 2}
LEGEND_MORE_COLUMNS = 4

# Okabe-Ito: told apart by colour-blind readers too; cycled past eight targets
PALETTE = ((0, 114, 178), (213, 94, 0), (0, 158, 115), (204, 121, 167),
           (86, 180, 233), (230, 159, 0), (0, 0, 0), (240, 228, 66))


def data_units(plot: pg.PlotItem) -> None:
    """Ticks in the data's own numbers: no "(x0.001)" prefix that turns 0.1 into 100."""
    use_plain_axes(plot)


class CurveView(pg.PlotWidget):
    def __init__(self, parent=None):
        super().__init__(parent, background="w")
        self.plot_item = self.getPlotItem()
        self.plot_item.setMenuEnabled(False)
        data_units(self.plot_item)
        # above the plot, not over it: in a corner it would hide the rows there
        self.legend = pg.LegendItem(offset=None, colCount=2, labelTextColor="k", frame=False)
        self.legend.setParentItem(self.plot_item)
        self.legend.anchor(itemPos=(0.5, 0), parentPos=(0.5, 0), offset=(0, 2))
        # pyqtgraph's legend ignores transformations, so a large PNG export drew it tiny (pyqtgraph #1552);
        # parented to the plot, not the zoomable view, it has no transformation to ignore on screen
        self.legend.setFlag(self.legend.GraphicsItemFlag.ItemIgnoresTransformations, False)
        self.curves: list[pg.PlotDataItem] = []  # one per output, in the table's target order
        self.points: list[pg.ScatterPlotItem] = []
        self.faint: list[pg.ScatterPlotItem] = []  # per target: the rows of another label than the one held
        self.note = ""  # what the points rule did, for the view's message
        self._drawn_for: tuple | None = None  # (table, x_input, kept rows) the dots were drawn for

    def set_table(self, table: TrainingTable, x_input: int = 0, keep: np.ndarray | None = None) -> None:
        """A table with one input of numbers, ``x_input``: its rows as dots, one colour per target (the rows
        not in ``keep``, of another label than a text input is held at, faint); the curves come with ŷ."""
        key = (table, x_input, None if keep is None else keep.tobytes())
        if self._drawn_for is not None and self._drawn_for[0] is table and self._drawn_for[1:] == key[1:]:
            return
        self._drawn_for = key
        for item in self.curves + self.points + self.faint:
            self.plot_item.removeItem(item)
        self.legend.clear()
        self.curves, self.points, self.faint = [], [], []
        style = point_style(table.n_rows)
        marked = validation_of(table, style) is not None
        self.note = " ".join(p for p in (style.note, VALIDATION_NOTE if marked else "") if p)
        shown, faint = split_rows(style, keep)
        several = len(table.target_columns) > 1
        for k, name in enumerate(table.target_columns):
            color = PALETTE[k % len(PALETTE)]
            curve = pg.PlotDataItem(pen=pg.mkPen(color, width=2.5))
            curve.setZValue(2)
            dots, others = pg.ScatterPlotItem(), pg.ScatterPlotItem()
            for item, rows in ((dots, shown), (others, faint)):
                draw_points(item, table.X[rows.rows, x_input], table.y[rows.rows, k], rows,
                            np.tile(color, (len(rows.rows), 1)), validation_of(table, rows))
            dots.setZValue(3)
            others.setZValue(1)
            self.plot_item.addItem(curve)
            self.plot_item.addItem(others)
            self.plot_item.addItem(dots)
            self.legend.addItem(curve, f"ŷ of {name}" if several else "ŷ (the network)")
            self.legend.addItem(dots, f"{name} (table rows)")
            self.curves.append(curve)
            self.points.append(dots)
            self.faint.append(others)
        columns = LEGEND_COLUMNS.get(len(table.target_columns), LEGEND_MORE_COLUMNS)
        self.legend.setColumnCount(columns)
        self.legend.updateSize()
        self.plot_item.layout.setContentsMargins(1, 4 + self.legend.boundingRect().height(), 1, 1)
        self.plot_item.setLabel("bottom", table.input_columns[x_input])
        self.plot_item.setLabel("left", table.target_columns[0] if not several else "ŷ and targets")

    def set_curve(self, curve: Curve | None) -> None:
        for k, item in enumerate(self.curves):
            if curve is None or k >= curve.values.shape[1]:
                item.setData([], [])
            else:
                item.setData(curve.xs, curve.values[:, k])
