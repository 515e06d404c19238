"""Drawing data on the output view: which row a click is on, and what a click or a drag does to the
table. The decisions and the arithmetic, without Qt: the view turns the mouse into data coordinates
and a :class:`PixelMap`, and every change is one undoable edit of the :class:`TableDocument`.

Two canvases. The **surface** draws two number inputs across and up; a new point takes the click's
two coordinates, the held values of the other inputs (a text column's held label) and the chosen class
(or target value) in its target column. **ŷ(x)** draws the one input of numbers across and the target up;
a new point of a regression is the click itself (x and y), of a classification the click's x and the
chosen class (and the held labels of any text inputs).

Cell texts are the click's coordinates rounded to a tenth of a pixel's worth of the data's units
(:func:`coordinate_text`), so the table reads "0.4131", not "0.41312734899".
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ..core.table import INPUT, LABELS, NUMBERS, TARGET, cell_problem, format_number, sort_labels
from .table_document import TableDocument

TOLERANCE = 6.0  # pixels: a click this close to a point's centre is on the point
MOVED = 2.0  # pixels: a press and release further apart than this is a drag, nearer is a click
MAX_CLASSES = 50  # a classification's number target with more distinct values lists none of them
HELD_DIGITS = 6  # a held input's value in a new row: this many significant digits


class DrawError(ValueError):
    """Why drawing can't happen here (the message is the user's to read)."""


@dataclass(frozen=True)
class PixelMap:
    """Data to screen pixels on a plot with linear axes: ``px = x·sx + ox``, ``py = y·sy + oy`` (``sy`` is
    negative on screen, where up is smaller)."""

    sx: float
    ox: float
    sy: float
    oy: float

    def to_pixels(self, points: np.ndarray) -> np.ndarray:
        """(n, 2) data coordinates → (n, 2) pixel positions."""
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        return np.column_stack([points[:, 0] * self.sx + self.ox, points[:, 1] * self.sy + self.oy])

    @property
    def per_pixel(self) -> tuple[float, float]:
        """How much of each axis's data one pixel spans."""
        return 1.0 / abs(self.sx), 1.0 / abs(self.sy)


@dataclass(frozen=True)
class Canvas:
    """What a view draws, as the document's columns (by index, as the document is now)."""

    x: int  # the column across
    y: int  # the column up: the plane's second input, or (ŷ(x)) the target
    target: int  # the column a new point's class or value goes in
    held: tuple[tuple[int, str], ...]  # the other inputs, and the text a new point takes in each
    classes: tuple[str, ...]  # the target's classes, as cell texts; () for a regression
    y_is_target: bool  # ŷ(x): the vertical axis is the target

    @property
    def by_class(self) -> bool:
        """A new point's target is a chosen class (or value), not the click's height."""
        return not self.y_is_target or bool(self.classes)

    def other_class(self, chosen: str) -> str | None:
        """Shift+click's class: the other of two classes (None when there are not exactly two)."""
        if len(self.classes) != 2 or chosen not in self.classes:
            return None
        return self.classes[1 - self.classes.index(chosen)]


def coordinate_text(value: float, per_pixel: float) -> str:
    """``value`` as a cell's text, rounded to a tenth of ``per_pixel`` or finer (decimals only)."""
    decimals = min(max(math.ceil(-math.log10(per_pixel)) + 1, 0), 12) if per_pixel > 0 else 12
    return format_number(round(float(value), decimals) + 0.0)  # + 0.0: no "-0"


def held_text(value: float) -> str:
    return format_number(float(f"{float(value):.{HELD_DIGITS}g}"))


class Drawing:
    """Points drawn on the output view, as edits of ``document``; ``problem()`` says whether the network
    classifies ("binary", "multiclass") or estimates numbers ("regression")."""

    def __init__(self, document: TableDocument, problem: Callable[[], str]):
        self.document = document
        self.problem = problem
        self._positions: tuple | None = None  # (document version, columns, positions): hover asks often

    # -- what is drawn --------------------------------------------------------------------------------
    def canvas(self, x: str, y: str | None, held: Mapping[str, float | str] | None = None) -> Canvas:
        """The canvas of a view showing input ``x`` across and input ``y`` up (the surface), or, with ``y``
        None, the table's one input of numbers across and its target up (ŷ(x)). ``held``: the other inputs'
        values (a number, or a text column's label). DrawError says why points can't be drawn there."""
        doc = self.document
        header, roles, kinds = doc.header, doc.roles, doc.kinds
        inputs = [c for c, r in enumerate(roles) if r == INPUT]
        targets = [c for c, r in enumerate(roles) if r == TARGET]
        if len(targets) != 1:
            raise DrawError(f"drawing adds rows to a table with one target column; this one has {len(targets)}")
        target = targets[0]
        axes = [x] if y is None else [x, y]
        for name in axes:
            if name not in header or roles[header.index(name)] != INPUT:
                raise DrawError(f"the table has no input column {name!r} any more")
            if kinds[header.index(name)] == LABELS:
                raise DrawError(f"points are placed by their numbers, and {name!r} holds text labels")
        if y is None and sum(kinds[c] == NUMBERS for c in inputs) != 1:
            raise DrawError("ŷ(x) draws on a table with one input of numbers")
        held_texts = []
        for c in inputs:
            if header[c] in axes:
                continue
            value = (held or {}).get(header[c])
            if kinds[c] == LABELS:  # held at one of its labels, by name: a new point takes that label
                if not isinstance(value, str) or not value.strip():
                    raise DrawError(f"a new point needs a label for {header[c]!r}: hold it at one of its labels")
                held_texts.append((c, value.strip()))
                continue
            if value is None or isinstance(value, str):
                raise DrawError(f"no value is held for {header[c]!r}")
            held_texts.append((c, held_text(value)))
        classes = self.classes(target)
        return Canvas(header.index(x), target if y is None else header.index(y), target, tuple(held_texts),
                      classes, y is None)

    def classes(self, target: int) -> tuple[str, ...]:
        """The target's classes as cell texts, in the table's order: its labels, or for a classification
        of numbers its distinct values; () for a regression (and past :data:`MAX_CLASSES` values)."""
        doc = self.document
        if doc.kinds[target] == LABELS:
            return sort_labels(label for label in doc.labels(target) if label)
        if self.problem() == "regression":
            return ()
        values = np.unique(doc.numbers()[:, target])
        values = values[np.isfinite(values)]
        return tuple(format_number(v) for v in values.tolist()) if len(values) <= MAX_CLASSES else ()

    def default_target(self, canvas: Canvas) -> str:
        """What a new point gets until the user chooses: the first class; a regression's middle value (its
        median) on the surface; nothing on ŷ(x), where the click's height is the value."""
        if canvas.classes:
            return canvas.classes[0]
        if canvas.y_is_target:
            return ""
        values = self.document.numbers()[:, canvas.target]
        values = values[np.isfinite(values)]
        return held_text(np.median(values)) if len(values) else "0"

    def positions(self, canvas: Canvas) -> np.ndarray:
        """Where each row is drawn, (rows, 2) in data units (NaN for a cell that is not a number)."""
        doc = self.document
        key = (doc.version, canvas.x, canvas.y, doc.kinds[canvas.y])
        if self._positions is not None and self._positions[0] == key:
            return self._positions[1]
        numbers = doc.numbers()
        ys = numbers[:, canvas.y]
        if doc.kinds[canvas.y] == LABELS:  # ŷ(x) of labels: each row at its class's place, as the view draws it
            labels = doc.labels(canvas.y)
            order = {label: i for i, label in enumerate(sort_labels(label for label in labels if label))}
            ys = np.array([order.get(label, np.nan) for label in labels], dtype=float)
        points = np.column_stack([numbers[:, canvas.x], ys])
        self._positions = (key, points)
        return points

    def hit(self, canvas: Canvas, pixels: PixelMap, at: tuple[float, float],
            tolerance: float = TOLERANCE) -> int | None:
        """The row drawn nearest pixel ``at``, if its centre is within ``tolerance`` pixels; else None."""
        points = self.positions(canvas)
        if not len(points):
            return None
        offsets = pixels.to_pixels(points) - np.asarray(at, dtype=float)
        distances = np.hypot(offsets[:, 0], offsets[:, 1])
        distances[~np.isfinite(distances)] = np.inf
        row = int(np.argmin(distances))
        return row if distances[row] <= tolerance else None

    # -- changing the table ---------------------------------------------------------------------------
    def new_row(self, canvas: Canvas, x: float, y: float, target: str, pixels: PixelMap) -> list[str]:
        """The cells of a point added at data coordinates (x, y): ``target`` is the chosen class or value
        (ignored where the click's height is the target)."""
        per_x, per_y = pixels.per_pixel
        cells = [""] * self.document.n_columns
        cells[canvas.x] = coordinate_text(x, per_x)
        cells[canvas.y] = coordinate_text(y, per_y)
        for c, text in canvas.held:
            cells[c] = text
        if canvas.by_class:
            cells[canvas.target] = self._target_text(canvas, target)
        return cells

    def add(self, canvas: Canvas, x: float, y: float, target: str, pixels: PixelMap) -> int:
        """Add a point (one undoable edit); returns its row."""
        cells = self.new_row(canvas, x, y, target, pixels)
        row = self.document.n_rows
        self.document.add_rows([cells], label="Draw a point")
        return row

    def move(self, canvas: Canvas, row: int, x: float, y: float, pixels: PixelMap) -> None:
        """Move row ``row``'s point to (x, y) (one undoable edit; on ŷ(x) of classes, across only)."""
        self._check_row(row)
        per_x, per_y = pixels.per_pixel
        changes = [(row, canvas.x, coordinate_text(x, per_x))]
        if not (canvas.y_is_target and canvas.by_class):
            changes.append((row, canvas.y, coordinate_text(y, per_y)))
        self.document.set_cells(changes, label="Move a point")

    def remove(self, row: int) -> None:
        self._check_row(row)
        self.document.remove_rows([row], label="Remove a point")

    def _check_row(self, row: int) -> None:
        if not 0 <= row < self.document.n_rows:
            raise DrawError(f"row {row + 1} is no longer in the table")

    def _target_text(self, canvas: Canvas, target: str) -> str:
        text = target.strip()
        kind = self.document.kinds[canvas.target]
        name = self.document.header[canvas.target]
        if not text:
            raise DrawError(f"choose the class (or type the value) of {name!r} that a new point gets")
        if kind == NUMBERS and cell_problem(text):
            raise DrawError(f"{name!r} holds numbers, and {cell_problem(text)}")
        return text
