"""Everything the window reads or writes: sessions, tables, exports, recent files.

Every ``ask_*`` method only asks for a path; the method it calls does the work and is what tests
use. Writes go through the core's atomic writers (the old file stays whole on any failure); opening
checks the whole file, and builds the network it holds, before anything in the window changes.
"""
from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog

from ..app.reactions import table_problem
from ..app.session_file import restore_trainer, session_to_save
from ..app.suggestions import Example
from ..app.table_origin import TableOrigin
from ..app.validation import with_marks
from ..core import TableError, TrainingConfig, TrainingTable
from ..core.cpus import free_this_thread
from ..core.datasets import generate
from ..core.encoding import EncodingError
from ..core.presets import generator_preset, preset_for
from ..core.suggest import suggest
from ..core.session import SessionFileError, load_session, save_session
from ..core.fileio import SaveError, atomic_path, atomic_write_text
from ..core.session import SUFFIX as SESSION_SUFFIX
from ..core.table import LoadCancelled
from ..paths import EXAMPLES
from .app_state import (
    add_recent_file, generator_settings, last_directory, recent_files, remember_directory, remember_generator_settings,
)

PROGRESS_AFTER_MS = 400  # a table that loads faster than this shows no progress dialog


class FileActions:
    """Reads and writes for one window (``host``), through its public parts: ``document``, ``state``,
    ``controller``, ``history``, ``views``, ``settings``, ``status``, ``install``, ``notify``, ``warn``."""

    def __init__(self, host):
        self.host = host
        self.waiting_session = None  # an opened session whose table has a bad cell: restored once fixed
        self.adopting = False  # a whole new table is being put in place: not an edit for the window
        self.example: Example | None = None  # the shipped example the table was opened from, if it was
        self._shown_origin: TableOrigin | None = None  # what went with the table on show (see table_origin.py)
        self.restoring = False  # the settings of a table brought back by Undo or Redo are being put back

    # -- asking for paths -------------------------------------------------------------------------
    def _ask_save_path(self, title: str, name: str, filters: list[tuple[str, str]]) -> str | None:
        """A save dialog starting in the last folder; the chosen filter's suffix is added if missing."""
        start = str(Path(last_directory(Path.home())) / name)
        path, chosen = QFileDialog.getSaveFileName(self.host, title, start, ";;".join(
            f"{label} (*{suffix})" for label, suffix in filters))
        if not path:
            return None
        suffixes = [suffix for _, suffix in filters]
        if not any(path.lower().endswith(s) for s in suffixes):
            path += next((s for label, s in filters if chosen.startswith(label)), suffixes[0])
        remember_directory(path)
        return path

    def ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.host, "Open a session or a table", last_directory(EXAMPLES),
            f"Sessions and tables (*{SESSION_SUFFIX} *.csv *.tsv *.txt);;Sessions (*{SESSION_SUFFIX});;"
            "CSV tables (*.csv *.tsv *.txt);;All files (*)")
        if path:
            self.open_path(path)

    def ask_new_from_generator(self) -> bool:
        """The generator dialog, opened on the last choice; OK makes the new table (asking first about
        unsaved work, as opening a file does)."""
        from .generate_dialog import GenerateDialog

        dialog = GenerateDialog(self.host, **generator_settings())
        try:
            if dialog.exec() != GenerateDialog.Accepted:
                return False
            settings = dialog.settings()
        finally:
            dialog.deleteLater()
        remember_generator_settings(settings)
        return self.new_from_generator(**settings)

    def ask_save_as(self) -> bool:
        path = self._ask_save_path("Save session", f"untitled{SESSION_SUFFIX}", [("Sessions", SESSION_SUFFIX)])
        return self.save_session(path) if path else False

    def ask_save_table(self) -> None:
        path = self._ask_save_path("Save training table", "table.csv", [("CSV tables", ".csv")])
        if path:
            self.save_table(path)

    def ask_export_weights(self) -> None:
        path = self._ask_save_path("Export weights", "weights.npz", [
            ("NumPy weights", ".npz"), ("JSON weights", ".json"), ("ONNX model", ".onnx")])
        if path:
            self.export_weights(path)

    def ask_export_plot(self, which: str) -> None:
        if which in ("network", "surface"):  # shown while the name is chosen: what is saved is what is seen
            views = self.host.views
            views.tabs.setCurrentWidget(views.diagram if which == "network" else views.surface_view)
        path = self._ask_save_path("Export plot", f"{which}.png", [("PNG image", ".png"), ("SVG drawing", ".svg")])
        if path:
            self.export_plot(which, path)

    def ask_export_predictions(self) -> None:
        path = self._ask_save_path("Export predictions", "predictions.csv", [("CSV", ".csv")])
        if path:
            self.export_predictions(path)

    def confirm_discard(self) -> bool:
        """Before the session is replaced: True when nothing unsaved is lost (saved, or the user says so)."""
        if not self.host.state.dirty:
            return True
        answer = self.host.ask_save_changes()
        if answer == "discard" or (answer == "save" and self.save()):
            return True
        self.host.notify("Nothing opened: the current session stays as it is.")
        return False

    def _position(self) -> tuple | None:
        latest = self.host.controller.current
        return None if latest is None else (latest.generation, latest.snapshot.iteration, latest.snapshot.phase)

    # -- opening ----------------------------------------------------------------------------------
    def open_path(self, path) -> bool:
        """Open a session or a CSV table; False (and nothing changed) if it can't be opened or the user
        keeps the unsaved work. The file is read and checked first: only a file that opens asks
        whether to save the current work."""
        remember_directory(path)
        if str(path).lower().endswith(SESSION_SUFFIX):
            return self.open_session(path)
        return self.open_table(path)

    def open_session(self, path, autosave: bool = False) -> bool:
        """``autosave``: restoring a crash's work, not opening the user's file."""
        try:
            session = load_session(path)
            try:
                table = session.training_table()
            except TableError:
                table = None  # saved with a bad cell, as typed: the network waits until it is fixed
            trainer = restore_trainer(session, table) if table is not None else None
        except (SessionFileError, TableError, ValueError, MemoryError) as exc:
            self.host.warn("Can't open this session", _reason(exc, path))
            return False
        if not autosave and not self.confirm_discard():
            return False
        self.adopt_session(session, trainer, table, None if autosave else Path(path))
        self.waiting_session = session if trainer is None else None
        if not autosave:
            add_recent_file(path)
        if trainer is None:
            where = table_problem(self.host.document) or "its table cannot be trained on"
            self.host.notify(f"Opened {Path(path).name}: {where}. Fix it and the session's network comes back.",
                             error=True)
        else:
            self.host.notify(f"Opened {Path(path).name}: {session.iteration:,} iterations trained.")
        return True

    def table_fixed(self, table: TrainingTable) -> bool:
        """The table changed: if it now fits the session waiting for it, its network comes back."""
        session = self.waiting_session
        if session is None:
            return False
        self.waiting_session = None
        if (table.columns, table.roles) != (session.columns, session.roles):
            return False  # the columns changed: its weights no longer fit
        try:
            trainer = restore_trainer(session, table)
        except (ValueError, MemoryError) as exc:
            self.host.notify(f"The session's network cannot be restored: {exc}", error=True)
            return False
        self.host.install(trainer, session.config, table, health=session.health)
        self.host.notify("Table fixed: the session's network is back.")
        return True

    def open_table(self, path) -> bool:
        """Read a CSV table (on a background thread, with a progress dialog that can cancel)."""
        try:
            table = self._read_table(Path(path))
        except LoadCancelled:
            self.host.notify(f"Opening {Path(path).name} was cancelled; nothing changed.")
            return False
        except (TableError, MemoryError) as exc:
            self.host.warn("Can't open this table", _reason(exc, path))
            return False
        if not self.confirm_discard():
            return False
        self.waiting_session = None
        return self.adopt_table(table, Path(path))

    def new_from_generator(self, name: str, n_points: int, noise: float, seed: int) -> bool:
        """A generated table (:func:`~nnplayground.core.datasets.generate`) in place of the current one, with
        the generators' own settings (:func:`~nnplayground.core.presets.generator_preset`); undoable as an
        opened table is. False (and nothing changed) when the user keeps the unsaved work."""
        try:
            table, config = generate(name, n_points, noise, seed), generator_preset(name)
        except (ValueError, MemoryError) as exc:
            self.host.warn("Can't generate this table", str(exc))
            return False
        if not self.confirm_discard():
            return False
        self.waiting_session = None
        source = f"{name}, {n_points:,} points"
        example = Example(f"the {name} generator", config, table.columns)  # the card suggests its preset
        if not self.adopt_table(table, None, config=config, source=source, example=example):
            return False
        units = " + ".join(map(str, config.hidden))
        self.host.notify(f"New table from the {name} generator ({n_points:,} points, noise {noise:g}, seed {seed}), "
                         f"with {units} {config.activation} units and {config.optimizer} (η {config.learning_rate:g}): "
                         "Run (F5) to train it. Ctrl+Z brings the old table back.")
        return True

    def _read_table(self, path: Path) -> TrainingTable:
        """TrainingTable.from_csv on a thread while this one keeps painting a cancellable progress dialog."""
        result: dict = {}
        cancel = threading.Event()
        fraction = [0.0]

        def progress(f):
            fraction[0] = f
            return not cancel.is_set()

        def read():
            free_this_thread()  # (started during a run, it would share the window's one core)
            try:
                result["table"] = TrainingTable.from_csv(path, progress=progress)
            except BaseException as exc:  # handed to the UI thread, raised there
                result["error"] = exc

        thread = threading.Thread(target=read, name="nnplayground-open", daemon=True)
        thread.start()
        dialog_at = time.monotonic() + PROGRESS_AFTER_MS / 1000
        while thread.is_alive() and time.monotonic() < dialog_at:  # the window paints on; input waits for it
            QCoreApplication.processEvents(QEventLoop.ExcludeUserInputEvents, 10)
            thread.join(0.005)
        if thread.is_alive():
            dialog = QProgressDialog(f"Reading {path.name}…", "Cancel", 0, 1000, self.host)
            dialog.setWindowTitle("Opening a table")
            dialog.setWindowModality(Qt.WindowModal)
            dialog.show()
            QApplication.setOverrideCursor(Qt.WaitCursor)
            try:
                while thread.is_alive():
                    if dialog.wasCanceled():  # the button, Esc, or closing the dialog
                        cancel.set()
                    dialog.setValue(int(1000 * fraction[0]))
                    QCoreApplication.processEvents(QEventLoop.AllEvents, 50)
                    thread.join(0.03)
            finally:
                QApplication.restoreOverrideCursor()
                dialog.close()
        if "error" in result:
            raise result["error"]
        if cancel.is_set():  # cancelled after the last look the reader took
            raise LoadCancelled(f"opening {path.name} was cancelled")
        return result["table"]

    # -- a new table or session -------------------------------------------------------------------
    def adopt_table(self, table: TrainingTable, path: Path | None, undoable: bool = True,
                    config: TrainingConfig | None = None, source: str | None = None,
                    example: Example | None = None) -> bool:
        """A new problem: the table replaces the old one and a network starts afresh (with the table's
        own preset when it is a shipped example, or with ``config``). ``source``: what the title names
        the table by until it is saved (the file's name by default); ``example``: what the suggestion
        card suggests while the table is still that (a shipped example's preset by default)."""
        h = self.host
        # a shipped example brings its own settings; any other file those suggested for it, as the CLI;
        # a table handed over by a script (no file) keeps the settings as they are, if they can train it
        if config is None:
            config = (preset_for(path) or suggest(table).config) if path is not None else h.state.settings
        try:
            try:
                marked = with_marks(table, config)  # a validation share: its rows marked in the table
                trainer = config.make_trainer(marked)
            except EncodingError:
                if path is not None:
                    raise
                config, marked = suggest(table).config, table
                trainer = config.make_trainer(table)
        except (ValueError, MemoryError) as exc:
            h.warn("Can't train on this table", str(exc))
            return False
        table = marked
        self._leave_origin()
        origin = TableOrigin(example or Example.of(path, table),
                             source if source is not None else path.name if path is not None and undoable else None,
                             config)
        self.adopting = True
        try:
            h.document.load(table, about=origin)
            if not undoable:
                h.document.undo.clear()
        finally:
            self.adopting = False
        self.example = origin.example
        h.install(trainer, config, table)
        h.state.mark_saved(None, None)
        h.state.source = origin.source
        h.refresh_title()
        self._shown_origin = origin
        if path is not None and undoable:
            inputs = table.input_columns
            named = f"inputs {', '.join(inputs)}" if len(inputs) <= 6 else f"{len(inputs)} inputs"
            h.notify(f"Opened {path.name}: {table.n_rows:,} rows, {named}, "
                        f"target {', '.join(table.target_columns)}.")
        return True

    def _leave_origin(self) -> None:
        """The table on show is being left: what goes with it is as it stands now (Redo brings it back)."""
        origin, h = self._shown_origin, self.host
        if origin is not None:
            origin.example, origin.source, origin.settings = self.example, h.state.source, h.state.settings

    def history_moved(self) -> bool:
        """Undo or Redo may have brought back a table that was replaced whole (opened, generated): its
        example, title and settings come back with it, before the window reacts to the table. True if so."""
        h = self.host
        origin = h.document.about
        if origin is self._shown_origin:
            return False
        self._leave_origin()
        self._shown_origin = origin
        if origin is None:
            return False
        self.example, h.state.source = origin.example, origin.source
        if origin.settings != h.state.settings:
            self.restoring = True  # the table's own validation marks came back with it: not drawn anew
            try:
                h.settings.apply(origin.settings)
            finally:
                self.restoring = False
        h.refresh_title()
        return True

    def adopt_session(self, session, trainer, table: TrainingTable | None, path: Path | None) -> None:
        """An opened session, already checked and its network built (None while a bad cell waits)."""
        h = self.host
        # the card goes on proposing the example's (or the generator's) own settings, as before saving
        self.example = None if session.example is None else Example(*session.example)
        self.adopting = True
        try:
            h.document.load_cells(session.columns, session.roles, session.cells, kinds=session.column_kinds,
                                  validation=session.validation)
            h.document.undo.clear()
        finally:
            self.adopting = False
        self._shown_origin = None
        if trainer is not None:
            h.install(trainer, session.config, table, health=session.health)
        else:  # its network waits for the bad cell: the old network must not stay, shown or trained
            h.forget_network(session.config)
        if session.settings is not None:
            h.state.change_settings(session.settings, untouched=False)
        h.settings.set_config(h.state.settings)
        h.status.set_pending(h.state.pending.describe())
        h.state.mark_saved(path, None)
        h.state.source = session.source if path is None else None  # a restored autosave: its unsaved table's name
        if path is None:
            h.state.mark_changed()  # a restored autosave is not saved anywhere yet
        h.refresh_title()

    # -- saving -----------------------------------------------------------------------------------
    def save(self) -> bool:
        path = self.host.state.path
        return self.save_session(path) if path is not None else self.ask_save_as()

    def current_session(self):
        h = self.host
        waiting = self.waiting_session
        if waiting is not None:  # its network waits for a bad cell to be fixed: keep it, if it still fits
            fits = (tuple(h.document.header), tuple(h.document.roles)) == (waiting.columns, waiting.roles)
            settings = None if h.state.settings == waiting.config else h.state.settings
            return replace(waiting, cells=h.document.cells(), settings=settings, **({} if fits else dict(
                columns=tuple(h.document.header), roles=tuple(h.document.roles), weights=(), biases=(),
                history=waiting.history[:0], metrics=None)))
        latest = h.controller.current
        metrics = latest.metrics.to_dict() if latest is not None and latest.metrics is not None else None
        health = latest.health.samples if latest is not None and latest.health is not None else None
        return session_to_save(h.state, h.document.header, h.document.roles, h.document.cells(),
                               latest.snapshot if latest else None, h.history, kinds=h.document.kinds,
                               encoding=h.state.network_encoding,
                               validation=tuple(np.flatnonzero(h.document.validation).tolist()) or None,
                               metrics=metrics, health=health,
                               example=None if self.example is None else (self.example.name, self.example.preset,
                                                                          self.example.columns))

    def save_session(self, path) -> bool:
        h = self.host
        session = self.current_session()
        try:
            save_session(path, session)
        except (SaveError, OSError, ValueError) as exc:
            h.warn("Can't save the session", _reason(exc, path))
            return False
        h.state.mark_saved(Path(path), self._position())
        h.session_saved()
        remember_directory(path)
        add_recent_file(path)
        note = "" if session.weights or not h.controller.has_network else \
            " (without weights: the table no longer fits the network until Reset)"
        h.notify(f"Session saved to {path}{note}")
        return True

    def save_table(self, path) -> bool:
        try:
            atomic_write_text(path, self.host.document.to_csv_text())
        except (SaveError, OSError) as exc:
            self.host.warn("Can't save the table", _reason(exc, path))
            return False
        self.host.notify(f"Table saved to {path}")
        return True

    def export_weights(self, path) -> None:
        """Written by the worker (it owns the network); it answers with exported or failed."""
        self.host.controller.export(str(path))

    def export_plot(self, which: str, path) -> bool:
        """A view as PNG or SVG: "loss", "heatmaps", "network" or "surface"."""
        from pyqtgraph.exporters import ImageExporter, SVGExporter

        self.host.controller.pacer.flush()
        names = {"loss": "Loss plot", "heatmaps": "Heatmaps", "network": "Network diagram", "surface": "Surface"}
        if which in ("network", "surface"):
            try:
                self.host.views.export_view(which, path)
            except (SaveError, OSError, ValueError, RuntimeError) as exc:
                self.host.warn("Can't export the picture", _reason(exc, path))
                return False
            self.host.notify(f"{names[which]} saved to {path}")
            return True
        item = self.host.views.export_item(which)
        try:
            with atomic_path(path) as tmp:
                if str(path).lower().endswith(".svg"):
                    SVGExporter(item).export(str(tmp))
                else:
                    exporter = ImageExporter(item)
                    exporter.parameters()["width"] = max(1200, int(item.boundingRect().width()))
                    if exporter.export(str(tmp)) is False or not Path(tmp).exists():
                        raise SaveError(f"cannot save {Path(path).name}: the picture could not be written")
        except (SaveError, OSError, ValueError, RuntimeError) as exc:
            self.host.warn("Can't export the plot", _reason(exc, path))
            return False
        self.host.notify(f"{names[which]} saved to {path}")
        return True

    def export_predictions(self, path) -> bool:
        latest = self.host.controller.current
        if latest is None or latest.snapshot.predictions is None:
            self.host.notify("No predictions yet: step a feedforward first.", error=True)
            return False
        try:
            atomic_write_text(path, latest.table.predictions_csv_text(latest.snapshot.predictions,
                                                                      self.host.state.network_encoding))
        except (SaveError, OSError, ValueError) as exc:
            self.host.warn("Can't export the predictions", _reason(exc, path))
            return False
        self.host.notify(f"Predictions saved to {path}")
        return True

    # -- recent files -----------------------------------------------------------------------------
    def fill_recent_menu(self, menu) -> None:
        menu.clear()
        files = recent_files()
        for f in files:
            menu.addAction(Path(f).name).triggered.connect(lambda _=False, p=f: self.open_path(p))
        if not files:
            menu.addAction("(none yet)").setEnabled(False)


def _reason(exc: BaseException, path) -> str:
    """The error's own message when it names the file (the core's do), else the file and the cause."""
    if isinstance(exc, MemoryError):
        return f"{Path(path).name}: not enough memory to open it"
    text = str(exc)
    if isinstance(exc, OSError) and not isinstance(exc, SaveError) and exc.strerror:
        text = exc.strerror
    return text if Path(path).name in text else f"{Path(path).name}: {text}"
