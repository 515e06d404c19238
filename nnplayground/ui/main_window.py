"""The main window: builds the parts and wires them; it holds no state of its own.

State has one owner each: the table document (cells as typed, undo), the session state (file,
unsaved changes, settings, what waits for Reset), the loss history, and the controller (the
engine's latest answer). Widgets show them and forward what the user asks for.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMainWindow, QMessageBox

from ..app.drawing import Drawing
from ..app.loss_history import LossHistory
from ..app.network_view import network_view
from ..app.reactions import TableReaction, columns_fit, table_edited, table_problem, training_table
from ..app.session_state import Pending, SessionState, SettingsAction
from ..app.suggestions import tried
from ..app.table_document import TableDocument
from ..app.validation import drawn_marks, drawn_text, engine_table, marks_label
from ..core import TrainingConfig, TrainingTable
from ..core.encoding import EncodingError
from ..paths import DEFAULT_TABLE, RESOURCES
from .actions import build_actions, show_running
from .app_state import restore_window_layout, save_window_layout
from .autosave_keeper import AutosaveKeeper
from .controller import TrainingController
from .file_actions import FileActions
from .health_view import try_text
from .inspector import InspectorPanel
from .settings_panel import SettingsPanel, setting_at_fault
from .status_line import StatusLine, phase_strip_text
from .suggestion_card import SuggestionCard
from .table_editor import TableEditor
from .table_model import TableModel
from .views_panel import MIN_DOCK, TrainingViews, lay_out, settings_area, share_width
from .worker import Update, ViewRequest

APP_NAME = "nnplayground"
GREETING = "Ready: the tutorial's table and network. Step a phase (F11) or an iteration (F10), or Run (F5)."
APPLY_HINT = "Apply suggested settings (Ctrl+Shift+A, the card above the settings) gives ones that fit this table."


REFUSED_SETTINGS = "Can't train with the settings as shown: "


class MainWindow(QMainWindow):
    def __init__(self, offer_restore: bool = True, remember: bool = True, data_dir: str | Path | None = None):
        """``remember``: keep window layout and preferences between runs (off for scripted runs, which
        must not change a user's settings); ``offer_restore``: offer autosaves left by a crash;
        ``data_dir``: where autosaves go (default: the platform's app-data folder)."""
        super().__init__()
        self._remember = remember
        self.setWindowIcon(QIcon(str(RESOURCES / "icons" / "nnplayground.svg")))
        self.resize(1500, 920)
        self.history = LossHistory()
        self.document = TableDocument()
        self.state = SessionState()
        self.controller = TrainingController(self.history, self)
        self.files = FileActions(self)
        self.warning: QMessageBox | None = None  # the problem dialog on screen, if any
        self._marking = False  # Reset is marking the validation rows of the network it builds

        self.table_model = TableModel(self.document, self)
        self.table_editor = TableEditor(self.table_model)
        self.table_editor.set_network_source(lambda: network_view(self.state, self.document))
        self.settings = SettingsPanel()
        self.suggestion_card = SuggestionCard()
        self.settings_area = settings_area(self.suggestion_card, self.settings)
        self.views = TrainingViews(self.history)
        self.tabs, self.loss_plot, self.heatmaps = self.views.tabs, self.views.loss_plot, self.views.heatmaps
        self.diagram, self.surface_view = self.views.diagram, self.views.surface_view
        self.predictions_model = self.views.predictions_model
        self.inspector = InspectorPanel()
        self.inspector_dock = lay_out(self, self.table_editor, self.settings_area, self.views, self.inspector)
        self.status = StatusLine(self.statusBar())
        self.notice, self.pending_label, self.rate_label = (self.status.notice, self.status.pending_label,
                                                            self.status.rate_label)
        build_actions(self)
        self._wire()

        self.autosave = AutosaveKeeper(self, data_dir)
        self.files.adopt_table(TrainingTable.from_csv(DEFAULT_TABLE), DEFAULT_TABLE, undoable=False)
        self.notify(GREETING)
        self._restored = remember and restore_window_layout(self)
        self._sized = False  # the panes get their shares of the width when first shown
        if offer_restore:
            self.autosave.offer_orphans()

    def _wire(self) -> None:
        c = self.controller
        c.shown.connect(self._on_shown)
        c.received.connect(self._on_received)
        c.failed.connect(self._on_failed)
        c.runningChanged.connect(self._on_running_changed)
        c.exported.connect(lambda path: self.notify(f"Weights saved to {path}"))
        c.exportFailed.connect(lambda why: self.warn("Can't export the weights", why))
        c.explained.connect(self._on_explained)
        self.table_model.tableChanged.connect(self._on_table_changed)
        self.settings.configChanged.connect(self._on_config_changed)
        self.settings.invalid.connect(lambda why: self.notify(f"Settings: {why}", error=True))
        self.settings.configChanged.connect(self.suggestion_card.set_current)
        self.settings.configShown.connect(self.suggestion_card.set_current)
        self.suggestion_card.applyRequested.connect(self.settings.apply)  # the same path as an edit
        self.views.health_view.trySettings.connect(self.try_settings)  # a health note's fix, likewise
        self.suggestion_card.adviceShown.connect(self._on_advice)
        self.table_editor.message.connect(self.notify)
        self.views.clicked.connect(self.explain)
        self.views.viewChanged.connect(self._send_view)
        self.surface_view.set_drawing(Drawing(self.document, lambda: (self.state.network_config or
                                                                     self.state.settings).problem))
        self.surface_view.drawMessage.connect(lambda text: self.notify(text, error=True))
        self.inspector.weightClicked.connect(self.explain)
        self.table_editor.view.selectionModel().currentRowChanged.connect(lambda *_: self._send_view())

    # -- public API (menus, tests, scripts) -------------------------------------------------------
    @property
    def last_update(self) -> Update | None:
        """The state on screen."""
        return self.controller.last_shown

    @property
    def running(self) -> bool:
        return self.controller.running

    @property
    def session_path(self) -> Path | None:
        return self.state.path

    def open_path(self, path) -> bool:
        return self.files.open_path(path)

    def open_table(self, path) -> bool:
        return self.files.open_table(path)

    def save_session(self, path) -> bool:
        return self.files.save_session(path)

    def notify(self, text: str, error: bool = False, pause_reason: bool = False) -> None:
        self.status.notify(text, error, pause_reason=pause_reason)

    def warn(self, title: str, text: str) -> None:
        """A problem the user must see: in the status bar and in one dialog (a newer one replaces it)."""
        self.notify(f"{title}: {text}", error=True)
        if self.warning is not None:
            self.warning.close()
        self.warning = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, self)
        self.warning.setAttribute(Qt.WA_DeleteOnClose)
        self.warning.destroyed.connect(lambda *_: setattr(self, "warning", None))
        self.warning.open()  # not exec(): the window (and the worker's updates) keep going

    def ask_save_changes(self) -> str:
        """'save', 'discard' or 'cancel' (tests replace this to answer without a dialog)."""
        answer = QMessageBox.question(
            self, "Unsaved changes", "Save the session first? Otherwise the unsaved work is lost.",
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(answer, "cancel")

    # -- training ---------------------------------------------------------------------------------
    def training_table(self) -> TrainingTable | None:
        """The table as the core sees it, or None with the reason shown."""
        table, problem = training_table(self.document)
        if problem is not None:
            self.notify(f"Can't train: {problem}", error=True)
        return table

    def _can_train(self) -> bool:
        self.settings.commit_typing()  # F5 pressed while typing a number: the number typed counts
        problem = table_problem(self.document)
        if problem is not None:
            self.notify(f"Can't train: {problem}", error=True)
            return False
        if not self.controller.has_network:
            self.notify("No network yet: press Reset (Ctrl+R) to build one for this table.", error=True)
            return False
        if self.settings.fault is not None:  # the network would train with other settings than those shown
            self.notify(f"{REFUSED_SETTINGS}{self.settings.message.text()}", error=True)
            return False
        if Pending.TABLE in self.state.pending:
            self.notify("The table's columns no longer fit the network: press Reset (Ctrl+R) first.", error=True)
            return False
        return True

    def step_phase(self) -> None:
        if not self.controller.running and self._can_train():
            self.status.clear_notice()
            self.controller.step("phase")

    def step_iteration(self) -> None:
        if not self.controller.running and self._can_train():
            self.status.clear_notice()
            self.controller.step("iteration")

    def toggle_run(self) -> None:
        if self.controller.running:
            self.controller.pause()
            return
        if not self._can_train():
            return
        target = self.state.settings.iterations
        latest = self.controller.current
        if latest is not None and latest.snapshot.iteration >= target:
            self.notify(f"Already at {target:,} iterations: raise Iterations or press Reset.", error=True)
            return
        self.loss_plot.set_extent(target)
        self.status.clear_notice()
        self.controller.run()

    def reset(self) -> bool:
        self.settings.commit_typing()
        table = self.training_table()
        if table is None:
            return False
        try:
            self.settings.config()  # the fields as shown must make settings (else: say why, build nothing)
            config = self.state.settings
            if config.validation and table.validation is None:  # a share and no marks yet: the table shows them
                self._marking = True
                try:
                    self.draw_validation(config)
                finally:
                    self._marking = False
                table = self.training_table() or table
            trainer = config.make_trainer(engine_table(table, config))
        except (ValueError, MemoryError) as exc:
            hint = isinstance(exc, EncodingError) and setting_at_fault(str(exc)) is not None  # not the table's
            self.notify(f"Can't reset: {exc}. {APPLY_HINT}" if hint else f"Can't reset: {exc}", error=True)
            return False
        self.install(trainer, config, table)
        self.notify(f"Network re-initialised: layers {config.layer_sizes(table)}, seed {config.seed}.")
        return True

    def install(self, trainer, config: TrainingConfig, table: TrainingTable, health=None) -> None:
        """A new network for the worker: everything shown of the old one goes (``health``: the samples a
        reopened session had)."""
        self.state.network_built(config, trainer.encoding)
        self.settings.set_config(config)
        self.status.set_pending("")
        self.controller.install(trainer, config, table, health)
        self.suggestion_card.set_table(table, self.files.example)
        self._clear_shown()
        self._send_view()
        self.table_editor.network_changed()
        self._show_row_count()

    def forget_network(self, settings: TrainingConfig) -> None:
        """No network until the user's Reset (or a waiting session's table is fixed); ``settings`` show."""
        self.controller.forget()
        self._clear_shown()
        self.state.no_network(settings)
        self.table_editor.network_changed()
        table, problem = training_table(self.document)
        self.suggestion_card.set_table(table, None, problem)

    def _clear_shown(self) -> None:
        """Nothing shown of the previous network stays."""
        self.views.clear()
        self.inspector.clear()
        self.status.clear()

    def explain(self, kind: str, layer: int, i: int, j: int) -> None:
        """Ask for the chain rule of one parameter; it shows in the inspector."""
        self.inspector_dock.show()
        self.controller.explain(kind, layer, i, j)

    def apply_suggestions(self) -> None:
        """Set the settings suggested for the table (the card's Apply), or say why not."""
        self.settings_area.ensureWidgetVisible(self.suggestion_card)
        why_not = self.suggestion_card.apply()
        if why_not:
            self.notify(why_not)

    def _send_view(self) -> None:
        index = self.table_editor.view.currentIndex()
        row = index.row() if index.isValid() else 0
        self.controller.set_view(ViewRequest(row=row, surface=self.views.surface_spec()))

    def draw_validation(self, config: TrainingConfig) -> None:
        """Mark the rows that ``config``'s validation share and split seed draw (for classes, that share of each
        class): one edit, undoable; share 0 makes every row a training row again."""
        table, _ = training_table(self.document)
        held = drawn_marks(config, table, self.document.n_rows, self.state.network_encoding)
        changed = not np.array_equal(held, self.document.validation)
        self.document.assign_validation(held, marks_label(config.validation))
        text = drawn_text(config.validation, held, changed)
        if text:
            self.notify(text)

    def _show_row_count(self) -> None:
        """The batch size's hint: the training rows there are."""
        held = int(self.table_model.validation_rows)
        self.settings.set_row_count(self.document.n_rows - held, self.document.n_rows)

    def session_saved(self) -> None:
        self.autosave.saved()
        self.refresh_title()

    # -- what changes -----------------------------------------------------------------------------
    def _on_table_changed(self) -> None:
        if self.files.adopting:
            return
        switched = self.files.history_moved()  # an undone (or redone) replacement brings its table's settings back
        edit = table_edited(self.state, self.document, self.controller.has_network, self.controller.untouched)
        self.suggestion_card.set_table(edit.table, self.files.example, edit.problem)
        self.status.set_pending(self.state.pending.describe())
        self.refresh_title()
        self._show_row_count()
        if self._marking:
            return  # Reset marks the validation rows of the network it is building
        if edit.problem is not None:  # a bad cell, or settings that can't read the table (then: Apply)
            hint = edit.table is not None and setting_at_fault(edit.problem) is not None
            going_on = (" Training goes on with the table as it was before this edit." if self.controller.running
                        else "")  # the run does not stop for a cell being typed: it keeps the last good rows
            self.notify((f"Can't train: {edit.problem}. {APPLY_HINT}" if hint else f"Can't train: {edit.problem}.")
                        + going_on, error=True)
        if edit.table is not None and self.files.table_fixed(edit.table):
            return  # an opened session's network, back now that its bad cell is fixed
        if edit.reaction is TableReaction.SEND:
            # applies between iterations, even mid-run; the marks are the validation rows (none: none)
            self.controller.set_table(engine_table(edit.table, self.state.training_config or self.state.settings))
            self.notify("Back to the table as it was, with its settings." if switched
                        else "Table updated: training continues on the edited rows.")
        elif edit.reaction is TableReaction.RESET:
            self.reset()
        elif edit.reaction is TableReaction.WAIT:
            paused = "Paused: the" if self.controller.running else "The"
            self.controller.pause()
            if edit.misfit and columns_fit(self.state, self.document):  # same columns: a new label, a target…
                self.notify(f"Paused: {edit.misfit} (Ctrl+R).", error=True, pause_reason=True)
            else:
                inputs, targets = len(edit.table.input_columns), len(edit.table.target_columns)
                self.notify(f"{paused} table now has {inputs} input{'s' if inputs != 1 else ''} and {targets} "
                            f"target{'s' if targets != 1 else ''}: press Reset (Ctrl+R) to build a network that "
                            "fits.", error=True, pause_reason=True)

    def _on_config_changed(self, config: TrainingConfig) -> None:
        if self.notice.text().startswith(("Settings: ", REFUSED_SETTINGS)):  # the settings' complaint, now fixed
            self.notify("")
        before = self.state.settings
        untouched = self.controller.untouched and not self.controller.running
        action = self.state.change_settings(config, untouched)
        if action is SettingsAction.RESET and not self.reset():
            self.state.reset_refused()
        if action is not SettingsAction.RESET or Pending.SETTINGS in self.state.pending:
            self.controller.set_config(self.state.training_config)  # learning rate: from the next iteration
            if action is SettingsAction.WAIT:
                self.notify("Network settings changed: press Reset (Ctrl+R) to re-initialise with them. "
                            "Learning rate, iterations, penalties, patience and validation rows apply at once.")
        self.status.set_pending(self.state.pending.describe())
        self.refresh_title()
        self.table_editor.network_changed()  # its note on settings that wait for Reset
        split = (config.validation, config.split_seed) != (before.validation, before.split_seed)
        if split and not self.files.restoring:  # (a table brought back by Undo has its own marks)
            self.draw_validation(config)  # the worker trains on the new split from the next iteration

    def try_settings(self, settings) -> None:
        """A Health note's fix: its settings set in the panel as if typed (a trained network waits for Reset)."""
        try:
            config = tried(self.state.settings, settings, self.training_table())
        except ValueError as exc:
            self.notify(f"Can't try {try_text(settings)}: {exc}", error=True)
            return
        self.settings.apply(config)
        waits = Pending.SETTINGS in self.state.pending
        self.notify(f"Settings changed as the Health tab suggests ({try_text(settings)})"
                    + (": press Reset (Ctrl+R) to train with them." if waits else "."))

    def _on_advice(self, advice) -> None:
        """The card's answer for the table and settings on show: the panel marks the detected problem and
        says why the settings can't train the table, if they can't."""
        suggestion = advice.suggestion
        self.settings.set_detected(suggestion.config.problem if suggestion is not None else None)
        if advice.request.config == self.state.settings:
            self.settings.show_table_problem(advice.problem)
            if self.settings.fault is None and self.notice.text().startswith(REFUSED_SETTINGS):
                self.notify("")  # the refusal of Run is old news: the settings can train the table now

    # -- what the engine reports ------------------------------------------------------------------
    def _on_received(self, update: Update) -> None:
        self.state.observe_training((update.generation, update.snapshot.iteration, update.snapshot.phase))
        self.refresh_title()

    def _on_shown(self, update: Update) -> None:
        snap = update.snapshot
        self.views.show_update(update)
        if update.phase_results:
            self.inspector.show_results(update.phase_results, update.config, update.table, self.state.network_encoding)
        self.inspector.sync(snap.iteration, snap.phase)
        self.status.show_update(update)
        done = update.phase_result.phase if update.phase_result else None
        strip = phase_strip_text(snap.phase, done)
        if strip != self.phase_strip.text():  # rich text relaid out in the toolbar: only when it changes
            self.phase_strip.setText(strip)

    def _on_running_changed(self, running: bool) -> None:
        show_running(self, running)
        self.status.set_running(running, self.controller.current)

    def _on_explained(self, explanation) -> None:
        update = self.last_update
        self.inspector.show_chain_rule(explanation, self.views.names, config=update.config if update else None)

    def _on_failed(self, message: str) -> None:
        self.notify(message, error=True)

    def refresh_title(self) -> None:
        title = f"{self.state.title}[*] — {APP_NAME}"
        if title != self.windowTitle():  # called for every update: only a change costs anything
            self.setWindowTitle(title)
        if self.state.dirty != self.isWindowModified():
            self.setWindowModified(self.state.dirty)
        self.autosave.changed()

    def showEvent(self, event):
        super().showEvent(event)
        if not self._sized:  # after show: the window has the size the screen gave it
            self._sized = True
            if not self._restored or self.inspector_dock.width() < MIN_DOCK:  # a remembered layout stays
                share_width(self, self.inspector_dock)

    # -- closing ----------------------------------------------------------------------------------
    def closeEvent(self, event):
        if self.state.dirty:
            answer = self.ask_save_changes()
            if answer == "cancel" or (answer == "save" and not self.files.save()):
                event.ignore()
                return
        self.autosave.close()  # closed normally: this window's autosave goes, nobody else's
        if self._remember:
            save_window_layout(self)
        self.hide()
        if not self.controller.shutdown():  # one huge iteration is still finishing: wait, never abort
            self.controller.wait_for_engine()
        super().closeEvent(event)
