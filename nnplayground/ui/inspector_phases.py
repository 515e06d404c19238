"""What the step inspector writes for each phase: the numbers a :class:`PhaseResult` holds beside the
formulas that made them, as Qt rich text.

Presentation only: every number comes from the result (or the table and the encoding it was computed
from), formatted, never recomputed; a feedforward says which table rows its matrices hold.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import (ACTIVATIONS, LOSSES, SCHEDULES, BackpropResult, FeedforwardResult, LossResult, PhaseResult,
                    TrainingConfig, TrainingTable, UpdateResult)
from ..core.encoding import Encoding
from ..core.network import split_parameters
from .inspector_html import LINK, MAX_ROWS, big, fmt, formula, grid_html, heading, lines, matrix_html, note, sup

SHORT_ROWS = 8  # table rows named in a batch's line; the rest in its tooltip
TOOLTIP_ROWS, TOOLTIP_PER_LINE = 600, 20


@dataclass(frozen=True, eq=False)
class Context:
    """What a phase's numbers are read with: the settings, the table and the encoding they were computed
    from, and the iteration's feedforward (it says which table rows the matrices hold)."""

    config: TrainingConfig
    table: TrainingTable | None = None
    encoding: Encoding | None = None
    feedforward: FeedforwardResult | None = None

    @property
    def rows(self) -> np.ndarray | None:
        """The table rows (0-based) the iteration's matrices hold, in their order; None before a feedforward."""
        ff = self.feedforward
        if ff is None:
            return None
        return ff.rows if ff.rows is not None else np.arange(ff.X.shape[0])

    def row_labels(self) -> list[str] | None:
        """The shown rows' table row numbers (1-based, as the table shows them) when the matrices hold
        a batch or part of the table; None when they hold every row in order."""
        rows = self.rows
        if rows is None or (self.table is not None and np.array_equal(rows, np.arange(self.table.n_rows))):
            return None
        return [str(int(r) + 1) for r in rows[:MAX_ROWS]]


def render(result: PhaseResult, context: Context) -> str:
    if isinstance(result, FeedforwardResult):
        return feedforward_html(result, context)
    if isinstance(result, LossResult):
        return loss_html(result, context)
    if isinstance(result, BackpropResult):
        return backprop_html(result, context)
    return update_html(result, context)


# -- feedforward ------------------------------------------------------------------------------------
def batch_lines(ff: FeedforwardResult, context: Context) -> tuple[str, str]:
    """The line naming the rows a feedforward holds (HTML, empty for every row of the table) and the
    full list for its tooltip (plain text, empty when the line says it all)."""
    if ff.batches > 1:  # a mini-batch
        rows = [int(r) + 1 for r in ff.rows]
        listed = ", ".join(map(str, rows[:SHORT_ROWS]))
        more = ", … (hover for all)" if len(rows) > SHORT_ROWS else ""
        line = (f"<p style='margin:2px 0'><b>batch {ff.batch + 1:,} of {ff.batches:,} in epoch {ff.epoch + 1:,}</b>"
                f" ({len(rows):,} rows):<br><a href='rows' style='color:{LINK}'>rows {listed}{more}</a></p>")
        return line, rows_tooltip(rows) if len(rows) > SHORT_ROWS else ""
    rows = context.rows
    if rows is not None and context.table is not None and rows.size < context.table.n_rows:
        kept = context.table.n_rows - rows.size
        return note(f"All {rows.size:,} training rows ({kept:,} kept apart for validation, never trained on)."), ""
    return "", ""


def rows_tooltip(rows: list[int]) -> str:
    shown = rows[:TOOLTIP_ROWS]
    lines = [", ".join(map(str, shown[i:i + TOOLTIP_PER_LINE])) for i in range(0, len(shown), TOOLTIP_PER_LINE)]
    if len(rows) > TOOLTIP_ROWS:
        lines.append(f"… and {len(rows) - TOOLTIP_ROWS:,} more")
    return f"The batch's {len(rows):,} table rows, in the order drawn:\n" + "\n".join(lines)


def encoding_html(ff: FeedforwardResult, context: Context, labels: list[str] | None) -> str:
    """x̃ = (x − μ)/σ: the table's values of the rows, μ and σ per column (text columns one-hot)."""
    enc, table = context.encoding, context.table
    columns = [c.name for c in enc.inputs]
    parts = [heading("The inputs, as the network takes them")]
    rows = context.rows
    if table is not None and rows is not None and table.input_columns == tuple(columns):
        shown = rows[:MAX_ROWS]
        X, levels = table.X[shown], table.input_levels

        def raw(r: int, c: int) -> str:
            return levels[c][int(X[r, c])] if levels[c] is not None else fmt(X[r, c])

        parts.append(grid_html("x, the table's values", (rows.size, len(columns)), raw, columns, labels))
    if enc.scales_inputs:
        parts.append(formula("x̃ = (x − μ)/σ"))
        parts.append(note("μ and σ: each number column's mean and standard deviation over the training rows, "
                          "fixed at Reset."))
    if any(c.levels is not None for c in enc.inputs):
        parts.append(note("A text column becomes one input per label (column=label): 1 for the row's label, "
                          "0 for the others."))

    def stat(r: int, c: int) -> str:
        spec = enc.inputs[c]
        if spec.levels is not None:
            return "one-hot" if r == 0 else f"{spec.width} inputs"
        if not spec.scaled:
            return "as is" if r == 0 else ""
        return fmt(spec.mean if r == 0 else spec.scale)

    parts.append(grid_html("μ and σ", (2, len(columns)), stat, columns, ["μ", "σ"], corner=""))
    return "".join(parts)


def feedforward_html(r: FeedforwardResult, context: Context) -> str:
    config, enc = context.config, context.encoding
    n = len(r.z)
    acts = config.activations_for(n)
    labels = context.row_labels()
    line, _ = batch_lines(r, context)
    parts = [line]
    inputs = list(enc.input_names) if enc is not None else None
    outputs = list(enc.output_names) if enc is not None else None
    if enc is not None and len(inputs) == r.X.shape[1] and any(c.scaled or c.levels is not None for c in enc.inputs):
        parts.append(encoding_html(r, context, labels))
        parts.append(matrix_html("a⁰ = x̃", r.X, columns=inputs, rows=labels))
    else:
        parts.append(matrix_html("a⁰ = X", r.X, columns=inputs if inputs and len(inputs) == r.X.shape[1] else None,
                                 rows=labels))
    for l in range(n):
        k = sup(l + 1)
        bias = f" + b{k}" if config.use_bias else ""
        last = l == n - 1
        cols = outputs if last and outputs and len(outputs) == r.a[l].shape[1] else None
        parts.append(formula(f"z{k} = a{sup(l)}·W{k}{bias}"))
        parts.append(matrix_html(f"z{k}", r.z[l], columns=cols, rows=labels))
        parts.append(formula(f"a{k} = {acts[l]}(z{k}),  {ACTIVATIONS[acts[l]].formula}"))
        parts.append(matrix_html(f"a{k}" + (" = ŷ" if last else ""), r.a[l], columns=cols, rows=labels))
    return "".join(parts)


# -- loss -------------------------------------------------------------------------------------------
def penalty_terms(config: TrainingConfig, gradient_of: str | None = None) -> list[str]:
    """The penalty's terms in the loss (λ₂/2·Σw², λ₁·Σ|w| over the weights w), or in the gradient of
    the weights ``gradient_of``."""
    terms = []
    if config.l2:
        terms.append(f"λ₂·{gradient_of}" if gradient_of else "λ₂/2·Σw²")  # w: each weight (W² is layer 2's)
    if config.l1:
        terms.append(f"λ₁·sign({gradient_of})" if gradient_of else "λ₁·Σ|w|")
    return terms


def penalty_strengths(config: TrainingConfig) -> str:
    return ", ".join(s for s in (f"λ₂ = {config.l2:g}" if config.l2 else "",
                                 f"λ₁ = {config.l1:g}" if config.l1 else "") if s)


def loss_html(r: LossResult, context: Context) -> str:
    config, enc = context.config, context.encoding
    loss = LOSSES[config.loss]
    labels = context.row_labels()
    cols = list(enc.output_names) if enc is not None and len(enc.output_names) == r.y.shape[1] else None
    parts = [matrix_html("ŷ", r.y_hat, columns=cols, rows=labels), matrix_html("y", r.y, columns=cols, rows=labels)]
    if enc is not None and enc.problem == "multiclass":
        parts.append(note(f"y: each row's class of {enc.targets[0]!r} as one-hot, 1 under its class."))
    if enc is not None and enc.scales_targets:
        stats = "; ".join(f"{t}: μ = {fmt(m)}, σ = {fmt(s)}"
                          for t, m, s in zip(enc.targets, enc.target_mean, enc.target_scale))
        parts.append(formula("ỹ = (y − μ)/σ"))
        parts.append(note(f"y and ŷ are in scaled units ({stats})."))
    parts.append(matrix_html("error ŷ − y", r.error, columns=cols, rows=labels))
    parts.append(formula(loss.formula))
    ff = context.feedforward
    if ff is not None and ff.rows is not None:
        parts.append(note(f"N: this batch's {r.y.shape[0]:,} rows."))
    terms = penalty_terms(config)
    if terms or r.penalty:
        data_name = "L_data"
        parts.append(formula(f"L = {data_name} + " + " + ".join(terms or ["penalty"])))
        strengths = penalty_strengths(config)
        parts.append(note(f"{data_name}: the loss above; the penalty is on the weights, not the biases"
                          + (f" ({strengths})." if strengths else ".")))
        parts.append(big(f"L = {r.data_loss:.6g} + {r.penalty:.6g} = {r.loss:.6g}"))
    else:
        parts.append(big(f"L = {r.loss:.6g}"))
    return "".join(parts)


# -- backprop ---------------------------------------------------------------------------------------
def backprop_html(r: BackpropResult, context: Context) -> str:
    config = context.config
    n = len(r.delta)
    acts = config.activations_for(n)
    loss = LOSSES[config.loss]
    fused = loss.delta_for(acts[-1]) is not None
    labels = context.row_labels()
    parts = [formula(loss.gradient_formula), matrix_html("∂L/∂ŷ", r.dL_dyhat, rows=labels)]
    for l in range(n - 1, -1, -1):
        k = sup(l + 1)
        if l == n - 1 and fused:
            head, _, why = loss.delta_formula.partition(": ")
            rows = r.delta[l].shape[0]
            count = (f"N = {rows:,} rows" if config.loss == "cross_entropy"
                     else f"N = {rows:,}×{r.delta[l].shape[1]} values")
            parts.append(formula(f"δ{k} = ∂L/∂z{k} = (ŷ − y)/N,  {count}"))
            parts.append(note(f"Why {head.removeprefix('δ = ')}: {why}. So backprop starts from ŷ − y, "
                              "not from the ∂L/∂ŷ above."))
        elif l == n - 1:
            parts.append(formula(f"δ{k} = ∂L/∂ŷ ⊙ f′(z{k}),  f′ = {ACTIVATIONS[acts[l]].derivative_formula}"))
        else:
            parts.append(formula(f"δ{k} = (δ{sup(l + 2)}·W{sup(l + 2)}ᵀ) ⊙ f′(z{k}),  "
                                 f"f′ = {ACTIVATIONS[acts[l]].derivative_formula}"))
        parts.append(matrix_html(f"δ{k}", r.delta[l], rows=labels))
        if r.penalty_dW:
            shares = " + ".join(penalty_terms(config, gradient_of=f"W{k}")) or "the penalty's share"
            parts.append(formula(f"∂L/∂W{k} = a{sup(l)}ᵀ·δ{k} + {shares}"))
            parts.append(matrix_html(f"{shares}, the penalty's share", r.penalty_dW[l]))
        else:
            parts.append(formula(f"∂L/∂W{k} = a{sup(l)}ᵀ·δ{k}"))
        parts.append(matrix_html(f"∂L/∂W{k}", r.dW[l], link=f"W:{l}"))
        if config.use_bias:
            parts.append(formula(f"∂L/∂b{k} = Σ_rows δ{k}"))
            parts.append(matrix_html(f"∂L/∂b{k}", r.db[l], link=f"b:{l}"))
    return "".join(parts)


# -- update -----------------------------------------------------------------------------------------
def layer_sizes(W: tuple[np.ndarray, ...]) -> list[int]:
    return [w.shape[0] for w in W] + [W[-1].shape[1]]


def rate_html(r: UpdateResult, context: Context, step: str = "") -> str:
    """η of this update (``step``: what goes before it, e.g. the step count), and how a schedule set it."""
    config = context.config
    text = f"{step},  η = {r.learning_rate:g}" if step else f"η = {r.learning_rate:g}"
    if r.learning_rate == config.learning_rate or config.schedule == "constant":
        return formula(text)
    schedule = SCHEDULES[config.schedule]
    epoch = context.feedforward.epoch if context.feedforward is not None else None
    at = f" after e = {epoch:,} completed epochs" if epoch is not None else ""
    return (formula(f"{text},  {schedule.formula}")
            + note(f"The {config.schedule} schedule lowered the rate from η₀ = {config.learning_rate:g}{at}."))


def is_plain(r: UpdateResult) -> bool:
    """Plain SGD, the tutorial's update: Δ = η·g, no state."""
    return not r.state_before and r.formula == "θ ← θ − η·g"


def step_name(r: UpdateResult, k: str) -> str:
    """What the middle matrix is: −η·∂L/∂W for plain SGD (as the tutorial writes it), −Δ otherwise."""
    return f"−η·∂L/∂W{k}" if is_plain(r) else f"−Δ{k}, the step"


def update_html(r: UpdateResult, context: Context) -> str:
    config = context.config
    plain = is_plain(r)
    if plain:
        parts = [formula("W ← W − η·∂L/∂W"), rate_html(r, context)]
    else:
        parts = [f"<p style='margin:2px 0'><b>{lines(r.optimizer)}</b></p>"]
        parts += [formula(piece.strip()) for piece in r.formula.split(";")]
        parts.append(rate_html(r, context, f"t = {r.t:,} (steps since Reset)"))
        parts.append(note("Δ is the step, θ ← θ − Δ; the state starts at 0 and carries over from step to step."))
    sizes = layer_sizes(r.W_before)
    n = len(r.W_before)
    before = {name: split_parameters(v, sizes) for name, v in r.state_before.items()}
    after = {name: split_parameters(v, sizes) for name, v in r.state_after.items()}
    derived = {name: split_parameters(v, sizes) for name, v in r.derived.items()}
    bias = config.use_bias

    def pair(arrays: list[np.ndarray], l: int) -> dict:
        """Layer l's W part, its b part as the matrix's last row (with biases)."""
        return {"values": arrays[l], "bias": arrays[n + l] if bias else None}

    for l in range(n):
        k = sup(l + 1)
        if before and n > 1:
            parts.append(heading(f"Layer {l + 1}"))
        of = f"W{k}, b{k}" if bias else f"W{k}"
        for name in before:
            parts.append(matrix_html(f"{name} of {of}, before", **pair(before[name], l)))
            parts.append(matrix_html(f"{name} of {of}, after", **pair(after[name], l)))
        for name in derived:
            parts.append(matrix_html(f"{name} of {of}", **pair(derived[name], l)))
        links = {"link": f"W:{l}", "bias_link": f"b:{l}"}
        parts.append(matrix_html(f"{of} before", r.W_before[l], bias=r.b_before[l] if bias else None, **links))
        parts.append(matrix_html(step_name(r, k), -r.step_W[l], bias=-r.step_b[l] if bias else None))
        parts.append(matrix_html(f"{of} after", r.W_after[l], bias=r.b_after[l] if bias else None, **links))
    if r.early_stop is not None:  # said last, below the update it follows
        parts.append(note(f"This update ended an epoch, and training {r.early_stop}: the network now holds "
                          f"iteration {r.early_stop.best_iteration:,}'s weights, not the ones after this update."))
    return "".join(parts)
