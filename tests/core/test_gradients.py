"""Backprop against central finite differences, for every hidden activation × allowed output/loss pair ×
bias × depth; the pairs that cannot train are refused with their reason."""
import itertools
import zlib

import numpy as np
import pytest

from nnplayground.core import LOSSES, Network, TrainingConfig
from nnplayground.core.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from nnplayground.core.config import pairing_problem
from nnplayground.core.losses import get_loss


def loss_at(net, X, y, loss):
    y_hat = net.predict(X)
    return get_loss(loss).value(y_hat, y, y_hat - y)


def numeric_gradient(net, X, y, loss, h=1e-6):
    grad = np.zeros_like(net.parameters)
    for i in range(net.parameters.size):
        keep = net.parameters[i]
        net.parameters[i] = keep + h
        up = loss_at(net, X, y, loss)
        net.parameters[i] = keep - h
        down = loss_at(net, X, y, loss)
        net.parameters[i] = keep
        grad[i] = (up - down) / (2 * h)
    return grad


def allowed_pairs():
    """Every output activation × loss the config accepts (for the problem each needs)."""
    for loss in LOSSES:
        for output in OUTPUT_ACTIVATIONS:
            problem = "multiclass" if output == "softmax" else "binary"
            if pairing_problem(problem, output, loss) is None:
                yield output, loss


PAIRS = list(allowed_pairs())
CASES = list(itertools.product(HIDDEN_ACTIVATIONS, PAIRS, [True, False], [1, 2, 3]))


def test_the_allowed_pairs_are_the_sensible_ones():
    assert set(PAIRS) == {(o, l) for o in ("sigmoid", "tanh", "relu", "linear") for l in ("sse", "mse")} | {
        ("sigmoid", "bce"), ("softmax", "cross_entropy")}


@pytest.mark.parametrize("hidden, pair, use_bias, hidden_layers", CASES,
                         ids=[f"{h}-{o}-{l}-{'bias' if b else 'nobias'}-{d}" for h, (o, l), b, d in CASES])
def test_backprop_matches_finite_differences(hidden, pair, use_bias, hidden_layers):
    output, loss = pair
    rng = np.random.default_rng(zlib.crc32(f"{hidden}{output}{loss}{use_bias}{hidden_layers}".encode()))
    sizes = [3] + [4] * hidden_layers + [3]
    acts = [hidden] * hidden_layers + [output]
    # ReLU: positive weights (the tutorial's init) keep deeper units alive, at the output too; X still
    # has both signs, so the first layer sees both sides of the kink.
    init = "uniform" if "relu" in (hidden, output) else "xavier"
    net = Network(sizes, acts, use_bias=use_bias, seed=int(rng.integers(1 << 31)), init=init)
    if use_bias:
        for b in net.biases:
            b[...] = rng.normal(0, 0.3, b.shape)
    X = rng.normal(size=(5, 3)) * 0.5  # small enough that no sigmoid output rounds to exactly 0 or 1
    if output == "relu":
        X = np.abs(X) + 0.1  # with positive weights every output is then alive (a dead one has no gradient)
    # cross-entropy's targets are one class per row (one-hot); the others any numbers in [0, 1]
    y = np.eye(3)[rng.integers(0, 3, 5)] if loss == "cross_entropy" else rng.random((5, 3))
    dW, db = net.gradients(X, y, loss=loss)
    analytic = np.concatenate([g.ravel() for g in dW + db])
    numeric = numeric_gradient(net, X, y, loss)
    if not use_bias:
        numeric[sum(w.size for w in net.weights):] = 0.0  # a bias that is never added has no gradient
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)
    assert np.abs(analytic).max() > 1e-4  # the check compared real numbers, not zeros


@pytest.mark.parametrize("problem, output, loss, words", [
    ("binary", "tanh", "bce", "loss: bce needs a sigmoid output"),
    ("binary", "linear", "bce", "loss: bce needs a sigmoid output"),
    ("multiclass", "sigmoid", "cross_entropy", "loss: cross_entropy needs a softmax output"),
    ("multiclass", "softmax", "sse", "a softmax output is trained with the cross_entropy loss"),
    ("multiclass", "softmax", "bce", "loss: bce needs a sigmoid output"),
    ("binary", "softmax", "cross_entropy", "softmax gives one probability per class; it needs the multiclass problem"),
    ("regression", "softmax", "cross_entropy", "it needs the multiclass problem, not regression"),
])
def test_pairs_that_cannot_train_are_refused_with_the_reason(problem, output, loss, words):
    assert words in pairing_problem(problem, output, loss)
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        TrainingConfig(problem=problem, output_activation=output, loss=loss)


def test_softmax_with_cross_entropy_sends_back_y_hat_minus_y():
    """The collapsed chain rule: δ at the output is (ŷ − y)/N, so ∂L/∂W_out = a·(ŷ − y)/N."""
    rng = np.random.default_rng(5)
    net = Network([2, 3, 4], ["tanh", "softmax"], seed=1, init="xavier")
    X = rng.normal(size=(6, 2))
    y = np.eye(4)[[0, 1, 2, 3, 1, 0]]
    trace = net.forward(X)
    y_hat, hidden = trace.output, trace.a[1]
    np.testing.assert_allclose(y_hat.sum(axis=1), 1.0, rtol=1e-15)
    dW, db = net.gradients(X, y, loss="cross_entropy")
    np.testing.assert_allclose(dW[1], hidden.T @ (y_hat - y) / 6, rtol=1e-12)
    np.testing.assert_allclose(db[1], (y_hat - y).sum(axis=0) / 6, rtol=1e-12, atol=1e-16)


def test_softmax_is_refused_inside_the_network():
    with pytest.raises(ValueError, match="softmax is for the output layer only"):
        Network([2, 3, 2], ["softmax", "softmax"])
    with pytest.raises(ValueError, match="hidden activation: softmax is for the output layer only"):
        TrainingConfig(activation="softmax")


def test_gradient_is_the_negative_of_the_tutorials_d_weights(article):
    X, y = article
    net = Network([3, 4, 1], use_bias=False, seed=3)
    W1, W2 = net.weights
    s = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    layer1 = s(X @ W1)
    out = s(layer1 @ W2)
    d_weights2 = layer1.T @ (2 * (y - out) * out * (1 - out))
    d_weights1 = X.T @ ((2 * (y - out) * out * (1 - out)) @ W2.T * layer1 * (1 - layer1))
    dW, _ = net.gradients(X, y)
    np.testing.assert_allclose(dW[0], -d_weights1, rtol=1e-13)
    np.testing.assert_allclose(dW[1], -d_weights2, rtol=1e-13)
