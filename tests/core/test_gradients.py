"""Backprop against central finite differences, for every activation × loss × bias × depth."""
import itertools
import zlib

import numpy as np
import pytest

from nnplayground.core import ACTIVATIONS, LOSSES, Network
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


CASES = list(itertools.product(ACTIVATIONS, LOSSES, [True, False], [1, 2, 3]))


@pytest.mark.parametrize("activation, loss, use_bias, hidden_layers", CASES)
def test_backprop_matches_finite_differences(activation, loss, use_bias, hidden_layers):
    rng = np.random.default_rng(zlib.crc32(f"{activation}{loss}{use_bias}{hidden_layers}".encode()))
    sizes = [3] + [4] * hidden_layers + [2]
    # Cross-entropy needs ŷ in (0, 1): keep a sigmoid output there, the chosen activation inside.
    acts = [activation] * hidden_layers + ["sigmoid" if loss == "bce" else activation]
    # ReLU: positive weights (the tutorial's init) keep deeper units alive; X still has both signs,
    # so the first layer sees both sides of the kink.
    init = "uniform" if activation == "relu" else "xavier"
    net = Network(sizes, acts, use_bias=use_bias, seed=int(rng.integers(1 << 31)), init=init)
    if use_bias:
        for b in net.biases:
            b[...] = rng.normal(0, 0.3, b.shape)
    X = rng.normal(size=(5, 3))
    y = rng.random((5, 2))
    dW, db = net.gradients(X, y, loss=loss)
    analytic = np.concatenate([g.ravel() for g in dW + db])
    numeric = numeric_gradient(net, X, y, loss)
    if not use_bias:
        numeric[sum(w.size for w in net.weights):] = 0.0  # a bias that is never added has no gradient
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)
    assert np.abs(analytic).max() > 1e-4  # the check compared real numbers, not zeros


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
