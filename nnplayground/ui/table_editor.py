"""The table editor: a view over TableModel with row/column tools, header menus, copy and paste, and a
second, read-only view of the same table as the network sees it (scaled inputs, one-hot labels, encoded
targets), switched with one button.

Validation rows (kept apart, measured after every epoch, never trained on) have an orange band on their row
number and a faint tint, and a line under the table says how many there are; the row numbers' menu (and
Ctrl+Shift+V, Ctrl+Shift+T) moves the selected rows to validation or back to training, undoably.

Every edit goes to the model's document (the one owner of the table); the views follow its changes. What
the network's view shows comes from a source the window gives (:meth:`TableEditor.set_network_source`),
asked again, once, after any change and only while that view is shown."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QFont, QFontMetrics, QGuiApplication, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QHeaderView, QInputDialog, QLabel, QMenu, QStackedWidget, QStyle,
    QStyleOptionHeader, QTableView, QToolBar, QToolButton, QVBoxLayout, QWidget,
)

from ..app.network_view import NetworkView
from ..app.validation import moved_text, rows_text
from ..core.table import INPUT, LABELS, NUMBERS, TARGET, TableError, format_number
from .focus import LeaveByCtrlTab
from .encoded_model import EncodedModel
from .table_model import KIND_MARK_ROLE, VALIDATION_BAND, VALIDATION_ROLE, TableModel

NETWORK_VIEW_KEY = "F8"
TYPED, NETWORK, MESSAGE = 0, 1, 2  # the pages: the table as typed, as the network sees it, why it can't be seen
MARK_BACKGROUND, MARK_TEXT = QColor("#e4dcf2"), QColor("#4b3a78")  # the "abc" mark of a labels column
MARK_PADDING = 3
FIT_COLUMNS = 8  # a table this narrow shares the view's width; a wider one keeps readable widths and scrolls
WANT_CAP = 120  # pixels a long name gets at most when the columns scroll anyway
SAMPLED_ROWS = 60  # rows whose texts a column's width is fitted to
CELL_PADDING = 14
BAND_WIDTH = 4  # the validation band on a row's number
TO_VALIDATION_KEY, TO_TRAINING_KEY = "Ctrl+Shift+V", "Ctrl+Shift+T"


class RowHeader(QHeaderView):
    """The row numbers, with a band in the validation colour on each validation row."""

    def __init__(self, parent=None):
        super().__init__(Qt.Vertical, parent)
        self.setSectionsClickable(True)  # as a QTableView's own header: a click selects the row
        self.setHighlightSections(True)

    def paintSection(self, painter, rect: QRect, logical: int) -> None:
        super().paintSection(painter, rect, logical)
        if rect.isValid() and self.model().headerData(logical, Qt.Vertical, VALIDATION_ROLE):
            painter.save()
            painter.fillRect(QRect(rect.left(), rect.top(), BAND_WIDTH, rect.height()), VALIDATION_BAND)
            painter.restore()


class ColumnHeader(QHeaderView):
    """A horizontal header whose sections read in two lines (the column's name, then its role or how the
    network reads it), each line left-aligned and cut with "…" when the column is narrower, so the start of
    a name always shows; a column of text labels gets a small "abc" mark after its role, always in view."""

    def __init__(self, parent=None):
        super().__init__(Qt.Horizontal, parent)
        self.setSectionsClickable(True)  # as a QTableView's own header: a click selects the column
        self.setHighlightSections(True)
        self.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)

    def _font(self, logical: int) -> QFont:
        font = self.model().headerData(logical, Qt.Horizontal, Qt.FontRole)
        return QFont(font) if isinstance(font, QFont) else QFont(self.font())

    def _mark_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.8, 6.0))
        return font

    def _mark(self, logical: int) -> str | None:
        mark = self.model().headerData(logical, Qt.Horizontal, KIND_MARK_ROLE)
        return mark if isinstance(mark, str) and mark else None

    def _option(self, logical: int, rect: QRect) -> QStyleOptionHeader:
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        self.initStyleOptionForIndex(option, logical)
        option.rect = rect
        return option

    def _margin(self, logical: int) -> int:
        """Pixels of a section that its text can't use (the style's margins)."""
        rect = QRect(0, 0, 400, 40)
        return rect.width() - self.style().subElementRect(QStyle.SE_HeaderLabel, self._option(logical, rect),
                                                          self).width() + 1

    def text_widths(self, logical: int) -> tuple[int, int]:
        """Pixels the section's text needs: its whole first line (the name), and its second line with the mark."""
        metrics = QFontMetrics(self._font(logical))
        lines = (self.model().headerData(logical, Qt.Horizontal) or "").split("\n") + [""]
        mark = self._mark(logical)
        mark_width = QFontMetrics(self._mark_font()).horizontalAdvance(mark) + 2 * MARK_PADDING + 4 if mark else 0
        margin = self._margin(logical) + 3  # and a little slack: eliding measures text a pixel or two wider
        return metrics.horizontalAdvance(lines[0]) + margin, metrics.horizontalAdvance(lines[1]) + mark_width + margin

    def paintSection(self, painter, rect: QRect, logical: int) -> None:
        if not rect.isValid():
            return
        option = self._option(logical, rect)
        painter.save()
        painter.setFont(self._font(logical))
        metrics = QFontMetrics(painter.font())
        mark = self._mark(logical)
        mark_metrics = QFontMetrics(self._mark_font())
        mark_width = mark_metrics.horizontalAdvance(mark) + 2 * MARK_PADDING if mark else 0
        label = self.style().subElementRect(QStyle.SE_HeaderLabel, option, self)
        room = label.width() - 1
        lines = option.text.split("\n")
        option.text = "\n".join(
            metrics.elidedText(line, Qt.ElideRight, room - (mark_width + 4 if mark and i == 1 else 0))
            for i, line in enumerate(lines))
        option.fontMetrics = metrics
        self.style().drawControl(QStyle.CE_Header, option, painter, self)
        if mark and len(lines) > 1:
            block = metrics.boundingRect(label, int(Qt.AlignLeft | Qt.AlignVCenter), option.text)
            second = option.text.split("\n")[1]
            x = block.left() + metrics.horizontalAdvance(second) + 4
            line_top = block.top() + metrics.lineSpacing()
            height = mark_metrics.height()
            badge = QRect(x, line_top + (metrics.lineSpacing() - height) // 2, mark_width, height)
            painter.setRenderHint(QPainter.Antialiasing)
            painter.setPen(Qt.NoPen)
            painter.setBrush(MARK_BACKGROUND)
            painter.drawRoundedRect(badge, 3, 3)
            painter.setPen(MARK_TEXT)
            painter.setFont(self._mark_font())
            painter.drawText(badge, int(Qt.AlignCenter), mark)
        painter.restore()


def share_widths(needs: list[int], wants: list[int], room: int) -> list[int]:
    """Column widths for ``room`` pixels: each column gets what it needs (its values, its role and mark);
    what is left goes to the columns whose names want more, in proportion to what they lack, then evenly.
    When the needs alone are wider than ``room``, the columns get what they want (up to WANT_CAP) and scroll."""
    if sum(needs) >= room:
        return [max(need, min(want, WANT_CAP)) for need, want in zip(needs, wants)]
    widths = list(needs)
    lack = [max(want - need, 0) for need, want in zip(needs, wants)]
    spare = room - sum(widths)
    if sum(lack):
        given = min(spare, sum(lack))
        widths = [w + given * d // sum(lack) for w, d in zip(widths, lack)]
        spare = room - sum(widths)
    if spare > 0 and widths:
        widths = [w + spare // len(widths) + (1 if i < spare % len(widths) else 0) for i, w in enumerate(widths)]
    return widths


class TableEditor(QWidget):
    message = Signal(str, bool)  # a message for the window's status line: text, is it an error

    def __init__(self, model: TableModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.document = model.document
        self.view = QTableView()
        self.view.setObjectName("tableView")
        self.view.setHorizontalHeader(ColumnHeader(self.view))
        self.view.setVerticalHeader(RowHeader(self.view))
        self.view.setModel(model)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.view.horizontalHeader().setMinimumSectionSize(40)
        self.view.horizontalHeader().setDefaultSectionSize(72)
        model.modelReset.connect(self._fit_columns)
        model.headerDataChanged.connect(lambda orientation, *_: orientation == Qt.Horizontal and self._fit_columns())
        self.view.viewport().installEventFilter(self)
        self._leave = LeaveByCtrlTab(self.view, self)  # Tab goes from cell to cell; Ctrl+Tab leaves the table,
        self.view.installEventFilter(self._leave)  # from a cell being edited too (its editor has the keys)
        QApplication.instance().focusChanged.connect(self._leave.watch_editor)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.horizontalHeader().setContextMenuPolicy(Qt.CustomContextMenu)
        self.view.horizontalHeader().customContextMenuRequested.connect(self._header_menu)
        self.view.horizontalHeader().sectionDoubleClicked.connect(self.ask_rename)
        self.view.setContextMenuPolicy(Qt.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._cell_menu)
        self.view.verticalHeader().setContextMenuPolicy(Qt.CustomContextMenu)
        self.view.verticalHeader().customContextMenuRequested.connect(self._row_menu)
        self._build_network_view()

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
        self.clear_action = action("Clear cells", self.clear_cells, QKeySequence.Delete,
                                   "Empty the selected cells (one undoable edit; an empty cell is marked until filled)")
        self.to_validation_action = action("Move to validation", lambda: self.move_rows(True), TO_VALIDATION_KEY,
                                           "Keep the selected rows apart: measured after every epoch, never trained on")
        self.to_training_action = action("Move to training", lambda: self.move_rows(False), TO_TRAINING_KEY,
                                         "Train on the selected rows again")
        self._editing = (self.add_row_action, self.remove_rows_action, self.add_column_action,
                         self.remove_column_action, self.paste_action, self.to_validation_action,
                         self.to_training_action)
        self.validation_legend = QLabel()
        self.validation_legend.setObjectName("validationLegend")
        self.validation_legend.setToolTip(
            "Validation rows are kept apart: the loss on them is measured after every epoch and drawn beside the "
            "training loss, and the network never trains on them. Set their share under Validation and penalties; "
            f"right-click a row's number to move it ({TO_VALIDATION_KEY}: to validation, {TO_TRAINING_KEY}: back "
            "to training).")
        self.validation_legend.setWordWrap(True)
        self.validation_legend.hide()
        model.tableChanged.connect(self._show_validation_count)
        self.tools = tools = QToolBar()
        tools.setToolButtonStyle(Qt.ToolButtonTextOnly)
        for a in (self.add_row_action, self.remove_rows_action, self.add_column_action, self.remove_column_action):
            tools.addAction(a)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(tools)
        layout.addWidget(self.pages)
        layout.addWidget(self.validation_legend)
        self._show_validation_count()

    def _fit_columns(self, *_):
        """A few columns share the width, each as wide as its values and role need and the rest to the
        names; many keep a readable width and scroll."""
        header = self.view.horizontalHeader()
        n = self.model.columnCount()
        header.setSectionResizeMode(QHeaderView.Interactive)
        if n > FIT_COLUMNS:
            header.setStretchLastSection(False)
            return
        header.setStretchLastSection(True)  # takes up any pixel the shares leave
        cells = self.view.fontMetrics()
        rows = range(min(self.model.rowCount(), SAMPLED_ROWS))
        needs, wants = [], []
        for c in range(n):
            name, role = header.text_widths(c)
            values = max([cells.horizontalAdvance(self.document.cell(r, c)) + CELL_PADDING for r in rows] + [0])
            needs.append(max(role, values, header.minimumSectionSize()))
            wants.append(max(name, needs[-1]))
        for c, width in enumerate(share_widths(needs, wants, self.view.viewport().width())):
            header.resizeSection(c, width)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Resize and watched is self.view.viewport():
            if event.size().width() != event.oldSize().width():
                self._fit_columns()
        return super().eventFilter(watched, event)

    # -- the table as the network sees it --------------------------------------------------------
    def _build_network_view(self) -> None:
        self.encoded_model = EncodedModel(self)
        self.encoded_view = QTableView()
        self.encoded_view.setObjectName("encodedView")
        self.encoded_view.setHorizontalHeader(ColumnHeader(self.encoded_view))
        self.encoded_view.setModel(self.encoded_model)
        self.encoded_view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.encoded_view.setAlternatingRowColors(True)
        self.encoded_view.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.encoded_view.verticalHeader().setDefaultSectionSize(self.view.verticalHeader().defaultSectionSize())
        self.encoded_view.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.encoded_model.modelReset.connect(self._fit_encoded_columns)
        self.encoded_view.selectionModel().currentRowChanged.connect(self._follow_encoded_row)
        self.network_caption = QLabel()
        self.network_caption.setObjectName("networkViewCaption")
        self.network_caption.setWordWrap(True)
        self.network_caption.setStyleSheet("color: #555;")
        self.network_message = QLabel()
        self.network_message.setObjectName("networkViewMessage")
        self.network_message.setWordWrap(True)
        self.network_message.setAlignment(Qt.AlignCenter)
        self.network_message.setMargin(12)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.network_caption)
        column.addWidget(self.encoded_view, 1)
        self.pages = QStackedWidget()
        for widget in (self.view, page, self.network_message):
            self.pages.addWidget(widget)

        self.scaled_action = QAction("Table as the network sees it", self)
        self.scaled_action.setIconText("Network's view")  # the button's text: it fits the table's title row
        self.scaled_action.setObjectName("scaledViewAction")
        self.scaled_action.setCheckable(True)
        self.scaled_action.setShortcut(QKeySequence(NETWORK_VIEW_KEY))
        self.scaled_action.setShortcutContext(Qt.WindowShortcut)
        self.scaled_action.setToolTip(
            f"Show the table as the network sees it ({NETWORK_VIEW_KEY}): inputs scaled, x̃ = (x − μ) / σ, text "
            "columns as one 0/1 column per label, targets as the network's outputs learn them. Read-only; "
            "press again for the table as typed.")
        self.scaled_action.toggled.connect(self._show_network_view)
        self.addAction(self.scaled_action)
        self.scaled_toggle = QToolButton()
        self.scaled_toggle.setObjectName("scaledViewToggle")
        self.scaled_toggle.setDefaultAction(self.scaled_action)
        self.scaled_toggle.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self._network_source: Callable[[], NetworkView] | None = None
        self._network_stale = True
        self._network_timer = QTimer(self)
        self._network_timer.setSingleShot(True)
        self._network_timer.setInterval(0)  # after the window has taken in the change (what waits for Reset)
        self._network_timer.timeout.connect(self.refresh_network_view)
        self.model.tableChanged.connect(self.network_changed)

    @property
    def showing_network_view(self) -> bool:
        return self.scaled_action.isChecked()

    def set_network_source(self, source: Callable[[], NetworkView]) -> None:
        """``source()`` says what the network's view shows now (the window knows the network)."""
        self._network_source = source
        self.network_changed()

    def network_changed(self) -> None:
        """The table, the network or what waits for Reset changed: the network's view is out of date."""
        self._network_stale = True
        if self.showing_network_view:
            self._network_timer.start()

    def refresh_network_view(self) -> None:
        """Show what the source says now (only while that view is shown; otherwise when it next is)."""
        self._network_timer.stop()
        if not self.showing_network_view:
            return
        if self._network_stale:
            self._network_stale = False
            view = self._network_source() if self._network_source is not None else NetworkView(None, "No network.")
            self.encoded_model.set_view(view)
            self.network_caption.setText(view.caption)
            self.network_message.setText(view.message)
        self.pages.setCurrentIndex(NETWORK if self.encoded_model.encoded is not None else MESSAGE)

    def _show_network_view(self, on: bool) -> None:
        typed, encoded = self.view, self.encoded_view
        source, target = (typed, encoded) if on else (encoded, typed)
        row, scroll = source.currentIndex().row(), source.verticalScrollBar().value()
        if on:
            self.refresh_network_view()
        else:
            self.pages.setCurrentIndex(TYPED)
        for a in self._editing:
            a.setEnabled(not on)
        self.tools.setVisible(not on)  # its tools edit the table as typed; the caption takes its place
        if self.pages.currentIndex() != MESSAGE:
            model = target.model()
            if 0 <= row < model.rowCount() and model.columnCount():
                target.setCurrentIndex(model.index(row, max(target.currentIndex().column(), 0)))
            target.verticalScrollBar().setValue(scroll)

    def _fit_encoded_columns(self) -> None:
        header, model = self.encoded_view.horizontalHeader(), self.encoded_model
        cells = self.encoded_view.fontMetrics()
        for column in range(model.columnCount()):
            header.resizeSection(column, model.column_width(column, cells, header.font()))

    def _follow_encoded_row(self, current, _previous) -> None:
        """A row chosen in the network's view is the table's current row too (the diagram follows it)."""
        if current.isValid() and current.row() != self.view.currentIndex().row():
            column = max(self.view.currentIndex().column(), 0)
            self.view.setCurrentIndex(self.model.index(current.row(), column))

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
        if column >= 0 and not self.showing_network_view:
            self.header_menu(column).exec(self.view.horizontalHeader().mapToGlobal(pos))

    def header_menu(self, column: int) -> QMenu:
        """The menu a right-click on a column's header opens: its role, its name, what it holds, columns."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WA_DeleteOnClose)
        role = self.document.roles[column]
        make = menu.addAction("Make it a target" if role == INPUT else "Make it an input")
        make.triggered.connect(lambda: self.document.set_role(column, TARGET if role == INPUT else INPUT))
        menu.addAction("Rename…").triggered.connect(lambda: self.ask_rename(column))
        menu.addSeparator()
        kinds = QActionGroup(menu)
        for kind, text, tip in ((NUMBERS, "Holds numbers", "A cell that is not a number is marked red"),
                                (LABELS, "Holds text labels",
                                 "Each different text is a label: a class to learn (a target) or one 0/1 input each")):
            a = menu.addAction(text)
            a.setCheckable(True)
            a.setChecked(self.document.kinds[column] == kind)
            a.setActionGroup(kinds)
            a.setToolTip(tip)
            a.triggered.connect(lambda _=False, k=kind: self.set_kind(column, k))
        menu.setToolTipsVisible(True)
        menu.addSeparator()
        menu.addAction("Add input column").triggered.connect(
            lambda: self._edit(self.document.insert_column, column + 1))
        menu.addAction("Remove column").triggered.connect(lambda: self.remove_column(column))
        return menu

    def set_kind(self, column: int, kind: str) -> None:
        """Make a column hold numbers or text labels (undoable, as every edit), and say so."""
        if self.document.kinds[column] == kind:
            return
        if self._edit(self.document.set_kind, column, kind):
            name = self.document.header[column]
            what = ("text labels: each different text is a class or, for an input, one 0/1 input"
                    if kind == LABELS else "numbers: a cell that is not one is marked red")
            self.message.emit(f"{name!r} holds {what} (Ctrl+Z undoes).", False)

    def _cell_menu(self, pos):
        if self.showing_network_view:
            return
        menu = QMenu(self)
        for a in (self.copy_action, self.paste_action, self.clear_action, None, self.add_row_action,
                  self.remove_rows_action, None,
                  self.to_validation_action, self.to_training_action):
            menu.addSeparator() if a is None else menu.addAction(a)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # -- validation rows ------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        """The rows selected (whole or in part), else the current row."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedIndexes()})
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        return rows

    def move_rows(self, held: bool, rows: list[int] | None = None) -> None:
        """Move ``rows`` (by default the selected ones) to the validation rows or back to training: one edit."""
        rows = self.selected_rows() if rows is None else rows
        moving = [r for r in rows if self.model.is_validation(r) != held]
        if not moving:
            where = "validation" if held else "training"
            self.message.emit(f"{'That row is' if len(rows) == 1 else 'Those rows are'} {where} rows already."
                              if rows else "Select the rows to move first.", False)
            return
        self.document.set_validation(moving, held)
        self.message.emit(moved_text(moving, held), False)

    def row_menu(self, row: int) -> QMenu:
        """The menu of a row's number: move it (or the selected rows, when it is one of them) to validation or
        back to training."""
        rows = self.selected_rows()
        if row not in rows:
            rows = [row]
            self.view.selectRow(row)
        menu = QMenu(self)
        menu.setAttribute(Qt.WA_DeleteOnClose)
        count = f"{len(rows):,} rows" if len(rows) > 1 else f"row {row + 1:,}"
        to_validation = menu.addAction(f"Move {count} to validation\t{TO_VALIDATION_KEY}")  # the keys, shown
        to_validation.triggered.connect(lambda: self.move_rows(True, rows))
        to_training = menu.addAction(f"Move {count} to training\t{TO_TRAINING_KEY}")
        to_training.triggered.connect(lambda: self.move_rows(False, rows))
        held = [self.model.is_validation(r) for r in rows]
        to_validation.setEnabled(not all(held))
        to_training.setEnabled(any(held))
        menu.addSeparator()
        menu.addAction(self.add_row_action)
        menu.addAction(self.remove_rows_action)
        return menu

    def _row_menu(self, pos):
        row = self.view.verticalHeader().logicalIndexAt(pos)
        if row >= 0 and not self.showing_network_view:
            self.row_menu(row).exec(self.view.verticalHeader().mapToGlobal(pos))

    def _show_validation_count(self) -> None:
        count = self.model.validation_rows
        self.validation_legend.setVisible(count > 0)
        if count:
            self.validation_legend.setText(f"<span style='color:{VALIDATION_BAND.name()}'>■</span> {rows_text(count)}")

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

    def clear_cells(self) -> None:
        """Delete: the selected cells emptied, as a spreadsheet does (one undoable edit)."""
        if self.showing_network_view:
            return
        indexes = self.view.selectionModel().selectedIndexes()
        if indexes:
            self.document.set_cells([(i.row(), i.column(), "") for i in indexes], label="Clear cells")

    def copy(self):
        """The selection as tab-separated text: cells as typed, or the network's numbers in full."""
        view = self.encoded_view if self.showing_network_view else self.view
        indexes = view.selectionModel().selectedIndexes()
        if not indexes:
            return
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        if view is self.view:
            cell = self.document.cell
        else:
            def cell(r, c):
                return format_number(self.encoded_model.value(r, c))
        text = "\n".join("\t".join(cell(r, c) for c in cols) for r in rows)
        QGuiApplication.clipboard().setText(text)
