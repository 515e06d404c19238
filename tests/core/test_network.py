import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from nnplayground.core import Network


def half_network():
    net = Network([3, 4, 1], use_bias=False)
    for W in net.weights:
        W[...] = 0.5
    return net


def test_forward_matches_hand_computed_values_on_the_tutorials_table(article):
    X, _ = article
    trace = half_network().forward(X)
    # σ(0.5·Σx) for each hidden unit, then σ(4·0.5·a1): worked out by hand with math.exp.
    np.testing.assert_allclose(
        trace.a[1][:, 0], [0.6224593312018546, 0.7310585786300049, 0.7310585786300049, 0.8175744761936437], rtol=1e-15
    )
    np.testing.assert_allclose(
        trace.output.ravel(), [0.7764190180520172, 0.8118562749129378, 0.8118562749129378, 0.8368737732729581],
        rtol=1e-15,
    )
    np.testing.assert_array_equal(trace.z[0][:, 0], [0.5, 1.0, 1.0, 1.5])


def test_gradients_match_hand_computed_values(article):
    X, y = article
    dW, db = half_network().gradients(X, y, loss="sse")
    np.testing.assert_allclose(dW[1].ravel(), [0.27056414822915786] * 4, rtol=1e-14)
    np.testing.assert_allclose(
        dW[0][:, 0], [0.011389230698739608, 0.011389230698739608, 0.037412896776012464], rtol=1e-14
    )
    assert all((b == 0).all() for b in db)  # no bias: no bias gradient


def test_initialisation_follows_the_documented_recipe():
    net = Network([3, 4, 2, 1], seed=7)
    rng = np.random.default_rng(7)
    for W, shape in zip(net.weights, [(3, 4), (4, 2), (2, 1)]):
        np.testing.assert_array_equal(W, rng.random(shape))
    assert all((b == 0).all() for b in net.biases)
    assert [b.shape for b in net.biases] == [(4,), (2,), (1,)]


def test_same_seed_same_weights_and_other_seed_differs():
    a, b, c = Network([3, 8, 1], seed=1), Network([3, 8, 1], seed=1), Network([3, 8, 1], seed=2)
    np.testing.assert_array_equal(a.parameters, b.parameters)
    assert not np.array_equal(a.parameters, c.parameters)


@pytest.mark.parametrize("init", ["xavier", "he"])
def test_other_inits_are_centred_on_zero(init):
    W = Network([200, 200, 1], seed=0, init=init).weights[0]
    assert abs(W.mean()) < 0.01 and W.min() < 0 < W.max()


def test_repr_says_the_shape():
    assert repr(Network([3, 4, 1], use_bias=False)) == "Network([3, 4, 1], activations='sigmoid', use_bias=False)"
    assert "['tanh', 'sigmoid']" in repr(Network([2, 3, 1], activations=["tanh", "sigmoid"]))


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(layer_sizes=[3]), "at least"),
        (dict(layer_sizes=[3, 0, 1]), "positive"),
        (dict(layer_sizes=[3, 2.5, 1]), "whole"),
        (dict(layer_sizes=[3, 4, 1], activations="swish"), "unknown activation"),
        (dict(layer_sizes=[3, 4, 2], activations="softmax"), "softmax is for the output layer only"),
        (dict(layer_sizes=[3, 4, 1], activations=["relu"]), "2 activations"),
        (dict(layer_sizes=[3, 4, 1], init="zeros"), "unknown init"),
    ],
)
def test_bad_construction_is_refused_with_a_reason(kwargs, words):
    with pytest.raises(ValueError, match=words):
        Network(**kwargs)


def test_predict_checks_its_input():
    net = Network([3, 4, 1], seed=0)
    with pytest.raises(ValueError, match="3"):
        net.predict(np.ones((2, 2)))
    with pytest.raises(ValueError, match="NaN"):
        net.predict([[0, np.nan, 1]])
    assert net.predict([0, 1, 1]).shape == (1, 1)


def test_set_parameters_is_all_or_nothing():
    net = Network([3, 4, 1], seed=0)
    before = net.parameters.copy()
    with pytest.raises(ValueError, match="layer 2"):
        net.set_parameters([np.zeros((3, 4)), np.zeros((5, 1))])
    with pytest.raises(ValueError, match="NaN"):
        net.set_parameters([np.zeros((3, 4)), np.full((4, 1), np.nan)])
    np.testing.assert_array_equal(net.parameters, before)
    net.set_parameters([np.ones((3, 4)), np.ones((4, 1))], [np.ones(4), np.ones(1)])
    assert (net.parameters == 1).all()


def test_weights_cannot_be_swapped_out_from_under_the_flat_buffer():
    net = Network([3, 4, 1])
    with pytest.raises(TypeError):
        net.weights[0] = np.zeros((3, 4))
    net.weights[0][0, 0] = 42.0
    assert 42.0 in net.parameters


def test_large_negative_input_saturates_sigmoid_without_warnings():
    net = Network([1, 1], use_bias=False)
    net.weights[0][...] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning would fail the test
        out = net.predict([[-1000.0], [1000.0]])
    np.testing.assert_array_equal(out.ravel(), [0.0, 1.0])


def test_a_table_larger_than_one_block_is_computed_block_by_block_with_the_same_numbers():
    from nnplayground.core.network import BLOCK_ELEMENTS

    rng = np.random.default_rng(4)
    net = Network([5, 64, 16, 2], activations=["tanh", "sigmoid", "linear"], seed=4, init="xavier")
    for b in net.biases:
        b[...] = rng.normal(size=b.shape)
    n = 3 * BLOCK_ELEMENTS // 64 + 17  # more than three blocks, none a whole number of rows
    X, y = rng.normal(size=(n, 5)), rng.normal(size=(n, 2))
    trace = net.forward(X)
    assert len(trace.blocks) == 4
    assert sum(rows[0].a_in.shape[0] for rows in trace.blocks) == n
    assert {rows[0].z.shape[0] for rows in trace.blocks} <= {n // 4, n // 4 + 1}  # even blocks
    # the same maths written out whole-table in NumPy
    a1 = np.tanh(X @ net.weights[0] + net.biases[0])
    a2 = 1 / (1 + np.exp(-(a1 @ net.weights[1] + net.biases[1])))
    y_hat = a2 @ net.weights[2] + net.biases[2]
    np.testing.assert_allclose(trace.output, y_hat, rtol=1e-12, atol=1e-14)
    d3 = 2 * (y_hat - y)
    d2 = d3 @ net.weights[2].T * a2 * (1 - a2)
    d1 = d2 @ net.weights[1].T * (1 - a1 ** 2)
    dW, db = net.gradients(X, y, "sse")
    for got, want in zip(dW + db, [X.T @ d1, a1.T @ d2, a2.T @ d3, d1.sum(0), d2.sum(0), d3.sum(0)]):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-9)


def test_a_stopped_pass_returns_at_once_and_a_stopped_backprop_keeps_the_last_gradients():
    from nnplayground.core.network import Trace, backward_into, forward_into

    class StopAtPoll:
        def __init__(self, n):
            self.n, self.polls = n, 0

        def is_set(self):
            self.polls += 1
            return self.polls >= self.n

    rng = np.random.default_rng(0)
    net = Network([3, 4, 4, 1], seed=0)
    trace = Trace.empty(net.layer_sizes, 6)
    trace.a[0][...] = rng.random((6, 3))
    assert forward_into(net, trace, StopAtPoll(2)) is None  # before the second layer
    assert (trace.a[2] == 0).all() and (trace.a[1] != 0).all()
    assert forward_into(net, trace, StopAtPoll(10)) is trace.a[-1]
    trace.delta[-1][...] = 1.0
    assert backward_into(net, trace)
    gradient = trace.gradient.copy()
    net.weights[2][...] += 1  # another backprop would give other gradients
    for n in range(1, 5):  # before each of the three layers' δ, and before the gradients
        trace.delta[-1][...] = 1.0
        assert not backward_into(net, trace, StopAtPoll(n))
        assert trace.gradient.tobytes() == gradient.tobytes()
    trace.delta[-1][...] = 1.0
    assert backward_into(net, trace, StopAtPoll(5)) and not np.array_equal(trace.gradient, gradient)


def test_a_large_tables_blocks_on_every_core_give_the_one_core_numbers_bit_for_bit(monkeypatch):
    """The engine hands the row blocks of a large table to a pool of threads; each block writes only
    its own rows, so nothing depends on which thread ran it or when."""
    from nnplayground.core.network import BLOCKS, Trace

    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 100))
    net = Network([100, 200, 3], ["tanh", "softmax"], seed=0, init="xavier")
    y = np.eye(3)[rng.integers(0, 3, 3000)]
    assert len(Trace.empty(net.layer_sizes, 3000).blocks) > 1  # the pool has blocks to share
    monkeypatch.setattr(BLOCKS, "workers", 1)
    one = [g.copy() for g in net.gradients(X, y, loss="cross_entropy")[0]], net.predict(X)
    monkeypatch.setattr(BLOCKS, "workers", 2)
    many = [g.copy() for g in net.gradients(X, y, loss="cross_entropy")[0]], net.predict(X)
    assert one[1].tobytes() == many[1].tobytes()
    for a, b in zip(one[0], many[0]):
        assert a.tobytes() == b.tobytes()



ROW_POOL_SCRIPT = """
import json, os
import numpy as np
from nnplayground.core import Network
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # the caller on one core, as during a window's run
Network([8, 512, 1], seed=0).forward(np.random.default_rng(0).random((2000, 8)))  # several blocks: the row pool
import threading
pool = [t for t in threading.enumerate() if t.name.startswith("nnplayground-rows")]
print(json.dumps([sorted(os.sched_getaffinity(t.native_id)) for t in pool]))
"""


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2
                    or not os.path.isdir("/proc/self/task"), reason="needs Linux threads' CPU masks and two CPUs")
def test_the_row_pool_threads_use_every_cpu_whoever_starts_them():
    """A large table's blocks of rows go to a pool of threads; started by a thread pinned to one core (the worker
    during a small network's run), the pool's threads would inherit that core for the rest of the session."""
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", ROW_POOL_SCRIPT], cwd=root, capture_output=True, text=True,
                         timeout=60, check=True).stdout
    masks = json.loads(out)
    assert len(masks) >= 2 and all(mask == sorted(os.sched_getaffinity(0)) for mask in masks)
