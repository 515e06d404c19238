"""The training loss averaged over each epoch, for a loss curve of mini-batches.

With mini-batches every iteration's loss is that of one batch: a noisy band, and the validation loss
(one point per epoch) hides in it or looks far off. The mean over an epoch's iterations is the number that
compares with it. Kept incrementally, as the loss plot's envelope is: each completed block of iterations
adds its sum; when the blocks outnumber ``max_blocks``, pairs merge and a block spans 2, 4, … epochs
(still a plain mean of its iterations), so an update costs O(new losses) and the line stays short.
"""
from __future__ import annotations

import numpy as np

MAX_BLOCKS = 1024


class EpochMeans:
    def __init__(self, per_epoch: int, max_blocks: int = MAX_BLOCKS):
        self.per_epoch = max(int(per_epoch), 1)
        self.max_blocks = max_blocks
        self.block = self.per_epoch  # iterations a point averages: the epoch's, doubled as needed
        self.sums = np.empty(0)

    def update(self, y: np.ndarray, start: int) -> None:
        """``y`` is the whole loss history; entries from ``start`` on are new (or changed)."""
        n = y.size
        self.sums = self.sums[: min(start // self.block, self.sums.size)]  # blocks whose losses changed go
        while n // self.block > self.max_blocks:
            pairs = self.sums.size // 2
            self.sums = self.sums[: 2 * pairs : 2] + self.sums[1: 2 * pairs : 2]
            self.block *= 2
        done, have = n // self.block, self.sums.size
        if done > have:
            new = y[have * self.block: done * self.block].reshape(done - have, self.block).sum(axis=1)
            self.sums = np.concatenate([self.sums, new])

    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(the iteration each block ends at, the mean loss of its iterations)."""
        ends = (np.arange(self.sums.size, dtype=float) + 1) * self.block
        return ends, self.sums / self.block
