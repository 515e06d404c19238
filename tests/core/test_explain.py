"""The chain-rule breakdown of one parameter sums to the engine's gradient, term by term."""
import itertools

import numpy as np
import pytest

from nnplayground.core import Network, decision_surface, explain_parameter
from nnplayground.core.surface import spec_for


@pytest.mark.parametrize("hidden, activation, loss", [
    ([4], "sigmoid", "sse"), ([5, 3], "tanh", "mse"), ([4, 4, 3], "relu", "sse"), ([3], "sigmoid", "bce"),
])
def test_every_parameters_terms_sum_to_its_gradient(hidden, activation, loss):
    rng = np.random.default_rng(3)
    net = Network([3, *hidden, 2], [activation] * len(hidden) + ["sigmoid"], use_bias=True, seed=1,
                  init="uniform" if activation == "relu" else "xavier")
    for b in net.biases:
        b[...] = rng.normal(0, 0.2, b.shape)
    X, y = rng.normal(size=(6, 3)), rng.random((6, 2))
    dW, db = net.gradients(X, y, loss)
    for layer, W in enumerate(net.weights):
        for i, j in itertools.product(range(W.shape[0]), range(W.shape[1])):
            e = explain_parameter(net, X, y, loss, "W", layer, i, j)
            assert e.gradient == pytest.approx(dW[layer][i, j], rel=1e-12, abs=1e-15)
            assert e.backprop_gradient == dW[layer][i, j]
            np.testing.assert_allclose(e.terms, e.a_in * e.upstream * e.local)
        for j in range(W.shape[1]):
            e = explain_parameter(net, X, y, loss, "b", layer, 0, j)
            assert e.gradient == pytest.approx(db[layer][j], rel=1e-12, abs=1e-15)
            assert (e.a_in == 1).all()


def test_output_weight_is_the_tutorials_three_factors(article):
    X, y = article
    net = Network([3, 4, 1], use_bias=False, seed=0)
    e = explain_parameter(net, X, y, "sse", "W", 1, 2, 0)
    y_hat = net.predict(X)[:, 0]
    a1 = net.forward(X).a[1][:, 2]
    assert e.is_output
    np.testing.assert_allclose(e.upstream, 2 * (y_hat - y[:, 0]))  # ∂L/∂ŷ
    np.testing.assert_allclose(e.local, y_hat * (1 - y_hat))  # ∂ŷ/∂z
    np.testing.assert_allclose(e.a_in, a1)  # ∂z/∂w
    assert e.value == net.weights[1][2, 0]


def test_bad_coordinates_are_refused(article):
    X, y = article
    net = Network([3, 4, 1], seed=0)
    with pytest.raises(ValueError, match="layer 5"):
        explain_parameter(net, X, y, "sse", "W", 5, 0, 0)
    with pytest.raises(ValueError, match="outside"):
        explain_parameter(net, X, y, "sse", "W", 0, 3, 0)
    with pytest.raises(ValueError, match="kind"):
        explain_parameter(net, X, y, "sse", "z", 0, 0, 0)


def test_surface_matches_predict_on_its_grid(article):
    X, _ = article
    net = Network([3, 4, 1], seed=2)
    spec = spec_for(X, 0, 1, resolution=9)
    surface = decision_surface(net, spec)
    assert spec.fixed == (0.5, 0.5, 1.0) and spec.x_range == (-0.1, 1.1)
    gx, gy = np.meshgrid(surface.xs, surface.ys)
    points = np.column_stack([gx.ravel(), gy.ravel(), np.ones(gx.size)])
    np.testing.assert_array_equal(surface.values.ravel(), net.predict(points)[:, 0])
    for r, c in [(0, 0), (4, 7), (8, 8)]:  # one point alone: BLAS may sum in another order
        point = [surface.xs[c], surface.ys[r], 1.0]
        assert surface.values[r, c] == pytest.approx(net.predict([point])[0, 0], rel=1e-15)
    with pytest.raises(ValueError, match="two different"):
        decision_surface(net, spec_for(X, 1, 1))


def test_snapshot_carries_gradients_and_one_rows_activations(article):
    from nnplayground.core import Trainer

    X, y = article
    trainer = Trainer(Network([3, 4, 1], use_bias=False, seed=0), X, y)
    assert trainer.snapshot(row=2).row is None  # nothing fed forward yet
    trainer.step_iteration()
    snap = trainer.snapshot(row=2)
    dW, _ = Network([3, 4, 1], use_bias=False, seed=0).gradients(X, y)
    np.testing.assert_array_equal(snap.gradients[0], dW[0])
    assert snap.row == 2 and len(snap.row_activations) == 3
    np.testing.assert_array_equal(snap.row_activations[0], X[2])


def test_a_trainers_explanation_says_which_weights_it_used(article):
    from nnplayground.core import Trainer

    X, y = article
    trainer = Trainer(Network([3, 4, 1], use_bias=False, seed=0), X, y)
    first = trainer.explain("W", 0, 1, 2)
    assert (first.iteration, first.phase) == (0, "feedforward") and not first.matches_latest_backprop
    for _ in range(3):
        trainer.step_phase()
    between = trainer.explain("W", 0, 1, 2)  # after the backprop, before its update
    assert (between.iteration, between.phase) == (0, "update") and between.matches_latest_backprop
    assert between.backprop_gradient == trainer.snapshot().gradients[0][1, 2]  # the very number backprop gave
    trainer.step_phase()
    after = trainer.explain("W", 0, 1, 2)  # the update moved the weights: the next backprop's gradient
    assert (after.iteration, after.phase) == (1, "feedforward") and not after.matches_latest_backprop
    assert after.value != between.value and after.gradient != pytest.approx(between.gradient, rel=1e-6)
    trainer.run(1)
    assert trainer.snapshot().gradients[0][1, 2] == after.backprop_gradient
    assert explain_parameter(trainer.network, X, y, "sse", "W", 0, 1, 2).phase is None  # no trainer, no mark
