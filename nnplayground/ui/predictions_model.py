"""Target, prediction and error for every row of the table, from the latest snapshot."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor


class PredictionsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._targets: tuple[str, ...] = ()
        self._y = np.zeros((0, 0))
        self._y_hat: np.ndarray | None = None

    def set_values(self, targets: tuple[str, ...], y: np.ndarray, y_hat: np.ndarray | None) -> None:
        if targets != self._targets or y.shape != self._y.shape:
            self.beginResetModel()
            self._targets, self._y, self._y_hat = targets, y, y_hat
            self.endResetModel()
            return
        self._targets, self._y, self._y_hat = targets, y, y_hat
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

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

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        v = self.value(index.row(), index.column())
        if role == Qt.DisplayRole:
            return "–" if v is None else (f"{v:+.4f}" if index.column() % 3 == 2 else f"{v:.4f}")
        if role == Qt.ToolTipRole and v is not None:
            return repr(v)
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.BackgroundRole and index.column() % 3 == 2 and v is not None:
            strength = min(abs(v), 1.0)
            return QBrush(QColor(255, int(255 - 90 * strength), int(255 - 90 * strength)))
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole:
            if orientation == Qt.Vertical:
                return str(section + 1)
            t, kind = divmod(section, 3)
            name = self._targets[t]
            if len(self._targets) == 1:
                return (name, "ŷ", "ŷ − y")[kind]
            return (name, f"ŷ {name}", f"error {name}")[kind]
        if role == Qt.ToolTipRole and orientation == Qt.Horizontal:
            return ("the target", "ŷ from the latest feedforward", "ŷ − y")[section % 3]
        return None
