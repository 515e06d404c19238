"""The training table being edited: each cell as typed, so a bad entry is kept and shown, not lost.

The document is the one owner of the table's state: names, roles, what each column holds (numbers,
or text labels such as ``setosa``), each cell's number (NaN where its text is not one), the texts typed
that are not their number's own text (``1.50``, ``oops``, ``setosa``), and the bad cells with the reason
(in a numbers column, a text that is not a number; in a labels column, only an empty cell). A cell's
text is made from its number when it is read, so a table of a
million rows opens as one array and a view formats only the cells on screen. Every edit is a command
on its ``undo`` stack; ``to_training_table()`` hands the core a validated :class:`TrainingTable` or
raises the core's :class:`TableError`. No Qt here: the Qt table model is an adapter that listens to
:class:`TableChange`.

Numbers, typed texts and bad cells are kept up to date incrementally, so an edit in a table of a
million cells costs only what it touches: a cell edit checks one cell, and a structural edit (rows,
columns, paste) moves the numbers and texts it already knows instead of parsing every cell again. Each edit is a
list of small *steps*; running a step returns the step that undoes it, so an edit and its undo are
one piece of code and undo restores exactly what was there (the objects themselves, not a re-parse).
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..core.table import (INPUT, KINDS, LABELS, MAX_CELLS, NUMBERS, TARGET, TableError, TrainingTable,
                          cell_problem, format_number, is_labels_column, label_of, sort_labels)
from .cell_texts import CellTexts, parse_cells, typed_texts
from .undo import UndoStack

__all__ = ["ABOUT_TO_RESET", "CELLS", "HEADER", "MARKS", "RESET", "CellTexts", "TableChange", "TableDocument",
           "parse_cells"]

CELLS, HEADER, ABOUT_TO_RESET, RESET, MARKS = "cells", "header", "about_to_reset", "reset", "marks"


@dataclass(frozen=True)
class TableChange:
    """What one edit (or its undo or redo) changed, so a view redraws no more than it must.

    ``kind`` is CELLS (only the text of ``cells`` changed), HEADER (only the names or roles of
    ``columns``), MARKS (only which of ``rows`` are validation rows), or a pair ABOUT_TO_RESET, sent
    before rows or columns come or go, then RESET after.
    """

    kind: str
    cells: tuple[tuple[int, int], ...] = ()
    columns: tuple[int, ...] = ()
    rows: tuple[int, ...] = ()


class TableDocument:
    def __init__(self, table: TrainingTable | None = None):
        """An empty document, or one holding ``table`` with nothing to undo."""
        self.undo = UndoStack()
        self._header: list[str] = []
        self._roles: list[str] = []
        self._kinds: list[str] = []
        self._values = np.zeros((0, 0))
        self._held = np.zeros(0, dtype=bool)  # per row: kept apart for validation, never trained on
        self._about: object = None  # what went with the table when it was put in whole (see load): Undo brings it back
        self._typed: dict[tuple[int, int], str] = {}  # texts that are not format_number(their number)
        self._bad: dict[tuple[int, int], str] = {}
        self._listeners: list[Callable[[TableChange], None]] = []
        self._pending: TableChange | None = None
        self._version = 0
        self._made: tuple[int, TrainingTable] | None = None  # the last training table made, and at which version
        self.undo.subscribe(self._announce)  # first listener: the table's news goes out once the history moved
        if table is not None:
            self.load(table)
            self.undo.clear()

    def __repr__(self) -> str:
        return f"TableDocument({self.n_rows} rows × {self.n_columns} columns, {len(self._bad)} bad cells)"

    # -- reading --------------------------------------------------------------------------------
    @property
    def header(self) -> list[str]:
        return list(self._header)

    @property
    def roles(self) -> list[str]:
        return list(self._roles)

    @property
    def kinds(self) -> list[str]:
        """What each column holds: NUMBERS or LABELS (text labels, one-hot or classes for the network)."""
        return list(self._kinds)

    @property
    def n_rows(self) -> int:
        return self._values.shape[0]

    @property
    def n_columns(self) -> int:
        return len(self._header)

    @property
    def version(self) -> int:
        """Goes up by one with every change (edit, undo or redo): "has the table changed since?"."""
        return self._version

    def cell(self, row: int, column: int) -> str:
        text = self._typed.get((row, column))
        return format_number(self._values.item(row, column)) if text is None else text

    def cells(self) -> CellTexts:
        """Every cell's text, row by row, as of now: cheap to take; the texts are made when first read."""
        return CellTexts(self._values.copy(), dict(self._typed))

    def problem(self, row: int, column: int) -> str | None:
        """Why this cell is not a usable number, or None."""
        return self._bad.get((row, column))

    def problems(self) -> list[tuple[int, int, str]]:
        """Every bad cell as (row, column, why), in reading order."""
        return [(r, c, why) for (r, c), why in sorted(self._bad.items())]

    @property
    def validation(self) -> np.ndarray:
        """Per row: a validation row (measured, never trained on). A copy."""
        return self._held.copy()

    def numbers(self) -> np.ndarray:
        """Each cell's number, NaN where its text is not one (a copy)."""
        return self._values.copy()

    def to_training_table(self) -> TrainingTable:
        """The table for the core (TableError if it has a bad cell or no row); the same object until the
        next change, so that its readers (the window's reaction to an edit, the network's view, Reset) make
        it once: for a million rows with a labels column that takes seconds."""
        if self._made is not None and self._made[0] == self._version:
            return self._made[1]
        table = self._make_training_table()
        self._made = (self._version, table)
        return table

    def _make_training_table(self) -> TrainingTable:
        if self._bad:
            (r, c), why = min(self._bad.items())
            name = self._header[c]
            raise TableError(f"row {r + 1}, column {name!r}: {why}", row=r + 1, column=name)
        if not self.n_rows:
            raise TableError("the table is empty: it needs at least one row")
        held = self._held.copy() if self._held.any() else None
        if LABELS not in self._kinds:
            return TrainingTable(tuple(self._header), tuple(self._roles), self._values, validation=held)
        data, levels = self._values.copy(), []
        for c, kind in enumerate(self._kinds):
            if kind == NUMBERS:
                levels.append(None)
                continue
            labels = self.labels(c)
            names = sort_labels(labels)
            index = {name: i for i, name in enumerate(names)}
            data[:, c] = [index[label] for label in labels]
            levels.append(names)
        return TrainingTable(tuple(self._header), tuple(self._roles), data, tuple(levels), held)

    def labels(self, column: int) -> list[str]:
        """Each row's label in a labels column (a number's own text, else the text typed, stripped)."""
        values, typed = self._values[:, column], self._typed
        out = []
        for r, v in enumerate(values.tolist()):
            text = typed.get((r, column))
            out.append(label_of(text) if text is not None else format_number(v))
        return out

    def to_csv_text(self) -> str:
        """The table as typed, bad cells included: saving never loses what the user entered."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self._header)
        writer.writerows(self.cells())
        return out.getvalue()

    # -- listening ------------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[TableChange], None]) -> Callable[[], None]:
        """Call ``listener(change)`` after every change; returns the unsubscriber.

        A listener sees the undo history already moved (``undo.is_clean``, ``undo.can_undo`` are current).
        """
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _tell(self, change: TableChange) -> None:
        for listener in list(self._listeners):
            listener(change)

    def _announce(self) -> None:
        if self._pending is not None:
            change, self._pending = self._pending, None
            self._version += 1
            self._tell(change)

    # -- editing: each public method pushes one undoable edit, or raises and changes nothing ----------
    def set_cells(self, changes: Sequence[tuple[int, int, str]], label: str = "Edit cells") -> None:
        """Set cell texts as given; nothing is pushed when no text changes."""
        changes = [(r, c, str(text)) for r, c, text in changes]
        for r, c, _ in changes:
            self._check_cell(r, c)
        if any(self.cell(r, c) != text for r, c, text in changes):
            self._push(label, [("write", changes)])

    @property
    def about(self) -> object:
        """What the window gave with the whole table it put in (its title, example, settings: opaque here),
        as it stands now: undoing the replacement brings back the previous table's."""
        return self._about

    def load(self, table: TrainingTable, label: str = "Load table", about: object = None) -> None:
        """Replace the table with ``table``: its numbers are kept, their texts made as they are shown.
        ``about``: whatever goes with this table (see :attr:`about`)."""
        values, typed = np.array(table.data), {}
        for c, levels in enumerate(table.levels):
            if levels is None:
                continue
            numbers = np.array([_number_or_nan(lv) for lv in levels])
            codes = table.data[:, c].astype(np.intp)
            values[:, c] = numbers[codes]
            words = [i for i, lv in enumerate(levels) if lv != format_number(numbers[i])]
            for r in np.flatnonzero(np.isin(codes, words)).tolist():
                typed[r, c] = levels[codes[r]]
        held = np.zeros(table.n_rows, dtype=bool) if table.validation is None else np.array(table.validation)
        self._push(label, [("replace", list(table.columns), list(table.roles), list(table.kinds), values,
                            typed, {}, held, about)])

    def load_cells(self, header: Sequence[str], roles: Sequence[str], cells: Sequence[Sequence[str]],
                   label: str = "Open", kinds: Sequence[str] | None = None,
                   validation: Sequence[int] | None = None) -> None:
        """Replace the table with text cells as they were typed (a saved session). ``kinds``: what each
        column holds; by default a column is text labels when more than half its filled cells are not numbers."""
        header, roles = [str(h) for h in header], list(roles)
        if len(roles) != len(header):
            raise TableError(f"{len(header)} columns but {len(roles)} roles")
        for role in roles:
            self._check_role(role)
        if kinds is not None and (len(kinds) != len(header) or any(k not in KINDS for k in kinds)):
            raise TableError(f"each of the {len(header)} columns holds {' or '.join(KINDS)}")
        if not all(len(row) == len(header) for row in cells):
            r, row = next((r, row) for r, row in enumerate(cells) if len(row) != len(header))
            raise TableError(f"row {r + 1} has {len(row)} cells but the header has {len(header)} columns",
                             row=r + 1)
        self._check_size(len(cells), len(header))
        values, bad = parse_cells(cells, len(header))
        if kinds is None:
            suspects = sorted({c for _, c in bad})  # only a column with a bad cell can be one of labels
            kinds = [NUMBERS] * len(header)
            for c in suspects:
                if is_labels_column(row[c] for row in cells):
                    kinds[c] = LABELS
        kinds = list(kinds)
        bad = {(r, c): why for (r, c), why in bad.items() if kinds[c] == NUMBERS or why == "empty cell"}
        held = np.zeros(len(cells), dtype=bool)
        if validation is not None:
            rows = np.asarray(validation, dtype=np.intp)
            if rows.size and (rows.min() < 0 or rows.max() >= len(cells)):
                raise TableError("a validation row is outside the table")
            held[rows] = True
        self._push(label, [("replace", header, roles, kinds, values, typed_texts(cells, values), bad, held, None)])

    def set_validation(self, rows: Sequence[int], held: bool, label: str | None = None) -> None:
        """Move ``rows`` to the validation rows (``held``) or back to the training rows, undoably."""
        rows = sorted({int(r) for r in rows})
        if any(not 0 <= r < self.n_rows for r in rows):
            raise IndexError(f"no such row in {self.n_rows}")
        changed = [r for r in rows if self._held[r] != held]
        if changed:
            what = "validation" if held else "training"
            label = label or (f"Move row {changed[0] + 1} to {what}" if len(changed) == 1
                              else f"Move {len(changed)} rows to {what}")
            self._push(label, [("marks", changed, [held] * len(changed))])

    def assign_validation(self, held: np.ndarray, label: str = "Choose validation rows") -> None:
        """Make exactly the rows marked in ``held`` (a mask, one per row) the validation rows, undoably."""
        held = np.asarray(held, dtype=bool)
        if held.shape != (self.n_rows,):
            raise ValueError(f"{held.size} marks for {self.n_rows} rows")
        changed = np.flatnonzero(held != self._held).tolist()
        if changed:
            self._push(label, [("marks", changed, held[changed].tolist())])

    def set_kind(self, column: int, kind: str) -> None:
        """Make a column hold numbers or text labels (undoable); its cells keep their texts."""
        self._check_column(column)
        if kind not in KINDS:
            raise TableError(f"a column holds {' or '.join(KINDS)}, not {kind!r}")
        if self._kinds[column] != kind:
            what = "text labels" if kind == LABELS else "numbers"
            self._push(f"Make {self._header[column]} hold {what}", [("set_kind", column, kind)])

    def insert_rows(self, row: int, count: int = 1) -> None:
        """Insert ``count`` rows of zeros before ``row`` (``row == n_rows`` appends)."""
        if not 0 <= row <= self.n_rows or count < 1:
            raise IndexError(f"cannot insert {count} rows at row {row} of {self.n_rows}")
        self._check_size(self.n_rows + count, self.n_columns)
        self._push("Add row" if count == 1 else f"Add {count} rows",
                   [self._zero_rows(range(row, row + count), self.n_columns)])

    def add_rows(self, rows: Sequence[Sequence[str]], at: int | None = None, label: str | None = None) -> None:
        """Insert rows of cell texts (one text per column) before row ``at`` (default: after the last), as
        one edit: nothing sees a row of zeros on the way."""
        at = self.n_rows if at is None else at
        rows = [[str(text) for text in row] for row in rows]
        if not 0 <= at <= self.n_rows or not rows:
            raise IndexError(f"cannot insert {len(rows)} rows at row {at} of {self.n_rows}")
        for row in rows:
            if len(row) != self.n_columns:
                raise TableError(f"a row of {len(row)} cells for {self.n_columns} columns")
        self._check_size(self.n_rows + len(rows), self.n_columns)
        writes = [(at + i, c, text) for i, row in enumerate(rows) for c, text in enumerate(row)]
        label = label or ("Add row" if len(rows) == 1 else f"Add {len(rows)} rows")
        self._push(label, [self._zero_rows(range(at, at + len(rows)), self.n_columns), ("write", writes)])

    def remove_rows(self, rows: Sequence[int], label: str | None = None) -> None:
        positions = sorted(set(rows))
        missing = [r for r in positions if not 0 <= r < self.n_rows]
        if missing:
            raise IndexError(f"no row {missing[0]} in {self.n_rows} rows")
        if positions:
            label = label or ("Remove row" if len(positions) == 1 else f"Remove {len(positions)} rows")
            self._push(label, [("remove_rows", positions)])

    def insert_column(self, column: int, name: str | None = None, role: str = INPUT) -> None:
        """Insert a column of zeros before ``column``, named ``x1``, ``x2``… unless ``name`` is given."""
        if not 0 <= column <= self.n_columns:
            raise IndexError(f"cannot insert a column at {column} of {self.n_columns}")
        name = self._free_name("x") if name is None else name.strip()
        problem = self._name_problem(name, self._header)
        if problem:
            raise TableError(problem)
        self._check_role(role)
        self._check_size(self.n_rows, self.n_columns + 1)
        self._push(f"Add column {name}", [self._zero_column(column, name, role)])

    def remove_column(self, column: int) -> None:
        self._check_column(column)
        self._push(f"Remove column {self._header[column]}", [("remove_column", column)])

    def rename_column(self, column: int, name: str) -> str | None:
        """Rename; returns why not (empty or taken), or None when done."""
        self._check_column(column)
        name = name.strip()
        problem = self._name_problem(name, self._header[:column] + self._header[column + 1:])
        if problem:
            return problem
        if name != self._header[column]:
            self._push(f"Rename column to {name}", [("rename", column, name)])
        return None

    def set_role(self, column: int, role: str) -> None:
        self._check_column(column)
        self._check_role(role)
        if self._roles[column] != role:
            label = f"Make {self._header[column]} {'a target' if role == TARGET else 'an input'}"
            self._push(label, [("set_role", column, role)])

    def paste(self, row: int, column: int, text: str) -> tuple[int, int]:
        """Paste a tab-separated block at (row, column), growing the table as needed; returns its size."""
        if row < 0 or column < 0:
            raise IndexError(f"cannot paste at row {row}, column {column}")
        block = [line.split("\t") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        while block and block[-1] == [""]:
            block.pop()
        if len(block) > 1 and [t.strip() for t in block[0]] == self._header[column:column + len(block[0])]:
            block = block[1:]  # a block copied with its header row: the names are the table's, not data
        if not block:
            return 0, 0
        width = max(len(line) for line in block)
        n_rows, n_columns = max(self.n_rows, row + len(block)), max(self.n_columns, column + width)
        self._check_size(n_rows, n_columns)
        steps, names = [], list(self._header)
        for c in range(self.n_columns, n_columns):
            names.append(self._free_name("x", names))
            steps.append(self._zero_column(c, names[-1], INPUT))
        if n_rows > self.n_rows:
            steps.append(self._zero_rows(range(self.n_rows, n_rows), n_columns))
        writes = [(row + i, column + j, t.strip()) for i, line in enumerate(block) for j, t in enumerate(line)]
        self._push("Paste", steps + [("write", writes)])
        return len(block), width

    # -- checks and helpers -----------------------------------------------------------------------
    def _check_cell(self, row: int, column: int) -> None:
        if not (0 <= row < self.n_rows and 0 <= column < self.n_columns):
            raise IndexError(f"no cell ({row}, {column}) in a table of {self.n_rows} × {self.n_columns}")

    def _check_column(self, column: int) -> None:
        if not 0 <= column < self.n_columns:
            raise IndexError(f"no column {column} in {self.n_columns}")

    @staticmethod
    def _check_role(role: str) -> None:
        if role not in (INPUT, TARGET):
            raise TableError(f"a column's role must be {INPUT!r} or {TARGET!r}, got {role!r}")

    @staticmethod
    def _check_size(n_rows: int, n_columns: int) -> None:
        if n_rows * n_columns > MAX_CELLS:
            raise TableError(f"the table would have {n_rows * n_columns:,} cells; the limit is {MAX_CELLS:,}")

    @staticmethod
    def _name_problem(name: str, others: Sequence[str]) -> str | None:
        if not name:
            return "a column needs a name"
        if name in others:
            return f"there is already a column named {name!r}"
        return None

    def _free_name(self, stem: str, taken: Sequence[str] | None = None) -> str:
        taken = set(self._header if taken is None else taken)
        n = 1
        while f"{stem}{n}" in taken:
            n += 1
        return f"{stem}{n}"

    @staticmethod
    def _zero_rows(positions: range, n_columns: int) -> tuple:
        return ("insert_rows", list(positions), np.zeros((len(positions), n_columns)), {}, {})

    def _zero_column(self, column: int, name: str, role: str) -> tuple:
        return ("insert_column", column, name, role, NUMBERS, np.zeros(self.n_rows), {}, {})

    def _push(self, label: str, steps: list[tuple]) -> None:
        self.undo.push(_Edit(self, label, steps))

    # -- steps: each changes the state and returns the step that changes it back ------------------------
    # The objects a step carries (row lists, arrays) become the table's own when it runs: a step is run
    # once, and the step it returns is built from the table as it then is.
    def _run(self, steps: list[tuple]) -> list[tuple]:
        kinds = {name for name, *_ in steps}
        structural = not kinds <= {"write", "rename", "set_role", "marks"}  # set_kind: which cells are bad changes too
        if structural:
            self._tell(TableChange(ABOUT_TO_RESET))
        inverse = []
        try:
            for name, *args in steps:
                inverse.append(getattr(self, f"_step_{name}")(*args))
        except BaseException:  # e.g. MemoryError half-way: the steps done are undone, the views told
            for name, *args in reversed(inverse):
                getattr(self, f"_step_{name}")(*args)
            if structural:
                self._tell(TableChange(RESET))
            raise
        inverse.reverse()
        if structural:
            self._pending = TableChange(RESET)
        elif kinds == {"write"}:
            self._pending = TableChange(CELLS, cells=tuple((r, c) for _, w in steps for r, c, _ in w))
        elif kinds == {"marks"}:
            self._pending = TableChange(MARKS, rows=tuple(sorted({r for _, rows, _ in steps for r in rows})))
        else:
            self._pending = TableChange(HEADER, columns=tuple(sorted({c for _, c, _ in steps})))
        return inverse

    def _cell_problem(self, c: int, text: str) -> str | None:
        if self._kinds[c] == NUMBERS:
            return cell_problem(text)
        return None if text.strip() else "empty cell"

    def _set_cell(self, r: int, c: int, text: str) -> None:
        problem = self._cell_problem(c, text)
        value = _number_or_nan(text)
        self._values[r, c] = value
        if problem:
            self._bad[r, c] = problem
        else:
            self._bad.pop((r, c), None)
        if text == format_number(value):
            self._typed.pop((r, c), None)
        else:
            self._typed[r, c] = text

    def _step_write(self, changes):
        old = []
        for r, c, text in changes:
            old.append((r, c, self.cell(r, c)))
            self._set_cell(r, c, text)
        old.reverse()  # a cell written twice gets its first old text back last
        return ("write", old)

    def _step_insert_rows(self, positions, values, typed, bad, held=None):
        """``positions``: the new rows' indices once inserted (ascending); ``values``: their numbers;
        ``typed`` and ``bad``: {(i, column): text or why}, i counting the new rows; ``held``: their
        validation marks (none by default)."""
        n, k = self.n_rows, len(positions)
        kept = np.ones(n + k, dtype=bool)
        kept[positions] = False
        new_values = np.empty((n + k, self.n_columns))
        new_values[kept] = self._values
        new_values[positions] = values
        self._values = new_values
        marks = np.zeros(n + k, dtype=bool)
        marks[kept] = self._held
        marks[positions] = False if held is None else held
        self._held = marks
        where = np.flatnonzero(kept)  # old row -> new row

        def moved(cells, new):
            out = {(int(where[r]), c): v for (r, c), v in cells.items()}
            out.update({(positions[i], c): v for (i, c), v in new.items()})
            return out

        self._typed, self._bad = moved(self._typed, typed), moved(self._bad, bad)
        return ("remove_rows", positions)

    def _step_remove_rows(self, positions):
        gone = np.zeros(self.n_rows, dtype=bool)
        gone[positions] = True
        values = self._values[positions]
        new_row = np.cumsum(~gone) - 1
        index = {p: i for i, p in enumerate(positions)}

        def split(cells):
            taken, kept = {}, {}
            for (r, c), v in cells.items():
                if gone[r]:
                    taken[index[r], c] = v
                else:
                    kept[int(new_row[r]), c] = v
            return taken, kept

        (typed, self._typed), (bad, self._bad) = split(self._typed), split(self._bad)
        self._values = self._values[~gone]
        held, self._held = self._held[positions], self._held[~gone]
        return ("insert_rows", positions, values, typed, bad, held)

    def _step_insert_column(self, column, name, role, kind, values, typed, bad):
        """``values``: the new column's numbers, one per row; ``typed`` and ``bad``: {row: text or why}."""
        self._header.insert(column, name)
        self._roles.insert(column, role)
        self._kinds.insert(column, kind)
        self._values = np.insert(self._values, column, values, axis=1)

        def moved(cells, new):
            out = {(r, c + (c >= column)): v for (r, c), v in cells.items()}
            out.update({(r, column): v for r, v in new.items()})
            return out

        self._typed, self._bad = moved(self._typed, typed), moved(self._bad, bad)
        return ("remove_column", column)

    def _step_remove_column(self, column):
        name, role, kind = self._header.pop(column), self._roles.pop(column), self._kinds.pop(column)
        values = self._values[:, column].copy()
        self._values = np.delete(self._values, column, axis=1)

        def split(cells):
            taken, kept = {}, {}
            for (r, c), v in cells.items():
                if c == column:
                    taken[r] = v
                else:
                    kept[r, c - (c > column)] = v
            return taken, kept

        (typed, self._typed), (bad, self._bad) = split(self._typed), split(self._bad)
        return ("insert_column", column, name, role, kind, values, typed, bad)

    def _step_rename(self, column, name):
        old, self._header[column] = self._header[column], name
        return ("rename", column, old)

    def _step_set_role(self, column, role):
        old, self._roles[column] = self._roles[column], role
        return ("set_role", column, old)

    def _step_set_kind(self, column, kind):
        old = self._kinds[column]
        self._kinds[column] = kind
        for r in range(self.n_rows):  # which cells are bad depends on what the column holds
            problem = self._cell_problem(column, self.cell(r, column))
            if problem:
                self._bad[r, column] = problem
            else:
                self._bad.pop((r, column), None)
        return ("set_kind", column, old)

    def _step_replace(self, header, roles, kinds, values, typed, bad, held, about):
        old = ("replace", self._header, self._roles, self._kinds, self._values, self._typed, self._bad, self._held,
               self._about)
        self._header, self._roles, self._kinds = header, roles, kinds
        self._values, self._typed, self._bad, self._held, self._about = values, typed, bad, held, about
        return old

    def _step_marks(self, rows, held):
        old = self._held[rows].tolist()
        self._held[rows] = held
        return ("marks", rows, old)


class _Edit:
    """One undoable edit: the steps that make it; once made, the steps that unmake it."""

    def __init__(self, document: TableDocument, label: str, steps: list[tuple]):
        self.label = label
        self._document = document
        self._steps: list[tuple] | None = steps
        self._inverse: list[tuple] | None = None

    def __repr__(self) -> str:
        return f"_Edit({self.label!r})"

    def redo(self) -> None:
        self._inverse, self._steps = self._document._run(self._steps), None

    def undo(self) -> None:
        self._steps, self._inverse = self._document._run(self._inverse), None


def _number_or_nan(text: str) -> float:
    """The number a cell's text reads as, or NaN (a text label, an empty or bad cell)."""
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan
