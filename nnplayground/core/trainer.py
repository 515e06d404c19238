"""Gradient descent one phase at a time: feedforward → loss → backprop → update.

Stepping by phase is for people; :meth:`Trainer.run` is for speed and does the same maths with no
per-phase bookkeeping. Both write into one preallocated :class:`Trace`, so after any phase the
trace holds every number the step computed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import numpy as np

from .losses import get_loss
from .network import Network, Trace, _as_2d_float, _views, backward_into, forward_into, parameter_shapes

PHASES = ("feedforward", "loss", "backprop", "update")


class StopFlag(Protocol):
    def is_set(self) -> bool: ...


class DivergenceError(ArithmeticError):
    """The loss became NaN or infinite; the network keeps its last finite weights."""


@dataclass(frozen=True)
class PhaseResult:
    """What one phase computed, as copies: safe to keep after training moves on."""

    phase: str
    iteration: int  # the iteration this phase belongs to (0-based)
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    """An immutable copy of the trainer's state for a view on another thread."""

    iteration: int
    phase: str  # the next phase to run
    loss: float | None  # the latest loss
    learning_rate: float
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    predictions: np.ndarray | None  # ŷ of the latest feedforward, or None before the first one
    history: np.ndarray  # new loss values since the history_start given to snapshot()
    history_start: int
    gradients: tuple[np.ndarray, ...] = ()  # ∂L/∂W of the latest backprop (zeros before the first)
    bias_gradients: tuple[np.ndarray, ...] = ()
    row: int | None = None  # the table row whose activations follow
    row_activations: tuple[np.ndarray, ...] = ()  # a⁰ (the inputs) … a^L (ŷ) of that row, latest feedforward


def _frozen(arr: np.ndarray) -> np.ndarray:
    out = np.array(arr, copy=True)
    out.flags.writeable = False
    return out


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

    def _record(self, loss: float) -> None:
        if self.iteration == self._history.size:
            grown = np.empty(self._history.size * 2)
            grown[: self.iteration] = self._history
            self._history = grown
        self._history[self.iteration] = loss

    # -- the four phases ------------------------------------------------------------------------
    def _feedforward(self) -> None:
        forward_into(self.network, self.trace)
        self._fed = True

    def _compute_loss(self) -> float:
        y_hat = self.trace.a[-1]
        np.subtract(y_hat, self.y, out=self._diff)
        loss = self._loss.value(y_hat, self.y, self._diff)
        if not math.isfinite(loss):
            raise DivergenceError(
                f"the loss became {loss} at iteration {self.iteration + 1}: training diverged. "
                "The weights are those of the last finite step; lower the learning rate and reset."
            )
        self.last_loss = loss
        return loss

    def _backprop(self) -> None:
        t = self.trace
        self._loss.gradient(t.a[-1], self.y, self._diff, t.delta[-1])  # ∂L/∂ŷ seeds the output δ
        backward_into(self.network, t)

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
        self._record(self.last_loss)
        self.iteration += 1

    # -- stepping -------------------------------------------------------------------------------
    def step_phase(self) -> PhaseResult:
        """Run the next phase and return copies of what it computed."""
        with np.errstate(over="ignore"):
            return self._step_phase()

    def _step_phase(self) -> PhaseResult:
        name, it, t, net = self.phase, self.iteration, self.trace, self.network
        if name == "feedforward":
            self._feedforward()
            values = {"X": t.a[0].copy(), "z": [z.copy() for z in t.z], "a": [a.copy() for a in t.a[1:]]}
        elif name == "loss":
            loss = self._compute_loss()
            values = {"y_hat": t.a[-1].copy(), "y": self.y.copy(), "error": self._diff.copy(), "loss": loss}
        elif name == "backprop":
            dL_dyhat = self._loss.gradient(t.a[-1], self.y, self._diff, np.empty_like(self._diff))
            self._backprop()
            values = {
                "dL_dyhat": dL_dyhat,
                "delta": [d.copy() for d in t.delta],
                "dW": [d.copy() for d in t.dW],
                "db": [d.copy() for d in t.db],
            }
        else:
            W_before = [w.copy() for w in net.weights]
            b_before = [b.copy() for b in net.biases]
            self._update()
            steps = _views(self._step.copy(), parameter_shapes(net.layer_sizes))
            n = len(net.weights)
            values = {
                "learning_rate": self._lr,
                "W_before": W_before,
                "step_W": steps[:n],
                "W_after": [w.copy() for w in net.weights],
                "b_before": b_before,
                "step_b": steps[n:],
                "b_after": [b.copy() for b in net.biases],
            }
            self._finish_iteration()
        self._phase_index = (self._phase_index + 1) % len(PHASES)
        return PhaseResult(name, it, values)

    def step_iteration(self) -> float:
        """Finish the current iteration (a whole one if at its start); return its loss."""
        while True:
            result = self.step_phase()
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
        ``stop`` (e.g. a ``threading.Event``) is checked after each one, more cheaply than a callback:
        another thread sets it to stop the run within one iteration.
        A run started mid-iteration first finishes that iteration (it counts as one of the n).
        """
        done = 0
        if n > 0 and self._phase_index:
            loss = self.step_iteration()
            done += 1
            if (on_progress is not None and on_progress(self.iteration, loss)) or (stop is not None and stop.is_set()):
                return done
        net, trace = self.network, self.trace
        with np.errstate(over="ignore"):
            while done < n:
                # The four phases of step_phase, with no copies or bookkeeping between them.
                forward_into(net, trace)
                loss = self._compute_loss()
                self._backprop()
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
        self._fed = True
        return done

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
            history=_frozen(self._history[start : self.iteration]),
            history_start=start,
            gradients=tuple(_frozen(g) for g in self.trace.dW),
            bias_gradients=tuple(_frozen(g) for g in self.trace.db),
            row=row,
            row_activations=() if row is None else tuple(_frozen(a[row]) for a in self.trace.a),
        )
