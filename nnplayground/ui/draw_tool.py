"""Draw mode on one plot: the mouse and the keys in, table edits out (through :mod:`nnplayground.app.drawing`).

A left click adds a point of the chosen class (with Shift, the other of two classes), on top of another
point too; a left drag that starts on a point moves it (one edit, on release; Esc cancels); a right
click on a point, or Delete while the pointer is on one, removes it. The wheel still zooms. Outside
Draw mode the plot is left alone.
The cursor says what a click will do: a cross to add, an open hand over a point, a closed one dragging.
"""
from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal

from ..app.drawing import MOVED, Canvas, Drawing, DrawError, PixelMap
from ..core.table import TableError


def pixel_map(plot: pg.PlotWidget) -> PixelMap:
    """How the plot maps its data to the pixels of its viewport, as Qt lays it out now."""
    vb, to_view = plot.getPlotItem().getViewBox(), plot.viewportTransform()
    p0, p1 = (to_view.map(vb.mapViewToScene(QPointF(v, v))) for v in (0.0, 1.0))
    return PixelMap(p1.x() - p0.x(), p0.x(), p1.y() - p0.y(), p0.y())


def data_point(plot: pg.PlotWidget, position: QPointF) -> QPointF | None:
    """The data coordinates under ``position`` (viewport pixels), or None outside the plotting area."""
    vb = plot.getPlotItem().getViewBox()
    scene = plot.viewportTransform().inverted()[0].map(position)
    return vb.mapSceneToView(scene) if vb.sceneBoundingRect().contains(scene) else None


class DrawTool(QObject):
    """``canvas()`` says what the plot shows (raising DrawError where points can't be drawn); ``target(shift)``
    is the class or value a new point gets; ``drawing()`` makes the edits."""

    message = Signal(str)  # why a click changed nothing

    def __init__(self, plot: pg.PlotWidget, canvas: Callable[[], Canvas], target: Callable[[bool], str],
                 drawing: Callable[[], Drawing | None]):
        super().__init__(plot)
        self.plot, self._canvas, self._target, self._drawing = plot, canvas, target, drawing
        self.active = False
        self._drag: tuple[int, Canvas, QPointF, bool] | None = None  # row, its canvas, where the press was, Shift
        self._hover: int | None = None  # the row under the pointer
        self.ghost = pg.ScatterPlotItem(size=14, pen=pg.mkPen("k", width=2), brush=pg.mkBrush(255, 255, 255, 120))
        self.ghost.setZValue(20)
        self.ghost.hide()
        plot.getPlotItem().addItem(self.ghost, ignoreBounds=True)
        plot.viewport().installEventFilter(self)
        plot.installEventFilter(self)

    def set_active(self, on: bool) -> None:
        self.active = on
        self._cancel_drag()
        self._hover = None
        if on:
            self.plot.viewport().setCursor(Qt.CrossCursor)
            self.plot.setFocusPolicy(Qt.ClickFocus)
        else:
            self.plot.viewport().unsetCursor()
            self.fit_view()

    def fit_view(self) -> None:
        """Let the plot follow its data again (a new table, or Draw mode off). From the first press in Draw
        mode the plot holds still: a point drawn past the table's range must not move the canvas under the
        pointer (the wheel still zooms out)."""
        self.plot.getPlotItem().getViewBox().enableAutoRange()

    # -- events -----------------------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        if not self.active:
            return False
        kind = event.type()
        if kind == QEvent.MouseButtonPress:
            self.plot.setFocus(Qt.MouseFocusReason)
            self._press(event)
            return True
        if kind == QEvent.MouseButtonDblClick:  # its first press was a click already
            return True
        if kind == QEvent.MouseMove:
            self._move(event.position())
            return self._drag is not None
        if kind == QEvent.MouseButtonRelease:
            self._release(event.position())
            return True
        if kind == QEvent.KeyPress and watched is self.plot:
            if event.key() == Qt.Key_Escape and self._drag is not None:
                self._cancel_drag()
                return True
            if event.key() in (Qt.Key_Delete, Qt.Key_Backspace) and self._hover is not None:
                self._edit(lambda d, _c: d.remove(self._hover))
                self._hover = None
                return True
        if kind == QEvent.Leave:
            self._hover = None
        return False

    def _press(self, event) -> None:
        at = data_point(self.plot, event.position())
        if at is None or self._drag is not None:
            return
        self.plot.getPlotItem().getViewBox().disableAutoRange()
        canvas, drawing = self._current()
        if canvas is None:
            return
        pixels = pixel_map(self.plot)
        row = drawing.hit(canvas, pixels, (event.position().x(), event.position().y()))
        if event.button() == Qt.RightButton:
            if row is not None:
                self._edit(lambda d, _c: d.remove(row))
        elif event.button() == Qt.LeftButton:
            shift = bool(event.modifiers() & Qt.ShiftModifier)
            if row is not None:  # a drag, or (released where it was pressed) a click that adds a point
                self._drag = (row, canvas, QPointF(event.position()), shift)
                x, y = drawing.positions(canvas)[row]
                self.ghost.setData([x], [y])
                self.ghost.show()
                self.plot.viewport().setCursor(Qt.ClosedHandCursor)
            else:
                self._add(at, shift, pixels)

    def _move(self, position: QPointF) -> None:
        if self._drag is not None:
            at = data_point(self.plot, position)
            if at is not None:
                row, canvas, *_ = self._drag
                x, y = at.x(), at.y()
                if canvas.y_is_target and canvas.by_class:  # a class stays at its height
                    y = float(self._drawing().positions(canvas)[row][1])
                self.ghost.setData([x], [y])
            return
        canvas, drawing = self._current(quiet=True)
        row = None
        if canvas is not None and data_point(self.plot, position) is not None:
            row = drawing.hit(canvas, pixel_map(self.plot), (position.x(), position.y()))
        self._hover = row
        self.plot.viewport().setCursor(Qt.OpenHandCursor if row is not None else Qt.CrossCursor)

    def _release(self, position: QPointF) -> None:
        if self._drag is None:
            return
        row, canvas, start, shift = self._drag
        self._cancel_drag()
        moved = QPointF(position - start)
        pixels = pixel_map(self.plot)
        if (moved.x() ** 2 + moved.y() ** 2) ** 0.5 <= MOVED:  # a click on a point: one more point there
            at = data_point(self.plot, start)
            if at is not None:
                self._add(at, shift, pixels)
            return
        at = data_point(self.plot, position)
        if at is not None:  # (dropped outside the plot: nothing changes)
            self._edit(lambda d, _c: d.move(canvas, row, at.x(), at.y(), pixels))

    # -- helpers ----------------------------------------------------------------------------------------
    def _add(self, at: QPointF, shift: bool, pixels: PixelMap) -> None:
        self._edit(lambda d, c: d.add(c, at.x(), at.y(), self._target(shift), pixels))

    def _current(self, quiet: bool = False) -> tuple[Canvas | None, Drawing | None]:
        drawing = self._drawing()
        if drawing is None:
            return None, None
        try:
            return self._canvas(), drawing
        except DrawError as exc:
            if not quiet:
                self.message.emit(f"Can't draw here: {exc}")
            return None, None

    def _edit(self, change: Callable[[Drawing, Canvas], object]) -> None:
        canvas, drawing = self._current()
        if canvas is None:
            return
        try:
            change(drawing, canvas)
        except (DrawError, TableError, IndexError) as exc:
            self.message.emit(f"Can't draw here: {exc}")

    def _cancel_drag(self) -> None:
        self._drag = None
        self.ghost.hide()
        if self.active:
            self.plot.viewport().setCursor(Qt.CrossCursor)
