"""ŷ against one input (the 1-input view) and the dispatch the worker uses: same numbers as predict."""
import numpy as np
import pytest

from nnplayground.core import Network, decision_surface
from nnplayground.core.surface import (
    Curve, CurveSpec, InputRanges, Surface, output_curve, output_view, spec_for,
)


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
