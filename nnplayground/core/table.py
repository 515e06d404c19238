"""The training table: named columns, each an input or a target, holding numbers or text labels.

Validation happens here, once, as the table enters the core: a bad cell raises :class:`TableError`
naming its row and column, and nothing is dropped or coerced. :func:`cell_problem` is the same
check for one cell, for an editor that wants to mark bad cells while keeping what was typed.

A column of text labels ("setosa", "malignant") keeps its labels as *levels* (sorted: numbers by
value, then texts) and each row's label as the level's index in ``data``; the encoding between a
table and a network (:mod:`.encoding`) turns them into one-hot columns or classes. Reading a file, a
column is text labels when more than half of its filled cells are not numbers; otherwise a cell that
is not a number is a mistake, named as before.

Parsing is vectorised: NumPy's C CSV reader (``np.loadtxt``) reads the text piece by piece, a few
milliseconds each, so a thread reading a large file lets the window's thread run between pieces. It is
stricter than the careful per-cell path (``csv`` and ``float``), never looser: a piece it refuses, or
that holds a non-finite number, is read again carefully, which either names the bad cell as before or
reads what NumPy would not (``1_000``). Text the two would split differently (quotes, NUL, line breaks
other than ``\n`` and ``\r\n``, non-ASCII data) goes to the careful path.

NumPy's reader lets go of the interpreter lock and takes it back so often that a thread waiting for it
is never granted it (CPython forces a switch only after 5 ms without one): a window waited 150 ms at a
time while a million rows were read. The reader sleeps 0 s after each piece, which hands the lock over;
the careful path does the same every few thousand rows (without it, 2 s in a window reading a
million rows of text labels).
"""
from __future__ import annotations

import csv
import gc
from contextlib import contextmanager
from collections import Counter
import io
import math
import os
import re
import time
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .fileio import FileReadError, atomic_write_text, describe_os_error, open_regular_file

INPUT, TARGET = "input", "target"
NUMBERS, LABELS = "numbers", "labels"  # what a column holds
KINDS = (NUMBERS, LABELS)
MAX_LEVELS = 10_000  # different labels in one column: more is an identifier, not a category
DELIMITERS = ",;\t"
MAX_CSV_BYTES = 50 * 1024 * 1024
MAX_CELLS = 5_000_000
READ_CHUNK = 1 << 20  # bytes read between two progress reports and limit checks
PARSE_CHUNK = 20_000  # rows of text cells parsed between two progress reports
YIELD_ROWS = 2048  # rows the careful reader reads between two offers of the interpreter lock
PARSE_PIECE = 1 << 17  # characters of CSV text parsed in one call (~1 ms holding the interpreter lock)
READ_SHARE = 0.4  # of the progress bar: reading the file; the rest is parsing the cells
_CAREFUL_TEXT = ('"', "\x00")  # quoting and NUL: only the csv module reads them, over the whole text
_CAREFUL_PIECE = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e")  # line breaks to str.splitlines, not to NumPy

Progress = Callable[[float], "bool | None"]  # called with the fraction done; returning False cancels


class LoadCancelled(Exception):
    """Opening a table was cancelled by its ``progress`` callback; nothing was loaded."""


class TableError(ValueError):
    """A training table that cannot be used; ``row`` and ``column`` locate it when one cell is to blame.

    ``row`` is 1-based over data rows (the header is not counted); ``column`` is the column's name.
    """

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.row = row
        self.column = column


_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")


def cell_problem(text: str) -> str | None:
    """Why ``text`` is not a usable number, or None if it is one."""
    stripped = text.strip()
    if not stripped:
        return "empty cell"
    try:
        value = float(stripped)
    except ValueError:
        if _DECIMAL_COMMA.fullmatch(stripped):  # "0,5" in a file saved with a comma for the decimal point
            return f"{stripped!r} is not a number: write the decimal point as a dot ({stripped.replace(',', '.')})"
        return f"{stripped!r} is not a number"
    if not math.isfinite(value):
        return f"{stripped!r} is not a finite number"
    return None


def format_number(value: float) -> str:
    """The shortest text that reads back as the same float, with no trailing '.0'."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def label_of(text: str) -> str | None:
    """The label a cell of a text-labels column stands for: a number's own text ("1.0" and "1" are
    one label, "1"), else the text without surrounding spaces; None for an empty cell."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        value = float(stripped)
    except ValueError:
        return stripped
    return format_number(value) if math.isfinite(value) else stripped


def sort_labels(labels) -> tuple[str, ...]:
    """Labels in the order a learner expects: numbers by value first, then texts alphabetically."""
    def key(label: str):
        try:
            return (0, float(label), "")
        except ValueError:
            return (1, 0.0, label.casefold() + "\0" + label)
    return tuple(sorted(set(labels), key=key))


def is_labels_column(texts) -> bool:
    """The reading rule: more than half of the filled cells are not numbers."""
    if _column_numbers(texts) is not None:
        return False
    filled = words = 0
    for text, count in _distinct(texts):  # a column of labels holds few different texts
        stripped = text.strip()
        if stripped:
            filled += count
            try:
                float(stripped)
            except ValueError:
                # "0,5" is a number written with a decimal comma, not a label: its cell says so
                words += 0 if _DECIMAL_COMMA.fullmatch(stripped) else count
    return 2 * words > filled


def _column_numbers(texts) -> np.ndarray | None:
    """A column's cells as numbers in one NumPy call (float()'s own reading), or None if a cell is
    no finite number: the caller then goes cell by cell to say which."""
    try:
        values = np.array(texts, dtype=np.float64)
    except (ValueError, TypeError):
        return None
    return values if values.ndim == 1 and np.isfinite(values).all() else None


def _distinct(texts) -> list[tuple[str, int]]:
    """Each different text of a column with how many cells hold it (counted in C)."""
    return list(Counter(texts).items())


@dataclass(frozen=True, eq=False)
class TrainingTable:
    columns: tuple[str, ...]
    roles: tuple[str, ...]
    data: np.ndarray  # (n_rows, n_columns), float64, read-only; a labels column holds level indices
    levels: tuple[tuple[str, ...] | None, ...] | None = None  # per column: its labels, or None for numbers
    validation: np.ndarray | None = None  # per row: kept apart for validation (None: no marks, see split.py)

    def __post_init__(self):
        columns, roles = tuple(self.columns), tuple(self.roles)
        levels = (None,) * len(columns) if self.levels is None else tuple(
            None if lv is None else tuple(lv) for lv in self.levels)
        if len(columns) != len(roles):
            raise TableError(f"{len(columns)} columns but {len(roles)} roles")
        bad_role = [r for r in roles if r not in (INPUT, TARGET)]
        if bad_role:
            raise TableError(f"a column's role must be 'input' or 'target', got {bad_role[0]!r}")
        names = [c.strip() for c in columns]
        for i, name in enumerate(names):
            if not name:
                raise TableError(f"column {i + 1} has no name")
            if name in names[:i]:
                raise TableError(f"two columns are named {name!r}", column=name)
        data = np.array(self.data, dtype=np.float64)
        if data.ndim != 2 or data.shape[0] == 0:
            raise TableError("the table is empty: it needs at least one row")
        if data.shape[1] != len(columns):
            raise TableError(f"{data.shape[1]} data columns but {len(columns)} column names")
        if INPUT not in roles:
            raise TableError("the table has no input column")
        if TARGET not in roles:
            raise TableError("the table has no target column")
        bad = ~np.isfinite(data)
        if bad.any():
            r, c = map(int, np.argwhere(bad)[0])
            raise TableError(
                f"row {r + 1}, column {names[c]!r}: {data[r, c]} is not a finite number",
                row=r + 1,
                column=names[c],
            )
        if len(levels) != len(columns):
            raise TableError(f"{len(columns)} columns but {len(levels)} level lists")
        for c, lv in enumerate(levels):
            if lv is None:
                continue
            if not lv or len(set(lv)) != len(lv) or not all(isinstance(x, str) and x.strip() == x and x for x in lv):
                raise TableError(f"column {names[c]!r}: its labels must be different, non-empty texts", column=names[c])
            if len(lv) > MAX_LEVELS:
                raise TableError(f"column {names[c]!r} has {len(lv):,} different labels; at most {MAX_LEVELS:,} "
                                 "are taken (a column of names or identifiers is no category)", column=names[c])
            codes = data[:, c]
            if not ((codes >= 0) & (codes < len(lv)) & (codes == np.trunc(codes))).all():
                raise TableError(f"column {names[c]!r}: a label index is out of range", column=names[c])
        if self.validation is not None:
            held = np.array(self.validation, dtype=bool)
            if held.shape != (data.shape[0],):
                raise TableError(f"{held.size} validation marks for {data.shape[0]} rows")
            held.flags.writeable = False
            object.__setattr__(self, "validation", held)
        data.flags.writeable = False
        object.__setattr__(self, "columns", tuple(names))
        object.__setattr__(self, "roles", roles)
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "levels", levels)

    def __eq__(self, other) -> bool:
        if not isinstance(other, TrainingTable):
            return NotImplemented
        marks = (self.validation is None) == (other.validation is None) and (
            self.validation is None or np.array_equal(self.validation, other.validation))
        return ((self.columns, self.roles, self.levels) == (other.columns, other.roles, other.levels)
                and np.array_equal(self.data, other.data) and marks)

    __hash__ = None  # mutable-looking contents: equal tables need not hash alike

    # -- views ------------------------------------------------------------------------------------
    @property
    def n_rows(self) -> int:
        return self.data.shape[0]

    @property
    def input_columns(self) -> tuple[str, ...]:
        return tuple(c for c, r in zip(self.columns, self.roles) if r == INPUT)

    @property
    def target_columns(self) -> tuple[str, ...]:
        return tuple(c for c, r in zip(self.columns, self.roles) if r == TARGET)

    @property
    def X(self) -> np.ndarray:
        return self.data[:, [r == INPUT for r in self.roles]]

    @property
    def y(self) -> np.ndarray:
        return self.data[:, [r == TARGET for r in self.roles]]

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(NUMBERS if lv is None else LABELS for lv in self.levels)

    @property
    def input_levels(self) -> tuple[tuple[str, ...] | None, ...]:
        return tuple(lv for lv, r in zip(self.levels, self.roles) if r == INPUT)

    @property
    def target_levels(self) -> tuple[tuple[str, ...] | None, ...]:
        return tuple(lv for lv, r in zip(self.levels, self.roles) if r == TARGET)

    def texts(self, column: int) -> list[str]:
        """Every cell of one column as text: labels as they read, numbers formatted."""
        lv = self.levels[column]
        values = self.data[:, column]
        if lv is None:
            return [format_number(v) for v in values.tolist()]
        return [lv[i] for i in values.astype(np.intp).tolist()]

    def with_roles(self, roles: Sequence[str]) -> "TrainingTable":
        return TrainingTable(self.columns, tuple(roles), self.data, self.levels, self.validation)

    def with_validation(self, validation) -> "TrainingTable":
        """The same table with these rows marked for validation (None: no marks)."""
        return TrainingTable(self.columns, self.roles, self.data, self.levels, validation)

    # -- building -------------------------------------------------------------------------------
    @classmethod
    def from_cells(
        cls,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        roles: Sequence[str] | None = None,
        progress: Progress | None = None,
        kinds: Sequence[str] | None = None,
    ) -> "TrainingTable":
        """Parse text cells; by default the last column is the target and the rest are inputs.

        ``kinds`` says which columns hold numbers and which text labels; by default a column is text
        labels when more than half of its filled cells are not numbers."""
        header, roles = _header_and_roles(header, roles)
        if not rows:
            raise TableError("the table is empty: it has a header but no data rows")
        if len(rows) * len(header) > MAX_CELLS:
            raise TableError(
                f"the table has {len(rows) * len(header):,} cells; the limit is {MAX_CELLS:,}"
            )
        if kinds is not None:
            kinds = list(kinds)
            if len(kinds) != len(header) or any(k not in KINDS for k in kinds):
                raise TableError(f"each of the {len(header)} columns holds {' or '.join(KINDS)}")
        if kinds is None or LABELS not in kinds:
            try:
                blocks = []
                for start in range(0, len(rows), PARSE_CHUNK):
                    if progress is not None:
                        _report(progress, start / len(rows))
                    blocks.append(_numbers_of_cells(rows[start:start + PARSE_CHUNK], header, start))
                return cls(tuple(header), tuple(roles), np.concatenate(blocks))
            except TableError:
                if kinds is not None:
                    raise
                columns = None
                if all(len(row) == len(header) for row in rows):  # the columns, made once for both readings
                    columns = _columns(rows, len(header))
                    kinds = [LABELS if is_labels_column(col) else NUMBERS for col in columns]
                else:
                    kinds = _column_kinds(rows, header)
                if LABELS not in kinds:
                    raise
                return cls._with_labels(header, roles, rows, kinds, columns)
        return cls._with_labels(header, roles, rows, kinds)

    @classmethod
    def _with_labels(cls, header: list[str], roles: list[str], rows: Sequence[Sequence[str]],
                     kinds: list[str] | None, columns: list[list[str]] | None = None) -> "TrainingTable":
        """The careful path for a table with text-labels columns: column by column."""
        for r, row in enumerate(rows):
            if len(row) != len(header):
                raise TableError(f"row {r + 1} has {len(row)} cells but the header has {len(header)} columns",
                                 row=r + 1)
        if columns is None:
            columns = _columns(rows, len(header))
        if kinds is None:
            kinds = [LABELS if is_labels_column(col) else NUMBERS for col in columns]
        data = np.empty((len(rows), len(header)))
        levels: list[tuple[str, ...] | None] = []
        for c, (texts, kind) in enumerate(zip(columns, kinds)):
            name = header[c] or f"#{c + 1}"
            if kind == NUMBERS:
                values = _column_numbers(texts)
                data[:, c] = _check_cells([[t] for t in texts], [name], 0)[:, 0] if values is None else values
                levels.append(None)
                continue
            # each different text is read once: a column of labels holds few
            label_of_text = {text: label_of(text) for text in Counter(texts)}
            if None in label_of_text.values():
                r = next(r for r, text in enumerate(texts) if label_of_text[text] is None)
                raise TableError(f"row {r + 1}, column {name!r}: empty cell", row=r + 1, column=name)
            labels = list(label_of_text.values())
            names = sort_labels(labels)
            if len(names) > MAX_LEVELS:
                raise TableError(f"column {name!r} has {len(names):,} different labels; at most {MAX_LEVELS:,} "
                                 "are taken (a column of names or identifiers is no category)", column=name)
            index = {label: i for i, label in enumerate(names)}
            code_of_text = {text: index[label] for text, label in label_of_text.items()}
            data[:, c] = np.fromiter(map(code_of_text.__getitem__, texts), np.float64, len(texts))
            levels.append(names)
        return cls(tuple(header), tuple(roles), data, tuple(levels))

    @classmethod
    def from_csv_text(cls, text: str, targets: Sequence[str] | None = None,
                      progress: Progress | None = None) -> "TrainingTable":
        """Read CSV text: a header row, then numbers; comma, semicolon or tab separated."""
        first = _header_line(text)
        if first is None or any(ch in text for ch in _CAREFUL_TEXT):
            return cls._from_csv_text_carefully(text, targets, progress)
        line, start = first
        delimiter = max(DELIMITERS, key=line.count)
        try:
            names = next(csv.reader([line], delimiter=delimiter, strict=True))
        except csv.Error as exc:
            raise TableError(f"not a readable CSV file: {exc}") from None
        header, roles = _header_and_roles(names, None, targets)
        blocks, n_rows, pos = [], 0, start
        while pos < len(text):
            if progress is not None:
                _report(progress, READ_SHARE + (1 - READ_SHARE) * pos / len(text))
            end = text.find("\n", pos + PARSE_PIECE)
            end = len(text) if end < 0 else end + 1
            try:
                block = _numbers_of_text(text[pos:end], delimiter, header, n_rows)
            except TableError:
                if not _piece_has_labels(text[pos:end], delimiter, header) and not _text_has_labels(text, delimiter,
                                                                                                  header):
                    raise
                return cls._from_csv_text_carefully(text, targets, progress)  # a column of text labels
            time.sleep(0)  # lets a thread waiting for the interpreter lock take it: see the module's note
            blocks.append(block)
            n_rows += len(block)
            if n_rows * len(header) > MAX_CELLS:
                raise TableError(f"the table has more than {MAX_CELLS:,} cells; the limit is {MAX_CELLS:,}")
            pos = end
        if not n_rows:
            raise TableError("the table is empty: it has a header but no data rows")
        return cls(tuple(header), tuple(roles), np.concatenate(blocks))

    @classmethod
    def _from_csv_text_carefully(cls, text: str, targets: Sequence[str] | None,
                                 progress: Progress | None) -> "TrainingTable":
        """The csv module over the whole text: quoted cells may hold delimiters and line breaks."""
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            raise TableError("the file is empty: expected a header row and at least one data row")
        delimiter = max(DELIMITERS, key=lines[0].count)
        try:
            records = []
            reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter, strict=True)
            for i, record in enumerate(reader):
                if i % YIELD_ROWS == 0:
                    time.sleep(0)  # hands the interpreter lock to a waiting thread: see the module's note
                    if progress is not None and i % PARSE_CHUNK == 0:
                        _report(progress, READ_SHARE + (1 - READ_SHARE) * 0.3 * i / len(lines))
                records.append(record)
        except csv.Error as exc:
            raise TableError(f"not a readable CSV file: {exc}") from None
        header, roles = _header_and_roles(records[0], None, targets)
        parse = None if progress is None else lambda f: progress(READ_SHARE + (1 - READ_SHARE) * (0.3 + 0.7 * f))
        return cls.from_cells(header, records[1:], roles, parse)

    @classmethod
    def from_csv(cls, path: str | os.PathLike, targets: Sequence[str] | None = None,
                 progress: Progress | None = None) -> "TrainingTable":
        """Read a CSV file: a regular file of at most :data:`MAX_CSV_BYTES` and :data:`MAX_CELLS` cells,
        both checked while reading, so a table too large is refused before it is all read.

        ``progress(fraction)`` is called as it goes; if it returns False, :class:`LoadCancelled` is raised.
        """
        path = Path(path)
        raw = _read_csv_bytes(path, progress)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TableError(f"{path.name} is not a UTF-8 text file") from None
        if "\x00" in text:
            raise TableError(f"{path.name} is not a text file")
        with _collector_paused():
            table = cls.from_csv_text(text, targets, progress)
        if progress is not None:
            progress(1.0)
        return table

    # -- writing --------------------------------------------------------------------------------
    def to_csv_text(self, delimiter: str = ",") -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(zip(*(self.texts(c) for c in range(len(self.columns)))))
        return out.getvalue()

    def to_csv(self, path: str | os.PathLike, delimiter: str = ",") -> None:
        """Write atomically: on any failure (:class:`~.fileio.SaveError`) the old file is untouched."""
        atomic_write_text(path, self.to_csv_text(delimiter))

    def save_predictions_csv(self, path: str | os.PathLike, y_hat: np.ndarray, encoding=None) -> None:
        """:meth:`predictions_csv_text`, written atomically."""
        atomic_write_text(path, self.predictions_csv_text(y_hat, encoding))

    def predictions_csv_text(self, y_hat: np.ndarray, encoding=None) -> str:
        """Inputs as the table holds them (numbers, labels), then for each target, beside its value:

        - without an encoding (numbers in and out): the prediction and the error ŷ − y;
        - with the network's :class:`~.encoding.Encoding` (``y_hat`` then holds the network's outputs as it
          gives them): for classes, the predicted label and each class's probability (``name_P(class)``);
          for a regression, the prediction and the error in the table's units.

        A table with validation rows ends each row with ``set``: ``training`` or ``validation`` (never trained on).
        """
        y_hat = np.asarray(y_hat, dtype=float)
        n_out = self.y.shape[1] if encoding is None else encoding.n_outputs
        if y_hat.shape != (self.n_rows, n_out):
            raise TableError(f"{y_hat.shape} predictions for a table of {self.n_rows} rows and {n_out} outputs")
        header = list(self.input_columns)
        columns = [self.texts(c) for c, r in enumerate(self.roles) if r == INPUT]
        targets = [self.texts(c) for c, r in enumerate(self.roles) if r == TARGET]
        if encoding is not None and encoding.problem == "multiclass":
            name, classes = self.target_columns[0], encoding.classes[0]
            header += [name, f"{name}_predicted", *(f"{name}_P({c})" for c in classes)]
            columns += [targets[0], [classes[k] for k in encoding.predicted_classes(y_hat).tolist()]]
            columns += [[format_number(p) for p in y_hat[:, k].tolist()] for k in range(len(classes))]
        elif encoding is not None and encoding.problem == "binary":
            picked = encoding.predicted_classes(y_hat)
            for t, (name, classes) in enumerate(zip(self.target_columns, encoding.classes)):
                p = y_hat[:, t]
                header += [name, f"{name}_predicted", f"{name}_P({classes[0]})", f"{name}_P({classes[1]})"]
                columns += [targets[t], [classes[k] for k in picked[:, t].tolist()],
                            [format_number(v) for v in (1.0 - p).tolist()], [format_number(v) for v in p.tolist()]]
        else:
            values = y_hat if encoding is None else encoding.decode(y_hat)
            for t, name in enumerate(self.target_columns):
                header += [name, f"{name}_predicted", f"{name}_error"]
                columns += [targets[t], [format_number(v) for v in values[:, t].tolist()],
                            [format_number(e) for e in (values[:, t] - self.y[:, t]).tolist()]]
        if self.validation is not None and self.validation.any():
            header.append("set")
            columns.append(np.where(self.validation, "validation", "training").tolist())
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(zip(*columns))
        return out.getvalue()

@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while a file is read: the careful path makes a list per row,
    and each full collection then walks them all holding the interpreter lock (a window reading a
    million rows of text labels stalled 0.1-0.4 s, again and again). Nothing read is cyclic."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _report(progress: Progress, fraction: float) -> None:
    if progress(min(max(fraction, 0.0), 1.0)) is False:
        raise LoadCancelled("cancelled")


def _header_and_roles(header: Sequence[str], roles: Sequence[str] | None,
                      targets: Sequence[str] | None = None) -> tuple[list[str], list[str]]:
    """The stripped names and each column's role: ``roles`` as given, else the ``targets`` named, else the
    last column."""
    header = [h.strip() for h in header]
    if targets is not None:
        missing = [t for t in targets if t not in header]
        if missing:
            raise TableError(f"no column named {missing[0]!r}; the columns are {', '.join(header)}")
        roles = [TARGET if n in targets else INPUT for n in header]
    if not header or not any(header):
        raise TableError("the table has no header row")
    if roles is None:
        roles = [INPUT] * (len(header) - 1) + [TARGET]
    return header, list(roles)


def _header_line(text: str) -> tuple[str, int] | None:
    """The first non-blank line and where the line after it starts; None when there is none, or when
    str.splitlines would cut the text before it otherwise than at ``\n`` and ``\r\n``."""
    first = len(text) - len(text.lstrip())  # the first character that is not white space
    if first == len(text):
        return None
    start = text.rfind("\n", 0, first) + 1
    end = text.find("\n", first)
    end = len(text) if end < 0 else end
    line = text[start:end].removesuffix("\r")
    if "\r" in line or len(line.splitlines()) != 1:
        return None
    return line, end + 1


def _numbers_of_cells(rows: Sequence[Sequence[str]], header: Sequence[str], first_row: int) -> np.ndarray:
    """Text cells as numbers: by ``float`` over all of them at once; by :func:`_check_cells` when that
    fails, to name the bad cell. ``first_row``: how many data rows come before ``rows``."""
    width = len(header)
    if all(len(row) == width for row in rows):
        try:
            values = np.fromiter(map(float, chain.from_iterable(rows)), np.float64, len(rows) * width)
        except (ValueError, TypeError):
            values = None
        if values is not None and np.isfinite(values).all():
            return values.reshape(len(rows), width)
    return _check_cells(rows, header, first_row)


def _column_kinds(rows: Sequence[Sequence[str]], header: Sequence[str]) -> list[str]:
    """What each column of these rows holds by the reading rule (rows of the wrong width are left to
    the parser, which names them)."""
    width = len(header)
    columns = _columns([row for row in rows if len(row) == width], width)
    return [LABELS if is_labels_column(col) else NUMBERS for col in columns]


def _columns(rows: Sequence[Sequence[str]], width: int) -> list[list[str]]:
    """Rows turned into columns one column at a time: ``zip(*rows)`` on a million rows is one call of
    seconds that holds the interpreter lock, and the window reading on another thread would freeze."""
    columns = []
    for c in range(width):
        columns.append([row[c] for row in rows])
        time.sleep(0)  # hands the interpreter lock to a waiting thread: see the module's note
    return columns


def _text_has_labels(text: str, delimiter: str, header: Sequence[str]) -> bool:
    """Whether a column of the whole text (after its header) reads as labels: a piece alone may say no
    where the whole says yes. Only asked when a piece holds a cell that is not a number."""
    start = (_header_line(text) or ("", 0))[1]
    return _piece_has_labels(text[start:], delimiter, header)


def _piece_has_labels(piece: str, delimiter: str, header: Sequence[str]) -> bool:
    try:
        # row by row, not list(csv.reader(…)): that is one call holding the interpreter lock (2 s on 1M rows)
        rows = [row for row in csv.reader([line for line in piece.splitlines() if line.strip()], delimiter=delimiter)]
    except csv.Error:
        return False
    return LABELS in _column_kinds(rows, header)


def _check_cells(rows: Sequence[Sequence[str]], header: Sequence[str], first_row: int) -> np.ndarray:
    """The careful path: cell by cell, raising :class:`TableError` at the first that is not a number."""
    data = np.empty((len(rows), len(header)))
    for i, row in enumerate(rows):
        r = first_row + i
        if len(row) != len(header):
            raise TableError(
                f"row {r + 1} has {len(row)} cells but the header has {len(header)} columns",
                row=r + 1,
            )
        for c, text in enumerate(row):
            problem = cell_problem(text)
            if problem:
                name = header[c] or f"#{c + 1}"
                raise TableError(f"row {r + 1}, column {name!r}: {problem}", row=r + 1, column=name)
            data[i, c] = float(text)
    return data


def _numbers_of_text(piece: str, delimiter: str, header: Sequence[str], first_row: int) -> np.ndarray:
    """Whole lines of CSV text (no quotes) as numbers: by NumPy's reader, else by the csv module and
    :func:`_check_cells`, which say what is wrong. Blank lines are skipped."""
    if not piece.strip():
        return np.empty((0, len(header)))
    if piece.isascii() and not any(ch in piece for ch in _CAREFUL_PIECE):
        try:
            values = np.loadtxt(io.StringIO(piece), delimiter=delimiter, comments=None, quotechar=None,
                                ndmin=2, dtype=np.float64)
        except ValueError:
            values = None
        if values is not None and values.shape[1] == len(header) and np.isfinite(values).all():
            return values
    try:
        rows = [row for row in csv.reader([line for line in piece.splitlines() if line.strip()], delimiter=delimiter,
                                          strict=True)]
    except csv.Error as exc:
        raise TableError(f"not a readable CSV file: {exc}") from None
    return _check_cells(rows, header, first_row)


_BLANK_LINE = re.compile(rb"(?<=\n)\r?\n|(?<=\n\r)\n")  # the end of an empty line (LF or CRLF)


def _read_csv_bytes(path: Path, progress: Progress | None) -> bytes:
    """The file's bytes, read in chunks; the cells so far (lines × the header's columns) are counted
    as it goes, so an oversized table stops being read as soon as it is one."""
    try:
        fh = open_regular_file(path, MAX_CSV_BYTES, what="tables")
    except FileReadError as exc:
        raise TableError(str(exc)) from None
    chunks: list[bytes] = []
    total, lines, columns, head = 0, 0, None, b""
    tail = b"\n"  # the last bytes read: an empty line may straddle two chunks; the start counts as a break
    with fh:
        size = max(os.fstat(fh.fileno()).st_size, 1)
        while True:
            try:
                chunk = fh.read(READ_CHUNK)
            except OSError as exc:
                raise TableError(f"cannot read {path.name}: {describe_os_error(exc)}") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_CSV_BYTES:
                raise TableError(f"{path.name} grew beyond {MAX_CSV_BYTES // 2**20} MB while it was read")
            if columns is None:
                head = (head + chunk).lstrip()  # blank lines before the header row do not count
                if b"\n" in head or b"\r" in head:
                    columns = _header_width(head)
            # lines so far, not counting the empty ones (the parser skips them; a line of spaces counts)
            lines += chunk.count(b"\n")
            seen = tail + chunk
            if b"\n\n" in seen or b"\n\r\n" in seen:  # a fast look first: the pattern takes ~20 ms a chunk
                lines -= len(_BLANK_LINE.findall(seen, len(tail)))
            tail = seen[-2:]
            if columns and (lines - 1) * columns > MAX_CELLS:
                raise TableError(f"{path.name} has more than {MAX_CELLS:,} cells; the limit is {MAX_CELLS:,}")
            if progress is not None:
                _report(progress, READ_SHARE * total / size)
    return b"".join(chunks)


def _header_width(start: bytes) -> int | None:
    """Columns in the first non-blank line, once it has been read whole (None until then)."""
    text = start.decode("utf-8-sig", errors="replace")
    for line in text.splitlines(keepends=True):
        if not line.endswith(("\n", "\r")):
            return None
        if line.strip():
            delimiter = max(DELIMITERS, key=line.count)
            try:
                return len(next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter)))
            except (csv.Error, StopIteration):
                return 0  # the parser will say what is wrong
    return None
