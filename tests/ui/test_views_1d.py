"""The output view: ŷ against x for one input, the surface in data units, rows readable however many,
and both saved as pictures."""
import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter

from nnplayground.core import Network, TrainingTable
from nnplayground.core.fileio import SaveError
from nnplayground.core.surface import output_view
from nnplayground.ui.surface_view import EXPORT_MIN_WIDTH
from nnplayground.ui.training_points import FULL_ALPHA, FULL_SIZE, MAX_POINTS, point_style

from .conftest import at_iteration


def table(columns, roles, data) -> TrainingTable:
    return TrainingTable(tuple(columns), tuple(roles), np.asarray(data, dtype=float))


def plane_table(n_rows: int, seed: int = 0) -> TrainingTable:
    """Two inputs spanning 0-0.5 and a 0/1 target."""
    X = np.random.default_rng(seed).random((n_rows, 2)) * 0.5
    y = (X.sum(axis=1) > 0.5).astype(float)
    return table(("a", "b", "y"), ("input", "input", "target"), np.column_stack([X, y]))


@pytest.fixture
def view(surface_view):
    return surface_view


def show(view, t: TrainingTable, net: Network) -> None:
    """What the window does: the table, then what the worker computed for the view's spec."""
    view.set_table(t)
    view.set_surface(output_view(net, view.spec()), t)


def drawn_tick_texts(axis) -> list[str]:
    image = QImage(10, 10, QImage.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _rect, _flags, text in specs[2] if text]


# -- ŷ against x ------------------------------------------------------------------------------------
@pytest.mark.parametrize("targets", [1, 2])
def test_one_input_plots_y_hat_equal_to_predict(view, qtbot, targets):
    x = np.linspace(-1, 1, 21)
    ys = [np.sin(np.pi * x), np.cos(np.pi * x)][:targets]
    names = ["y1", "y2"][:targets]
    t = table(("x", *names), ("input",) + ("target",) * targets, np.column_stack([x, *ys]))
    net = Network([1, 6, targets], ["tanh", "linear"], use_bias=True, seed=4)
    show(view, t, net)
    assert view.stack.currentWidget() is view.curve_view and not view.plot.isVisible()
    assert len(view.curve_view.curves) == targets
    for k, (curve, dots) in enumerate(zip(view.curve_view.curves, view.curve_view.points)):
        xs, y_hat = curve.getData()
        assert len(xs) == 200 and xs.min() < -1 and xs.max() > 1  # the input's range and a little beyond
        np.testing.assert_allclose(y_hat, net.predict(xs[:, None])[:, k], rtol=0, atol=1e-12)
        px, py = dots.getData()
        np.testing.assert_array_equal(px, x)
        np.testing.assert_array_equal(py, t.y[:, k])  # the rows of this target
    item = view.curve_view.getPlotItem()
    assert item.getAxis("bottom").labelText == "x"
    legend = [label.text for _sample, label in view.curve_view.legend.items]
    if targets == 1:
        assert legend == ["ŷ (the network)", "y1 (table rows)"]
        assert item.getAxis("left").labelText == "y1"
    else:
        assert legend == ["ŷ of y1", "y1 (table rows)", "ŷ of y2", "y2 (table rows)"]
        assert "One colour per target." in view.message.text()
    # above the plotted area, inside the widget: it hides no row
    legend = view.curve_view.legend.sceneBoundingRect()
    assert view.curve_view.sceneRect().contains(legend)
    assert legend.bottom() <= item.getViewBox().sceneBoundingRect().top()
    # each target's curve and rows in one colour, told apart from the other target's
    colours = [c.opts["pen"].color().getRgb()[:3] for c in view.curve_view.curves]
    assert len(set(colours)) == targets


def test_a_trained_one_input_regression_shows_its_curve(window, qtbot):
    from nnplayground.paths import EXAMPLES

    window.tabs.setCurrentWidget(window.surface_view)
    assert window.open_table(EXAMPLES / "xor.csv")  # first a surface, with its axis labels
    qtbot.waitUntil(lambda: window.surface_view.surface is not None, timeout=3000)
    assert window.open_table(EXAMPLES / "sine_regression.csv")
    window.settings.iterations.setValue(500)
    qtbot.waitUntil(lambda: window.last_update.table.columns == ("x", "y"), timeout=3000)
    view = window.surface_view
    assert view.spec() is not None and view.stack.currentWidget() is view.curve_view
    assert view.message.text() == "ŷ against x, a little beyond the table's range; dots are its rows."
    assert not view.y_combo.isVisible() and not view.out_combo.isVisible()
    window.run_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 500) and view.curve is not None, timeout=10000)
    update = window.last_update
    net = update.config.make_network(update.table)
    net.set_parameters(update.snapshot.weights, update.snapshot.biases)
    xs, y_hat = view.curve_view.curves[0].getData()
    np.testing.assert_allclose(y_hat, net.predict(xs[:, None])[:, 0], rtol=0, atol=1e-12)
    assert view.curve_view.getPlotItem().getAxis("bottom").labelText == "x"  # not the xor table's "a"


# -- the surface in data units --------------------------------------------------------------------------
def test_surface_axes_read_in_data_units(view, qtbot):
    t = plane_table(50)
    show(view, t, Network([2, 4, 1], seed=0))
    qtbot.wait(10)
    for name in ("bottom", "left"):
        axis = view.plot.getPlotItem().getAxis(name)
        texts = drawn_tick_texts(axis)
        assert "0.1" in texts and "0.2" in texts, texts
        assert not any(text in texts for text in ("100", "200", "500")), texts
        assert "x0.001" not in axis.labelString()



def test_colour_bar_reads_in_the_targets_units(view, qtbot):
    t = plane_table(50)
    small = table(t.columns, t.roles, np.column_stack([t.X, 0.002 * t.y]))  # targets 0 and 0.002
    show(view, small, Network([2, 4, 1], seed=0))
    qtbot.wait(10)
    values = [float(text.replace(",", "")) for text in drawn_tick_texts(view.bar.axis)]
    assert len(values) >= 2 and max(values) == pytest.approx(0.002) and min(values) == 0  # not 0-2 "(x0.001)"
    assert "x0.001" not in view.bar.axis.labelString()


def test_curve_axes_read_in_data_units(view, qtbot):
    x = np.linspace(0, 0.5, 11)
    show(view, table(("x", "y"), ("input", "target"), np.column_stack([x, 0.002 * x])), Network([1, 3, 1], seed=0))
    qtbot.wait(10)
    axis = view.curve_view.getPlotItem().getAxis("bottom")
    texts = drawn_tick_texts(axis)
    assert "0.1" in texts and "0.2" in texts and "x0.001" not in axis.labelString()


# -- many rows stay readable --------------------------------------------------------------------------
def test_points_rule_shrinks_and_then_samples():
    few, some, many = point_style(4), point_style(2000), point_style(10_000)
    assert (few.size, few.alpha, few.note) == (FULL_SIZE, FULL_ALPHA, "")
    np.testing.assert_array_equal(few.rows, np.arange(4))
    assert few.size > some.size >= many.size and few.alpha > some.alpha >= many.alpha
    np.testing.assert_array_equal(some.rows, np.arange(2000))
    assert some.note == "The 2,000 rows are small translucent dots."
    assert len(many.rows) == MAX_POINTS and many.rows[0] == 0 and many.rows[-1] == 9999
    steps = np.diff(many.rows)
    assert steps.min() >= 1 and steps.max() - steps.min() <= 1  # evenly spaced
    assert many.note == "Showing 2,000 of 10,000 rows, evenly spaced, as small translucent dots."
    sizes = [point_style(n).size for n in (100, 101, 400, 1200, 2000, 5000, 50_000)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == FULL_SIZE


def test_a_large_table_shows_a_sample_of_small_translucent_rows(view):
    show(view, plane_table(10_000), Network([2, 4, 1], seed=0))
    xs, _ = view.points.getData()
    assert len(xs) == MAX_POINTS
    spot = view.points.points()[0]
    assert spot.size() < FULL_SIZE and spot.brush().color().alpha() < 128
    assert "Showing 2,000 of 10,000 rows, evenly spaced" in view.message.text()
    show(view, plane_table(4), Network([2, 4, 1], seed=0))  # same columns, few rows: full dots again
    assert len(view.points.getData()[0]) == 4 and view.points.points()[0].size() == FULL_SIZE
    assert "Showing" not in view.message.text()


def test_points_take_their_targets_colours_on_a_fixed_scale(view):
    t = plane_table(40)
    show(view, t, Network([2, 4, 1], seed=0))
    assert view.bar.levels() == (0.0, 1.0)  # the targets' range, whatever ŷ is
    colours = {p.brush().color().getRgb()[:3] for p in view.points.points()}
    assert len(colours) == 2  # two target values, two colours


# -- saved as pictures --------------------------------------------------------------------------------
@pytest.mark.parametrize("one_input", [False, True])
def test_export_writes_png_and_svg_that_load(view, tmp_path, one_input):
    from PySide6.QtSvg import QSvgRenderer

    if one_input:
        x = np.linspace(0, 1, 9)
        show(view, table(("x", "y"), ("input", "target"), np.column_stack([x, x ** 2])), Network([1, 3, 1], seed=0))
    else:
        show(view, plane_table(30), Network([2, 4, 1], seed=0))
    png, svg = tmp_path / "view.png", tmp_path / "view.svg"
    view.export(png)
    view.export(svg)
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= EXPORT_MIN_WIDTH
    assert QSvgRenderer(str(svg)).isValid()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.png", "view.svg"]  # no temporary left


def test_export_refuses_other_names_and_missing_folders(view, tmp_path):
    show(view, plane_table(30), Network([2, 4, 1], seed=0))
    with pytest.raises(ValueError, match=r"view.jpg: a picture is saved as \.png or \.svg"):
        view.export(tmp_path / "view.jpg")
    with pytest.raises(SaveError):
        view.export(tmp_path / "no such folder" / "view.png")
    assert list(tmp_path.iterdir()) == []


def test_a_new_table_relabels_the_view_before_its_first_surface(view):
    show(view, plane_table(20), Network([2, 4, 1], seed=0))
    x = np.linspace(0, 1, 5)
    view.set_table(table(("t", "v"), ("input", "target"), np.column_stack([x, x])))  # no ŷ computed yet
    assert view.stack.currentWidget() is view.curve_view and view.surface is None
    assert view.curve_view.getPlotItem().getAxis("bottom").labelText == "t"
    other = table(("p", "q", "r", "y"), ("input", "input", "input", "target"), np.random.default_rng(2).random((9, 4)))
    view.set_table(other)
    item = view.plot.getPlotItem()
    assert view.stack.currentWidget() is view.plot and view.curve is None
    assert (item.getAxis("bottom").labelText, item.getAxis("left").labelText) == ("p", "q")
    assert view.image.image is None and len(view.points.getData()[0]) == 9  # no old surface; the new rows
    assert view.y_combo.isVisibleTo(view) and view.message.text().startswith("ŷ of y over p and q.")
