"""Losses by name, each value beside its gradient with respect to the prediction ŷ.

Both receive ``diff = ŷ − y``, already computed once per iteration by the trainer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

_TWO = np.array(2.0)

# ŷ is clipped to [EPS, 1 − EPS] inside the cross-entropy so that log never sees 0.
BCE_EPS = 1e-12


def sse(y_hat: np.ndarray, y: np.ndarray, diff: np.ndarray) -> float:
    # L = Σ (ŷ − y)², the tutorial's loss
    flat = diff.reshape(-1)
    return float(np.dot(flat, flat))


def sse_gradient(y_hat, y, diff, out):
    # ∂L/∂ŷ = 2 (ŷ − y)
    return np.multiply(diff, _TWO, out)


def mse(y_hat, y, diff) -> float:
    # L = mean (ŷ − y)²
    flat = diff.reshape(-1)
    return float(np.dot(flat, flat)) / flat.size


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


@dataclass(frozen=True)
class Loss:
    name: str
    value: Callable[[np.ndarray, np.ndarray, np.ndarray], float]
    gradient: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    formula: str
    gradient_formula: str


LOSSES: dict[str, Loss] = {
    l.name: l
    for l in (
        Loss("sse", sse, sse_gradient, "L = Σ (ŷ − y)²", "∂L/∂ŷ = 2(ŷ − y)"),
        Loss("mse", mse, mse_gradient, "L = (1/N) Σ (ŷ − y)²", "∂L/∂ŷ = 2(ŷ − y)/N"),
        Loss(
            "bce",
            bce,
            bce_gradient,
            "L = −(1/N) Σ [y·ln ŷ + (1 − y)·ln(1 − ŷ)]",
            "∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)·N)",
        ),
    )
}


def get_loss(name: str) -> Loss:
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
