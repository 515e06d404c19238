"""How the table's rows are drawn over ŷ: large outlined dots for a few rows; smaller and translucent
past a hundred, so the surface or curve under them still shows; an evenly spaced sample past two
thousand. One rule for the surface and the curve, and a note that says which was applied."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg

FULL_ROWS = 100  # up to this many rows: large, opaque, outlined dots
MAX_POINTS = 2000  # past this many rows: an evenly spaced sample of this many
FULL_SIZE, SMALL_SIZE = 11.0, 3.0  # dot diameters in pixels
FULL_ALPHA, SMALL_ALPHA = 255, 110  # 0-255
FAINT_ALPHA = 50  # the rows of another label than the one a text input is held at: still there, but not ŷ's
SHADES = 64  # brushes are made once per shade, not once per row


@dataclass(frozen=True)
class PointStyle:
    rows: np.ndarray  # indices of the rows drawn, in order
    size: float
    alpha: int
    note: str  # what the user should know about what is drawn ("" when every row is a full dot)

    @property
    def full(self) -> bool:
        return self.alpha == FULL_ALPHA


def point_style(n_rows: int) -> PointStyle:
    """Past FULL_ROWS the dots' total area stays that of FULL_ROWS full dots (diameter ~ 1/sqrt(rows),
    down to SMALL_SIZE) and their opacity falls with the log of the row count: the surface or curve
    under them keeps showing, and a dot unlike the colour under it stands out."""
    if n_rows <= FULL_ROWS:
        return PointStyle(np.arange(n_rows), FULL_SIZE, FULL_ALPHA, "")
    shown = min(n_rows, MAX_POINTS)
    size = round(max(SMALL_SIZE, FULL_SIZE * np.sqrt(FULL_ROWS / shown)), 1)
    t = np.log(shown / FULL_ROWS) / np.log(MAX_POINTS / FULL_ROWS)
    alpha = int(round(220 - t * (220 - SMALL_ALPHA)))
    if n_rows > MAX_POINTS:
        rows = np.linspace(0, n_rows - 1, MAX_POINTS).round().astype(int)
        return PointStyle(rows, size, alpha,
                          f"Showing {MAX_POINTS:,} of {n_rows:,} rows, evenly spaced, as small translucent dots.")
    return PointStyle(np.arange(n_rows), size, alpha, f"The {n_rows:,} rows are small translucent dots.")


def split_rows(style: PointStyle, keep: np.ndarray | None) -> tuple[PointStyle, PointStyle]:
    """The rows ``style`` draws, split by ``keep`` (per table row; None: all kept) into the rows drawn as
    ``style`` says and the others, drawn faint and a little smaller."""
    rows = style.rows if keep is None else style.rows[keep[style.rows]]
    others = style.rows[:0] if keep is None else style.rows[~keep[style.rows]]
    return (PointStyle(rows, style.size, style.alpha, style.note),
            PointStyle(others, round(style.size * 0.8, 1), FAINT_ALPHA, style.note))


VALIDATION_NOTE = "Squares are validation rows (never trained on)."


def validation_of(table, style: PointStyle) -> np.ndarray | None:
    """Which of the rows ``style`` draws are validation rows (None: the table marks none)."""
    held = getattr(table, "validation", None)
    return None if held is None or not held.any() else np.asarray(held)[style.rows]


def draw_points(item: pg.ScatterPlotItem, x: np.ndarray, y: np.ndarray, style: PointStyle,
                colors: np.ndarray, held: np.ndarray | None = None) -> None:
    """Put the chosen rows into ``item``; ``colors`` is (rows, 3 or 4) RGB(A) in 0-255, one per drawn row;
    ``held``: which of them are validation rows, drawn as squares."""
    colors = np.asarray(colors, dtype=float)
    # a translucent dot of the colour under it would vanish: a light ring keeps each one in sight
    # (thinner and fainter on the small dots of a large table, whose rings would otherwise whiten the surface)
    small = style.size < 6
    outline = pg.mkPen("k", width=1.5) if style.full else pg.mkPen(
        255, 255, 255, int(style.alpha * (0.6 if small else 1.0)) + (0 if small else 40), width=0.6 if small else 1)
    if len(colors) and (colors == colors[0]).all():  # one colour: one brush
        brush = pg.mkBrush(*colors[0, :3].astype(int), style.alpha)
    else:  # a few dozen distinct brushes, shared, rather than one per row
        quantized = (colors[:, :3] / 255 * (SHADES - 1)).round().astype(int)
        keys, inverse = np.unique(quantized, axis=0, return_inverse=True)
        shades = [pg.mkBrush(*(k * 255 / (SHADES - 1)).round().astype(int), style.alpha) for k in keys]
        brush = [shades[i] for i in inverse.ravel()]
    symbol = "o" if held is None or not held.any() else np.where(held, "s", "o").tolist()
    item.setData(x=x, y=y, size=style.size, pen=outline, brush=brush, symbol=symbol)
