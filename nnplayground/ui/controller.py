"""The one door to the engine: owns the worker thread, numbers networks, runs and commands, and
hands the views paced, immutable updates.

Commands go to the worker by queued signals; updates come back as :class:`Update` values. Every
update's losses go into the :class:`LossHistory` at once, whether or not its frame is shown. Step
presses that arrive while a step is being computed are merged into one command, so holding F10 down
never floods the event loop. Commands given before the worker's first answer wait in its queue
behind the network they need, so none is lost.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..app.loss_history import LossHistory
from ..core import Trainer, TrainingConfig, TrainingTable
from .frame_pacer import AfterPaint, FramePacer
from .shared_core import SharedCore
from .worker import Update, ViewRequest, WorkerThread

CLOSE_WAIT_MS = 1000  # closing waits this long for the engine before saying it is finishing


class TrainingController(QObject):
    shown = Signal(object)  # Update: the state the views should show now (paced while running)
    received = Signal(object)  # Update: every update of the current network, shown or not
    failed = Signal(str)  # training stopped or a command failed; the message is for the user
    exported = Signal(str)
    exportFailed = Signal(str)
    explained = Signal(object)
    runningChanged = Signal(bool)

    # to the worker (queued: it lives on another thread)
    _install = Signal(object, object, object, int, object)
    _set_table = Signal(object)
    _set_config = Signal(object)
    _step_phases = Signal(int, int)
    _step_iterations = Signal(int, int)
    _run = Signal(int, int)
    _export = Signal(str)
    _set_view = Signal(object)
    _explain = Signal(str, int, int, int)

    def __init__(self, history: LossHistory, parent=None):
        super().__init__(parent)
        self.history = history
        # while a small network runs, this thread and the worker's take turns on one core (see shared_core)
        self.core = SharedCore()  # (made here: it remembers this thread)
        self._thread = WorkerThread(self, self.core)
        worker = self._thread.worker
        self._worker = worker
        for signal, slot in ((self._install, worker.install), (self._set_table, worker.set_table),
                             (self._set_config, worker.set_config), (self._step_phases, worker.step_phases),
                             (self._step_iterations, worker.step_iterations), (self._run, worker.run),
                             (self._export, worker.export), (self._set_view, worker.set_view),
                             (self._explain, worker.explain)):
            signal.connect(slot)
        # Receivers of worker signals are plain bound methods: in PySide6 6.10 a @Slot method
        # overridden in a subclass runs on the *emitting* thread (tests/ui/test_threading.py).
        worker.updated.connect(self._on_update)
        worker.failed.connect(self._on_failed)
        worker.exported.connect(self._on_exported)
        worker.export_failed.connect(self._on_export_failed)
        worker.explained.connect(self._on_explained)
        self.pacer = FramePacer(self._show, worker.frame_shown, worker.set_slice, self)
        self._after_paint = AfterPaint(self._send_queued_steps, self)
        self.latest: Update | None = None  # the newest state received (of this network or, briefly, the last)
        self.last_shown: Update | None = None  # the newest state on screen
        self.generation = 0
        self.running = False
        self._installed_untouched = True
        self._has_network = False
        self.speed: float | None = None  # iterations per second while running; None: flat out
        self._run_request = 0
        self._command = 0
        self._step_in_flight = 0  # the command number of the step being computed, 0 if none
        self._queued_steps: list[list] = []  # [kind, count] merged presses waiting for that step

    @property
    def engine_thread(self):
        """The worker's QThread (to check that closing really ended it)."""
        return self._thread.thread

    @property
    def has_network(self) -> bool:
        return self._has_network

    def forget(self) -> None:
        """No network for now (a session waits for its table to be fixed): the old one is neither shown
        nor trained any more."""
        self._retire()
        self._has_network = False
        self.latest = self.last_shown = None
        self.history.clear()

    def _retire(self) -> None:
        """The current network is replaced: stop it, and nothing of it (updates, held frames, merged
        step presses) is used from now on."""
        self.pause()
        self.generation += 1
        self.pacer.drop()
        self._step_in_flight, self._queued_steps = 0, []
        self._set_running(False)

    @property
    def current(self) -> Update | None:
        """The newest state of the current network (None until the worker's first answer about it)."""
        latest = self.latest
        return latest if latest is not None and latest.generation == self.generation else None

    @property
    def untouched(self) -> bool:
        """Nothing trained yet on the current network (a reset loses nothing)."""
        if self.current is None:
            return self._installed_untouched  # the worker has not answered about it yet
        snap = self.current.snapshot
        return snap.iteration == 0 and snap.phase == "feedforward"

    # -- commands ---------------------------------------------------------------------------------
    def install(self, trainer: Trainer, config: TrainingConfig, table: TrainingTable, health=None) -> int:
        """Hand the worker a new network (the caller keeps no reference to ``trainer``); ``health``: the
        health samples it had so far (a reopened session's)."""
        self._retire()
        self._installed_untouched = trainer.iteration == 0 and trainer.phase == "feedforward"
        self._has_network = True
        self.history.replace(trainer.history)
        self._install.emit(trainer, config, table, self.generation, health)
        return self.generation

    def set_table(self, table: TrainingTable) -> None:
        self._set_table.emit(table)

    def set_config(self, config: TrainingConfig) -> None:
        self._set_config.emit(config)

    def set_view(self, view: ViewRequest) -> None:
        self._set_view.emit(view)

    def explain(self, kind: str, layer: int, i: int, j: int) -> None:
        self._explain.emit(kind, layer, i, j)

    def export(self, path: str) -> None:
        self._export.emit(str(path))

    def step(self, kind: str) -> None:
        """``kind``: "phase" or "iteration". Presses during a step are merged into the next command."""
        if self.running or not self.has_network:
            return
        if self._step_in_flight:
            if self._queued_steps and self._queued_steps[-1][0] == kind:  # held down: one command for all
                self._queued_steps[-1][1] += 1
            else:
                self._queued_steps.append([kind, 1])
            return
        self._send_step(kind, 1)

    def _send_step(self, kind: str, count: int) -> None:
        self._command += 1
        self._step_in_flight = self._command
        (self._step_phases if kind == "phase" else self._step_iterations).emit(count, self._command)

    def run(self) -> None:
        if self.running or not self.has_network:
            return
        self._queued_steps = []
        self._set_running(True)
        self.pacer.restart()
        self._run_request += 1
        self._command += 1
        self._run.emit(self._run_request, self._command)

    def pause(self) -> None:
        self._worker.request_pause()  # thread-safe; a running slice returns between two layers

    def set_speed(self, iterations_per_second: float | None) -> None:
        """Training speed while running (None: as fast as possible); slow runs show every iteration."""
        self.speed = iterations_per_second
        self._worker.set_speed(iterations_per_second)  # thread-safe, and wakes a slow run's wait

    def shutdown(self) -> bool:
        """Stop training and end the worker's thread; False if it is still finishing an iteration
        after CLOSE_WAIT_MS (call :meth:`wait_for_engine` then: never destroy a running thread)."""
        self.core.end()
        return self._thread.shutdown(CLOSE_WAIT_MS)

    def wait_for_engine(self) -> None:
        self._thread.thread.wait()

    def _set_running(self, running: bool) -> None:
        if not running:
            self.core.end()  # (the worker ends it as its run ends; a failure or a replaced network too)
        if running != self.running:
            self.running = running
            self.runningChanged.emit(running)

    # -- answers ----------------------------------------------------------------------------------
    def _on_update(self, update: Update) -> None:
        if update.generation != self.generation:
            return  # from a network replaced since
        snap = update.snapshot
        if len(snap.history) or snap.history_start == 0:
            self.history.receive(snap.history_start, snap.history)
        self.latest = update
        self.received.emit(update)
        more = False
        if self._step_in_flight and update.command >= self._step_in_flight:
            self._step_in_flight = 0
            more = bool(self._queued_steps)
            if more:  # the merged presses go once this frame is painted: the two never share the lock
                self._after_paint.post()
        if self.running and not update.running and update.run_request == self._run_request:
            self._set_running(False)
        # a chosen speed already paces the frames: each one is shown
        self.pacer.offer(update, more_coming=(more or bool(self._step_in_flight)) and self.speed is None,
                         paced=self.speed is not None)

    def _send_queued_steps(self) -> None:
        if self._queued_steps and not self._step_in_flight and not self.running:
            kind, count = self._queued_steps.pop(0)
            self._send_step(kind, count)

    def _show(self, update: Update) -> None:
        self.last_shown = update
        self.shown.emit(update)

    def _on_failed(self, message: str, generation: int) -> None:
        if generation != self.generation:
            return  # about a network replaced since
        self._step_in_flight, self._queued_steps = 0, []
        self._set_running(False)
        self.failed.emit(message)

    def _on_exported(self, path: str) -> None:
        self.exported.emit(path)

    def _on_export_failed(self, message: str) -> None:
        self.exportFailed.emit(message)

    def _on_explained(self, explanation) -> None:
        self.explained.emit(explanation)
