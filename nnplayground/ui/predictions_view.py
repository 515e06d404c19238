"""The predictions table and the note above it saying when ŷ is from before the latest update.

Columns are as wide as their header and the widest text their values can take (a scroll bar, not
"0.0…", when they do not fit), set when the targets change, never per frame.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from .predictions_model import BEFORE_UPDATE_EXPLAINED, PredictionsModel

ROW_HEIGHT = 22


class PredictionsPanel(QWidget):
    """``table`` (a QTableView on ``model``) under ``note_label``, shown only while there is a note."""

    def __init__(self, model: PredictionsModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.note_label = QLabel()
        self.note_label.setObjectName("predictionsNote")
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet("color: #8a5a00;")
        self.note_label.hide()
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # read only: Tab moves on to the next part of the window
        self.table.setModel(model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.setMinimumWidth(160)  # narrower than its columns on a small screen: it scrolls sideways
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.note_label)
        layout.addWidget(self.table, 1)
        model.modelReset.connect(self.fit_columns)
        model.noteChanged.connect(self._show_note)
        self._show_note(model.note)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Each column as wide as its header and its widest possible value."""
        header = self.table.horizontalHeader()
        cells, titles = self.table.fontMetrics(), header.fontMetrics()
        for column in range(self.model.columnCount()):
            header.resizeSection(column, self.model.column_width(column, cells, titles))

    def _show_note(self, note: str) -> None:
        if note != self.note_label.text():
            self.note_label.setText(note)
            self.note_label.setToolTip(BEFORE_UPDATE_EXPLAINED if note else "")
        self.note_label.setVisible(bool(note))

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:
            self.fit_columns()
