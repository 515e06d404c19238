"""Activation functions, each beside its derivative.

Derivatives are written in terms of the layer's *output* ``a = f(z)`` (the tutorial's
``sigmoid_derivative(self.output)``, scikit-learn's ``DERIVATIVES``): backprop then needs only the
stored activations. Every function writes into ``out`` so the trainer's hot loop allocates nothing.

Softmax is the one activation that is not applied unit by unit: each output depends on the whole
row, so its derivative is a matrix per row, not a number per unit. It is only used at the output with
the cross-entropy loss, where that matrix and the loss's ∂L/∂ŷ = −y/ŷ multiply out to δ = ŷ − y
(:mod:`.losses` computes that δ directly); its ``derivative`` here is the matrix's diagonal ŷ(1 − ŷ),
shown to a learner, never used by backprop.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

# 0-d array constants: NumPy takes them ~40 % faster than Python floats in tiny in-place ufuncs.
ONE = np.array(1.0)


def sigmoid(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    # 1 / (1 + exp(-z)), the tutorial's formula, step by step in place. exp(-z) overflows to inf
    # for z < -709 and then gives exactly 0; callers silence that warning once per pass.
    np.negative(z, out)
    np.exp(out, out)
    np.add(out, ONE, out)
    return np.reciprocal(out, out)


def sigmoid_derivative(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    # σ'(z) = a (1 - a)
    np.subtract(ONE, a, out)
    return np.multiply(out, a, out)


def tanh(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    return np.tanh(z, out=out)


def tanh_derivative(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    # tanh'(z) = 1 - a²
    np.multiply(a, a, out)
    return np.subtract(ONE, out, out)


def relu(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0, out=out)


def relu_derivative(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    # 1 where the unit is active, 0 elsewhere (0 at z = 0, as scikit-learn)
    return np.greater(a, 0.0, out=out, casting="unsafe")


def linear(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    if out is not z:
        np.copyto(out, z)
    return out


def linear_derivative(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    out.fill(1.0)
    return out


def softmax(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    # e^(z_k) / Σ_j e^(z_j) along each row; the row's largest z is taken off first, which changes
    # nothing mathematically and keeps e^z from overflowing
    np.subtract(z, z.max(axis=1, keepdims=True), out)
    np.exp(out, out)
    return np.divide(out, out.sum(axis=1, keepdims=True), out)


@dataclass(frozen=True)
class Activation:
    name: str
    function: Callable[[np.ndarray, np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]
    formula: str
    derivative_formula: str
    low: float  # the values it can give: a target outside [low, high] can never be reached
    high: float
    elementwise: bool = True  # False for softmax: an output layer only (see the module's note)

    def reaches(self, low: float, high: float) -> bool:
        """Whether every value from ``low`` to ``high`` lies in this activation's range."""
        return self.low <= low and high <= self.high


INF = float("inf")
ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", sigmoid, sigmoid_derivative, "σ(z) = 1 / (1 + e^(−z))", "a·(1 − a)", 0.0, 1.0),
        Activation("tanh", tanh, tanh_derivative, "tanh(z)", "1 − a²", -1.0, 1.0),
        Activation("relu", relu, relu_derivative, "max(z, 0)", "1 if a > 0 else 0", 0.0, INF),
        Activation("linear", linear, linear_derivative, "z", "1", -INF, INF),
        Activation("softmax", softmax, sigmoid_derivative, "softmax(z)_k = e^(z_k) / Σ_j e^(z_j)",
                   "∂a_k/∂z_j = a_k·(δ_kj − a_j)", 0.0, 1.0, elementwise=False),
    )
}
HIDDEN_ACTIVATIONS = tuple(name for name, a in ACTIVATIONS.items() if a.elementwise)
OUTPUT_ACTIVATIONS = tuple(ACTIVATIONS)


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}"
        ) from None
