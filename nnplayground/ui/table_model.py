"""The training table for Qt's views: an adapter between :class:`TableDocument` and ``QAbstractTableModel``.

The document owns the table and its undo history; this class only shows it (text, bad-cell colours and
tooltips, each column's name over its role and what it holds in the header, validation rows tinted and
marked in the row header), forwards edits typed in a view to the document, and turns the document's changes
into ``dataChanged``, ``headerDataChanged`` or a model reset.

A view asks ``data`` for every role of every cell it paints, ~500 calls a page: the roles are compared as
plain ints (reading ``Qt.DisplayRole`` costs PySide6 ~3 µs each time) and a cell's text is made from its
number only when asked.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence

from ..app.table_document import ABOUT_TO_RESET, CELLS, HEADER, MARKS, RESET, TableChange, TableDocument
from ..app.undo import UndoStack
from ..core.table import INPUT, LABELS, TARGET, sort_labels

BAD_CELL = QColor("#f8c9c4")
TARGET_HEADER = QColor("#dcead7")
ROLE_MARK = {INPUT: "in", TARGET: "target"}
LABELS_MARK = "abc"  # the header's mark on a column of text labels (ColumnHeader draws it beside the role)
KIND_MARK_ROLE = int(Qt.UserRole) + 1  # headerData: LABELS_MARK for a column of text labels, else None
VALIDATION_ROLE = int(Qt.UserRole) + 2  # headerData of a row: True for a validation row
VALIDATION_BAND = QColor("#ea580c")  # the row header's band on a validation row (the loss plot's validation curve)
VALIDATION_TINT = QColor("#fdf1e7")  # and its cells' faint tint
LABELS_LISTED = 6  # a labels column's tooltip names this many of its labels
LABELS_LISTED_ROWS = 100_000  # and only in a table this small (reading every row's label takes time)

_TEXT = frozenset({int(Qt.DisplayRole), int(Qt.EditRole)})
_DISPLAY, _ALIGN, _FONT = int(Qt.DisplayRole), int(Qt.TextAlignmentRole), int(Qt.FontRole)
_BACKGROUND, _TOOLTIP = int(Qt.BackgroundRole), int(Qt.ToolTipRole)
_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
_EDITABLE = Qt.ItemIsSelectable | Qt.ItemIsEnabled | Qt.ItemIsEditable
_VERTICAL = Qt.Vertical


class TableModel(QAbstractTableModel):
    tableChanged = Signal()  # after any change of the document, once

    def __init__(self, document: TableDocument, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self._bad_brush, self._target_brush = QBrush(BAD_CELL), QBrush(TARGET_HEADER)
        self._held_brush = QBrush(VALIDATION_TINT)
        self._held = document.validation  # per row: a validation row (refreshed when the marks change)
        unsubscribe = document.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: unsubscribe())  # a deleted model must not hear the document

    # -- reading --------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self.document.n_rows

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self.document.n_columns

    def data(self, index, role=_DISPLAY):
        if not index.isValid():
            return None
        if role in _TEXT:
            return self.document.cell(index.row(), index.column())
        if role == _ALIGN:
            return _RIGHT
        if role != _BACKGROUND and role != _TOOLTIP:
            return None
        row = index.row()
        problem = self.document.problem(row, index.column())
        if problem is None:
            return self._held_brush if role == _BACKGROUND and row < self._held.size and self._held[row] else None
        if role == _BACKGROUND:
            return self._bad_brush
        name = self.document.header[index.column()]
        text = f"Row {index.row() + 1}, column {name!r}: {problem}"
        if problem.endswith(" is not a number"):  # a word in a numbers column (core.cell_problem's words): a label?
            text += f" — right-click the header to make {name!r} a column of text labels"
        return text

    def headerData(self, section, orientation, role=_DISPLAY):
        if orientation == _VERTICAL:
            if role == _DISPLAY:
                return str(section + 1)
            held = section < self._held.size and bool(self._held[section])
            if role == VALIDATION_ROLE:
                return held
            if role == _TOOLTIP:
                return (f"Row {section + 1}: a validation row, measured after every epoch, never trained on. "
                        "Right-click to move it back to training (Ctrl+Shift+T)" if held else
                        f"Row {section + 1}: a training row. Right-click to keep it for validation (Ctrl+Shift+V)")
            return None
        if section >= self.document.n_columns or role not in (_DISPLAY, _TOOLTIP, _FONT, _BACKGROUND, KIND_MARK_ROLE):
            return None
        name, column_role = self.document.header[section], self.document.roles[section]
        is_target = column_role == TARGET
        if role == _DISPLAY:
            return f"{name}\n{ROLE_MARK[column_role]}"
        if role == KIND_MARK_ROLE:
            return LABELS_MARK if self.document.kinds[section] == LABELS else None
        if role == _TOOLTIP:
            return self._header_tip(section, name, is_target)
        if role == _FONT and is_target:
            font = QFont()
            font.setBold(True)
            return font
        if role == _BACKGROUND and is_target:
            return self._target_brush
        return None

    def _header_tip(self, column: int, name: str, is_target: bool) -> str:
        what = "a target" if is_target else "an input"
        if self.document.kinds[column] == LABELS:
            holds = "text labels"
            if self.document.n_rows <= LABELS_LISTED_ROWS:
                labels = sort_labels(label for label in self.document.labels(column) if label is not None)
                shown = ", ".join(labels[:LABELS_LISTED]) + (", …" if len(labels) > LABELS_LISTED else "")
                holds = f"text labels ({len(labels)}: {shown})"
            use = ("each is a class the network learns to tell apart" if is_target
                   else "each becomes one 0/1 input of the network (one-hot)")
            holds = f"{holds}; {use}"
        else:
            holds = "numbers"
        return (f"{name}: {what} column of {holds}.\n"
                "Right-click to rename it, change its role or what it holds, or add and remove columns.")

    @property
    def validation_rows(self) -> int:
        """How many rows are validation rows."""
        return int(self._held.sum())

    def is_validation(self, row: int) -> bool:
        return row < self._held.size and bool(self._held[row])

    def flags(self, index):
        return _EDITABLE if index.isValid() else Qt.NoItemFlags

    # -- editing in a view ----------------------------------------------------------------------
    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or not index.isValid():
            return False
        text = str(value).strip()
        if text == self.document.cell(index.row(), index.column()):
            return False
        self.document.set_cells([(index.row(), index.column(), text)], "Edit cell")
        return True

    # -- the document's news, in Qt's terms --------------------------------------------------------
    def _on_change(self, change: TableChange) -> None:
        if change.kind == ABOUT_TO_RESET:
            self.beginResetModel()
            return
        if change.kind == RESET:
            self._held = self.document.validation
            self.endResetModel()
        elif change.kind == MARKS and change.rows:
            self._held = self.document.validation
            first, last = min(change.rows), max(change.rows)
            self.dataChanged.emit(self.index(first, 0), self.index(last, max(self.columnCount() - 1, 0)),
                                  [Qt.BackgroundRole])
            self.headerDataChanged.emit(Qt.Vertical, first, last)
        elif change.kind == CELLS and change.cells:
            rows = [r for r, _ in change.cells]
            columns = [c for _, c in change.cells]
            self.dataChanged.emit(self.index(min(rows), min(columns)), self.index(max(rows), max(columns)))
        elif change.kind == HEADER and change.columns:
            self.headerDataChanged.emit(Qt.Horizontal, min(change.columns), max(change.columns))
        self.tableChanged.emit()


def undo_actions(stack: UndoStack, parent: QObject) -> tuple[QAction, QAction]:
    """Undo and Redo actions (standard shortcuts) whose text ("Undo Edit cell") and enabled state follow
    ``stack``."""
    undo, redo = QAction("Undo", parent), QAction("Redo", parent)
    undo.setShortcut(QKeySequence.Undo)
    redo.setShortcut(QKeySequence.Redo)
    undo.triggered.connect(lambda: stack.undo())
    redo.triggered.connect(lambda: stack.redo())

    def follow():
        undo.setText(f"Undo {stack.undo_text}".rstrip())
        undo.setEnabled(stack.can_undo)
        redo.setText(f"Redo {stack.redo_text}".rstrip())
        redo.setEnabled(stack.can_redo)

    follow()
    unsubscribe = stack.subscribe(follow)
    undo.destroyed.connect(lambda *_: unsubscribe())
    return undo, redo
