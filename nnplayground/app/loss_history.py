"""The loss of every completed iteration: the one copy the plot draws and the session saves.

The worker sends the history in chunks (each snapshot carries the losses since the last one it
sent); this object stitches them together and refuses a gap, so what is saved is exactly what was
trained and what is drawn.
"""
from __future__ import annotations

import numpy as np


class LossHistory:
    def __init__(self):
        self._y = np.empty(1024)
        self._n = 0
        self._changed_from: int | None = 0  # the first entry changed since take_changes()

    def __len__(self) -> int:
        return self._n

    @property
    def values(self) -> np.ndarray:
        """The losses so far, iteration 1 first (a read-only view: copy it to keep it)."""
        view = self._y[: self._n]
        view.flags.writeable = False
        return view

    def clear(self) -> None:
        self._n = 0
        self._changed_from = 0

    def take_changes(self) -> int | None:
        """The first entry changed since the last call (None: nothing changed). For the one view that
        draws the history incrementally."""
        changed, self._changed_from = self._changed_from, None
        return changed

    def replace(self, losses) -> None:
        """The whole history at once (a restored session)."""
        self.clear()
        self.receive(0, losses)

    def receive(self, start: int, losses) -> None:
        """Losses of iterations ``start + 1 …``; a start of 0 replaces everything before."""
        losses = np.asarray(losses, dtype=float).ravel()
        if start > self._n:
            raise ValueError(f"loss history has a gap: it has {self._n} losses, the next chunk starts at {start}")
        end = start + losses.size
        if end > self._y.size:
            grown = np.empty(max(end, 2 * self._y.size))
            grown[: self._n] = self._y[: self._n]
            self._y = grown
        self._y[start:end] = losses
        self._n = end
        self._changed_from = start if self._changed_from is None else min(self._changed_from, start)
