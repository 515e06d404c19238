"""The main window: table and settings on the left, loss, weights and predictions on the right.

It shows the worker's updates and forwards what the user asks for; it never runs training maths.
"""
from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox, QDockWidget, QHBoxLayout, QHeaderView, QLabel, QMainWindow, QMessageBox, QProgressBar,
    QSplitter, QStyle, QTableView, QTabWidget,
    QVBoxLayout, QWidget,
)

from ..core import PHASES, TableError, TrainingConfig, TrainingTable
from ..paths import DEFAULT_TABLE, EXAMPLES, RESOURCES
from .app_state import (
    autosave_path,
)
from .diagram import NetworkDiagram
from .heatmaps import WeightHeatmaps, unit_names
from .inspector import InspectorPanel
from .loss_plot import LossPlot
from .predictions_model import PredictionsModel
from .settings_panel import SettingsPanel
from .surface_view import SurfaceView
from .table_editor import TableEditor
from .table_model import TableModel
from .window_files import WindowFiles
from .worker import Update, ViewRequest, WorkerThread

# While training runs, this thread may spend at most this share of its time showing updates (paint
# included): Python threads share one interpreter lock, so every millisecond here is one the worker
# waits for. Updates arriving faster are merged; single steps always show at once.
UI_BUDGET = 0.08
FRAME_MIN, FRAME_MAX = 1 / 30, 0.5  # seconds between frames while running
AUTOSAVE_MS = 5000  # while there are unsaved changes, a copy goes to the app-data folder this often


class _AfterPaint(QObject):
    """Calls back once the events queued now, repaints included, have been handled.

    Qt posts repaints (UpdateRequest) at low priority, some only while handling other queued events,
    so the callback travels two low-priority hops to land behind them.
    """

    _TYPE = QEvent.Type(QEvent.registerEventType())
    _PRIORITY = int(Qt.LowEventPriority.value)

    def __init__(self, callback, parent=None):
        super().__init__(parent)
        self._callback = callback
        self._hops = 0

    def post(self):
        self._hops = 2
        QCoreApplication.postEvent(self, QEvent(self._TYPE), self._PRIORITY)

    def event(self, event):
        if event.type() != self._TYPE:
            return super().event(event)
        self._hops -= 1
        if self._hops > 0:
            QCoreApplication.postEvent(self, QEvent(self._TYPE), self._PRIORITY)
        else:
            self._callback()
        return True


def _titled(title: str, widget: QWidget, extra: QWidget | None = None) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.setSpacing(2)
    head = QHBoxLayout()
    head.addWidget(QLabel(f"<b>{title}</b>"))
    head.addStretch(1)
    if extra is not None:
        head.addWidget(extra)
    layout.addLayout(head)
    layout.addWidget(widget, 1)
    return box


class MainWindow(WindowFiles, QMainWindow):
    # Commands to the worker (queued: the worker lives on another thread).
    _reset_requested = Signal(object, object, int)
    _table_sent = Signal(object)
    _config_sent = Signal(object)
    _step_phase_requested = Signal()
    _step_iteration_requested = Signal()
    _run_requested = Signal(int)
    _export_requested = Signal(str)
    _view_sent = Signal(object)
    _explain_requested = Signal(str, int, int, int)
    _restore_requested = Signal(object, object, object, int)

    def __init__(self, table_path: str | Path | None = None, offer_restore: bool = True, remember: bool = True):
        """``remember``: keep window layout and preferences between runs (off for scripted runs, which
        must not change a user's settings); ``offer_restore``: offer an autosave left by a crash."""
        super().__init__()
        self._remember = remember
        self.session_path: Path | None = None
        self._dirty = False
        self._clean_mark: tuple | None = None  # (iteration, phase) as last saved or opened
        self._autosaved = True  # no change since the last autosave
        self._waiting_session = None  # an opened session whose table has a bad cell
        icon = RESOURCES / "icons" / "nnplayground.svg"
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
        self.resize(1500, 920)
        self.last_update: Update | None = None
        self._sent_config: TrainingConfig | None = None  # what the worker's network was (or will be) built from
        self._running = False
        self._pending: list[str] = []  # what waits for Reset
        self._generation = 0  # bumped by every reset; older updates are dropped
        self._run_request = 0  # numbers each Run; only an answer to the latest may end the run
        self._queued: list[Update] = []  # updates not shown yet (merged into one frame)
        self._restart_pacing()

        self.table_model = TableModel(self)
        self.table_editor = TableEditor(self.table_model)
        self.settings = SettingsPanel()
        self.loss_plot = LossPlot()
        self.heatmaps = WeightHeatmaps()
        self.predictions_model = PredictionsModel(self)
        self.predictions_view = QTableView()
        self.predictions_view.setModel(self.predictions_model)
        self.predictions_view.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.predictions_view.verticalHeader().setDefaultSectionSize(22)
        self.predictions_view.setMinimumWidth(250)
        self.diagram = NetworkDiagram()
        self.surface_view = SurfaceView()
        self.inspector = InspectorPanel()
        self._names: list[list[str]] = []
        self.hover_label = QLabel(" ")
        self.hover_label.setStyleSheet("color: #333; font-family: monospace;")
        self.hover_label.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self._build_actions()
        self._build_layout()
        self._add_dock_toggle()
        self._build_status_bar()

        self._worker_thread = WorkerThread(self)
        worker = self._worker_thread.worker
        self._after_paint = _AfterPaint(worker.frame_shown, self)  # frame_shown is thread-safe
        self._reset_requested.connect(worker.reset)
        self._table_sent.connect(worker.set_table)
        self._config_sent.connect(worker.set_config)
        self._step_phase_requested.connect(worker.step_phase)
        self._step_iteration_requested.connect(worker.step_iteration)
        self._run_requested.connect(worker.run)
        self._export_requested.connect(worker.export)
        self._view_sent.connect(worker.set_view)
        self._restore_requested.connect(worker.restore)
        self._explain_requested.connect(worker.explain)
        worker.explained.connect(self._on_explained)
        worker.updated.connect(self._on_update)
        worker.failed.connect(self._on_failed)
        # Receivers of worker signals are plain bound methods: a lambda has no thread, and in PySide6 6.10
        # a @Slot method overridden in a subclass is called on the *emitting* thread, even when queued
        # (tests/ui/test_threading.py). A plain method of this window always runs on the UI thread.
        worker.exported.connect(self._on_exported)

        self.table_model.tableChanged.connect(self._on_table_changed)
        self.settings.configChanged.connect(self._on_config_changed)
        self.settings.invalid.connect(lambda why: self.notify(f"Settings: {why}", error=True))
        self.loss_plot.hovered.connect(self._show_hover)
        self.heatmaps.hovered.connect(self._show_hover)
        self.diagram.hovered.connect(self._show_hover)
        for view in (self.heatmaps, self.diagram):
            view.clicked.connect(self.explain)
        self.inspector.weightClicked.connect(self.explain)
        self.surface_view.specChanged.connect(lambda _spec: self._send_view())
        self.views.currentChanged.connect(self._on_tab_changed)
        self.table_editor.view.selectionModel().currentRowChanged.connect(lambda *_: self._send_view())

        self.load_table(TrainingTable.from_csv(table_path or DEFAULT_TABLE), undoable=False)
        self._set_clean()
        self.notify("Ready: the tutorial's table and network. Step a phase (F11) or an iteration (F10), or Run (F5).")
        self._autosave_timer = QTimer(self)
        self._autosave_timer.timeout.connect(self.autosave)
        self._autosave_timer.start(AUTOSAVE_MS)
        if remember:
            self._restore_preferences()
        self.restore_offer: QMessageBox | None = None
        if offer_restore and autosave_path().exists():
            self._offer_restore()

    # -- construction ---------------------------------------------------------------------------
    def _build_actions(self):
        style = self.style()

        def action(name, text, shortcut, tip, slot, icon=None):
            a = QAction(text, self)
            a.setObjectName(name)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            a.setToolTip(f"{tip} ({a.shortcut().toString(QKeySequence.NativeText)})" if shortcut else tip)
            a.setStatusTip(tip)
            if icon is not None:
                a.setIcon(style.standardIcon(icon))
            a.triggered.connect(slot)
            return a

        self.step_phase_action = action("stepPhaseAction", "Step phase", "F11",
                                        "Run the next phase: feedforward, loss, backprop or update",
                                        self.step_phase, QStyle.SP_MediaSeekForward)
        self.step_iteration_action = action("stepIterationAction", "Step iteration", "F10",
                                            "Finish the current iteration (all four phases)",
                                            self.step_iteration, QStyle.SP_MediaSkipForward)
        self.run_action = action("runAction", "Run", "F5", "Run to the chosen number of iterations, or pause",
                                 self.toggle_run, QStyle.SP_MediaPlay)
        self.reset_action = action("resetAction", "Reset", "Ctrl+R",
                                   "Re-initialise the network from the settings and seed",
                                   self.reset, QStyle.SP_BrowserReload)
        self.export_weights_action = action("exportWeightsAction", "Export weights…", "Ctrl+E",
                                            "Save the trained weights as .npz, .json or .onnx", self.ask_export,
                                            QStyle.SP_ArrowDown)
        self.open_action = action("openTableAction", "Open…", QKeySequence.Open,
                                  "Open a saved session or a CSV training table", self.ask_open,
                                  QStyle.SP_DialogOpenButton)
        self.save_session_action = action("saveSessionAction", "Save session", QKeySequence.Save,
                                          "Save the table, settings, weights and loss history in one file",
                                          self.save, QStyle.SP_DialogSaveButton)
        self.save_session_as_action = action("saveSessionAsAction", "Save session as…", QKeySequence.SaveAs,
                                             "Save the session in a new file", self.ask_save_as)
        self.save_table_action = action("saveTableAction", "Table as CSV…", None,
                                        "Save the training table as CSV", self.ask_save_table)
        self.export_loss_action = action("exportLossPlotAction", "Loss plot (PNG, SVG)…", None,
                                         "Save the loss plot as a picture", lambda: self.ask_export_plot("loss"))
        self.export_heatmaps_action = action("exportHeatmapsAction", "Weight heatmaps (PNG, SVG)…", None,
                                             "Save the weight and gradient heatmaps as a picture",
                                             lambda: self.ask_export_plot("heatmaps"))
        self.export_predictions_action = action("exportPredictionsAction", "Predictions (CSV)…", None,
                                                "Save inputs, targets, predictions and errors as CSV",
                                                self.ask_export_predictions)
        self.quit_action = action("quitAction", "Quit", QKeySequence.Quit, "Close nnplayground", self.close)
        self.log_action = action("logScaleAction", "Log-scale loss", "Ctrl+L", "Show the loss on a log scale",
                                 lambda: None)
        self.log_action.setCheckable(True)
        self.log_action.toggled.connect(lambda on: self.loss_plot.set_log_scale(on))
        self.undo_action = self.table_model.undo_stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QKeySequence.Undo)
        self.redo_action = self.table_model.undo_stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcut(QKeySequence.Redo)

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        examples = file_menu.addMenu("Examples")
        for path in sorted(EXAMPLES.glob("*.csv")):
            examples.addAction(path.stem.replace("_", " ")).triggered.connect(
                lambda _=False, p=path: self.open_table(p))
        file_menu.addSeparator()
        file_menu.addAction(self.save_session_action)
        file_menu.addAction(self.save_session_as_action)
        export_menu = file_menu.addMenu("Export")
        for a in (self.export_weights_action, self.export_loss_action, self.export_heatmaps_action,
                  self.export_predictions_action, self.save_table_action):
            export_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        for a in (self.table_editor.copy_action, self.table_editor.paste_action, None,
                  self.table_editor.add_row_action, self.table_editor.remove_rows_action,
                  self.table_editor.add_column_action, self.table_editor.remove_column_action):
            edit_menu.addSeparator() if a is None else edit_menu.addAction(a)
        train_menu = menu.addMenu("&Train")
        for a in (self.step_phase_action, self.step_iteration_action, self.run_action, None, self.reset_action):
            train_menu.addSeparator() if a is None else train_menu.addAction(a)
        view_menu = menu.addMenu("&View")
        view_menu.addAction(self.log_action)
        self._view_menu = view_menu

        bar = self.addToolBar("Training")
        bar.setObjectName("trainingToolBar")
        bar.setMovable(False)
        bar.setIconSize(QSize(18, 18))
        bar.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        for a in (self.step_phase_action, self.step_iteration_action, self.run_action, self.reset_action):
            bar.addAction(a)
        bar.addSeparator()
        self.phase_strip = QLabel()
        self.phase_strip.setObjectName("phaseStrip")
        self.phase_strip.setContentsMargins(10, 0, 10, 0)
        bar.addWidget(self.phase_strip)
        bar.addSeparator()
        bar.addAction(self.save_session_action)
        bar.addAction(self.export_weights_action)

    def _build_layout(self):
        left = QSplitter(Qt.Vertical)
        left.addWidget(_titled("Training table", self.table_editor))
        left.addWidget(self.settings)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)

        self.views = QTabWidget()
        self.views.setObjectName("views")
        self.views.addTab(self.heatmaps, "Weights && gradients")
        self.views.addTab(self.diagram, "Network")
        self.views.addTab(self.surface_view, "Decision surface")
        lower = QSplitter(Qt.Horizontal)
        lower.addWidget(self.views)
        lower.addWidget(_titled("Predictions", self.predictions_view))
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        lower.setSizes([560, 340])
        right = QSplitter(Qt.Vertical)
        log_box = QCheckBox("log scale")
        log_box.setToolTip(self.log_action.toolTip())
        log_box.toggled.connect(self.log_action.setChecked)
        self.log_action.toggled.connect(log_box.setChecked)
        right.addWidget(_titled("Loss", self.loss_plot, log_box))
        right.addWidget(lower)
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 1)
        right_box = QWidget()
        rl = QVBoxLayout(right_box)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(right, 1)
        rl.addWidget(self.hover_label)

        main = QSplitter(Qt.Horizontal)
        main.addWidget(left)
        main.addWidget(right_box)
        main.setStretchFactor(0, 2)
        main.setStretchFactor(1, 5)
        main.setSizes([400, 700])
        self.setCentralWidget(main)
        self.inspector_dock = QDockWidget("Step inspector", self)
        self.inspector_dock.setObjectName("inspectorDock")
        self.inspector_dock.setWidget(self.inspector)
        self.addDockWidget(Qt.RightDockWidgetArea, self.inspector_dock)
        self.resizeDocks([self.inspector_dock], [430], Qt.Horizontal)

    def _add_dock_toggle(self):
        toggle = self.inspector_dock.toggleViewAction()
        toggle.setShortcut(QKeySequence("F9"))
        toggle.setObjectName("inspectorAction")
        self._view_menu.addAction(toggle)

    def _build_status_bar(self):
        bar = self.statusBar()
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.iteration_label = QLabel()
        self.loss_label = QLabel()
        self.rate_label = QLabel()
        self.pending_label = QLabel()
        self.pending_label.setStyleSheet("color: #9a3412;")
        digits = self.fontMetrics()
        for label, widest in ((self.iteration_label, "iteration 100,000,000"), (self.loss_label, "loss 0.000000e-00"),
                              (self.rate_label, "1,000,000 it/s")):
            label.setMinimumWidth(digits.horizontalAdvance(widest) + 8)  # text changes never resize the bar
            label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.progress.hide()
        bar.addWidget(self.notice, 1)
        for w in (self.pending_label, self.iteration_label, self.loss_label, self.rate_label, self.progress):
            bar.addPermanentWidget(w)

    # -- what the user asks for -----------------------------------------------------------------
    def notify(self, text: str, error: bool = False) -> None:
        """A message in the status bar; errors stay until the next message."""
        self.notice.setStyleSheet("color: #b42318; font-weight: bold;" if error else "")
        self.notice.setText(text)

    def _training_table(self) -> TrainingTable | None:
        """The table as the core sees it, or None with the reason shown."""
        problems = self.table_model.problems()
        if problems:
            r, c, why = problems[0]
            more = f" (and {len(problems) - 1} more bad cells)" if len(problems) > 1 else ""
            self.notify(f"Can't train: row {r + 1}, column {self.table_model.header[c]!r}: {why}{more}", error=True)
            return None
        try:
            return self.table_model.to_training_table()
        except TableError as exc:
            self.notify(f"Can't train: {exc}", error=True)
            return None

    def _can_train(self) -> bool:
        if self._training_table() is None:
            return False
        if "table" in self._pending:
            self.notify("The table's columns no longer fit the network: press Reset (Ctrl+R) first.", error=True)
            return False
        return self.last_update is not None

    def step_phase(self):
        if not self._running and self._can_train():
            self._step_phase_requested.emit()

    def step_iteration(self):
        if not self._running and self._can_train():
            self._step_iteration_requested.emit()

    def toggle_run(self):
        if self._running:
            self._worker_thread.worker.request_pause()
            return
        if not self._can_train():
            return
        target = self.settings.iterations.value()
        if self.last_update.snapshot.iteration >= target:
            self.notify(f"Already at {target:,} iterations: raise Iterations or press Reset.", error=True)
            return
        self._set_running(True)
        self.loss_plot.set_extent(target)
        self._restart_pacing()
        self._run_request += 1
        self._run_requested.emit(self._run_request)

    def reset(self):
        table = self._training_table()
        if table is None:
            return
        try:
            config = self.settings.config()
        except ValueError as exc:
            self.notify(f"Can't reset: {exc}", error=True)
            return
        self._reset_requested.emit(config, table, self._new_network(config))
        self.notify(f"Network re-initialised: layers {config.layer_sizes(table)}, seed {config.seed}.")

    def _new_network(self, config: TrainingConfig) -> int:
        """Forget the old network's state in the window; returns the generation its updates will carry."""
        self._pending = []
        self._waiting_session = None
        self._show_pending()
        self.loss_plot.clear_history()
        self.inspector.clear()
        self._sent_config = config
        self._generation += 1
        self._queued.clear()
        return self._generation

    def explain(self, kind: str, layer: int, i: int, j: int) -> None:
        """Ask for the chain rule of one parameter; it shows in the inspector."""
        self.inspector_dock.show()
        self._explain_requested.emit(kind, layer, i, j)

    def focus_row(self) -> int:
        index = self.table_editor.view.currentIndex()
        return index.row() if index.isValid() else 0

    def _send_view(self):
        surface = self.surface_view.spec() if self.views.currentWidget() is self.surface_view else None
        self._view_sent.emit(ViewRequest(row=self.focus_row(), surface=surface))

    def _on_tab_changed(self, _index):
        self._send_view()
        if self.last_update is not None:
            self._show_views(self.last_update)

    def _warn(self, title: str, text: str):
        self.notify(f"{title}: {text}", error=True)
        box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()  # not exec(): the window (and the worker's updates) keep going

    # -- what changes ---------------------------------------------------------------------------
    def _on_table_changed(self):
        self._mark_dirty()
        table = self._training_table()
        if table is None or self.last_update is None:
            return
        if self._waiting_session is not None:
            if (table.columns, table.roles) == (self._waiting_session.columns, self._waiting_session.roles):
                self._restore_session(self._waiting_session, table)
                self.notify("Table fixed: the session's network is back.")
                return
            self._waiting_session = None  # the columns changed: its weights no longer fit
        net_sizes = self.last_update.snapshot.weights
        fits = (len(table.input_columns), len(table.target_columns)) == (net_sizes[0].shape[0], net_sizes[-1].shape[1])
        if fits:
            self._drop_pending("table")
            self._table_sent.emit(table)  # applies between iterations, even mid-run
            self.notify("Table updated: training continues on the edited rows.")
        elif self._untouched():
            self.reset()
        else:
            if self._running:
                self._worker_thread.worker.request_pause()
            self._add_pending("table")
            self.notify(f"The table now has {len(table.input_columns)} inputs and {len(table.target_columns)} "
                        "targets: press Reset (Ctrl+R) to build a network that fits.", error=True)

    def _on_config_changed(self, config: TrainingConfig):
        if self._sent_config is None:
            return
        self._mark_dirty()
        if config.same_network(self._sent_config):
            self._drop_pending("settings")
            self._sent_config = config
            self._config_sent.emit(config)  # learning rate: from the next iteration
        elif self._untouched() and not self._running:
            self.reset()
        else:
            self._add_pending("settings")
            self.notify("Network settings changed: press Reset (Ctrl+R) to re-initialise with them.")

    def _untouched(self) -> bool:
        """Nothing has been trained yet, so a reset loses nothing."""
        snap = self.last_update.snapshot if self.last_update else None
        return snap is None or (snap.iteration == 0 and snap.phase == PHASES[0])

    def _add_pending(self, what):
        if what not in self._pending:
            self._pending.append(what)
        self._show_pending()

    def _drop_pending(self, what):
        if what in self._pending:
            self._pending.remove(what)
        self._show_pending()

    def _show_pending(self):
        self.pending_label.setText(f"Reset to apply: {', '.join(self._pending)}" if self._pending else "")

    # -- what the worker reports ----------------------------------------------------------------
    def _on_update(self, update: Update):
        if update.generation != self._generation:
            return  # from before the latest reset
        self._queued.append(update)
        # A frame is shown only here, in answer to an update: while running, the worker is then
        # waiting for us (interpreter lock released), so showing and painting never compete with it.
        if not update.running or time.perf_counter() >= self._next_frame:
            self._show_queued()  # steps and the end of a run always show at once
        else:
            self._worker_thread.worker.frame_shown()  # not due yet: let training go on

    def _show_queued(self):
        queued, self._queued = self._queued, []
        if not queued:
            return
        for update in queued:  # every chunk of loss history, in order; the rest from the newest
            snap = update.snapshot
            if snap.history_start == 0:
                self.loss_plot.clear_history()
            if len(snap.history):
                self.loss_plot.add_history(snap.history_start, snap.history, redraw=False)
        self.loss_plot.redraw()
        self._show(queued[-1])
        self._pace()
        if queued[-1].running:
            self._after_paint.post()  # training resumes once this frame is on screen

    def _restart_pacing(self):
        self._frame_interval, self._frame_cost = FRAME_MIN, None
        self._next_frame = 0.0  # perf_counter time from which the next frame may be shown
        self._marks = (time.perf_counter(), time.thread_time())

    def _pace(self):
        """Space frames so that showing them (paint included) takes at most UI_BUDGET of this thread.

        The cost of a frame is this thread's CPU time from one frame to the next, smoothed.
        """
        wall, cpu = time.perf_counter(), time.thread_time()
        cost = cpu - self._marks[1]
        self._marks = (wall, cpu)
        self._frame_cost = cost if self._frame_cost is None else 0.7 * self._frame_cost + 0.3 * cost
        self._frame_interval = min(max(self._frame_cost / UI_BUDGET, FRAME_MIN), FRAME_MAX)
        self._next_frame = wall + self._frame_interval

    def _show(self, update: Update):
        snap = update.snapshot
        self.last_update = update
        if self._clean_mark is None:  # clean was declared before the worker's first answer
            self._clean_mark = (snap.iteration, snap.phase)
        elif (snap.iteration, snap.phase) != self._clean_mark:
            self._mark_dirty()
        table = update.table
        self._names = unit_names([w.shape[0] for w in snap.weights] + [snap.weights[-1].shape[1]],
                                 table.input_columns, table.target_columns)
        self._show_views(update)
        if update.phase_results:
            self.inspector.show_results(update.phase_results, update.config, snap.iteration)
        self.inspector.sync(snap.iteration, snap.phase)
        self.predictions_model.set_values(table.target_columns, table.y, snap.predictions)
        self._show_phase(snap.phase, update.phase_result.phase if update.phase_result else None)
        self.iteration_label.setText(f"iteration {snap.iteration:,}")
        self.loss_label.setText("loss –" if snap.loss is None else f"loss {snap.loss:.6g}")
        if update.iterations_per_second:
            self.rate_label.setText(f"{update.iterations_per_second:,.0f} it/s")
        if update.running:
            self.progress.setMaximum(max(update.config.iterations, 1))
            self.progress.setValue(min(snap.iteration, update.config.iterations))
        if self._running and not update.running and update.run_request == self._run_request:
            self._set_running(False)
            if snap.iteration >= update.config.iterations:
                self.notify(f"Done: {snap.iteration:,} iterations, loss {snap.loss:.6g}.")
            else:
                self.notify(f"Paused at iteration {snap.iteration:,}.")

    def _on_explained(self, explanation):
        snap = self.last_update.snapshot if self.last_update else None
        self.inspector.show_chain_rule(explanation, self._names, (snap.iteration, snap.phase) if snap else None)

    def _show_views(self, update: Update):
        """The tab in view gets the new state; the others catch up when they are shown."""
        snap, table = update.snapshot, update.table
        current = self.views.currentWidget()
        if current is self.heatmaps:
            self._show_heatmaps(update)
        elif current is self.diagram:
            self.diagram.set_state(snap.weights, snap.biases, update.config.use_bias, self._names,
                                   snap.row_activations, snap.row)
        else:
            if self.surface_view.table is not table:
                self.surface_view.set_table(table)  # sends a new plane; its surface comes next update
            spec = self.surface_view.spec()
            surface = update.surface if update.surface is not None and update.surface.spec == spec else None
            self.surface_view.set_surface(surface, table)

    def _show_heatmaps(self, update: Update):
        snap = update.snapshot
        self.heatmaps.set_parameters(snap.weights, snap.biases, update.config.use_bias, self._names,
                                     snap.gradients, snap.bias_gradients)

    def _on_exported(self, path: str):
        self.notify(f"Weights saved to {path}")

    def _on_failed(self, message: str):
        self._set_running(False)
        self.notify(message, error=True)

    def _set_running(self, running: bool):
        self._running = running
        self.run_action.setText("Pause" if running else "Run")
        self.run_action.setIcon(self.style().standardIcon(QStyle.SP_MediaPause if running else QStyle.SP_MediaPlay))
        for a in (self.step_phase_action, self.step_iteration_action):
            a.setEnabled(not running)
        self.progress.setVisible(running)

    def _show_phase(self, next_phase: str, done: str | None):
        if (next_phase, done) == getattr(self, "_phase_shown", None):
            return
        self._phase_shown = (next_phase, done)
        parts = []
        for p in PHASES:
            if p == next_phase:
                parts.append(f"<span style='background:#fde68a; padding:2px;'><b>{p}</b></span>")
            elif p == done:
                parts.append(f"<u>{p}</u>")
            else:
                parts.append(f"<span style='color:#666'>{p}</span>")
        self.phase_strip.setText("next: " + " → ".join(parts))

    def _show_hover(self, text: str):
        self.hover_label.setText(text or " ")

    # -- closing --------------------------------------------------------------------------------
    def closeEvent(self, event):
        if self._dirty:
            answer = self.ask_save_changes()
            if answer == "cancel" or (answer == "save" and not self.save()):
                event.ignore()
                return
        self._autosave_timer.stop()
        self.discard_autosave()  # closed normally: nothing to restore next time
        self._save_preferences()
        self._worker_thread.shutdown()
        super().closeEvent(event)
