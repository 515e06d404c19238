"""The window's files: sessions, autosave and preferences, tables, and every export.

A mixin of :class:`MainWindow`, kept apart so the window's own file reads as what it shows. Every
``ask_*`` method only asks for a path; the method it calls does the work and is what tests use.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from ..core import PHASES, TableError, TrainingTable
from ..core.session import SUFFIX as SESSION_SUFFIX
from ..core.session import Session, SessionFileError, load_session, save_session
from ..paths import EXAMPLES
from .app_state import (
    add_recent_file, app_settings, autosave_path, last_directory, recent_files, remember_directory,
)

APP_NAME = "nnplayground"


class WindowFiles:
    def _ask_save_path(self, title: str, name: str, filters: list[tuple[str, str]]) -> str | None:
        """A save dialog starting in the last folder; the chosen filter's suffix is added if missing."""
        start = str(Path(last_directory(Path.home())) / name)
        path, chosen = QFileDialog.getSaveFileName(self, title, start, ";;".join(f"{label} (*{suffix})"
                                                                             for label, suffix in filters))
        if not path:
            return None
        suffixes = [suffix for _, suffix in filters]
        if not any(path.lower().endswith(s) for s in suffixes):
            path += next((s for label, s in filters if chosen.startswith(label)), suffixes[0])
        remember_directory(path)
        return path

    def ask_open(self):
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a session or a table", last_directory(EXAMPLES),
            f"Sessions and tables (*{SESSION_SUFFIX} *.csv *.tsv *.txt);;Sessions (*{SESSION_SUFFIX});;"
            "CSV tables (*.csv *.tsv *.txt);;All files (*)")
        if path:
            self.open_path(path)

    def open_path(self, path) -> bool:
        remember_directory(path)
        if str(path).lower().endswith(SESSION_SUFFIX):
            return self.open_session(path)
        return self.open_table(path)

    def current_session(self) -> Session | None:
        """The table as typed, the settings and the network as trained, ready to save."""
        if self.last_update is None:
            return None
        snap = self.last_update.snapshot
        # the network's settings, with the learning rate and iteration count as they are now
        config = replace(self.last_update.config, learning_rate=self.settings.learning_rate.value(),
                         iterations=self.settings.iterations.value())
        fits = not self._pending  # the weights fit the table and settings; else they wait for Reset
        return Session(
            tuple(self.table_model.header), tuple(self.table_model.roles), self.table_model.cells(), config,
            tuple(snap.weights) if fits else (), tuple(snap.biases) if fits else (),
            self.loss_plot.values if fits else self.loss_plot.values[:0])

    def save(self) -> bool:
        if self.session_path is None:
            return self.ask_save_as()
        return self.save_session(self.session_path)

    def ask_save_as(self) -> bool:
        path = self._ask_save_path("Save session", f"untitled{SESSION_SUFFIX}", [("Sessions", SESSION_SUFFIX)])
        return self.save_session(path) if path else False

    def save_session(self, path) -> bool:
        session = self.current_session()
        if session is None:
            return False
        try:
            save_session(path, session)
        except (OSError, ValueError) as exc:
            self._warn("Can't save the session", f"{path}: {getattr(exc, 'strerror', None) or exc}")
            return False
        self.session_path = Path(path)
        remember_directory(path)
        add_recent_file(path)
        self._set_clean()
        note = "" if session.weights else " (without weights: the network waits for Reset)"
        self.notify(f"Session saved to {path}{note}")
        return True

    def open_session(self, path) -> bool:
        try:
            session = load_session(path)
        except SessionFileError as exc:
            self._warn("Can't open this session", str(exc))
            return False
        self.table_model.tableChanged.disconnect(self._on_table_changed)
        try:
            self.table_model.load_cells(session.columns, session.roles, session.cells)
            self.table_model.undo_stack.clear()
        finally:
            self.table_model.tableChanged.connect(self._on_table_changed)
        self.settings.set_config(session.config)
        self.session_path = Path(path)
        add_recent_file(path)
        if not session.weights:
            self.reset()
        else:
            table = self._training_table()
            if table is None:  # saved with a bad cell, as typed: the network waits until it is fixed
                self._waiting_session = session
                self._set_clean(mark=(session.iteration, PHASES[0]))
                self.notify(self.notice.text() + " Fix it and the session's network comes back.", error=True)
                return True
            self._restore_session(session, table)
        self._set_clean(mark=(session.iteration, PHASES[0]))
        self.notify(f"Opened {Path(path).name}: {session.iteration:,} iterations trained.")
        return True

    def _restore_session(self, session: Session, table: TrainingTable) -> None:
        self._restore_requested.emit(session.config, table, session, self._new_network(session.config))

    def _set_clean(self, mark=None):
        snap = self.last_update.snapshot if self.last_update else None
        self._clean_mark = mark or ((snap.iteration, snap.phase) if snap else None)
        self._dirty = False
        self._autosaved = True
        self._update_title()

    def _mark_dirty(self):
        self._autosaved = False
        if not self._dirty:
            self._dirty = True
            self._update_title()

    @property
    def dirty(self) -> bool:
        return self._dirty

    def _update_title(self):
        name = self.session_path.name if self.session_path else "untitled"
        self.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.setWindowModified(self._dirty)

    def _fill_recent_menu(self):
        self.recent_menu.clear()
        files = recent_files()
        for f in files:
            self.recent_menu.addAction(Path(f).name).triggered.connect(lambda _=False, p=f: self.open_path(p))
        if not files:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def autosave(self) -> bool:
        """Keep a copy of unsaved work where a crash cannot take it."""
        if not self._dirty or self._autosaved:
            return False
        session = self.current_session()
        if session is None:
            return False
        try:
            save_session(autosave_path(), session, compress=False)
        except (OSError, ValueError):
            return False  # an autosave that fails must not interrupt; the next one tries again
        self._autosaved = True
        return True

    def _offer_restore(self):
        box = QMessageBox(QMessageBox.Question, "Restore unsaved work?",
                          "nnplayground did not close normally last time. Restore the work it autosaved?",
                          QMessageBox.NoButton, self)
        restore = box.addButton("Restore", QMessageBox.AcceptRole)
        box.addButton("Discard", QMessageBox.RejectRole)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.finished.connect(lambda _: self.restore_autosave() if box.clickedButton() is restore
                             else self.discard_autosave())
        self.restore_offer = box
        box.open()

    def restore_autosave(self) -> bool:
        path = autosave_path()
        ok = path.exists() and self.open_session(path)
        if ok:
            self.session_path = None  # the autosave is not the user's file
            self._mark_dirty()
            self._update_title()
            self.notify("Restored the autosaved session: save it to keep it.")
        return ok

    def discard_autosave(self):
        autosave_path().unlink(missing_ok=True)

    def _restore_preferences(self):
        s = app_settings()
        if s.value("geometry") is not None:
            self.restoreGeometry(s.value("geometry"))
        if s.value("windowState") is not None:
            self.restoreState(s.value("windowState"))
            if self.inspector_dock.width() < 300:  # a layout saved on a much smaller screen
                self.resizeDocks([self.inspector_dock], [430], Qt.Horizontal)
        self.log_action.setChecked(s.value("logScale", False, type=bool))

    def _save_preferences(self):
        if not self._remember:
            return
        s = app_settings()
        s.setValue("geometry", self.saveGeometry())
        s.setValue("windowState", self.saveState())
        s.setValue("logScale", self.log_action.isChecked())

    def open_table(self, path) -> bool:
        QApplication.setOverrideCursor(Qt.WaitCursor)  # a large file takes a few seconds to read
        try:
            try:
                table = TrainingTable.from_csv(path)
            except TableError as exc:
                self._warn("Can't open this table", str(exc))
                return False
            self.load_table(table)
        finally:
            QApplication.restoreOverrideCursor()
        inputs = table.input_columns
        named = ", ".join(inputs) if len(inputs) <= 6 else f"{len(inputs)} inputs"
        self.notify(f"Opened {Path(path).name}: {table.n_rows:,} rows, inputs {named}, "
                    f"target {', '.join(table.target_columns)}. Network re-initialised.")
        return True

    def load_table(self, table: TrainingTable, undoable: bool = True):
        """A new problem: the table replaces the old one (undoably) and the network starts afresh."""
        self.table_model.tableChanged.disconnect(self._on_table_changed)
        try:
            self.table_model.load(table)
            if not undoable:
                self.table_model.undo_stack.clear()
        finally:
            self.table_model.tableChanged.connect(self._on_table_changed)
        self.reset()

    def ask_save_table(self):
        path = self._ask_save_path("Save training table", "table.csv", [("CSV tables", ".csv")])
        if path:
            self.save_table(path)

    def save_table(self, path) -> bool:
        try:
            Path(path).write_text(self.table_model.to_csv_text(), encoding="utf-8")
        except OSError as exc:
            self._warn("Can't save the table", f"{path}: {exc.strerror or exc}")
            return False
        self.notify(f"Table saved to {path}")
        return True

    def ask_export(self):
        path = self._ask_save_path("Export weights", "weights.npz", [
            ("NumPy weights", ".npz"), ("JSON weights", ".json"), ("ONNX model", ".onnx")])
        if path:
            self.export_weights(path)

    def ask_export_plot(self, which: str):
        path = self._ask_save_path("Export plot", f"{which}.png", [("PNG image", ".png"), ("SVG drawing", ".svg")])
        if path:
            self.export_plot(which, path)

    def export_plot(self, which: str, path) -> bool:
        """The loss plot or the heatmaps as PNG or SVG, with pyqtgraph's exporters."""
        from pyqtgraph.exporters import ImageExporter, SVGExporter

        if which == "heatmaps" and self.last_update is not None:  # bring it up to date even if hidden
            self._show_heatmaps(self.last_update)
        item = self.loss_plot.getPlotItem() if which == "loss" else self.heatmaps.ci
        path = str(path)
        try:
            if path.lower().endswith(".svg"):
                SVGExporter(item).export(path)
            else:
                exporter = ImageExporter(item)
                exporter.parameters()["width"] = max(1200, int(item.boundingRect().width()))
                exporter.export(path)
        except (OSError, ValueError, RuntimeError) as exc:
            self._warn("Can't export the plot", f"{path}: {exc}")
            return False
        if not Path(path).exists():
            self._warn("Can't export the plot", f"{path} could not be written")
            return False
        self.notify(f"{'Loss plot' if which == 'loss' else 'Heatmaps'} saved to {path}")
        return True

    def ask_export_predictions(self):
        path = self._ask_save_path("Export predictions", "predictions.csv", [("CSV", ".csv")])
        if path:
            self.export_predictions(path)

    def export_predictions(self, path) -> bool:
        snap = self.last_update.snapshot if self.last_update else None
        if snap is None or snap.predictions is None:
            self.notify("No predictions yet: step a feedforward first.", error=True)
            return False
        try:
            Path(path).write_text(self.last_update.table.predictions_csv_text(snap.predictions), encoding="utf-8")
        except (OSError, ValueError) as exc:
            self._warn("Can't export the predictions", f"{path}: {getattr(exc, 'strerror', None) or exc}")
            return False
        self.notify(f"Predictions saved to {path}")
        return True

    def export_weights(self, path) -> None:
        self._export_requested.emit(str(path))

    def ask_save_changes(self) -> str:
        """'save', 'discard' or 'cancel' (tests replace this to answer without a dialog)."""
        answer = QMessageBox.question(
            self, "Unsaved changes", "Save the session before closing?",
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(answer, "cancel")
