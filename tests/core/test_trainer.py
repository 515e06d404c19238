import numpy as np
import pytest

from nnplayground.core import PHASES, DivergenceError, Network, Trainer


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
    ff = trainer.step_phase().values
    np.testing.assert_array_equal(ff["X"], X)
    np.testing.assert_array_equal(ff["a"][-1], trainer.network.predict(X))
    loss = trainer.step_phase().values
    assert loss["loss"] == pytest.approx(((loss["y_hat"] - y) ** 2).sum(), rel=1e-15)
    np.testing.assert_array_equal(loss["error"], loss["y_hat"] - y)
    back = trainer.step_phase().values
    dW, db = trainer.network.gradients(X, y)
    for got, want in zip(back["dW"] + back["db"], list(dW) + list(db)):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(back["dL_dyhat"], 2 * loss["error"])
    up = trainer.step_phase().values
    for before, step, after, grad in zip(up["W_before"], up["step_W"], up["W_after"], back["dW"]):
        np.testing.assert_array_equal(step, 0.5 * grad)
        np.testing.assert_array_equal(after, before - step)
    for before, step, after in zip(up["b_before"], up["step_b"], up["b_after"]):
        np.testing.assert_array_equal(after, before - step)
        assert np.abs(step).max() > 0


def test_phase_results_are_copies(article):
    trainer = make(article)
    ff = trainer.step_phase()
    kept = ff.values["a"][-1].copy()
    trainer.run(10)
    np.testing.assert_array_equal(ff.values["a"][-1], kept)


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
    assert trainer.step_phase().values["y_hat"].shape == (2, 1)


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
    config = TrainingConfig()
    trainer = config.make_trainer(table)
    assert trainer.network.layer_sizes == (3, 4, 1) and not trainer.network.use_bias
    np.testing.assert_array_equal(trainer.network.parameters, Network([3, 4, 1], use_bias=False, seed=0).parameters)
    assert config.same_network(TrainingConfig(learning_rate=0.1, iterations=10))
    assert not config.same_network(TrainingConfig(seed=1))
    assert not config.same_network(TrainingConfig(hidden=(4, 4)))
    with pytest.raises(ValueError, match="unknown activation"):
        TrainingConfig(activation="swish")
    with pytest.raises(ValueError, match="at least one unit"):
        TrainingConfig(hidden=(0,))


def test_a_stop_flag_ends_a_run_started_mid_iteration_after_that_iteration(article):
    import threading

    trainer = make(article)
    trainer.step_phase()  # feedforward of iteration 1
    stop = threading.Event()
    stop.set()
    assert trainer.run(100, stop=stop) == 1
    assert trainer.iteration == 1 and trainer.phase == "feedforward"
    stop.clear()
    assert trainer.run(5, stop=stop) == 5
