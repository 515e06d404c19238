"""The worker's metrics and health, without Qt: what each update carries and when it is worked out again."""
import numpy as np
import pytest

from nnplayground.app.training_watch import TrainingWatch
from nnplayground.core import TrainingTable
from nnplayground.core.presets import PRESETS
from nnplayground.paths import EXAMPLES


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def tutorial(**changes):
    from dataclasses import replace

    config = replace(PRESETS["article.csv"], **changes)
    return config.make_trainer(TrainingTable.from_csv(EXAMPLES / "article.csv")), config


def predictions(trainer):
    return trainer.snapshot().predictions


def test_a_new_network_is_sampled_at_once_before_any_iteration():
    trainer, config = tutorial(hidden=(32, 32, 32))
    watch = TrainingWatch(0.25, Clock())
    watch.start(trainer, config.init)
    metrics, _, health = watch.after(trainer, None, running=False)
    assert metrics is None  # nothing fed forward yet: no predictions to measure
    assert health.iterations.tolist() == [0] and health.latest[1].saturated == 1.0
    assert [n.code for n in health.notes] == ["saturated-start"] and health.stuck is health.notes[0]


def test_while_running_the_numbers_are_worked_out_at_most_every_quarter_second():
    trainer, config = tutorial()
    clock = Clock()
    watch = TrainingWatch(0.25, clock)
    watch.start(trainer, config.init)
    trainer.run(10)
    first = watch.after(trainer, predictions(trainer), running=True)
    trainer.run(10)
    clock.now += 0.1
    again = watch.after(trainer, predictions(trainer), running=True)
    assert again[0] is first[0] and again[2] is first[2]  # the same objects: views know nothing is new
    clock.now += 0.2
    later = watch.after(trainer, predictions(trainer), running=True)
    assert later[2] is not first[2] and later[2].iterations.tolist() == [0, 10, 20]  # the sample at 20 was kept
    trainer.run(1)
    ended = watch.after(trainer, predictions(trainer), running=False)  # a step or the end of a run: always
    assert ended[2] is not later[2] and ended[2].iterations[-1] == 21


def test_metrics_are_those_of_the_predictions_given():
    trainer, config = tutorial()
    watch = TrainingWatch(0.25, Clock())
    watch.start(trainer, config.init)
    trainer.run(1500)
    y_hat = predictions(trainer)
    metrics, _, _ = watch.after(trainer, y_hat, running=False)
    right = int(((y_hat >= 0.5) == (trainer.y == 1)).sum())
    assert right == 4 and metrics.accuracy == 1.0 and metrics.summary() == "accuracy 100.0 % (4 of 4 rows)"


def test_the_report_is_read_only_and_ready_for_a_log_plot():
    trainer, config = tutorial(activation="relu", output_activation="sigmoid", init="he", use_bias=True)
    watch = TrainingWatch(0.25, Clock())
    watch.start(trainer, config.init)
    trainer.run(5)
    _, _, health = watch.after(trainer, predictions(trainer), running=False)
    for array in (health.iterations, health.grad_norm, health.weight_norm):
        assert not array.flags.writeable
        with pytest.raises(ValueError):
            array[...] = 0
    assert health.grad_norm.shape == (2, 2) and health.activations == ("relu", "sigmoid")
    assert np.all(np.isnan(health.grad_norm) | (health.grad_norm > 0))  # 0 has no logarithm: NaN, a gap


def test_a_new_table_drops_the_metrics_until_its_predictions_come():
    trainer, config = tutorial()
    watch = TrainingWatch(0.25, Clock())
    watch.start(trainer, config.init)
    trainer.run(3)
    assert watch.after(trainer, predictions(trainer), running=False)[0] is not None
    edited = TrainingTable.from_csv_text("x1,x2,x3,y\n0,0,1,1\n0,1,1,1\n1,0,1,1\n1,1,1,0\n")
    trainer.set_data(edited.X, edited.y)
    watch.table_changed(trainer)
    metrics, _, health = watch.after(trainer, None, running=False)
    assert metrics is None and health.iterations.tolist() == [0, 3]  # the trained samples stay
    trainer.run(1)
    metrics, _, _ = watch.after(trainer, predictions(trainer), running=False)
    assert metrics.rows == 4 and metrics.confusion[0].sum(axis=1).tolist() == [1, 3]  # the edited targets


def test_restarting_forgets_the_last_network():
    trainer, config = tutorial()
    watch = TrainingWatch(0.25, Clock())
    watch.start(trainer, config.init)
    trainer.run(20)
    watch.after(trainer, predictions(trainer), running=False)
    fresh, _ = tutorial(seed=1)
    watch.start(fresh, config.init)
    metrics, _, health = watch.after(fresh, None, running=False)
    assert metrics is None and health.iterations.tolist() == [0] and health.notes == ()


def test_with_validation_rows_the_metrics_of_both_sets_come_apart():
    """ŷ of every table row comes in; the training rows' metrics and the validation rows' are separate."""
    from dataclasses import replace

    from nnplayground.core.suggest import suggest
    from nnplayground.paths import EXAMPLES

    table = TrainingTable.from_csv(EXAMPLES / "iris.csv")
    config = replace(suggest(table).config, validation=0.2)
    trainer = config.make_trainer(table)
    watch = TrainingWatch(0.25, Clock())
    watch.start(trainer, config.init)
    trainer.run(300)
    y_hat = trainer.network.predict(trainer.encoding.encode_inputs(table))
    train, held, _ = watch.after(trainer, y_hat, running=False)
    assert (train.rows, held.rows) == (120, 30)
    truth = trainer.encoding.encode_targets(table).argmax(axis=1)
    marks = np.ones(150, dtype=bool)
    marks[trainer.rows] = False
    assert held.accuracy == (y_hat[marks].argmax(axis=1) == truth[marks]).mean()
    assert train.accuracy == (y_hat[~marks].argmax(axis=1) == truth[~marks]).mean()
