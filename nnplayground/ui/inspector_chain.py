"""One clicked parameter in the step inspector: its chain rule row by row, the penalty's share of its
gradient, and the latest update of it written out by the optimizer, line by line.

Presentation only: the terms come from a :class:`ParameterExplanation`, the update's lines from
:meth:`Optimizer.explain_update` on the numbers the update phase recorded.
"""
from __future__ import annotations

from html import escape

from ..core import BackpropResult, ParameterExplanation, TrainingConfig, UpdateResult
from .inspector_html import fmt, formula, heading, keep, note, sup
from ..core.network import split_parameters
from .inspector_phases import layer_sizes

TERM_ROWS = 12  # rows of the chain rule written out; the rest are in the sum


def _factors(e: ParameterExplanation, frm: str | None) -> tuple[tuple[str, str, str], str]:
    """The three factors' short names (the table's columns) and the formula that says what they are."""
    first = "∂z/∂w" if e.kind == "W" else "∂z/∂b"
    what_first = f"{first} = a{sup(e.layer)} of {frm}" if e.kind == "W" else f"{first} = 1"
    if e.delta_formula:  # softmax + cross-entropy, sigmoid + bce: the output's δ directly
        return (first, "δ", "1"), f"∂L/∂w = Σ_rows (∂z/∂w)·δ,  δ = ∂L/∂z = (ŷ − y)/N,  {what_first}"
    if e.is_output:
        return (first, "∂L/∂ŷ", "f′(z)"), f"∂L/∂w = Σ_rows (∂z/∂w)·(∂L/∂ŷ)·(∂ŷ/∂z),  ∂ŷ/∂z = f′(z),  {what_first}"
    above = sup(e.layer + 2)
    return ((first, "∂L/∂a", "f′(z)"),
            f"∂L/∂w = Σ_rows (∂z/∂w)·(∂L/∂a)·f′(z),  ∂L/∂a = Σₖ δ{above}ₖ·W{above}ⱼₖ,  {what_first}")


def terms_table_html(e: ParameterExplanation, row_labels: list[str] | None) -> str:
    """The chain rule's terms row by row (the first :data:`TERM_ROWS`): a table that never wraps (the
    inspector measures it to keep the chain rule at least this wide)."""
    heads = _factors(e, None)[0]
    rows = []
    for r in range(min(len(e.terms), TERM_ROWS)):
        label = row_labels[r] if row_labels is not None else str(r + 1)
        rows.append(f"<tr><td>{label}</td><td align='right'>{fmt(e.a_in[r])}&nbsp;×</td>"
                    f"<td align='right'>{fmt(e.upstream[r])}&nbsp;×</td><td align='right'>{fmt(e.local[r])}&nbsp;=</td>"
                    f"<td align='right'>{fmt(e.terms[r])}</td></tr>")
    if len(e.terms) > TERM_ROWS:
        rows.append(f"<tr><td colspan='5'>… {len(e.terms) - TERM_ROWS:,} more rows, all in the sum</td></tr>")
    head = "".join(f"<td align='right'>{escape(h)}&nbsp;&nbsp;</td>" for h in heads)
    return ("<table style='font-family:monospace' cellspacing='0' cellpadding='1'>"
            f"<tr style='color:#555'><td style='padding-right:6px'>row</td>{head}<td align='right'>term</td></tr>"
            f"{''.join(rows)}</table>")


def chain_rule_html(e: ParameterExplanation, names: list[list[str]] | None, weights_note: str,
                    config: TrainingConfig | None, last_step: tuple[UpdateResult, BackpropResult] | None,
                    row_labels: list[str] | None = None) -> str:
    """The chain rule of ``e`` as rich text; ``row_labels`` name its rows (a batch's table rows)."""
    k = sup(e.layer + 1)
    to = names[e.layer + 1][e.j] if names else f"unit {e.j + 1}"
    frm = None
    if e.kind == "W":
        frm = names[e.layer][e.i] if names else f"unit {e.i + 1}"
        title = f"∂L/∂W{k}[{e.i + 1}, {e.j + 1}]  ({escape(frm)} → {escape(to)})"
    else:
        title = f"∂L/∂b{k}[{e.j + 1}]  (bias of {escape(to)})"
    what = _factors(e, frm)[1]
    parts = [f"<h3 style='margin:0'>{title}</h3>"]
    if weights_note:
        parts.append(f"<p style='margin:2px 0; color:#9a3412'>{escape(weights_note, quote=False)}</p>")
    parts.append(formula(what))
    if e.delta_formula:
        parts.append(note(f"At the output the loss and the activation cancel: {e.delta_formula}."))
    parts.append(terms_table_html(e, row_labels))
    if e.kind == "W" and (e.penalty or (config is not None and (config.l2 or config.l1))):
        parts.append(penalty_html(e, config))
    else:
        parts.append(f"<p style='margin:4px 0'><b>Σ = {e.gradient:.6g}</b> &nbsp; (the engine's backward pass on "
                     f"these same weights: {e.backprop_gradient:.6g}); the parameter is {e.value:.6g}</p>")
    if last_step is not None and config is not None:
        parts.append(update_html(e, config, *last_step))
    return "".join(parts)


def penalty_html(e: ParameterExplanation, config: TrainingConfig | None) -> str:
    """Σ terms + the penalty's share = the whole ∂L/∂w (the engine's)."""
    terms, numbers = [], []
    if config is not None and config.l2:
        terms.append("λ₂·w")
        numbers.append(f"{config.l2:g}·{fmt(e.value)}")
    if config is not None and config.l1:
        terms.append("λ₁·sign(w)")
        numbers.append(f"{config.l1:g}·{'1' if e.value > 0 else '(−1)' if e.value < 0 else '0'}")
    share = " + ".join(terms) or "the penalty's share"
    worked = f" = {' + '.join(numbers)}" if numbers else ""
    return (f"<p style='margin:4px 0'>{keep(f'Σ = {e.gradient:.6g}')}; the penalty's share "
            f"{keep(f'{share}{worked} = {e.penalty:.6g}')}</p>"
            + formula(f"∂L/∂w = Σ + {share}")
            + f"<p style='margin:2px 0'><b>∂L/∂w = {e.gradient:.6g} + {e.penalty:.6g} = {e.backprop_gradient:.6g}"
              f"</b> &nbsp; (the engine's backward pass on these same weights); the parameter is {e.value:.6g}</p>")


def update_html(e: ParameterExplanation, config: TrainingConfig, u: UpdateResult, b: BackpropResult) -> str:
    """The latest update of the parameter ``e`` explains, line by line, when it is the one that gave the
    parameter its value (the explanation was made after it, on the weights it left); else nothing."""
    if e.iteration is None or e.iteration != u.iteration + 1 or b.iteration != u.iteration:
        return ""
    n = len(u.W_before)
    l = e.layer
    if e.kind == "W":
        p, index = l, (e.i, e.j)
        theta, after, g = u.W_before[l][e.i, e.j], u.W_after[l][e.i, e.j], b.dW[l][e.i, e.j]
    else:
        p, index = n + l, (e.j,)
        theta, after, g = u.b_before[l][e.j], u.b_after[l][e.j], b.db[l][e.j]
    optimizer = config.make_optimizer()
    if float(after) != e.value or repr(optimizer) != u.optimizer:  # weights put back since, or other settings
        return ""
    sizes = layer_sizes(u.W_before)
    before = {name: split_parameters(flat, sizes)[p] for name, flat in u.state_before.items()}
    lines = optimizer.explain_update(before, float(g), u.learning_rate, index, t=u.t, theta=float(theta))
    penalty = ", the penalty's share included" if b.penalty_dW and e.kind == "W" else ""
    parts = [heading(f"Its update in iteration {u.iteration + 1:,}"),
             f"<p style='margin:2px 0'>{escape(u.optimizer)}: step {keep(f't = {u.t:,}')}, "
             f"{keep(f'η = {u.learning_rate:g}')}, {keep(f'g = {fmt(g)}')} (∂L/∂w from that iteration's "
             f"backprop{penalty})</p>"]
    for line in lines:
        parts.append(formula(line.formula))
        parts.append(f"<p style='margin:0 0 2px 12px; font-family:monospace'>{escape(line.numbers)}</p>")
    return "".join(parts)
