"""Training health: is the gradient reaching every layer, and if training is stuck, why?

A :class:`HealthMonitor` samples, now and then, each layer's gradient size ‖∂L/∂W‖ and weight size
‖W‖, the share of its outputs where a sigmoid or tanh is saturated (f′(z) below 1 % of its peak: the
unit passes almost no gradient back) and the share of its ReLUs that are dead (0 for every row: no
gradient at all). :func:`diagnose` reads those samples and the loss history and says in plain words
what is wrong and what to try, e.g. "every hidden unit is saturated from the start: the initial weights
are too large for 32 inputs; try xavier". A run that ends stuck is reported as stuck, not as done.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .config import CONSTRAINTS
from .losses import get_loss, sum_of_squares
from .naming import listed
from .network import backward_into, seed_output_delta
from .trainer import Trainer

SATURATED = 0.01  # f′(z) below this share of its largest value (sigmoid 0.25, tanh 1)
SAMPLE_ROWS = 4096  # rows whose activations are counted (evenly spaced, for a large table)
MAX_SAMPLES = 1024  # kept over a run: when full, every other one goes (the first stays)
STUCK_SHARE = 0.9  # a layer this saturated (or this dead) is stuck
DEAD_SHARE = 0.5
PLATEAU_ITERATIONS = 5000  # a loss that has not moved in this many iterations (half the run, if shorter)
OSCILLATION_WINDOW = 200
# With mini-batches each epoch's mean loss wobbles by the luck of its batches (a spiral trained by Adam in
# batches of 32 kept "oscillating" at every lower rate tried, and only learnt less in the same iterations):
# it is told, as a caution, past a swing this large about the trend.
BATCH_SWING = 0.5
OVERFIT_RISE = 1.2  # a validation loss this many times its best, 5 epochs or more after it: overfitting
# ‖∂L/∂W1‖ below this share of the output layer's: the layers near the input learn (at least) a hundred times
# slower. A sigmoid network of 4 hidden layers of 8 (xavier) starts at 2.5e-3 and never learns the tutorial's
# table; 3 layers (1.6e-2) learn it; the tutorial's own network is at 0.15.
VANISHING = 1e-2

# For a sigmoid, a(1 − a) < 0.25·SATURATED ⇔ a < A or a > 1 − A; for tanh, 1 − a² < SATURATED ⇔ |a| > T.
_SIGMOID_EDGE = (1 - math.sqrt(1 - SATURATED)) / 2
_TANH_EDGE = math.sqrt(1 - SATURATED)


@dataclass(frozen=True)
class LayerHealth:
    grad_norm: float  # ‖∂L/∂W‖ of the latest backprop (Frobenius)
    weight_norm: float  # ‖W‖
    saturated: float | None  # sigmoid, tanh (and a sigmoid or softmax output): share of outputs with f′ ≈ 0
    dead: float | None  # relu: share of units that give 0 for every row


@dataclass(frozen=True)
class HealthSample:
    iteration: int
    layers: tuple[LayerHealth, ...]  # first hidden layer … output layer


HEALTH_SERIES = ("grad_norm", "weight_norm", "saturated", "dead")  # per sample and layer, as a file keeps them


def samples_to_arrays(samples, names: tuple[str, ...] = HEALTH_SERIES) -> dict[str, np.ndarray]:
    """Health samples as arrays (a file keeps all; a plot asks for its ``names``): ``iterations`` and, per
    series, [sample, layer] (NaN: none)."""
    arrays = {"iterations": np.array([s.iteration for s in samples], dtype=np.float64)}
    for name in names:
        arrays[name] = np.array([[np.nan if getattr(h, name) is None else getattr(h, name) for h in s.layers]
                                 for s in samples], dtype=np.float64).reshape(len(samples), -1)
    return arrays


def samples_from_arrays(arrays: dict[str, np.ndarray], n_layers: int) -> tuple[HealthSample, ...]:
    """The samples :func:`samples_to_arrays` made, checked (ValueError says what does not fit)."""
    if set(arrays) != {"iterations", *HEALTH_SERIES}:
        raise ValueError(f"the health record needs iterations and {', '.join(HEALTH_SERIES)}")
    its = np.asarray(arrays["iterations"], dtype=np.float64)
    k = its.size
    if its.shape != (k,) or k > MAX_SAMPLES or not (np.isfinite(its).all() and (its >= 0).all()
                                                    and (its == np.round(its)).all() and (np.diff(its) > 0).all()):
        raise ValueError(f"the health record's iterations must be at most {MAX_SAMPLES:,} rising whole numbers")
    series = {}
    for name in HEALTH_SERIES:
        values = np.asarray(arrays[name], dtype=np.float64)
        if values.shape != (k, n_layers):
            raise ValueError(f"the health record's {name} must hold {k} samples of {n_layers} layers")
        known = values[~np.isnan(values)]
        if (known < 0).any() or (name in ("saturated", "dead") and (known > 1).any()):
            raise ValueError(f"the health record's {name} holds a value out of its range")
        series[name] = values.tolist()
    def value(name, i, l):
        v = series[name][i][l]
        return None if math.isnan(v) and name in ("saturated", "dead") else v  # a norm may be NaN (diverged)

    return tuple(HealthSample(int(its[i]), tuple(LayerHealth(*(value(name, i, l) for name in HEALTH_SERIES))
                                                 for l in range(n_layers))) for i in range(k))


def _rows(n_rows: int) -> slice:
    return slice(None) if n_rows <= SAMPLE_ROWS else slice(None, None, -(-n_rows // SAMPLE_ROWS))


def layer_health(trainer: Trainer) -> tuple[LayerHealth, ...]:
    """Each layer's health in the trainer's latest feedforward and backprop."""
    return _health(trainer.network, trainer.trace, _rows(trainer.trace.a[0].shape[0]))


def initial_health(trainer: Trainer) -> tuple[LayerHealth, ...]:
    """Each layer's health on the trainer's weights as they are now, by a fresh pass over (a sample of) its
    rows: for the start of a run, before any iteration has filled the trainer's own buffers."""
    rows = _rows(trainer.X.shape[0])
    net = trainer.network
    X, y = trainer.X[rows], trainer.y[rows]
    trace = net.forward(X)
    loss = get_loss(trainer.loss_name)
    with np.errstate(over="ignore", invalid="ignore"):
        fused = seed_output_delta(net, loss, trace.output, y, trace.output - y, trace.delta[-1])
        backward_into(net, trace, output_delta=fused)
    return _health(net, trace, slice(None))


def _health(net, trace, rows: slice) -> tuple[LayerHealth, ...]:
    out = []
    for l, (W, dW, name) in enumerate(zip(net.weights, trace.dW, net.activations)):
        a = trace.a[l + 1][rows]
        saturated = dead = None
        if name == "sigmoid" or name == "softmax":
            saturated = float(np.count_nonzero((a < _SIGMOID_EDGE) | (a > 1 - _SIGMOID_EDGE))) / a.size
        elif name == "tanh":
            saturated = float(np.count_nonzero(np.abs(a) > _TANH_EDGE)) / a.size
        elif name == "relu":
            dead = float(np.count_nonzero(a.max(axis=0) <= 0.0)) / a.shape[1]
        g, w = dW.ravel(), W.ravel()
        out.append(LayerHealth(math.sqrt(sum_of_squares(g)), math.sqrt(sum_of_squares(w)), saturated, dead))
    return tuple(out)


class HealthMonitor:
    """Samples of :class:`LayerHealth` over a run, at most :data:`MAX_SAMPLES` (thinned evenly)."""

    def __init__(self, max_samples: int = MAX_SAMPLES):
        self.max_samples = max_samples
        self.samples: list[HealthSample] = []
        self._restored = False

    def observe(self, trainer: Trainer) -> HealthSample:
        """Take a sample of the trainer as it is (its first, by a pass of its own, see :func:`initial_health`)."""
        if self.samples and self.samples[-1].iteration == trainer.iteration:
            return self.samples[-1]
        # a first sample, or the first after samples restored (a reopened session's trainer has not fed
        # anything forward yet: its buffers hold zeros), comes from a pass of its own
        fresh = not self.samples or trainer.iteration == 0 or self._restored
        self._restored = False
        sample = HealthSample(trainer.iteration, initial_health(trainer) if fresh else layer_health(trainer))
        if len(self.samples) >= self.max_samples:
            self.samples = self.samples[:1] + self.samples[2::2]
        self.samples.append(sample)
        return sample

    def clear(self) -> None:
        self.samples = []

    def restore(self, samples) -> None:
        """Go on from samples taken before (a reopened session's), thinned as this monitor thins."""
        self.samples = list(samples)
        self._restored = True
        while len(self.samples) > self.max_samples:
            self.samples = self.samples[:1] + self.samples[2::2]

    def series(self, what: str) -> tuple[np.ndarray, np.ndarray]:
        """Iterations, and per layer the values of ``what`` (grad_norm, weight_norm, saturated, dead;
        NaN where a layer has none): for a plot."""
        arrays = samples_to_arrays(self.samples, (what,))  # (only that one: asked a few times a second)
        return arrays["iterations"], arrays[what]


def saturation_blocks(activation: str, loss: str | None) -> bool:
    """Whether an output layer of ``activation`` whose units are saturated passes (almost) no gradient back
    with ``loss``. It does unless the loss cancels f′: with sigmoid and bce, or softmax and cross-entropy,
    δ = (ŷ − y)/N at the output (:meth:`.losses.Loss.delta_for`), so a saturated output is a confident one,
    and a confident wrong one gets the largest δ. A hidden layer's saturation always blocks. Without a loss
    named, a softmax output is taken as trained with cross-entropy (the only loss it pairs with)."""
    if loss is None:
        return activation != "softmax"
    return get_loss(loss).delta_for(activation) is None


@dataclass(frozen=True)
class LayerState:
    """What a layer's bar says: the share of its units that pass (almost) no gradient back, and whether
    that many make it stuck."""
    kind: str  # "saturated", "dead", "confident" (an output whose loss cancels f′: nothing blocked) or "" (linear)
    share: float | None  # of its outputs (saturated, confident) or units (dead); None for a linear layer
    stuck: bool  # at least STUCK_SHARE of them, and they block the gradient

    @property
    def blocks(self) -> bool:
        """Its saturated or dead units block the gradient (a confident output's do not)."""
        return self.kind in ("saturated", "dead")


def layer_states(layers: tuple[LayerHealth, ...], activations: tuple[str, ...],
                 loss: str | None) -> tuple[LayerState, ...]:
    """Each layer's :class:`LayerState` (``activations``: every layer's, the output's last)."""
    states = []
    for l, (health, activation) in enumerate(zip(layers, activations)):
        if health.saturated is not None:
            output = l == len(activations) - 1
            kind = "saturated" if not output or saturation_blocks(activation, loss) else "confident"
            share = health.saturated
        elif health.dead is not None:
            kind, share = "dead", health.dead
        else:
            kind, share = "", None
        states.append(LayerState(kind, share, kind in ("saturated", "dead") and share >= STUCK_SHARE))
    return tuple(states)


@dataclass(frozen=True)
class HealthNote:
    code: str  # what was found: saturated-start, saturated-by-training, dead-relu, vanishing, oscillating, ...
    message: str  # what is wrong, with the numbers
    fix: str  # what to try
    stuck: bool = True  # training cannot go well this way (a healthy note is not)
    needs_reset: bool = False  # the fix takes a fresh network (the window says: then Reset)
    try_settings: tuple[tuple[str, object], ...] = ()  # the fix as settings (name, value), where it is that plain

    def __str__(self) -> str:
        return f"{self.message} {self.fix}"


def diagnose(samples: list[HealthSample] | tuple[HealthSample, ...], history: np.ndarray, *,
             activations: tuple[str, ...], layer_sizes: tuple[int, ...], init: str, learning_rate: float,
             scaled: bool = False, iterations_per_epoch: int = 1,
             loss: str | None = None, validation: tuple[np.ndarray, np.ndarray] | None = None,
             stopped_early: bool = False) -> tuple[HealthNote, ...]:
    """Plain-language notes on what holds training back, most important first; one "healthy" note
    (``stuck`` False) when nothing does. ``activations``: every layer's, the output's last; ``loss``: its
    name, which says whether a saturated output blocks the gradient (:func:`saturation_blocks`). With
    mini-batches the loss of one batch jumps from batch to batch: the loss is read epoch by epoch."""
    notes: list[HealthNote] = []
    history = np.asarray(history, dtype=float)
    if samples:
        first, last = samples[0], samples[-1]
        names = [f"layer {l + 1}" if l < len(activations) - 1 else "the output layer"
                 for l in range(len(activations))]
        hidden = range(len(activations) - 1)
        start = [l for l in hidden if (first.layers[l].saturated or 0) >= STUCK_SHARE]
        if start and first.iteration == 0:
            l = start[0]
            share = first.layers[l].saturated
            fan_in = layer_sizes[l]
            if init == "uniform":
                fix = (f"The initial weights (uniform from 0 to 1, all positive) are too large for {fan_in} inputs "
                       f"to a unit: try xavier initial weights.")
                settings = (("init", "xavier"),)
            elif not scaled and l == 0:
                fix = "The inputs are large: turn on scaling (standardise)."
                settings = (("scaling", True),)
            else:
                fix = "Try smaller initial weights (xavier), fewer units per layer, or relu hidden units."
                settings = (("init", "xavier"),)
            which = ("Every hidden layer is" if len(start) == len(hidden) else
                     f"{listed([names[k].capitalize() if i == 0 else names[k] for i, k in enumerate(start)])} "
                     f"{'is' if len(start) == 1 else 'are'}")
            notes.append(HealthNote("saturated-start", f"{which} saturated from the start: {100 * share:.0f} % of "
                                    f"{names[l]}'s outputs sit where {activations[l]} is flat "
                                    "(f′ < 1 % of its peak), so almost no gradient flows back.", fix,
                                    needs_reset=True, try_settings=settings))
        later = [l for l in range(len(activations))
                 if (last.layers[l].saturated or 0) >= STUCK_SHARE and (first.layers[l].saturated or 0) < 0.5
                 and (l < len(activations) - 1 or saturation_blocks(activations[l], loss))]
        if later and not start and not _learnt(history):  # a well-trained output is confident, not stuck
            l = later[0]
            notes.append(HealthNote(
                "saturated-by-training",
                f"Training drove {names[l]} into saturation: {100 * (first.layers[l].saturated or 0):.0f} % of its "
                f"outputs were flat at iteration {first.iteration:,}, {100 * last.layers[l].saturated:.0f} % are now"
                + (", so ŷ sits at its limit for every row." if l == len(activations) - 1 else "."),
                f"The learning rate ({learning_rate:g}) is too large: steps that big push every z far from 0. "
                "Lower it.", needs_reset=True, try_settings=(("learning_rate", _tried_rate(learning_rate / 10)),)))
        dead = [l for l in hidden if (last.layers[l].dead or 0) >= DEAD_SHARE]
        if dead:
            l = dead[0]
            notes.append(HealthNote(
                "dead-relu", f"{100 * last.layers[l].dead:.0f} % of {names[l]}'s ReLUs are dead: they give 0 for "
                "every row, so no gradient reaches them and they have stopped learning.",
                "Lower the learning rate, or use he initial weights." if init != "he" else "Lower the learning rate.",
                needs_reset=True,
                try_settings=(("learning_rate", _tried_rate(learning_rate / 3)),)
                + ((("init", "he"),) if init != "he" else ())))
        # At the start, or now: once the network has settled on predicting the mean, every gradient is
        # small and the ratio says little, but the first sample still shows why it never learnt more.
        vanished = [s for s in (first, last) if len(s.layers) >= 3
                    and s.layers[0].grad_norm < VANISHING * s.layers[-1].grad_norm]
        if vanished and not notes and not _learnt(history):
            s = vanished[0]
            g0, gL, n = s.layers[0].grad_norm, s.layers[-1].grad_norm, len(s.layers)
            notes.append(HealthNote(
                "vanishing", f"The gradient vanishes on its way back through {n - 1} hidden layers: at iteration "
                f"{s.iteration:,}, ‖∂L/∂W1‖ was {g0:.1e} against {gL:.1e} for the output layer's "
                f"(1/{gL / g0:,.0f}), so the layers near the input hardly learn.",
                "Use tanh or relu hidden units with xavier or he weights, or fewer layers.", needs_reset=True,
                try_settings=(("activation", "tanh"), ("init", "xavier"))))
    # (after an early stop the weights are the best epoch's again: nothing left to say about it)
    overfit = [] if stopped_early else _overfitting(history, validation, iterations_per_epoch)
    if iterations_per_epoch > 1:  # one mean per complete epoch
        whole = history.size - history.size % iterations_per_epoch
        history = history[:whole].reshape(-1, iterations_per_epoch).mean(axis=1)
    unit = "epochs" if iterations_per_epoch > 1 else "iterations"
    notes += _loss_notes(history, learning_rate, already_stuck=bool(notes), unit=unit)
    notes += overfit
    notes.sort(key=lambda note: note.code != "rising")  # a loss on its way up comes first: it diverges next
    if not notes and history.size and history[-1] < history[0]:
        notes.append(HealthNote("healthy", "Training looks healthy: the loss is falling"
                                + (" and the gradient reaches every layer." if samples else "."), "", stuck=False))
    return tuple(notes)


def _overfitting(history: np.ndarray, validation, per_epoch: int) -> list[HealthNote]:
    """A note when the validation loss has stayed well above its best (its last three epochs) while the
    training loss went on falling: the tutorial's closing remark, seen happen (one unlucky epoch is not)."""
    if validation is None or len(validation[1]) < 10:
        return []
    its, losses = np.asarray(validation[0]), np.asarray(validation[1])
    b = int(np.argmin(losses))
    if b > losses.size - 6 or not (losses[-3:].min() >= OVERFIT_RISE * losses[b] > 0):
        return []
    at = int(its[b])
    then = float(np.mean(history[max(0, at - per_epoch):at]))
    now = float(np.mean(history[-per_epoch:]))
    if not now < then:
        return []
    return [HealthNote(
        "overfitting", f"The validation loss has risen since iteration {at:,}: {losses[b]:.4g} then, "
        f"{losses[-1]:.4g} now, while the training loss went on falling ({then:.4g} → {now:.4g}). The network "
        "is learning the training rows' noise, not their pattern.",
        "Stop at the best epoch (set a patience), add an L2 penalty, use fewer hidden units, or give it more rows.",
        stuck=False, try_settings=(("patience", 50),))]


def _tried_rate(rate: float) -> float:
    """A learning rate to try: three significant digits, within the settings' limits (declared once, in the
    config), the same in the note's words, its "Try" and the command line's option."""
    limits = CONSTRAINTS["learning_rate"]
    return min(max(float(f"{rate:.3g}"), limits.low), limits.high)


def _learnt(history: np.ndarray) -> bool:
    """The loss has fallen to half of where it started or less."""
    return bool(history.size) and history[-1] <= 0.5 * history[0]


def _loss_notes(history: np.ndarray, learning_rate: float, already_stuck: bool,
                unit: str = "iterations") -> list[HealthNote]:
    n = history.size
    notes = []
    if n >= 5:  # a loss that explodes may diverge within 20 iterations: say so while it can still be read
        window = history[-min(OSCILLATION_WINDOW, n // 2 if n >= 20 else n):]
        steps = np.diff(window)
        rises = int(np.count_nonzero(steps > 0))
        # the swing about the window's trend: a loss that falls while it wobbles is falling, not oscillating
        x = np.arange(window.size, dtype=float)
        with np.errstate(all="ignore"):
            around = window - np.polyval(np.polyfit(x, window, 1), x) if np.isfinite(window).all() else window
        swing = (around.max() - around.min()) / max(abs(window.mean()), 1e-300)
        if window[-1] > window[0] * 1.1 and rises >= 0.8 * steps.size:
            notes.append(HealthNote("rising", f"The loss is rising: {window[0]:.4g} → {window[-1]:.4g} over the last "
                                    f"{steps.size} {unit}.",
                                    f"Lower the learning rate ({learning_rate:g}): each step overshoots further than "
                                    f"the last (try {_tried_rate(learning_rate / 3):g}).", needs_reset=True,
                                    try_settings=(("learning_rate", _tried_rate(learning_rate / 3)),)))
        elif n >= 20 and rises >= 0.3 * steps.size and swing > 0.01 and unit == "iterations":
            notes.append(HealthNote(
                "oscillating", f"The loss oscillates: it rose in {rises} of the last {steps.size} {unit}, "
                f"swinging between {window.min():.4g} and {window.max():.4g}.",
                f"Lower the learning rate (try {_tried_rate(learning_rate / 3):g}): each step overshoots the valley.",
                try_settings=(("learning_rate", _tried_rate(learning_rate / 3)),)))
        elif n >= 20 and rises >= 0.3 * steps.size and swing > BATCH_SWING:  # mini-batches: a caution, not stuck
            notes.append(HealthNote(
                "oscillating", f"The loss jumps from epoch to epoch: it rose in {rises} of the last {steps.size} "
                f"epochs, between {window.min():.4g} and {window.max():.4g}. Part of that is the luck of the "
                "batches.",
                f"A lower learning rate (try {_tried_rate(learning_rate / 3):g}) or larger batches steady it, but "
                "learn more slowly: give them more iterations.",
                stuck=False, try_settings=(("learning_rate", _tried_rate(learning_rate / 3)),)))
    if n >= 1000 and not notes:  # flat first: a loss that does not move at all is not "falling slowly"
        span = min(PLATEAU_ITERATIONS, n // 2)
        before, now = history[-span - 1], history[-1]
        if abs(before - now) <= 1e-4 * max(abs(now), 1e-300) and now > 1e-3 * history[0]:
            notes.append(HealthNote(
                "plateau", f"The loss has not moved in {span:,} {unit} ({before:.6g} → {now:.6g}).",
                "See the notes above." if already_stuck else
                "Try a larger learning rate, more hidden units, or check the problem type and the output."))
    if n >= 1000 and not notes and not already_stuck:
        half = history[n // 2]
        if history[-1] > 0.5 * history[0] and history[-1] > 0.95 * half:
            notes.append(HealthNote(
                "slow", f"The loss is falling slowly: {half:.6g} → {history[-1]:.6g} over the last {n - n // 2:,} "
                f"{unit}, still more than half of where it started.",
                f"Try a larger learning rate than {learning_rate:g}, or look at the notes on saturation.",
                try_settings=(("learning_rate", _tried_rate(learning_rate * 3)),)))
    return notes
