"""The window's side of autosaving: every few seconds while there are unsaved changes, a copy goes
to this window's own autosave file; a failure is said once and retried; at start, autosaves left
by windows that did not close normally are offered back.

The session is taken on the UI thread (an immutable value) and written on a thread of its own, one
write at a time: a large table's autosave (seconds for a million rows) must not freeze the window.
"""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from ..app.autosave import AutosaveStore, Orphan
from ..core.cpus import free_this_thread
from ..core.session import save_session

AUTOSAVE_MS = 5000

_restored_windows: list = []  # windows opened for further orphans: kept alive until they close


def _forget_window(key: int) -> None:
    _restored_windows[:] = [w for w in _restored_windows if id(w) != key]


class AutosaveKeeper(QObject):
    _written = Signal(object)  # an AutosaveResult, emitted on the writing thread, received on the window's

    def __init__(self, window, data_dir=None):
        super().__init__(window)
        self.window = window
        self.data_dir = data_dir
        self.store = AutosaveStore(data_dir)
        self.slot = self.store.open_slot()
        self._pending = False  # changes since the last autosave was taken
        self._writing: threading.Thread | None = None
        self._written.connect(self._on_written)
        self.restore_offer: QMessageBox | None = None
        self.timer = QTimer(window)
        self.timer.timeout.connect(self.write_in_background)
        self.timer.start(AUTOSAVE_MS)
        if not self.store.enabled:
            QTimer.singleShot(0, lambda: window.notify(f"{self.store.reason[:1].upper()}{self.store.reason[1:]}."))
        else:
            self.store.import_legacy()

    @property
    def path(self):
        """This window's autosave file (None while the folder takes none)."""
        return self.slot.path

    def changed(self) -> None:
        self._pending = self._pending or self.window.state.dirty

    def saved(self) -> None:
        self._pending = False

    def _take(self):
        """The session to write, or None when nothing is unsaved since the last autosave."""
        if not self._pending or not self.window.state.dirty:
            return None
        self._pending = False  # a change from now on asks for another autosave
        session = self.window.files.current_session()
        return lambda path: save_session(path, session, compress=False)

    def write_in_background(self) -> None:
        if self._writing is not None and self._writing.is_alive():
            return  # one at a time; the next tick tries again
        writer = self._take()
        if writer is None:
            return
        def write():
            free_this_thread()  # (started during a run, it would share the window's one core)
            self._written.emit(self.slot.write(writer))

        self._writing = threading.Thread(target=write, name="nnplayground-autosave", daemon=True)
        self._writing.start()

    def write(self) -> bool:
        """Autosave now, on this thread, if anything is unsaved; True when a copy was written."""
        self._wait()
        writer = self._take()
        if writer is None:
            return False
        result = self.slot.write(writer)
        self._on_written(result)
        return result.ok

    def _on_written(self, result) -> None:
        if result.message:
            self.window.notify(result.message, error=not result.ok)
        if not result.ok:
            self._pending = True  # keep trying

    def _wait(self) -> None:
        if self._writing is not None:
            self._writing.join()
            self._writing = None

    def close(self) -> None:
        self.timer.stop()
        self._wait()
        self.slot.close()

    # -- after a crash ----------------------------------------------------------------------------
    def offer_orphans(self) -> None:
        orphans = self.store.orphans()
        if not orphans:
            return
        newest = time.strftime("%Y-%m-%d %H:%M", time.localtime(orphans[0].modified))
        count = "an autosaved session" if len(orphans) == 1 else f"{len(orphans)} autosaved sessions"
        more = "" if len(orphans) == 1 else " The newest opens here, each other one in a window of its own."
        box = QMessageBox(QMessageBox.Question, "Restore unsaved work?",
                          f"nnplayground did not close normally and left {count} (newest: {newest}). "
                          f"Restore {'it' if len(orphans) == 1 else 'them'}?{more}",
                          QMessageBox.NoButton, self.window)
        restore = box.addButton("Restore", QMessageBox.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.DestructiveRole)
        box.addButton("Later", QMessageBox.RejectRole)
        box.finished.connect(lambda _: self._answer(box.clickedButton(), restore, discard, orphans))
        self.restore_offer = box
        box.open()

    def _answer(self, clicked, restore, discard, orphans) -> None:
        self.restore_offer = None
        if clicked is restore:
            self.restore_all(orphans)
        elif clicked is discard:
            for orphan in orphans:
                self.store.discard(orphan)

    def restore_all(self, orphans: list[Orphan]) -> int:
        """The first orphan into this window, each other into a new one; returns how many came back."""
        from .main_window import MainWindow

        restored = 0
        for i, orphan in enumerate(orphans):
            window = self.window
            if i:
                window = MainWindow(offer_restore=False, remember=False, data_dir=self.data_dir)
                window.setAttribute(Qt.WA_DeleteOnClose)  # closed, it goes (and leaves this list)
                _restored_windows.append(window)
                window.destroyed.connect(lambda *_, key=id(window): _forget_window(key))
                window.show()
            restored += window.autosave.restore(orphan)
        return restored

    def restore(self, orphan: Orphan) -> bool:
        path = self.slot.adopt(orphan)
        if path is None:
            return False  # another window took it first
        if not self.window.files.open_session(path, autosave=True):
            self.slot.release(orphan)
            return False
        self._pending = True
        self.write()  # this window's own file holds it now; the orphan goes
        self.window.notify("Restored the autosaved session: save it to keep it.")
        return True
