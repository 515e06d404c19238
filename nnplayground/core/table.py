"""The training table: named columns, each an input or a target, every cell a finite number.

Validation happens here, once, as the table enters the core: a bad cell raises :class:`TableError`
naming its row and column, and nothing is dropped or coerced. :func:`cell_problem` is the same
check for one cell, for an editor that wants to mark bad cells while keeping what was typed.
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .fileio import FileReadError, atomic_write_text, describe_os_error, open_regular_file

INPUT, TARGET = "input", "target"
DELIMITERS = ",;\t"
MAX_CSV_BYTES = 50 * 1024 * 1024
MAX_CELLS = 5_000_000
READ_CHUNK = 1 << 20  # bytes read between two progress reports and limit checks
PARSE_CHUNK = 20_000  # rows parsed between two progress reports
READ_SHARE = 0.4  # of the progress bar: reading and splitting the text; the rest is parsing the cells

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


def cell_problem(text: str) -> str | None:
    """Why ``text`` is not a usable number, or None if it is one."""
    stripped = text.strip()
    if not stripped:
        return "empty cell"
    try:
        value = float(stripped)
    except ValueError:
        return f"{stripped!r} is not a number"
    if not math.isfinite(value):
        return f"{stripped!r} is not a finite number"
    return None


def format_number(value: float) -> str:
    """The shortest text that reads back as the same float, with no trailing '.0'."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True, eq=False)
class TrainingTable:
    columns: tuple[str, ...]
    roles: tuple[str, ...]
    data: np.ndarray  # (n_rows, n_columns), float64, read-only

    def __post_init__(self):
        columns, roles = tuple(self.columns), tuple(self.roles)
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
        data.flags.writeable = False
        object.__setattr__(self, "columns", tuple(names))
        object.__setattr__(self, "roles", roles)
        object.__setattr__(self, "data", data)

    def __eq__(self, other) -> bool:
        if not isinstance(other, TrainingTable):
            return NotImplemented
        return (self.columns, self.roles) == (other.columns, other.roles) and np.array_equal(self.data, other.data)

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

    # -- building -------------------------------------------------------------------------------
    @classmethod
    def from_cells(
        cls,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        roles: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> "TrainingTable":
        """Parse text cells; by default the last column is the target and the rest are inputs."""
        header = [h.strip() for h in header]
        if not header or not any(header):
            raise TableError("the table has no header row")
        if roles is None:
            roles = [INPUT] * (len(header) - 1) + [TARGET]
        if not rows:
            raise TableError("the table is empty: it has a header but no data rows")
        if len(rows) * len(header) > MAX_CELLS:
            raise TableError(
                f"the table has {len(rows) * len(header):,} cells; the limit is {MAX_CELLS:,}"
            )
        data = np.empty((len(rows), len(header)))
        for r, row in enumerate(rows):
            if progress is not None and r % PARSE_CHUNK == 0:
                _report(progress, r / len(rows))
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
                data[r, c] = float(text)
        return cls(tuple(header), tuple(roles), data)

    @classmethod
    def from_csv_text(cls, text: str, targets: Sequence[str] | None = None,
                      progress: Progress | None = None) -> "TrainingTable":
        """Read CSV text: a header row, then numbers; comma, semicolon or tab separated."""
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            raise TableError("the file is empty: expected a header row and at least one data row")
        delimiter = max(DELIMITERS, key=lines[0].count)
        try:
            records = []
            reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter, strict=True)
            for i, record in enumerate(reader):
                if progress is not None and i % PARSE_CHUNK == 0:
                    _report(progress, READ_SHARE + (1 - READ_SHARE) * 0.3 * i / len(lines))
                records.append(record)
        except csv.Error as exc:
            raise TableError(f"not a readable CSV file: {exc}") from None
        header, rows = records[0], records[1:]
        roles = None
        if targets is not None:
            names = [h.strip() for h in header]
            missing = [t for t in targets if t not in names]
            if missing:
                raise TableError(f"no column named {missing[0]!r}; the columns are {', '.join(names)}")
            roles = [TARGET if n in targets else INPUT for n in names]
        parse = None if progress is None else lambda f: progress(READ_SHARE + (1 - READ_SHARE) * (0.3 + 0.7 * f))
        return cls.from_cells(header, rows, roles, parse)

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
        table = cls.from_csv_text(text, targets, progress)
        if progress is not None:
            progress(1.0)
        return table

    # -- writing --------------------------------------------------------------------------------
    def to_csv_text(self, delimiter: str = ",") -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.data:
            writer.writerow([format_number(v) for v in row])
        return out.getvalue()

    def to_csv(self, path: str | os.PathLike, delimiter: str = ",") -> None:
        """Write atomically: on any failure (:class:`~.fileio.SaveError`) the old file is untouched."""
        atomic_write_text(path, self.to_csv_text(delimiter))

    def save_predictions_csv(self, path: str | os.PathLike, y_hat: np.ndarray) -> None:
        """:meth:`predictions_csv_text`, written atomically."""
        atomic_write_text(path, self.predictions_csv_text(y_hat))

    def predictions_csv_text(self, y_hat: np.ndarray) -> str:
        """Inputs, then for each target: its value, the prediction and the error ŷ − y."""
        y_hat = np.asarray(y_hat, dtype=float)
        if y_hat.shape != self.y.shape:
            raise TableError(f"{y_hat.shape} predictions for a table of {self.y.shape} targets")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        header = list(self.input_columns)
        for name in self.target_columns:
            header += [name, f"{name}_predicted", f"{name}_error"]
        writer.writerow(header)
        for x, y, p in zip(self.X, self.y, y_hat):
            row = [format_number(v) for v in x]
            for t in range(len(y)):
                row += [format_number(y[t]), format_number(p[t]), format_number(p[t] - y[t])]
            writer.writerow(row)
        return out.getvalue()


def _report(progress: Progress, fraction: float) -> None:
    if progress(min(max(fraction, 0.0), 1.0)) is False:
        raise LoadCancelled("cancelled")


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
            lines += chunk.count(b"\n") - len(_BLANK_LINE.findall(tail + chunk, len(tail)))
            tail = (tail + chunk)[-2:]
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
