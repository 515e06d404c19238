"""ŷ against one input (the 1-input view) and the dispatch the worker uses: same numbers as predict."""

import numpy as np
import pytest

from nnplayground.core import Network, decision_surface
from nnplayground.core.surface import (
    Curve, CurveSpec, InputRanges, Surface, SurfaceSpec, output_curve, output_view, rows_holding, spec_for,
)
from ..mixed_table import MIXED, Recorder, trained


@pytest.mark.parametrize("outputs", [1, 2])
def test_curve_is_predict_along_the_input(outputs):
    x = np.linspace(-1, 1, 21)[:, None]
    net = Network([1, 8, outputs], ["tanh", "linear"], use_bias=True, seed=3)
    spec = InputRanges.of(x).curve_spec(0, resolution=50)
    curve = output_curve(net, spec)
    assert curve.values.shape == (50, outputs)
    np.testing.assert_allclose(curve.values, net.predict(curve.xs[:, None]), rtol=0, atol=1e-12)
    for i in (0, 17, 49):  # one point alone (BLAS may sum in another order)
        np.testing.assert_allclose(curve.values[i], net.predict([[curve.xs[i]]])[0], rtol=0, atol=1e-12)


def test_curve_covers_the_inputs_values_and_a_little_beyond():
    x = np.array([[0.0], [0.25], [0.5]])
    spec = InputRanges.of(x).curve_spec()
    assert spec.x_range == pytest.approx((-0.05, 0.55))
    curve = output_curve(Network([1, 3, 1], seed=0), spec)
    assert curve.xs[0] == pytest.approx(-0.05) and curve.xs[-1] == pytest.approx(0.55)
    assert np.all(np.diff(curve.xs) > 0)


def test_curve_along_one_of_several_inputs_holds_the_others():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3))
    net = Network([3, 5, 2], seed=1)
    spec = InputRanges.of(X).curve_spec(1, resolution=9, fixed=(0.5, 0.0, -2.0))
    curve = output_curve(net, spec)
    points = np.column_stack([np.full(9, 0.5), curve.xs, np.full(9, -2.0)])
    np.testing.assert_allclose(curve.values, net.predict(points), rtol=0, atol=1e-12)


def test_bad_curves_are_refused():
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="input 2 does not exist; there are 2"):
        output_curve(net, CurveSpec(2, (0.0, 0.0), (0.0, 1.0)))
    with pytest.raises(ValueError, match="1 fixed values for 2 inputs"):
        output_curve(net, CurveSpec(0, (0.0,), (0.0, 1.0)))


def test_output_view_computes_what_the_spec_asks_for(article):
    X, _ = article
    net = Network([3, 4, 1], seed=2)
    plane = spec_for(X, 0, 1, resolution=7)
    surface = output_view(net, plane)
    assert isinstance(surface, Surface)
    np.testing.assert_array_equal(surface.values, decision_surface(net, plane).values)
    line = InputRanges.of(X).curve_spec(2)
    assert isinstance(output_view(net, line), Curve)


def test_the_surface_reads_the_tables_units_through_the_networks_encoding():
    """A network trained on scaled inputs and a scaled regression target: the plane is in the table's
    units on both sides (it used to feed the raw inputs to the scaled network)."""
    from nnplayground.core import TrainingConfig, TrainingTable

    table = TrainingTable.from_csv_text("a,b,colour,y\n1,200,red,10\n2,100,blue,30\n3,400,red,25\n4,300,blue,50\n")
    config = TrainingConfig(problem="regression", activation="tanh", output_activation="linear", loss="mse",
                            scaling=True, init="xavier", learning_rate=0.1)
    trainer = config.make_trainer(table)
    trainer.run(200)
    enc, net = trainer.encoding, trainer.network
    ranges = InputRanges.of(table.X)
    spec = ranges.spec(0, 1, fixed=(0.0, 0.0, 1.0))  # colour held at its label 1 ("red")
    surface = decision_surface(net, spec, enc, table.input_levels)
    gx, gy = np.meshgrid(surface.xs, surface.ys)
    points = np.column_stack([gx.ravel(), gy.ravel(), np.ones(gx.size)])
    want = enc.decode(net.predict(enc.encode_X(points, table.input_levels)))[:, 0].reshape(gx.shape)
    np.testing.assert_allclose(surface.values, want, rtol=1e-12)
    assert 5 < np.median(surface.values) < 60  # the target's units, not its standardised ones
    curve = output_curve(net, CurveSpec(1, (2.5, 0.0, 0.0), (100.0, 400.0), 5), enc, table.input_levels)
    here = np.column_stack([np.full(5, 2.5), np.linspace(100, 400, 5), np.zeros(5)])
    np.testing.assert_allclose(curve.values, enc.decode(net.predict(enc.encode_X(here, table.input_levels))))


# -- text inputs: held at a label, never an axis -------------------------------------------------------
def mixed_trained(extra_red_rows: int = 0):
    """The mixed table (one red row more per ``extra_red_rows``), a regression network trained on it."""
    text = MIXED.read_text() + "".join(f"1.{k},red,3.{k},11.{k}\n" for k in range(extra_red_rows))
    return trained(text, seed=3)


def test_a_text_input_is_never_an_axis_and_is_held_at_its_most_common_label():
    table, _enc, _net = mixed_trained(extra_red_rows=1)
    assert table.input_columns == ("size", "colour", "weight")
    ranges = InputRanges.of(table.X, table.input_levels)
    assert ranges.axes == (0, 2)  # size and weight
    assert ranges.labels == (None, ("blue", "green", "red"), None)
    assert ranges.held[1] == "red"  # 5 red rows, 4 blue, 4 green
    assert ranges.held[0::2] == pytest.approx(tuple(table.X[:, [0, 2]].mean(axis=0)))  # the numbers' means
    plane = ranges.spec()  # by default, the first two inputs of numbers
    assert (plane.x_input, plane.y_input, plane.fixed[1]) == (0, 2, "red")
    assert ranges.curve_spec().x_input == 0
    for make in (lambda: ranges.spec(0, 1), lambda: ranges.spec(1, 2), lambda: ranges.curve_spec(1)):
        with pytest.raises(ValueError, match=r"input 2 holds text labels \(blue, green, red\): it is held at one"):
            make()
    tie, _enc, _net = mixed_trained()  # 4 rows each: the first in the table's order
    assert InputRanges.of(tie.X, tie.input_levels).held[1] == "blue"


@pytest.mark.parametrize("label", ["blue", "green", "red"])
def test_a_held_label_gives_predict_on_the_encoded_rows_with_that_label(label):
    table, enc, net = mixed_trained()
    ranges = InputRanges.of(table.X, table.input_levels)
    fixed = (0.0, label, 0.0)
    surface = decision_surface(net, ranges.spec(0, 2, fixed=fixed, resolution=9), enc, table.input_levels)
    gx, gy = np.meshgrid(surface.xs, surface.ys)
    code = table.input_levels[1].index(label)  # the label as the table holds it: an index into its labels
    rows = np.column_stack([gx.ravel(), np.full(gx.size, code), gy.ravel()])
    want = enc.decode(net.predict(enc.encode_X(rows, table.input_levels)))[:, 0].reshape(gx.shape)
    np.testing.assert_allclose(surface.values, want, rtol=0, atol=1e-12)
    by_index = decision_surface(net, ranges.spec(0, 2, fixed=(0.0, float(code), 0.0), resolution=9), enc,
                                table.input_levels)
    np.testing.assert_allclose(by_index.values, surface.values, rtol=0, atol=1e-12)  # by name or by index: the same
    curve = output_curve(net, ranges.curve_spec(2, resolution=7, fixed=(1.5, label, 0.0)), enc, table.input_levels)
    line = np.column_stack([np.full(7, 1.5), np.full(7, code), curve.xs])
    np.testing.assert_allclose(curve.values, enc.decode(net.predict(enc.encode_X(line, table.input_levels))),
                               rtol=0, atol=1e-12)


def test_the_labels_give_different_planes():
    table, enc, net = mixed_trained()
    ranges = InputRanges.of(table.X, table.input_levels)
    planes = [decision_surface(net, ranges.spec(fixed=(0.0, label, 0.0), resolution=5), enc, table.input_levels)
              for label in ("blue", "green", "red")]
    assert all(np.abs(a.values - b.values).max() > 1e-3 for a, b in zip(planes, planes[1:]))


def test_no_value_is_computed_at_a_fractional_category():
    """The network only ever sees a text input as one of its labels, one-hot; a plane across it, or a label
    between two, is refused before anything is computed."""
    table, enc, net = mixed_trained()
    ranges = InputRanges.of(table.X, table.input_levels)
    seen = Recorder(net)
    for label in ("blue", "green", "red"):
        decision_surface(seen, ranges.spec(resolution=16, fixed=(0.0, label, 0.0)), enc, table.input_levels)
        output_curve(seen, ranges.curve_spec(0, resolution=16, fixed=(0.0, label, 0.0)), enc, table.input_levels)
    onehot = np.concatenate(seen.seen)[:, 1:4]  # the network's inputs colour=blue, colour=green, colour=red
    assert onehot.shape == (3 * (256 + 16), 3)
    assert set(np.unique(onehot).tolist()) == {0.0, 1.0} and (onehot.sum(axis=1) == 1).all()
    seen.seen.clear()
    span = ranges.spans[0]
    across = SurfaceSpec(0, 1, (0.0, 0.0, 3.5), span, (-0.2, 2.2), resolution=8)  # colour as y: 0, 0.34, ..., 2.2
    with pytest.raises(ValueError, match="'colour' holds text labels: it cannot be an axis"):
        decision_surface(seen, across, enc, table.input_levels)
    with pytest.raises(ValueError, match="'colour' holds text labels: it cannot be an axis"):
        output_curve(seen, CurveSpec(1, (1.0, 0.0, 3.5), (0.0, 2.0), 5), enc, table.input_levels)
    for between in (1.5, -1.0, 3.0):
        with pytest.raises(ValueError, match=r"'colour' holds text labels: it is held at one of them "
                                             r"\(blue, green, red\), not at "):
            decision_surface(seen, ranges.spec(0, 2, fixed=(0.0, between, 0.0)), enc, table.input_levels)
    with pytest.raises(ValueError, match="'size' holds numbers: it cannot be held at the label 'red'"):
        output_curve(seen, ranges.curve_spec(2, fixed=("red", "red", 0.0)), enc, table.input_levels)
    assert seen.seen == []  # refused before the network was asked anything


def test_a_label_held_by_name_reads_the_same_whatever_the_tables_order():
    """A label is matched by name: the same plane when the table's labels come in another order (an edit)."""
    from nnplayground.core import TrainingTable

    table, enc, net = mixed_trained()
    order = ("red", "green", "blue")
    recoded = np.array([order.index(table.input_levels[1][int(c)]) for c in table.data[:, 1]], dtype=float)
    data = table.data.copy()
    data[:, 1] = recoded
    other = TrainingTable(table.columns, table.roles, data, (None, order, None, None))
    spec = InputRanges.of(table.X, table.input_levels).spec(fixed=(0.0, "green", 0.0), resolution=6)
    a = decision_surface(net, spec, enc, table.input_levels)
    b = decision_surface(net, spec, enc, other.input_levels)
    np.testing.assert_array_equal(a.values, b.values)


def test_rows_holding_keeps_the_rows_of_the_held_labels():
    table, _enc, _net = mixed_trained()
    colours = table.texts(1)
    for label in ("blue", "green", "red"):
        keep = rows_holding(table.X, table.input_levels, (0.0, label, 0.0))
        assert keep.tolist() == [c == label for c in colours]
    assert rows_holding(table.X, table.input_levels, (0.0, "purple", 0.0)).sum() == 0
    assert rows_holding(table.X, (None, None, None), (0.0, 1.0, 0.0)).all()  # no text input: every row
