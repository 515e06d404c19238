"""The training table as the editor sees it: cell *text*, so a bad entry is kept and shown, not lost.

Every change goes through a ``QUndoCommand`` on the model's undo stack. ``to_training_table()`` hands
the core a validated :class:`TrainingTable`, or raises the core's :class:`TableError`.

Beside the text the model keeps each cell's number and the set of bad cells, updated cell by cell, so
an edit in a table of a million cells costs one cell's check, not a million.
"""
from __future__ import annotations

import csv
import io
from typing import Sequence

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QUndoCommand, QUndoStack

from ..core.table import INPUT, TARGET, TableError, TrainingTable, cell_problem, format_number

BAD_CELL = QColor("#f8c9c4")
TARGET_HEADER = QColor("#dcead7")
ROLE_MARK = {INPUT: "in", TARGET: "target"}


class TableModel(QAbstractTableModel):
    tableChanged = Signal()  # after any change, once

    def __init__(self, parent=None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._header: list[str] = []
        self._roles: list[str] = []
        self._cells: list[list[str]] = []
        self._values = np.zeros((0, 0))  # each cell's number (NaN where the text is not one)
        self._bad: dict[tuple[int, int], str] = {}  # (row, column) -> why the cell is not a number

    # -- reading --------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._header)

    @property
    def header(self) -> list[str]:
        return list(self._header)

    @property
    def roles(self) -> list[str]:
        return list(self._roles)

    def cell(self, row: int, column: int) -> str:
        return self._cells[row][column]

    def cells(self) -> tuple[tuple[str, ...], ...]:
        """Every cell's text, row by row (a copy)."""
        return tuple(tuple(row) for row in self._cells)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        text = self._cells[index.row()][index.column()]
        if role in (Qt.DisplayRole, Qt.EditRole):
            return text
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        problem = cell_problem(text)
        if role == Qt.BackgroundRole and problem:
            return QBrush(BAD_CELL)
        if role == Qt.ToolTipRole and problem:
            return f"Row {index.row() + 1}, column {self._header[index.column()]!r}: {problem}"
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Vertical:
            return str(section + 1) if role == Qt.DisplayRole else None
        if section >= len(self._header):
            return None
        is_target = self._roles[section] == TARGET
        if role == Qt.DisplayRole:
            return f"{self._header[section]} ({ROLE_MARK[self._roles[section]]})"
        if role == Qt.ToolTipRole:
            return (f"{self._header[section]}: {'a target' if is_target else 'an input'} column. "
                    "Right-click to rename it, change its role, or add and remove columns.")
        if role == Qt.FontRole and is_target:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.BackgroundRole and is_target:
            return QBrush(TARGET_HEADER)
        return None

    def flags(self, index):
        return Qt.ItemIsSelectable | Qt.ItemIsEnabled | Qt.ItemIsEditable if index.isValid() else Qt.NoItemFlags

    def problems(self) -> list[tuple[int, int, str]]:
        """Every bad cell as (row, column, why), in reading order."""
        return [(r, c, why) for (r, c), why in sorted(self._bad.items())]

    def to_training_table(self) -> TrainingTable:
        if self._bad:
            (r, c), why = min(self._bad.items())
            name = self._header[c]
            raise TableError(f"row {r + 1}, column {name!r}: {why}", row=r + 1, column=name)
        if not self._cells:
            raise TableError("the table is empty: it needs at least one row")
        return TrainingTable(tuple(self._header), tuple(self._roles), self._values)

    def _check(self, r: int, c: int, text: str) -> None:
        problem = cell_problem(text)
        if problem:
            self._bad[r, c] = problem
            self._values[r, c] = np.nan
        else:
            self._bad.pop((r, c), None)
            self._values[r, c] = float(text)

    def to_csv_text(self) -> str:
        """The table as typed, bad cells included: saving never loses what the user entered."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self._header)
        writer.writerows(self._cells)
        return out.getvalue()

    # -- editing (each public method pushes one undoable command) ------------------------------------
    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or not index.isValid():
            return False
        text = str(value).strip()
        if text == self._cells[index.row()][index.column()]:
            return False
        self.set_cells([(index.row(), index.column(), text)], "Edit cell")
        return True

    def set_cells(self, changes: Sequence[tuple[int, int, str]], label: str = "Edit cells") -> None:
        self.undo_stack.push(_SetCells(self, changes, label))

    def load(self, table: TrainingTable, label: str = "Load table") -> None:
        cells = [[format_number(v) for v in row] for row in table.data.tolist()]
        self.undo_stack.push(_Replace(self, list(table.columns), list(table.roles), cells, label, table.data))

    def load_cells(self, header, roles, cells, label: str = "Open") -> None:
        """Replace the table with text cells as they were typed (a saved session)."""
        self.undo_stack.push(_Replace(self, list(header), list(roles), [list(r) for r in cells], label))

    def _known_values(self, change):
        """The numbers after a structural edit, derived from the current ones when every cell is a number
        (then nothing needs re-checking); None to have every cell checked again."""
        return None if self._bad else change(self._values)

    def insert_rows(self, row: int, count: int = 1) -> None:
        self.undo_stack.push(_Replace.edited(
            self, "Add row" if count == 1 else f"Add {count} rows",
            cells=self._cells[:row] + [["0"] * len(self._header) for _ in range(count)] + self._cells[row:],
            values=self._known_values(lambda v: np.insert(v, row, np.zeros((count, v.shape[1])), axis=0))))

    def remove_rows(self, rows: Sequence[int]) -> None:
        gone = set(rows)
        keep = [r for i, r in enumerate(self._cells) if i not in gone]
        if len(keep) == len(self._cells):
            return
        self.undo_stack.push(_Replace.edited(
            self, "Remove rows", cells=keep,
            values=self._known_values(lambda v: np.delete(v, sorted(gone), axis=0))))

    def insert_column(self, column: int, name: str | None = None, role: str = INPUT) -> None:
        name = name or self._free_name("x")
        self.undo_stack.push(_Replace.edited(
            self, f"Add column {name}",
            header=self._header[:column] + [name] + self._header[column:],
            roles=self._roles[:column] + [role] + self._roles[column:],
            cells=[r[:column] + ["0"] + r[column:] for r in self._cells],
            values=self._known_values(lambda v: np.insert(v, column, 0.0, axis=1)),
        ))

    def remove_column(self, column: int) -> None:
        self.undo_stack.push(_Replace.edited(
            self, f"Remove column {self._header[column]}",
            header=self._header[:column] + self._header[column + 1:],
            roles=self._roles[:column] + self._roles[column + 1:],
            cells=[r[:column] + r[column + 1:] for r in self._cells],
            values=self._known_values(lambda v: np.delete(v, column, axis=1)),
        ))

    def rename_column(self, column: int, name: str) -> str | None:
        """Rename; returns why not (empty or taken), or None when done."""
        name = name.strip()
        if not name:
            return "a column needs a name"
        if name in self._header[:column] + self._header[column + 1:]:
            return f"there is already a column named {name!r}"
        if name != self._header[column]:
            header = list(self._header)
            header[column] = name
            self.undo_stack.push(_Replace.edited(self, f"Rename column to {name}", header=header,
                                                 values=self._known_values(np.copy)))
        return None

    def set_role(self, column: int, role: str) -> None:
        if self._roles[column] != role:
            roles = list(self._roles)
            roles[column] = role
            label = f"Make {self._header[column]} {'a target' if role == TARGET else 'an input'}"
            self.undo_stack.push(_Replace.edited(self, label, roles=roles, values=self._known_values(np.copy)))

    def paste(self, row: int, column: int, text: str) -> tuple[int, int]:
        """Paste a tab-separated block at (row, column), growing the table as needed; returns its size."""
        block = [line.split("\t") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        while block and block[-1] == [""]:
            block.pop()
        if not block:
            return 0, 0
        width = max(len(line) for line in block)
        header, roles = list(self._header), list(self._roles)
        while column + width > len(header):
            header.append(self._free_name("x", header))
            roles.append(INPUT)
        cells = [r + ["0"] * (len(header) - len(r)) for r in self._cells]
        while row + len(block) > len(cells):
            cells.append(["0"] * len(header))
        for i, line in enumerate(block):
            for j, text_ in enumerate(line):
                cells[row + i][column + j] = text_.strip()
        self.undo_stack.push(_Replace.edited(self, "Paste", header=header, roles=roles, cells=cells))
        return len(block), width

    def _free_name(self, stem: str, taken: Sequence[str] | None = None) -> str:
        taken = set(self._header if taken is None else taken)
        n = 1
        while f"{stem}{n}" in taken:
            n += 1
        return f"{stem}{n}"

    # -- used by the undo commands only ---------------------------------------------------------------
    def _apply_cells(self, changes):
        for r, c, text in changes:
            self._cells[r][c] = text
            self._check(r, c, text)
            index = self.index(r, c)
            self.dataChanged.emit(index, index)
        self.tableChanged.emit()

    def _apply_state(self, header, roles, cells, values=None):
        """``values``: the cells' numbers when already known (a table loaded from the core)."""
        self.beginResetModel()
        self._header, self._roles, self._cells = list(header), list(roles), [list(r) for r in cells]
        self._bad = {}
        if values is not None:
            self._values = np.array(values, dtype=float)
        else:
            self._values = np.zeros((len(self._cells), len(self._header)))
            for r, row in enumerate(self._cells):
                for c, text in enumerate(row):
                    self._check(r, c, text)
        self.endResetModel()
        self.tableChanged.emit()


class _SetCells(QUndoCommand):
    def __init__(self, model: TableModel, changes, label):
        super().__init__(label)
        self.model = model
        self.new = [(r, c, t) for r, c, t in changes]
        self.old = [(r, c, model._cells[r][c]) for r, c, _ in changes]

    def redo(self):
        self.model._apply_cells(self.new)

    def undo(self):
        self.model._apply_cells(self.old)


class _Replace(QUndoCommand):
    """A structural change (rows, columns, names, roles, a whole new table): old and new state."""

    def __init__(self, model: TableModel, header, roles, cells, label, values=None):
        super().__init__(label)
        self.model = model
        # the old numbers are kept only when every old cell was one (otherwise they are re-checked)
        old_values = None if model._bad else model._values.copy()
        self.old = (list(model._header), list(model._roles), [list(r) for r in model._cells], old_values)
        self.new = (list(header), list(roles), [list(r) for r in cells], values)

    @classmethod
    def edited(cls, model, label, header=None, roles=None, cells=None, values=None):
        return cls(model, model._header if header is None else header, model._roles if roles is None else roles,
                   model._cells if cells is None else cells, label, values)

    def redo(self):
        self.model._apply_state(*self.new)

    def undo(self):
        self.model._apply_state(*self.old)

