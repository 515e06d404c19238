"""One parameter's gradient, written out by the chain rule with the numbers in it.

For a weight W^l[i, j] from unit i of the layer below to unit j of layer l, summed over rows r:

    ∂L/∂W^l_ij = Σ_r  a^(l-1)_ri · (∂L/∂a^l_rj) · f'(z^l_rj)

where ∂L/∂a^l_rj is ∂L/∂ŷ at the output, and Σ_k δ^(l+1)_rk · W^(l+1)_jk below it (the error sent
back from the layer above). For a bias b^l_j the first factor is 1. Every factor is returned per row,
so a view can print the sum term by term; the sum is the gradient backprop computes *on these weights*.

Which weights those are matters once training moves: after an update the weights are no longer the
ones the latest backprop used. :meth:`Trainer.explain` marks the explanation with the trainer's
iteration and next phase so that a view can say so instead of printing two numbers that disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .losses import get_loss
from .network import Network, Trace, _as_2d_float, backward_into, forward_into, seed_output_delta


@dataclass(frozen=True)
class ParameterExplanation:
    kind: str  # "W" or "b"
    layer: int  # 0-based: W[layer] or b[layer]
    i: int  # source unit (0 for a bias)
    j: int  # target unit
    value: float  # the parameter now
    is_output: bool  # layer is the output layer: ∂L/∂a is ∂L/∂ŷ
    a_in: np.ndarray  # per row: activation of the source unit (1 for a bias)
    upstream: np.ndarray  # per row: ∂L/∂a of the target unit
    local: np.ndarray  # per row: f'(z) of the target unit
    terms: np.ndarray  # per row: a_in · upstream · local
    gradient: float  # Σ terms
    backprop_gradient: float  # the same number as the engine's backward pass computes it, on the same weights
    delta_formula: str | None = None  # at the output when the loss and activation cancel: upstream is δ itself
    penalty: float = 0.0  # the L2/L1 penalty's share of ∂L/∂W (λ₂·w + λ₁·sign(w)), added to Σ terms
    iteration: int | None = None  # the trainer's completed iterations when computed (None: not from a trainer)
    phase: str | None = None  # the trainer's next phase then (as Snapshot.phase)
    rows: np.ndarray | None = None  # the table rows the terms are of, in order; None: rows 0, 1, 2… of the table

    @property
    def matches_latest_backprop(self) -> bool:
        """Computed on the very weights and table of the trainer's latest backprop: its ∂L/∂θ is this Σ.

        Only between a backprop and its update; after the update, or before a first backprop, the
        gradient is the one the *next* backprop will compute.
        """
        return self.phase == "update"


def explain_parameter(network: Network, X, y, loss: str, kind: str, layer: int, i: int, j: int) -> ParameterExplanation:
    """The chain-rule terms of ∂L/∂W[layer][i, j] (kind "W") or ∂L/∂b[layer][j] (kind "b")."""
    if kind not in ("W", "b"):
        raise ValueError(f"kind must be 'W' or 'b', got {kind!r}")
    n_layers = len(network.weights)
    if not 0 <= layer < n_layers:
        raise ValueError(f"layer {layer} does not exist; the network has {n_layers} layers")
    n_in, n_out = network.weights[layer].shape
    if not 0 <= j < n_out or (kind == "W" and not 0 <= i < n_in):
        raise ValueError(f"unit ({i}, {j}) is outside layer {layer + 1}'s {n_in}×{n_out} weights")
    lossfn = get_loss(loss)
    X = _as_2d_float("X", X, network.n_inputs)
    y = _as_2d_float("y", y, network.n_outputs)
    trace = Trace.empty(network.layer_sizes, X.shape[0])
    trace.a[0][...] = X
    with np.errstate(over="ignore"):
        y_hat = forward_into(network, trace)
    fused = seed_output_delta(network, lossfn, y_hat, y, y_hat - y, trace.delta[-1])
    dL_dyhat = trace.delta[-1][:, j].copy() if layer == n_layers - 1 else None
    backward_into(network, trace, output_delta=fused)

    is_output = layer == n_layers - 1
    if is_output:
        upstream = dL_dyhat
    else:  # the error the layer above sends back to unit j
        upstream = trace.delta[layer + 1] @ network.weights[layer + 1][j, :]
    act = network._acts[layer]
    if is_output and fused:  # upstream already is δ = (ŷ − y)/N: the loss and the activation cancelled
        local = np.ones(X.shape[0])
    else:
        local = act.derivative(trace.a[layer + 1][:, j].copy(), np.empty(X.shape[0]))
    a_in = np.ones(X.shape[0]) if kind == "b" else trace.a[layer][:, i].copy()
    terms = a_in * upstream * local
    if kind == "W":
        value, engine = float(network.weights[layer][i, j]), float(trace.dW[layer][i, j])
    else:
        value = float(network.biases[layer][j])
        engine = float(trace.db[layer][j]) if network.use_bias else float(terms.sum())
    return ParameterExplanation(kind, layer, i if kind == "W" else 0, j, value, is_output, a_in, upstream, local,
                                terms, float(terms.sum()), engine,
                                lossfn.delta_formula if is_output and fused else None)
