"""Which rows are kept apart for validation: a share of the table drawn from a seed, stratified by
class so every class is in both parts, and never trained on. Their loss after each epoch shows whether
the network generalises or only remembers (the tutorial's closing remark about overfitting)."""
from __future__ import annotations

import numpy as np


def split_rows(n_rows: int, share: float, seed: int, labels: np.ndarray | None = None) -> np.ndarray:
    """A boolean mask of the validation rows: round(share·n) of them (for classes, that share of each
    class, and never a class's last row), drawn by ``np.random.default_rng(seed)``. Share 0: none."""
    held = np.zeros(n_rows, dtype=bool)
    if share <= 0 or n_rows < 2:
        return held
    rng = np.random.default_rng(seed)
    groups = [np.arange(n_rows)] if labels is None else [np.flatnonzero(labels == c) for c in np.unique(labels)]
    for rows, k in zip(groups, _quotas([rows.size for rows in groups], share)):
        k = min(k, rows.size - 1)
        if k > 0:
            held[rng.choice(rows, size=k, replace=False)] = True
    if held.all():  # keep one row to train on, whatever the share
        held[0] = False
    return held


def _quotas(sizes: list[int], share: float) -> list[int]:
    """Each group's rows to hold so that together they make round(share·n): each its share rounded
    down, then one more for the groups with the largest remainders (rounding each group alone gave
    no row of 30 classes of 2 rows at 0.25, and a third of 10 classes of 3 rows at 0.2)."""
    exact = [share * size for size in sizes]
    quotas = [int(q) for q in exact]
    extra = int(round(share * sum(sizes))) - sum(quotas)
    for i in sorted(range(len(sizes)), key=lambda i: quotas[i] - exact[i])[:max(extra, 0)]:
        quotas[i] += 1
    return quotas


def class_labels(encoding, Y: np.ndarray) -> np.ndarray:
    """One label per row to stratify by: the class (multi-class), the 0/1 pattern of the targets
    (binary)."""
    if encoding.problem == "multiclass":
        return np.argmax(Y, axis=1)
    return (Y @ (1 << np.arange(Y.shape[1]))).astype(np.int64)
