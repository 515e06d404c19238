"""The weight and gradient heatmaps stay readable for any depth and width: geometry, not only data.

The window tests run at 1366×768 (the offscreen window gets that size; the heatmaps then get the
same 338×321 px as under a real X server at that size).
"""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QWheelEvent
from PySide6.QtWidgets import QApplication, QCheckBox

from nnplayground.ui.axes import format_number_for_display, tick_label_rects
from nnplayground.ui.heatmap_layout import CELL_MIN, Chrome, label_step, lay_out, short_name
from nnplayground.ui.heatmaps import WeightHeatmaps, steady_limit, symmetric_limit, unit_names
from nnplayground.ui.loss_plot import nice_ceiling

from .conftest import at_iteration

NETWORKS = ["8, 4", "32, 32, 32"]


def trained_one_iteration(window, qtbot, hidden: str) -> WeightHeatmaps:
    """The window at 1366×768 with ``hidden`` layers after one iteration, every gradient shown."""
    window.resize(1366, 768)
    window.settings.hidden.setText(hidden)  # nothing trained yet: applies at once
    sizes = [3, *map(int, hidden.split(",")), 1]
    shapes = list(zip(sizes[:-1], sizes[1:]))
    qtbot.waitUntil(lambda: [w.shape for w in window.last_update.snapshot.weights] == shapes, timeout=5000)
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 1), timeout=5000)
    h = window.heatmaps
    grads = window.last_update.snapshot.gradients
    qtbot.waitUntil(lambda: len(h.gradient_images) == len(grads)
                    and all(np.array_equal(i.image, g) for i, g in zip(h.gradient_images, grads)), timeout=5000)
    QApplication.processEvents()
    return h


def every_plot(h: WeightHeatmaps):
    return [m for which in ("value", "gradient") for m in h.plots[which]]


def labels_in_scene(axis) -> list[tuple[QRectF, str]]:
    """Every tick label ``axis`` draws, as (rectangle its text covers in scene coordinates, text)."""
    image = QImage(10, 10, QImage.Format_ARGB32)
    painter = QPainter(image)
    if axis.style["tickFont"] is not None:
        painter.setFont(axis.style["tickFont"])
    try:
        return [(axis.mapRectToScene(rect), text) for rect, text in tick_label_rects(axis, painter)]
    finally:
        painter.end()


def plot_labels(m) -> dict[str, list[tuple[QRectF, str]]]:
    return {"left": labels_in_scene(m.plot.getAxis("left")), "bottom": labels_in_scene(m.plot.getAxis("bottom")),
            "bar": labels_in_scene(m.bar.axis)}


def assert_disjoint(labels):
    for a in range(len(labels)):
        for b in range(a + 1, len(labels)):
            (ra, ta), (rb, tb) = labels[a], labels[b]
            assert not ra.intersects(rb), f"{ta!r} at {ra} overlaps {tb!r} at {rb}"


def contains(outer: QRectF, inner: QRectF, tolerance: float = 0.5) -> bool:
    return outer.adjusted(-tolerance, -tolerance, tolerance, tolerance).contains(inner)


# -- in the window --------------------------------------------------------------------------------
@pytest.mark.parametrize("hidden", NETWORKS)
def test_every_heatmap_and_colour_bar_lies_inside_the_scrollable_area(window, qtbot, hidden):
    h = trained_one_iteration(window, qtbot, hidden)
    assert h.isVisible() and h.width() >= 300 and h.height() >= 250  # what the window gives it at 1366×768
    scroll, view = h.scroll, h.view
    assert scroll.widget() is view
    canvas = h.export_item().sceneBoundingRect()
    assert canvas == QRectF(0, 0, view.width(), view.height())  # what scrolls is what is drawn, and exported
    # the scroll bars reach every pixel of it, and only sideways if it is wider than the view
    assert scroll.verticalScrollBar().maximum() == max(0, view.height() - scroll.viewport().height())
    assert scroll.horizontalScrollBar().maximum() == max(0, view.width() - scroll.viewport().width()) == 0
    plots = every_plot(h)
    assert len(plots) == 2 * (len(hidden.split(",")) + 1)
    for m in plots:
        panel = m.plot.sceneBoundingRect()
        assert contains(canvas, panel), (m.which, m.layer, panel, canvas)
        # the whole matrix is drawn: its picture fills the plot's view box, nothing cut off
        assert contains(m.plot.getViewBox().sceneBoundingRect(), m.matrix.sceneBoundingRect())
        picture = m.matrix.sceneBoundingRect()
        assert picture.width() / m.cols >= CELL_MIN and picture.height() / m.rows >= CELL_MIN
        # its colour bar is beside it, whole, with both end labels inside the panel
        bar = m.bar.sceneBoundingRect()
        assert contains(panel, bar) and bar.left() >= picture.right()
        assert bar.top() <= picture.top() + 1 and bar.bottom() >= picture.bottom() - 1
        texts = [t for _, t in plot_labels(m)["bar"]]
        assert format_number_for_display(m.limit, digits=3) in texts
        assert format_number_for_display(-m.limit, digits=3) in texts
        for rect, text in [label for labels in plot_labels(m).values() for label in labels]:
            assert contains(panel, rect), (m.which, m.layer, text, rect, panel)
    for a in range(len(plots)):  # no panel over another
        for b in range(a + 1, len(plots)):
            assert not plots[a].plot.sceneBoundingRect().intersects(plots[b].plot.sceneBoundingRect())


@pytest.mark.parametrize("hidden", NETWORKS)
def test_no_two_tick_labels_overlap(window, qtbot, hidden):
    h = trained_one_iteration(window, qtbot, hidden)
    names = unit_names([3, *map(int, hidden.split(",")), 1], ["x1", "x2", "x3"], ["y"])
    for m in every_plot(h):
        labels = plot_labels(m)
        for drawn in labels.values():
            assert_disjoint(drawn)
        assert_disjoint([label for drawn in labels.values() for label in drawn])  # nor across a panel's axes
        bottom = [t for _, t in labels["bottom"]]
        left = [t for _, t in labels["left"]]
        assert bottom[0] == short_name(names[m.layer + 1][0]) and left[0] == short_name(names[m.layer][0])
        # thinned, not emptied: a 32-unit axis still names several units
        assert len(bottom) >= min(m.cols, 2) and len(left) >= min(int(m.rows), 2)
        if m.cols == 32:
            assert len(bottom) >= 4


@pytest.mark.parametrize("hidden", NETWORKS)
def test_each_matrix_has_its_own_symmetric_colour_scale(window, qtbot, hidden):
    h = trained_one_iteration(window, qtbot, hidden)
    snap = window.last_update.snapshot
    for which, matrices in (("value", snap.weights), ("gradient", snap.gradients)):
        assert len(h.limits[which]) == len(matrices)
        for m, matrix, limit in zip(h.plots[which], matrices, h.limits[which]):
            largest = np.abs(matrix).max()
            assert m.limit == limit
            assert tuple(m.matrix.getLevels()) == (-limit, limit) and tuple(m.bar.levels()) == (-limit, limit)
            # reaches the largest |value|, rounded up by at most one nice step: 3/4 of the colours are used
            assert largest <= limit <= 4 / 3 * largest
    if hidden == "32, 32, 32":  # the first layer's gradients are far smaller, and still get the full scale
        assert h.limits["gradient"][0] < 1e-3 * h.limits["gradient"][-1]


def test_one_shared_scale_on_request(window, qtbot):
    h = trained_one_iteration(window, qtbot, "8, 4")
    snap = window.last_update.snapshot
    own = {which: list(h.limits[which]) for which in ("value", "gradient")}
    box = window.findChild(QCheckBox, "sharedScaleCheck")
    assert box is not None and box.isVisible() and not box.isChecked()
    box.setChecked(True)
    for which, matrices in (("value", snap.weights), ("gradient", snap.gradients)):
        shared = nice_ceiling(max(np.abs(g).max() for g in matrices))
        assert h.limits[which] == [shared] * len(matrices)
        for m in h.plots[which]:
            assert tuple(m.matrix.getLevels()) == (-shared, shared) and tuple(m.bar.levels()) == (-shared, shared)
    window.step_iteration_action.trigger()  # stays shared while training
    qtbot.waitUntil(lambda: at_iteration(window, 2), timeout=3000)
    qtbot.waitUntil(lambda: len(set(h.limits["gradient"])) == 1
                    and np.array_equal(h.gradient_images[0].image, window.last_update.snapshot.gradients[0]),
                    timeout=3000)
    box.setChecked(False)
    snap = window.last_update.snapshot
    assert h.limits["gradient"] == [symmetric_limit(np.abs(g).max()) for g in snap.gradients]
    assert own["gradient"] != [own["gradient"][0]] * len(own["gradient"])


@pytest.mark.parametrize("hidden", NETWORKS)
def test_the_norms_readout_equals_each_gradients_norm(window, qtbot, hidden):
    h = trained_one_iteration(window, qtbot, hidden)
    grads = window.last_update.snapshot.gradients
    norms = [np.linalg.norm(g) for g in grads]
    np.testing.assert_array_equal(h.gradient_norms, norms)
    readout = h.norms
    assert readout.texts == [format_number_for_display(n, digits=3) for n in norms]
    assert readout.shown_texts() == readout.texts  # every value written out at this size
    for text, norm in zip(readout.texts, norms):
        assert float(text) == pytest.approx(norm, rel=5e-3)
    # above the panels, never scrolled away, one slot per layer inside it
    assert readout.isVisible() and readout.geometry().bottom() < h.scroll.geometry().top()
    for bar, label, _, _ in readout.slots():
        assert QRectF(readout.rect()).contains(bar) and QRectF(readout.rect()).contains(label)
    # the bars: the largest fills its slot, a smaller one is lower
    fractions = readout.fractions()
    assert fractions[int(np.argmax(norms))] == 1.0
    assert all(f < 1.0 for f, n in zip(fractions, norms) if n < max(norms) / 10)


def test_clicking_a_layer_in_the_readout_scrolls_to_it(window, qtbot):
    h = trained_one_iteration(window, qtbot, "32, 32, 32")
    last = h.plots["value"][-1]
    bar, *_ = h.norms.slots()[-1]
    qtbot.mouseClick(h.norms, Qt.LeftButton, pos=bar.center().toPoint())
    scroll = h.scroll
    seen = QRectF(scroll.horizontalScrollBar().value(), scroll.verticalScrollBar().value(),
                  scroll.viewport().width(), scroll.viewport().height())
    assert scroll.verticalScrollBar().value() > 0
    assert seen.contains(last.plot.sceneBoundingRect().topLeft())


def test_the_wheel_scrolls_the_panels(window, qtbot):
    h = trained_one_iteration(window, qtbot, "32, 32, 32")
    target = h.view.viewport()
    pos = QPointF(100, 100)
    event = QWheelEvent(pos, target.mapToGlobal(pos), QPoint(0, 0), QPoint(0, -120), Qt.NoButton, Qt.NoModifier,
                        Qt.NoScrollPhase, False)
    QApplication.sendEvent(target, event)
    assert h.scroll.verticalScrollBar().value() > 0


def test_a_frame_updates_the_pictures_in_place(window, qtbot):
    h = trained_one_iteration(window, qtbot, "8, 4")
    images, bars = list(h.weight_images + h.gradient_images), [m.bar for m in every_plot(h)]
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 2), timeout=3000)
    snap = window.last_update.snapshot
    qtbot.waitUntil(lambda: np.array_equal(h.gradient_images[0].image, snap.gradients[0]), timeout=3000)
    assert h.weight_images + h.gradient_images == images  # the same items, given new numbers
    assert [m.bar for m in every_plot(h)] == bars
    for img, w in zip(h.weight_images, snap.weights):
        np.testing.assert_array_equal(img.image, w)


# -- the widget on its own --------------------------------------------------------------------------
def show_network(qtbot, sizes, width, height, use_bias=False, inputs=None, target="y", rng=None):
    rng = rng or np.random.default_rng(0)
    h = WeightHeatmaps()
    qtbot.addWidget(h)
    h.resize(width, height)
    h.show()
    weights = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=b) for b in sizes[1:]]
    inputs = inputs or [f"x{i + 1}" for i in range(sizes[0])]
    grads = [w * 10.0 ** -(len(sizes) - k) for k, w in enumerate(weights)]
    h.set_parameters(weights, biases, use_bias, unit_names(sizes, inputs, [target]), grads, biases)
    QApplication.processEvents()
    return h


@pytest.mark.parametrize("width", [260, 338, 700])
@pytest.mark.parametrize("sizes", [[3, 8, 4, 1], [3, 32, 32, 32, 1], [2, 64, 1]])
def test_labels_never_overlap_at_any_width(qtbot, sizes, width):
    inputs = ["petal_length", "sepal_width", "x"][: sizes[0]]
    h = show_network(qtbot, sizes, width, 320, use_bias=True, inputs=inputs, target="petal_width")
    names = unit_names(sizes, inputs, ["petal_width"])
    canvas = h.export_item().sceneBoundingRect()
    for m in every_plot(h):
        labels = plot_labels(m)
        assert_disjoint([label for drawn in labels.values() for label in drawn])
        assert "bias" in [t for _, t in labels["left"]]
        # the first unit is always named, long names cut ("petal_l…")
        assert [t for _, t in labels["left"]][0] == short_name(names[m.layer][0])
        assert [t for _, t in labels["bottom"]][0] == short_name(names[m.layer + 1][0])
        if m.layer == len(sizes) - 2:
            assert [t for _, t in labels["bottom"]] == ["petal_w…"]
        for rect, _ in [label for drawn in labels.values() for label in drawn]:
            assert contains(canvas, rect)
    # what is wider than the view (64 columns of at least 3 px, beside long row names) scrolls sideways
    assert h.scroll.horizontalScrollBar().maximum() == max(0, h.view.width() - h.scroll.viewport().width())
    assert (h.scroll.horizontalScrollBar().maximum() > 0) == (sizes[1] == 64 and width < 700)


def test_a_diverged_matrix_keeps_a_finite_scale(qtbot):
    h = show_network(qtbot, [3, 4, 1], 338, 320)
    w = [np.array([[1.0, np.nan, -3.0, 0.5]] * 3), np.array([[np.inf], [0.2], [-0.1], [0.0]])]
    h.set_parameters(w, [np.zeros(4), np.zeros(1)], False, unit_names([3, 4, 1], ["a", "b", "c"], ["y"]))
    assert h.limits["value"] == [3.0, 0.2]  # from the finite values
    assert h.limits["gradient"] == [1.0, 1.0]  # no gradients yet: zeros, a unit scale
    assert h.norms.texts == ["–", "–"] and "Not computed yet" in h.norms.toolTip()  # not a vanished gradient


def test_steady_limit_grows_at_once_and_shrinks_by_halves():
    assert steady_limit(0.7, None) == symmetric_limit(0.7) == 0.8
    assert steady_limit(1.3, 1.0) == 1.5  # grown at once: no colour is cut off
    assert steady_limit(0.55, 1.0) == 1.0  # more than half the scale filled: the bar keeps still
    assert steady_limit(0.9, 1.0) == 1.0
    assert steady_limit(0.5, 1.0) == 0.5  # half or less: the scale follows
    assert steady_limit(0.01, 1.0) == 0.01


def test_a_running_frame_keeps_the_colour_bars_still(qtbot):
    """While a run goes on, gradients that shrink by a few percent a picture (or waver around a nice step)
    leave each bar where it is until they fill less than half of it; a step (or a run's end) shows the exact
    scale again."""
    sizes = [3, 4, 1]
    h = show_network(qtbot, sizes, 338, 320)
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=(3, 4)), rng.normal(size=(4, 1))]
    biases = [np.zeros(4), np.zeros(1)]
    names = unit_names(sizes, ["a", "b", "c"], ["y"])
    gradients = [np.full((3, 4), 0.09), np.full((4, 1), 0.9)]
    h.set_parameters(weights, biases, False, names, gradients, biases, running=True)
    assert h.limits["gradient"] == [0.1, 1.0]
    bars = [m.bar.axis for m in h.plots["gradient"]]
    seen = []
    for scale in (0.97, 0.85, 1.02, 0.7, 0.6, 0.56):  # each below the next nice step down, but above half
        h.set_parameters(weights, biases, False, names, [g * scale for g in gradients], biases, running=True)
        seen.append(list(h.limits["gradient"]))
        assert [tuple(m.matrix.getLevels()) for m in h.plots["gradient"]] == [(-0.1, 0.1), (-1.0, 1.0)]
    assert seen == [[0.1, 1.0]] * 6 and [m.bar.axis for m in h.plots["gradient"]] == bars
    h.set_parameters(weights, biases, False, names, [g * 1.3 for g in gradients], biases, running=True)
    assert h.limits["gradient"] == [0.12, 1.2]  # larger values: at once
    h.set_parameters(weights, biases, False, names, [g * 0.4 for g in gradients], biases, running=True)
    assert h.limits["gradient"] == [0.04, 0.4]  # under half of the shown scale: it follows
    h.set_parameters(weights, biases, False, names, [g * 0.35 for g in gradients], biases)
    assert h.limits["gradient"] == [symmetric_limit(0.09 * 0.35), symmetric_limit(0.9 * 0.35)]  # a step: exact


def test_the_tutorials_network_fits_without_scrolling(qtbot):
    h = show_network(qtbot, [3, 4, 1], 338, 321)
    assert h.scroll.verticalScrollBar().maximum() == 0
    value, gradient = h.plots["value"][0], h.plots["gradient"][0]
    assert value.plot.sceneBoundingRect().top() == gradient.plot.sceneBoundingRect().top()  # side by side


# -- the geometry alone ---------------------------------------------------------------------------
CHROME = Chrome(left=30, right=75, top=24, bottom=18)


def test_a_wide_layer_puts_its_matrices_one_above_the_other():
    places, width, height = lay_out([(3, 32), (32, 32), (32, 1)], [CHROME] * 3, 330, 260)
    by = {(p.layer, p.which): p for p in places}
    assert by[0, "gradient"].y > by[0, "value"].y + by[0, "value"].height  # stacked: twice the cell width
    assert by[0, "value"].cell_width > 2 * CELL_MIN and by[0, "value"].x + by[0, "value"].width <= 330
    assert by[2, "gradient"].y == by[2, "value"].y  # a single column fits beside its gradient
    assert height > 260 and width <= 330


@pytest.mark.parametrize("shapes", [[(3, 4), (4, 1)], [(3, 8), (8, 4), (4, 1)], [(2, 500), (500, 500), (501.35, 3)],
                                    [(1, 1)] * 33])
@pytest.mark.parametrize("width, height", [(240, 200), (338, 264), (900, 700)])
def test_places_never_overlap_and_lie_inside_the_content(shapes, width, height):
    places, content_w, content_h = lay_out(shapes, [CHROME] * len(shapes), width, height)
    assert len(places) == 2 * len(shapes)
    rects = [QRectF(p.x, p.y, p.width, p.height) for p in places]
    for r in rects:
        assert QRectF(0, 0, content_w, content_h).contains(r)
    for a in range(len(rects)):
        for b in range(a + 1, len(rects)):
            assert not rects[a].intersects(rects[b])
    for p in places:
        assert min(p.cell_width, p.cell_height) >= CELL_MIN and p.cell_width <= 2 * p.cell_height + 1e-9


def test_label_step_keeps_labels_apart():
    assert label_step(30, 20) == 1
    assert label_step(7, 20) == 4  # 7 px cells, 20 px labels (+4 px gap): every 4th
    assert all(label_step(c, 13) * c >= 13 + 4 for c in (1, 3.3, 7, 16.9, 40))


def test_a_one_hot_inputs_tick_labels_keep_their_label_apart():
    """Three rows "colour=red", "colour=green", "colour=blue" all read "colour=…" when cut from the end."""
    names = ["colour=red", "colour=green", "colour=blue", "species=versicolor", "species=virginica"]
    shown = [short_name(n) for n in names]
    assert shown == ["col…=red", "c…=green", "co…=blue", "=versic…", "=virgin…"]
    assert len(set(shown)) == len(shown) and all(len(s) <= 8 for s in shown)
    assert short_name("petal_length") == "petal_l…"


def test_each_cell_is_the_colour_its_bar_gives_its_value(qtbot):
    """The heatmaps turn values into colours themselves (a faster path than pyqtgraph's): the pixels are those
    pyqtgraph's own ImageItem draws for the same value, scale and colour table, a NaN a hole. The scale is the
    bar's from a new network's first picture on (it was drawn on the bar's initial ±1 while the bar read ±8)."""
    import pyqtgraph as pg

    h = show_network(qtbot, [3, 4, 1], 338, 320)
    w = np.array([[1.0, np.nan, -3.0, 0.5], [2.9, -0.01, 0.0, 7.0], [-7.0, 0.3, -1.5, 2.2]])  # |7| on a ±8 scale
    h.set_parameters([w, np.ones((4, 1))], [np.zeros(4), np.zeros(1)], False,
                     unit_names([3, 4, 1], ["a", "b", "c"], ["y"]))
    ours = h.weight_images[0]
    reference = pg.ImageItem(axisOrder="row-major")
    reference.setLookupTable(ours.lut)
    reference.setImage(w, autoLevels=False, levels=ours.getLevels())
    limit = h.limits["value"][0]
    assert tuple(ours.getLevels()) == (-limit, limit) == (-8.0, 8.0)

    def pixels(item):
        item.render()
        image = item.qimage.convertToFormat(QImage.Format.Format_RGBA8888)
        return np.array([[image.pixelColor(x, y).getRgb() for x in range(4)] for y in range(3)])

    np.testing.assert_array_equal(pixels(ours), pixels(reference))
    assert pixels(ours)[0, 1, 3] == 0  # the NaN: transparent
