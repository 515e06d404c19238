"""A setting's number as a spin box that takes what is typed as written and never changes it silently.

A QDoubleSpinBox rounds to its decimals, clamps to its range and drops what it can't read ("1e6" becomes
16): a learner's typo turns into another setting without a word. This field reads the text on Enter or when
it is left (:class:`~nnplayground.app.number_entry.NumberEntry`: ``1e-3``, ``2.5E-4``, ``1,500``); a number
the core allows applies, anything else is refused and the text stays as typed, for the settings panel to
say why in the core's words beside the field. The setting in force stays the previous one until the text is
fixed, or Esc puts it back. The arrows, PgUp/PgDn and the wheel (in the field being edited only: over
another it scrolls the panel) step along the entry's ladder and never leave the core's range.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QStyle, QStyleOptionSpinBox

from ..app.number_entry import ENTRIES
from ..core import TrainingConfig


class NumberField(QAbstractSpinBox):
    valueChanged = Signal(object)  # the value in force changed: typed and accepted, stepped, or set
    refusalChanged = Signal()  # what is typed was refused, or no longer is (the value in force unchanged)

    def __init__(self, key: str, parent=None):
        super().__init__(parent)
        self.entry = ENTRIES[key]
        self._value = getattr(TrainingConfig(), key)
        self._suffix = ""
        self._shown = ""  # the text the field last put in its line edit (else: the user's typing)
        self._refused: str | None = None  # the core's words about the text typed, while it is refused
        self._show()
        self.setFocusPolicy(Qt.StrongFocus)  # not focused by the wheel: see wheelEvent
        self.editingFinished.connect(self.commit)  # Enter, or the field left
        self.lineEdit().returnPressed.connect(self.commit)  # Enter sent to the line edit itself

    # -- the value in force ---------------------------------------------------------------------------
    def value(self):
        return self._value

    def setValue(self, value) -> None:
        """Show ``value`` (the core's range: ValueError in its words outside it); what was typed and
        refused goes."""
        self._set(self.entry.limits.check(value))

    def setSuffix(self, suffix: str) -> None:
        typing = self.lineEdit().text() != self._shown
        self._suffix = suffix
        if not typing:
            self._show()
        self.updateGeometry()

    def suffix(self) -> str:
        return self._suffix

    # -- what is typed --------------------------------------------------------------------------------
    @property
    def refusal(self) -> str | None:
        """The core's words about the text typed, while it is refused (the previous value still in force)."""
        return self._refused

    def entered(self):
        """The setting as the field shows it, for the panel to build its config from: the value in force,
        or while the text is refused, what it says (for the core to refuse again, in the same words)."""
        if self._refused is None:
            return self._value
        return self.entry.read(self.lineEdit().text(), self._suffix)

    def validate(self, text: str, pos: int):
        return QValidator.Acceptable, text, pos  # anything may be typed; it is judged when it is committed

    def commit(self) -> None:
        """Judge the text typed, as Enter does: apply it, or refuse it (nothing happens if it is unchanged)."""
        text = self.lineEdit().text()
        if text == self._shown and self._refused is None:
            return
        try:
            value = self.entry.accept(text, self._suffix)
        except ValueError as exc:
            if str(exc) != self._refused:
                self._refused = str(exc)
                self.refusalChanged.emit()
            return
        self._set(value)

    def _set(self, value) -> None:
        was_refused = self._refused is not None
        changed = value != self._value
        self._value, self._refused = value, None
        self._show()
        self.update()  # the arrows' enabled state
        if changed:
            self.valueChanged.emit(value)
        elif was_refused:
            self.refusalChanged.emit()

    def _show(self) -> None:
        self._shown = self.entry.text(self._value, self._suffix)
        self.lineEdit().setText(self._shown)

    # -- keys and arrows ------------------------------------------------------------------------------
    def keyPressEvent(self, event):
        if event.key() == Qt.Key_Escape and (self._refused is not None or self.lineEdit().text() != self._shown):
            self._set(self._value)  # back to the setting in force
            self.selectAll()
            event.accept()
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event):
        if not self.hasFocus():  # the wheel over a field the learner is not in scrolls the panel, changes nothing
            event.ignore()
            return
        super().wheelEvent(event)

    def _base(self):
        """Where a step starts: the number typed, if the core allows it, else the value in force."""
        if self.lineEdit().text() != self._shown:
            try:
                return self.entry.accept(self.lineEdit().text(), self._suffix)
            except ValueError:
                pass
        return self._value

    def stepBy(self, steps: int) -> None:
        self._set(self.entry.step(self._base(), steps))
        self.selectAll()

    def stepEnabled(self):
        base = self._base()
        flags = QAbstractSpinBox.StepNone
        if base < self.entry.limits.high:
            flags |= QAbstractSpinBox.StepUpEnabled
        if base > self.entry.limits.low:
            flags |= QAbstractSpinBox.StepDownEnabled
        return flags

    # -- size -----------------------------------------------------------------------------------------
    def _hint(self, texts) -> QSize:
        width = max(self.fontMetrics().horizontalAdvance(t) for t in texts) + 4
        option = QStyleOptionSpinBox()
        self.initStyleOption(option)
        size = QSize(width, self.lineEdit().sizeHint().height())
        return self.style().sizeFromContents(QStyle.CT_SpinBox, option, size, self)

    def sizeHint(self) -> QSize:
        limits = self.entry.limits
        texts = [self.entry.text(v, self._suffix)[:18 + len(self._suffix)] for v in (limits.low, limits.high)]
        return self._hint([*texts, self._shown])

    def minimumSizeHint(self) -> QSize:
        return self._hint(["0.0001"])
