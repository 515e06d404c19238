"""Where the heatmaps go: plain geometry, so the widget only places what this computes.

Each layer is one panel holding its two matrices, W (with b) and ∂L/∂W (with ∂L/∂b). They sit side
by side while both keep readable cells at the width there is, else one above the other; layers
follow one another downwards, and what is taller (or, for very wide layers, wider) than the view
scrolls. A cell is square unless a matrix would be taller than the view or too short for its colour
bar's labels, and never more than twice as wide as it is tall.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

CELL_MAX = 28.0  # px: a small matrix (the tutorial's 3×4) stays a picture, not a wall of colour
CELL_READABLE = 8.0  # px: narrower cells side by side put a layer's matrices one above the other
# the largest cells tried, in turn, until everything fits in the view without scrolling
FITTING_CELLS = (CELL_MAX, 24.0, 21.0, 18.0, 16.0, 14.0, 12.0, 10.0, CELL_READABLE)
CELL_MIN = 3.0  # px: smaller is a texture; past it a layer gets wider or taller than the view and scrolls
IMAGE_MIN_HEIGHT = 56.0  # px: a colour bar beside a 1-row matrix still has room for three labels
IMAGE_MAX_HEIGHT = (120.0, 420.0)  # px: a matrix fits in the view's height, within these bounds
GAP = 10.0  # px between the two matrices of a layer, and between layers
LABEL_GAP = 4.0  # px kept free between two tick labels


@dataclass(frozen=True)
class Chrome:
    """Pixels a matrix's plot needs around its picture: axes, title, colour bar."""
    left: float
    right: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Place:
    """One matrix's plot: where it goes and the size of its cells (in px)."""
    layer: int
    which: str  # "value" (W, b) or "gradient" (∂L/∂W, ∂L/∂b)
    x: float
    y: float
    width: float
    height: float
    cell_width: float
    cell_height: float


def image_size(rows: float, cols: int, room: float, max_height: float,
               cell_max: float = CELL_MAX) -> tuple[float, float]:
    """Width and height of a ``rows`` × ``cols`` picture given ``room`` px of width."""
    cell = max(CELL_MIN, min(cell_max, room / cols))
    height = max(min(max(rows * cell, IMAGE_MIN_HEIGHT), max_height), rows * CELL_MIN)
    cell = min(cell, 2 * height / rows)  # a cell at most twice as wide as it is tall
    return cols * cell, height


def max_image_height(view_height: float, chrome: Chrome) -> float:
    low, high = IMAGE_MAX_HEIGHT
    return min(max(view_height - chrome.top - chrome.bottom - 2 * GAP, low), high)


def lay_out(shapes: list[tuple[float, int]], chromes: list[Chrome], width: float,
            height: float) -> tuple[list[Place], float, float]:
    """Places for every layer's two matrices in a view ``width`` × ``height`` px; ``shapes`` are each
    layer's (rows, cols), rows counting the bias row and its gap. Returns the places and the size of
    everything together (wider or taller than the view when it must scroll). Cells shrink, down to
    readable, when that lets everything fit in the view without scrolling."""
    for cell_max in FITTING_CELLS:
        found = _lay_out(shapes, chromes, width, height, cell_max)
        if found[2] <= height:
            return found
    return _lay_out(shapes, chromes, width, height, CELL_MAX)


def _lay_out(shapes, chromes, width, height, cell_max) -> tuple[list[Place], float, float]:
    places: list[Place] = []
    y = GAP / 2
    for layer, ((rows, cols), chrome) in enumerate(zip(shapes, chromes)):
        frame_w, frame_h = chrome.left + chrome.right, chrome.top + chrome.bottom
        tallest = max_image_height(height, chrome)
        alone = image_size(rows, cols, width - GAP - frame_w, tallest, cell_max)
        paired = image_size(rows, cols, (width - 2 * GAP) / 2 - frame_w, tallest, cell_max)
        fits = 2 * (frame_w + paired[0]) + 2 * GAP <= width
        side_by_side = fits and paired[0] / cols >= min(CELL_READABLE, alone[0] / cols * (1 - 1e-9))
        img_w, img_h = paired if side_by_side else alone
        w, h = frame_w + img_w, frame_h + img_h
        cell_w, cell_h = img_w / cols, img_h / rows
        x = GAP / 2
        for which in ("value", "gradient"):
            places.append(Place(layer, which, x, y, w, h, cell_w, cell_h))
            if side_by_side:
                x += w + GAP
            else:
                y += h + GAP
        if side_by_side:
            y += h + GAP
    content_w = max((p.x + p.width for p in places), default=0.0) + GAP / 2
    return places, content_w, y - GAP / 2


def label_step(cell: float, extent: float) -> int:
    """Label every k-th cell so that labels ``extent`` px long, one per cell, never touch."""
    if cell <= 0:
        return 1
    return max(1, math.ceil((extent + LABEL_GAP) / cell))


def short_name(name: str, most: int = 8) -> str:
    """A tick label: long column names are cut ("petal_le…"); the hover text keeps them whole. A one-hot
    input ("colour=red") keeps its label, which tells its rows apart: "col…=red", "=versic…"."""
    if len(name) <= most:
        return name
    column, sep, label = name.partition("=")
    if not sep or not label:
        return name[: most - 1] + "…"
    if len(label) > most - 1:
        label = label[: most - 2] + "…"
    room = most - 1 - len(label)  # for the column's part
    return (column[: room - 1] + "…" if room >= 2 else "") + "=" + label
