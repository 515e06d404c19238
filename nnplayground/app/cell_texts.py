"""A table's cells as text, made from its numbers only when read: a million rows of numbers is a 32 MB
array, but four million Python strings are ~250 MB and take ~1 s to make.

The table document keeps each cell as a number plus, sparsely, the text typed where it is not the
number's own text (``1.50``, `` 4 ``, ``oops``). :class:`CellTexts` is that pair frozen, for saving: cheap
to take on the window's thread, formatted by whoever reads it (a save's writing thread).
"""
from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import chain

import numpy as np

from ..core.table import cell_problem

Typed = dict[tuple[int, int], str]  # {(row, column): text} where the text is not format_number(the number)

PARSE_BLOCK = 20_000  # rows parsed by one float() sweep; a block with a bad cell is parsed cell by cell
FORMAT_BLOCK = 1 << 16  # cells formatted by one C loop (~15 ms holding the interpreter lock, which a
# save's writing thread must hand back to the window's often)


def format_numbers(values: np.ndarray) -> list[str]:
    """:func:`~nnplayground.core.table.format_number` of every value, row-major: ``repr`` in one C loop,
    then the integers lose their '.0' (shortest text, exactly as one cell at a time)."""
    flat = values.ravel()
    texts = list(map(float.__repr__, flat.tolist()))
    with np.errstate(invalid="ignore"):
        whole = np.flatnonzero((flat == np.trunc(flat)) & (np.abs(flat) < 1e16))  # repr '12.0', not '1e+16'
    for i in whole.tolist():
        texts[i] = texts[i][:-2]
    return texts


def parse_cells(cells: Sequence[Sequence[str]], n_columns: int) -> tuple[np.ndarray, dict[tuple[int, int], str]]:
    """Each cell's number (NaN where it is not one) and {(row, column): why} for the bad cells.

    ``float`` over a block of rows at once; only a block holding a bad cell is read cell by cell."""
    values, bad = np.zeros((len(cells), n_columns)), {}
    for start in range(0, len(cells), PARSE_BLOCK):
        block = cells[start:start + PARSE_BLOCK]
        try:
            numbers = np.fromiter(map(float, chain.from_iterable(block)), np.float64, len(block) * n_columns)
            if np.isfinite(numbers).all():
                values[start:start + len(block)] = numbers.reshape(len(block), n_columns)
                continue
        except ValueError:
            pass
        for r, row in enumerate(block, start):
            for c, text in enumerate(row):
                problem = cell_problem(text)
                if problem:
                    bad[r, c] = problem
                    values[r, c] = np.nan
                else:
                    values[r, c] = float(text)
    return values, bad


def typed_texts(cells: Sequence[Sequence[str]], values: np.ndarray) -> Typed:
    """The cells whose text is not their number's own text, as :class:`CellTexts` keeps them."""
    given = list(chain.from_iterable(cells))
    differs = np.fromiter(map(operator.ne, given, format_numbers(values)), bool, len(given))
    return {divmod(i, values.shape[1]): given[i] for i in np.flatnonzero(differs).tolist()}


class CellTexts(Sequence):
    """Every cell's text, row by row: a tuple of tuples of str to its readers, frozen when taken.

    Taking it copies the numbers and the typed texts (milliseconds); the rows are made on first read
    (about a second for four million cells, in blocks that let other threads run between them) and kept."""

    def __init__(self, values: np.ndarray, typed: Typed):
        self._values = values
        self._typed = typed
        self._made: tuple[tuple[str, ...], ...] | None = None

    def _rows(self) -> tuple[tuple[str, ...], ...]:
        if self._made is None:
            n_rows, n_columns = self._values.shape
            if n_columns == 0:
                self._made = ((),) * n_rows
                return self._made
            step = max(1, FORMAT_BLOCK // n_columns)
            typed: dict[int, list] = {}  # block -> its typed cells
            for (r, c), text in self._typed.items():
                typed.setdefault(r // step, []).append((r % step * n_columns + c, text))
            rows: list[tuple[str, ...]] = []
            for block, start in enumerate(range(0, n_rows, step)):
                texts = format_numbers(self._values[start:start + step])
                for i, text in typed.get(block, ()):
                    texts[i] = text
                rows += zip(*[iter(texts)] * n_columns)
            self._made = tuple(rows)
        return self._made

    def __len__(self) -> int:
        return self._values.shape[0]

    def __getitem__(self, index):
        return self._rows()[index]

    def __iter__(self):
        return iter(self._rows())

    def __eq__(self, other) -> bool:
        if isinstance(other, CellTexts):  # one text per (number, typed text): compare those, bit for bit
            return (self._values.shape == other._values.shape and self._typed == other._typed
                    and self._values.tobytes() == other._values.tobytes())
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(other) == len(self) and all(tuple(a) == tuple(b) for a, b in zip(self._rows(), other))

    __hash__ = None

    def __repr__(self) -> str:
        n_rows, n_columns = self._values.shape
        return f"CellTexts({n_rows} rows × {n_columns} columns, {len(self._typed)} typed)"
