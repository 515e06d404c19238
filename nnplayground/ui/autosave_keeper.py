"""The window's side of autosaving: every few seconds while there are unsaved changes, a copy goes
to this window's own autosave file; a failure is said once and retried; at start, autosaves left
by windows that did not close normally are offered back.
"""
from __future__ import annotations

import os
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from ..app.autosave import AutosaveStore, Orphan
from ..core.session import save_session

AUTOSAVE_MS = 5000

_restored_windows: list = []  # windows opened for further orphans live as long as the app


class AutosaveKeeper:
    def __init__(self, window, data_dir=None):
        self.window = window
        self.store = AutosaveStore(data_dir)
        self.slot = self.store.open_slot()
        self._pending = False  # changes since the last autosave
        self.restore_offer: QMessageBox | None = None
        self.timer = QTimer(window)
        self.timer.timeout.connect(self.write)
        self.timer.start(AUTOSAVE_MS)
        if not self.store.enabled:
            QTimer.singleShot(0, lambda: window.notify(f"{self.store.reason[:1].upper()}{self.store.reason[1:]}."))
        else:
            self._adopt_old_autosave()

    @property
    def path(self):
        """This window's autosave file (None while the folder takes none)."""
        return self.slot.path

    def changed(self) -> None:
        self._pending = self.window.state.dirty

    def saved(self) -> None:
        self._pending = False

    def write(self) -> bool:
        """Autosave now if there is anything unsaved; True when a copy was written."""
        if not self._pending or not self.window.state.dirty:
            return False
        session = self.window.files.current_session()
        result = self.slot.write(lambda path: save_session(path, session, compress=False))
        if result.message:
            self.window.notify(result.message, error=not result.ok)
        if result.ok:
            self._pending = False
        return result.ok

    def close(self) -> None:
        self.timer.stop()
        self.slot.close()

    def _adopt_old_autosave(self) -> None:
        """Version 0.1 kept one shared autosave in Qt's app-data folder: a crash's leftover there becomes
        an orphan here (pid 0 is never a live window), so it is offered like any other."""
        old = self.store.folder.parent / "nnplayground" / "autosave.nnpsession"
        try:
            if old.is_file():
                n = 1
                while (self.store.folder / f"autosave-0-{n}.nnpsession").exists():  # never over another
                    n += 1
                os.replace(old, self.store.folder / f"autosave-0-{n}.nnpsession")
        except OSError:
            pass  # left where it was; nothing is lost

    # -- after a crash ----------------------------------------------------------------------------
    def orphans(self) -> list[Orphan]:
        return self.store.orphans()

    def offer_orphans(self) -> None:
        orphans = self.orphans()
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
                window = MainWindow(offer_restore=False, remember=False)
                _restored_windows.append(window)
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
