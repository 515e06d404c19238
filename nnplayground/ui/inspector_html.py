"""The step inspector's building blocks: numbers, small labelled matrices and formulas as Qt rich text.

Presentation only: every number is formatted as given, never recomputed.
"""
from __future__ import annotations

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


def header(name: str) -> str:
    """A column's name above a matrix: a one-hot input ``column=label`` in two lines, long names cut."""
    column, eq, label = name.partition("=")
    if eq and column and label:
        return f"{escape(short(column))}=<br>{escape(short(label))}"
    return escape(short(name))


def grid_html(name: str, shape: tuple[int, int], cell: Callable[[int, int], str],
              columns: Sequence[str] | None = None, rows: Sequence[str] | None = None,
              extra: tuple[str, Callable[[int], str]] | None = None) -> str:
    """A ``shape`` grid under its name and shape, ``cell(r, c)`` giving each shown cell's HTML; the
    first :data:`MAX_ROWS` rows and :data:`MAX_COLS` columns, with a note of how many more there are.
    ``columns`` names the columns above them, ``rows`` the rows on their left (e.g. table rows);
    ``extra`` = (label, cell(c)) is one more row, always shown below the others (a layer's biases)."""
    n_rows, n_cols = shape
    shown_cols = min(n_cols, MAX_COLS)
    labelled = rows is not None or extra is not None
    lines = []
    if columns is not None:
        heads = "".join(f"<td align='right' style='padding:0 5px; color:{HEADER}'>{header(columns[c])}</td>"
                        for c in range(shown_cols))
        lines.append("<tr>" + (f"<td style='color:{HEADER}'>{'row' if rows is not None else ''}</td>"
                               if labelled else "") + heads + "</tr>")

    def line(label: str | None, cells: list[str]) -> str:
        head = f"<td style='color:{HEADER}; padding-right:4px'>{escape(label)}</td>" if label is not None else ""
        tds = [f"<td align='right' style='padding:0 5px'>{text}</td>" for text in cells]
        return "<tr>" + head + "".join(tds) + ("<td>…</td>" if n_cols > MAX_COLS else "") + "</tr>"

    for r in range(min(n_rows, MAX_ROWS)):
        label = (rows[r] if rows is not None else "") if labelled else None
        lines.append(line(label, [cell(r, c) for c in range(shown_cols)]))
    if n_rows > MAX_ROWS:
        span = shown_cols + 1 + labelled
        lines.append(f"<tr><td colspan='{span}'>… {n_rows - MAX_ROWS:,} more rows</td></tr>")
    if extra is not None:
        lines.append(line(extra[0], [extra[1](c) for c in range(shown_cols)]))
    more = f", {n_cols - MAX_COLS} more columns not shown" if n_cols > MAX_COLS else ""
    size = f"{n_rows}×{n_cols}" + (f" and {extra[0]} 1×{n_cols}" if extra is not None else "")
    return (f"<p style='margin:4px 0 0 0'><b>{name}</b> <span style='color:{HEADER}'>{size}{more}"
            f"</span></p><table style='font-family:monospace; background:#fafafa' cellspacing='0'>"
            f"{''.join(lines)}</table>")


def _number(value: float, href: str | None) -> str:
    text = fmt(value)
    return f"<a href='{href}' style='color:{LINK}; text-decoration:none'>{text}</a>" if href else text


def matrix_html(name: str, values: np.ndarray, link: str | None = None, columns: Sequence[str] | None = None,
                rows: Sequence[str] | None = None, bias: np.ndarray | None = None, bias_link: str | None = None) -> str:
    """A matrix of numbers (:func:`grid_html`); cells link to ``link:row:col`` when ``link`` is given.
    ``bias``: the layer's biases, as a last row "b" (linked to ``bias_link:0:col``)."""
    values = np.atleast_2d(np.asarray(values))
    extra = None
    if bias is not None:
        b = np.ravel(bias)
        extra = ("b", lambda c: _number(b[c], f"{bias_link}:0:{c}" if bias_link else None))
    return grid_html(name, values.shape, lambda r, c: _number(values[r, c], f"{link}:{r}:{c}" if link else None),
                     columns, rows, extra)


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
