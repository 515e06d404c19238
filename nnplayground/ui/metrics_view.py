"""The metrics beside the loss: one line for the loss plot's header (:func:`metrics_text`) and the Metrics
tab, a confusion matrix per classified column (rows the true class, columns the predicted one, the
diagonal, where they agree, in green) or, for a regression, R² and RMSE per target. With validation rows,
the tab shows the training rows' and the validation rows' side by side (one above the other when the tab
is too narrow for both): two matrices, each with its rows' count, or two rows of R² and RMSE per target.

The worker works the numbers out (:mod:`..app.training_watch`); this only shows them. A matrix keeps
its model while its classes stay the same, so a new count repaints only its cells.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractScrollArea, QBoxLayout, QHeaderView, QLabel, QScrollArea, QSizePolicy, QTableView, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..app.validation import metrics_line, percent
from ..core.metrics import Metrics
from ..core.table import TrainingTable
from .table_model import VALIDATION_BAND

ROW_HEIGHT = 22
CELL_PADDING = 16  # pixels beside a header's or a count's text
RIGHT, WRONG = QColor(22, 163, 74), QColor(220, 38, 38)  # green where true and predicted agree, red where not
EMPTY_TEXT = "No predictions yet: step a feedforward (F11) or an iteration (F10), or run (F5)."
ON_TRAINING = "Of the latest predictions, on the training table."
ON_BOTH = ("Of the latest predictions: training, on the rows trained on; validation, on the rows kept apart "
           "(never trained on): how well the network does on rows it has not seen.")
MEASURES = {
    "classification": "Accuracy: the share of rows whose predicted class (the largest output, or ŷ ≥ 0.5 for "
                      "two classes) is the target's.",
    "regression": "R² = 1 − Σ(ŷ − y)² / Σ(y − ȳ)²: 1 is a perfect fit, 0 no better than always predicting the "
                  "mean ȳ.\nRMSE = √(mean of (ŷ − y)²), in the target's own units.",
}
METRICS_EXPLAINED = {kind: f"{text}\n{ON_TRAINING}" for kind, text in MEASURES.items()}
MATRIX_EXPLAINED = "each row a true class, each column the class predicted; the diagonal (green) is right."
VALIDATION_WORD = f"<b style='color:{VALIDATION_BAND.name()}'>Validation</b>"  # the table's band, the plot's curve


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


def set_caption(metrics: Metrics, validation: bool, one_matrix: bool) -> str:
    """A matrix's caption beside the other set's: "Training: 120 rows · accuracy 97.5 %" (the accuracy where
    the matrix is all the metrics measure: one multi-class or binary column)."""
    name = VALIDATION_WORD if validation else "<b>Training</b>"
    text = f"{name}: {metrics.rows:,} row{'s' if metrics.rows != 1 else ''}"
    if one_matrix and metrics.accuracy is not None:
        text += f" · accuracy {percent(metrics.accuracy)}"
    return text


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


class SideBySide(QWidget):
    """The training rows' and the validation rows' metrics: side by side when the width it is given has room
    for both, else one above the other. The width is the scroll area's, not its own: side by side, its own
    is at least what both need, so it could never tell that they no longer fit."""

    SPACING = 18  # pixels between the two, side by side
    STACKED_SPACING = 8  # one above the other

    def __init__(self, first: QWidget, second: QWidget, parent=None):
        super().__init__(parent)
        self.setObjectName("sideBySide")
        self.halves = (first, second)
        self._layout = QBoxLayout(QBoxLayout.LeftToRight, self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(self.SPACING)
        for half in self.halves:
            self._layout.addWidget(half, 0, Qt.AlignTop | Qt.AlignLeft)
        self._layout.addStretch(1)

    def needed_width(self) -> int:
        return sum(half.sizeHint().width() for half in self.halves) + self.SPACING

    def side_by_side(self) -> bool:
        return self._layout.direction() == QBoxLayout.LeftToRight

    def arrange(self, width: int) -> None:
        wide = width >= self.needed_width()
        wanted = QBoxLayout.LeftToRight if wide else QBoxLayout.TopToBottom
        if self._layout.direction() != wanted:
            self._layout.setDirection(wanted)
            self._layout.setSpacing(self.SPACING if wide else self.STACKED_SPACING)


def _half(caption: QLabel, view: QWidget) -> QWidget:
    half = QWidget()
    layout = QVBoxLayout(half)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    layout.addWidget(caption)
    layout.addWidget(view)
    return half


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
        self._viewport = scroll.viewport()
        self._viewport.installEventFilter(self)  # its width decides side by side or one above the other
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.explained)
        self.tables: list[ConfusionTable] = []  # the training rows' (every row's without validation rows)
        self.validation_tables: list[ConfusionTable] = []  # the validation rows', beside them
        self.captions: list[QLabel] = []  # each matrix's set, rows and accuracy (with validation rows)
        self.validation_captions: list[QLabel] = []
        self.pairs: list[SideBySide] = []
        self.explained_below: QLabel | None = None  # with validation rows: the words after the matrices, not under
        self.regression_table: QTableWidget | None = None
        self.metrics: Metrics | None = None
        self.validation: Metrics | None = None
        self._shape = None  # what the body is built for: the problem, its columns and classes, validation rows
        self.clear()

    def clear(self) -> None:
        self.show_metrics(None, None)

    def show_metrics(self, metrics: Metrics | None, table: TrainingTable | None,
                     validation: Metrics | None = None) -> None:
        """The training rows' ``metrics`` and, when some rows are kept for validation, theirs beside them."""
        if metrics is self.metrics and validation is self.validation and metrics is not None:
            return
        self.metrics, self.validation = metrics, validation
        if metrics is None or table is None:
            self._build(None, (), False)
            self.summary.setText(EMPTY_TEXT)
            self.explained.setText("")
            self.explained.show()
            return
        targets = table.target_columns
        held = validation is not None
        self.summary.setText(f"<b>{metrics_text(metrics, targets, validation)}</b>")
        # a multi-class network has one matrix; a binary one, one per target column
        titles = (targets[0],) if metrics.problem == "multiclass" else targets
        if metrics.problem == "regression":
            self._build("regression", targets, held)
        else:
            self._build("classes", tuple(zip(titles, metrics.classes)), held)
        kind = "regression" if metrics.problem == "regression" else "classification"
        explained = f"{MEASURES[kind]} {ON_BOTH if held else ON_TRAINING}".replace("\n", " ")
        # with validation rows both sets need the height: the words come after them, in the scrolled body
        self.explained.setVisible(not held)
        (self.explained_below if held else self.explained).setText(explained)
        if metrics.problem == "regression":
            if held:  # each target twice: on its training rows, then on its validation rows
                rows = [(name, f"{which}: {m.rows:,}", f"{m.r2[k]:.4g}", f"{m.rmse[k]:.4g}")
                        for k, name in enumerate(targets)
                        for m, which in ((metrics, "training"), (validation, "validation"))]
            else:
                rows = [(name, f"{r2:.4g}", f"{rmse:.4g}") for name, r2, rmse in zip(targets, metrics.r2, metrics.rmse)]
            for row, texts in enumerate(rows):
                for column, text in enumerate(texts):
                    item = self.regression_table.item(row, column)
                    if item.text() != text:
                        item.setText(text)
            return
        for view, counts, classes in zip(self.tables, metrics.confusion, metrics.classes):
            view.set_counts(counts, classes)
        if held:
            one = len(metrics.confusion) == 1
            for caption, other, view, counts, classes in zip(self.captions, self.validation_captions,
                                                             self.validation_tables, validation.confusion,
                                                             validation.classes):
                for label, text in ((caption, set_caption(metrics, False, one)),
                                    (other, set_caption(validation, True, one))):
                    if label.text() != text:
                        label.setText(text)
                view.set_counts(counts, classes)
            self._arrange()

    def eventFilter(self, watched, event):
        if watched is self._viewport and event.type() == QEvent.Resize:
            self._arrange()
        return super().eventFilter(watched, event)

    def _arrange(self) -> None:
        for pair in self.pairs:
            pair.arrange(self._viewport.width())

    def _build(self, problem, shape, held: bool) -> None:
        """Make the body's widgets for ``problem`` and its columns (and classes), with validation rows or
        not, unless they are made."""
        if (problem, shape, held) == self._shape:
            return
        self._shape = (problem, shape, held)
        while self._body_layout.count():
            widget = self._body_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.tables, self.validation_tables, self.regression_table = [], [], None
        self.captions, self.validation_captions, self.pairs = [], [], []
        self.explained_below = None
        if problem == "regression":
            # beside the rows' column, "RMSE" alone (the words under the table say its units) fits 1024 px
            headers = ["target", "rows", "R²", "RMSE"] if held else ["target", "R²", "RMSE (its units)"]
            table = QTableWidget(len(shape) * (2 if held else 1), len(headers))
            table.setObjectName("regressionMetrics")
            table.setHorizontalHeaderLabels(headers)
            table.verticalHeader().hide()
            table.setEditTriggers(QTableWidget.NoEditTriggers)
            table.setSizeAdjustPolicy(QAbstractScrollArea.AdjustToContents)
            table.setSizePolicy(QSizePolicy.Maximum, QSizePolicy.Maximum)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
            numbers = len(headers) - 2  # the first column holding a number
            for row in range(table.rowCount()):
                for column in range(len(headers)):
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter if column >= numbers
                                          else Qt.AlignLeft | Qt.AlignVCenter)
                    if held and row % 2 and column == 1:
                        item.setForeground(VALIDATION_BAND)
                        item.setToolTip("rows kept apart, never trained on")
                    table.setItem(row, column, item)
            self.regression_table = table
            self._body_layout.addWidget(table)
        elif problem == "classes":
            for title, _classes in shape:
                caption = QLabel(f"<b>{title}</b>: {MATRIX_EXPLAINED}")
                caption.setWordWrap(True)
                self._body_layout.addWidget(caption)
                view = ConfusionTable()
                self.tables.append(view)
                if not held:
                    self._body_layout.addWidget(view)
                    continue
                other = ConfusionTable()
                other.setObjectName("validationConfusionMatrix")
                self.validation_tables.append(other)
                mine, theirs = QLabel(), QLabel()
                theirs.setToolTip("rows kept apart, never trained on")
                self.captions.append(mine)
                self.validation_captions.append(theirs)
                pair = SideBySide(_half(mine, view), _half(theirs, other))
                self.pairs.append(pair)
                self._body_layout.addWidget(pair)
        if held:
            self.explained_below = QLabel()
            self.explained_below.setObjectName("metricsExplained")
            self.explained_below.setWordWrap(True)
            self.explained_below.setStyleSheet("color: #555;")
            self._body_layout.addSpacing(4)
            self._body_layout.addWidget(self.explained_below)
        self._body_layout.addStretch(1)
