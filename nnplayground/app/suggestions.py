"""Which settings to suggest for the table being edited, whether the current ones can train it, and
what Apply gives: the decisions, without Qt, so that the window and the tests make the very same ones.

A shipped example suggests its own preset (the tutorial's table: the tutorial's network, exactly) for
as long as the table is still that example's: the same columns, targets that still read as the
preset's problem, and a preset that can train them. Once an edit changes that (a 0.5 typed into the
tutorial's 0/1 target), the table gets what :func:`~nnplayground.core.suggest.suggest` proposes for it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..core import TrainingConfig, TrainingTable
from ..core.presets import preset_for
from ..core.suggest import Suggestion, detect_problem, preset_suggestion, suggest


@dataclass(frozen=True)
class Example:
    """The shipped example a table was opened from: its file name, its preset and its columns then."""

    name: str
    preset: TrainingConfig
    columns: tuple[str, ...]

    @classmethod
    def of(cls, path: str | os.PathLike | None, table: TrainingTable) -> "Example | None":
        """The example ``path`` is (a file of the examples folder with a preset), else None."""
        preset = preset_for(path) if path is not None else None
        return None if preset is None else cls(Path(path).name, preset, table.columns)


def suggestion_for(table: TrainingTable, example: Example | None = None) -> Suggestion:
    """The settings to suggest for ``table``, each with its reason: the example's preset while the table
    is still the example's, else the general suggestion."""
    if example is not None and table.columns == example.columns:
        problem, _ = detect_problem(table)
        if problem == example.preset.problem and settings_problem(table, example.preset) is None:
            return preset_suggestion(table, example.preset, example.name)
    return suggest(table)


def same_table(a: TrainingTable | None, b: TrainingTable | None) -> bool:
    """Whether two tables hold the same columns, roles, labels, numbers and validation rows (a Reset reads
    the document into a new table object; a few milliseconds at a million rows, against a tenth of a second
    to suggest). The marks count: whether early stopping has rows to watch depends on them."""
    if a is b:
        return True
    if a is None or b is None:
        return False
    marks = [None if t.validation is None or not t.validation.any() else t.validation for t in (a, b)]
    if (marks[0] is None) != (marks[1] is None) or (marks[0] is not None and not np.array_equal(*marks)):
        return False
    return ((a.columns, a.roles, a.levels) == (b.columns, b.roles, b.levels) and a.data.shape == b.data.shape
            and bool(np.array_equal(a.data, b.data)))


def settings_problem(table: TrainingTable, config: TrainingConfig) -> str | None:
    """Why ``config`` cannot train ``table``, in the core's words (the field at fault first), or None."""
    try:
        encoding = config.encoding_for(table)
        config.check_fits(table, encoding)
        config.check_validation(table, config.validation_rows(table, encoding))  # stratified, as training draws
    except ValueError as exc:
        return str(exc)
    return None


def tried(current: TrainingConfig, changes, table: TrainingTable | None) -> TrainingConfig:
    """The settings a health note's fix makes of ``current`` (``changes``: (setting, value) pairs), or a
    ValueError with the reason they can't train ``table`` (the core's words, as Reset would say them)."""
    config = replace(current, **dict(changes))
    problem = settings_problem(table, config) if table is not None else None
    if problem:
        raise ValueError(problem)
    return config


@dataclass(frozen=True)
class Request:
    """What to advise on: the table (None when it can't be read), the example it came from, the settings."""

    table: TrainingTable | None
    example: Example | None
    config: TrainingConfig


@dataclass(frozen=True)
class Advice:
    """The answer to a :class:`Request`: the suggestion for its table and why its settings can't train
    the table (None: they can). Both None when the table can't be read."""

    request: Request
    suggestion: Suggestion | None
    problem: str | None


class Advisor:
    """Answers requests, remembering the last table's suggestion: a change of the settings alone costs
    only the check of the settings (a table of a million rows takes a few hundred milliseconds to
    suggest for, so the window asks on a thread; one advisor is used by one thread at a time)."""

    def __init__(self):
        self._last: tuple[TrainingTable, Example | None, Suggestion] | None = None

    def advise(self, request: Request) -> Advice:
        table = request.table
        if table is None:
            return Advice(request, None, None)
        last = self._last
        if last is not None and last[0] is table and last[1] == request.example:
            suggestion = last[2]
        else:
            suggestion = suggestion_for(table, request.example)
            self._last = (table, request.example, suggestion)
        return Advice(request, suggestion, settings_problem(table, request.config))
