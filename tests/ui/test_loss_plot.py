"""The loss plot keeps every peak and stays small however long the history."""
import numpy as np
import pytest

from nnplayground.app.loss_history import LossHistory
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
