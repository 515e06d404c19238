"""Training health: each note on a network built to trigger it, with the fix it gives; a healthy run says
so; and the samples the notes read (saturated and dead shares, gradient sizes) against hand-made cases."""
from dataclasses import replace

import numpy as np
import pytest

from nnplayground.core import DivergenceError, Network, Trainer, TrainingTable
from nnplayground.core.health import (
    STUCK_SHARE, HealthMonitor, HealthSample, LayerHealth, diagnose, layer_health, layer_states,
    saturation_blocks,
)
from nnplayground.core.presets import PRESETS
from nnplayground.paths import EXAMPLES


def train(name: str, iterations: int, **changes):
    """The example's preset with ``changes``, trained as the CLI does (a sample every 1/200 of the run);
    the notes at the end."""
    table = TrainingTable.from_csv(EXAMPLES / name)
    config = replace(PRESETS[name], **changes)
    trainer = config.make_trainer(table)
    monitor = HealthMonitor()
    monitor.observe(trainer)
    left = iterations
    while left:
        left -= trainer.run(min(left, max(1, iterations // 200)))
        monitor.observe(trainer)
    net = trainer.network
    notes = diagnose(monitor.samples, trainer.history, activations=net.activations, layer_sizes=net.layer_sizes,
                     init=config.init, learning_rate=config.learning_rate, scaled=trainer.encoding.scales_inputs)
    return notes, monitor, trainer


def codes(notes):
    return [n.code for n in notes]


def test_a_healthy_run_says_so_and_is_not_stuck():
    for name, iterations in (("article.csv", 1500), ("iris.csv", 1500), ("diabetes.csv", 1500), ("xor.csv", 3000)):
        notes, _, _ = train(name, iterations)
        assert codes(notes) == ["healthy"], (name, notes)
        assert not notes[0].stuck and "healthy" in notes[0].message


def test_a_confident_output_after_good_training_is_not_called_saturated():
    """Breast cancer at η = 1 ends with 91 % of its sigmoid outputs near 0 or 1 and a loss of 0.002:
    that is success (bce's gradient does not go through f′), not a saturated network."""
    notes, monitor, trainer = train("breast_cancer.csv", 1500, learning_rate=1.0)
    assert monitor.samples[-1].layers[-1].saturated > 0.9 and trainer.history[-1] < 0.01
    assert codes(notes) == ["healthy"]


def test_saturated_from_the_start_names_the_layers_and_gives_xavier():
    notes, monitor, _ = train("article.csv", 1500, hidden=(32, 32, 32))  # uniform [0, 1) weights, sigmoid
    first = monitor.samples[0]
    assert first.iteration == 0 and first.layers[1].saturated == 1.0 and first.layers[2].saturated == 1.0
    assert codes(notes)[0] == "saturated-start" and notes[0].stuck
    assert notes[0].message.startswith("Layer 2 and layer 3 are saturated from the start: 100 %")
    assert "too large for 32 inputs" in notes[0].fix and "xavier" in notes[0].fix
    assert "plateau" in codes(notes)  # and the loss has not moved since: the notes above say why


def test_saturated_start_with_large_unscaled_inputs_asks_for_scaling():
    table = TrainingTable.from_csv(EXAMPLES / "diabetes.csv")
    config = replace(PRESETS["diabetes.csv"], scaling=False, activation="sigmoid", init="xavier")
    trainer = config.make_trainer(table)  # inputs up to 346 into xavier weights: z far from 0 at once
    monitor = HealthMonitor()
    monitor.observe(trainer)
    notes = diagnose(monitor.samples, trainer.history, activations=trainer.network.activations,
                     layer_sizes=trainer.network.layer_sizes, init="xavier", learning_rate=0.1, scaled=False)
    assert codes(notes) == ["saturated-start"] and "scaling" in notes[0].fix


def test_a_learning_rate_of_1000_is_reported_as_saturating_not_success():
    notes, monitor, trainer = train("article.csv", 1500, learning_rate=1000)
    assert monitor.samples[0].layers[-1].saturated == 0 and monitor.samples[-1].layers[-1].saturated == 1
    assert codes(notes)[0] == "saturated-by-training" and notes[0].stuck
    assert "the output layer" in notes[0].message and "learning rate (1000) is too large" in notes[0].fix


def test_dead_relus():
    notes, monitor, _ = train("iris.csv", 1000, activation="relu", learning_rate=10)
    assert monitor.samples[0].layers[0].dead == 0 and monitor.samples[-1].layers[0].dead >= 0.5
    assert codes(notes)[0] == "dead-relu" and notes[0].stuck
    assert "of layer 1's ReLUs are dead" in notes[0].message and "Lower the learning rate" in notes[0].fix


@pytest.mark.parametrize("layers, iterations", [(6, 200), (4, 1000)])
def test_vanishing_gradient_in_a_deep_sigmoid_network(layers, iterations):
    """Six (or four) sigmoid layers of 8, xavier: ‖∂L/∂W1‖ starts hundreds of times below the output's and
    the network never gets past predicting the mean (loss 1 of 1.08), though nothing is saturated."""
    notes, monitor, trainer = train("article.csv", iterations, hidden=(8,) * layers, init="xavier", use_bias=True)
    g = [h.grad_norm for h in monitor.samples[0].layers]
    assert g[0] < 0.01 * g[-1] and trainer.history[-1] > 0.9
    assert codes(notes) == ["vanishing"] and notes[0].stuck
    assert f"through {layers} hidden layers" in notes[0].message and "tanh or relu" in notes[0].fix


def test_three_sigmoid_layers_learn_and_are_not_called_vanishing():
    notes, _, trainer = train("article.csv", 1500, hidden=(8, 8, 8), init="xavier", use_bias=True)
    assert trainer.history[-1] < 0.01 and codes(notes) == ["healthy"]


@pytest.mark.parametrize("name, changes", [("iris.csv", dict(learning_rate=12)),
                                           ("diabetes.csv", dict(activation="relu", learning_rate=0.1))])
def test_oscillating(name, changes):
    notes, _, trainer = train(name, 1000, **changes)
    assert codes(notes) == ["oscillating"] and notes[0].stuck
    assert "Lower the learning rate (try" in notes[0].fix
    steps = np.diff(trainer.history[-199:])
    assert (steps > 0).sum() >= 0.3 * steps.size  # the loss did go up that often


def test_a_rising_loss_comes_first():
    notes, _, trainer = train("sine_regression.csv", 100, learning_rate=1.0)  # diverges at about 130
    assert trainer.history[-1] > 1e100 * trainer.history[0]
    assert codes(notes)[0] == "rising" and "Lower the learning rate (1)" in notes[0].fix


def test_a_loss_that_explodes_within_a_few_iterations_is_not_called_healthy():
    table = TrainingTable.from_csv(EXAMPLES / "diabetes.csv")
    config = replace(PRESETS["diabetes.csv"], activation="linear", learning_rate=0.3)
    trainer = config.make_trainer(table)
    monitor = HealthMonitor()
    monitor.observe(trainer)
    with pytest.raises(DivergenceError):
        for _ in range(20):
            trainer.run(1)
            monitor.observe(trainer)
    notes = diagnose(monitor.samples, trainer.history, activations=trainer.network.activations,
                     layer_sizes=trainer.network.layer_sizes, init="xavier", learning_rate=0.3, scaled=True)
    assert 5 <= trainer.iteration < 20 and codes(notes) == ["rising"]


def test_plateau_when_the_loss_does_not_move():
    notes, _, trainer = train("xor.csv", 8000, activation="linear")  # XOR is not linear: stuck at ŷ = ½
    assert trainer.history[-1] == pytest.approx(1.0)
    assert codes(notes) == ["plateau"] and notes[0].stuck
    assert notes[0].message.startswith("The loss has not moved in 4,000 iterations")


def test_slow_when_the_loss_still_falls_but_hardly():
    notes, _, trainer = train("article.csv", 2000, learning_rate=1e-4)
    assert trainer.history[-1] < trainer.history[1000] < trainer.history[0]
    assert codes(notes) == ["slow"] and "larger learning rate than 0.0001" in notes[0].fix


def test_no_note_before_any_loss_unless_the_start_is_already_wrong():
    for hidden, expected in (((4,), []), ((32, 32, 32), ["saturated-start"])):
        table = TrainingTable.from_csv(EXAMPLES / "article.csv")
        trainer = replace(PRESETS["article.csv"], hidden=hidden).make_trainer(table)
        monitor = HealthMonitor()
        monitor.observe(trainer)  # before any iteration: by a pass of its own
        notes = diagnose(monitor.samples, trainer.history, activations=trainer.network.activations,
                         layer_sizes=trainer.network.layer_sizes, init="uniform", learning_rate=1.0)
        assert codes(notes) == expected


# -- a saturated output: stuck or confident, by its loss -----------------------------------------
def test_an_output_whose_loss_cancels_f_prime_is_confident_not_stuck():
    """δ = ŷ − y with sigmoid and bce or softmax and cross-entropy: the output's flat f′ is never multiplied in.
    With sse (or mse) it is, and a saturated output passes no gradient back."""
    assert not saturation_blocks("sigmoid", "bce") and not saturation_blocks("softmax", "cross_entropy")
    assert saturation_blocks("sigmoid", "sse") and saturation_blocks("sigmoid", "mse")
    assert saturation_blocks("tanh", "bce")  # bce's cancelling needs a sigmoid
    full = LayerHealth(1.0, 1.0, saturated=STUCK_SHARE, dead=None)
    for loss, output in (("bce", "confident"), ("sse", "saturated")):
        hidden, out = layer_states((full, full), ("sigmoid", "sigmoid"), loss)
        assert (hidden.kind, hidden.stuck) == ("saturated", True)  # a hidden layer's f′ always blocks
        assert (out.kind, out.share, out.stuck) == (output, STUCK_SHARE, output == "saturated")
    relu, linear = layer_states((LayerHealth(1.0, 1.0, None, 0.5), LayerHealth(1.0, 1.0, None, None)),
                                ("relu", "linear"), "mse")
    assert (relu.kind, relu.share, relu.stuck) == ("dead", 0.5, False) and (linear.kind, linear.share) == ("", None)


def test_saturation_by_training_is_not_blamed_on_an_output_whose_loss_cancels_f_prime():
    """Hand-made samples: the output went from 0 % to 100 % saturated while the loss stayed where it was."""
    samples = [HealthSample(i, (LayerHealth(1.0, 1.0, 0.1, None), LayerHealth(1.0, 1.0, share, None)))
               for i, share in ((0, 0.0), (100, 1.0))]
    history = np.full(101, 0.7)
    kw = dict(activations=("tanh", "sigmoid"), layer_sizes=(2, 4, 1), init="xavier", learning_rate=50.0)
    assert codes(diagnose(samples, history, loss="sse", **kw)) == ["saturated-by-training"]
    assert codes(diagnose(samples, history, loss="bce", **kw)) == []


# -- the samples ---------------------------------------------------------------------------------
def test_saturated_and_dead_shares_counted_by_hand():
    X = np.array([[1.0], [-1.0]])
    y = np.array([[1.0], [0.0]])
    # sigmoid: unit 1 gets z = ±100 (flat), unit 2 z = ±0.1 (steep): half of the 4 outputs are saturated
    net = Network([1, 2, 1], ["sigmoid", "sigmoid"], use_bias=False)
    net.set_parameters([np.array([[100.0, 0.1]]), np.array([[1.0], [1.0]])])
    trainer = Trainer(net, X, y)
    trainer.run(1)
    hidden = layer_health(trainer)[0]
    assert hidden.saturated == 0.5 and hidden.dead is None
    # relu: unit 1 is 0 for both rows (dead), unit 2 positive for one row (alive), unit 3 for the other
    net = Network([1, 3, 1], ["relu", "linear"])
    net.set_parameters([np.array([[1.0, 1.0, -1.0]]), np.array([[1.0], [1.0], [1.0]])],
                       [np.array([-5.0, 0.0, 0.0]), np.array([0.0])])
    trainer = Trainer(net, X, y, learning_rate=1e-6)
    trainer.run(1)
    hidden, output = layer_health(trainer)
    assert hidden.dead == pytest.approx(1 / 3) and hidden.saturated is None
    assert output.saturated is None and output.dead is None  # a linear output is neither
    np.testing.assert_allclose(hidden.weight_norm, np.sqrt(3.0), rtol=1e-5)  # after one step of η = 1e-6
    np.testing.assert_allclose(hidden.grad_norm, np.linalg.norm(trainer.trace.dW[0]))


def test_the_monitor_thins_itself_keeps_the_first_and_takes_one_sample_per_iteration():
    table = TrainingTable.from_csv(EXAMPLES / "article.csv")
    trainer = PRESETS["article.csv"].make_trainer(table)
    monitor = HealthMonitor(max_samples=8)
    first = monitor.observe(trainer)
    assert monitor.observe(trainer) is first  # the same iteration: no second sample
    for _ in range(50):
        trainer.run(1)
        monitor.observe(trainer)
    its = [s.iteration for s in monitor.samples]
    assert len(its) <= 8 and its[0] == 0 and its[-1] == 50 and its == sorted(its)
    iterations, grads = monitor.series("grad_norm")
    assert iterations.tolist() == its and grads.shape == (len(its), 2)
    _, dead = monitor.series("dead")
    assert np.isnan(dead).all()  # sigmoid layers have no dead units


def test_health_samples_go_through_a_session_and_damaged_ones_are_refused(tmp_path):
    from nnplayground.core.health import samples_from_arrays, samples_to_arrays
    from nnplayground.core.session import SessionFileError, load_session, save_session

    from ..corpus import edited_session, session_of

    table = TrainingTable.from_csv(EXAMPLES / "iris.csv")
    config = PRESETS["iris.csv"]
    trainer = config.make_trainer(table)
    monitor = HealthMonitor()
    for _ in range(20):
        monitor.observe(trainer)
        trainer.run(5)
    samples = tuple(monitor.samples)
    assert samples_from_arrays(samples_to_arrays(samples), 2) == samples  # None (no relu: no dead share) kept
    good = tmp_path / "good.nnpsession"
    save_session(good, session_of(table, config, trainer, training=None, health=samples))
    assert load_session(good).health == samples
    bad = tmp_path / "bad.nnpsession"
    edited_session(good, bad, arrays={"health_saturated": np.full((20, 2), 1.5)})  # a share above 1
    with pytest.raises(SessionFileError, match=r"bad\.nnpsession: the health record's saturated"):
        load_session(bad)


def test_restored_samples_go_on_with_a_pass_of_their_own_not_the_empty_buffers_of_a_reopened_trainer():
    """A reopened session's trainer has fed nothing forward: its buffers are zeros, which read as ∂L/∂W = 0
    and an output 100 % saturated."""
    from nnplayground.core.health import initial_health

    table = TrainingTable.from_csv(EXAMPLES / "iris.csv")
    config = PRESETS["iris.csv"]
    trainer = config.make_trainer(table)
    monitor = HealthMonitor()
    monitor.observe(trainer)
    trainer.run(50)  # saved while running: the samples end before the weights' iteration
    reopened = config.make_trainer(table, encoding=trainer.encoding)
    reopened.network.set_parameters(trainer.network.weights, trainer.network.biases)
    reopened.restore_history(trainer.history)
    again = HealthMonitor()
    again.restore(monitor.samples)
    sample = again.observe(reopened)
    assert sample.iteration == 50 and len(again.samples) == 2
    assert sample.layers == initial_health(reopened) and all(layer.grad_norm > 0 for layer in sample.layers)


def test_a_large_network_on_a_small_noisy_table_is_told_it_overfits():
    """The validation loss rises from its best while the training loss falls (noisy moons, 32×32 Adam):
    the one view that reads training must say so, not "healthy"."""
    from nnplayground.core import TrainingConfig
    from nnplayground.core.datasets import generate

    table = generate("moons", n_points=100, noise=0.2, seed=0)
    config = TrainingConfig(problem="binary", hidden=(32, 32), activation="tanh", output_activation="sigmoid",
                            loss="bce", scaling=False, learning_rate=0.003, iterations=3000, seed=0,
                            init="xavier", optimizer="adam", validation=0.5, split_seed=1)
    trainer = config.make_trainer(table)
    trainer.run(3000)
    net = trainer.network
    notes = diagnose([], trainer.history, activations=net.activations, layer_sizes=net.layer_sizes,
                     init="xavier", learning_rate=0.003, validation=trainer.validation_history)
    assert [n.code for n in notes] == ["overfitting"] and not notes[0].stuck
    its, losses = trainer.validation_history
    assert f"since iteration {int(its[np.argmin(losses)]):,}" in notes[0].message
    assert dict(notes[0].try_settings) == {"patience": 50}
    early = diagnose([], trainer.history[:200], activations=net.activations, layer_sizes=net.layer_sizes,
                     init="xavier", learning_rate=0.003,
                     validation=(its[its <= 200], losses[its <= 200]))  # still improving: no such note
    assert "overfitting" not in [n.code for n in early]


def test_a_mini_batch_loss_that_falls_while_it_wobbles_is_not_called_stuck():
    rng = np.random.default_rng(0)
    epochs = 3000 // 7
    falling = np.repeat(np.exp(-np.arange(epochs) / 150), 7) * (1 + 0.3 * rng.standard_normal(epochs * 7))
    notes = diagnose([], np.abs(falling), activations=("tanh", "sigmoid"), layer_sizes=(2, 8, 1), init="xavier",
                     learning_rate=0.02, iterations_per_epoch=7)
    assert not any(n.stuck for n in notes)
