"""The network diagram as a picture: a :class:`Scene` says where everything goes for one size, and
:func:`paint` draws it with a QPainter, on the screen or into a PNG or SVG file.

A frame must cost a few milliseconds whatever the network, so the screen's paint uses few, cheap
calls: one path per edge colour and width (opaque pens: translucent wide lines cost ten times more
in Qt's raster engine), and a dense layer's node fills as one tiny image scaled into its column. A
file gets that layer cell by cell instead (an SVG viewer would blur a scaled image).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

from .diagram_layout import (
    NODE_MAX, WIDTHS, Geometry, Plan, edge_scale, edge_values, geometry, hidden_note, label_step, layer_limits,
    place_edges, place_nodes,
)

POSITIVE, NEGATIVE = (192, 2, 6), (33, 81, 219)  # the heatmaps' red and blue
TINTS = (0.32, 0.47, 0.63, 0.8, 1.0)  # thin edges paler, so the strong ones stand out
NOTE_COLOR, TEXT_COLOR, MUTED_COLOR = QColor("#9a3412"), QColor("#222222"), QColor("#666666")
NO_ACTIVATION = QColor("#dddddd")
COLORMAP = "CET-D1"  # blue (negative), near-white (0), red (positive)
ANTIALIAS_EDGES = 1000  # past this many edges, lines are drawn without antialiasing (three times faster)
PAD, GAP = 6.0, 4.0
MIN_UNITS_HEIGHT = 60.0  # pixels the units need; a smaller widget shortens the note, then drops the legend
SWATCH = 18.0  # legend sample length


def _tint(rgb, t):
    return QColor(*(round(255 - t * (255 - c)) for c in rgb))


def _pen(color, width, cosmetic=False) -> QPen:
    pen = QPen(color)
    pen.setWidthF(width)
    pen.setCapStyle(Qt.FlatCap)
    pen.setCosmetic(cosmetic)
    return pen


def edge_pens(scale: float = 1.0) -> dict:
    """The pen of each (sign, width bucket)."""
    return {(sign, b): _pen(_tint(rgb, TINTS[b]), max(WIDTHS[b] * scale, 1.0), cosmetic=WIDTHS[b] * scale <= 1.0)
            for sign, rgb in ((1, POSITIVE), (-1, NEGATIVE)) for b in range(len(WIDTHS))}


OUTLINE = _pen(QColor("#333333"), 1.0, cosmetic=True)


def _lookup_table() -> np.ndarray:
    rgb = pg.colormap.get(COLORMAP).getLookupTable(0.0, 1.0, 256, alpha=False).astype(np.uint32)
    return (0xFF << 24) | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]


LUT = _lookup_table()  # 256 opaque ARGB32 colours
GREY = np.uint32(NO_ACTIVATION.rgba())


def fill_colours(nodes: np.ndarray, limits: list[float] | None) -> np.ndarray:
    """ARGB32 fill of each node: a / its layer's limit, from -1 to +1 along the colour map; grey where
    there is no activation yet."""
    colours = np.full(nodes.size, GREY, dtype=np.uint32)
    if limits is None:
        return colours
    a = nodes["a"]
    finite = np.isfinite(a)
    scaled = np.where(finite, a, 0.0) / np.asarray(limits)[nodes["layer"]]
    index = np.clip(np.rint((0.5 + 0.5 * scaled) * 255), 0, 255).astype(int)
    return np.where(finite, LUT[index], GREY).astype(np.uint32)


@dataclass
class LegendItem:
    kind: str  # "sign", "width" or "fill"
    before: str  # the text left of the sample
    after: str  # the text right of it
    rect: QRectF  # where the whole item is drawn

    @property
    def text(self) -> str:
        return f"{self.before} … {self.after}" if self.before else self.after


@dataclass
class Scene:
    """Everything one picture of the diagram shows, in pixels of a ``width`` × ``height`` area."""

    width: float
    height: float
    plan: Plan
    note: str
    note_rect: QRectF
    headers: list  # (rect, name, detail) per column
    labels: list  # (rect, text, alignment) of unit names
    geometry: Geometry
    edges: np.ndarray
    nodes: np.ndarray
    colours: np.ndarray  # ARGB32 per node
    limits: list | None  # each layer's colour limit (None: no activations yet)
    legend: list  # LegendItem
    legend_rect: QRectF
    largest: float  # the largest |w| drawn: the widest pen
    edge_scale: float  # a factor on every pen, below 1 where edges are many
    row: int | None
    font: QFont
    small: QFont

    @property
    def bias_nodes(self) -> list[tuple[int, float, float]]:
        """(layer it feeds, x, y) of each +1 node."""
        g = self.geometry
        return [] if g.bias_y is None else [(l, float(g.xs[l]), g.bias_y) for l in range(len(g.xs) - 1)]


def build_scene(width, height, plan: Plan, chosen, weights, biases, names, row_activations, row, font: QFont) -> Scene:
    """Lay out, top to bottom: the note on what is hidden, the column headers, the bias row and the
    units, the legend. Each band has its own rows of pixels, so text never lies over a node."""
    small = QFont(font)
    small.setPointSizeF(max(6.0, font.pointSizeF() * 0.9))
    fm, fs = QFontMetricsF(font), QFontMetricsF(small)
    inner = max(width - 2 * PAD, 10.0)
    values, largest = edge_values(chosen, weights, biases, plan)
    limits = layer_limits(row_activations, plan.shown)
    note = hidden_note(plan)
    for squeeze in range(3):  # too little room for the units: the note on one line, then no legend
        note_rect = QRectF(PAD, PAD, 0, 0)
        if note and squeeze:
            note = fs.elidedText(hidden_note(plan), Qt.ElideRight, inner)
        if note:
            note_rect = fs.boundingRect(QRectF(PAD, PAD, inner, 10_000), Qt.TextWordWrap | Qt.AlignLeft, note)
        header_top = note_rect.bottom() + GAP if note else PAD
        units_top = header_top + 2 * fs.height() + GAP
        legend = _legend(largest, limits, row, fs, inner) if squeeze < 2 else []
        legend_h = (legend[-1].rect.bottom() + 2 * GAP) if legend else 0.0
        if height - PAD - legend_h - units_top >= MIN_UNITS_HEIGHT:
            break
    bottom = max(height - PAD - legend_h, units_top + 1)

    first = list(names[0][: plan.shown[0]]) if names else []
    last = list(names[-1][: plan.shown[-1]]) if names and len(plan.shown) == len(plan.sizes) else []
    widths = [min(max([fm.horizontalAdvance(s) for s in side] + [0.0]), 0.25 * width) for side in (first, last)]
    header_w = fs.horizontalAdvance("outputs")
    left = PAD + max(widths[0] + GAP + NODE_MAX / 2, header_w / 2)
    right = width - PAD - max(widths[1] + GAP + NODE_MAX / 2, header_w / 2)
    g = geometry(plan.shown, plan.use_bias, left, units_top, max(right, left + 1), bottom)
    edges = place_edges(chosen, values, largest, plan, g)
    nodes = place_nodes(plan, g, row_activations)

    top = height - PAD - legend_h + GAP
    for item in legend:
        item.rect.translate(PAD, top)
    area = (g.xs[-1] - g.xs[0]) * (bottom - header_top)
    legend_rect = QRectF(PAD, top, inner, max(legend_h - 2 * GAP, 0.0))
    return Scene(width, height, plan, note, note_rect, _headers(plan, g, limits, header_top, fs, inner),
                 _unit_labels(plan, g, (first, last), widths, fm), g, edges, nodes, fill_colours(nodes, limits),
                 limits, legend, legend_rect, largest, edge_scale(edges, area), row, font, small)


def _headers(plan: Plan, g: Geometry, limits, top: float, fs: QFontMetricsF, inner: float) -> list:
    """Above each column: its name, and its units (and colour scale when it is not ±1)."""
    headers = []
    room = (g.xs[1] - g.xs[0]) - GAP if len(g.xs) > 1 else inner
    for l, m in enumerate(plan.shown):
        name = "inputs" if l == 0 else ("outputs" if l == len(plan.sizes) - 1 else f"h{l}")
        detail = f"{plan.sizes[l]:,}" if m == plan.sizes[l] else f"{m} of {plan.sizes[l]:,}"
        if limits is not None and limits[l] > 1:
            detail += f" · ±{limits[l]:.3g}"
        rect = QRectF(g.xs[l] - room / 2, top, room, 2 * fs.height())
        headers.append((rect, fs.elidedText(name, Qt.ElideRight, room), fs.elidedText(detail, Qt.ElideRight, room)))
    return headers


def _unit_labels(plan: Plan, g: Geometry, names, widths, fm: QFontMetricsF) -> list:
    """Input names left of the first column, output names right of the last, every k-th where crowded."""
    labels = []
    line = fm.height()
    for l, side, here, w in ((0, -1, names[0], widths[0]), (len(plan.shown) - 1, 1, names[1], widths[1])):
        rx = g.extents(l)[0]
        x0 = g.xs[l] - rx - GAP - w if side < 0 else g.xs[l] + rx + GAP
        align = (Qt.AlignRight if side < 0 else Qt.AlignLeft) | Qt.AlignVCenter
        for u in range(0, len(here), label_step(g.spacing[l], line)):
            labels.append((QRectF(x0, g.ys[l][u] - line / 2, w, line), fm.elidedText(here[u], Qt.ElideRight, w), align))
    return labels


SAMPLE_WIDTH = {"sign": SWATCH, "width": 5 * 8.0, "fill": 60.0}


def _legend(largest, limits, row, fs: QFontMetricsF, inner) -> list[LegendItem]:
    """The legend's items laid out in rows from (0, 0), wrapping at ``inner`` pixels."""
    texts = [("sign", "", "w > 0"), ("sign", "", "w < 0"), ("width", "|w|: 0", f"{largest:.3g}")]
    if limits is None:
        texts.append(("fill", "", "nodes grey until a feedforward"))
    else:
        where = f"a of row {row + 1}" if row is not None else "a"
        scaled = " (or ± the column's largest |a|)" if max(limits) > 1 else ""
        texts.append(("fill", f"{where}: −1", f"+1{scaled}"))
    items, x, y, h = [], 0.0, 0.0, fs.height()
    for kind, before, after in texts:
        w = (fs.horizontalAdvance(before) + GAP if before else 0.0) + SAMPLE_WIDTH[kind] + GAP
        after = fs.elidedText(after, Qt.ElideRight, max(inner - w, 0.0))  # a narrow window cuts the words
        w = min(w + fs.horizontalAdvance(after) + 3 * GAP, inner)
        if x > 0 and x + w > inner:
            x, y = 0.0, y + h + GAP
        items.append(LegendItem(kind, before, after, QRectF(x, y, w, h)))
        x += w
    return items


# -- painting ------------------------------------------------------------------------------------------
def paint(painter: QPainter, scene: Scene, per_node: bool = False) -> None:
    """Draw ``scene``. ``per_node``: each node its own shape (for files; the screen uses the fast way)."""
    painter.fillRect(QRectF(0, 0, scene.width, scene.height), Qt.white)
    painter.setRenderHint(QPainter.Antialiasing, scene.edges.size <= ANTIALIAS_EDGES or per_node)
    _paint_edges(painter, scene.edges, scene.edge_scale)
    painter.setRenderHint(QPainter.Antialiasing, True)
    _paint_bias_nodes(painter, scene)
    _paint_nodes(painter, scene, per_node)
    _paint_text(painter, scene)
    _paint_legend(painter, scene)


def _paint_edges(painter: QPainter, edges: np.ndarray, scale: float) -> None:
    pens = edge_pens(scale)
    start = np.searchsorted(edges["bucket"], np.arange(len(WIDTHS) + 1))
    for b in range(len(WIDTHS)):  # thinnest first: the strongest lie on top
        part = edges[start[b]: start[b + 1]]
        for sign in (1, -1):
            sel = part[part["sign"] == sign]
            if sel.size:
                x = np.column_stack([sel["x0"], sel["x1"]]).ravel()
                y = np.column_stack([sel["y0"], sel["y1"]]).ravel()
                painter.setPen(pens[sign, b])
                painter.drawPath(pg.arrayToQPath(x, y, connect="pairs"))


def _paint_bias_nodes(painter: QPainter, scene: Scene) -> None:
    painter.setPen(OUTLINE)
    painter.setBrush(QColor("#f5f5f5"))
    painter.setFont(scene.small)
    for _, x, y in scene.bias_nodes:
        rect = QRectF(x - 9, y - 8, 18, 16)
        painter.drawRect(rect)
        painter.drawText(rect, Qt.AlignCenter, "+1")


def _paint_nodes(painter: QPainter, scene: Scene, per_node: bool) -> None:
    """Circles one by one (at most ~40 fit a column); a strip's cells as one image scaled into the
    column, or cell by cell in a file."""
    g, nodes = scene.geometry, scene.nodes
    painter.setPen(OUTLINE)
    for l in range(len(g.xs)):
        at = np.flatnonzero(nodes["layer"] == l)
        layer, colours = nodes[at], scene.colours[at]
        s, (rx, ry) = g.spacing[l], g.extents(l)
        x = float(g.xs[l])
        if not g.is_strip(l):
            for y, argb in zip(layer["y"].tolist(), colours.tolist()):
                painter.setBrush(QColor.fromRgba(argb))
                painter.drawEllipse(QPointF(x, y), rx, ry)
        elif per_node:
            for y, argb in zip(layer["y"].tolist(), colours.tolist()):
                painter.setBrush(QColor.fromRgba(argb))
                painter.drawRect(QRectF(x - rx, y - ry, 2 * rx, 2 * ry))
        else:
            column = np.ascontiguousarray(colours.reshape(-1, 1))
            target = QRectF(x - rx, float(layer["y"][0]) - s / 2, 2 * rx, s * layer.size)
            painter.drawImage(target, QImage(column.data, 1, column.shape[0], 4, QImage.Format_RGB32).copy())
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(target)


def _paint_text(painter: QPainter, scene: Scene) -> None:
    if scene.note:
        painter.setFont(scene.small)
        painter.setPen(NOTE_COLOR)
        painter.drawText(scene.note_rect, Qt.TextWordWrap | Qt.AlignLeft, scene.note)
    painter.setFont(scene.small)
    line = QFontMetricsF(scene.small).height()
    for rect, name, detail in scene.headers:
        painter.setPen(TEXT_COLOR)
        painter.drawText(QRectF(rect.x(), rect.y(), rect.width(), line), Qt.AlignHCenter | Qt.AlignTop, name)
        painter.setPen(MUTED_COLOR)
        painter.drawText(QRectF(rect.x(), rect.y() + line, rect.width(), line), Qt.AlignHCenter | Qt.AlignTop, detail)
    painter.setFont(scene.font)
    painter.setPen(TEXT_COLOR)
    for rect, text, align in scene.labels:
        painter.drawText(rect, align, text)


def _paint_legend(painter: QPainter, scene: Scene) -> None:
    painter.setFont(scene.small)
    fs = QFontMetricsF(scene.small)
    pens = edge_pens(max(scene.edge_scale, 0.6))  # as drawn, but never too thin to see
    for item in scene.legend:
        r = item.rect
        mid = r.center().y()
        x = r.x()
        painter.setPen(TEXT_COLOR)
        if item.before:
            painter.drawText(QRectF(x, r.y(), r.width(), r.height()), Qt.AlignLeft | Qt.AlignVCenter, item.before)
            x += fs.horizontalAdvance(item.before) + GAP
        sample = SAMPLE_WIDTH[item.kind]
        if item.kind == "sign":
            painter.setPen(_pen(_tint(POSITIVE if ">" in item.after else NEGATIVE, TINTS[-2]), WIDTHS[-2]))
            painter.drawLine(QPointF(x, mid), QPointF(x + sample, mid))
        elif item.kind == "width":
            for b in range(len(WIDTHS)):
                painter.setPen(pens[1, b])
                painter.drawLine(QPointF(x + 8 * b, mid), QPointF(x + 8 * b + 7, mid))
        else:
            bar = QRectF(x, mid - 5, sample, 10)
            if item.before:
                ramp = np.ascontiguousarray(LUT[np.linspace(0, 255, 64).astype(int)].reshape(1, -1))
                painter.drawImage(bar, QImage(ramp.data, ramp.shape[1], 1, 4 * ramp.shape[1],
                                              QImage.Format_ARGB32).copy())
            else:
                painter.fillRect(bar, NO_ACTIVATION)
            painter.setPen(OUTLINE)
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(bar)
        x += sample + GAP
        painter.setPen(TEXT_COLOR)
        painter.drawText(QRectF(x, r.y(), r.right() - x, r.height()), Qt.AlignLeft | Qt.AlignVCenter, item.after)
