"""Gradient descent one phase at a time: feedforward → loss → backprop → update.

Stepping by phase is for people; :meth:`Trainer.run` is for speed and does the same maths with no
per-phase bookkeeping. Both write into one preallocated :class:`Trace`, so after any phase the
trace holds every number the step computed. Each step returns what it computed as one typed,
read-only result per phase (:class:`FeedforwardResult` … :class:`UpdateResult`).

A stop flag is polled between layers (block of rows by block of rows), so even one huge iteration
ends within milliseconds; an iteration stopped half-way is abandoned and starts again from its
feedforward, with the weights, history and loss it would have changed untouched.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from .explain import ParameterExplanation, explain_parameter
from .losses import get_loss
from .network import (Network, StopFlag, Trace, _as_2d_float, _views, backward_into, forward_into,
                      parameter_shapes, seed_output_delta)

PHASES = ("feedforward", "loss", "backprop", "update")

# Below this many multiply-adds a whole iteration takes well under a millisecond: run() then polls its
# stop flag between iterations only, where a poll costs nothing measurable, not between layers too.
POLL_LAYERS_FROM = 1 << 20


class DivergenceError(ArithmeticError):
    """The loss became NaN or infinite; the network keeps its last finite weights."""


# eq=False: results hold arrays, which have no single truth value; a result equals only itself.
@dataclass(frozen=True, eq=False)
class PhaseResult:
    """What one phase computed, as read-only copies: safe to keep after training moves on."""

    phase: str  # one of PHASES
    iteration: int  # the iteration this phase belongs to, 0-based (the inspector shows it 1-based)


@dataclass(frozen=True, eq=False)
class FeedforwardResult(PhaseResult):
    X: np.ndarray  # a⁰, the inputs
    z: tuple[np.ndarray, ...]  # z[l] = (X for l = 0, else a[l-1])·W[l] + b[l]; 0 is the first hidden layer
    a: tuple[np.ndarray, ...]  # a[l] = f(z[l]); a[-1] is ŷ
    phase: str = field(default="feedforward", init=False)


@dataclass(frozen=True, eq=False)
class LossResult(PhaseResult):
    y_hat: np.ndarray
    y: np.ndarray
    error: np.ndarray  # ŷ − y
    loss: float
    phase: str = field(default="loss", init=False)


@dataclass(frozen=True, eq=False)
class BackpropResult(PhaseResult):
    dL_dyhat: np.ndarray
    delta: tuple[np.ndarray, ...]  # δ[l] = ∂L/∂z[l]
    dW: tuple[np.ndarray, ...]
    db: tuple[np.ndarray, ...]  # zeros without biases
    phase: str = field(default="backprop", init=False)


@dataclass(frozen=True, eq=False)
class UpdateResult(PhaseResult):
    learning_rate: float
    W_before: tuple[np.ndarray, ...]
    step_W: tuple[np.ndarray, ...]  # η·∂L/∂W, subtracted from W_before
    W_after: tuple[np.ndarray, ...]
    b_before: tuple[np.ndarray, ...]
    step_b: tuple[np.ndarray, ...]
    b_after: tuple[np.ndarray, ...]
    phase: str = field(default="update", init=False)


@dataclass(frozen=True)
class Snapshot:
    """An immutable copy of the trainer's state for a view on another thread."""

    iteration: int
    phase: str  # the next phase to run
    loss: float | None  # the latest loss
    learning_rate: float
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    predictions: np.ndarray | None  # ŷ of the latest feedforward; None before one completes after a stop
    history: np.ndarray  # new loss values since the history_start given to snapshot()
    history_start: int
    gradients: tuple[np.ndarray, ...] = ()  # ∂L/∂W of the latest backprop (zeros before the first)
    bias_gradients: tuple[np.ndarray, ...] = ()
    row: int | None = None  # the table row whose activations follow
    row_activations: tuple[np.ndarray, ...] = ()  # a⁰ (the inputs) … a^L (ŷ) of that row, latest feedforward
    predictions_before_update: bool = False  # ŷ was computed with the weights before the latest update


def _frozen(arr: np.ndarray) -> np.ndarray:
    out = np.array(arr, copy=True)
    out.flags.writeable = False
    return out


def _frozen_all(arrays) -> tuple[np.ndarray, ...]:
    return tuple(_frozen(a) for a in arrays)


class Trainer:
    def __init__(self, network: Network, X, y, loss: str = "sse", learning_rate: float = 1.0):
        self.network = network
        self.loss_name = loss
        self._loss = get_loss(loss)
        self.learning_rate = learning_rate
        self.iteration = 0
        self._history = np.empty(1024)
        self._phase_index = 0
        self.last_loss: float | None = None
        self._updated_since_fed = False
        # how the table's columns became X and y (TrainingConfig.make_trainer sets it; None: given as numbers)
        self.encoding = None
        self.set_data(X, y)

    # -- settings -------------------------------------------------------------------------------
    @property
    def learning_rate(self) -> float:
        return self._lr

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        value = float(value)
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"learning rate must be a positive finite number, got {value}")
        self._lr = value

    def set_data(self, X, y) -> None:
        """Train on a new table from the next feedforward on; a half-done iteration starts over."""
        net = self.network
        X = _as_2d_float("X", X, net.n_inputs)
        y = _as_2d_float("y", y, net.n_outputs)
        if X.shape[0] != y.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
        self.y = y.copy()
        self.trace = Trace.empty(net.layer_sizes, X.shape[0])
        self.trace.a[0][...] = X
        self.X = self.trace.a[0]
        self._diff = np.zeros_like(self.y)
        self._step = np.zeros_like(net.parameters)  # η·∂L/∂θ of the latest update
        weights = sum(n_in * n_out for n_in, n_out in zip(net.layer_sizes[:-1], net.layer_sizes[1:]))
        self._poll_layers = X.shape[0] * weights >= POLL_LAYERS_FROM
        self._phase_index = 0
        self._fed = False

    # -- state ----------------------------------------------------------------------------------
    @property
    def phase(self) -> str:
        """The next phase :meth:`step_phase` will run."""
        return PHASES[self._phase_index]

    @property
    def history(self) -> np.ndarray:
        """The loss measured in each completed iteration (before that iteration's update)."""
        return self._history[: self.iteration]

    def restore_history(self, history) -> None:
        """Continue from a saved run: its losses become this trainer's, its length the iteration count."""
        history = np.asarray(history, dtype=float).ravel()
        if not np.isfinite(history).all():
            raise ValueError("a loss history must hold finite numbers")
        self._history = np.empty(max(1024, 2 * history.size))
        self._history[: history.size] = history
        self.iteration = int(history.size)
        self.last_loss = float(history[-1]) if history.size else None
        self._phase_index = 0

    # -- the four phases ------------------------------------------------------------------------
    def _measure_loss(self) -> float:
        y_hat = self.trace.a[-1]
        np.subtract(y_hat, self.y, out=self._diff)
        loss = self._loss.value(y_hat, self.y, self._diff)
        if not math.isfinite(loss):
            raise DivergenceError(
                f"the loss became {loss} at iteration {self.iteration + 1}: training diverged. "
                "The weights are those of the last finite step; lower the learning rate and reset."
            )
        return loss

    def _backprop(self, stop: StopFlag | None = None) -> bool:
        t = self.trace
        # ∂L/∂ŷ seeds the output δ (or, for sigmoid + bce and softmax + cross-entropy, is δ = (ŷ − y)/N)
        fused = seed_output_delta(self.network, self._loss, t.a[-1], self.y, self._diff, t.delta[-1])
        return backward_into(self.network, t, stop, output_delta=fused)

    def _check_step(self, step: np.ndarray) -> None:
        if not math.isfinite(np.dot(step, step)):  # NaN, inf, or so large its square overflows
            raise DivergenceError(
                f"the update step blew up at iteration {self.iteration + 1} (NaN, infinite or beyond 1e154): "
                "training diverged. "
                "The weights are those of the last finite step; lower the learning rate and reset."
            )

    def _update(self) -> None:
        # θ ← θ − η·∂L/∂θ for every W and b at once (the biases' gradient stays 0 without bias).
        np.multiply(self.trace.gradient, self._lr, self._step)
        self._check_step(self._step)
        np.subtract(self.network.parameters, self._step, self.network.parameters)

    def _finish_iteration(self) -> None:
        self._updated_since_fed = True  # ŷ of the trace is now that of the weights before this update
        if self.iteration == self._history.size:
            grown = np.empty(self._history.size * 2)
            grown[: self.iteration] = self._history
            self._history = grown
        self._history[self.iteration] = self.last_loss
        self.iteration += 1

    def _forget_feedforward(self) -> None:
        """A stop came mid-pass: the trace's ŷ and activations are part new, part old, or (a run's
        iteration restarting from its feedforward) ahead of the loss: none is reported until the
        next complete feedforward."""
        self._fed = False

    # -- stepping -------------------------------------------------------------------------------
    def step_phase(self, stop: StopFlag | None = None) -> PhaseResult | None:
        """Run the next phase and return copies of what it computed.

        ``stop`` is polled before the phase and between the layers of a feedforward or a backprop;
        once it is set the phase is abandoned and None returned: weights, history and iteration are
        untouched, the trainer stays at that phase, and after an abandoned feedforward the snapshot
        reports no predictions until the next complete one.
        """
        with np.errstate(over="ignore"):
            return self._step_phase(stop)

    def _step_phase(self, stop: StopFlag | None) -> PhaseResult | None:
        name, it, t, net = self.phase, self.iteration, self.trace, self.network
        if stop is not None and stop.is_set():
            return None
        if name == "feedforward":
            self._fed = True
            if forward_into(net, t, stop) is None:
                self._forget_feedforward()
                return None
            self._updated_since_fed = False
            result = FeedforwardResult(it, _frozen(t.a[0]), _frozen_all(t.z), _frozen_all(t.a[1:]))
        elif name == "loss":
            self.last_loss = self._measure_loss()
            result = LossResult(it, _frozen(t.a[-1]), _frozen(self.y), _frozen(self._diff), self.last_loss)
        elif name == "backprop":
            dL_dyhat = self._loss.gradient(t.a[-1], self.y, self._diff, np.empty_like(self._diff))
            if not self._backprop(stop):
                return None
            dL_dyhat.flags.writeable = False
            result = BackpropResult(it, dL_dyhat, _frozen_all(t.delta), _frozen_all(t.dW), _frozen_all(t.db))
        else:
            W_before, b_before = _frozen_all(net.weights), _frozen_all(net.biases)
            self._update()
            step = _frozen(self._step)  # its views below are read-only too
            steps = _views(step, parameter_shapes(net.layer_sizes))
            n = len(net.weights)
            result = UpdateResult(it, self._lr, W_before, tuple(steps[:n]), _frozen_all(net.weights),
                                  b_before, tuple(steps[n:]), _frozen_all(net.biases))
            self._finish_iteration()
        self._phase_index = (self._phase_index + 1) % len(PHASES)
        return result

    def step_iteration(self, stop: StopFlag | None = None) -> float | None:
        """Finish the current iteration (a whole one if at its start); return its loss.

        None when ``stop`` abandoned a phase (see :meth:`step_phase`): the trainer stays at that phase.
        """
        while True:
            result = self.step_phase(stop)
            if result is None:
                return None
            if result.phase == "update":
                return self.last_loss

    def run(
        self,
        n: int,
        on_progress: Callable[[int, float], bool | None] | None = None,
        stop: StopFlag | None = None,
    ) -> int:
        """Run ``n`` more iterations; return how many were done.

        ``on_progress(iteration, loss)`` is called after each one; returning True stops the run.
        ``stop`` (e.g. a ``threading.Event``) is polled between layers (of each row block), more cheaply
        than a callback: another thread sets it to stop the run within one layer's work, or between
        iterations when an iteration is too small for that to matter. An iteration it interrupts is
        abandoned: weights, history, loss and iteration count stay as they were before it, the next
        feedforward starts it again, and the snapshot reports no predictions until then.
        A run started mid-iteration first finishes that iteration (it counts as one of the n).
        """
        done = 0
        if n > 0 and self._phase_index:
            loss = self.step_iteration(stop)
            if loss is None:
                return done
            done += 1
            if (on_progress is not None and on_progress(self.iteration, loss)) or (stop is not None and stop.is_set()):
                return done
        net, trace = self.network, self.trace
        layer_stop = stop if self._poll_layers else None
        if done < n:
            self._fed = True  # each pass below completes its feedforward or abandons its iteration
        with np.errstate(over="ignore"):
            while done < n:
                # The four phases of step_phase, with no copies or bookkeeping between them.
                if forward_into(net, trace, layer_stop) is None:
                    self._forget_feedforward()
                    break
                self._updated_since_fed = False
                loss = self._measure_loss()
                fused = seed_output_delta(net, self._loss, trace.a[-1], self.y, self._diff, trace.delta[-1])
                if not backward_into(net, trace, layer_stop, fused):
                    self._forget_feedforward()
                    break
                self.last_loss = loss
                if self._lr == 1.0:  # θ − 1·g is θ − g exactly: save the multiply
                    self._check_step(trace.gradient)
                    np.subtract(net.parameters, trace.gradient, net.parameters)
                else:
                    self._update()
                self._finish_iteration()
                done += 1
                if on_progress is not None and on_progress(self.iteration, loss):
                    break
                if stop is not None and stop.is_set():
                    break
        return done

    def explain(self, kind: str, layer: int, i: int, j: int) -> ParameterExplanation:
        """The chain rule of one parameter on the current weights and table, marked with the trainer's
        iteration and next phase: it equals the latest backprop's ∂L/∂θ only when the next phase is
        the update (see :attr:`ParameterExplanation.matches_latest_backprop`)."""
        e = explain_parameter(self.network, self.X, self.y, self.loss_name, kind, layer, i, j)
        return replace(e, iteration=self.iteration, phase=self.phase)

    def snapshot(self, history_start: int = 0, row: int | None = None) -> Snapshot:
        """Copies of the state, with the loss history from ``history_start`` on and, for ``row``,
        every layer's activations in the latest feedforward (only one row: tables can be large)."""
        start = min(max(history_start, 0), self.iteration)
        row = row if row is not None and 0 <= row < self.y.shape[0] and self._fed else None
        return Snapshot(
            iteration=self.iteration,
            phase=self.phase,
            loss=self.last_loss,
            learning_rate=self._lr,
            weights=tuple(_frozen(w) for w in self.network.weights),
            biases=tuple(_frozen(b) for b in self.network.biases),
            predictions=_frozen(self.trace.a[-1]) if self._fed else None,
            predictions_before_update=self._fed and self._updated_since_fed,
            history=_frozen(self._history[start : self.iteration]),
            history_start=start,
            gradients=tuple(_frozen(g) for g in self.trace.dW),
            bias_gradients=tuple(_frozen(g) for g in self.trace.db),
            row=row,
            row_activations=() if row is None else tuple(_frozen(a[row]) for a in self.trace.a),
        )
