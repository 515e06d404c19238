"""An undo history without Qt: the document owns it, the window only shows it (menu labels, enabled state).

A command is any object with ``label``, ``redo()`` and ``undo()``; pushing one runs its ``redo()``, as
Qt's ``QUndoStack`` does. The *clean index* marks the point the user last saved, so "unchanged since
saved" is one comparison, and undoing back to it counts as unchanged.
"""
from __future__ import annotations

from typing import Callable, Protocol


class Command(Protocol):
    label: str

    def redo(self) -> None: ...

    def undo(self) -> None: ...


class UndoStack:
    def __init__(self):
        self._commands: list[Command] = []
        self._index = 0  # commands[:index] are done; the rest can be redone
        self._clean: int | None = 0  # None: the saved state was dropped from the history (never clean again)
        self._listeners: list[Callable[[], None]] = []

    def __repr__(self) -> str:
        return f"UndoStack({self._index} of {len(self._commands)} done, clean at {self._clean})"

    # -- reading --------------------------------------------------------------------------------
    @property
    def count(self) -> int:
        return len(self._commands)

    @property
    def index(self) -> int:
        """How many commands are done (the next undo undoes command ``index - 1``)."""
        return self._index

    @property
    def can_undo(self) -> bool:
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._commands)

    @property
    def undo_text(self) -> str:
        """The label of what Undo would undo ("" when nothing): a menu shows "Undo " + this."""
        return self._commands[self._index - 1].label if self.can_undo else ""

    @property
    def redo_text(self) -> str:
        return self._commands[self._index].label if self.can_redo else ""

    @property
    def clean_index(self) -> int | None:
        return self._clean

    @property
    def is_clean(self) -> bool:
        """True when the history stands where :meth:`set_clean` (or :meth:`clear`) last marked it."""
        return self._index == self._clean

    # -- changing -------------------------------------------------------------------------------
    def push(self, command: Command) -> None:
        """Run ``command.redo()`` and record it; the commands that could be redone are dropped.

        If ``redo()`` raises, nothing is recorded (the command must then have changed nothing).
        """
        command.redo()
        del self._commands[self._index:]
        if self._clean is not None and self._clean > self._index:
            self._clean = None  # the saved state could only be reached by a redo that is now gone
        self._commands.append(command)
        self._index += 1
        self._notify()

    def undo(self) -> None:
        if self.can_undo:
            self._commands[self._index - 1].undo()
            self._index -= 1
            self._notify()

    def redo(self) -> None:
        if self.can_redo:
            self._commands[self._index].redo()
            self._index += 1
            self._notify()

    def set_clean(self) -> None:
        """Mark the present state as the saved one."""
        self._clean = self._index
        self._notify()

    def clear(self) -> None:
        """Forget every command; the present state becomes the clean one (as after opening a file)."""
        self._commands.clear()
        self._index = 0
        self._clean = 0
        self._notify()

    # -- listening ------------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener()`` after every push, undo, redo, set_clean or clear; returns the unsubscriber."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()
