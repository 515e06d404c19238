import dataclasses
import threading
import time

import numpy as np
import pytest

from nnplayground.core import (PHASES, BackpropResult, DivergenceError, FeedforwardResult, LossResult, Network,
                               Trainer, UpdateResult)


def make(article, **kw):
    X, y = article
    net_kw = {k: kw.pop(k) for k in ("use_bias", "activations") if k in kw}
    net = Network([3, 4, 1], seed=kw.pop("seed", 0), **{"use_bias": False, **net_kw})
    return Trainer(net, X, y, **kw)


def test_phases_cycle_in_the_tutorials_order(article):
    trainer = make(article)
    seen = []
    for _ in range(8):
        assert trainer.phase == PHASES[len(seen) % 4]
        seen.append(trainer.step_phase().phase)
    assert seen == list(PHASES) * 2
    assert trainer.iteration == 2 and len(trainer.history) == 2


def test_four_phases_equal_one_iteration_equal_run_one(article):
    by_phase, by_iteration, by_run = make(article), make(article), make(article)
    for _ in range(4):
        by_phase.step_phase()
    by_iteration.step_iteration()
    by_run.run(1)
    for t in (by_iteration, by_run):
        np.testing.assert_array_equal(t.network.parameters, by_phase.network.parameters)
        np.testing.assert_array_equal(t.history, by_phase.history)


def test_stepping_and_running_give_bit_identical_histories(article):
    stepped, ran = make(article, use_bias=True, learning_rate=0.5), make(article, use_bias=True, learning_rate=0.5)
    for _ in range(30):
        stepped.step_iteration()
    ran.run(30)
    np.testing.assert_array_equal(stepped.history, ran.history)
    np.testing.assert_array_equal(stepped.network.parameters, ran.network.parameters)


def test_same_seed_gives_bit_identical_runs(article):
    a = make(article, seed=5, use_bias=True, learning_rate=0.3)
    b = make(article, seed=5, use_bias=True, learning_rate=0.3)
    a.run(500)
    b.run(500)
    assert a.history.tobytes() == b.history.tobytes()
    assert a.network.parameters.tobytes() == b.network.parameters.tobytes()


def test_each_phase_reports_what_it_computed(article):
    X, y = article
    trainer = make(article, use_bias=True, learning_rate=0.5)
    start = trainer.network.copy()
    ff = trainer.step_phase()
    assert isinstance(ff, FeedforwardResult) and (ff.phase, ff.iteration) == ("feedforward", 0)
    forward = start.forward(X)
    np.testing.assert_array_equal(ff.X, X)
    for got, want in zip(ff.z + ff.a, forward.z + forward.a[1:]):
        np.testing.assert_array_equal(got, want)
    loss = trainer.step_phase()
    assert isinstance(loss, LossResult) and (loss.phase, loss.iteration) == ("loss", 0)
    np.testing.assert_array_equal(loss.y_hat, ff.a[-1])
    np.testing.assert_array_equal(loss.y, y)
    np.testing.assert_array_equal(loss.error, loss.y_hat - y)
    assert loss.loss == pytest.approx(((loss.y_hat - y) ** 2).sum(), rel=1e-15)
    back = trainer.step_phase()
    assert isinstance(back, BackpropResult) and (back.phase, back.iteration) == ("backprop", 0)
    dW, db = start.gradients(X, y)
    for got, want in zip(back.dW + back.db, list(dW) + list(db)):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(back.dL_dyhat, 2 * loss.error)
    np.testing.assert_array_equal(back.delta[-1], back.dL_dyhat * ((1 - ff.a[-1]) * ff.a[-1]))  # δ = ∂L/∂ŷ·σ′
    up = trainer.step_phase()
    assert isinstance(up, UpdateResult) and (up.phase, up.iteration, up.learning_rate) == ("update", 0, 0.5)
    for before, step, after, grad, start_W, now in zip(up.W_before, up.step_W, up.W_after, back.dW,
                                                       start.weights, trainer.network.weights):
        np.testing.assert_array_equal(before, start_W)
        np.testing.assert_array_equal(step, 0.5 * grad)
        np.testing.assert_array_equal(after, before - step)
        np.testing.assert_array_equal(after, now)
    for before, step, after, grad in zip(up.b_before, up.step_b, up.b_after, back.db):
        np.testing.assert_array_equal(step, 0.5 * grad)
        np.testing.assert_array_equal(after, before - step)
        assert np.abs(step).max() > 0
    assert trainer.step_phase().iteration == 1  # the next feedforward belongs to the next iteration


def test_phase_results_hold_hand_computed_numbers():
    # One input row through 2 -> 1 -> 1 linear units, small enough to check on paper:
    # z1 = 1·1 + 1·2 + 0.5 = 3.5;  ŷ = 3.5·3 − 1 = 9.5;  L = (9.5 − 2)² = 56.25;  ∂L/∂ŷ = 15;
    # δ2 = 15, ∂L/∂W2 = 3.5·15 = 52.5, ∂L/∂b2 = 15;  δ1 = 15·3 = 45, ∂L/∂W1 = [45, 45], ∂L/∂b1 = 45.
    net = Network([2, 1, 1], activations="linear", use_bias=True)
    net.set_parameters([[[1.0], [2.0]], [[3.0]]], [[0.5], [-1.0]])
    trainer = Trainer(net, [[1.0, 1.0]], [[2.0]], learning_rate=0.25)
    ff, loss, back, up = (trainer.step_phase() for _ in range(4))
    assert ff.z[0][0, 0] == 3.5 and ff.a[-1][0, 0] == 9.5
    assert loss.error[0, 0] == 7.5 and loss.loss == 56.25
    assert back.dL_dyhat[0, 0] == 15.0 and back.delta[1][0, 0] == 15.0 and back.delta[0][0, 0] == 45.0
    np.testing.assert_array_equal(back.dW[1], [[52.5]])
    np.testing.assert_array_equal(back.dW[0], [[45.0], [45.0]])
    np.testing.assert_array_equal(np.concatenate(back.db), [45.0, 15.0])
    np.testing.assert_array_equal(up.W_after[0], [[1 - 0.25 * 45], [2 - 0.25 * 45]])
    np.testing.assert_array_equal(up.W_after[1], [[3 - 0.25 * 52.5]])
    np.testing.assert_array_equal(np.concatenate(up.b_after), [0.5 - 0.25 * 45, -1 - 0.25 * 15])


def test_phase_results_are_read_only_copies(article):
    trainer = make(article, use_bias=True)
    results = [trainer.step_phase() for _ in range(4)]
    kept = [[a.copy() for a in arrays_of(r)] for r in results]
    trainer.run(10)
    for result, copies in zip(results, kept):
        for arr, copy in zip(arrays_of(result), copies):
            np.testing.assert_array_equal(arr, copy)  # training moved on; the result did not
            assert not arr.flags.writeable
            with pytest.raises(ValueError, match="read-only"):
                arr[...] = 0
        with pytest.raises(AttributeError):
            result.iteration = 5


def arrays_of(result):
    out = []
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        out += [value] if isinstance(value, np.ndarray) else [v for v in value] if isinstance(value, tuple) else []
    assert out
    return out


def test_run_from_mid_iteration_finishes_it_first(article):
    trainer, reference = make(article), make(article)
    trainer.step_phase()
    trainer.step_phase()
    assert trainer.run(3) == 3
    reference.run(3)
    assert trainer.phase == "feedforward" and trainer.iteration == 3
    np.testing.assert_array_equal(trainer.network.parameters, reference.network.parameters)


def test_on_progress_sees_every_iteration_and_can_stop(article):
    trainer, seen = make(article), []
    done = trainer.run(100, on_progress=lambda i, loss: seen.append((i, loss)) or i == 7)
    assert done == 7 and trainer.iteration == 7
    assert [i for i, _ in seen] == list(range(1, 8))
    assert [loss for _, loss in seen] == list(trainer.history)


def test_learning_rate_applies_from_the_next_update(article):
    a, b = make(article), make(article)
    a.run(5)
    b.run(5)
    a.learning_rate = 0.1
    g = a.network.gradients(a.X, a.y)[0][0]
    before = a.network.weights[0].copy()
    a.run(1)
    np.testing.assert_allclose(a.network.weights[0], before - 0.1 * g, rtol=1e-15)
    with pytest.raises(ValueError, match="positive"):
        a.learning_rate = 0
    with pytest.raises(ValueError, match="positive"):
        a.learning_rate = float("nan")


def test_history_grows_past_its_first_buffer(article):
    trainer = make(article)
    trainer.run(3000)
    assert trainer.history.shape == (3000,)
    assert np.isfinite(trainer.history).all()


def test_divergence_stops_with_a_clear_error_and_keeps_finite_weights(article):
    X, y = article
    net = Network([3, 4, 1], activations="linear", use_bias=True, seed=0)
    trainer = Trainer(net, X, y, learning_rate=50.0)
    with pytest.raises(DivergenceError, match="diverged"):
        trainer.run(10_000)
    assert np.isfinite(net.parameters).all()
    assert trainer.iteration < 10_000
    assert np.isfinite(trainer.history).all()


def test_an_overflowing_step_is_refused_before_it_touches_the_weights(article):
    X, y = article
    net = Network([3, 4, 1], activations="linear", use_bias=False, seed=0)
    initial = net.parameters.copy()
    trainer = Trainer(net, X, y, learning_rate=1e308)  # finite, but η·g is not
    with pytest.raises(DivergenceError, match="step blew up at iteration 1"):
        trainer.run(5)
    np.testing.assert_array_equal(net.parameters, initial)


def test_saturated_sigmoid_is_not_divergence(article):
    # A huge step pins every sigmoid at 0 or 1; the gradient is then exactly 0 and training stalls,
    # finite. That is a bad learning rate, not NaN: nothing to stop.
    trainer = make(article, learning_rate=1e100)
    trainer.run(20)
    assert np.isfinite(trainer.network.parameters).all() and np.isfinite(trainer.history).all()


def test_bad_data_is_refused(article):
    X, y = article
    net = Network([3, 4, 1])
    with pytest.raises(ValueError, match="columns"):
        Trainer(net, X[:, :2], y)
    with pytest.raises(ValueError, match="rows"):
        Trainer(net, X, y[:3])
    with pytest.raises(ValueError, match="NaN"):
        Trainer(net, np.where(X == 1, np.inf, X), y)
    with pytest.raises(ValueError, match="unknown loss"):
        Trainer(net, X, y, loss="hinge")


def test_set_data_restarts_the_cycle_and_trains_on_the_new_table(article):
    X, y = article
    trainer = make(article)
    trainer.step_phase()
    trainer.set_data(X[:2], y[:2])
    assert trainer.phase == "feedforward"
    trainer.step_phase()
    assert trainer.step_phase().y_hat.shape == (2, 1)


def test_snapshot_is_an_immutable_copy(article):
    trainer = make(article)
    trainer.run(10)
    snap = trainer.snapshot(history_start=4)
    assert snap.iteration == 10 and snap.history_start == 4 and snap.history.shape == (6,)
    np.testing.assert_array_equal(snap.history, trainer.history[4:])
    with pytest.raises(ValueError):
        snap.weights[0][0, 0] = 1.0
    trainer.run(1)
    assert not np.array_equal(snap.weights[0], trainer.network.weights[0])


def test_config_builds_the_tutorials_trainer_and_knows_what_needs_a_reset(article):
    from nnplayground.core import TrainingConfig, TrainingTable

    table = TrainingTable.from_csv_text("x1,x2,x3,y\n0,0,1,0\n0,1,1,1\n1,0,1,1\n1,1,1,0\n")
    config = TrainingConfig(use_bias=False)  # the tutorial has no biases (the default may have)
    trainer = config.make_trainer(table)
    assert trainer.network.layer_sizes == (3, 4, 1) and not trainer.network.use_bias
    np.testing.assert_array_equal(trainer.network.parameters, Network([3, 4, 1], use_bias=False, seed=0).parameters)
    assert config.same_network(TrainingConfig(use_bias=False, learning_rate=0.1, iterations=10))
    assert not config.same_network(TrainingConfig(seed=1))
    assert not config.same_network(TrainingConfig(hidden=(4, 4)))
    with pytest.raises(ValueError, match="unknown activation"):
        TrainingConfig(activation="swish")
    with pytest.raises(ValueError, match="at least one unit"):
        TrainingConfig(hidden=(0,))


def test_a_stop_flag_set_before_a_run_changes_nothing(article):
    trainer = make(article)
    trainer.step_phase()  # feedforward of iteration 1
    stop = threading.Event()
    stop.set()
    assert trainer.run(100, stop=stop) == 0
    assert trainer.iteration == 0 and trainer.phase == "loss"
    stop.clear()
    assert trainer.run(5, stop=stop) == 5


class StopAtPoll:
    """A stop flag that reads as set from its n-th poll on: a stop arriving at one exact point."""

    def __init__(self, n: int):
        self.n, self.polls = n, 0

    def is_set(self) -> bool:
        self.polls += 1
        return self.polls >= self.n


def large_trainer(seed=3, learning_rate=0.05):
    """Large enough that run() polls between layers, in two blocks of rows."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(10_000, 3))
    y = (np.sin(X.sum(axis=1, keepdims=True)) > 0).astype(float)
    net = Network([3, 32, 32, 1], activations=["tanh", "relu", "sigmoid"], use_bias=True, seed=seed, init="xavier")
    return Trainer(net, X, y, loss="mse", learning_rate=learning_rate)


@pytest.mark.parametrize("learning_rate", [0.05, 1.0])  # run() has a separate step for η = 1
def test_a_stop_between_layers_abandons_the_iteration_and_resuming_is_bit_identical(learning_rate):
    counter = StopAtPoll(10**9)
    large_trainer(learning_rate=learning_rate).run(1, stop=counter)
    polls = counter.polls  # every point one iteration polls: each layer of each block, the gradients, the end
    assert polls >= 2 * 3 * 2 + 2

    reference = large_trainer(learning_rate=learning_rate)
    reference.run(5)
    for n in range(1, polls):  # a stop at every point inside the second iteration
        trainer = large_trainer(learning_rate=learning_rate)
        trainer.run(1)
        before = trainer.snapshot()
        params = trainer.network.parameters.copy()
        assert trainer.run(4, stop=StopAtPoll(n)) == 0
        after = trainer.snapshot()
        assert trainer.network.parameters.tobytes() == params.tobytes()
        assert (after.iteration, after.phase, after.loss) == (1, "feedforward", before.loss)
        assert after.history.tobytes() == before.history.tobytes()
        for got, want in zip(after.gradients + after.bias_gradients, before.gradients + before.bias_gradients):
            assert got.tobytes() == want.tobytes()  # the last complete backprop's, not a half-done one
        assert after.predictions is None and trainer.snapshot(row=0).row is None  # until a whole feedforward
        assert trainer.run(4) == 4
        assert trainer.network.parameters.tobytes() == reference.network.parameters.tobytes()
        assert trainer.history.tobytes() == reference.history.tobytes()
    ended = large_trainer(learning_rate=learning_rate)
    assert ended.run(4, stop=StopAtPoll(polls)) == 1  # the last poll comes after the iteration: it counts


def test_a_stopped_phase_leaves_the_trainer_at_that_phase():
    trainer, reference = large_trainer(), large_trainer()
    reference.run(2)
    trainer.run(1)
    assert trainer.step_phase(stop=StopAtPoll(3)) is None  # inside the feedforward
    assert trainer.phase == "feedforward" and trainer.snapshot().predictions is None
    trainer.step_phase()
    trainer.step_phase()
    gradients = trainer.snapshot().gradients
    assert trainer.step_phase(stop=StopAtPoll(4)) is None  # inside the backprop
    assert trainer.phase == "backprop" and trainer.snapshot().predictions is not None
    for got, want in zip(trainer.snapshot().gradients, gradients):
        assert got.tobytes() == want.tobytes()
    assert trainer.step_iteration(stop=StopAtPoll(2)) is None and trainer.phase == "backprop"
    assert trainer.step_iteration() is not None and trainer.iteration == 2
    assert trainer.network.parameters.tobytes() == reference.network.parameters.tobytes()


def test_a_stop_from_another_thread_ends_one_huge_iteration_within_a_fraction_of_a_second():
    # 300,000 rows into 256 hidden units: one iteration moves ~2.5 GB and takes a second or more on a
    # laptop. Closing the window must not wait for it.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300_000, 3))
    y = (X @ [[1.0], [-2.0], [0.5]] > 0).astype(float)
    trainer = Trainer(Network([3, 256, 1], seed=0, init="xavier"), X, y, learning_rate=1e-5)
    stop = threading.Event()
    returned = []
    polled = threading.Event()

    class Flag:  # tells the test that the run has started polling: it is inside an iteration
        def is_set(self):
            polled.set()
            return stop.is_set()

    def train():
        trainer.run(1000, stop=Flag())
        returned.append(time.perf_counter())

    thread = threading.Thread(target=train)
    thread.start()
    assert polled.wait(30)
    time.sleep(0.15)
    asked = time.perf_counter()
    stop.set()
    thread.join(10)
    assert not thread.is_alive()
    latency = returned[0] - asked
    assert latency < 0.25, f"stopping took {latency:.3f} s"
    assert trainer.iteration == len(trainer.history) and trainer.phase == "feedforward"


def test_snapshot_says_when_its_predictions_are_from_before_the_update(article):
    """ŷ is the latest feedforward's: after an update it belongs to the weights before it, and the
    window says so (tested against the prediction of the weights the snapshot holds)."""
    X, y = article
    trainer = Trainer(Network([3, 4, 1], use_bias=False, seed=0), X, y)
    for _ in range(8):  # two whole iterations, phase by phase
        trainer.step_phase()
        snap = trainer.snapshot()
        net = Network([3, 4, 1], use_bias=False)
        net.set_parameters(snap.weights, snap.biases)
        matches = np.array_equal(snap.predictions, net.predict(X))
        assert snap.predictions_before_update == (not matches) == (snap.phase == "feedforward")
    trainer.run(5)
    assert trainer.snapshot().predictions_before_update
