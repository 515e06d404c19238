"""The one door between the window and the engine: a worker that owns the Trainer on a QThread.

The window sends commands through queued signals and gets back :class:`Update` values holding the
core's immutable :class:`Snapshot` (array copies). A run goes in slices of at most one frame's time,
returning to the thread's event loop between slices, so commands (a new table, a new learning rate)
apply between iterations, never mid-array, and at most one update per slice reaches the screen.
Pause is a thread-safe flag the engine checks between layers, so even one huge iteration stops at once.

The window never builds or touches a Trainer after handing it over with :meth:`TrainingWorker.install`:
the worker owns it from then on. Every command carries a number, and every update says the latest
command it has handled, so the controller knows when a step it asked for is done.
"""
from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, replace

import numpy as np

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from ..app.training_watch import HealthReport, TrainingWatch
from ..core import PHASES, DivergenceError, PhaseResult, Snapshot, Trainer, TrainingConfig, TrainingTable
from ..core.encoding import Encoding
from ..core.metrics import Metrics
from ..core.onnx_export import save_onnx
from ..core.surface import Curve, CurveSpec, Surface, SurfaceSpec, output_view
from ..core.weights_io import save_weights
from .frame_pacer import FRAME_MIN, NUMBERS_SECONDS, RateLimit
from .shared_core import SharedCore

# After sending a frame while running, the worker waits (the interpreter lock released) until the
# window has painted it, at most this long: painting then never competes with training for the lock.
FRAME_HANDOFF_SECONDS = 0.2
SURFACE_SECONDS = 0.1  # while running, the decision surface (a forward pass over a grid) at most this often,
SURFACE_SHARE = 0.02  # and taking at most this share of the time (a large network's surface costs ~4 ms)


@dataclass(frozen=True)
class ViewRequest:
    """What the window currently shows that costs the worker something to provide."""

    row: int | None = None  # the table row whose activations the diagram shows
    surface: SurfaceSpec | CurveSpec | None = None  # the output view's plane (or line, for one input), if shown


@dataclass(frozen=True)
class Update:
    snapshot: Snapshot
    running: bool
    iterations_per_second: float | None
    config: TrainingConfig
    table: TrainingTable
    generation: int  # the network this state descends from: the window drops older ones
    run_request: int  # the latest run request the worker had received when it sent this
    command: int = 0  # the latest command the worker has handled
    phase_results: tuple[PhaseResult, ...] = ()  # every phase the last step computed, in order
    surface: Surface | Curve | None = None  # for the ViewRequest's plane (or line), when it asked for one
    encoding: Encoding | None = None  # how the network reads the table: ŷ back in the table's units and classes
    # of the latest predictions, and the training's health: worked out at most every NUMBERS_SECONDS while
    # running (the same objects until then), always after a step or a run (see app/training_watch.py)
    metrics: Metrics | None = None  # of the training rows
    validation_metrics: Metrics | None = None  # of the validation rows, when some are kept apart
    health: HealthReport | None = None

    @property
    def phase_result(self) -> PhaseResult | None:
        """What the last single-stepped phase computed (None for anything but a step)."""
        return self.phase_results[-1] if self.phase_results else None


class TrainingWorker(QObject):
    updated = Signal(object)  # Update
    failed = Signal(str, int)  # a message for the user, the network it is about; training has stopped
    exported = Signal(str)  # the path written
    export_failed = Signal(str)  # why the weights could not be written (the old file is untouched)
    explained = Signal(object)  # ParameterExplanation

    def __init__(self, core: SharedCore | None = None):
        super().__init__()
        self._core = core or SharedCore()  # a light network's run takes turns with the window on one core
        self._trainer: Trainer | None = None
        self._config: TrainingConfig | None = None
        self._table: TrainingTable | None = None
        self._pause = threading.Event()
        self._frame_shown = threading.Event()
        self._frame_shown.set()
        self._speed_changed = False
        self._wake = threading.Event()  # ends a slow run's wait between iterations early
        self._speed: float | None = None  # iterations per second while running; None: flat out
        self._slice_seconds = FRAME_MIN  # how long a slice of a run at full speed lasts (the pacer says)
        self._running = False
        self._run_id = 0  # a slice of an older run (before a reset or pause) must not go on
        self._target = 0
        self._sent = 0  # history entries the window already has
        self._generation = 0
        self._run_request = 0
        self._command = 0
        self._predicted = None  # ((table, iteration), ŷ) computed for a snapshot that had none
        # while running with mini-batches or validation rows, ŷ of every row (a pass of its own) as often as numbers
        self._predictions_rate = RateLimit(NUMBERS_SECONDS)
        self._view = ViewRequest()
        self._forget_surface()
        self._run_started, self._run_first = 0.0, 0  # when this run started, at which iteration
        self._last_rate, self._last_count = 0.0, 1  # the last slice's: sizes the next one
        self._watch = TrainingWatch(NUMBERS_SECONDS)  # metrics and health, beside the trainer

    # -- called from any thread -----------------------------------------------------------------
    def request_pause(self) -> None:
        self._pause.set()
        self._frame_shown.set()  # do not wait on a window that may be closing
        self._wake.set()

    def set_slice(self, seconds: float) -> None:
        """How long to train between two frames at full speed (thread-safe): the frame pacer's slice, so that
        nearly every update the worker sends is shown, and none costs a wasted round trip."""
        self._slice_seconds = seconds

    def set_speed(self, iterations_per_second: float | None) -> None:
        """At most this many iterations a second while running (None: as fast as possible). Takes effect
        at once, even in the middle of a slow run's wait."""
        self._speed = iterations_per_second
        self._speed_changed = True  # the it/s shown counts from the change (it was the mean since Run)
        self._wake.set()

    def frame_shown(self) -> None:
        """The window has painted the latest frame: training may take the lock again."""
        self._frame_shown.set()

    # -- commands (queued slots, run on the worker's thread) ----------------------------------------
    @Slot(object, object, object, int, object)
    def install(self, trainer: Trainer, config: TrainingConfig, table: TrainingTable, generation: int,
                health=None) -> None:
        """Train ``trainer`` (built by the caller, who keeps no reference to it) from now on; ``health``: its
        health samples so far (a reopened session's), or None."""
        self._stop()
        self._generation = generation
        # the window already has the trainer's history (it built the trainer): send only what follows
        self._trainer, self._config, self._table, self._sent = trainer, config, table, trainer.iteration
        self._predicted = None
        self._forget_surface()
        self._watch.start(trainer, config.init, health)  # its first health sample, before any iteration
        self._emit()

    @Slot(object)
    def set_table(self, table: TrainingTable) -> None:
        """Train on new rows from the next iteration on; the weights stay."""
        if self._trainer is None:
            return
        try:
            encoding = self._trainer.encoding  # the table is read as the network was built to read it
            if encoding is None:
                self._trainer.set_data(table.X, table.y)
            else:
                data = self._config.training_data(table, encoding)
                self._trainer.set_data(data.X, data.y, data.rows)
                self._trainer.set_validation(data.X_val, data.y_val, data.val_rows)
        except ValueError as exc:
            self._fail(str(exc))
            return
        self._table = table
        if self._running and not self._trainer.light:
            self._core.end()  # rows enough that its arithmetic wants every core: the window's thread goes too
        self._fit_schedule()
        self._watch.table_changed(self._trainer)
        self._emit()

    def _fit_schedule(self) -> None:
        """A cosine schedule anneals over the run's epochs: the iterations asked for now, in epochs of the training
        rows there are now, as a trainer built from these settings (a session reopened) has it."""
        if self._config.schedule == "cosine":
            self._trainer.schedule = self._config.schedule_for(self._trainer.iterations_per_epoch)

    @Slot(object)
    def set_config(self, config: TrainingConfig) -> None:
        """The learning rate, the iteration count, the penalties and the patience apply at once (from the
        next iteration); the rest waits for reset()."""
        if self._trainer is None or not config.same_network(self._config):
            return
        self._trainer.learning_rate = config.learning_rate
        self._trainer.set_penalties(config.l2, config.l1)
        self._trainer.patience = config.patience or None
        self._config = config
        self._fit_schedule()
        if self._running:
            self._target = config.iterations
        else:
            self._emit()

    @Slot(int, int)
    def step_phases(self, count: int, command: int) -> None:
        """Run ``count`` phases (presses of Step phase, merged); the update holds the results of the
        phases since the last iteration began."""
        self._command = command
        if self._ready():
            self._guarded(lambda: self._step(count, whole_iterations=False))

    @Slot(int, int)
    def step_iterations(self, count: int, command: int) -> None:
        """Finish ``count`` iterations (presses of Step iteration, merged)."""
        self._command = command
        if self._ready():
            self._guarded(lambda: self._step(count, whole_iterations=True))

    def _step(self, count: int, whole_iterations: bool) -> None:
        t = self._trainer
        self._pause.clear()
        if whole_iterations and count > 1:  # all but the last fast, as a run would
            if t.phase != PHASES[0]:
                t.step_iteration(stop=self._pause)
                count -= 1
            t.run(count - 1, stop=self._pause)
            count = 1
        results: list[PhaseResult] = []
        while count > 0 and not self._pause.is_set():
            result = t.step_phase(stop=self._pause)
            if result is None:  # stopped inside the phase (the window is closing): nothing half-done stays
                break
            results = [result] if result.phase == PHASES[0] else results + [result]
            if result.phase == PHASES[-1] or not whole_iterations:
                count -= 1
        self._emit(phase_results=tuple(results))

    @Slot(object)
    def set_view(self, view: ViewRequest) -> None:
        self._view = view
        self._forget_surface()
        if self._trainer is not None and not self._running:
            self._emit()

    @Slot(str, int, int, int)
    def explain(self, kind: str, layer: int, i: int, j: int) -> None:
        """The chain rule of one parameter at the current weights, on the current table."""
        if self._trainer is None:
            return
        t = self._trainer
        try:
            self.explained.emit(t.explain(kind, layer, i, j))
        except ValueError as exc:
            self._fail(f"Cannot explain that parameter: {exc}")

    @Slot(int, int)
    def run(self, request: int, command: int) -> None:
        """Run until the configured number of iterations (or a pause); ``request`` numbers the ask."""
        self._run_request = request
        self._command = command
        if not self._ready():
            self._emit()  # the answer to this request: not running
            return
        self._pause.clear()
        self._target = self._config.iterations
        self._running = True
        if self._trainer.light:
            self._core.share()  # this thread and the window's take turns on one core until the run ends
        self._run_id += 1
        self._run_started, self._run_first = time.perf_counter(), self._trainer.iteration
        self._last_rate, self._last_count = 0.0, 1
        self._slice(self._run_id)

    @Slot(str)
    def export(self, path: str) -> None:
        if self._trainer is None:
            return
        try:
            network, encoding = self._trainer.network, self._trainer.encoding  # the scaling and classes travel
            if path.lower().endswith(".onnx"):
                save_onnx(network, path, loss=self._config.loss, encoding=encoding)
            else:
                save_weights(network, path, loss=self._config.loss, encoding=encoding)
        except (ValueError, OSError) as exc:
            self.export_failed.emit(str(exc))
            return
        self.exported.emit(path)

    # -- inside ---------------------------------------------------------------------------------
    def _fail(self, message: str) -> None:
        """Say why, with training stopped (the window shows it stopped): a failed command mid-run ends the run,
        and its last state is sent first."""
        if self._running:
            self._stop()
            self._emit(self._run_rate(), settled=True)
        self.failed.emit(message, self._generation)

    def _ready(self) -> bool:
        return self._trainer is not None and not self._running

    def _stop(self) -> None:
        self._pause.set()
        self._end_run()
        self._run_id += 1

    def _end_run(self) -> None:
        self._running = False
        self._core.end()

    def _guarded(self, action) -> None:
        try:
            action()
        except DivergenceError as exc:
            self._diverged(exc)
        except Exception as exc:  # a bug: the step ends and says why (the window would wait for it for good)
            traceback.print_exc()
            self._fail(f"Stopped by an error: {type(exc).__name__}: {exc}")

    def _diverged(self, exc: DivergenceError) -> None:
        self._stop()
        self._emit()
        self._fail(str(exc))

    def _slice(self, run_id: int) -> None:
        try:
            self._train_slice(run_id)
        except Exception as exc:  # a bug: the run ends and says why, rather than hang with the window waiting
            traceback.print_exc()
            self._stop()  # (not sending its state: sending may be what failed)
            self._fail(f"Training stopped by an error: {type(exc).__name__}: {exc}")

    def _train_slice(self, run_id: int) -> None:
        trainer = self._trainer
        if run_id != self._run_id or not self._running or trainer is None:
            return
        if self._pause.is_set() or trainer.iteration >= self._target:
            self._end_run()
            self._emit(self._run_rate(), settled=True)
            return
        start = time.perf_counter()
        before = trainer.iteration
        if self._speed_changed:
            self._speed_changed = False
            self._run_started, self._run_first = start, before
        speed = self._speed
        if speed is None:
            # As many iterations as fill about one frame at the last slice's rate (no clock reads inside
            # the loop; at most double the last slice, so a first guess from one iteration can't
            # overshoot); the pause flag is still checked inside every iteration.
            count = max(1, min(int(self._last_rate * self._slice_seconds), 2 * self._last_count))
        else:  # a chosen speed: every iteration is a frame up to 25 a second, then a few per frame
            count = max(1, int(speed * FRAME_MIN))
        stopped = trainer.early_stop
        try:
            trainer.run(min(count, self._target - trainer.iteration), stop=self._pause)
        except DivergenceError as exc:
            self._diverged(exc)
            return
        elapsed, done = time.perf_counter() - start, trainer.iteration - before
        if done and elapsed > 0:
            self._last_rate, self._last_count = done / elapsed, done
        if trainer.early_stop is not stopped:  # the validation loss stopped improving: the run ends, best weights back
            self._end_run()
            self._emit(self._run_rate(), settled=True)
            return
        self._wake.clear()  # from here on a pause or a new speed ends the wait below
        self._frame_shown.clear()
        self._emit(self._run_rate())
        self._frame_shown.wait(FRAME_HANDOFF_SECONDS)
        if speed is not None and done and speed == self._speed and not self._pause.is_set():
            self._wake.wait(max(0.0, done / speed - (time.perf_counter() - start)))
        # Back to the event loop: queued commands apply between slices, never inside an iteration.
        QTimer.singleShot(0, self, lambda: self._slice(run_id))

    def _run_rate(self) -> float | None:
        """Iterations per second of wall-clock time since Run (or the latest change of speed): what the user
        gets, frames included."""
        seconds = time.perf_counter() - self._run_started
        return (self._trainer.iteration - self._run_first) / seconds if seconds > 0 else None

    def _emit(self, rate: float | None = None, phase_results: tuple[PhaseResult, ...] = (),
              settled: bool = False) -> None:
        """Send the trainer's state; ``settled``: a run has ended, and ŷ is that of the weights shown (the last
        feedforward's ŷ is one update older: predictions exported then would not match exported weights)."""
        snapshot = self._trainer.snapshot(history_start=self._sent, row=self._view.row)
        t = self._trainer
        every_row = snapshot.predictions is not None and snapshot.predictions.shape[0] == self._table.n_rows
        if (not every_row or settled and snapshot.predictions_before_update) and snapshot.iteration > 0 \
                and self._predictions_rate.due(self._running):
            # a restored session, a pause inside an iteration, mini-batches or validation rows (the
            # trainer's buffers hold a batch, or the training rows only): ŷ of every table row, now
            snapshot = replace(snapshot, predictions=self._predictions_now(snapshot.iteration),
                               predictions_before_update=False)
        elif not every_row and self._running and self._predicted is not None and self._predicted[0][0] is self._table:
            # between two of those passes: the latest, a moment old and said to be from before the latest
            # updates (not a blank table of predictions for most of a run's frames)
            snapshot = replace(snapshot, predictions=self._predicted[1], predictions_before_update=True)
        elif not every_row and t.X.shape[0] != self._table.n_rows:
            snapshot = replace(snapshot, predictions=None)  # the training rows' alone would be misread
        self._sent = snapshot.iteration
        metrics, validation_metrics, health = self._watch.after(self._trainer, snapshot.predictions, self._running)
        self.updated.emit(
            Update(snapshot, self._running, rate, self._config, self._table, self._generation,
                   self._run_request, self._command, phase_results, self._current_surface(),
                   encoding=self._trainer.encoding, metrics=metrics, validation_metrics=validation_metrics,
                   health=health))

    def _predictions_now(self, iteration: int) -> np.ndarray:
        """ŷ of every row of the table, on the weights as they are."""
        key = (self._table, iteration)
        if self._predicted is None or self._predicted[0][0] is not key[0] or self._predicted[0][1] != iteration:
            y_hat = self._trainer.predict_all()  # the training and validation rows, encoded once, in table order
            y_hat.flags.writeable = False
            self._predicted = (key, y_hat)
        return self._predicted[1]

    def _current_surface(self) -> Surface | Curve | None:
        spec = self._view.surface
        if spec is None:
            return None
        if self._surface_rate.due(self._running):  # (always, once the surface was forgotten)
            start = time.perf_counter()
            try:
                # a Surface, or a Curve for one input; over the table's own values, in its units
                self._surface = output_view(self._trainer.network, spec, self._trainer.encoding,
                                            self._table.input_levels if self._table is not None else None)
            except ValueError:
                self._forget_surface()
                return None  # a plane for another table: the window sends a new one
            self._surface_rate.charge(time.perf_counter() - start)
        return self._surface

    def _forget_surface(self) -> None:
        """The next update computes the surface afresh (a new view or network), whether or not one is due."""
        self._surface: Surface | None = None
        self._surface_rate = RateLimit(SURFACE_SECONDS, share=SURFACE_SHARE)


class WorkerThread(QObject):
    """Owns the worker's QThread and shuts it down cleanly."""

    def __init__(self, parent=None, core: SharedCore | None = None):
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("nnplayground-training")
        self.worker = TrainingWorker(core)
        self.worker.moveToThread(self.thread)
        self.thread.finished.connect(self.worker.deleteLater)
        self.thread.start()

    def shutdown(self, timeout_ms: int = 1000) -> bool:
        """Stop training and end the thread; True when it has ended. The engine checks the stop flag
        between blocks of rows, so even one huge iteration stops within milliseconds."""
        if not self.thread.isRunning():
            return True
        self.worker.request_pause()
        self.thread.quit()
        return self.thread.wait(timeout_ms)
