"""What an edit of the table asks of the network: the decision, without Qt, so that the window and
the tests make the very same one.

An edit that the network can still read (same columns, no label it was not built for, targets its
output reaches) is trained on from the next iteration; one that it can't rebuilds an untrained network
at once, or pauses a trained one until the user's Reset (throwing training away is the user's call). A
table that can't be trained on, or that the settings can't build a network for, says why.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from ..core import INPUT, TARGET, TableError, TrainingTable
from .session_state import SessionState
from .table_document import TableDocument


class TableReaction(enum.Enum):
    NOTHING = "nothing"  # no network, or a table that can't be trained on (``problem`` says why)
    SEND = "send"  # same inputs and targets: the worker trains on the edited rows
    RESET = "reset"  # they changed and nothing was trained yet: a network that fits, now
    WAIT = "wait"  # they changed under a trained network: pause; Reset builds one that fits


@dataclass(frozen=True)
class TableEdit:
    reaction: TableReaction
    table: TrainingTable | None  # the table as the core sees it, when it can be trained on
    problem: str | None = None
    misfit: str | None = None  # RESET, WAIT: why the network can't train on the table (a label it lacks…)


def table_problem(document: TableDocument) -> str | None:
    """Why the table can't be trained on, or None; cheap (no copy of the table): asked at every Step."""
    problems, roles = document.problems(), document.roles
    if problems:
        r, c, why = problems[0]
        more = "" if len(problems) == 1 else \
            f" (and {len(problems) - 1} more bad cell{'s' if len(problems) > 2 else ''})"
        return f"row {r + 1}, column {document.header[c]!r}: {why}{more}"
    if not document.n_rows:
        return "the table is empty: it needs at least one row"
    if INPUT not in roles or TARGET not in roles:
        return f"the table has no {'input' if INPUT not in roles else 'target'} column"
    return None


def training_table(document: TableDocument) -> tuple[TrainingTable | None, str | None]:
    """The table for the core, or None and why not."""
    problem = table_problem(document)
    if problem is not None:
        return None, problem
    try:
        return document.to_training_table(), None
    except TableError as exc:
        return None, str(exc)


def fit_problem(state: SessionState, table: TrainingTable) -> str | None:
    """Why the network (as built) cannot train on ``table``, or None: its columns, a label it was not
    built for, targets its output can't reach."""
    encoding, config = state.network_encoding, state.network_config
    if encoding is None or config is None:
        return None
    problem = encoding.fits(table)
    if problem is None:
        try:
            config.check_targets(encoding, table)
        except ValueError as exc:
            problem = str(exc)
    return problem


def columns_fit(state: SessionState, document: TableDocument) -> bool:
    """Whether the document's input and target columns are the network's (their cells aside)."""
    encoding = state.network_encoding
    if encoding is None:
        return True
    inputs = tuple(h for h, r in zip(document.header, document.roles) if r == INPUT)
    targets = tuple(h for h, r in zip(document.header, document.roles) if r == TARGET)
    return inputs == tuple(c.name for c in encoding.inputs) and targets == encoding.targets


def table_edited(state: SessionState, document: TableDocument, has_network: bool, untouched: bool) -> TableEdit:
    """The table was edited: record whether it still fits the network, and say what to do."""
    table, problem = training_table(document)
    if table is None:  # a bad cell: whether it fits is decided by its columns until the cells are fixed
        state.table_changed(columns_fit(state, document))
        return TableEdit(TableReaction.NOTHING, None, problem)
    misfit = fit_problem(state, table)
    fits = state.table_changed(misfit is None)
    if not has_network:
        return TableEdit(TableReaction.NOTHING, table)
    if fits:
        return TableEdit(TableReaction.SEND, table)
    try:  # can the settings build a network for the table as it is now?
        state.settings.encoding_for(table)
    except ValueError as exc:
        return TableEdit(TableReaction.NOTHING, table, str(exc))
    return TableEdit(TableReaction.RESET if untouched else TableReaction.WAIT, table, misfit=misfit)
