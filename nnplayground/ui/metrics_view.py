"""The metrics beside the loss: one line for the loss plot's header (:func:`metrics_text`) and the Metrics
tab, a confusion matrix per classified column (rows the true class, columns the predicted one, the
diagonal, where they agree, in green) or, for a regression, R² and RMSE per target.

The worker works the numbers out (:mod:`..app.training_watch`); this only shows them. A matrix keeps
its model while its classes stay the same, so a new count repaints only its cells.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractScrollArea, QHeaderView, QLabel, QScrollArea, QSizePolicy, QTableView, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from ..app.validation import metrics_line
from ..core.metrics import Metrics
from ..core.table import TrainingTable

ROW_HEIGHT = 22
CELL_PADDING = 16  # pixels beside a header's or a count's text
RIGHT, WRONG = QColor(22, 163, 74), QColor(220, 38, 38)  # green where true and predicted agree, red where not
EMPTY_TEXT = "No predictions yet: step a feedforward (F11) or an iteration (F10), or run (F5)."
METRICS_EXPLAINED = {
    "classification": "Accuracy: the share of rows whose predicted class (the largest output, or ŷ ≥ 0.5 for "
                      "two classes) is the target's.\nOf the latest predictions, on the training table.",
    "regression": "R² = 1 − Σ(ŷ − y)² / Σ(y − ȳ)²: 1 is a perfect fit, 0 no better than always predicting the "
                  "mean ȳ.\nRMSE = √(mean of (ŷ − y)²), in the target's own units.\nOf the latest predictions, "
                  "on the training table.",
}


def metrics_text(metrics: Metrics | None, targets: tuple[str, ...], validation: Metrics | None = None) -> str:
    """One line for the loss plot's header: "accuracy 98.7 % (148 of 150 rows)", "R² 0.708, RMSE 41.3
    (in progression's units)"; with validation rows, both sets side by side: "accuracy 97 % (train) · 100 %
    (validation)"; "" when there is nothing to measure yet."""
    if metrics is None:
        return ""
    if validation is not None:
        return metrics_line(metrics, validation)
    text = metrics.summary()
    if metrics.problem == "regression":
        text += f" (in {targets[0]}'s units)" if len(targets) == 1 else f" (means over {len(targets)} targets)"
    return text


def metrics_tooltip(metrics: Metrics | None) -> str:
    if metrics is None:
        return ""
    return METRICS_EXPLAINED["regression" if metrics.problem == "regression" else "classification"]


class ConfusionModel(QAbstractTableModel):
    """Counts of rows by true class (rows) and predicted class (columns)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._counts = np.zeros((0, 0), dtype=np.int64)
        self._classes: tuple[str, ...] = ()
        self._totals = np.zeros(0, dtype=np.int64)

    @property
    def classes(self) -> tuple[str, ...]:
        return self._classes

    def set_counts(self, counts: np.ndarray, classes: tuple[str, ...]) -> None:
        counts = np.asarray(counts)
        if classes != self._classes or counts.shape != self._counts.shape:
            self.beginResetModel()
            self._counts, self._classes, self._totals = counts, tuple(classes), counts.sum(axis=1)
            self.endResetModel()
        elif not np.array_equal(counts, self._counts):
            self._counts, self._totals = counts, counts.sum(axis=1)
            self.dataChanged.emit(self.index(0, 0), self.index(len(classes) - 1, len(classes) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._classes)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._classes)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        count, total = int(self._counts[r, c]), int(self._totals[r])
        if role == Qt.DisplayRole:
            return f"{count:,}"
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignCenter)
        if role == Qt.BackgroundRole and count:
            colour = QColor(RIGHT if r == c else WRONG)
            colour.setAlpha(40 + int(150 * count / max(total, 1)))  # deeper for a larger share of the row
            return QBrush(colour)
        if role == Qt.FontRole and r == c:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ToolTipRole:
            true, guess = self._classes[r], self._classes[c]
            share = f" ({100 * count / total:.1f} % of the {true} rows)" if total else ""
            verb = "predicted right" if r == c else f"predicted as {guess}"
            return f"{count:,} {true} row{'s' if count != 1 else ''} {verb}{share}"
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and 0 <= section < len(self._classes):
            return self._classes[section]
        if role == Qt.ToolTipRole and 0 <= section < len(self._classes):
            return f"predicted {self._classes[section]}" if orientation == Qt.Horizontal else \
                f"true {self._classes[section]}"
        return None


class ConfusionTable(QTableView):
    """A confusion matrix as large as its contents (up to the space it has: then it scrolls).

    Columns are sized when the classes change (or the counts grow a digit), from the class names and the
    widest count, never by measuring cells: a hundred classes are ten thousand of them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("confusionMatrix")
        self.matrix = ConfusionModel(self)
        self.setModel(self.matrix)
        self.setSizeAdjustPolicy(QAbstractScrollArea.AdjustToContents)
        self.setSizePolicy(QSizePolicy.Maximum, QSizePolicy.Maximum)
        self.setSelectionMode(QTableView.NoSelection)
        self.setFocusPolicy(Qt.NoFocus)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.Fixed)
            header.setHighlightSections(False)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self._widest = None  # (classes, digits) the columns are sized for

    def set_counts(self, counts: np.ndarray, classes: tuple[str, ...]) -> None:
        self.matrix.set_counts(counts, classes)
        widest = (tuple(classes), len(f"{int(np.asarray(counts).sum()):,}"))
        if widest != self._widest:
            self._widest = widest
            bold = QFont(self.font())
            bold.setBold(True)
            count = QFontMetrics(bold).horizontalAdvance("0" * widest[1])
            names = self.horizontalHeader().fontMetrics()
            for c, name in enumerate(classes):
                self.horizontalHeader().resizeSection(c, max(names.horizontalAdvance(name), count, 40) + CELL_PADDING)

    def counts(self) -> list[list[int]]:
        """The counts as shown (for tests and scripts)."""
        m = self.matrix
        return [[int(m.data(m.index(r, c)).replace(",", "")) for c in range(m.columnCount())]
                for r in range(m.rowCount())]


class MetricsView(QWidget):
    """The Metrics tab."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setObjectName("metricsSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.explained = QLabel()
        self.explained.setWordWrap(True)
        self.explained.setStyleSheet("color: #555;")
        self._body = QWidget()
        self._body_layout = QVBoxLayout(self._body)
        self._body_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(self._body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.explained)
        self.tables: list[ConfusionTable] = []
        self.regression_table: QTableWidget | None = None
        self.metrics: Metrics | None = None
        self._shape = None  # what the body is built for: the problem, its columns and classes
        self.clear()

    def clear(self) -> None:
        self.show_metrics(None, None)

    def show_metrics(self, metrics: Metrics | None, table: TrainingTable | None) -> None:
        if metrics is self.metrics and metrics is not None:
            return
        self.metrics = metrics
        if metrics is None or table is None:
            self._build(None, ())
            self.summary.setText(EMPTY_TEXT)
            self.explained.setText("")
            return
        targets = table.target_columns
        self.summary.setText(f"<b>{metrics_text(metrics, targets)}</b>")
        self.explained.setText(metrics_tooltip(metrics).replace("\n", " "))
        if metrics.problem == "regression":
            self._build("regression", targets)
            for row, (name, r2, rmse) in enumerate(zip(targets, metrics.r2, metrics.rmse)):
                for column, text in enumerate((name, f"{r2:.4g}", f"{rmse:.4g}")):
                    item = self.regression_table.item(row, column)
                    if item.text() != text:
                        item.setText(text)
            return
        # a multi-class network has one matrix; a binary one, one per target column
        titles = (targets[0],) if metrics.problem == "multiclass" else targets
        self._build("classes", tuple(zip(titles, metrics.classes)))
        for view, counts, classes in zip(self.tables, metrics.confusion, metrics.classes):
            view.set_counts(counts, classes)

    def _build(self, problem, shape) -> None:
        """Make the body's widgets for ``problem`` and its columns (and classes) unless they are made."""
        if (problem, shape) == self._shape:
            return
        self._shape = (problem, shape)
        while self._body_layout.count():
            widget = self._body_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.tables, self.regression_table = [], None
        if problem == "regression":
            table = QTableWidget(len(shape), 3)
            table.setObjectName("regressionMetrics")
            table.setHorizontalHeaderLabels(["target", "R²", "RMSE (its units)"])
            table.verticalHeader().hide()
            table.setEditTriggers(QTableWidget.NoEditTriggers)
            table.setSizeAdjustPolicy(QAbstractScrollArea.AdjustToContents)
            table.setSizePolicy(QSizePolicy.Maximum, QSizePolicy.Maximum)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
            for row in range(len(shape)):
                for column in range(3):
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter if column else Qt.AlignLeft | Qt.AlignVCenter)
                    table.setItem(row, column, item)
            self.regression_table = table
            self._body_layout.addWidget(table)
        elif problem == "classes":
            for title, _classes in shape:
                caption = QLabel(f"<b>{title}</b>: each row a true class, each column the class predicted; "
                                 "the diagonal (green) is right.")
                caption.setWordWrap(True)
                self._body_layout.addWidget(caption)
                view = ConfusionTable()
                self.tables.append(view)
                self._body_layout.addWidget(view)
        self._body_layout.addStretch(1)
