"""Target, prediction and error for every row of the table, from the latest snapshot.

Numbers are written as :func:`format_number_for_display` writes them (at most 11 characters), so a
column's width can be known without formatting every row: :meth:`PredictionsModel.column_width`.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics

from ..core import Snapshot
from .axes import format_number_for_display

DIGITS = 4  # significant digits shown; the tooltip has them all
# the longest shapes format_number_for_display writes with DIGITS digits, "0" standing for any digit
# (exponents reach three digits: a diverged ŷ of 7e+117)
LONGEST_NUMBERS = ("-0.000e-000", "+0.000e+000", "-0.0000000", "-000,000.0")
DISTINCT_TARGETS_MEASURED = 2000  # a target column with more distinct values is given the widest width
CELL_PADDING = 10  # pixels around a cell's text: the style's margins (6) and a little air
DISPLAY, TOOLTIP, ALIGNMENT, BACKGROUND = (int(role.value) for role in (
    Qt.DisplayRole, Qt.ToolTipRole, Qt.TextAlignmentRole, Qt.BackgroundRole))
RIGHT = int((Qt.AlignRight | Qt.AlignVCenter).value)

BEFORE_UPDATE_NOTE = "ŷ is from before the latest weight update."
BEFORE_UPDATE_EXPLAINED = ("ŷ comes from the iteration's feedforward, which ran on the weights before its update:\n"
                           "the weights shown are one update newer. The next feedforward (Step phase) shows\n"
                           "ŷ of the weights shown.")


def predictions_note(snapshot: Snapshot, before_update: bool | None = None) -> str:
    """What the window should say about ŷ: "" when it comes from the weights shown, else a sentence.

    A snapshot's ŷ is that of the latest feedforward. After a completed iteration (its update run, the
    trainer waiting for the next feedforward) that ŷ was computed with the weights *before* the update,
    while the weights shown are after it. Mid-iteration (after its feedforward, loss or backprop) the
    weights have not changed since, so ŷ belongs to them. ``before_update`` overrides the inference,
    for when ŷ was computed at the current weights although the next phase is a feedforward: a
    restored session or a pause inside an iteration (the worker computes ŷ anew) and a run that
    diverged (the trainer keeps the diverging feedforward of the weights it kept).
    """
    if snapshot.predictions is None:
        return ""
    if before_update is None:
        before_update = snapshot.phase == "feedforward" and snapshot.iteration > 0
    return BEFORE_UPDATE_NOTE if before_update else ""


class PredictionsModel(QAbstractTableModel):
    noteChanged = Signal(str)  # "" when ŷ is from the weights shown

    def __init__(self, parent=None):
        super().__init__(parent)
        self._targets: tuple[str, ...] = ()
        self._y = np.zeros((0, 0))
        self._y_hat: np.ndarray | None = None
        self._note = ""
        self._target_texts: dict[int, tuple[str, ...]] = {}  # each target column's distinct texts

    def set_values(self, targets: tuple[str, ...], y: np.ndarray, y_hat: np.ndarray | None, note: str = "") -> None:
        """Show ``y_hat`` against ``y``; ``note`` says where ŷ comes from (see :func:`predictions_note`)."""
        if targets != self._targets or y.shape != self._y.shape or y is not self._y:
            self._target_texts = {}
        if targets != self._targets or y.shape != self._y.shape:
            self.beginResetModel()
            self._targets, self._y, self._y_hat = targets, y, y_hat
            self.endResetModel()
        else:
            self._targets, self._y, self._y_hat = targets, y, y_hat
            if self.rowCount():
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
        if note != self._note:
            self._note = note
            self.headerDataChanged.emit(Qt.Horizontal, 0, max(self.columnCount() - 1, 0))
            self.noteChanged.emit(note)

    @property
    def note(self) -> str:
        return self._note

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self._y.shape[0]

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 3 * len(self._targets)

    def value(self, row: int, column: int) -> float | None:
        t, kind = divmod(column, 3)
        if kind == 0:
            return float(self._y[row, t])
        if self._y_hat is None:
            return None
        return float(self._y_hat[row, t] - self._y[row, t]) if kind == 2 else float(self._y_hat[row, t])

    def text(self, row: int, column: int) -> str:
        """A cell as shown: "–" before there is a ŷ, errors with their sign."""
        v = self.value(row, column)
        return "–" if v is None else format_number_for_display(v, DIGITS, sign=column % 3 == 2)

    def data(self, index, role=Qt.DisplayRole):
        # A repaint asks each visible cell for ~7 roles (font, colours, check state…); those not used here
        # are answered before anything is computed: a 1000-row table's repaint cost ~2.5 ms more.
        if role == DISPLAY:
            return self.text(index.row(), index.column()) if index.isValid() else None
        if role == ALIGNMENT:
            return RIGHT
        if role == BACKGROUND:
            column = index.column()
            if column % 3 != 2 or not index.isValid():
                return None
            v = self.value(index.row(), column)
            if v is None or not np.isfinite(v):
                return None
            strength = min(abs(v), 1.0)
            return QBrush(QColor(255, int(255 - 90 * strength), int(255 - 90 * strength)))
        if role == TOOLTIP and index.isValid():
            v = self.value(index.row(), index.column())
            return repr(v) if v is not None else None
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == DISPLAY:
            if orientation == Qt.Vertical:
                return str(section + 1)
            t, kind = divmod(section, 3)
            name = self._targets[t]
            if len(self._targets) == 1:
                return (name, "ŷ", "ŷ − y")[kind]
            return (name, f"ŷ {name}", f"error {name}")[kind]
        if role == TOOLTIP and orientation == Qt.Horizontal:
            kind = section % 3
            if kind == 1:
                return "ŷ from the latest feedforward" + (f"\n{BEFORE_UPDATE_EXPLAINED}" if self._note else "")
            return ("the target", "", "ŷ − y")[kind]
        return None

    # -- widths ---------------------------------------------------------------------------------
    def column_texts(self, column: int, cells: QFontMetrics) -> tuple[str, ...]:
        """Texts that bound the column's width: a target column's own values (when few distinct),
        else the widest any number can be written in the font of ``cells``."""
        t, kind = divmod(column, 3)
        if kind == 0 and t not in self._target_texts:
            distinct = np.unique(self._y[:, t])
            self._target_texts[t] = (tuple(format_number_for_display(v, DIGITS) for v in distinct)
                                     if distinct.size <= DISTINCT_TARGETS_MEASURED else ())
        return self._target_texts[t] if kind == 0 and self._target_texts[t] else widest_numbers(cells)

    def column_width(self, column: int, cells: QFontMetrics, header: QFontMetrics) -> int:
        """Pixels the column needs to show its header and any of its values in full."""
        title = self.headerData(column, Qt.Horizontal)
        widest = max([cells.horizontalAdvance(s) for s in self.column_texts(column, cells)] + [0])
        return max(widest, header.horizontalAdvance(title)) + CELL_PADDING


def widest_numbers(metrics: QFontMetrics) -> tuple[str, ...]:
    """The longest number shapes written with the font's widest digit (digits differ in some fonts)."""
    digit = max("0123456789", key=metrics.horizontalAdvance)
    return tuple(shape.replace("0", digit) for shape in LONGEST_NUMBERS)
