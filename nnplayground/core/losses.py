"""Losses by name, each value beside its gradient with respect to the prediction ŷ.

Both receive ``diff = ŷ − y``, already computed once per iteration by the trainer.

Two losses belong with one output activation, and together their chain rule collapses: for a
sigmoid output with bce and a softmax output with cross-entropy, δ = ∂L/∂z at the output is just
(ŷ − y)/N (the 1/(ŷ(1 − ŷ)) of the loss cancels the sigmoid's ŷ(1 − ŷ); softmax's Jacobian cancels
−y/ŷ because each row of y sums to 1). ``output_delta`` computes that δ directly, as scikit-learn
does: it is exact where the product would lose digits, and it is what the inspector explains.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

_TWO = np.array(2.0)

# ŷ is clipped to [EPS, 1 − EPS] inside the cross-entropy so that log never sees 0.
BCE_EPS = 1e-12


# OpenBLAS's dot product hands vectors longer than 10,000 to its threads, which on a busy machine cost
# milliseconds a call; below that it is the fastest sum of squares, above it NumPy's own loop is steadier.
BLAS_DOT_MAX = 10_000


def sum_of_squares(flat: np.ndarray) -> float:
    if flat.size <= BLAS_DOT_MAX:
        return float(np.dot(flat, flat))
    return float(np.einsum("i,i->", flat, flat))


def sse(y_hat: np.ndarray, y: np.ndarray, diff: np.ndarray) -> float:
    # L = Σ (ŷ − y)², the tutorial's loss
    return sum_of_squares(diff.reshape(-1))


def sse_gradient(y_hat, y, diff, out):
    # ∂L/∂ŷ = 2 (ŷ − y)
    return np.multiply(diff, _TWO, out)


def mse(y_hat, y, diff) -> float:
    # L = mean (ŷ − y)²
    return sum_of_squares(diff.reshape(-1)) / diff.size


def mse_gradient(y_hat, y, diff, out):
    # ∂L/∂ŷ = 2 (ŷ − y) / N
    return np.multiply(diff, 2.0 / diff.size, out=out)


def bce(y_hat, y, diff) -> float:
    # L = −mean[y log ŷ + (1 − y) log(1 − ŷ)]
    p = np.clip(y_hat, BCE_EPS, 1.0 - BCE_EPS)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def bce_gradient(y_hat, y, diff, out):
    # ∂L/∂ŷ = (ŷ − y) / (ŷ (1 − ŷ)) / N
    p = np.clip(y_hat, BCE_EPS, 1.0 - BCE_EPS)
    np.subtract(p, y, out=out)
    out /= p * (1.0 - p) * y_hat.size
    return out


def cross_entropy(y_hat, y, diff) -> float:
    # L = −(1/N) Σ_rows Σ_k y_k ln ŷ_k, for one-hot rows y and softmax rows ŷ
    p = np.clip(y_hat, BCE_EPS, 1.0)
    return float(-np.sum(y * np.log(p)) / y.shape[0])


def cross_entropy_gradient(y_hat, y, diff, out):
    # ∂L/∂ŷ = −y / (ŷ·N): shown to a learner; backprop takes output_delta's ŷ − y instead
    p = np.clip(y_hat, BCE_EPS, 1.0)
    np.divide(y, p, out=out)
    out *= -1.0 / y.shape[0]
    return out


def mean_delta(y_hat, y, diff, out):
    # δ = ∂L/∂z at the output = (ŷ − y) / N, N the values averaged (bce: every cell; cross-entropy: rows)
    return np.multiply(diff, 1.0 / diff.size, out=out)


def row_mean_delta(y_hat, y, diff, out):
    return np.multiply(diff, 1.0 / diff.shape[0], out=out)


@dataclass(frozen=True)
class Loss:
    name: str
    value: Callable[[np.ndarray, np.ndarray, np.ndarray], float]
    gradient: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    formula: str
    gradient_formula: str
    output: str | None = None  # the output activation this loss needs, if any
    output_delta: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None
    delta_formula: str | None = None  # δ at the output, with that activation
    summed: bool = False  # a sum over rows (grows with their number), not a mean

    def delta_for(self, activation: str):
        """The function giving δ at the output directly for this output activation, or None (then
        δ = ∂L/∂ŷ ⊙ f′(z), unit by unit)."""
        return self.output_delta if activation == self.output else None


LOSSES: dict[str, Loss] = {
    l.name: l
    for l in (
        Loss("sse", sse, sse_gradient, "L = Σ (ŷ − y)²", "∂L/∂ŷ = 2(ŷ − y)", summed=True),
        Loss("mse", mse, mse_gradient, "L = (1/N) Σ (ŷ − y)²", "∂L/∂ŷ = 2(ŷ − y)/N"),
        Loss(
            "bce",
            bce,
            bce_gradient,
            "L = −(1/N) Σ [y·ln ŷ + (1 − y)·ln(1 − ŷ)]",
            "∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)·N)",
            output="sigmoid", output_delta=mean_delta,
            delta_formula="δ = (ŷ − y)/N: the sigmoid's ŷ(1 − ŷ) cancels the loss's 1/(ŷ(1 − ŷ))",
        ),
        Loss(
            "cross_entropy",
            cross_entropy,
            cross_entropy_gradient,
            "L = −(1/N) Σ_rows Σ_k y_k·ln ŷ_k",
            "∂L/∂ŷ = −y / (ŷ·N)",
            output="softmax", output_delta=row_mean_delta,
            delta_formula="δ = (ŷ − y)/N: softmax's Jacobian ŷ_k(δ_kj − ŷ_j) times −y/ŷ, with Σ_k y_k = 1",
        ),
    )
}


def get_loss(name: str) -> Loss:
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
