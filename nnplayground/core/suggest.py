"""Settings that work for a table, each with the one-line reason a learner reads beside it.

The rules are plain (no trial runs): the problem from the target columns, the output and loss that
belong to it, scaling when the inputs are not already small numbers, tanh hidden units with xavier
weights (they start unsaturated), biases, and a learning rate for a mean loss over the whole table.
A shipped example brings its own settings instead (:mod:`.presets`), with the same kind of reasons.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .config import CONSTRAINTS, TrainingConfig
from .encoding import PROBLEM_TITLES, Encoding, EncodingError
from .losses import LOSSES
from .table import TrainingTable, format_number

MAX_CLASS_NUMBERS = 10  # whole-number targets with at most this many values, each in many rows, are classes
ORDER = ("problem", "output_activation", "loss", "scaling", "hidden", "activation", "init", "use_bias", "seed",
         "learning_rate", "iterations")


@dataclass(frozen=True)
class Suggestion:
    config: TrainingConfig
    reasons: tuple[tuple[str, str], ...]  # (setting, why), in the order a panel lists them

    def reason(self, setting: str) -> str | None:
        return dict(self.reasons).get(setting)

    def differences(self, config: TrainingConfig) -> tuple[str, ...]:
        """The suggested settings (:data:`ORDER`) in which ``config`` differs from this suggestion (the
        iterations aside: how long to train is the user's, as are the optimizer, batches and penalties)."""
        mine, theirs = self.config.to_dict(), config.to_dict()
        return tuple(k for k in ORDER if k != "iterations" and mine[k] != theirs[k])

    def applied_to(self, config: TrainingConfig) -> TrainingConfig:
        """``config`` with the suggested settings in place (:data:`ORDER`, the iterations aside); the rest
        (optimizer, batches, penalties, validation) stays. The suggested learning rate is one for full-batch
        gradient descent: with another optimizer or mini-batches the current rate stays too."""
        keep = ("iterations",) if config.optimizer == "sgd" and not config.batch_size else ("iterations",
                                                                                              "learning_rate")
        return replace(config, **{k: getattr(self.config, k) for k in ORDER if k not in keep})


def detect_problem(table: TrainingTable) -> tuple[str, str]:
    """The problem the target columns suggest, and why."""
    names, Y, levels = table.target_columns, table.y, table.target_levels
    if any(lv is not None for lv in levels):
        counts = [len(np.unique(Y[:, t])) if lv is not None else None for t, lv in enumerate(levels)]
        if len(names) == 1 and counts[0] > 2:
            shown = _list(_present_labels(table, 0))
            return "multiclass", f"{names[0]!r} holds {counts[0]} text labels ({shown}): one output per class"
        if all(k == 2 for k in counts if k is not None):
            labels = _present_labels(table, 0)
            if len(names) == 1:
                return "binary", (f"{names[0]!r} holds two labels ({labels[0]}, {labels[1]}): "
                                  f"ŷ is the chance of {labels[1]}")
            return "binary", "each target column holds two labels: one output per column"
        return "multiclass", "a target column holds text labels"
    values = [np.unique(Y[:, t]) for t in range(Y.shape[1])]
    if all(np.all((v == 0) | (v == 1)) for v in values):  # not set(v.tolist()): 0.2 s holding the GIL at 1M
        what = f"{names[0]!r} holds" if len(names) == 1 else "every target column holds"
        return "binary", f"{what} only 0 and 1: ŷ is the chance of 1"
    if len(names) == 1:
        v = values[0]
        if len(v) == 2:
            a, b = map(format_number, v.tolist())
            return "binary", f"{names[0]!r} holds two values ({a}, {b}): ŷ is the chance of {b}"
        counts = np.unique(Y[:, 0], return_counts=True)[1]
        if (len(v) <= MAX_CLASS_NUMBERS and np.all(v == np.trunc(v))
                and counts.min() >= max(2, 0.05 * table.n_rows / len(v))):
            shown = _list(map(format_number, v.tolist()))
            return "multiclass", (f"{names[0]!r} holds {len(v)} whole numbers ({shown}), "
                                  "each in many rows: taken as classes (choose regression if they are amounts)")
        return "regression", f"{names[0]!r} holds {len(v):,} different numbers: ŷ estimates the number"
    return "regression", "the target columns hold numbers: ŷ estimates each"


# each problem's output activation and loss: the pair whose δ at the output is ŷ − y (or, for numbers, 2(ŷ − y)/N)
OUTPUT_AND_LOSS = {"binary": ("sigmoid", "bce"), "multiclass": ("softmax", "cross_entropy"),
                   "regression": ("linear", "mse")}


def suggest(table: TrainingTable) -> Suggestion:
    """Settings that learn ``table`` with the default number of iterations, each with its reason."""
    problem, why_problem = detect_problem(table)
    reasons = {"problem": why_problem}
    output, loss = OUTPUT_AND_LOSS[problem]
    reasons["output_activation"] = {
        "sigmoid": "sigmoid: a probability between 0 and 1 per output",
        "softmax": "softmax: one probability per class, adding up to 1",
        "linear": "linear: any number, so every target can be reached",
    }[output]
    reasons["loss"] = {
        "bce": "bce (binary cross-entropy): with a sigmoid output δ = ŷ − y, no vanishing slope",
        "cross_entropy": "cross-entropy: with softmax δ = ŷ − y, one clean error per class",
        "mse": "mse: the mean squared error, the same scale for any number of rows",
    }[loss]
    scaling, reasons["scaling"] = _scaling(table, problem)
    try:
        encoding = Encoding.fit(table, problem, scaling)
        n_inputs = encoding.n_inputs
    except EncodingError:
        n_inputs = len(table.input_columns)
    units = 8 if n_inputs <= 8 else 16
    reasons["hidden"] = (f"one hidden layer of {units} units: room for {n_inputs} input{'s' if n_inputs != 1 else ''} "
                         f"and {table.n_rows:,} rows")
    reasons["activation"] = "tanh: centred on 0, so the next layer's inputs are too; learns faster than sigmoid"
    reasons["init"] = "xavier: weights sized to each layer's inputs and outputs, so no unit starts saturated"
    reasons["use_bias"] = "biases: each unit can shift its threshold away from 0"
    reasons["seed"] = "seed 0: the same initial weights every time you Reset (any seed learns)"
    rate = 0.1 if problem == "regression" else 0.5
    reasons["learning_rate"] = (f"{format_number(rate)}: a mean loss over the whole table changes little with its "
                                "size; steady for these outputs")
    config = TrainingConfig(problem=problem, hidden=(units,), activation="tanh", output_activation=output, loss=loss,
                            scaling=scaling, learning_rate=rate, iterations=1500, seed=0, use_bias=True, init="xavier")
    reasons["iterations"] = "1,500: the tutorial's count, enough for these settings"
    return Suggestion(config, tuple((k, reasons[k]) for k in ORDER))


def preset_suggestion(table: TrainingTable, preset: TrainingConfig, example: str) -> Suggestion:
    """A shipped example's own settings, explained: where they agree with :func:`suggest`, its reason;
    elsewhere, that the example chose them."""
    general = suggest(table)
    reasons = []
    for key in ORDER:
        if getattr(preset, key) == getattr(general.config, key):
            reasons.append((key, general.reason(key)))
        else:
            value = getattr(preset, key)
            shown = ", ".join(map(str, value)) if isinstance(value, tuple) else value
            reasons.append((key, f"{shown}: {example}'s own setting"))
    if example == "article.csv":
        reasons = [(k, f"{_tutorial_value(preset, k)}: as in the tutorial") for k in ORDER]
    return Suggestion(preset, tuple(reasons))


def with_given(config: TrainingConfig, given: dict) -> TrainingConfig:
    """``config`` with the settings a user gave in place of its own. When only one of output activation and
    loss is given (or only the problem), the other follows it if that makes settings that work: the
    problem's own pair, or the given one's partner. Otherwise the settings as given are refused, in words
    about what was given, not about a setting the user never touched."""
    if "problem" in given and not {"output_activation", "loss"} & set(given):
        return replace(with_problem(config, given["problem"]), **given)
    problem = given.get("problem", config.problem)
    partners = []
    if "output_activation" in given and "loss" not in given:
        output = given["output_activation"]
        partners = [{"loss": loss} for out, loss in OUTPUT_AND_LOSS.values() if out == output] + [{"loss": "mse"}]
    elif "loss" in given and "output_activation" not in given:
        needs = LOSSES[given["loss"]].output
        own = OUTPUT_AND_LOSS[problem][0] if problem in OUTPUT_AND_LOSS else None
        partners = [{"output_activation": out} for out in (needs, own, "sigmoid", "linear") if out]
    try:
        return replace(config, **given)
    except ValueError as as_given:
        refusals = []
        for partner in partners:
            try:
                return replace(config, **given, **partner)
            except ValueError as exc:
                refusals.append(exc)
        # the natural partner's refusal when it is about what was given (softmax for a regression), else
        # the refusal of the settings as given
        labels = tuple(f"{CONSTRAINTS[key].label}:" for key in given if key in CONSTRAINTS)
        if refusals and str(refusals[0]).startswith(labels):
            raise refusals[0] from None
        raise as_given from None


def with_problem(config: TrainingConfig, problem: str) -> TrainingConfig:
    """``config`` turned to another problem, with the output and loss that belong to it."""
    output, loss = OUTPUT_AND_LOSS[problem]
    return replace(config, problem=problem, output_activation=output, loss=loss)


def _scaling(table: TrainingTable, problem: str) -> tuple[bool, str]:
    X = table.X
    numeric = [c for c, lv in enumerate(table.input_levels) if lv is None]
    spans = []
    for c in numeric:
        lo, hi = float(X[:, c].min()), float(X[:, c].max())
        spans.append((max(abs(lo), abs(hi)), c))
    small = all(s <= 1.0 for s, _ in spans)
    if problem == "regression":
        Y = table.y
        small = small and float(np.abs(Y).max()) <= 1.0
    if small:
        return False, ("off: the inputs already lie between −1 and 1" if numeric
                       else "off: the inputs are all text labels, one-hot")
    if len(spans) > 1:
        stds = [(float(X[:, c].std()), table.input_columns[c]) for c in numeric]
        (lo, lo_name), (hi, hi_name) = min(stds), max(stds)
        if lo > 0 and hi / lo >= 10:
            return True, (f"standardise: the inputs' spreads differ {hi / lo:,.0f}-fold ({lo_name} {lo:.3g}, "
                          f"{hi_name} {hi:.3g}); each becomes (x − μ)/σ")
    what = "the targets" if problem == "regression" and spans and max(spans)[0] <= 1 else "the inputs"
    return True, f"standardise: {what} reach beyond ±1; each column becomes (x − μ)/σ, the start tanh needs"


def _present_labels(table: TrainingTable, target: int) -> tuple[str, ...]:
    levels = table.target_levels[target]
    used = np.unique(table.y[:, target].astype(np.intp)).tolist()
    return tuple(levels[i] for i in used)


def _list(items, most: int = 4) -> str:
    items = list(items)
    return ", ".join(items[:most]) + (", …" if len(items) > most else "")


def _tutorial_value(config: TrainingConfig, key: str) -> str:
    value = getattr(config, key)
    if key == "problem":
        return PROBLEM_TITLES[value]
    if key == "hidden":
        return f"{value[0]} hidden units"
    if key == "use_bias":
        return "no biases" if not value else "biases"
    if key == "init":
        return "uniform [0, 1) weights"
    if key == "scaling":
        return "no scaling"
    if key == "learning_rate":
        return "learning rate 1"
    if key == "iterations":
        return "1,500 iterations"
    if key == "seed":
        return "seed 0"
    return str(value)
