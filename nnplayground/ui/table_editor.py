"""The table editor: a view over TableModel with row/column tools, header menus, copy and paste.

Every edit goes to the model's document (the one owner of the table); the view follows its changes."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QInputDialog, QMenu, QTableView, QToolBar, QVBoxLayout, QWidget,
)

from ..core.table import INPUT, TARGET, TableError
from .table_model import TableModel


class TableEditor(QWidget):
    message = Signal(str, bool)  # a message for the window's status line: text, is it an error
    def __init__(self, model: TableModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.document = model.document
        self.view = QTableView()
        self.view.setObjectName("tableView")
        self.view.setModel(model)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.view.horizontalHeader().setMinimumSectionSize(56)
        self.view.horizontalHeader().setDefaultSectionSize(72)
        model.modelReset.connect(self._fit_columns)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.horizontalHeader().setContextMenuPolicy(Qt.CustomContextMenu)
        self.view.horizontalHeader().customContextMenuRequested.connect(self._header_menu)
        self.view.horizontalHeader().sectionDoubleClicked.connect(self.ask_rename)
        self.view.setContextMenuPolicy(Qt.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._cell_menu)

        def action(text, slot, shortcut=None, tip=""):
            a = QAction(text, self)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
                a.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            keys = a.shortcut().toString(QKeySequence.NativeText)
            a.setToolTip(f"{tip or text} ({keys})" if shortcut else tip or text)
            a.triggered.connect(slot)
            self.addAction(a)
            return a

        self.add_row_action = action("+ Row", self.add_row, "Ctrl+Shift+N", "Add a row below the current one")
        self.remove_rows_action = action("− Rows", self.remove_rows, "Ctrl+Shift+Del", "Remove the selected rows")
        self.add_column_action = action("+ Column", self.add_column, "Ctrl+Shift+M", "Add an input column")
        self.remove_column_action = action("− Column", self.remove_column, None, "Remove the current column")
        self.paste_action = action("Paste", self.paste, QKeySequence.Paste, "Paste a tab-separated block")
        self.copy_action = action("Copy", self.copy, QKeySequence.Copy, "Copy the selection as tab-separated text")
        tools = QToolBar()
        tools.setToolButtonStyle(Qt.ToolButtonTextOnly)
        for a in (self.add_row_action, self.remove_rows_action, self.add_column_action, self.remove_column_action):
            tools.addAction(a)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(tools)
        layout.addWidget(self.view)

    def _fit_columns(self):
        """A few columns share the width; many keep a readable width and scroll."""
        mode = QHeaderView.Stretch if self.model.columnCount() <= 8 else QHeaderView.Interactive
        self.view.horizontalHeader().setSectionResizeMode(mode)

    # -- rows and columns -----------------------------------------------------------------------
    def _current(self) -> tuple[int, int]:
        index = self.view.currentIndex()
        if index.isValid():
            return index.row(), index.column()
        return self.model.rowCount() - 1, self.model.columnCount() - 1

    def add_row(self):
        row, _ = self._current()
        if self._edit(self.document.insert_rows, row + 1):
            self.view.setCurrentIndex(self.model.index(row + 1, 0))

    def remove_rows(self):
        rows = sorted({i.row() for i in self.view.selectionModel().selectedIndexes()} or {self._current()[0]})
        if rows and rows[0] >= 0:
            self.document.remove_rows(rows)

    def add_column(self):
        column = max(self._current()[1], 0)
        # a new input goes before the first target, so inputs stay together on the left
        targets = [c for c, r in enumerate(self.document.roles) if r == TARGET]
        self._edit(self.document.insert_column, min(column + 1, targets[0]) if targets else column + 1)

    def remove_column(self, column: int | None = None):
        column = self._current()[1] if column is None or column is False else column
        if 0 <= column < self.model.columnCount():
            self.document.remove_column(column)

    def ask_rename(self, column: int):
        name, ok = QInputDialog.getText(self, "Rename column", "Name:", text=self.document.header[column])
        if ok:
            problem = self.document.rename_column(column, name)
            if problem:
                self.message.emit(f"Not renamed: {problem}", True)

    def _header_menu(self, pos):
        column = self.view.horizontalHeader().logicalIndexAt(pos)
        if column < 0:
            return
        menu = QMenu(self)
        role = self.document.roles[column]
        make = menu.addAction("Make it a target" if role == INPUT else "Make it an input")
        make.triggered.connect(lambda: self.document.set_role(column, TARGET if role == INPUT else INPUT))
        menu.addAction("Rename…").triggered.connect(lambda: self.ask_rename(column))
        menu.addSeparator()
        menu.addAction("Add input column").triggered.connect(
            lambda: self._edit(self.document.insert_column, column + 1))
        menu.addAction("Remove column").triggered.connect(lambda: self.remove_column(column))
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))

    def _cell_menu(self, pos):
        menu = QMenu(self)
        for a in (self.copy_action, self.paste_action, None, self.add_row_action, self.remove_rows_action):
            menu.addSeparator() if a is None else menu.addAction(a)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def _edit(self, edit, *args) -> bool:
        """Run ``edit(*args)``; False, said in the status bar, when the document refuses it (a table that
        would grow past its limit)."""
        try:
            edit(*args)
        except TableError as exc:
            self.message.emit(f"Not done: {exc}", True)
            return False
        return True

    # -- clipboard ------------------------------------------------------------------------------
    def paste(self, text: str | None = None):
        text = QGuiApplication.clipboard().text() if text is None or text is False else text
        row, column = self._current()
        try:
            rows, cols = self.document.paste(max(row, 0), max(column, 0), text)
        except TableError as exc:
            self.message.emit(f"Not pasted: {exc}", True)
            return
        if rows:
            self.message.emit(f"Pasted {rows} × {cols} cells", False)

    def copy(self):
        indexes = self.view.selectionModel().selectedIndexes()
        if not indexes:
            return
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        text = "\n".join("\t".join(self.document.cell(r, c) for c in cols) for r in rows)
        QGuiApplication.clipboard().setText(text)
