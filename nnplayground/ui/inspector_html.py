"""The step inspector's building blocks: numbers, small labelled matrices and formulas as Qt rich text.

Presentation only: every number is formatted as given, never recomputed.
"""
from __future__ import annotations

import re
import textwrap
from html import escape
from typing import Callable, Sequence

import numpy as np

MAX_ROWS, MAX_COLS = 8, 8  # larger matrices show their corner and say how much is left out
LINK = "#1a1a1a"  # clickable numbers (a weight's chain rule)
HEADER = "#666"
SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
MAX_HEADER = 12  # characters of a column's name above a matrix
WRAP = 48  # characters of a line of prose or of a formula: about the dock's width


def fmt(value: float) -> str:
    return f"{value + 0.0:.4g}"  # + 0.0 turns −0.0 (0 × a negative factor) into 0


def sup(n: int) -> str:
    return str(n).translate(SUP)


def short(name: str, limit: int = MAX_HEADER) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def header(name: str) -> tuple[str, ...]:
    """A column's name above a matrix, in lines: a one-hot input ``column=label`` in two, long names cut."""
    column, eq, label = name.partition("=")
    if eq and column and label:
        return short(column) + "=", short(label)
    return (short(name),)


def grey(text: str) -> str:
    return f"<span style='color:{HEADER}'>{escape(text, quote=False)}</span>" if text.strip() else pad(len(text))


def pad(n: int) -> str:
    """Spaces that stay: Qt drops ordinary ones at the start of a line before a link, even in <pre>."""
    return "&nbsp;" * n


def grid_html(name: str, shape: tuple[int, int], text: Callable[[int, int], str],
              columns: Sequence[str] | None = None, rows: Sequence[str] | None = None,
              extra: tuple[str, Callable[[int], str]] | None = None,
              href: Callable[[int, int], str | None] | None = None, corner: str = "row") -> str:
    """A ``shape`` grid under its name and shape: the first :data:`MAX_ROWS` rows and :data:`MAX_COLS`
    columns, ``text(r, c)`` each cell's text (numbers right-aligned), ``href(r, c)`` its link if any,
    with a note of how much is left out. ``columns`` names the columns above them, ``rows`` the rows on
    their left (e.g. table rows); ``extra`` = (label, text(c)) is one more row, always shown below the
    others (a layer's biases: ``href(-1, c)`` its links). ``corner`` names the row labels' column.

    A preformatted block, not an HTML table: Qt lays out a table's every cell as a frame of its own, and
    an Adam update's twenty matrices took a quarter of a second a step; these lines of monospace text
    take a few milliseconds.
    """
    n_rows, n_cols = shape
    shown_rows, shown_cols = range(min(n_rows, MAX_ROWS)), range(min(n_cols, MAX_COLS))
    body = [[text(r, c) for c in shown_cols] for r in shown_rows]
    last = [extra[1](c) for c in shown_cols] if extra is not None else None
    heads = [header(columns[c]) for c in shown_cols] if columns is not None else None
    depth = max((len(h) for h in heads), default=0) if heads else 0
    widths = [max([len(row[c]) for row in body] + ([len(last[c])] if last else [])
                  + [len(line) for line in (heads[c] if heads else ())]) for c in shown_cols]
    labels = [rows[r] for r in shown_rows] if rows is not None else [""] * len(body)
    if extra is not None:
        labels.append(extra[0])
    corner = corner if rows is not None and heads else ""
    label_width = max(len(label) for label in labels + [corner]) if rows is not None or extra else 0
    more_cols = "  …" if n_cols > MAX_COLS else ""

    def line(label: str, cells: list[str], link) -> str:
        out = [grey(label) + pad(label_width - len(label) + 1) if label_width else ""]
        for c, cell in enumerate(cells):
            shown = escape(cell, quote=False)
            target = link(c) if link is not None else None
            if target:
                shown = f"<a href='{target}' style='color:{LINK}; text-decoration:none'>{shown}</a>"
            out.append(pad(widths[c] - len(cell) + (2 if c else 0)) + shown)
        return "".join(out) + more_cols

    lines = []
    for d in range(depth):  # a header of two lines (one-hot inputs) is aligned at the bottom
        texts = [h[d - depth + len(h)] if d >= depth - len(h) else "" for h in heads]
        label = corner if d == depth - 1 else ""
        lines.append(grey(label) + (pad(label_width - len(label) + 1) if label_width else "") + "".join(
            pad(widths[c] - len(t) + (2 if c else 0)) + grey(t) for c, t in enumerate(texts)))
    for r, cells in enumerate(body):
        lines.append(line(labels[r], cells, (lambda c, r=r: href(r, c)) if href else None))
    if n_rows > MAX_ROWS:
        lines.append(f"… {n_rows - MAX_ROWS:,} more rows")
    if last is not None:
        lines.append(line(extra[0], last, (lambda c: href(-1, c)) if href else None))
    more = f" (its first {MAX_COLS} columns)" if n_cols > MAX_COLS else ""
    size = f"{n_rows}×{n_cols}" + (f" + {extra[0]} 1×{n_cols}" if extra is not None else "") + more
    plain_name = re.sub(r"<[^>]*>", "", name)
    gap = "<br>" if len(plain_name) + 1 + len(size) > WRAP else " "  # never cut at the dock's edge
    return (f"<p style='margin:4px 0 0 0'><b>{name}</b>{gap}<span style='color:{HEADER}'>{size}</span></p>"
            f"<pre style='margin:0; background:#fafafa'>{chr(10).join(lines)}</pre>")


def matrix_html(name: str, values: np.ndarray, link: str | None = None, columns: Sequence[str] | None = None,
                rows: Sequence[str] | None = None, bias: np.ndarray | None = None, bias_link: str | None = None) -> str:
    """A matrix of numbers (:func:`grid_html`); cells link to ``link:row:col`` when ``link`` is given.
    ``bias``: the layer's biases, as a last row "b" (linked to ``bias_link:0:col``)."""
    values = np.atleast_2d(np.asarray(values))
    extra, b = None, None
    if bias is not None:
        b = np.ravel(bias)
        extra = ("b", lambda c: fmt(b[c]))

    def href(r: int, c: int) -> str | None:
        if r < 0:
            return f"{bias_link}:0:{c}" if bias_link else None
        return f"{link}:{r}:{c}" if link else None

    return grid_html(name, values.shape, lambda r, c: fmt(values[r, c]), columns, rows, extra,
                     href if link or bias_link else None)


def lines(text: str, width: int = WRAP) -> str:
    """``text`` escaped, in lines of about ``width`` characters (the sections do not wrap by themselves:
    their matrices must not)."""
    return "<br>".join(escape(line, quote=False) for line in textwrap.wrap(text, width, break_long_words=False))


def keep(text: str) -> str:
    """``text`` escaped, kept on one line ("t = 2" never broken after its "t")."""
    return escape(text, quote=False).replace(" ", "&nbsp;")


def formula(text: str) -> str:
    """A formula in italics; one too long for the dock is broken where it has a wide gap (",  ")."""
    pieces = text.split(",  ") if len(text) > WRAP else [text]
    body = "<br>".join(escape(p, quote=False) for p in pieces)
    return f"<p style='margin:2px 0; font-family:serif; font-style:italic; color:#333'>{body}</p>"


def note(text: str) -> str:
    """A sentence that says what the numbers around it are (plain, not a formula)."""
    return f"<p style='margin:2px 0; color:#444'>{lines(text)}</p>"


def big(text: str) -> str:
    return f"<p style='font-size:large; margin:4px 0'><b>{escape(text, quote=False)}</b></p>"


def heading(text: str) -> str:
    """A sub-heading inside a phase (a layer, the encoding)."""
    return f"<p style='margin:8px 0 0 0; color:#1f3a60'><b>{escape(text, quote=False)}</b></p>"
