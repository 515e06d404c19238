"""The loss plot keeps every peak and stays small however long the history."""
import numpy as np
import pytest

from nnplayground.ui.loss_plot import MAX_BLOCKS, LossEnvelope, LossPlot, envelope_of, nice_ceiling


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
    plot = LossPlot()
    qtbot.addWidget(plot)
    y = np.linspace(1, 0.001, 1_000_000)
    y[654_321] = 50.0  # one divergent spike must stay visible
    for start in range(0, y.size, 100_000):
        plot.add_history(start, y[start:start + 100_000])
    assert plot.drawn_points() <= 2 * MAX_BLOCKS
    _, drawn = plot._curve.getData()
    assert drawn.max() == 50.0 and drawn.min() == y.min()
    np.testing.assert_array_equal(plot.values, y)


def test_zoomed_in_shows_raw_points(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    y = np.arange(1, 100_001, dtype=float)
    plot.add_history(0, y)
    plot.getPlotItem().vb.setXRange(1000, 1100, padding=0)
    plot._stop_following()
    plot._on_view_changed()
    x, drawn = plot._curve.getData()
    assert 100 <= len(x) <= 110 and np.array_equal(drawn, x)  # loss i at iteration i: raw values


def test_history_must_not_have_gaps(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.add_history(0, [1.0, 0.5])
    with pytest.raises(ValueError, match="gap"):
        plot.add_history(5, [0.1])
    plot.add_history(1, [0.4, 0.3])  # overlapping the end: replaces from there
    np.testing.assert_array_equal(plot.values, [1.0, 0.4, 0.3])
    plot.add_history(0, [0.7])  # a start of 0 replaces the whole history
    np.testing.assert_array_equal(plot.values, [0.7])


def test_range_follows_in_steps(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.set_extent(1500)
    plot.add_history(0, [1.33, 1.05])
    (x0, x1), (y0, y1) = plot._range
    assert (x0, x1) == (0, 1500) and (y0, y1) == (0.0, 1.5)
    plot.add_history(2, [0.9, 0.5])
    assert plot._range == ((0, 1500), (0.0, 1.5))  # nothing moved
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
