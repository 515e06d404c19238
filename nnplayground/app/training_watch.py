"""What the window shows beside the loss, worked out on the worker's thread: the metrics of the latest
predictions (accuracy and confusion matrices, or R² and RMSE) and the training's health (per layer
‖∂L/∂W‖, ‖W‖, saturated and dead shares over the run, and the notes of :func:`~..core.health.diagnose`).

The worker owns one :class:`TrainingWatch` beside its trainer and asks it for both with every update
it sends. A health sample is taken whenever the trainer has finished another iteration (the monitor
thins itself to a bounded number); the metrics and the notes are worked out again at most every
``seconds`` while a run goes on (numbers read no faster), and always after a step or at the end of a
run. In between, every update carries the latest ones, unchanged: views tell by identity that there is
nothing new to show.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..core import Trainer
from ..core.health import (
    HealthMonitor, HealthNote, HealthSample, LayerHealth, LayerState, diagnose, layer_states, samples_to_arrays,
)
from ..core.metrics import Metrics, compute_metrics


@dataclass(frozen=True, eq=False)
class HealthReport:
    """The training's health so far, for a view: read-only arrays and the notes, worst first."""

    iterations: np.ndarray  # the iteration of each sample
    grad_norm: np.ndarray  # [sample, layer]: ‖∂L/∂W‖ (NaN where it is 0 or not finite: the plot's y is log)
    weight_norm: np.ndarray  # [sample, layer]: ‖W‖ (likewise)
    latest: tuple[LayerHealth, ...]  # each layer now: its saturated or dead share
    activations: tuple[str, ...]  # every layer's, the output's last
    layer_sizes: tuple[int, ...]  # inputs, each hidden layer, outputs
    notes: tuple[HealthNote, ...]  # what holds training back, worst first; one "healthy" note when nothing does
    loss: str | None = None  # its name: whether a saturated output blocks the gradient depends on it
    samples: tuple[HealthSample, ...] = ()  # the monitor's samples (what a session keeps)

    @property
    def states(self) -> tuple[LayerState, ...]:
        """Each layer now, as its bar shows it: saturated, dead or (an output whose loss cancels f′) confident."""
        return layer_states(self.latest, self.activations, self.loss)

    @property
    def stuck(self) -> HealthNote | None:
        """The worst note that says training cannot go well this way, if any."""
        return next((note for note in self.notes if note.stuck), None)


def _for_log_plot(values: np.ndarray) -> np.ndarray:
    out = np.where(np.isfinite(values) & (values > 0), values, np.nan)
    out.flags.writeable = False
    return out


class TrainingWatch:
    """Metrics and health of one trainer, for the updates its worker sends (not thread-safe: the worker's)."""

    def __init__(self, seconds: float = 0.25, clock: Callable[[], float] = time.perf_counter):
        self.seconds = seconds
        self._clock = clock
        self._monitor = HealthMonitor()
        self._init = "uniform"
        self._next = 0.0
        self._metrics: Metrics | None = None
        self._validation_metrics: Metrics | None = None
        self._report: HealthReport | None = None

    def start(self, trainer: Trainer, init: str, samples=None) -> None:
        """A new network (``init``: how its weights began): nothing of the last one stays; its first health
        sample is taken now, by a pass of its own (the trainer may not have fed anything forward yet), unless
        ``samples`` (a reopened session's) go on from where it was."""
        self._monitor.clear()
        if samples:
            self._monitor.restore(samples)
        self._init = init
        self._metrics = self._validation_metrics = self._report = None
        self._next = 0.0
        self._monitor.observe(trainer)

    def table_changed(self, trainer: Trainer) -> None:
        """New rows: the metrics wait for predictions of them. An untrained network's first sample is
        taken again, on them; later samples come from the iterations trained on them."""
        self._metrics = self._validation_metrics = None
        self._next = 0.0
        if trainer.iteration == 0:
            self._monitor.clear()
            self._monitor.observe(trainer)

    def after(self, trainer: Trainer, predictions: np.ndarray | None,
              running: bool) -> tuple[Metrics | None, Metrics | None, HealthReport | None]:
        """The metrics of ``predictions`` (ŷ of the training rows, or of every table row when some are
        validation rows; None when there is none) on the training rows and on the validation rows, and the
        health report, for an update; worked out again when due (see the module's docstring). A diverging
        network's infinite numbers give NaN or infinite metrics, not warnings."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._after(trainer, predictions, running)

    def _after(self, trainer: Trainer, predictions: np.ndarray | None,
               running: bool) -> tuple[Metrics | None, Metrics | None, HealthReport | None]:
        self._monitor.observe(trainer)  # a new sample only once another iteration is done
        now = self._clock()
        if running and now < self._next and self._report is not None:
            return self._metrics, self._validation_metrics, self._report
        self._next = now + self.seconds
        encoding = trainer.encoding
        if predictions is not None and encoding is not None:
            if predictions.shape[0] == trainer.y.shape[0]:  # the training rows' (no validation rows)
                self._metrics, self._validation_metrics = compute_metrics(encoding, predictions, trainer.y), None
            elif trainer.val_rows is not None and predictions.shape[0] == trainer.rows.size + trainer.val_rows.size:
                # every table row's ŷ, in the table's order (Trainer.predict_all)
                self._metrics = compute_metrics(encoding, predictions[trainer.rows], trainer.y)
                self._validation_metrics = compute_metrics(encoding, predictions[trainer.val_rows], trainer.y_val)
        net = trainer.network
        samples = self._monitor.samples
        notes = diagnose(samples, trainer.history, activations=net.activations, layer_sizes=net.layer_sizes,
                         validation=trainer.validation_history, stopped_early=trainer.early_stop is not None,
                         init=self._init, learning_rate=trainer.learning_rate,
                         scaled=encoding is not None and encoding.scales_inputs,
                         iterations_per_epoch=trainer.iterations_per_epoch, loss=trainer.loss_name)
        arrays = samples_to_arrays(samples, ("grad_norm", "weight_norm"))  # one pass over the samples for both
        iterations = arrays["iterations"]
        iterations.flags.writeable = False
        self._report = HealthReport(iterations, _for_log_plot(arrays["grad_norm"]),
                                    _for_log_plot(arrays["weight_norm"]), samples[-1].layers,
                                    tuple(net.activations), tuple(net.layer_sizes), notes, trainer.loss_name,
                                    tuple(samples))
        return self._metrics, self._validation_metrics, self._report
