"""Target, prediction and error for every row of the table, from the latest snapshot: numbers in the
table's own units (a regression's outputs decoded), or classes by name with their probability.

Numbers are written as :func:`format_number_for_display` writes them (at most 11 characters), so a
column's width can be known without formatting every row: :meth:`PredictionsModel.column_width`.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics

from ..core import Snapshot, TrainingTable
from ..core.encoded_table import true_classes
from ..core.encoding import Encoding
from .axes import format_number_for_display
from .table_model import VALIDATION_BAND, VALIDATION_TINT

DIGITS = 4  # significant digits shown; the tooltip has them all
# the longest shapes format_number_for_display writes with DIGITS digits, "0" standing for any digit
# (exponents reach three digits: a diverged ŷ of 7e+117)
LONGEST_NUMBERS = ("-0.000e-000", "+0.000e+000", "-0.0000000", "-000,000.0")
DISTINCT_TARGETS_MEASURED = 2000  # a target column with more distinct values is given the widest width
CELL_PADDING = 10  # pixels around a cell's text: the style's margins (6) and a little air
DISPLAY, TOOLTIP, ALIGNMENT, BACKGROUND, FOREGROUND = (int(role.value) for role in (
    Qt.DisplayRole, Qt.ToolTipRole, Qt.TextAlignmentRole, Qt.BackgroundRole, Qt.ForegroundRole))
RIGHT, LEFT = int((Qt.AlignRight | Qt.AlignVCenter).value), int((Qt.AlignLeft | Qt.AlignVCenter).value)

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


NUMBERS, MULTICLASS, BINARY = "numbers", "multiclass", "binary"  # what the columns show
WRONG = QColor("#f6c6c0")  # a wrong prediction
PROBABILITY_SHAPE = "0.0000"  # a probability is written with four decimals: every row as wide


class PredictionsModel(QAbstractTableModel):
    """Three columns per target. Numbers (a regression, or no encoding known): y, ŷ in the table's units,
    ŷ − y. Classes: the table's class, the class predicted (multi-class: the likeliest; binary: ŷ ≥ 0.5)
    coloured when wrong, and its probability (binary: ŷ, the probability of the second label)."""

    noteChanged = Signal(str)  # "" when ŷ is from the weights shown

    def __init__(self, parent=None):
        super().__init__(parent)
        self._mode = NUMBERS
        self._targets: tuple[str, ...] = ()
        self._classes: tuple[tuple[str, ...], ...] = ()  # per target (binary), or the one tuple (multi-class)
        self._y = np.zeros((0, 0))
        self._truth: np.ndarray | None = None  # each row's class index (per target, for binary)
        self._encoding: Encoding | None = None
        self._table: TrainingTable | None = None
        self._y_hat: np.ndarray | None = None  # the network's outputs as they are
        self._shown: np.ndarray | None = None  # decoded ŷ (numbers) or predicted classes, made when first read
        self._note = ""
        self._target_texts: dict[int, tuple[str, ...]] = {}  # each target column's distinct texts
        self._wrong_brush = QBrush(WRONG)
        self._held_brush = QBrush(VALIDATION_TINT)

    def set_values(self, targets: tuple[str, ...], y: np.ndarray, y_hat: np.ndarray | None, note: str = "") -> None:
        """Show ``y_hat`` against ``y`` as numbers; ``note`` says where ŷ comes from (see :func:`predictions_note`)."""
        self._put(NUMBERS, tuple(targets), (), y, None, None, y_hat, note)

    def show(self, table: TrainingTable, y_hat: np.ndarray | None, encoding: Encoding | None, note: str = "") -> None:
        """Show the network's outputs ``y_hat`` for ``table``'s rows as ``encoding`` reads them: classes by
        name, or numbers in the table's units."""
        if table is self._table and encoding is self._encoding:  # the same rows: only ŷ is new
            self._put(self._mode, self._targets, self._classes, self._y, self._truth, encoding, y_hat, note,
                      table=table)
            return
        if encoding is None or not encoding.is_classification:
            self._put(NUMBERS, table.target_columns, (), table.y, None, encoding, y_hat, note, table=table)
            return
        mode = MULTICLASS if encoding.problem == "multiclass" else BINARY
        self._put(mode, encoding.targets, encoding.classes, table.y, true_classes(encoding, table), encoding, y_hat,
                  note, table=table)

    def _put(self, mode, targets, classes, y, truth, encoding, y_hat, note, table=None) -> None:
        if y_hat is not None and y_hat.shape[0] != y.shape[0]:
            y_hat = None  # ŷ of some rows only (validation rows held out): no row is shown beside another's ŷ
        same_layout = (mode, targets, classes, y.shape) == (self._mode, self._targets, self._classes, self._y.shape)
        if not same_layout or y is not self._y:
            self._target_texts = {}
        if not same_layout:
            self.beginResetModel()
        self._mode, self._targets, self._classes, self._y, self._truth = mode, targets, classes, y, truth
        self._encoding, self._table, self._y_hat, self._shown = encoding, table, y_hat, None
        if not same_layout:
            self.endResetModel()
        elif self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
        if note != self._note:
            self._note = note
            self.headerDataChanged.emit(Qt.Horizontal, 0, max(self.columnCount() - 1, 0))
            self.noteChanged.emit(note)

    @property
    def note(self) -> str:
        return self._note

    @property
    def mode(self) -> str:
        """NUMBERS, MULTICLASS or BINARY: what the columns show."""
        return self._mode

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self._y.shape[0]

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 3 * len(self._targets)

    # -- each cell ----------------------------------------------------------------------------------
    def _made(self) -> np.ndarray | None:
        """ŷ as shown, made from the outputs once per update when first read: in the table's units
        (numbers), or each row's predicted class (classes)."""
        if self._shown is None and self._y_hat is not None:
            if self._mode == NUMBERS:
                self._shown = self._y_hat if self._encoding is None else self._encoding.decode(self._y_hat)
            else:
                self._shown = self._encoding.predicted_classes(self._y_hat)
        return self._shown

    def _class_of(self, array: np.ndarray, row: int, t: int) -> int:
        return int(array[row]) if self._mode == MULTICLASS else int(array[row, t])

    def value(self, row: int, column: int) -> float | None:
        """The cell's number: y, ŷ or ŷ − y (numbers); the class index, the predicted class index or the
        probability (classes). None before there is a ŷ."""
        t, kind = divmod(column, 3)
        if self._mode == NUMBERS:
            if kind == 0:
                return float(self._y[row, t])
            made = self._made()
            if made is None:
                return None
            return float(made[row, t] - self._y[row, t]) if kind == 2 else float(made[row, t])
        if kind == 0:
            return float(self._class_of(self._truth, row, t))
        made = self._made()
        if made is None:
            return None
        if kind == 1:
            return float(self._class_of(made, row, t))
        if self._mode == MULTICLASS:
            return float(self._y_hat[row, self._class_of(made, row, t)])
        return float(self._y_hat[row, t])

    def wrong(self, row: int, t: int = 0) -> bool | None:
        """Whether the predicted class is not the table's (None: numbers, or no ŷ yet)."""
        made = self._made() if self._mode != NUMBERS else None
        if made is None:
            return None
        return self._class_of(made, row, t) != self._class_of(self._truth, row, t)

    def _names(self, t: int) -> tuple[str, ...]:
        return self._classes[0] if self._mode == MULTICLASS else self._classes[t]

    def text(self, row: int, column: int) -> str:
        """A cell as shown: "–" before there is a ŷ, errors with their sign, classes by name."""
        v = self.value(row, column)
        if v is None:
            return "–"
        t, kind = divmod(column, 3)
        if self._mode == NUMBERS:
            return format_number_for_display(v, DIGITS, sign=kind == 2)
        return self._names(t)[int(v)] if kind < 2 else f"{v:.4f}"

    def _tooltip(self, row: int, column: int, v: float) -> str:
        t, kind = divmod(column, 3)
        if self._mode == NUMBERS:
            return repr(v)
        names = self._names(t)
        truth = names[self._class_of(self._truth, row, t)]
        if kind == 0:
            return f"The table's class: {truth}"
        predicted = names[self._class_of(self._made(), row, t)]
        verdict = "right" if predicted == truth else f"wrong: the table says {truth}"
        if self._mode == MULTICLASS:
            each = " · ".join(f"{name} {p:.4f}" for name, p in zip(names, self._y_hat[row].tolist()))
            return f"Predicted {predicted}, the likeliest class ({verdict}).\nProbabilities: {each}"
        p = float(self._y_hat[row, t])
        return (f"ŷ = P({names[1]}) = {p!r}: {'≥' if p >= 0.5 else '<'} 0.5, so {predicted} ({verdict})")

    def data(self, index, role=Qt.DisplayRole):
        # A repaint asks each visible cell for ~7 roles (font, colours, check state…); those not used here
        # are answered before anything is computed (as ints: comparing Qt's enums costs more).
        if role == DISPLAY:
            return self.text(index.row(), index.column()) if index.isValid() else None
        if role == ALIGNMENT:
            return RIGHT if self._mode == NUMBERS or index.column() % 3 == 2 else LEFT
        if (role != TOOLTIP and role != BACKGROUND) or not index.isValid():
            return None
        v = self.value(index.row(), index.column())
        if v is None:
            return None
        if role == TOOLTIP:
            return self._tooltip(index.row(), index.column(), v)
        t, kind = divmod(index.column(), 3)
        held = self._held_brush if self.is_validation_row(index.row()) else None  # tinted as in the table
        if self._mode != NUMBERS:
            return self._wrong_brush if kind > 0 and self.wrong(index.row(), t) else held
        if kind == 2 and np.isfinite(v):
            scale = self._target_scale(t)
            strength = min(abs(v) / scale, 1.0)  # an error of one standard deviation of the target: full colour
            return QBrush(QColor(255, int(255 - 90 * strength), int(255 - 90 * strength)))
        return held

    def is_validation_row(self, row: int) -> bool:
        """Whether ``row`` is kept apart for validation (never trained on)."""
        marks = None if self._table is None else self._table.validation
        return marks is not None and row < len(marks) and bool(marks[row])

    def _target_scale(self, t: int) -> float:
        """σ of a scaled regression target (what an error of "one" is, in the table's units), else 1."""
        encoding = self._encoding
        return encoding.target_scale[t] if encoding is not None and encoding.scales_targets else 1

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role != DISPLAY and role != TOOLTIP and role != FOREGROUND:
            return None  # (asked for ~8 roles a row number at every repaint: the rest answered at once)
        if role == DISPLAY:
            if orientation == Qt.Vertical:
                return str(section + 1)
            return self._title(section)
        if orientation == Qt.Vertical and self.is_validation_row(section):
            if role == Qt.ToolTipRole:
                return f"Row {section + 1}: a validation row, measured after every epoch, never trained on"
            if role == Qt.ForegroundRole:
                return QBrush(VALIDATION_BAND)
        if role == Qt.ToolTipRole and orientation == Qt.Horizontal:
            note = f"\n{BEFORE_UPDATE_EXPLAINED}" if self._note else ""
            t, kind = divmod(section, 3)
            if self._mode == NUMBERS:
                if kind == 1:
                    units = " (in the table's units)" if self._target_scale(t) != 1 else ""
                    return f"ŷ from the latest feedforward{units}{note}"
                return ("the target", "", "ŷ − y")[kind]
            names = self._names(t)
            if kind == 0:
                return "the class in the table"
            if self._mode == MULTICLASS:
                return ("the class the network predicts: its likeliest (largest output); red when wrong",
                        "P: the probability the network gives the class it predicts (softmax)")[kind - 1] + note
            return (f"the class the network predicts: {names[1]} when ŷ ≥ 0.5, else {names[0]}; red when wrong",
                    f"ŷ, the network's output: the probability of {names[1]}")[kind - 1] + note
        return None

    def _title(self, section: int) -> str:
        t, kind = divmod(section, 3)
        name = self._targets[t]
        one = len(self._targets) == 1
        if self._mode == NUMBERS:
            return (name, "ŷ", "ŷ − y")[kind] if one else (name, f"ŷ {name}", f"error {name}")[kind]
        if self._mode == MULTICLASS:
            return (name, "predicted", "P")[kind]
        positive = self._classes[t][1]
        chance = f"P({name}={positive})" if self._classes[t] == ("0", "1") else f"P({positive})"
        return (name, "predicted" if one else f"predicted {name}", chance)[kind]

    # -- widths ---------------------------------------------------------------------------------
    def column_texts(self, column: int, cells: QFontMetrics) -> tuple[str, ...]:
        """Texts that bound the column's width: class names, a target column's own values (when few
        distinct), else the widest any number can be written in the font of ``cells``."""
        t, kind = divmod(column, 3)
        if self._mode != NUMBERS:
            if kind < 2:
                return self._names(t)
            digit = max("0123456789", key=cells.horizontalAdvance)
            return (PROBABILITY_SHAPE.replace("0", digit),)
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
