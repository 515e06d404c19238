"""The tutorial reproduced: same initial weights, same numbers, to 1e-12, for all 1500 iterations."""
import numpy as np
import pytest

from nnplayground.core import Network, Trainer, TrainingTable

from ..conftest import ROOT


def tutorial_run(X, y, weights1, weights2, iterations):
    """The tutorial's code, as written there (its loss recorded each iteration, for its plot)."""
    sigmoid = lambda x: 1.0 / (1 + np.exp(-x))  # noqa: E731
    sigmoid_derivative = lambda x: x * (1.0 - x)  # noqa: E731
    weights1, weights2, losses = weights1.copy(), weights2.copy(), []
    for _ in range(iterations):
        layer1 = sigmoid(np.dot(X, weights1))
        output = sigmoid(np.dot(layer1, weights2))
        losses.append(np.sum((y - output) ** 2))
        d_weights2 = np.dot(layer1.T, (2 * (y - output) * sigmoid_derivative(output)))
        d_weights1 = np.dot(X.T, (np.dot(2 * (y - output) * sigmoid_derivative(output), weights2.T) * sigmoid_derivative(layer1)))  # noqa: E501
        weights1 += d_weights1
        weights2 += d_weights2
    return weights1, weights2, np.array(losses), sigmoid(np.dot(sigmoid(np.dot(X, weights1)), weights2))


@pytest.mark.parametrize("seed", [0, 1, 2025])
def test_1500_iterations_give_the_tutorials_numbers(seed):
    table = TrainingTable.from_csv(ROOT / "resources" / "examples" / "article.csv")
    net = Network([3, 4, 1], "sigmoid", use_bias=False, seed=seed)
    w1, w2, losses, predictions = tutorial_run(table.X, table.y, *net.weights, 1500)
    trainer = Trainer(net, table.X, table.y, loss="sse", learning_rate=1.0)
    trainer.run(1500)
    np.testing.assert_allclose(net.weights[0], w1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(net.weights[1], w2, rtol=0, atol=1e-12)
    np.testing.assert_allclose(trainer.history, losses, rtol=0, atol=1e-12)
    np.testing.assert_allclose(net.predict(table.X), predictions, rtol=0, atol=1e-12)


def test_loss_falls_monotonically_and_predictions_reach_the_targets(article):
    X, y = article
    trainer = Trainer(Network([3, 4, 1], use_bias=False, seed=0), X, y)
    trainer.run(1500)
    assert (np.diff(trainer.history) < 0).all()
    assert trainer.history[0] > 0.5 > 0.01 > trainer.history[-1]
    np.testing.assert_allclose(trainer.network.predict(X).ravel(), [0, 1, 1, 0], atol=0.05)


def test_shipped_example_is_the_shared_reference_table():
    shared = ROOT.parent / "shared" / "reference" / "article_table.csv"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    ours = TrainingTable.from_csv(ROOT / "resources" / "examples" / "article.csv")
    theirs = TrainingTable.from_csv(shared)
    assert ours == theirs
