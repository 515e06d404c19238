"""The loss plot keeps every peak and stays small however long the history."""
import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPointF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from nnplayground.app.loss_history import LossHistory
from nnplayground.ui.axes import tick_label_rects
from nnplayground.ui.loss_plot import MAX_BLOCKS, LossEnvelope, LossPlot, envelope_of, nice_ceiling


def make_plot(qtbot):
    plot = LossPlot(LossHistory())
    qtbot.addWidget(plot)
    return plot


def add(plot, start, losses):
    plot.history.receive(start, losses)
    plot.refresh()


def y_range(plot):
    return tuple(plot.getPlotItem().vb.viewRange()[1])


def test_incremental_envelope_equals_one_built_at_once():
    rng = np.random.default_rng(0)
    y = rng.random(100_003)
    grown = LossEnvelope(max_blocks=64)
    start = 0
    for size in [1, 5, 1000, 7, 40_000, 58_990]:
        grown.update(y[: start + size], start)
        start += size
    whole = LossEnvelope(max_blocks=64)
    whole.update(y, 0)
    assert grown.block == whole.block
    np.testing.assert_array_equal(grown.mins, whole.mins)
    np.testing.assert_array_equal(grown.maxs, whole.maxs)
    blocks = -(-y.size // grown.block)
    assert grown.mins.size == blocks <= 64
    for b in (0, 17, blocks - 1):
        chunk = y[b * grown.block:(b + 1) * grown.block]
        assert grown.mins[b] == chunk.min() and grown.maxs[b] == chunk.max()


def test_an_envelope_reserved_for_a_run_keeps_its_blocks_while_it_grows():
    y = np.random.default_rng(1).random(50_000)
    grown = LossEnvelope(max_blocks=64)
    grown.reserve(y.size)  # the run's length, known when it starts
    block = grown.block
    for start in range(0, y.size, 999):
        grown.update(y[: start + 999], start)
        assert grown.block == block
    whole = LossEnvelope(max_blocks=64)
    whole.update(y, 0)
    assert whole.block == block
    np.testing.assert_array_equal(grown.mins, whole.mins)
    np.testing.assert_array_equal(grown.maxs, whole.maxs)


def test_a_million_points_draw_as_a_few_thousand_and_keep_the_spike(qtbot):
    plot = make_plot(qtbot)
    y = np.linspace(1, 0.001, 1_000_000)
    y[654_321] = 50.0  # one divergent spike must stay visible
    for start in range(0, y.size, 100_000):
        add(plot, start, y[start:start + 100_000])
    assert plot.drawn_points() <= 2 * MAX_BLOCKS
    _, drawn = plot.drawn()
    assert drawn.max() == 50.0 and drawn.min() == y.min()
    np.testing.assert_array_equal(plot.values, y)


def test_zoomed_in_shows_raw_points(qtbot):
    plot = make_plot(qtbot)
    y = np.arange(1, 100_001, dtype=float)
    add(plot, 0, y)
    vb = plot.getPlotItem().vb
    vb.setXRange(1000, 1100, padding=0)
    vb.sigRangeChangedManually.emit(vb.mouseEnabled())  # as a zoom with the mouse does
    plot.redraw()
    assert not plot.following
    x, drawn = plot.drawn()
    assert 100 <= len(x) <= 110 and np.array_equal(drawn, x)  # loss i at iteration i: raw values


def test_plot_draws_the_history_as_it_changes(qtbot):
    plot = make_plot(qtbot)
    add(plot, 0, [1.0, 0.5])
    add(plot, 1, [0.4, 0.3])  # overlapping the end: replaces from there
    np.testing.assert_array_equal(plot.drawn()[1], [1.0, 0.4, 0.3])
    add(plot, 0, [0.7])  # a start of 0 replaces the whole history
    np.testing.assert_array_equal(plot.drawn()[1], [0.7])
    add(plot, 0, [])
    assert plot.drawn_points() == 0


def test_range_follows_in_steps(qtbot):
    plot = make_plot(qtbot)
    plot.set_extent(1500)
    add(plot, 0, [1.33, 1.05])
    x0, x1 = plot.getPlotItem().vb.viewRange()[0]
    assert x0 <= 0 and 1500 <= x1 <= 1540 and y_range(plot)[1] == pytest.approx(1.5, abs=0.04)
    before = plot.getPlotItem().vb.viewRange()
    add(plot, 2, [0.9, 0.5])
    assert plot.getPlotItem().vb.viewRange() == before  # nothing moved
    plot.set_extent(3000)
    view_x = plot.getPlotItem().vb.viewRange()[0]
    assert view_x[1] > 3000
    # the axis must move with the view (its ticks were once left at the old range)
    assert plot.getPlotItem().getAxis("bottom").range == pytest.approx(view_x)
    assert plot.following
    assert envelope_of(np.ones(10), 5)[0][0] == 6


@pytest.mark.parametrize("value, nice", [(1.33, 1.5), (0.0042, 0.005), (7, 8), (10, 10), (0, 1.0)])
def test_nice_ceiling(value, nice):
    assert nice_ceiling(value) == pytest.approx(nice)


# -- what the axes say, measured as drawn ---------------------------------------------------------

def drawn_labels(axis) -> list[tuple]:
    image = QImage(10, 10, QImage.Format_ARGB32)
    painter = QPainter(image)
    try:
        return tick_label_rects(axis, painter)
    finally:
        painter.end()


def shown_plot(qtbot, losses, extent, log, size):
    plot = make_plot(qtbot)
    plot.resize(*size)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_extent(extent)
    if len(losses):
        add(plot, 0, losses)
    plot.set_log_scale(log)
    qtbot.wait(10)
    plot.getPlotItem().layout.activate()
    return plot


DIVERGED = np.array([1.33, 40.0, 7e4, 3e27, 1e95])  # a learning rate far too large: each step multiplies


@pytest.mark.parametrize("size", [(640, 220), (380, 150)])
@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("case", ["empty", "1", "1500", "1e6", "diverged"])
def test_axis_labels_never_overlap_and_read_as_values(qtbot, case, log, size):
    losses = {"empty": np.empty(0), "1": np.array([1.33]), "1500": np.geomspace(1.33, 0.004, 1500),
              "1e6": np.geomspace(1.33, 1e-7, 1_000_000), "diverged": DIVERGED}[case]
    plot = shown_plot(qtbot, losses, max(len(losses), 1500), log, size)
    item = plot.getPlotItem()
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        assert "(x" not in axis.labelString()  # no "loss (x1e+27)", no "(x0.001)"
        labels = drawn_labels(axis)
        assert len(labels) >= 2, (name, labels)
        for a in range(len(labels)):
            for b in range(a + 1, len(labels)):
                assert not labels[a][0].intersects(labels[b][0]), (name, labels[a], labels[b])
        view = item.vb.viewRange()[1 if name == "left" else 0]
        for _, text in labels:  # each label is the value it marks (a log axis marks 10**view)
            value = float(text.replace(",", ""))
            low, high = (10.0 ** v for v in view) if (log and name == "left") else view
            assert low * (1 - 1e-9) - 1e-12 <= value <= high * (1 + 1e-9) + 1e-12, (name, text, view)
    texts = {name: [t for _, t in drawn_labels(item.getAxis(name))] for name in ("left", "bottom")}
    if case == "diverged" and not log:
        assert "1e+95" in texts["left"] and "0" in texts["left"]
    if case == "diverged" and log:
        assert "1e+20" in texts["left"]
    if case == "empty" and log:
        assert {"0.01", "0.1", "1"} <= set(texts["left"])
    iterations = sorted(float(t.replace(",", "")) for t in texts["bottom"])
    assert len(set(np.diff(iterations))) == 1  # crowded labels are thinned evenly, not where they collide
    if case == "1e6" and size[0] >= 640:
        assert iterations[-1] == 1_000_000
    if not log:
        assert "0" in texts["left"]  # the loss axis keeps its 0


def test_hover_reads_plainly(qtbot):
    plot = shown_plot(qtbot, DIVERGED, 1500, False, (640, 220))
    seen = []
    plot.hovered.connect(seen.append)
    vb = plot.getPlotItem().vb
    plot.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(5, 0)))
    assert seen[-1] == "iteration 5: loss 1e+95"


def test_an_empty_plot_counts_whole_iterations(qtbot):
    plot = shown_plot(qtbot, np.empty(0), 1, False, (640, 220))  # before any run: the x axis spans 0 … 1
    texts = [t for _, t in drawn_labels(plot.getPlotItem().getAxis("bottom"))]
    assert texts == ["0", "1"]  # no iteration 0.2


# -- drawn incrementally on screen, looking as if drawn at once -------------------------------------

def pixels(widget) -> np.ndarray:
    """What the widget's window shows now (repaints of parts included, nothing drawn afresh); the window is
    then hidden (the grab reads the screen: a window shown above it would be read instead)."""
    image = widget.screen().grabWindow(widget.winId()).toImage().convertToFormat(QImage.Format_ARGB32)
    widget.hide()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : 4 * image.width()].reshape(image.height(), image.width(), 4).astype(int)


def noisy_losses(n, seed=0):
    rng = np.random.default_rng(seed)
    return np.geomspace(1.3, 0.01, n) * (1 + 0.3 * rng.standard_normal(n) * np.exp(-np.arange(n) / 3000))


def plot_of(qtbot, losses, extent, chunk):
    """A plot shown on screen, given ``losses`` ``chunk`` at a time, each chunk a frame painted."""
    plot = make_plot(qtbot)
    plot.resize(640, 230)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_extent(extent)
    for start in range(0, len(losses), chunk):
        add(plot, start, losses[start:start + chunk])
        QApplication.processEvents()  # the frame painted, as the window paints it
    qtbot.wait(50)  # settled: axes that widened for their labels laid out and painted again
    return plot


@pytest.fixture
def antialiased():
    import pyqtgraph as pg

    before = pg.getConfigOption("antialias")
    pg.setConfigOptions(antialias=True)  # as the app draws
    yield
    pg.setConfigOptions(antialias=before)


@pytest.mark.parametrize("chunk", [3, 97])
def test_a_curve_grown_frame_by_frame_looks_like_one_drawn_at_once(qtbot, antialiased, chunk):
    losses = noisy_losses(20_000)
    grown = plot_of(qtbot, losses, 20_000, chunk)
    # frames added to the picture: it was started afresh only for a new range (the loss axis grows in steps
    # while the first noisy losses come), never for new blocks (the run reserved them)
    assert grown.fresh_pictures <= 6
    # pixel for pixel: the pieces meet without a seam, none is missing, drawn twice or left over on screen
    np.testing.assert_array_equal(pixels(grown), pixels(plot_of(qtbot, losses, 20_000, 20_000)))


def test_a_frame_repaints_only_around_the_new_points(qtbot):
    plot = plot_of(qtbot, noisy_losses(5000), 20_000, 1000)
    painted = []

    class Watch(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Paint:
                painted.append(event.region().boundingRect())
            return False

    watch = Watch()
    plot.viewport().installEventFilter(watch)
    add(plot, 5000, noisy_losses(100, seed=3) * 0.01)
    QApplication.processEvents()
    assert painted
    area = sum(r.width() * r.height() for r in painted)
    assert area < 0.1 * plot.viewport().width() * plot.viewport().height()


def test_a_history_started_afresh_leaves_nothing_of_the_old_curve(qtbot, antialiased):
    grown = plot_of(qtbot, noisy_losses(5000, seed=1), 5000, 250)
    fresh = noisy_losses(3000, seed=2)
    add(grown, 0, fresh)  # a reset: the history starts again
    qtbot.wait(50)
    shown = pixels(grown)
    np.testing.assert_array_equal(shown, pixels(plot_of(qtbot, fresh, 5000, 3000)))


def test_a_saved_picture_has_the_whole_curve(qtbot, tmp_path, antialiased):
    from pyqtgraph.exporters import ImageExporter

    plot = plot_of(qtbot, noisy_losses(5000), 5000, 100)
    path = tmp_path / "loss.png"
    ImageExporter(plot.getPlotItem()).export(str(path))
    image = QImage(str(path))
    assert not image.isNull()
    blue = 0
    for x in range(0, image.width(), 4):
        for y in range(image.height()):
            c = image.pixelColor(x, y)
            blue += c.blue() > 200 and c.red() < 120
    assert blue > 100  # the curve is in the file, not only its axes


def test_a_short_run_after_a_long_one_is_drawn_iteration_by_iteration(window, qtbot):
    """After 10,000 iterations, Reset and a step then a 60-iteration run were drawn in blocks of 16 (the
    first iterations one vertical bar)."""
    from .conftest import at_iteration, train

    train(window, qtbot, 10_000)
    window.reset_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.snapshot.iteration == 0, timeout=3000)
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 1), timeout=3000)
    train(window, qtbot, 60)
    x, y = window.loss_plot.drawn()
    assert x.tolist() == list(range(1, 61))
    np.testing.assert_array_equal(y, window.loss_plot.values)
