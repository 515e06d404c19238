"""How good the predictions are, in the terms of the problem: accuracy and a confusion matrix for a
classification, R² and RMSE for a regression. Beside the loss, which is what training minimises but
rarely what a learner wants to know.

Computed from the network's outputs and targets as the network sees them (encoded): accuracy and the
confusion matrix do not depend on the encoding, R² does not change under scaling, and the RMSE is
given back in the table's own units.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .encoding import Encoding


@dataclass(frozen=True, eq=False)
class Metrics:
    problem: str
    accuracy: float | None = None  # classification: share of rows (binary: of cells) predicted right
    confusion: tuple[np.ndarray, ...] = ()  # per classified column: [true class, predicted class] counts
    classes: tuple[tuple[str, ...], ...] = ()  # the labels of each confusion matrix's rows and columns
    r2: tuple[float, ...] = ()  # regression: per target column, 1 − SS_res/SS_tot
    rmse: tuple[float, ...] = ()  # regression: per target column, in the table's units
    rows: int = 0

    @property
    def r2_mean(self) -> float | None:
        return float(np.mean(self.r2)) if self.r2 else None

    @property
    def rmse_mean(self) -> float | None:
        return float(np.mean(self.rmse)) if self.rmse else None

    def to_dict(self) -> dict:
        """JSON-ready: ``accuracy`` (and ``confusion``) for a classification, ``r2`` and ``rmse`` for a
        regression (the mean over target columns, and per column)."""
        if self.problem == "regression":
            return {"r2": _plain(self.r2_mean), "rmse": _plain(self.rmse_mean),
                    "r2_per_target": [_plain(v) for v in self.r2], "rmse_per_target": [_plain(v) for v in self.rmse]}
        return {"accuracy": _plain(self.accuracy),
                "confusion": [m.tolist() for m in self.confusion],
                "classes": [list(c) for c in self.classes]}

    def summary(self) -> str:
        """One line: "accuracy 98.7 % (148 of 150 rows)" or "R² 0.708, RMSE 41.3"."""
        if self.problem == "regression":
            parts = [f"R² {_short(self.r2_mean)}", f"RMSE {_short(self.rmse_mean)}"]
            return ", ".join(parts)
        right = round(self.accuracy * self.rows * max(1, len(self.confusion) if self.problem == "binary" else 1))
        total = self.rows * (len(self.confusion) if self.problem == "binary" else 1)
        unit = "rows" if total == self.rows else "cells"
        return f"accuracy {100 * self.accuracy:.1f} % ({right:,} of {total:,} {unit})"


def compute_metrics(encoding: Encoding, y_hat: np.ndarray, y: np.ndarray) -> Metrics:
    """Metrics of encoded outputs ``y_hat`` against encoded targets ``y`` (as the trainer holds them)."""
    rows = int(y.shape[0])
    if encoding.problem == "regression":
        err = y_hat - y
        ss_res = (err * err).sum(axis=0)
        centred = y - y.mean(axis=0)
        ss_tot = (centred * centred).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = np.where(ss_tot > 0, 1.0 - ss_res / ss_tot, np.where(ss_res == 0, 1.0, -np.inf))
        scale = np.asarray(encoding.target_scale) if encoding.target_scale else 1.0
        rmse = np.sqrt(ss_res / rows) * scale
        return Metrics("regression", r2=tuple(map(float, r2)), rmse=tuple(map(float, np.broadcast_to(rmse, r2.shape))),
                       rows=rows)
    if encoding.problem == "multiclass":
        k = y.shape[1]
        truth, guess = np.argmax(y, axis=1), np.argmax(y_hat, axis=1)
        confusion = np.bincount(truth * k + guess, minlength=k * k).reshape(k, k)
        return Metrics("multiclass", float((truth == guess).mean()), (confusion,), encoding.classes, rows=rows)
    truth, guess = y.astype(np.intp), (y_hat >= 0.5).astype(np.intp)
    confusion = tuple(np.bincount(truth[:, t] * 2 + guess[:, t], minlength=4).reshape(2, 2)
                      for t in range(y.shape[1]))
    return Metrics("binary", float((truth == guess).mean()), confusion, encoding.classes, rows=rows)


def _plain(value):
    return None if value is None or not math.isfinite(value) else float(value)


def _short(value) -> str:
    return "—" if value is None else f"{value:.3g}"
