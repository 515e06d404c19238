"""A line that grows at its end, drawn on screen without stroking again what it already drew.

Stroking a 2-pixel antialiased line through a couple of thousand points costs Qt ~5 ms, every frame,
although a running loss curve only gains a few points at its end. :class:`GrowingCurve` keeps a
picture of the line in the view's pixels, column by column: once BATCH_PIXELS more columns can no
longer change (their points are final), it strokes them into the picture; each frame shows the
picture and strokes the columns right of it. Every column is drawn once, clipped, by a path holding
all the points whose stroke reaches it, so the pieces meet without a seam: the result is the same,
pixel for pixel, as stroking the whole line at once. It checks what it was given rather than trusting
a protocol: any change to the points behind the picture, or a new range, size or pen, starts the
picture afresh. Files (PNG, SVG), and lines that do not run left to right, are drawn whole. Each curve
keeps its own picture, so a plot may hold several.

While the line stays inside the view, its bounds are the view's, so new points change no geometry:
only the rectangle around the points that changed is repainted (and sent to the screen), not the
whole plot.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QImage, QPainter

LIVE_POINTS = 2  # always stroked afresh: a loss envelope's last block (its min and max) is still filling
BATCH_PIXELS = 16  # columns join the picture this many at a time (the rest is stroked every frame)


def _inside(x, y, rect) -> bool:
    """Do the points (x, y) lie inside ``rect``? (No, if any is NaN: the caller repaints everything.)"""
    if x is None or y is None or len(x) == 0:
        return True
    return rect.left() <= x.min() and x.max() <= rect.right() and rect.top() <= y.min() and y.max() <= rect.bottom()


class GrowingCurve(pg.PlotCurveItem):
    """A :class:`pyqtgraph.PlotCurveItem` (same data, pen and bounds) painted incrementally on screen."""

    def __init__(self, *args, **kwargs):
        self._quiet = False  # inside updateData, when only the changed points need repainting
        self._in_view = False  # the points lie inside the view
        super().__init__(*args, **kwargs)
        self._picture: QImage | None = None
        self._key = None  # what the picture was drawn for: the view's transform and size, the pen
        self._kept = 0  # the points the picture was drawn from (they must not change)
        self._edge: int | None = None  # the picture holds the line's pixel columns left of this one
        self._kept_x = self._kept_y = np.empty(0)
        self.fresh_pictures = 0  # times the picture was started afresh (for tests and benchmarks)

    # -- what a change repaints ------------------------------------------------------------------------
    def viewTransformChanged(self):
        self._cachedView = None  # (PlotCurveItem's override leaves pyqtgraph's cached view rectangle stale)
        self._in_view = False  # not known for the new view: the next change repaints everything
        super().viewTransformChanged()

    def boundingRect(self):
        """The data's bounds, and the view's: a line growing inside the view never changes them."""
        rect = super().boundingRect()
        view = self.viewRect()
        if view is None:
            return rect
        return view if rect.isNull() else rect.united(view)

    def updateData(self, *args, **kwargs):
        old_x, old_y = self.xData, self.yData
        view = self.viewRect()
        self._quiet = view is not None and self._in_view
        try:
            super().updateData(*args, **kwargs)  # (calls prepareGeometryChange and update: quiet, they wait)
            self._in_view = view is not None and _inside(self.xData, self.yData, view)
            self._quiet = self._quiet and self._in_view
        finally:
            quiet, self._quiet = self._quiet, False
        changed = self._changed_rect(old_x, old_y) if quiet else None
        if changed is None:
            super().prepareGeometryChange()
            super().update()
        elif not changed.isEmpty():
            super().update(changed)

    def prepareGeometryChange(self):
        if not getattr(self, "_quiet", False):
            super().prepareGeometryChange()

    def update(self, *args):
        if args or not getattr(self, "_quiet", False):
            super().update(*args)

    def _changed_rect(self, old_x, old_y):
        """The rectangle (item coordinates) around the points that differ between the old line and the new,
        and their neighbours, padded by the pen; None for the whole item."""
        x, y = self.xData, self.yData
        if old_x is None or old_y is None:
            return None
        m = min(len(old_x), len(x))
        differ = np.flatnonzero((old_x[:m] != x[:m]) | (old_y[:m] != y[:m]))
        first = int(differ[0]) if differ.size else m
        if first == len(x) == len(old_x):
            return QRectF()
        start = max(first - 1, 0)
        xs = np.concatenate([old_x[start:], x[start:]])
        ys = np.concatenate([old_y[start:], y[start:]])
        finite = np.isfinite(xs) & np.isfinite(ys)
        if not finite.any():
            return QRectF()
        px, py = self.pixelVectors()
        if px is None or py is None:
            return None
        pad = self.opts["pen"].widthF() + 2  # pixels: the pen and its antialiased edge
        wx, wy = pad * px.length(), pad * py.length()
        xs, ys = xs[finite], ys[finite]
        return QRectF(QPointF(xs.min() - wx, ys.min() - wy), QPointF(xs.max() + wx, ys.max() + wy))

    # -- painting -------------------------------------------------------------------------------------
    def paint(self, p, opt, widget):
        x = self.xData
        device = p.device()
        ratio = device.devicePixelRatioF()
        transform = p.transform()
        cols = None if x is None else x * transform.m11() + transform.m31()  # each point's pixel column
        if (widget is None or self._exportOpts is not False or x is None or len(x) == 0 or ratio != round(ratio)
                or self.opts["fillLevel"] is not None or self.opts["stepMode"] or transform.m21() != 0
                or transform.m12() != 0 or transform.m11() <= 0 or not np.isfinite(cols).all()
                or (len(cols) > 1 and (np.diff(cols) < 0).any())):
            # a file, or a case this does not draw: a line that does not go left to right, a fractional pixel
            # ratio (it would blur the picture)
            super().paint(p, opt, widget)
            return
        pen = self.opts["pen"]
        key = (tuple(transform.map(QPointF(*corner)).toTuple() for corner in ((0, 0), (1, 0), (0, 1))),
               device.width(), device.height(), ratio, pen.color().rgba(), pen.widthF(), pen.isCosmetic(),
               pen.capStyle(), pen.joinStyle(), self.opts["antialias"], str(self.opts["connect"]))
        if key != self._key or not self._still_kept():
            self._start_picture(key, device.width(), device.height(), ratio)
        reach = pen.widthF() + 2  # pixels a point's stroke (and its antialiased edge) may reach sideways
        stable = len(x) - LIVE_POINTS
        if stable > 0:
            # columns left of here are drawn from points that no longer change
            edge = math.floor(cols[stable - 1] - reach)
            if edge - (self._edge if self._edge is not None else -math.inf) >= BATCH_PIXELS:
                painter = QPainter(self._picture)
                self._stroke_columns(painter, transform, cols, self._edge, edge, reach, stable, device.height())
                painter.end()
                self._edge = edge
                self._kept = stable
                self._kept_x, self._kept_y = x[:stable].copy(), self.yData[:stable].copy()
        p.save()
        p.resetTransform()
        p.drawImage(0, 0, self._picture)
        self._stroke_columns(p, transform, cols, self._edge, None, reach, len(x), device.height())
        p.restore()

    def _stroke_columns(self, painter: QPainter, transform, cols, left, right, reach, end, height) -> None:
        """Stroke the line's pixel columns ``left`` … ``right`` (None: the view's edge) with every point whose
        stroke reaches them (of the first ``end``): each column is drawn once, by one path holding all the
        points that shape it, so pieces drawn at different times meet without a seam."""
        start = 0 if left is None else max(int(np.searchsorted(cols[:end], left - reach)) - 1, 0)
        stop = end if right is None else min(int(np.searchsorted(cols[:end], right + reach, side="right")) + 1, end)
        lo = -(2 ** 20) if left is None else left
        hi = 2 ** 20 if right is None else right
        painter.save()
        painter.resetTransform()
        painter.setClipRect(QRect(lo, -1, hi - lo, height + 2), Qt.IntersectClip)
        painter.setTransform(transform)
        self._stroke(painter, start, stop)
        painter.restore()

    def _still_kept(self) -> bool:
        """Are the points in the picture still the first points of the curve?"""
        k = self._kept
        return len(self.xData) >= k and np.array_equal(self.xData[:k], self._kept_x) and np.array_equal(
            self.yData[:k], self._kept_y)

    def _start_picture(self, key, width: int, height: int, ratio: float) -> None:
        if self._picture is None or self._key is None or self._key[1:4] != key[1:4]:
            self._picture = QImage(int(width * ratio), int(height * ratio), QImage.Format_ARGB32_Premultiplied)
            self._picture.setDevicePixelRatio(ratio)
        self._picture.fill(Qt.transparent)
        self._key = key
        self._kept, self._kept_x, self._kept_y = 0, np.empty(0), np.empty(0)
        self._edge = None  # the picture holds the line's pixel columns left of this one
        self.fresh_pictures += 1

    def _stroke(self, painter: QPainter, start: int, end: int) -> None:
        """The line through points ``start`` … ``end - 1``, stroked as PlotCurveItem strokes it."""
        if end - start < 2:
            return
        connect = self.opts["connect"]
        if not isinstance(connect, str):
            connect = connect[start:end]
        painter.setRenderHint(QPainter.Antialiasing, bool(self.opts["antialias"]))
        painter.setPen(self.opts["pen"])
        painter.setBrush(Qt.NoBrush)
        painter.drawPath(pg.arrayToQPath(self.xData[start:end], self.yData[start:end], connect=connect,
                                         finiteCheck=not self.opts["skipFiniteCheck"]))
