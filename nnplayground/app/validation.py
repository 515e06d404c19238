"""The validation rows as the window keeps them: marks in the table document, drawn from the settings'
share and seed, moved by hand, undone like any edit. The decisions and the words, without Qt, so the
window and the tests make the very same ones.

The marks are the truth: the network trains on the rows that are not marked and measures the others.
The core draws a share of the rows itself for a table that has no marks (as the command line does); the
window's table always says which rows are held out, so a table whose marks were all undone or moved back
is handed to the engine as one with no validation rows (:func:`engine_table`).
"""
from __future__ import annotations

import numpy as np

from ..core import TrainingConfig, TrainingTable
from ..core.encoding import Encoding
from ..core.metrics import Metrics
from ..core.naming import listed
from ..core.split import split_rows
from ..core.trainer import EarlyStop


def percent(share: float) -> str:
    """0.2 → "20 %", 0.125 → "12.5 %"."""
    text = f"{100 * share:.1f}".removesuffix(".0")
    return f"{text} %"


def validation_marks(config: TrainingConfig, table: TrainingTable, encoding: Encoding | None = None) -> np.ndarray:
    """The rows ``config``'s validation share and split seed draw on ``table`` (whatever marks it has now):
    stratified by the classes as ``encoding`` (the network's) reads them or, when it can't read this table,
    as the settings' problem does; a share of all the rows when the targets can't be read as classes."""
    plain = table if table.validation is None else table.with_validation(None)
    if encoding is None or encoding.fits(plain) is not None:
        try:
            encoding = Encoding.fit(plain, config.problem, False)
        except ValueError:
            encoding = None
    return config.validation_rows(plain, encoding)


def drawn_marks(config: TrainingConfig, table: TrainingTable | None, n_rows: int,
                encoding: Encoding | None = None) -> np.ndarray:
    """The rows to mark when the share or its seed changes: drawn on ``table`` (see :func:`validation_marks`),
    or, for a table that can't be read yet (None: a bad cell), the share of all its ``n_rows`` rows."""
    if table is None:
        return split_rows(n_rows, config.validation, config.split_seed)
    return validation_marks(config, table, encoding)


def drawn_text(share: float, held: np.ndarray, changed: bool) -> str:
    """What the window says after drawing the rows anew ("" when there is nothing to say)."""
    undo = " (Ctrl+Z undoes)" if changed else ""
    if share:
        return (f"{int(held.sum()):,} of {held.size:,} rows ({percent(share)}) kept for validation: measured after "
                f"every epoch, never trained on{undo}.")
    return f"No validation rows: the network trains on every row{undo}." if changed else ""


def marks_label(share: float) -> str:
    """The undo history's name for drawing the validation rows anew."""
    return f"Keep {percent(share)} of the rows for validation" if share else "Train on every row (no validation rows)"


def with_marks(table: TrainingTable, config: TrainingConfig) -> TrainingTable:
    """``table`` with the validation rows the settings ask for, when it has no marks yet (a table opened
    while the validation share is above 0)."""
    if table.validation is not None or not config.validation:
        return table
    held = validation_marks(config, table)
    return table.with_validation(held) if held.any() else table


def engine_table(table: TrainingTable, config: TrainingConfig) -> TrainingTable:
    """The table to train ``config``'s network on: its marks are the validation rows, and a table without
    marks has none, even when the settings' share would draw some (only then is a new table made)."""
    if table.validation is not None or not config.validation:
        return table
    return table.with_validation(np.zeros(table.n_rows, dtype=bool))


def rows_text(count: int) -> str:
    """The table's legend: "12 validation rows: measured, never trained on"."""
    return f"{count:,} validation row{'s' if count != 1 else ''}: measured, never trained on"


def moved_text(rows: list[int], held: bool) -> str:
    """What the table editor says after moving rows: "Rows 3 and 7 moved to validation: …"."""
    n = len(rows)
    if n == 1:
        names = f"Row {rows[0] + 1:,}"
    elif n <= 4:
        names = "Rows " + listed(f"{r + 1:,}" for r in rows)
    else:
        names = f"{n:,} rows"
    what = ("validation: measured after every epoch, never trained on" if held
            else "training: trained on from the next iteration")
    return f"{names} moved to {what} (Ctrl+Z undoes)."


def metrics_line(train: Metrics | None, validation: Metrics | None) -> str:
    """Training and validation metrics side by side: "accuracy 97 % (train) · 100 % (validation)", "R² 0.91
    (train) · 0.85 (validation)"; the training rows' summary alone without validation rows."""
    if train is None:
        return ""
    if validation is None:
        return train.summary()
    if train.problem == "regression":
        return f"R² {train.r2_mean:.3g} (train) · {validation.r2_mean:.3g} (validation)"
    return f"accuracy {percent(train.accuracy)} (train) · {percent(validation.accuracy)} (validation)"


def early_stop_text(stop: EarlyStop) -> str:
    """What the window says when training stopped early: the command line's words, as a sentence."""
    text = str(stop)
    return text[0].upper() + text[1:]


def best_text(stop: EarlyStop) -> str:
    """The loss plot's label at the best iteration, and why training stopped, on a second line."""
    return (f"best: iteration {stop.best_iteration:,} (weights restored)\nstopped at {stop.stopped_at:,} "
            f"(patience: {stop.patience:,} epoch{'s' if stop.patience != 1 else ''})")
