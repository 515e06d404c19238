"""Axes and numbers a learner reads at once.

pyqtgraph's axes rescale by SI prefixes ("loss (x1e+27)", "a (x0.001)"), so a tick reading "2" may
mean 2e27, and on an empty log axis they label every mantissa (1, 0.9, 0.8, …) into one smear.
:class:`PlainAxis` shows every tick as the value itself, plain ("0.001", "250", "1,500") or in
scientific notation past the limits below ("2e+95"), and drops any label that would touch another.
:func:`format_number_for_display` is the same rule for tables and readouts.
"""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF

SCIENTIFIC_ABOVE = 1e6  # a magnitude past this is written 3.6e+09
SCIENTIFIC_BELOW = 1e-4  # a non-zero magnitude under this is written 1.2e-05
LABEL_GAP = 4  # pixels kept free between two tick labels
LOG_LABELLED_MANTISSAS = (1, 2, 5)  # on a log axis, the ticks inside a decade that get a label
LOG_MINOR_MIN_DECADE_PIXELS = 40  # a decade shorter than this gets no ticks between its ends


def _scientific(x: float) -> bool:
    a = abs(x)
    return a > SCIENTIFIC_ABOVE or 0 < a < SCIENTIFIC_BELOW


def _trim(mantissa: str) -> str:
    return mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa


def format_number_for_display(x: float, digits: int = 4, sign: bool = False) -> str:
    """``x`` with ``digits`` significant digits (never fewer than its integer digits), trailing zeros
    dropped, thousands separated ("1,500"); scientific past 1e6 or below 1e-4 ("3.635e+09").
    ``sign`` writes a "+" before positive numbers (for differences such as ŷ − y)."""
    x = float(x)
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    plus = "+" if sign and x > 0 else ""
    if x == 0:
        return "0"
    if _scientific(x):
        mantissa, exponent = f"{x:.{max(digits, 1) - 1}e}".split("e")
        return f"{plus}{_trim(mantissa)}e{exponent}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    text = _trim(f"{x:,.{decimals}f}")
    return "0" if text in ("-0", "0") else plus + text


def _places(values: list[float], tolerance: float, scientific: bool) -> int:
    """The fewest decimals (of the mantissa, if ``scientific``) that write every value to within
    ``tolerance``: one count for a whole axis, so its labels line up ("0.0, 0.5, 1.0")."""
    for places in range(16):
        if all(abs(float(f"{v:.{places}e}" if scientific else f"{v:.{places}f}") - v) <= tolerance for v in values):
            return places
    return 15


def tick_texts(values: list[float], spacing: float, largest: float) -> list[str]:
    """Labels for ticks ``spacing`` apart on a linear axis whose largest tick magnitude is
    ``largest``: scientific for all of them if that is past the limits, else plain; all with the
    decimals the finest of them needs ("0.0, 0.5, 1.0")."""
    if not values:
        return []
    tolerance = abs(spacing) * 1e-3 if spacing else 0.0
    together = list(values)
    if _scientific(largest):
        places = _places(together, tolerance, True)
        out = []
        for v in values:
            if abs(v) <= tolerance:
                out.append("0")
            else:
                mantissa, exponent = f"{v:.{places}e}".split("e")
                out.append(f"{mantissa}e{exponent}")
        return out
    places = _places(together, tolerance, False)
    return ["0" if abs(v) <= tolerance else f"{v:,.{places}f}" for v in values]


def log_tick_text(exponent: float) -> str:
    """The label of a log axis' tick at 10**exponent: "0.01", "2", "1,000", "1e+20"."""
    return format_number_for_display(10.0 ** exponent, digits=3)


def _strides():
    """1, 2, 5, 10, 20, 50, …"""
    power = 1
    while True:
        yield from (power, 2 * power, 5 * power)
        power *= 10


def _mantissa(exponent: float) -> int:
    return int(round(10.0 ** (exponent - math.floor(exponent + 1e-9))))


class PlainAxis(pg.AxisItem):
    """An axis whose ticks read as the values themselves, with no label touching another."""

    def __init__(self, orientation: str, integers: bool = False, **kwargs):
        """``integers``: ticks only at whole numbers (iterations: there is no iteration 0.2)."""
        super().__init__(orientation, **kwargs)
        self.integers = integers
        super().enableAutoSIPrefix(False)
        self.setStyle(maxTextLevel=1)  # major and minor ticks get labels, never the finer third level
        self._major_ticks: list[float] = []
        self._major_spacing: float | None = None
        self._largest = 0.0  # the largest major tick's magnitude: past the limits, every label is scientific
        self._value_of: dict[str, float] = {}  # each label written in this layout, and its value
        self._pixels_per_unit = 0.0

    def enableAutoSIPrefix(self, enable=True):
        """Never scale by an SI prefix: a tick always reads as the value it marks."""
        super().enableAutoSIPrefix(False)

    def updateAutoSIPrefix(self):
        # pyqtgraph rescales here even with the prefix disabled, whenever the label is visible
        self.autoSIPrefixScale = 1.0
        self.labelUnitPrefix = ""
        self._updateLabel()

    # -- where the ticks go ------------------------------------------------------------------------
    def tickValues(self, minVal, maxVal, size):
        levels = super().tickValues(minVal, maxVal, size)
        if self.integers and not self.logMode:
            levels = [(spacing, values) for spacing, values in levels if spacing >= 1]
            if not levels:
                levels = [(1.0, [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)])]
        self._major_ticks = list(levels[0][1]) if levels else []
        self._major_spacing = levels[0][0] if levels else None
        self._pixels_per_unit = size / abs(maxVal - minVal) if maxVal != minVal else 0.0
        return levels

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        """Whole decades (or every few decades) as the major ticks; within a decade tall enough,
        marks at 2…9 of which only 2 and 5 are labelled."""
        majors = [(spacing, values) for spacing, values in stdTicks if spacing >= 1]
        if not majors:
            majors = [(1.0, [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)])]
        decades = maxVal - minVal
        if majors[-1][0] > 1 or decades <= 0 or size / decades < LOG_MINOR_MIN_DECADE_PIXELS:
            return majors
        minor = [v + math.log10(m) for v in range(math.floor(minVal), math.ceil(maxVal)) for m in range(2, 10)]
        minor = [x for x in minor if minVal < x < maxVal]
        return majors + [(None, minor)]

    # -- what they say ----------------------------------------------------------------------------
    def tickStrings(self, values, scale, spacing):
        if self.logMode:
            shown = [v for v in values if _mantissa(v) in LOG_LABELLED_MANTISSAS]
            labelled = LOG_LABELLED_MANTISSAS if spacing is not None or len(shown) >= 2 else range(1, 10)
            texts = [log_tick_text(v) if _mantissa(v) in labelled else "" for v in values]
        else:
            scaled = [v * scale for v in values]
            self._largest = max([abs(v) * scale for v in self._major_ticks] + [abs(v) for v in scaled])
            texts = tick_texts(scaled, (spacing or 0) * scale, self._largest)
            self._value_of.update(zip(texts, scaled))
        return self._evenly_thinned(values, texts, spacing) if spacing == self._major_spacing else texts

    def _evenly_thinned(self, values, texts, spacing) -> list[str]:
        """Major labels too wide (or tall) for their spacing keep every 2nd, 5th, 10th… one, so
        those shown stay evenly spaced ("0, 400,000, 800,000" rather than gaps where they collide);
        of the ways to pick them, the one whose labels fit inside the axis (zero included if a tie)."""
        if not spacing or not any(texts) or self._pixels_per_unit <= 0:
            return texts
        metrics = QFontMetricsF(self.style["tickFont"] or self.font())
        if self.orientation in ("top", "bottom"):
            sizes = [metrics.horizontalAdvance(t) for t in texts]
        else:
            sizes = [metrics.height() if t else 0.0 for t in texts]
        pixels = abs(spacing) * self._pixels_per_unit
        stride = next(s for s in _strides() if s * pixels >= max(sizes) + LABEL_GAP)
        if stride == 1:
            return texts
        low, high = sorted(self.range)
        room = self._overhang()

        def fits(v, size):
            return min(v - low, high - v) * self._pixels_per_unit + room >= size / 2

        def kept(offset):
            return [round(v / spacing) % stride == offset for v in values]

        best = max(range(stride), key=lambda o: (sum(k and fits(v, z) for k, v, z in zip(kept(o), values, sizes)), -o))
        return [t if k else "" for t, k in zip(texts, kept(best))]

    def _overhang(self) -> float:
        """How far (pixels) a label may reach past the axis' ends."""
        overhang = self.style["hideOverlappingLabels"]
        return 0 if overhang is True else (15 if overhang is False else int(overhang))

    def generateDrawSpecs(self, p):
        """pyqtgraph's layout, keeping only labels (major ticks first) that touch no label kept before,
        then written alike: the decimals the labels drawn need ("0.1, 0.2", "0.0, 0.5, 1.0")."""
        self._value_of = {}
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis_spec, tick_specs, text_specs = specs
        kept = self._apart(p, text_specs)
        values = [self._value_of.get(text) for _, _, text in kept]
        if not self.logMode and len(kept) > 1 and None not in values:
            ordered = sorted(set(values))
            gap = min(b - a for a, b in zip(ordered, ordered[1:])) if len(ordered) > 1 else 0.0
            alike = tick_texts(values, gap, self._largest)
            kept = self._apart(p, [(rect, flags, text) for (rect, flags, _), text in zip(kept, alike)])
        return axis_spec, tick_specs, kept

    def _apart(self, p, text_specs) -> list:
        """The labels, in order, that touch no label kept before them."""
        kept, taken = [], []
        for rect, flags, text in text_specs:
            if not text:
                continue
            ink = self._ink_rect(p, rect, flags, text)
            padded = ink.adjusted(-LABEL_GAP / 2, -LABEL_GAP / 2, LABEL_GAP / 2, LABEL_GAP / 2)
            if any(padded.intersects(other) for other in taken):
                continue
            kept.append((rect, flags, text))
            taken.append(padded)
        return kept

    def boundingRect(self):
        """pyqtgraph's, but labels may overhang the axis' ends by the style's ``hideOverlappingLabels``
        pixels even with a grid shown (pyqtgraph then hides any end label that overhangs at all,
        so a loss axis lost its "0")."""
        rect = super().boundingRect()
        m = self._overhang()
        if self.grid is False or not m:
            return rect
        return rect.adjusted(0, -m, 0, m) if self.orientation in ("left", "right") else rect.adjusted(-m, 0, m, 0)

    @staticmethod
    def _ink_rect(p, rect: QRectF, flags, text: str) -> QRectF:
        """Where the text is drawn in full (pyqtgraph's own rectangle is 0.8 of its height)."""
        return p.boundingRect(rect, int(flags), text)


def tick_label_rects(axis: pg.AxisItem, painter) -> list[tuple[QRectF, str]]:
    """Each drawn tick label of ``axis`` and the rectangle its text covers, laid out with ``painter``
    (for checks that no two labels overlap)."""
    specs = axis.generateDrawSpecs(painter)
    if specs is None:
        return []
    return [(painter.boundingRect(rect, int(flags), text), text) for rect, flags, text in specs[2] if text]


def use_plain_axes(plot_item: pg.PlotItem) -> None:
    """Give ``plot_item`` a :class:`PlainAxis` on each side, keeping labels, visibility and log mode."""
    replacing = {}
    for name in ("left", "bottom", "right", "top"):
        old = plot_item.getAxis(name)
        if isinstance(old, PlainAxis):
            continue
        axis = PlainAxis(name)
        axis.setLogMode(*((old.logMode, False) if name in ("bottom", "top") else (False, old.logMode)))
        if old.labelText or old.labelUnits:
            axis.setLabel(old.labelText, old.labelUnits, **old.labelStyle)
        axis.setGrid(old.grid)
        replacing[name] = (axis, old.isVisible(), old.label.isVisible())
    if not replacing:
        return
    plot_item.setAxisItems({name: axis for name, (axis, _, _) in replacing.items()})
    for name, (axis, visible, label_visible) in replacing.items():
        plot_item.showAxis(name, visible)
        axis.showLabel(label_visible)

