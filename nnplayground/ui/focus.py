"""Leaving a table by keyboard. In the training table Tab moves from cell to cell, as in a spreadsheet,
and wraps round at the end: Ctrl+Tab and Ctrl+Shift+Tab move the focus on to the next or previous part of
the window instead, so the settings, the card and the tabs stay reachable without a mouse."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget


def move_focus(widget: QWidget, forward: bool) -> None:
    """Give the focus to the next (or previous) widget in the window's tab order outside ``widget``."""
    w = widget
    for _ in range(1000):  # the focus chain is a ring
        w = w.nextInFocusChain() if forward else w.previousInFocusChain()
        if w is widget:
            return
        if (w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.TabFocus and w is not widget
                and not widget.isAncestorOf(w)):
            w.setFocus(Qt.TabFocusReason if forward else Qt.BacktabFocusReason)
            return


class LeaveByCtrlTab(QObject):
    """An event filter for a view that keeps Tab for itself (and for its cell editors, see
    :meth:`watch_editor`): Ctrl+Tab / Ctrl+Shift+Tab leave the view."""

    def __init__(self, view: QWidget, parent=None):
        super().__init__(parent)
        self.view = view

    def watch_editor(self, _old, new) -> None:
        """(QApplication.focusChanged) A cell editor of the view got the focus: its keys are watched too."""
        if new is not None and new is not self.view and self.view.isAncestorOf(new):
            new.removeEventFilter(self)
            new.installEventFilter(self)  # last installed, first asked: before the delegate's own filter

    def eventFilter(self, watched, event):
        if event.type() in (QEvent.KeyPress, QEvent.ShortcutOverride) and event.key() in (Qt.Key_Tab, Qt.Key_Backtab) \
                and event.modifiers() & Qt.ControlModifier:
            if event.type() == QEvent.KeyPress:
                move_focus(self.view, forward=event.key() == Qt.Key_Tab
                           and not event.modifiers() & Qt.ShiftModifier)
            event.accept()
            return True
        return False
