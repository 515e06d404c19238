"""Gradient descent one phase at a time: feedforward → loss → backprop → update.

Stepping by phase is for people; :meth:`Trainer.run` is for speed and does the same maths with no
per-phase bookkeeping. Both write into preallocated :class:`Trace` buffers, so after any phase the
trace holds every number the step computed. Each step returns what it computed as one typed,
read-only result per phase (:class:`FeedforwardResult` … :class:`UpdateResult`).

Beyond the tutorial's full-batch gradient descent, a trainer may take the rows in mini-batches
(shuffled at the start of every epoch by one generator made once from ``shuffle_seed``), turn each
gradient into a step with an optimizer (:mod:`.optimizers`: SGD with momentum, RMSProp, Adam), follow a
learning-rate schedule (:mod:`.schedules`, by completed epochs), add an L2 or L1 penalty on the weights
(not the biases) to the loss, and measure the loss on validation rows after every epoch, stopping early
(with the best weights back) when it has not improved for ``patience`` epochs. An *iteration* is one
update; an *epoch* one pass over the training rows. Full batch, plain SGD and no penalty is exactly the
tutorial's update, bit for bit.

A stop flag is polled between layers (block of rows by block of rows), so even one huge iteration
ends within milliseconds; an iteration stopped half-way is abandoned and starts again from its
feedforward (on the same batch), with the weights, history and loss it would have changed untouched.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from collections.abc import Mapping
from typing import Any, Callable

import numpy as np

from .explain import ParameterExplanation, explain_parameter
from .losses import get_loss
from .network import (Network, StopFlag, Trace, _as_2d_float, _views, backward_into, forward_into,
                      parameter_shapes, seed_output_delta)
from .optimizers import SGD, Optimizer, make_optimizer
from .schedules import Constant, Schedule, make_schedule

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
    X: np.ndarray  # a⁰, the inputs (of the batch's rows)
    z: tuple[np.ndarray, ...]  # z[l] = (X for l = 0, else a[l-1])·W[l] + b[l]; 0 is the first hidden layer
    a: tuple[np.ndarray, ...]  # a[l] = f(z[l]); a[-1] is ŷ
    rows: np.ndarray | None = None  # the table rows the batch holds, in its order; None: rows 0, 1, 2… of the table
    epoch: int = 0  # completed epochs when this batch was drawn
    batch: int = 0  # which batch of its epoch, 0-based (0 with the whole table)
    batches: int = 1  # batches per epoch
    phase: str = field(default="feedforward", init=False)


@dataclass(frozen=True, eq=False)
class LossResult(PhaseResult):
    y_hat: np.ndarray
    y: np.ndarray
    error: np.ndarray  # ŷ − y
    loss: float  # the loss minimised: data loss + penalty
    data_loss: float = math.nan  # the loss function's value on the batch
    penalty: float = 0.0  # λ₂/2·ΣW² + λ₁·Σ|W| over the weights (not the biases)
    phase: str = field(default="loss", init=False)


@dataclass(frozen=True, eq=False)
class BackpropResult(PhaseResult):
    dL_dyhat: np.ndarray
    delta: tuple[np.ndarray, ...]  # δ[l] = ∂L/∂z[l]
    dW: tuple[np.ndarray, ...]  # the whole ∂L/∂W, the penalty's share included
    db: tuple[np.ndarray, ...]  # zeros without biases
    penalty_dW: tuple[np.ndarray, ...] = ()  # the penalty's share of dW: λ₂·W + λ₁·sign(W) (empty: no penalty)
    phase: str = field(default="backprop", init=False)


@dataclass(frozen=True, eq=False)
class UpdateResult(PhaseResult):
    learning_rate: float  # the rate this update used (the schedule's, at this epoch)
    W_before: tuple[np.ndarray, ...]
    step_W: tuple[np.ndarray, ...]  # Δ, subtracted from W_before (η·∂L/∂W for plain SGD)
    W_after: tuple[np.ndarray, ...]
    b_before: tuple[np.ndarray, ...]
    step_b: tuple[np.ndarray, ...]
    b_after: tuple[np.ndarray, ...]
    optimizer: str = "sgd"  # its repr, e.g. "Adam(beta1=0.9, beta2=0.999, eps=1e-08)"
    formula: str = ""  # its update rule
    state_before: dict = field(default_factory=dict)  # name → flat copy, laid out as the parameters
    state_after: dict = field(default_factory=dict)
    derived: dict = field(default_factory=dict)  # Adam's m̂, v̂ of this step
    t: int = 0  # the optimizer's step count after this update
    early_stop: "EarlyStop | None" = None  # this update ended an epoch that stopped training: W_after was then put back
    phase: str = field(default="update", init=False)


@dataclass(frozen=True)
class EarlyStop:
    """Training stopped because the validation loss had not improved for ``patience`` epochs; the
    weights were put back to those of its best epoch."""

    best_iteration: int
    best_loss: float
    stopped_at: int  # the iteration at which it stopped
    patience: int

    def __str__(self) -> str:
        """What happened, as the command line and the window say it."""
        return (f"stopped early at iteration {self.stopped_at:,} and went back to the weights of iteration "
                f"{self.best_iteration:,}, the best on the validation rows (loss {self.best_loss:.3g}); it had not "
                f"improved for {self.patience:,} epoch{'s' if self.patience != 1 else ''}")


@dataclass(frozen=True)
class Snapshot:
    """An immutable copy of the trainer's state for a view on another thread."""

    iteration: int
    phase: str  # the next phase to run
    loss: float | None  # the latest loss
    learning_rate: float  # the rate the next update uses
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    predictions: np.ndarray | None  # ŷ of every training row in the latest feedforward; None with mini-batches
    history: np.ndarray  # new loss values since the history_start given to snapshot()
    history_start: int
    gradients: tuple[np.ndarray, ...] = ()  # ∂L/∂W of the latest backprop (zeros before the first)
    bias_gradients: tuple[np.ndarray, ...] = ()
    row: int | None = None  # the table row whose activations follow
    row_activations: tuple[np.ndarray, ...] = ()  # a⁰ (the inputs) … a^L (ŷ) of that row, latest feedforward
    predictions_before_update: bool = False  # ŷ was computed with the weights before the latest update
    epoch: int = 0  # completed epochs
    iterations_per_epoch: int = 1
    validation: tuple[np.ndarray, np.ndarray] = (np.zeros(0), np.zeros(0))  # (iterations, losses), all so far
    early_stop: EarlyStop | None = None
    resume: tuple[dict, dict] | None = None  # Trainer.resume_state(): what a session needs to go on exactly


def resume_record_problem(record: Any) -> str | None:
    """What is wrong with a :meth:`Trainer.resume_state` record read from a file, or None: each field's
    type, before any is used (the shuffle generator's state is checked as it is set)."""
    def whole(v):
        return type(v) is int and v >= 0

    def number(v):
        return type(v) in (int, float) and math.isfinite(v)

    if not isinstance(record, Mapping):
        return "the training state must be a record"
    if not all(whole(record.get(k)) for k in ("epoch", "position", "t")):
        return "the training state's epoch, position or step count is damaged"
    if not (record.get("waited") is None or whole(record["waited"])):
        return "the training state's count of epochs without improvement is damaged"
    best = record.get("best")
    if not (best is None or isinstance(best, list) and len(best) == 2 and number(best[0]) and whole(best[1])):
        return "the training state's best validation loss is damaged"
    stop = record.get("early_stop")
    if not (stop is None or isinstance(stop, list) and len(stop) == 3 and whole(stop[0]) and number(stop[1])
            and whole(stop[2])):
        return "the training state's early stop is damaged"
    return None


def _frozen(arr: np.ndarray) -> np.ndarray:
    out = np.array(arr, copy=True)
    out.flags.writeable = False
    return out


def _frozen_all(arrays) -> tuple[np.ndarray, ...]:
    return tuple(_frozen(a) for a in arrays)


def _check_penalty(name: str, value) -> float:
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number ≥ 0, got {value}")
    return value


class Trainer:
    def __init__(self, network: Network, X, y, loss: str = "sse", learning_rate: float = 1.0, *,
                 optimizer: Optimizer | str | None = None, batch_size: int | None = None, shuffle_seed: int = 0,
                 l2: float = 0.0, l1: float = 0.0, schedule: Schedule | str | None = None,
                 X_val=None, y_val=None, patience: int | None = None, rows=None, val_rows=None):
        """``rows``: the table row of each training row (what the inspector names a batch's rows by);
        by default 0 … n−1. ``X_val``/``y_val``: validation rows, measured after every epoch, and
        ``val_rows`` their table rows (for a snapshot's ``row``)."""
        self.network = network
        self.loss_name = loss
        self._loss = get_loss(loss)
        self.learning_rate = learning_rate
        self.optimizer = make_optimizer("sgd" if optimizer is None else optimizer).bind(network.parameters.size)
        self._plain = type(self.optimizer) is SGD and not self.optimizer.state_names  # Δ = η·g, nothing kept
        self.schedule = Constant() if schedule is None else make_schedule(schedule)
        if batch_size is not None and (isinstance(batch_size, bool) or int(batch_size) != batch_size
                                       or batch_size < 1):
            raise ValueError(f"batch size must be a whole number ≥ 1 (or None: the whole table), got {batch_size}")
        self.batch_size = None if batch_size is None else int(batch_size)
        self.shuffle_seed = int(shuffle_seed)
        self._rng = np.random.default_rng(self.shuffle_seed)
        self.l2, self.l1 = _check_penalty("l2", l2), _check_penalty("l1", l1)
        self.patience = None if not patience else int(patience)
        self.iteration = 0
        self.epoch = 0
        self._position = 0  # training rows taken so far in this epoch
        self._order: np.ndarray | None = None  # this epoch's shuffled row order (mini-batches)
        self._epoch_rng: dict | None = None  # the shuffle generator's state before that order was drawn
        self._batch: np.ndarray | None = None  # the rows of the iteration under way, once drawn
        self._history = np.empty(1024)
        # the validation loss after each epoch: (iteration, loss) rows, grown by doubling; rows once written
        # never change, so a snapshot hands out a read-only view of them, not a copy
        self._val = np.empty((64, 2))
        self._n_val = 0
        self._best: tuple[float, int, np.ndarray] | None = None  # (loss, iteration, parameters) for early stopping
        self._waited = 0
        self.early_stop: EarlyStop | None = None
        self._phase_index = 0
        self.last_loss: float | None = None
        self._last_data_loss = math.nan
        self._updated_since_fed = False
        n_weights = sum(W.size for W in network.weights)
        self._weights = network.parameters[:n_weights]  # every W, flat (biases are not penalised)
        self._penalty_grad = np.zeros(n_weights)
        # how the table's columns became X and y (TrainingConfig.make_trainer sets it; None: given as numbers)
        self.encoding = None
        self.set_data(X, y, rows)
        self.set_validation(X_val, y_val, val_rows)

    # -- settings -------------------------------------------------------------------------------
    @property
    def learning_rate(self) -> float:
        """The base rate η₀ (a schedule lowers it epoch by epoch: :attr:`current_learning_rate`)."""
        return self._lr

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        value = float(value)
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"learning rate must be a positive finite number, got {value}")
        self._lr = value

    @property
    def current_learning_rate(self) -> float:
        """The rate the next update uses: the schedule's at the completed epochs."""
        return self.schedule.rate(self._lr, self.epoch)

    def set_penalties(self, l2: float = 0.0, l1: float = 0.0) -> None:
        """L2 and L1 strengths from the next iteration on (the loss and the gradient include them)."""
        self.l2, self.l1 = _check_penalty("l2", l2), _check_penalty("l1", l1)

    def set_data(self, X, y, rows=None) -> None:
        """Train on a new table from the next feedforward on; a half-done iteration starts over, and
        with mini-batches a new epoch begins."""
        net = self.network
        X = _as_2d_float("X", X, net.n_inputs)
        y = _as_2d_float("y", y, net.n_outputs)
        if X.shape[0] != y.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
        n = X.shape[0]
        self.rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.intp).copy()
        if self.rows.shape != (n,):
            raise ValueError(f"{n} training rows but {self.rows.size} row numbers")
        self._first_rows = bool(np.array_equal(self.rows, np.arange(n)))  # the table's first n rows, in order
        self.y = y.copy()
        self._full = self.batch_size is None or self.batch_size >= n
        self._buffers: dict[int, tuple[Trace, np.ndarray, np.ndarray]] = {}  # batch size → (trace, y, ŷ − y)
        if self._full:
            self.trace = Trace.empty(net.layer_sizes, n)
            self.trace.a[0][...] = X
            self.X = self.trace.a[0]
            self._buffers[n] = (self.trace, self.y, np.zeros_like(self.y))
        else:  # one set of buffers for full batches, one for the smaller last batch of an epoch
            self.X = X.copy()
            for size in {self.batch_size, n % self.batch_size} - {0}:
                self._buffers[size] = (Trace.empty(net.layer_sizes, size), np.zeros((size, net.n_outputs)),
                                       np.zeros((size, net.n_outputs)))
            self.trace = self._buffers[self.batch_size][0]
        self._trace_y, self._diff = self._buffers[self.trace.a[0].shape[0]][1:]
        self._step = np.zeros_like(net.parameters)  # Δ of the latest update
        weights = sum(n_in * n_out for n_in, n_out in zip(net.layer_sizes[:-1], net.layer_sizes[1:]))
        self._poll_layers = min(n, self.batch_size or n) * weights >= POLL_LAYERS_FROM
        self._phase_index = 0
        self._fed = False
        self._batch = None
        self._position, self._order = 0, None

    @property
    def light(self) -> bool:
        """An iteration of well under a millisecond on one thread: fewer than POLL_LAYERS_FROM multiply-adds and
        one block of rows. Between two such iterations Python's own work, not the arithmetic, sets the pace (a
        window running it shares one core with it: ui/shared_core.py)."""
        return not self._poll_layers and len(self.trace.blocks) == 1

    def set_validation(self, X_val=None, y_val=None, rows=None) -> None:
        """Rows to measure the loss on after every epoch (never trained on); None: none. Early stopping
        starts over: a best loss measured on other rows is no yardstick for these."""
        self._best, self._waited = None, 0
        if X_val is None or y_val is None or len(X_val) == 0:
            self.X_val = self.y_val = self._val_trace = self.val_rows = None
            return
        X_val = _as_2d_float("validation X", X_val, self.network.n_inputs)
        y_val = _as_2d_float("validation y", y_val, self.network.n_outputs)
        if X_val.shape[0] != y_val.shape[0]:
            raise ValueError(f"validation X has {X_val.shape[0]} rows but y has {y_val.shape[0]}")
        self._val_trace = Trace.empty(self.network.layer_sizes, X_val.shape[0])
        self._val_trace.a[0][...] = X_val
        self.X_val, self.y_val = self._val_trace.a[0], y_val.copy()
        self.val_rows = None if rows is None else np.asarray(rows, dtype=np.intp).copy()

    # -- state ----------------------------------------------------------------------------------
    @property
    def phase(self) -> str:
        """The next phase :meth:`step_phase` will run."""
        return PHASES[self._phase_index]

    @property
    def history(self) -> np.ndarray:
        """The loss measured in each completed iteration (before that iteration's update)."""
        return self._history[: self.iteration]

    @property
    def validation_history(self) -> tuple[np.ndarray, np.ndarray]:
        """(iterations, losses): the validation loss after each epoch, at the iteration it was measured."""
        rows = self._val[: self._n_val]
        its, losses = rows[:, 0], rows[:, 1]
        its.flags.writeable = losses.flags.writeable = False
        return its, losses

    @property
    def iterations_per_epoch(self) -> int:
        n = self.X.shape[0]
        return 1 if self._full else -(-n // self.batch_size)

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
        if self._full:
            self.epoch = self.iteration

    # -- resuming exactly -----------------------------------------------------------------------
    def resume_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """What a session must keep for training to go on exactly as it would have (beyond the weights
        and the loss history): a JSON-ready record and named arrays (copies). The epoch's row order is
        not kept: the shuffle generator's state before it was drawn makes it again."""
        arrays = {f"optimizer_{k}": v.copy() for k, v in self.optimizer.state().items()}
        arrays["validation_iterations"], arrays["validation_losses"] = self.validation_history
        if self._best is not None:
            arrays["best_parameters"] = self._best[2].copy()
        mid_epoch = self._order is not None and (self._position > 0 or self._batch is not None)  # order drawn
        rng = self._epoch_rng if mid_epoch else self._rng.bit_generator.state
        record = {"epoch": self.epoch, "position": self._position, "t": self.optimizer.t,
                  "rng": _plain_rng(rng), "waited": self._waited,
                  "best": None if self._best is None else [self._best[0], self._best[1]],
                  "early_stop": None if self.early_stop is None else [
                      self.early_stop.best_iteration, self.early_stop.best_loss, self.early_stop.stopped_at]}
        return record, arrays

    def restore_state(self, record: dict, arrays: dict[str, np.ndarray]) -> None:
        """Undo of :meth:`resume_state` after :meth:`restore_history` (ValueError if it does not fit)."""
        problem = resume_record_problem(record)
        if problem:
            raise ValueError(problem)
        n = self.X.shape[0]
        epoch, position, t = (record[k] for k in ("epoch", "position", "t"))
        if position >= max(n, 1) or (self._full and position):
            raise ValueError("the training state's epoch, position or step count is damaged")
        state = {k[len("optimizer_"):]: v for k, v in arrays.items() if k.startswith("optimizer_")}
        self.optimizer = type(self.optimizer).from_dict(
            {"name": self.optimizer.name, "hyperparameters": self.optimizer.hyperparameters(), "t": t,
             "n_parameters": self.network.parameters.size, "state": state}, self.network.parameters.size)
        try:
            self._rng.bit_generator.state = _rng_state(record.get("rng"))
        except (TypeError, ValueError, KeyError) as exc:
            raise ValueError(f"the training state's shuffle generator is damaged ({exc})") from None
        self.epoch, self._position, self._order, self._batch = epoch, position, None, None
        if position:  # mid-epoch: draw this epoch's order again, as it was drawn
            self._epoch_rng = self._rng.bit_generator.state
            self._order = self._rng.permutation(n)
        its, losses = arrays.get("validation_iterations"), arrays.get("validation_losses")
        if its is not None and losses is not None and its.shape == losses.shape:
            self._val = np.empty((max(64, 2 * its.size), 2))
            self._val[: its.size, 0], self._val[: its.size, 1] = its, losses
            self._n_val = its.size
        self._waited = int(record.get("waited") or 0)
        best = record.get("best")
        if best is not None and "best_parameters" in arrays:
            self._best = (float(best[0]), int(best[1]), arrays["best_parameters"].copy())
        stop = record.get("early_stop")
        if stop is not None:
            self.early_stop = EarlyStop(int(stop[0]), float(stop[1]), int(stop[2]), self.patience or 0)

    # -- the four phases ------------------------------------------------------------------------
    def _draw_batch(self) -> None:
        """Put the next batch's rows into the trace (mini-batches): a new shuffled order at the start of
        each epoch, then batches taken in that order, the last one smaller. An iteration that starts
        over keeps its batch."""
        if self._full or self._batch is not None:
            return
        n = self.X.shape[0]
        if self._position == 0 or self._order is None:
            self._epoch_rng = self._rng.bit_generator.state  # what a session keeps to draw it again
            self._order = self._rng.permutation(n)
        batch = self._order[self._position:self._position + self.batch_size]
        trace, y, diff = self._buffers[batch.size]
        np.take(self.X, batch, axis=0, out=trace.a[0])
        np.take(self.y, batch, axis=0, out=y)
        self.trace, self._trace_y, self._diff, self._batch = trace, y, diff, batch

    def _penalty(self) -> float:
        if not (self.l2 or self.l1):
            return 0.0
        w, square = self._weights, self._penalty_grad  # scratch until backprop fills it
        value = 0.0
        if self.l2:
            value += 0.5 * self.l2 * float(np.multiply(w, w, square).sum())
        if self.l1:
            value += self.l1 * float(np.abs(w, square).sum())
        return value

    def _measure_loss(self) -> float:
        y_hat = self.trace.a[-1]
        np.subtract(y_hat, self._trace_y, out=self._diff)
        data = self._loss.value(y_hat, self._trace_y, self._diff)
        loss = data + self._penalty()
        if not math.isfinite(loss):
            raise DivergenceError(
                f"the loss became {loss} at iteration {self.iteration + 1}: training diverged. "
                "The weights are those of the last finite step; lower the learning rate and reset."
            )
        self._last_data_loss = data
        return loss

    def _add_penalty_gradient(self) -> None:
        """∂(penalty)/∂W = λ₂·W + λ₁·sign(W), added to the weights' part of the gradient."""
        if not (self.l2 or self.l1):
            return
        g, w, p = self.trace.gradient[: self._weights.size], self._weights, self._penalty_grad
        if self.l2:
            np.multiply(w, self.l2, p)
            if self.l1:
                g += p
        if self.l1:
            np.sign(w, p)
            p *= self.l1
        g += p  # with both penalties p holds the L1 share only: the step-by-step result adds the L2 one

    def _backprop(self, stop: StopFlag | None = None) -> bool:
        t = self.trace
        # ∂L/∂ŷ seeds the output δ (or, for sigmoid + bce and softmax + cross-entropy, is δ = (ŷ − y)/N)
        fused = seed_output_delta(self.network, self._loss, t.a[-1], self._trace_y, self._diff, t.delta[-1])
        if not backward_into(self.network, t, stop, output_delta=fused):
            return False
        self._add_penalty_gradient()
        return True

    def _check_step(self, step: np.ndarray) -> None:
        # A NaN or an infinity anywhere makes the sum one too (inf − inf is NaN). NumPy's own pairwise
        # sum, not a dot product: BLAS would hand a vector this size to its threads, which on a busy
        # machine cost milliseconds a call (measured: 5 ms a step of 17,000 parameters under load).
        if not math.isfinite(step.sum()):
            raise DivergenceError(
                f"the update step blew up at iteration {self.iteration + 1} (NaN or infinite): "
                "training diverged. "
                "The weights are those of the last finite step; lower the learning rate and reset."
            )

    def _update(self) -> None:
        # θ ← θ − Δ for every W and b at once; plain SGD's Δ is η·∂L/∂θ (the biases' gradient stays 0 without bias)
        self.optimizer.step(self.trace.gradient, self.current_learning_rate, self._step)
        self._check_step(self._step)  # the weights stay those of the last finite step (the optimizer's state
        np.subtract(self.network.parameters, self._step, self.network.parameters)  # moved on: Reset after this)

    def _finish_iteration(self) -> None:
        self._updated_since_fed = True  # ŷ of the trace is now that of the weights before this update
        if self.iteration == self._history.size:
            grown = np.empty(self._history.size * 2)
            grown[: self.iteration] = self._history
            self._history = grown
        self._history[self.iteration] = self.last_loss
        self.iteration += 1
        if self._full:
            self._end_epoch()
            return
        self._position += self._batch.size
        self._batch = None
        if self._position >= self.X.shape[0]:
            self._position = 0
            self._end_epoch()

    def _end_epoch(self) -> None:
        self.epoch += 1
        if self._val_trace is None:
            return
        loss = self.validation_loss()
        if self._n_val == self._val.shape[0]:  # a new buffer: views of the old one stay as they were
            grown = np.empty((2 * self._n_val, 2))
            grown[: self._n_val] = self._val[: self._n_val]
            self._val = grown
        self._val[self._n_val] = self.iteration, loss
        self._n_val += 1
        if self.patience is None or not math.isfinite(loss):
            return
        if self._best is None or loss < self._best[0]:
            self._best = (loss, self.iteration, self.network.parameters.copy())
            self._waited = 0
            return
        self._waited += 1
        if self._waited >= self.patience:  # the best weights back, and say so
            best_loss, best_it, params = self._best
            self.network.parameters[...] = params
            self.early_stop = EarlyStop(best_it, best_loss, self.iteration, self.patience)
            self._waited = 0
            self._fed = False  # the trace's ŷ is not that of these weights

    def validation_loss(self) -> float:
        """The training loss measured on the validation rows, with the weights as they are now, so that
        the two curves compare: the penalty added, as the training loss has it, and a loss summed over
        rows (sse) scaled to as many rows as a training batch holds."""
        trace = self._val_trace
        with np.errstate(over="ignore"):
            y_hat = forward_into(self.network, trace)
        diff = y_hat - self.y_val
        value = float(self._loss.value(y_hat, self.y_val, diff))
        if self._loss.summed:
            value *= self.trace_rows / self.y_val.shape[0]
        return value + self._penalty()  # (its scratch buffer is free: backprop's share was copied out)

    @property
    def trace_rows(self) -> int:
        """Rows in a (full) training batch: the whole training table without mini-batches."""
        n = self.X.shape[0]
        return n if self._full else min(self.batch_size, n)

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
        name, it, net = self.phase, self.iteration, self.network
        if stop is not None and stop.is_set():
            return None
        if name == "feedforward":
            self._draw_batch()
            t = self.trace
            self._fed = True
            if forward_into(net, t, stop) is None:
                self._forget_feedforward()
                return None
            self._updated_since_fed = False
            rows = (None if self._first_rows else _frozen(self.rows)) if self._full else _frozen(self.rows[self._batch])
            batch = 0 if self._full else self._position // self.batch_size  # rows taken before it, in full batches
            result = FeedforwardResult(it, _frozen(t.a[0]), _frozen_all(t.z), _frozen_all(t.a[1:]), rows, self.epoch,
                                       batch, self.iterations_per_epoch)
        elif name == "loss":
            t = self.trace
            self.last_loss = self._measure_loss()
            result = LossResult(it, _frozen(t.a[-1]), _frozen(self._trace_y), _frozen(self._diff), self.last_loss,
                                self._last_data_loss, self.last_loss - self._last_data_loss)
        elif name == "backprop":
            t = self.trace
            dL_dyhat = self._loss.gradient(t.a[-1], self._trace_y, self._diff, np.empty_like(self._diff))
            if not self._backprop(stop):
                return None
            dL_dyhat.flags.writeable = False
            penalty = ()
            if self.l2 or self.l1:
                both = self.l2 and self.l1  # (p holds the L1 share: the whole share, for the result only)
                flat = _frozen(self._penalty_grad + self.l2 * self._weights if both else self._penalty_grad)
                penalty = tuple(_views(flat, parameter_shapes(net.layer_sizes)[: len(net.weights)]))
            result = BackpropResult(it, dL_dyhat, _frozen_all(t.delta), _frozen_all(t.dW), _frozen_all(t.db),
                                    penalty)
        else:
            W_before, b_before = _frozen_all(net.weights), _frozen_all(net.biases)
            rate = self.current_learning_rate
            before = {k: _frozen(v) for k, v in self.optimizer.state().items()}
            self._update()
            after = {k: _frozen(v) for k, v in self.optimizer.state().items()}
            step = _frozen(self._step)  # its views below are read-only too
            steps = _views(step, parameter_shapes(net.layer_sizes))
            n = len(net.weights)
            opt = self.optimizer
            result = UpdateResult(it, rate, W_before, tuple(steps[:n]), _frozen_all(net.weights),
                                  b_before, tuple(steps[n:]), _frozen_all(net.biases), repr(opt), opt.formula,
                                  before, after, {k: _frozen(v) for k, v in opt.derived().items()}, opt.t)
            stopped = self.early_stop
            self._finish_iteration()
            if self.early_stop is not stopped:  # the epoch this update ended stopped training, the best weights back
                result = replace(result, early_stop=self.early_stop)
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
        An early stop (validation loss, ``patience``) ends the run after the epoch that triggered it.
        """
        done = 0
        stopped_early = self.early_stop
        if n > 0 and self._phase_index:
            loss = self.step_iteration(stop)
            if loss is None:
                return done
            done += 1
            if (on_progress is not None and on_progress(self.iteration, loss)) or (stop is not None and stop.is_set()) \
                    or self.early_stop is not stopped_early:
                return done
        net = self.network
        layer_stop = stop if self._poll_layers else None
        if done < n:
            self._fed = True  # each pass below completes its feedforward or abandons its iteration
        # The four phases of step_phase, with no copies or bookkeeping between them; the plain update of
        # the tutorial (full batch, SGD, no penalty, no validation) in its own loop: nothing else per iteration.
        if self._full and self._plain and not (self.l2 or self.l1) and self._val_trace is None \
                and type(self.schedule) is Constant:
            with np.errstate(over="ignore"):
                return done + self._run_plain(n - done, on_progress, stop, layer_stop)
        with np.errstate(over="ignore"):
            while done < n:
                self._draw_batch()
                trace = self.trace
                if forward_into(net, trace, layer_stop) is None:
                    self._forget_feedforward()
                    break
                self._updated_since_fed = False
                loss = self._measure_loss()
                if not self._backprop(layer_stop):
                    self._forget_feedforward()
                    break
                self.last_loss = loss
                self._update()
                self._finish_iteration()
                done += 1
                if on_progress is not None and on_progress(self.iteration, loss):
                    break
                if stop is not None and stop.is_set():
                    break
                if self.early_stop is not stopped_early:
                    break
        return done

    def _run_plain(self, n: int, on_progress, stop: StopFlag | None, layer_stop: StopFlag | None) -> int:
        """The tutorial's update (the whole table, plain SGD, no penalty, no validation rows, a constant
        rate), the four phases with nothing else per iteration: within a few µs of the same NumPy calls
        written out (benchmarks/bench_training.py)."""
        net, trace = self.network, self.trace
        y, diff, y_hat, seed_into = self._trace_y, self._diff, trace.a[-1], trace.delta[-1]
        params, gradient, step = net.parameters, trace.gradient, self._step
        lossfn = self._loss
        fused = lossfn.delta_for(net.activations[-1])
        seed = fused or lossfn.gradient  # ∂L/∂ŷ, or δ itself (sigmoid + bce, softmax + cross-entropy)
        value, lr = lossfn.value, self._lr
        done = 0
        try:
            while done < n:
                if forward_into(net, trace, layer_stop) is None:
                    self._forget_feedforward()
                    break
                self._updated_since_fed = False
                np.subtract(y_hat, y, diff)
                loss = value(y_hat, y, diff)
                if not math.isfinite(loss):
                    self._measure_loss()  # raises DivergenceError, with its message
                seed(y_hat, y, diff, seed_into)
                if not backward_into(net, trace, layer_stop, fused is not None):
                    self._forget_feedforward()
                    break
                self.last_loss = self._last_data_loss = loss
                if lr == 1.0:  # θ − 1·g is θ − g exactly: save the multiply
                    delta = gradient
                else:
                    delta = np.multiply(gradient, lr, step)
                self._check_step(delta)
                np.subtract(params, delta, params)
                if self.iteration == self._history.size:
                    grown = np.empty(self._history.size * 2)
                    grown[: self.iteration] = self._history
                    self._history = grown
                self._history[self.iteration] = loss
                self.iteration += 1
                self.epoch += 1
                self._updated_since_fed = True
                done += 1
                if on_progress is not None and on_progress(self.iteration, loss):
                    break
                if stop is not None and stop.is_set():
                    break
        finally:
            self.optimizer.count_steps(done)
        return done

    def explain(self, kind: str, layer: int, i: int, j: int) -> ParameterExplanation:
        """The chain rule of one parameter on the current weights and the latest batch, marked with the
        trainer's iteration and next phase: it equals the latest backprop's ∂L/∂θ only when the next
        phase is the update (see :attr:`ParameterExplanation.matches_latest_backprop`)."""
        every = self._full or self._batch is None  # every training row, or the batch under way
        X, y = (self.X, self.y) if every else (self.trace.a[0], self._trace_y)
        rows = None if every and self._first_rows else _frozen(self.rows if every else self.rows[self._batch])
        e = explain_parameter(self.network, X, y, self.loss_name, kind, layer, i, j)
        if kind == "W" and (self.l2 or self.l1):
            w = float(self.network.weights[layer][i, j])
            share = self.l2 * w + self.l1 * float(np.sign(w))
            e = replace(e, penalty=share, backprop_gradient=e.backprop_gradient + share)
        return replace(e, iteration=self.iteration, phase=self.phase, rows=rows)

    def predict_all(self) -> np.ndarray:
        """ŷ of every row it holds, training and validation rows, in the table's order (by their row numbers),
        on the weights as they are (forward passes of their own)."""
        y_hat = self.network.predict(self.X)
        if self.X_val is None or self.val_rows is None:
            return y_hat
        out = np.empty((self.rows.size + self.val_rows.size, y_hat.shape[1]))
        out[self.rows] = y_hat
        out[self.val_rows] = self.network.predict(self.X_val)
        return out

    def _row_activations(self, row: int) -> tuple[np.ndarray, ...]:
        """Every layer's activations for table row ``row``: the latest feedforward's for a row of the
        whole-table trace, else its own pass on the weights as they are (a row outside the latest batch,
        or a validation row); () for a row the trainer does not hold."""
        where = np.flatnonzero(self.rows == row)
        if where.size:
            i = int(where[0])
            if self._full:
                return tuple(_frozen(a[i]) for a in self.trace.a)
            X = self.X[i:i + 1]
        elif self.val_rows is not None and (where := np.flatnonzero(self.val_rows == row)).size:
            X = self.X_val[int(where[0]):int(where[0]) + 1]
        else:
            return ()
        return tuple(_frozen(a[0]) for a in self.network.forward(X).a)

    def snapshot(self, history_start: int = 0, row: int | None = None) -> Snapshot:
        """Copies of the state, with the loss history from ``history_start`` on and, for ``row``,
        every layer's activations in the latest feedforward (only one row: tables can be large)."""
        start = min(max(history_start, 0), self.iteration)
        row = row if row is not None and self._fed else None
        row_activations = () if row is None else self._row_activations(row)
        val_its, val_losses = self.validation_history
        return Snapshot(
            iteration=self.iteration,
            phase=self.phase,
            loss=self.last_loss,
            learning_rate=self.current_learning_rate,
            weights=tuple(_frozen(w) for w in self.network.weights),
            biases=tuple(_frozen(b) for b in self.network.biases),
            predictions=_frozen(self.trace.a[-1]) if self._fed and self._full else None,
            predictions_before_update=self._fed and self._full and self._updated_since_fed,
            history=_frozen(self._history[start : self.iteration]),
            history_start=start,
            gradients=tuple(_frozen(g) for g in self.trace.dW),
            bias_gradients=tuple(_frozen(g) for g in self.trace.db),
            row=row,
            row_activations=row_activations,
            epoch=self.epoch,
            iterations_per_epoch=self.iterations_per_epoch,
            validation=(val_its, val_losses),
            early_stop=self.early_stop,
            resume=self.resume_state(),
        )


def _plain_rng(state) -> dict:
    """A generator's state as a file keeps it: its 128-bit integers as decimal text (JSON readers,
    ours included, refuse numbers that large)."""
    return {k: (_plain_rng(v) if isinstance(v, dict) else str(int(v)) if isinstance(v, (int, np.integer))
                and not isinstance(v, bool) else v) for k, v in state.items()}


def _rng_state(record) -> dict:
    """Undo of :func:`_plain_rng` (ValueError for anything but digits where numbers were)."""
    if not isinstance(record, dict):
        raise ValueError("not a record")
    out = {}
    for k, v in record.items():
        if isinstance(v, dict):
            out[k] = _rng_state(v)
        elif isinstance(v, str) and k != "bit_generator":
            if not v.isdigit() or len(v) > 60:
                raise ValueError(f"{k!r} is not a whole number")
            out[k] = int(v)
        else:
            out[k] = v
    return out
