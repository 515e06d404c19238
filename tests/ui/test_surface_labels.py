"""The output view of a table with text-label inputs: only inputs of numbers are axes; a text input is held
at one of its labels (chosen from a list, the most common at first), and ŷ there is the network's own
answer for rows with that label. No ŷ is computed between two labels."""

import numpy as np
import pytest
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox

from nnplayground.core.surface import Curve, Surface, output_view

from ..mixed_table import MIXED, Recorder, trained
from .conftest import at_iteration, open_table, train

LABELS = ["blue", "green", "red"]


def mixed_text(drop=(), extra_red_rows=1) -> str:
    """The mixed table without the columns ``drop``, one red row more per ``extra_red_rows`` (red the most
    common label: 5 rows, blue and green 4)."""
    lines = MIXED.read_text().splitlines() + [f"1.{k},red,3.{k},11.{k}" for k in range(extra_red_rows)]
    keep = [k for k, name in enumerate(lines[0].split(",")) if name not in drop]
    return "\n".join(",".join(line.split(",")[k] for k in keep) for line in lines) + "\n"


@pytest.fixture
def view(surface_view):
    return surface_view


def show(view, table, net, enc):
    """What the window does: the table, then what the worker computes for the view's spec."""
    if view.table is not table:
        view.set_table(table)
    spec = view.spec()
    view.set_surface(None if spec is None else output_view(net, spec, enc, table.input_levels), table)


def items(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def predicted(net, enc, table, rows) -> np.ndarray:
    """``predict`` on the encoded rows (raw rows: a text column holds its label's index), in the table's units."""
    return enc.decode(net.predict(enc.encode_X(rows, table.input_levels)))


def test_only_inputs_of_numbers_are_axes_and_a_text_input_is_held_at_its_most_common_label(view):
    table, enc, net = trained(mixed_text())
    show(view, table, net, enc)
    assert items(view.x_combo) == items(view.y_combo) == ["size", "weight"]  # colour is not offered
    assert (view.x_combo.currentText(), view.y_combo.currentText()) == ("size", "weight")
    item = view.plot.getPlotItem()
    assert (item.getAxis("bottom").labelText, item.getAxis("left").labelText) == ("size", "weight")
    assert "colour holds text labels" in view.x_combo.toolTip()
    held = view.findChild(QComboBox, "held:colour")
    assert items(held) == LABELS and held.currentText() == "red" and held.isVisible()
    for axis in ("size", "weight"):  # the axes' own values are not held
        assert not view.findChild(QDoubleSpinBox, f"held:{axis}").isVisible()
    assert view.message.text().startswith("ŷ of price over size and weight for colour = red.")
    assert "colour holds labels: choose its label above." in view.message.text()
    assert view.surface.spec.fixed[1] == "red"


def test_a_held_label_changes_y_hat_exactly_as_predict_on_rows_with_that_label(view):
    table, enc, net = trained(mixed_text())
    show(view, table, net, enc)
    held = view.findChild(QComboBox, "held:colour")
    planes = {}
    for label in LABELS:
        held.setCurrentText(label)
        show(view, table, net, enc)
        surface = view.surface
        assert surface.spec.fixed[1] == label
        gx, gy = np.meshgrid(surface.xs, surface.ys)
        rows = np.column_stack([gx.ravel(), np.full(gx.size, LABELS.index(label)), gy.ravel()])
        np.testing.assert_allclose(surface.values, predicted(net, enc, table, rows)[:, 0].reshape(gx.shape),
                                   rtol=0, atol=1e-12)
        np.testing.assert_array_equal(view.image.image, surface.values)  # what is on screen
        assert f"for colour = {label}." in view.message.text()
        # the rows with that label are the dots; the others are drawn faint
        xs, ys = view.points.getData()
        mine = np.array(table.texts(1)) == label
        assert sorted(xs) == sorted(table.X[mine, 0]) and sorted(ys) == sorted(table.X[mine, 2])
        assert sorted(view.faint_points.getData()[0]) == sorted(table.X[~mine, 0])
        planes[label] = surface.values
    assert np.abs(planes["red"] - planes["blue"]).max() > 1e-3  # the label matters to ŷ


def test_no_surface_value_is_computed_at_a_fractional_category(view):
    """Whatever is chosen in the view, the network sees colour as one of its labels, one-hot."""
    table, enc, net = trained(mixed_text())
    view.set_table(table)
    recorder = Recorder(net)
    held = view.findChild(QComboBox, "held:colour")
    for x, y in ((0, 1), (1, 0)):
        view.x_combo.setCurrentIndex(x)
        view.y_combo.setCurrentIndex(y)
        for label in LABELS:
            held.setCurrentText(label)
            spec = view.spec()
            assert 1 not in (spec.x_input, spec.y_input) and spec.fixed[1] == label
            output_view(recorder, spec, enc, table.input_levels)
    blocks = np.concatenate(recorder.seen)[:, 1:4]  # the network's inputs colour=blue, =green, =red
    assert len(blocks) == 6 * 64 * 64
    assert set(np.unique(blocks).tolist()) == {0.0, 1.0} and (blocks.sum(axis=1) == 1).all()


def test_one_input_of_numbers_and_a_text_input_give_y_hat_against_x_with_the_label_held(view):
    table, enc, net = trained(mixed_text(drop=("weight",)))
    assert table.input_columns == ("size", "colour")
    show(view, table, net, enc)
    assert view.one_input and view.stack.currentWidget() is view.curve_view
    assert items(view.x_combo) == ["size"] and not view.y_combo.isVisible() and not view.out_combo.isVisible()
    held = view.findChild(QComboBox, "held:colour")
    assert items(held) == LABELS and held.currentText() == "red"
    curves = {}
    for label in LABELS:
        held.setCurrentText(label)
        show(view, table, net, enc)
        assert isinstance(view.curve, Curve) and view.curve.spec.fixed[1] == label
        xs, y_hat = view.curve_view.curves[0].getData()
        rows = np.column_stack([xs, np.full(len(xs), LABELS.index(label))])
        np.testing.assert_allclose(y_hat, predicted(net, enc, table, rows)[:, 0], rtol=0, atol=1e-12)
        mine = np.array(table.texts(1)) == label
        assert sorted(view.curve_view.points[0].getData()[0]) == sorted(table.X[mine, 0])
        assert sorted(view.curve_view.faint[0].getData()[0]) == sorted(table.X[~mine, 0])
        assert view.message.text().startswith(f"ŷ against size for colour = {label},")
        curves[label] = y_hat
    assert np.abs(curves["green"] - curves["red"]).max() > 1e-3
    assert view.curve_view.getPlotItem().getAxis("bottom").labelText == "size"


def test_a_table_of_text_inputs_only_has_no_axis_and_says_so(view, tmp_path):
    table, enc, net = trained(mixed_text(drop=("size", "weight")))
    show(view, table, net, enc)
    assert view.spec() is None and view.surface is None and view.curve is None
    assert not view.stack.isVisible() and not view.x_combo.isVisible()
    assert view.findChild(QComboBox, "held:colour") is None
    assert view.message.text().startswith("Every input holds text labels (colour): there is no number")
    with pytest.raises(ValueError, match="no plot to save: every input holds text labels"):
        view.export(tmp_path / "view.png")
    assert list(tmp_path.iterdir()) == []


def test_the_window_draws_the_mixed_tables_surface_over_size_and_weight(window, qtbot):
    window.tabs.setCurrentWidget(window.surface_view)
    open_table(window, qtbot, MIXED)
    assert window.last_update.table.columns == ("size", "colour", "weight", "price")
    assert window.tabs.tabText(2) == "Surface"
    view = window.surface_view
    train(window, qtbot, 200)
    held = view.findChild(QComboBox, "held:colour")
    assert held.currentText() == "blue"  # 4 rows of each: the first in the table's order
    for label in ("green", "blue"):
        held.setCurrentText(label)
        qtbot.waitUntil(lambda label=label: isinstance(view.surface, Surface) and view.surface.spec.fixed[1] == label,
                        timeout=5000)
        update, surface = window.last_update, view.surface
        assert (surface.spec.x_input, surface.spec.y_input) == (0, 2)  # size and weight, never colour
        net = update.config.make_network(update.table)
        net.set_parameters(update.snapshot.weights, update.snapshot.biases)
        gx, gy = np.meshgrid(surface.xs, surface.ys)
        rows = np.column_stack([gx.ravel(), np.full(gx.size, LABELS.index(label)), gy.ravel()])
        want = predicted(net, update.encoding, update.table, rows)[:, 0].reshape(gx.shape)
        np.testing.assert_allclose(surface.values, want, rtol=0, atol=1e-12)


def test_the_tab_reads_y_hat_of_x_for_one_input_of_numbers_and_a_text_input(window, qtbot, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text(mixed_text(drop=("weight",)))
    window.tabs.setCurrentWidget(window.surface_view)
    open_table(window, qtbot, path)
    assert window.last_update.table.columns == ("size", "colour", "price")
    qtbot.waitUntil(lambda: window.tabs.tabText(2) == "ŷ(x)", timeout=3000)
    train(window, qtbot, 100)
    qtbot.waitUntil(lambda: at_iteration(window, 100) and isinstance(window.surface_view.curve, Curve), timeout=5000)
    assert window.surface_view.curve.spec.fixed[1] == "red"


def test_past_the_held_editors_a_text_input_is_held_at_its_most_common_label_and_the_note_says_so(view):
    rng = np.random.default_rng(0)
    n = 30
    numbers = rng.normal(size=(n, 9))
    colours = ["red" if k % 3 else "blue" for k in range(n)]  # red 20 rows, blue 10
    header = [f"x{k}" for k in range(9)] + ["colour", "y"]
    lines = [",".join(header)] + [",".join([*(f"{v:.3f}" for v in row), c, f"{row.sum():.3f}"])
                                  for row, c in zip(numbers, colours)]
    table, enc, net = trained("\n".join(lines) + "\n")
    show(view, table, net, enc)
    assert view.findChild(QComboBox, "held:colour") is None  # 8 held inputs: past the editors
    assert view.surface.spec.fixed[9] == "red" and "colour" not in items(view.x_combo)
    assert view.message.text() == ("ŷ of y over x0 and x1 for colour = red. Rows with colour = red are dots in their "
                                   "target's colour, the others faint. The other inputs are held at their means, text "
                                   "labels at the most common.")
