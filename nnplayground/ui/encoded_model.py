"""The table as the network sees it, for Qt's views: a read-only adapter over the core's
:class:`~nnplayground.core.encoded_table.EncodedTable` (the numbers the encoding made, never recomputed here).

Like :class:`~.table_model.TableModel`, a cell's text is made only when a view asks for it, so a table of a
million rows shows at once; roles are compared as plain ints.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics

from ..app.network_view import NetworkView
from ..core.encoded_table import ONE_HOT, EncodedTable
from ..core.table import TARGET
from .axes import format_number_for_display
from .table_model import TARGET_HEADER

DIGITS = 4  # significant digits shown; the tooltip has the formula with more
ZERO = QColor("#9a9a9a")  # the 0s of one-hot columns, so that each row's 1 stands out
NUMBER_SHAPES = ("-0.0000", "-0.000e-00")  # the widest texts a scaled value usually takes
CELL_PADDING = 12

_DISPLAY, _ALIGN, _TOOLTIP = int(Qt.DisplayRole), int(Qt.TextAlignmentRole), int(Qt.ToolTipRole)
_FOREGROUND, _FONT, _BACKGROUND = int(Qt.ForegroundRole), int(Qt.FontRole), int(Qt.BackgroundRole)
_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
_READ_ONLY = Qt.ItemIsSelectable | Qt.ItemIsEnabled


class EncodedModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._encoded: EncodedTable | None = None
        self._one_hot: tuple[bool, ...] = ()
        self._zero_brush, self._target_brush = QBrush(ZERO), QBrush(TARGET_HEADER)
        self._bold = QFont()
        self._bold.setBold(True)

    @property
    def encoded(self) -> EncodedTable | None:
        return self._encoded

    def set_view(self, view: NetworkView) -> None:
        self.beginResetModel()
        self._encoded = view.encoded
        self._one_hot = () if view.encoded is None else tuple(c.how == ONE_HOT for c in view.encoded.columns)
        self.endResetModel()

    # -- reading --------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() or self._encoded is None else self._encoded.n_rows

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() or self._encoded is None else len(self._encoded.columns)

    def value(self, row: int, column: int) -> float:
        return self._encoded.value(row, column)

    def text(self, row: int, column: int) -> str:
        return format_number_for_display(self._encoded.value(row, column), DIGITS)

    def data(self, index, role=_DISPLAY):
        if not index.isValid() or self._encoded is None:
            return None
        if role == _DISPLAY:
            return self.text(index.row(), index.column())
        if role == _ALIGN:
            return _RIGHT
        if role == _FOREGROUND:
            one_hot = self._one_hot[index.column()]
            return self._zero_brush if one_hot and self._encoded.value(index.row(), index.column()) == 0 else None
        if role == _TOOLTIP:
            return f"Row {index.row() + 1}: {self._encoded.formula(index.row(), index.column())}"
        return None

    def headerData(self, section, orientation, role=_DISPLAY):
        if orientation == Qt.Vertical:
            return str(section + 1) if role == _DISPLAY else None
        if self._encoded is None or section >= len(self._encoded.columns):
            return None
        column = self._encoded.columns[section]
        if role == _DISPLAY:
            return f"{column.name}\n{column.detail}"
        if role == _TOOLTIP:
            return column.describe()
        if column.role == TARGET:
            if role == _FONT:
                return self._bold
            if role == _BACKGROUND:
                return self._target_brush
        return None

    def flags(self, index):
        return _READ_ONLY if index.isValid() else Qt.NoItemFlags

    # -- widths ---------------------------------------------------------------------------------
    def column_width(self, column: int, cells: QFontMetrics, header_font: QFont) -> int:
        """Pixels the column needs for both header lines (bold for a target) and its numbers (a one-hot
        column: 0 and 1)."""
        font = QFont(header_font)
        font.setBold(self._encoded.columns[column].role == TARGET)
        header = QFontMetrics(font)
        widest = max(header.horizontalAdvance(line) for line in self.headerData(column, Qt.Horizontal).split("\n"))
        numbers = ("0", "1") if self._one_hot[column] else NUMBER_SHAPES
        return max(widest, max(map(cells.horizontalAdvance, numbers))) + CELL_PADDING
