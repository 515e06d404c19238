"""The output view: what the network computes over its inputs' ranges, in the data's own units.

With two or more inputs of numbers, the decision surface: ŷ over the plane of two chosen inputs, the
others held at chosen values, the table's rows drawn on top in their targets' colours (on the targets'
colour scale, so a dot that matches the surface under it is a row the network gets right). With one
input of numbers, ŷ against x (:class:`CurveView`). Either can be saved as a PNG or SVG picture.

Only columns of numbers are axes. A column of text labels is held at one of its labels, chosen from a
list (its most common label at first), never varied: there is no "colour 1.5" between red and blue. The
rows of other labels are drawn faint, since ŷ is not theirs.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QStackedWidget, QToolButton, QVBoxLayout, QWidget,
)

from ..app.drawing import Canvas, Drawing, DrawError
from ..core.fileio import SaveError, atomic_path
from ..core.naming import listed
from ..core.surface import Curve, CurveSpec, InputRanges, Surface, SurfaceSpec, rows_holding
from ..core.table import TrainingTable
from .curve_view import CurveView, data_units
from .draw_tool import DrawTool
from .training_points import VALIDATION_NOTE, draw_points, point_style, split_rows, validation_of

COLORMAP = "CET-D1"
MAX_FIXED_EDITORS = 6  # past this many other inputs, they are held at their means (or most common labels), no editors
EXPORT_MIN_WIDTH = 1200  # pixels: an exported PNG is at least this wide, whatever the window's size
EXPORT_SUFFIXES = (".png", ".svg")
DRAW_KEYS = "Ctrl+D"
DRAW_TOGGLE_STYLE = ("QToolButton { padding: 2px 8px; } "
                     "QToolButton:checked { background: #d7e8f8; border: 1px solid #1a5e9a; border-radius: 3px; }")
# in Draw mode, beside the class picker (the button's tooltip and the README say the rest: Delete, Esc, Ctrl+Z)
DRAW_HINT = "Click adds a point, Shift+click one of the other class; drag moves it; right-click removes it."
DRAW_HINT_XY = "Click adds a point (x, y); drag moves it; right-click removes it."


def view_title(table: TrainingTable) -> str:
    """The view's tab: ŷ(x) for a table with one input of numbers (text inputs held), else Surface."""
    return "ŷ(x)" if sum(lv is None for lv in table.input_levels) == 1 else "Surface"


def target_levels(targets: np.ndarray) -> tuple[float, float]:
    """The colour scale: the targets' own range (one colour per target value whatever ŷ does, so the
    scale holds still while training runs); a constant target gets a unit-wide scale around it."""
    low, high = float(targets.min()), float(targets.max())
    return (low, high) if high > low else (low - 0.5, high + 0.5)


class SurfaceView(QWidget):
    specChanged = Signal(object)  # SurfaceSpec, CurveSpec (one input), or None (no plane chosen)
    drawMessage = Signal(str)  # why a click in Draw mode changed nothing

    def __init__(self, parent=None):
        super().__init__(parent)
        self.x_combo, self.y_combo, self.out_combo = QComboBox(), QComboBox(), QComboBox()
        self.y_label, self.out_label = QLabel("y:"), QLabel("output:")
        for combo in (self.x_combo, self.y_combo, self.out_combo):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.fixed_box = QHBoxLayout()
        bar = QHBoxLayout()
        self.x_label = QLabel("x:")
        for label, w in ((self.x_label, self.x_combo), (self.y_label, self.y_combo), (self.out_label, self.out_combo)):
            bar.addWidget(label)
            bar.addWidget(w)
        bar.addStretch(1)
        self.draw_action = QAction("Draw data on the Surface tab", self)  # in the View menu too: Ctrl+D anywhere
        self.draw_action.setIconText("✎ Draw")  # on the view's button
        self.draw_action.setObjectName("drawModeAction")
        self.draw_action.setCheckable(True)
        self.draw_action.setShortcut(QKeySequence(DRAW_KEYS))
        self.draw_action.setToolTip(f"Draw data on the plot ({DRAW_KEYS}): a click adds a row of the chosen class "
                                    "(Shift+click: the other class), a drag moves a row, a right-click or Delete on "
                                    "one removes it, Ctrl+Z undoes; the wheel zooms; Esc stops drawing")
        # Esc leaves Draw mode (when the view has the focus, as after a click on the plot)
        self.stop_drawing = QShortcut(QKeySequence(Qt.Key_Escape), self, context=Qt.WidgetWithChildrenShortcut)
        self.stop_drawing.activated.connect(lambda: self.draw_action.setChecked(False))
        self.draw_toggle = QToolButton()
        self.draw_toggle.setObjectName("drawModeToggle")
        self.draw_toggle.setDefaultAction(self.draw_action)
        self.class_label = QLabel("class:")
        self.class_picker = QComboBox()  # editable: a new class's name, or a regression's value, can be typed
        self.class_picker.setObjectName("drawClassPicker")
        self.class_picker.setEditable(True)
        self.class_picker.setInsertPolicy(QComboBox.NoInsert)
        self.class_picker.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.class_picker.setMinimumContentsLength(4)
        self.class_picker.setToolTip("The class of a new point (type a name for a new class; Shift+click gives "
                                     "the other of two classes)")
        self.draw_toggle.setStyleSheet(DRAW_TOGGLE_STYLE)
        self.message = QLabel()
        self.message.setStyleSheet("color:#555")
        self.message.setWordWrap(True)
        self.draw_hint = QLabel()
        self.draw_hint.setObjectName("drawHint")
        self.draw_hint.setStyleSheet("color:#1a5e9a")
        self.draw_hint.setWordWrap(True)
        self.plot = pg.PlotWidget(background="w")
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        data_units(item)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get(COLORMAP))
        self.plot.addItem(self.image)
        self.points = pg.ScatterPlotItem()
        self.points.setZValue(5)
        self.plot.addItem(self.points)
        self.faint_points = pg.ScatterPlotItem()  # the rows of another label than a text input is held at
        self.faint_points.setZValue(4)
        self.plot.addItem(self.faint_points)
        self.bar = pg.ColorBarItem(values=(0, 1), colorMap=pg.colormap.get(COLORMAP), interactive=False, width=12)
        self.bar.setImageItem(self.image, insert_in=item)
        self.bar.axis.enableAutoSIPrefix(False)
        self.bar.axis.setWidth(None)  # as wide as its labels: "0.0015" would not fit the 45 px it comes with
        item.layout.setContentsMargins(1, 10, 1, 1)  # room for the colour bar's top label
        self.curve_view = CurveView()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.plot)
        self.stack.addWidget(self.curve_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        held = QHBoxLayout()  # the other inputs' values, on a row of their own: the tab fits a 1024 px window
        held.addLayout(self.fixed_box)
        held.addStretch(1)
        layout.addLayout(held)
        said = QHBoxLayout()  # what the view shows, and the Draw button: no wider than the choices above
        said.addWidget(self.message, 1)
        said.addWidget(self.draw_toggle, 0, Qt.AlignTop)
        layout.addLayout(said)
        drawing = QHBoxLayout()  # in Draw mode: the class of a new point, and what the mouse does
        drawing.addWidget(self.class_label, 0, Qt.AlignTop)
        drawing.addWidget(self.class_picker, 0, Qt.AlignTop)
        drawing.addWidget(self.draw_hint, 1)
        layout.addLayout(drawing)
        layout.addWidget(self.stack, 1)
        layout.addStretch(0)  # with no plot (no input of numbers), the note stays at the top
        self.table: TrainingTable | None = None
        self._fixed: list[QDoubleSpinBox | QComboBox] = []  # per input: its held value (a text column's: a label)
        self._fixed_labels: list[QLabel] = []
        self._ranges: InputRanges | None = None  # the table's input spans and held values, once per table
        self._points_for = None  # (table, x, y, output, held) the surface's dots were drawn for
        self.points_note = ""  # what the points rule did, as the message says it
        self.surface: Surface | None = None  # the decision surface shown, if any
        self.curve: Curve | None = None  # ŷ against x shown, if any
        for combo in (self.x_combo, self.y_combo, self.out_combo):
            combo.currentIndexChanged.connect(self._changed)
        self.drawing: Drawing | None = None
        self.tools = [DrawTool(view, self.draw_canvas, self.draw_target, lambda: self.drawing)
                      for view in (self.plot, self.curve_view)]
        for tool in self.tools:
            tool.message.connect(self.drawMessage)
        self.draw_action.toggled.connect(self._draw_mode)
        self._draw_mode(False)

    @property
    def axes(self) -> tuple[int, ...]:
        """The inputs that can be an axis (the columns of numbers), by their index among the inputs."""
        return self._ranges.axes if self._ranges is not None else ()

    @property
    def one_input(self) -> bool:
        """True when the table has one input of numbers: the view shows ŷ against it instead of a surface
        (any text inputs held at a label)."""
        return self.table is not None and len(self.axes) == 1

    @property
    def text_inputs(self) -> tuple[str, ...]:
        """The names of the input columns of text labels: held, never axes."""
        if self.table is None:
            return ()
        return tuple(name for name, lv in zip(self.table.input_columns, self.table.input_levels) if lv is not None)

    def held_values(self, spec: SurfaceSpec | CurveSpec | None = None) -> dict[str, float | str]:
        """Each input that is not an axis now, and the value it is held at (a text column's: its label);
        ``spec``: the view's, when the caller has it already."""
        spec = spec or self.spec()
        if spec is None:
            return {}
        varying = (spec.x_input,) if isinstance(spec, CurveSpec) else (spec.x_input, spec.y_input)
        return {name: value for i, (name, value) in enumerate(zip(self.table.input_columns, spec.fixed))
                if i not in varying}

    # -- Draw mode -----------------------------------------------------------------------------------------
    def set_drawing(self, drawing: Drawing) -> None:
        """What turns clicks in Draw mode into table edits (the window's, over its table document)."""
        self.drawing = drawing

    def draw_canvas(self) -> Canvas:
        """What the plot in view shows, as the table's columns now; DrawError says why points can't be drawn."""
        t, spec = self.table, self.spec()
        if t is None or self.drawing is None:
            raise DrawError("there is no table to draw on yet")
        if not self.axes:
            raise DrawError("points are placed by their numbers, and every input holds text labels")
        if isinstance(spec, CurveSpec):
            return self.drawing.canvas(t.input_columns[spec.x_input], None, self.held_values(spec))
        if not isinstance(spec, SurfaceSpec):
            raise DrawError("choose two different inputs for x and y")
        return self.drawing.canvas(t.input_columns[spec.x_input], t.input_columns[spec.y_input],
                                   self.held_values(spec))

    def draw_target(self, shift: bool = False) -> str:
        """The class (or value) a new point gets: the one chosen, or with Shift the other of two classes."""
        chosen = self.class_picker.currentText().strip()
        if shift:
            try:
                return self.draw_canvas().other_class(chosen) or chosen
            except DrawError:
                return chosen
        return chosen

    def refresh_classes(self) -> None:
        """The class picker lists the target's classes as the table holds them now (a class typed stays)."""
        try:
            canvas = self.draw_canvas()
        except DrawError as exc:
            self.class_label.hide()
            self.class_picker.hide()
            self.draw_hint.setText(f"Can't draw here: {exc}." if self.draw_action.isChecked() else "")
            return
        typed = self.class_picker.currentText().strip()
        classes = list(canvas.classes)
        if [self.class_picker.itemText(i) for i in range(self.class_picker.count())] != classes:
            self.class_picker.blockSignals(True)
            self.class_picker.clear()
            self.class_picker.addItems(classes)
            self.class_picker.blockSignals(False)
        self.class_picker.setCurrentText(typed or self.drawing.default_target(canvas))
        by_class = canvas.by_class and self.draw_action.isChecked()
        self.class_label.setText("class:" if canvas.classes else "value:")
        self.class_label.setVisible(by_class)
        self.class_picker.setVisible(by_class)
        if self.draw_action.isChecked():
            self.draw_hint.setText(DRAW_HINT if canvas.by_class else DRAW_HINT_XY)

    def _draw_mode(self, on: bool) -> None:
        for tool in self.tools:
            tool.set_active(on)
        self.draw_hint.setVisible(on)
        if on:
            self.refresh_classes()
        else:
            self.class_label.hide()
            self.class_picker.hide()

    def set_table(self, table: TrainingTable) -> None:
        """A new table: choose its first two inputs of numbers (or its only one), hold the rest at their
        means, and each text input at its most common label."""
        ranges = InputRanges.of(table.X, table.input_levels)
        same_columns = self.table is not None and (self.table.columns, self.table.roles, self.axes) == (
            table.columns, table.roles, ranges.axes)
        self.table, self._ranges = table, ranges  # together: spec() reads both
        if same_columns:  # same columns, new values: same choices, new ranges (and a text input's labels now)
            self._relist_labels()
            self._changed()
            return
        self.surface, self.curve = None, None
        for tool in self.tools:
            tool.fit_view()  # a new canvas: the plots fit it until drawing starts
        self.image.clear()
        self.points.clear()
        self.faint_points.clear()
        self._points_for = None
        self.curve_view.set_curve(None)
        for w in (self.y_label, self.y_combo, self.out_label, self.out_combo):
            w.setVisible(len(self.axes) >= 2)  # one input: every output is drawn against it
        self.x_combo.setVisible(bool(self.axes))
        self.x_label.setVisible(bool(self.axes))
        inputs = table.input_columns
        for combo, items in ((self.x_combo, [(inputs[i], i) for i in self.axes]),
                             (self.y_combo, [(inputs[i], i) for i in self.axes]),
                             (self.out_combo, [(name, k) for k, name in enumerate(table.target_columns)])):
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            combo.blockSignals(False)
        self.y_combo.setCurrentIndex(min(1, self.y_combo.count() - 1))
        texts = self.text_inputs
        tip = (f"Only inputs of numbers can be axes: {listed(texts)} {'holds' if len(texts) == 1 else 'hold'} text "
               "labels, held at the label chosen below" if texts else "")
        for combo in (self.x_combo, self.y_combo):
            combo.setToolTip(tip)
        while self.fixed_box.count():
            w = self.fixed_box.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self._fixed, self._fixed_labels = [], []
        self.stack.setVisible(bool(self.axes))  # no input of numbers: no axis to draw along, only the note
        if self.axes and len(inputs) - min(len(self.axes), 2) <= MAX_FIXED_EDITORS:
            self._add_held_editors()
        self._changed()
        # after the curve view has its rows (and its legend's room): shown, it lays itself out with them
        self.stack.setCurrentWidget(self.curve_view if self.one_input else self.plot)

    def _add_held_editors(self) -> None:
        """An editor per input for the value it is held at (hidden while it is an axis): a number box, or
        for a text column the list of its labels, the most common chosen."""
        for name, held, labels in zip(self.table.input_columns, self._ranges.held, self._ranges.labels):
            label = QLabel(f"{name} =")
            if labels is None:
                box = QDoubleSpinBox()
                box.setMaximumWidth(80)
                box.setDecimals(3)
                box.setRange(-1e6, 1e6)
                box.setValue(float(held))
                box.setToolTip(f"{name} is held at this value while the other two vary")
                box.valueChanged.connect(self._changed)
            else:
                box = QComboBox()
                box.setSizeAdjustPolicy(QComboBox.AdjustToContents)
                box.addItems(list(labels))
                box.setCurrentText(held)
                box.setToolTip(f"{name} holds text labels: ŷ is drawn for the one chosen here (at first the most "
                               "common); the rows of other labels are faint")
                box.currentIndexChanged.connect(self._changed)
            box.setObjectName(f"held:{name}")  # what a test (or a user's script) finds it by
            self.fixed_box.addWidget(label)
            self.fixed_box.addWidget(box)
            self._fixed.append(box)
            self._fixed_labels.append(label)

    def _relist_labels(self) -> None:
        """Each text input's list of labels as the table holds them now; the label chosen stays while it is
        one of them, else the most common is chosen."""
        for box, held, labels in zip(self._fixed, self._ranges.held, self._ranges.labels):
            if labels is None or [box.itemText(i) for i in range(box.count())] == list(labels):
                continue
            chosen = box.currentText()
            box.blockSignals(True)
            box.clear()
            box.addItems(list(labels))
            box.setCurrentText(chosen if chosen in labels else held)
            box.blockSignals(False)

    def spec(self) -> SurfaceSpec | CurveSpec | None:
        t = self.table
        if t is None or not self.axes:
            return None
        fixed = (tuple(box.currentText() if isinstance(box, QComboBox) else box.value() for box in self._fixed)
                 if self._fixed else None)  # None: the held values (means, most common labels)
        if self.one_input:
            return self._ranges.curve_spec(self.axes[0], fixed=fixed)
        xi, yi = self.x_combo.currentData(), self.y_combo.currentData()
        if xi is None or yi is None or xi == yi:
            return None
        return self._ranges.spec(xi, yi, max(self.out_combo.currentIndex(), 0), fixed=fixed)

    def _changed(self, *_):
        spec = self.spec()
        t = self.table
        if isinstance(spec, CurveSpec):
            varying = (spec.x_input,)
        else:  # the plane's two axes, as chosen (the same input twice: no plane yet)
            varying = (self.x_combo.currentData(), self.y_combo.currentData()) if len(self.axes) >= 2 else ()
        for i, (box, label) in enumerate(zip(self._fixed, self._fixed_labels)):  # the varying inputs' are not used
            box.setEnabled(i not in varying)
            box.setVisible(i not in varying)
            label.setVisible(i not in varying)
        if t is None:
            self.message.setText("")
        elif not self.axes:
            self.message.setText(f"Every input holds text labels ({listed(t.input_columns)}): there is no number "
                                 "to draw ŷ along. The Predictions table shows ŷ for each row.")
            self.image.clear()
            self.points.clear()
            self.faint_points.clear()
            self._points_for = None
        elif self.one_input:
            x = t.input_columns[spec.x_input]
            keep = self._rows_kept(spec)
            self.curve_view.set_table(t, spec.x_input, keep)
            several = "One colour per target." if len(t.target_columns) > 1 else ""
            if keep is None:
                said = f"ŷ against {x}, a little beyond the table's range; dots are its rows."
            else:
                held = self._held_text(spec)
                said = (f"ŷ against {x} for {held}, a little beyond the table's range; dots are its rows with {held}, "
                        "the others faint.")
            self.message.setText(_sentences(said, several, self.curve_view.note, self._labels_note()))
        elif spec is None:
            self.message.setText(_sentences("Choose two different inputs for x and y.", self._labels_note()))
            self.image.clear()
            self.points.clear()
            self.faint_points.clear()
            self._points_for = None
        else:
            item = self.plot.getPlotItem()
            item.setLabel("bottom", t.input_columns[spec.x_input])
            item.setLabel("left", t.input_columns[spec.y_input])
            self._draw_points(spec)
            held = "" if self._fixed or len(t.input_columns) == 2 else (
                "The other inputs are held at their means" + (", text labels at the most common." if self.text_inputs
                                                              else "."))
            over = f"ŷ of {t.target_columns[spec.output]} over {t.input_columns[spec.x_input]} and " \
                   f"{t.input_columns[spec.y_input]}"
            if self.text_inputs:
                labels = self._held_text(spec)
                said = _sentences(f"{over} for {labels}.", f"Rows with {labels} are dots in their target's colour, "
                                  "the others faint.", self.points_note)
            else:
                said = _sentences(f"{over}.", self.points_note or "Rows are dots in their target's colour.")
            self.message.setText(_sentences(said, held, self._labels_note()))
        if self.draw_action.isChecked():
            self.refresh_classes()  # the classes, or whether points can be drawn at all, may have changed
        self.specChanged.emit(spec)

    def _held_text(self, spec: SurfaceSpec | CurveSpec) -> str:
        """The text inputs' held labels, as the message says them: "colour = red"."""
        t = self.table
        return ", ".join(f"{name} = {value}" for name, value, lv in zip(t.input_columns, spec.fixed, t.input_levels)
                         if lv is not None)

    def _labels_note(self) -> str:
        """Why a text input is no axis, and where its label is chosen ("" when there is none, or no list)."""
        texts = self.text_inputs
        if not texts or not self._fixed:
            return ""
        one = len(texts) == 1
        choose = "holds labels: choose its label" if one else "hold labels: choose their labels"
        return f"{listed(texts)} {choose} above."

    def _rows_kept(self, spec: SurfaceSpec | CurveSpec) -> np.ndarray | None:
        """The rows holding the text inputs' held labels (None: every row, when no text input is held)."""
        t = self.table
        if not self.text_inputs:
            return None
        return rows_holding(t.X, t.input_levels, spec.fixed)

    def _draw_points(self, spec: SurfaceSpec) -> None:
        """The rows over the surface: drawn again only when the table or the plane changes, not per frame."""
        t = self.table
        held = tuple(v for v, lv in zip(spec.fixed, t.input_levels) if lv is not None)
        key = (t, spec.x_input, spec.y_input, spec.output, held)  # (a new marking of rows is a new table)
        if self._points_for == key:
            return
        self._points_for = key
        style = point_style(t.n_rows)
        marked = validation_of(t, style) is not None
        self.points_note = _sentences(style.note, VALIDATION_NOTE) if marked else style.note
        targets = t.y[:, spec.output]
        low, high = target_levels(targets)
        for item, rows in zip((self.points, self.faint_points), split_rows(style, self._rows_kept(spec))):
            shade = (targets[rows.rows] - low) / (high - low)
            colors = pg.colormap.get(COLORMAP).map(shade, mode="byte")
            draw_points(item, t.X[rows.rows, spec.x_input], t.X[rows.rows, spec.y_input], rows, colors,
                        validation_of(t, rows))
        self.bar.setLevels((low, high))

    def set_surface(self, shown: Surface | Curve | None, table: TrainingTable) -> None:
        """Show what the worker computed for :meth:`spec` (None: nothing yet, or no plane chosen)."""
        if table is not self.table:
            self.set_table(table)
        elif shown is not None and shown is (self.curve if self.one_input else self.surface):
            return  # the worker sends the surface it has until it computes the next: it is on screen
        if not self.axes:
            self.surface = self.curve = None
            return
        if self.one_input:
            self.curve = shown if isinstance(shown, Curve) else None
            self.curve_view.set_curve(self.curve)
            return
        self.surface = shown if isinstance(shown, Surface) else None
        if self.surface is None:
            self.image.clear()
            return
        s = self.surface.spec
        self._draw_points(s)
        levels = target_levels(table.y[:, s.output])
        self.image.setImage(self.surface.values, autoLevels=False, levels=levels)
        self.image.setRect(QRectF(s.x_range[0], s.y_range[0], s.x_range[1] - s.x_range[0], s.y_range[1] - s.y_range[0]))

    def shown_plot(self) -> pg.PlotItem:
        """The plot in view: the surface with its colour bar, or ŷ against x."""
        return (self.curve_view if self.one_input else self.plot).getPlotItem()

    def export(self, path) -> None:
        """Save the plot in view as a PNG or SVG picture, written atomically: the old file, if any, stays
        whole until the new one is complete. Raises ValueError for another kind of file name, SaveError
        when it cannot be written."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in EXPORT_SUFFIXES:
            raise ValueError(f"{path.name}: a picture is saved as .png or .svg")
        if self.table is not None and not self.axes:
            raise ValueError("there is no plot to save: every input holds text labels, so ŷ has no axis here")
        from pyqtgraph.exporters import ImageExporter, SVGExporter

        item = self.shown_plot()
        with atomic_path(path) as tmp:
            if suffix == ".svg":
                SVGExporter(item).export(str(tmp))
            else:
                exporter = ImageExporter(item)
                exporter.parameters()["width"] = max(EXPORT_MIN_WIDTH, int(item.boundingRect().width()))
                if exporter.export(str(tmp)) is False:
                    raise SaveError(f"cannot save {path.name}: the picture could not be written")
            if tmp.stat().st_size == 0:
                raise SaveError(f"cannot save {path.name}: the picture came out empty")


def _sentences(*parts: str) -> str:
    """The parts that say something, one space apart."""
    return " ".join(p for p in parts if p)
