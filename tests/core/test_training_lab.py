"""Mini-batches, optimizers, schedules, penalties, validation rows and early stopping in the trainer:
each against an independent implementation written here (plain NumPy on the network's own gradients),
and the tutorial's full-batch update untouched."""
import math
from dataclasses import replace

import numpy as np
import pytest

from nnplayground.core import Network, Trainer, TrainingConfig, TrainingTable
from nnplayground.core.datasets import generate
from nnplayground.core.session import Session, load_session, save_session
from nnplayground.core.split import split_rows
from nnplayground.core.trainer import FeedforwardResult

from ..conftest import EXAMPLES
from ..corpus import edited_session, session_of, typed_cells

RNG = np.random.default_rng(7)
X20 = RNG.normal(size=(20, 3))
Y20 = (X20.sum(axis=1, keepdims=True) > 0).astype(float)


def fresh(seed=3):
    return Network([3, 5, 1], ["tanh", "sigmoid"], use_bias=True, seed=seed, init="xavier")


# -- independent update rules (PyTorch's documentation), on flat parameter vectors ------------------
class Rule:
    def __init__(self, name, **h):
        self.name, self.h, self.state, self.t = name, h, {}, 0

    def step(self, g, lr):
        self.t += 1
        h, s = self.h, self.state
        if self.name == "sgd":
            mu = h.get("momentum", 0.0)
            if not mu:
                return lr * g
            s["v"] = mu * s["v"] + g if "v" in s else g.copy()
            return lr * (g + mu * s["v"]) if h.get("nesterov") else lr * s["v"]
        if self.name == "rmsprop":
            s["s"] = h["rho"] * s.get("s", 0.0) + (1 - h["rho"]) * g * g
            return lr * g / (np.sqrt(s["s"]) + h["eps"])
        s["m"] = h["beta1"] * s.get("m", 0.0) + (1 - h["beta1"]) * g
        s["v"] = h["beta2"] * s.get("v", 0.0) + (1 - h["beta2"]) * g * g
        m_hat = s["m"] / (1 - h["beta1"] ** self.t)
        v_hat = s["v"] / (1 - h["beta2"] ** self.t)
        return lr * m_hat / (np.sqrt(v_hat) + h["eps"])


def flat_gradient(net, X, y, loss, l2=0.0, l1=0.0):
    dW, db = net.gradients(X, y, loss=loss)
    g = np.concatenate([w.ravel() for w in dW] + [b.ravel() for b in db])
    n_w = sum(w.size for w in net.weights)
    w = net.parameters[:n_w]
    g[:n_w] += l2 * w + l1 * np.sign(w)
    return g


def batches(n, size, seed, epochs):
    """The batches the issue specifies: one generator from the seed, a permutation per epoch, taken in
    order, the last one smaller."""
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, size):
            yield order[start:start + size]


OPTIMIZERS = [
    ("sgd", {}), ("sgd", {"momentum": 0.9}), ("sgd", {"momentum": 0.8, "nesterov": True}),
    ("rmsprop", {"rho": 0.9, "eps": 1e-8}), ("adam", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
]


@pytest.mark.parametrize("name, hyper", OPTIMIZERS, ids=[f"{n}-{'-'.join(h)}" for n, h in OPTIMIZERS])
@pytest.mark.parametrize("batch", [None, 6])
def test_each_optimizer_follows_its_rule_for_100_steps(name, hyper, batch):
    from nnplayground.core import make_optimizer

    trainer = Trainer(fresh(), X20, Y20, "bce", 0.05, optimizer=make_optimizer(name, **hyper),
                      batch_size=batch, shuffle_seed=11)
    twin, rule = fresh(), Rule(name, **hyper)
    rows = batches(20, batch or 20, 11, 100) if batch else (np.arange(20) for _ in range(100))
    for _, idx in zip(range(100), rows):
        g = flat_gradient(twin, X20[idx], Y20[idx], "bce")
        twin.parameters[:] -= rule.step(g, 0.05)
    trainer.run(100)
    np.testing.assert_allclose(trainer.network.parameters, twin.parameters, rtol=1e-12, atol=1e-12)
    assert trainer.iteration == 100 and trainer.epoch == (100 if batch is None else 25)


def test_full_batch_plain_sgd_is_the_tutorials_update_bit_for_bit(article):
    X, y = article
    old = Trainer(Network([3, 4, 1], use_bias=False, seed=0), X, y)
    new = Trainer(Network([3, 4, 1], use_bias=False, seed=0), X, y, optimizer="sgd", batch_size=None,
                  shuffle_seed=5, l2=0.0, l1=0.0, schedule="constant")
    old.run(300)
    for _ in range(75):
        new.step_iteration()
    new.run(225)
    assert old.network.parameters.tobytes() == new.network.parameters.tobytes()
    assert old.history.tobytes() == new.history.tobytes()


def test_a_batch_as_large_as_the_table_is_the_whole_table():
    a, b = Trainer(fresh(), X20, Y20, batch_size=20), Trainer(fresh(), X20, Y20)
    a.run(50)
    b.run(50)
    assert a.network.parameters.tobytes() == b.network.parameters.tobytes()


def test_mini_batches_take_the_rows_in_the_shuffle_seeds_order_and_say_which():
    trainer = Trainer(fresh(), X20, Y20, batch_size=8, shuffle_seed=4, rows=np.arange(100, 120))
    expected = list(batches(20, 8, 4, 2))
    assert [len(b) for b in expected] == [8, 8, 4, 8, 8, 4]
    for i, idx in enumerate(expected):
        ff = trainer.step_phase()
        assert isinstance(ff, FeedforwardResult) and ff.epoch == i // 3
        assert (ff.batch, ff.batches) == (i % 3, 3)  # "batch 2 of 3 in epoch 1", as the inspector says it
        np.testing.assert_array_equal(ff.rows, idx + 100)  # table rows, as the inspector names them
        np.testing.assert_array_equal(ff.X, X20[idx])
        trainer.step_phase(), trainer.step_phase(), trainer.step_phase()
    assert (trainer.iteration, trainer.epoch, trainer.iterations_per_epoch) == (6, 2, 3)
    again = Trainer(fresh(), X20, Y20, batch_size=8, shuffle_seed=4)
    again.run(6)
    assert again.network.parameters.tobytes() == trainer.network.parameters.tobytes()
    other = Trainer(fresh(), X20, Y20, batch_size=8, shuffle_seed=5)
    other.run(6)
    assert other.network.parameters.tobytes() != trainer.network.parameters.tobytes()


def test_a_stopped_iteration_restarts_on_the_same_batch():
    class StopOnce:
        def __init__(self):
            self.calls = 0

        def is_set(self):
            self.calls += 1
            return self.calls == 2  # inside the first feedforward

    trainer = Trainer(fresh(), X20, Y20, batch_size=8, shuffle_seed=4)
    trainer.run(1)
    assert trainer.step_phase(stop=StopOnce()) is None  # the second batch's feedforward, abandoned half-way
    assert (trainer.iteration, trainer.phase) == (1, "feedforward")
    trainer.run(2)
    twin = Trainer(fresh(), X20, Y20, batch_size=8, shuffle_seed=4)
    twin.run(3)
    assert trainer.network.parameters.tobytes() == twin.network.parameters.tobytes()


@pytest.mark.parametrize("l2, l1", [(0.1, 0.0), (0.0, 0.05), (0.2, 0.03)])
def test_penalties_match_finite_differences_and_show_apart(l2, l1):
    net = fresh()
    trainer = Trainer(net, X20, Y20, "mse", 0.1, l2=l2, l1=l1)
    _, loss, back = trainer.step_phase(), trainer.step_phase(), trainer.step_phase()
    weights = np.concatenate([w.ravel() for w in net.weights])
    assert loss.penalty == pytest.approx(0.5 * l2 * weights @ weights + l1 * np.abs(weights).sum(), rel=1e-14)
    assert loss.loss == loss.data_loss + loss.penalty
    for share, W in zip(back.penalty_dW, net.weights):
        np.testing.assert_allclose(share, l2 * W + l1 * np.sign(W), rtol=1e-15)

    def total(params):
        keep = net.parameters.copy()
        net.parameters[:] = params
        y_hat = net.predict(X20)
        w = np.concatenate([x.ravel() for x in net.weights])
        value = np.mean((y_hat - Y20) ** 2) + 0.5 * l2 * w @ w + l1 * np.abs(w).sum()
        net.parameters[:] = keep
        return value

    analytic = np.concatenate([d.ravel() for d in back.dW + back.db])
    numeric = np.empty_like(analytic)
    for i in range(analytic.size):
        up, down = net.parameters.copy(), net.parameters.copy()
        up[i] += 1e-6
        down[i] -= 1e-6
        numeric[i] = (total(up) - total(down)) / 2e-6
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_penalties_follow_their_rule_over_a_run():
    trainer = Trainer(fresh(), X20, Y20, "bce", 0.2, l2=0.05, l1=0.01, batch_size=5, shuffle_seed=2)
    twin = fresh()
    for idx in batches(20, 5, 2, 10):
        twin.parameters[:] -= 0.2 * flat_gradient(twin, X20[idx], Y20[idx], "bce", 0.05, 0.01)
    trainer.run(40)
    np.testing.assert_allclose(trainer.network.parameters, twin.parameters, rtol=1e-12, atol=1e-13)


def test_schedules_lower_the_rate_by_completed_epochs():
    from nnplayground.core import StepDecay

    trainer = Trainer(fresh(), X20, Y20, "bce", 0.4, batch_size=10, schedule=StepDecay(step_size=2, gamma=0.5))
    rates = []
    for _ in range(10):
        for _ in range(3):
            trainer.step_phase()
        rates.append(trainer.step_phase().learning_rate)
    # two batches an epoch: epochs 0, 0, 1, 1 at 0.4, then 2, 2, 3, 3 at 0.2, then 0.1
    assert rates == [0.4] * 4 + [0.2] * 4 + [0.1] * 2
    assert trainer.current_learning_rate == 0.1 and trainer.snapshot().learning_rate == 0.1


def test_validation_loss_is_measured_after_each_epoch_on_rows_never_trained_on():
    X_val, y_val = X20[:6] * 2, Y20[:6]
    trainer = Trainer(fresh(), X20[6:], Y20[6:], "bce", 0.3, batch_size=7, X_val=X_val, y_val=y_val)
    trainer.run(6)
    its, losses = trainer.validation_history
    assert its.tolist() == [2, 4, 6]  # two batches an epoch
    y_hat = trainer.network.predict(X_val)
    p = np.clip(y_hat, 1e-12, 1 - 1e-12)
    expected = -np.mean(y_val * np.log(p) + (1 - y_val) * np.log1p(-p))
    assert losses[-1] == pytest.approx(expected, rel=1e-12)


def test_the_validation_loss_compares_with_the_training_loss_penalty_and_row_count_alike():
    """sse sums over rows: on 6 validation rows against batches of 7 it is scaled to 7 rows; the L2/L1
    penalty the training loss carries is added too. Otherwise a curve below the other says nothing."""
    X_val, y_val = X20[:6] * 2, Y20[:6]
    trainer = Trainer(fresh(), X20[6:], Y20[6:], "sse", 0.3, batch_size=7, X_val=X_val, y_val=y_val,
                      l2=0.01, l1=0.002)
    trainer.run(4)
    W = np.concatenate([w.ravel() for w in trainer.network.weights])
    penalty = 0.5 * 0.01 * np.sum(W ** 2) + 0.002 * np.sum(np.abs(W))
    sse_val = np.sum((trainer.network.predict(X_val) - y_val) ** 2)
    assert trainer.validation_history[1][-1] == pytest.approx(sse_val * 7 / 6 + penalty, rel=1e-12)


def noisy_moons(n=100, seed=0):
    return generate("moons", n_points=n, noise=0.2, seed=seed)


def overfit_config(**changes):
    config = TrainingConfig(problem="binary", hidden=(32, 32), activation="tanh", output_activation="sigmoid",
                            loss="bce", scaling=False, learning_rate=0.003, iterations=3000, seed=0, use_bias=True,
                            init="xavier", optimizer="adam", validation=0.5, split_seed=1)
    return replace(config, **changes)


def test_a_large_network_overfits_a_small_noisy_table_and_l2_or_early_stopping_change_that():
    """Training loss falls while the validation loss rises; an L2 penalty keeps the validation loss
    lower, and early stopping gives back the weights of its best epoch."""
    table = noisy_moons()
    plain = overfit_config().make_trainer(table)
    plain.run(3000)
    its, val = plain.validation_history
    assert plain.history[-1] < 0.01 * plain.history[300]  # training keeps improving (to ~1e-4)
    best = int(np.argmin(val))
    assert 100 < its[best] < 1000 and val[-1] > 3 * val[best]  # …while validation got worse after its best

    penalised = overfit_config(l2=0.01).make_trainer(table)
    penalised.run(3000)
    y_hat = np.clip(penalised.network.predict(penalised.X_val), 1e-12, 1 - 1e-12)
    y_val = penalised.y_val
    data_loss = -np.mean(y_val * np.log(y_hat) + (1 - y_val) * np.log1p(-y_hat))  # its curve adds the penalty
    assert data_loss < 0.3 * val[-1]

    early = overfit_config(patience=100).make_trainer(table)
    done = early.run(3000)
    stop = early.early_stop
    assert stop is not None and done == stop.stopped_at < 3000 and stop.stopped_at - stop.best_iteration == 100
    assert early.validation_loss() == pytest.approx(stop.best_loss, rel=1e-12)  # the best weights are back
    assert early.validation_loss() < val[-1]


def test_validation_rows_are_stratified_and_come_from_the_seed():
    labels = np.array([0] * 30 + [1] * 10)
    held = split_rows(40, 0.25, 3, labels)
    assert held.sum() == 10 and held[labels == 1].sum() in (2, 3)
    assert np.array_equal(held, split_rows(40, 0.25, 3, labels))
    assert not np.array_equal(held, split_rows(40, 0.25, 4, labels))
    table = TrainingTable.from_csv(EXAMPLES / "iris.csv")
    config = replace(TrainingConfig(problem="multiclass", output_activation="softmax", loss="cross_entropy",
                                    scaling=True, init="xavier", activation="tanh"), validation=0.2)
    trainer = config.make_trainer(table)
    assert trainer.X.shape[0] == 120 and trainer.X_val.shape[0] == 30
    assert (trainer.y_val.sum(axis=0) == 10).all()  # ten of each species
    train_rows = trainer.rows
    raw = table.X[train_rows, 0]
    mean = trainer.encoding.inputs[0].mean  # μ and σ come from the training rows only
    assert mean == pytest.approx(raw.mean(), rel=1e-12) and mean != pytest.approx(table.X[:, 0].mean(), rel=1e-6)


def test_small_classes_share_the_validation_rows_by_largest_remainders():
    """Each class alone rounded would hold no row of 30 classes of 2 rows at 0.25 (15 expected), and 10
    of 10 classes of 3 rows at 0.2 (6 expected)."""
    assert split_rows(60, 0.25, 0, np.repeat(np.arange(30), 2)).sum() == 15
    assert split_rows(30, 0.2, 0, np.repeat(np.arange(10), 3)).sum() == 6
    held = split_rows(150, 0.2, 0, np.repeat(np.arange(3), 50))
    assert [int(held[c * 50:(c + 1) * 50].sum()) for c in range(3)] == [10, 10, 10]


def test_early_stopping_starts_over_on_new_validation_rows():
    """A best loss measured on other rows is no yardstick: moved rows reset the patience count."""
    table = noisy_moons(60)
    trainer = overfit_config(hidden=(8,), batch_size=10, patience=3).make_trainer(table)
    trainer.run(20)
    assert trainer.resume_state()[0]["best"] is not None
    trainer.set_validation(trainer.X[:5], trainer.y[:5])  # other rows, whose loss is another number
    assert (trainer.resume_state()[0]["waited"], trainer.resume_state()[0]["best"]) == (0, None)


def test_a_row_of_the_diagram_is_a_table_row_training_or_validation():
    table = noisy_moons(20)
    trainer = overfit_config(hidden=(4,), validation=0.3).make_trainer(table)
    trainer.run(1)
    trainer.step_phase()  # a feedforward on the weights as they are
    encoded = trainer.encoding.encode_inputs(table)
    held = np.setdiff1d(np.arange(20), trainer.rows)
    for row in (int(trainer.rows[3]), int(held[0]), 19):
        activations = trainer.snapshot(row=row).row_activations
        np.testing.assert_array_equal(activations[0], encoded[row])
        np.testing.assert_allclose(activations[-1], trainer.network.predict(encoded[row:row + 1])[0], rtol=1e-12)
    assert trainer.snapshot(row=20).row_activations == ()


@pytest.mark.parametrize("optimizer, at", [("adam", 53), ("rmsprop", 53), ("sgd", 53), ("adam", 49), ("adam", 0)],
                         ids=["adam mid-epoch", "rmsprop", "sgd", "adam at an epoch's start", "adam at iteration 0"])
def test_a_session_saved_mid_epoch_continues_exactly(tmp_path, optimizer, at):
    """Saved between iterations or after a feedforward (the epoch's order already drawn, even at its
    first batch), a session goes on exactly as the run that was not saved."""
    table = noisy_moons(60)
    config = overfit_config(hidden=(8,), optimizer=optimizer, momentum=0.9 if optimizer == "sgd" else 0.0,
                            batch_size=7, shuffle_seed=3, validation=0.25, patience=50, l2=0.001)
    straight = config.make_trainer(table)
    straight.run(130)
    first = config.make_trainer(table)
    first.run(at)  # 53 = 7 epochs of 7 batches and 4 batches into the next: mid-epoch; 49: an epoch's start
    if at != 53:
        first.step_phase()  # the feedforward: this epoch's order is drawn
    snap = first.snapshot()
    save_session(tmp_path / "s.nnpsession", session_of(table, config, first, snap))
    back = load_session(tmp_path / "s.nnpsession")
    from nnplayground.app.session_file import restore_trainer

    again = restore_trainer(back, back.training_table())
    assert (again.iteration, again.epoch) == (at, first.epoch)
    again.run(130 - at)
    assert again.network.parameters.tobytes() == straight.network.parameters.tobytes()
    assert again.history.tobytes() == straight.history.tobytes()
    np.testing.assert_array_equal(again.validation_history[1], straight.validation_history[1])


def test_divergence_with_adam_keeps_the_last_finite_weights():
    from nnplayground.core import DivergenceError

    trainer = Trainer(Network([3, 4, 1], "linear", seed=0), X20 * 1e3, Y20 * 1e6, "sse", 1e3, optimizer="sgd")
    with pytest.raises(DivergenceError):
        trainer.run(1000)
    assert np.isfinite(trainer.network.parameters).all() and math.isfinite(trainer.history[-1])


@pytest.mark.parametrize("field, value", [("best", 5), ("best", [1]), ("early_stop", 7), ("early_stop", ["a", 1, 2]),
                                          ("waited", [1]), ("epoch", -1)])
def test_a_damaged_training_state_in_a_session_is_one_message_naming_the_file(tmp_path, field, value):

    from nnplayground.core.session import SessionFileError

    table = noisy_moons(40)
    config = overfit_config(hidden=(4,), batch_size=8, validation=0.25, patience=5)
    trainer = config.make_trainer(table)
    trainer.run(30)
    good = tmp_path / "good.nnpsession"
    save_session(good, session_of(table, config, trainer))
    bad = tmp_path / "bad.nnpsession"
    edited_session(good, bad, lambda meta: meta["training"].__setitem__(field, value))
    with pytest.raises(SessionFileError, match=r"bad\.nnpsession: the training state's"):
        load_session(bad)


def test_an_update_that_stops_training_early_says_its_weights_were_put_back():
    table = noisy_moons(60)
    trainer = overfit_config(hidden=(16,), batch_size=8, patience=3, learning_rate=0.05).make_trainer(table)
    result = None
    for _ in range(40_000):
        result = trainer.step_phase()
        if result.phase == "update" and result.early_stop is not None:
            break
    assert result.early_stop == trainer.early_stop is not None
    assert not np.array_equal(result.W_after[0], trainer.network.weights[0])  # what the update made, then undone
    assert trainer.validation_loss() == pytest.approx(result.early_stop.best_loss, rel=1e-12)


def test_a_session_keeps_the_example_its_table_came_from(tmp_path):

    from nnplayground.core.presets import generator_preset
    from nnplayground.core.session import SessionFileError

    table = noisy_moons(40)
    config = generator_preset("moons")
    session = Session(table.columns, table.roles, typed_cells(table), config, (), (), np.zeros(0),
                      example=("the moons generator", config, table.columns))
    good = tmp_path / "good.nnpsession"
    save_session(good, session)
    assert load_session(good).example == ("the moons generator", config, table.columns)
    bad = tmp_path / "bad.nnpsession"
    edited_session(good, bad, lambda meta: meta.__setitem__("example", {"name": 7, "preset": {}}))
    with pytest.raises(SessionFileError, match=r"bad\.nnpsession: its example must be"):
        load_session(bad)


def test_a_format_2_session_opens_with_eps_0_made_valid_and_early_stopping_counting_afresh(tmp_path):
    """Format 2 allowed ε = 0 and measured the validation loss without the penalty: such a file must open,
    and its best loss (measured otherwise) must not stop the run at once."""

    table = noisy_moons(60)
    config = overfit_config(hidden=(8,), batch_size=10, validation=0.3, patience=5, l2=0.05)
    trainer = config.make_trainer(table)
    trainer.run(60)
    snap = trainer.snapshot()
    assert snap.resume[0]["best"] is not None
    saved = tmp_path / "v3.nnpsession"
    save_session(saved, session_of(table, config, trainer, snap))
    old = tmp_path / "v2.nnpsession"

    def as_format_2(meta):
        meta["version"], meta["config"]["eps"] = 2, 0.0

    edited_session(saved, old, as_format_2)
    back = load_session(old)
    assert back.config.eps == 1e-12 and back.config.l2 == 0.05
    record, arrays = back.training
    assert (record["best"], record["waited"]) == (None, 0) and "best_parameters" not in arrays
    assert load_session(saved).training[0]["best"] == snap.resume[0]["best"]  # format 3 keeps it


def test_a_format_2_file_from_before_the_lab_opens_with_the_settings_it_trained_with(tmp_path):
    """Format 2's first files had no optimizer, batch, schedule, penalty or validation settings (they trained
    the tutorial's way): they must open as plain full-batch SGD, not be refused for a missing optimizer."""
    from nnplayground.core.config import NEUTRAL

    table = noisy_moons(20)
    config = TrainingConfig(problem="binary", hidden=(4,), output_activation="sigmoid", loss="bce",
                            learning_rate=0.5, iterations=10)
    trainer = config.make_trainer(table)
    trainer.run(10)
    snap = trainer.snapshot()
    saved = tmp_path / "v3.nnpsession"
    save_session(saved, session_of(table, config, trainer, snap, training=None))
    old = tmp_path / "v2.nnpsession"

    def as_first_format_2(meta):
        meta["version"] = 2
        for key in NEUTRAL:
            del meta["config"][key]

    edited_session(saved, old, as_first_format_2)
    back = load_session(old)
    assert back.config == config and back.config.optimizer == "sgd" and back.config.batch_size == 0
    np.testing.assert_array_equal(back.weights[0], snap.weights[0])


def test_early_stopping_without_rows_says_which_rows_are_missing():
    table = noisy_moons(20)
    config = overfit_config(hidden=(4,), validation=0.2, patience=3)
    with pytest.raises(ValueError, match="no row is kept for validation"):  # the share's rows all moved back
        config.make_trainer(table.with_validation(np.zeros(20, dtype=bool)))
    with pytest.raises(ValueError, match="the validation share 0.02 of 20 rows draws none"):
        replace(config, validation=0.02).make_trainer(table)
    assert config.make_trainer(table).X_val.shape[0] == 4


def test_the_cards_check_of_early_stopping_draws_its_rows_as_training_does():
    """Stratified by class: four rows of four classes at a quarter keep none apart (each class keeps its
    last row), which the card must say as Reset would."""
    from nnplayground.app.suggestions import settings_problem

    table = TrainingTable.from_csv_text("x,y\n1,a\n2,b\n3,c\n4,d\n")
    config = TrainingConfig(problem="multiclass", output_activation="softmax", loss="cross_entropy",
                            validation=0.25, patience=2)
    with pytest.raises(ValueError, match="patience"):
        config.make_trainer(table)
    assert settings_problem(table, config).startswith("patience: early stopping watches the validation loss")


def test_minus_zero_is_zero():
    config = TrainingConfig(l2=-0.0, momentum=-0.0)
    assert math.copysign(1, config.l2) == 1 and math.copysign(1, config.momentum) == 1
