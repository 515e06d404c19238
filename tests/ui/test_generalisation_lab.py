"""The generalisation lab in the window: the optimizer, batches, schedule, penalties and validation settings,
the validation rows in the table, their loss in the plot, an early stop and the epochs in the status bar."""
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from nnplayground.app.session_state import Pending
from nnplayground.app.validation import best_text, early_stop_text, metrics_line, validation_marks
from nnplayground.core import TrainingTable
from nnplayground.core.config import APPLY_AT_ONCE
from nnplayground.core.schedules import Cosine
from nnplayground.paths import EXAMPLES
from nnplayground.ui.table_model import VALIDATION_ROLE, VALIDATION_TINT

from .conftest import at_iteration, make_window, open_table, train

OPTIMIZER, VALIDATION = "Optimizer and batches", "Validation and penalties"


def set_field(window, key, value) -> None:
    """Change one setting as the user would, in its field."""
    window.settings.set_value(key, value)


def step(window, qtbot) -> None:
    """One more iteration, waited for."""
    n = window.last_update.snapshot.iteration + 1
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, n), timeout=5000)


def open_iris(window, qtbot) -> TrainingTable:
    open_table(window, qtbot, EXAMPLES / "iris.csv")
    return TrainingTable.from_csv(EXAMPLES / "iris.csv")


def species(window) -> np.ndarray:
    return np.array(window.document.labels(window.document.header.index("species")))


# A new value for each setting, each valid with those set before it (Nesterov needs the momentum, patience the share).
CHANGES = [("optimizer", "adam"), ("momentum", 0.5), ("nesterov", True), ("rho", 0.8), ("beta1", 0.8),
           ("beta2", 0.99), ("eps", 1e-6), ("batch_size", 2), ("shuffle_seed", 3), ("schedule", "cosine"),
           ("decay_rate", 0.25), ("decay_epochs", 7), ("l2", 0.01), ("l1", 0.02), ("validation", 0.5),
           ("split_seed", 4), ("patience", 5)]


@pytest.mark.parametrize("key, value", CHANGES, ids=[k for k, _ in CHANGES])
def test_each_setting_reaches_the_trainer_at_once_or_at_reset_as_the_core_says(window, qtbot, key, value):
    for earlier, earlier_value in CHANGES[:[k for k, _ in CHANGES].index(key)]:
        set_field(window, earlier, earlier_value)
    window.reset_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.snapshot.iteration == 0 and window.last_update.config
                    == window.state.settings, timeout=5000)
    step(window, qtbot)  # a trained network: a change that needs Reset waits for it
    assert getattr(window.last_update.config, key) != value
    set_field(window, key, value)
    assert getattr(window.state.settings, key) == value
    if key in APPLY_AT_ONCE:
        qtbot.waitUntil(lambda: getattr(window.last_update.config, key) == value, timeout=3000)
        assert Pending.SETTINGS not in window.state.pending and window.last_update.snapshot.iteration == 1
    else:
        assert Pending.SETTINGS in window.state.pending and "Reset to apply" in window.pending_label.text()
        step(window, qtbot)
        assert getattr(window.last_update.config, key) != value  # the network trains on as it was built
        window.reset_action.trigger()
        qtbot.waitUntil(lambda: getattr(window.last_update.config, key) == value, timeout=3000)
        assert window.last_update.snapshot.iteration == 0


def test_only_the_chosen_optimizers_hyperparameters_are_shown(window):
    s = window.settings
    s.set_folded(OPTIMIZER, False)
    keys = ("momentum", "nesterov", "rho", "beta1", "beta2", "eps")

    def shown():
        visible = {k for k in keys if s.fields[k].isVisibleTo(s)}
        assert visible == {k for k in keys if s.labels[k].isVisibleTo(s)}  # each with its label
        return visible

    assert shown() == {"momentum", "nesterov"}
    s.optimizer.setCurrentText("rmsprop")
    assert shown() == {"rho", "eps"}
    s.optimizer.setCurrentText("adam")
    assert shown() == {"beta1", "beta2", "eps"}
    assert not s.shuffle_seed.isVisibleTo(s)  # the whole table per update: nothing to shuffle
    s.batch_size.setValue(2)
    assert s.shuffle_seed.isVisibleTo(s)
    s.set_folded(OPTIMIZER, True)
    assert not s.optimizer.isVisibleTo(s) and s.summary(OPTIMIZER) == "adam; batches of 2"


def test_a_schedule_shows_its_decay_only_when_it_has_one(window):
    s = window.settings
    assert not s.decay_rate.isVisibleTo(s) and not s.decay_epochs.isVisibleTo(s)
    s.schedule.setCurrentText("step")
    assert s.decay_rate.isVisibleTo(s) and s.decay_epochs.isVisibleTo(s)
    s.schedule.setCurrentText("exponential")
    assert s.decay_rate.isVisibleTo(s) and not s.decay_epochs.isVisibleTo(s)


def test_a_refusal_in_a_folded_group_unfolds_it_with_the_cores_words(window, qtbot):
    s = window.settings
    assert s.folded(OPTIMIZER)
    before = window.state.settings
    s.nesterov.setChecked(True)  # with momentum 0
    assert s.fault == "nesterov" and not s.folded(OPTIMIZER) and s.nesterov.isVisibleTo(s)
    assert s.message.text().startswith("nesterov: Nesterov's step follows the velocity")
    assert window.state.settings == before
    s.set_folded(VALIDATION, False)
    s.nesterov.setChecked(False)
    s.patience.setValue(5)  # without validation rows: the table's answer (rows may be marked by hand)
    qtbot.waitUntil(lambda: s.fault == "patience", timeout=5000)
    assert s.message.text().startswith("patience: early stopping watches the validation")


def test_the_validation_share_marks_ten_of_each_species_in_the_table_undoably(window, qtbot):
    table = open_iris(window, qtbot)
    set_field(window, "validation", 0.2)
    held = window.document.validation
    assert held.sum() == 30 and np.array_equal(held, validation_marks(window.state.settings, table))
    names = species(window)
    assert sorted((names[held] == name).sum() for name in set(names)) == [10, 10, 10]
    model, editor = window.table_model, window.table_editor
    r, other = int(np.flatnonzero(held)[0]), int(np.flatnonzero(~held)[0])
    assert model.headerData(r, Qt.Vertical, VALIDATION_ROLE) and not model.headerData(other, Qt.Vertical,
                                                                                       VALIDATION_ROLE)
    assert model.data(model.index(r, 0), Qt.BackgroundRole).color() == VALIDATION_TINT
    assert model.data(model.index(other, 0), Qt.BackgroundRole) is None
    assert editor.validation_legend.isVisibleTo(editor)
    assert "30 validation rows: measured, never trained on" in editor.validation_legend.text()
    assert window.undo_action.text() == "Undo Keep 20 % of the rows for validation"
    qtbot.waitUntil(lambda: window.last_update.snapshot.iteration == 0 and window.last_update.table.validation
                    is not None and window.last_update.table.validation.sum() == 30, timeout=3000)
    window.undo_action.trigger()
    assert not window.document.validation.any() and not editor.validation_legend.isVisibleTo(editor)
    assert not model.headerData(r, Qt.Vertical, VALIDATION_ROLE)
    window.redo_action.trigger()
    assert window.document.validation.sum() == 30
    set_field(window, "split_seed", 7)  # another draw, the same share of each species
    assert window.document.validation.sum() == 30 and not np.array_equal(window.document.validation, held)
    set_field(window, "validation", 0.0)
    assert not window.document.validation.any()


def feedforward_rows(window, qtbot) -> int:
    """The rows the next feedforward trains on, as the inspector gets them."""
    qtbot.waitUntil(lambda: window.last_update.snapshot.phase == "feedforward", timeout=5000)  # the edit taken in
    window.step_phase_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.snapshot.phase == "loss", timeout=5000)
    return window.last_update.phase_results[-1].X.shape[0]


def test_moving_a_row_to_validation_takes_it_out_of_training_and_ctrl_z_puts_it_back(window, qtbot):
    open_iris(window, qtbot)
    set_field(window, "validation", 0.2)
    assert feedforward_rows(window, qtbot) == 120
    editor = window.table_editor
    row = int(np.flatnonzero(~window.document.validation)[0])
    editor.view.selectRow(row)
    editor.to_validation_action.trigger()
    assert window.document.validation[row] and window.document.validation.sum() == 31
    assert window.notice.text().startswith(f"Row {row + 1} moved to validation")
    assert feedforward_rows(window, qtbot) == 119  # the half-done iteration starts over, without that row
    window.undo_action.trigger()
    assert not window.document.validation[row]
    assert feedforward_rows(window, qtbot) == 120
    window.redo_action.trigger()
    editor.view.selectRow(row)
    editor.to_training_action.trigger()
    assert not window.document.validation[row] and window.undo_action.text() == f"Undo Move row {row + 1} to training"


def test_the_row_numbers_menu_moves_the_selected_rows(window, qtbot):
    open_iris(window, qtbot)
    editor = window.table_editor
    editor.view.selectRow(3)
    editor.view.selectionModel().select(window.table_model.index(5, 0),
                                        QItemSelectionModel.Select | QItemSelectionModel.Rows)
    menu = editor.row_menu(5)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[:2] == ["Move 2 rows to validation\tCtrl+Shift+V", "Move 2 rows to training\tCtrl+Shift+T"]
    assert menu.actions()[0].isEnabled() and not menu.actions()[1].isEnabled()
    menu.actions()[0].trigger()
    assert np.flatnonzero(window.document.validation).tolist() == [3, 5]
    assert window.undo_action.text() == "Undo Move 2 rows to validation"
    menu = editor.row_menu(40)  # a row outside the selection: that row alone
    assert [a.text() for a in menu.actions()][0] == "Move row 41 to validation\tCtrl+Shift+V"


def test_the_validation_curve_is_the_snapshots_with_a_legend(window, qtbot):
    open_iris(window, qtbot)
    plot = window.loss_plot
    assert plot.legend_texts == []  # no validation rows: one curve, no legend
    set_field(window, "validation", 0.2)
    set_field(window, "batch_size", 40)  # waits for Reset: 3 iterations an epoch
    window.reset_action.trigger()
    train(window, qtbot, 30)
    its, losses = window.last_update.snapshot.validation
    assert its.tolist() == [3.0 * k for k in range(1, 11)]  # one measurement an epoch
    x, y = plot.validation_drawn()
    assert np.array_equal(x, its) and np.array_equal(y, losses)
    assert plot.legend_texts == ["training, each batch", "training, mean of each epoch", "validation"]
    update = window.last_update  # the metrics beside the loss: both sets, side by side
    assert (update.metrics.rows, update.validation_metrics.rows) == (120, 30)
    shown = window.views.metrics_label.text()
    assert shown == metrics_line(update.metrics, update.validation_metrics)
    assert shown.startswith("accuracy ") and " (train) · " in shown and shown.endswith(" (validation)")
    window.reset_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.snapshot.iteration == 0, timeout=3000)
    assert plot.validation_drawn()[0].size == 0


def test_an_early_stop_says_so_marks_the_best_iteration_and_ends_the_run(window, qtbot):
    table = open_iris(window, qtbot)
    set_field(window, "validation", 0.2)
    set_field(window, "patience", 5)
    window.reset_action.trigger()  # the scaling's μ and σ from the training rows only, as the core's run below
    qtbot.waitUntil(lambda: window.last_update.snapshot.iteration == 0, timeout=3000)
    config = replace(window.state.settings, iterations=2000)
    expected = config.make_trainer(table.with_validation(window.document.validation))
    expected.run(2000)
    stop = expected.early_stop
    assert stop is not None and stop.stopped_at < 2000  # the case: it does stop early
    window.settings.iterations.setValue(2000)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: not window.running and window.last_update.snapshot.iteration > 0, timeout=15000)
    snap = window.last_update.snapshot
    assert snap.iteration == stop.stopped_at and snap.early_stop == stop  # the run ended there
    assert window.notice.text().startswith(early_stop_text(stop) + "; accuracy ")
    assert "(train) · " in window.notice.text() and window.notice.text().endswith("(validation).")
    assert window.loss_plot.early_stop_mark == (stop.best_iteration, best_text(stop))
    assert np.array_equal(snap.weights[0], expected.network.weights[0])  # the best weights, back
    # the losses of the weights thrown away are not shown as the network's
    assert window.status.loss_label.text() == f"validation loss {stop.best_loss:.4g} (the best, restored)"


def test_at_1024_px_the_status_bars_numbers_never_overlap_during_a_run(window, qtbot):
    """Batches, a schedule and validation rows make the longest numbers: at 1024 px they overlapped ("…(4
    iterations each)η 0.461 (cosine)"); the iterations an epoch are left out there (the tooltip keeps them)."""
    open_iris(window, qtbot)
    window.resize(1024, 700)
    for key, value in (("validation", 0.2), ("batch_size", 32), ("schedule", "cosine"), ("iterations", 10_000_000)):
        set_field(window, key, value)
    window.reset_action.trigger()
    window.run_action.trigger()
    status = window.status
    labels = [status.iteration_label, status.epoch_label, status.schedule_label, status.loss_label, status.rate_label,
              status.progress]
    qtbot.waitUntil(lambda: window.running and "validation" in status.loss_label.text()
                    and status.rate_label.text() != "", timeout=10000)
    shown = [w.geometry() for w in labels if w.isVisibleTo(window)]
    window.run_action.trigger()  # pause
    qtbot.waitUntil(lambda: not window.running, timeout=5000)
    assert len(shown) == 6 and status.epoch_label.text().endswith("epochs done")
    assert "An epoch is 4 iterations here." in status.epoch_label.toolTip()
    assert all(a.right() < b.left() for a, b in zip(shown, shown[1:]))  # left to right, apart
    assert shown[-1].right() <= window.statusBar().width()


def test_epochs_and_the_scheduled_rate_in_the_status_bar(window, qtbot):
    open_iris(window, qtbot)
    status = window.status
    assert not status.epoch_label.isVisibleTo(window) and not status.schedule_label.isVisibleTo(window)
    set_field(window, "batch_size", 30)
    set_field(window, "schedule", "exponential")  # × 0.5 an epoch
    window.reset_action.trigger()
    train(window, qtbot, 12)
    assert window.status.iteration_label.text() == "12 iterations done"
    assert status.epoch_label.text() == "· 2 epochs done (5 iterations each)" and status.epoch_label.isVisibleTo(window)
    rate = window.state.settings.learning_rate * 0.25
    assert window.last_update.snapshot.learning_rate == pytest.approx(rate)
    assert status.schedule_label.text() == f"η {rate:g} (exponential)"
    set_field(window, "validation", 0.2)  # 120 training rows: a new epoch of 4 iterations
    train(window, qtbot, 16)
    val = window.last_update.snapshot.validation[1]
    assert val.size == 1 and status.loss_label.text().endswith(f"· validation {val[-1]:.4g}")


def test_a_session_keeps_the_lab_settings_and_the_rows_moved_by_hand_and_goes_on_exactly(window, qtbot, tmp_path):
    open_iris(window, qtbot)
    for key, value in (("optimizer", "adam"), ("batch_size", 30), ("schedule", "cosine"), ("l2", 0.001),
                       ("validation", 0.2), ("patience", 50)):
        set_field(window, key, value)
    window.reset_action.trigger()
    row = int(np.flatnonzero(~window.document.validation)[0])
    window.table_editor.move_rows(True, [row])
    train(window, qtbot, 23)  # mid-epoch: the shuffle's and Adam's state travel too
    path = tmp_path / "lab.nnpsession"
    assert window.save_session(path)

    other = make_window(qtbot, offer_restore=False)
    qtbot.waitUntil(lambda: other.last_update is not None, timeout=5000)
    assert other.open_path(path)
    qtbot.waitUntil(lambda: other.last_update.snapshot.iteration == 23, timeout=5000)
    assert other.state.settings == window.state.settings and other.settings.config() == window.state.settings
    assert other.settings.optimizer.currentText() == "adam" and other.settings.validation.value() == 0.2
    assert other.settings.validation.text() == "20 %"
    assert np.array_equal(other.document.validation, window.document.validation) and other.document.validation[row]
    assert other.table_editor.validation_legend.text().endswith("31 validation rows: measured, never trained on")
    assert np.array_equal(other.loss_plot.validation_drawn()[1], window.loss_plot.validation_drawn()[1])
    train(window, qtbot, 40)
    train(other, qtbot, 40)
    np.testing.assert_array_equal(other.last_update.snapshot.weights[0], window.last_update.snapshot.weights[0])


def test_a_cosine_schedule_anneals_over_the_iterations_asked_for_now(window, qtbot):
    open_iris(window, qtbot)
    set_field(window, "batch_size", 30)  # 5 iterations an epoch
    set_field(window, "schedule", "cosine")
    window.reset_action.trigger()
    train(window, qtbot, 10)  # 2 epochs of a run of 10 iterations: the end of its cosine
    lr = window.state.settings.learning_rate
    assert window.last_update.snapshot.learning_rate == pytest.approx(Cosine(total=2).rate(lr, 2))
    window.settings.iterations.setValue(100)  # a longer run: 20 epochs to anneal over
    qtbot.waitUntil(lambda: window.last_update.config.iterations == 100, timeout=3000)
    assert window.last_update.snapshot.learning_rate == pytest.approx(Cosine(total=20).rate(lr, 2))
    assert window.status.schedule_label.text() == f"η {float(f'{Cosine(total=20).rate(lr, 2):.3g}'):g} (cosine)"


def test_the_predictions_export_says_which_rows_were_never_trained_on(window, qtbot, tmp_path):
    open_iris(window, qtbot)
    set_field(window, "validation", 0.2)
    train(window, qtbot, 5)
    path = tmp_path / "predictions.csv"
    assert window.files.export_predictions(path)
    lines = path.read_text().splitlines()
    assert lines[0].split(",")[-1] == "set"
    sets = [line.split(",")[-1] for line in lines[1:]]
    assert sets == ["validation" if held else "training" for held in window.document.validation]


def test_undone_marks_leave_no_validation_rows_until_reset_draws_them_again(window, qtbot):
    open_iris(window, qtbot)
    set_field(window, "validation", 0.2)
    assert feedforward_rows(window, qtbot) == 120
    window.undo_action.trigger()  # the share stays 20 %, the marks go: every row is trained on
    assert not window.document.validation.any()
    assert feedforward_rows(window, qtbot) == 150
    window.reset_action.trigger()  # a share and no marks: Reset marks them again, and trains without them
    assert window.document.validation.sum() == 30 and window.undo_action.text().startswith("Undo Keep 20 %")
    qtbot.waitUntil(lambda: window.last_update.snapshot.iteration == 0 and window.last_update.snapshot.phase
                    == "feedforward" and window.last_update.table.validation is not None, timeout=3000)
    assert feedforward_rows(window, qtbot) == 120


def test_a_table_handed_over_while_a_share_is_set_gets_its_marks(window, qtbot):
    table = open_iris(window, qtbot)
    set_field(window, "validation", 0.2)
    set_field(window, "split_seed", 3)
    window.document.assign_validation(np.zeros(150, dtype=bool))  # none left
    assert window.files.adopt_table(table, None)  # as a script hands one over: the settings stay
    held = window.document.validation
    assert held.sum() == 30 and np.array_equal(held, validation_marks(window.state.settings, table))
    assert feedforward_rows(window, qtbot) == 120


def test_predictions_stay_on_show_while_a_run_goes_in_mini_batches(window, qtbot):
    open_iris(window, qtbot)
    set_field(window, "batch_size", 10)  # the trainer's ŷ is of a batch: the worker predicts every row now and then
    set_field(window, "validation", 0.2)
    window.reset_action.trigger()
    window.speed_control.setCurrentIndex(window.speed_control.findText("1,000 it/s"))  # a second of frames
    shown = []
    window.controller.shown.connect(lambda update: shown.append(update))
    train(window, qtbot, 1000)
    running = [u for u in shown if u.running]
    first = next(i for i, u in enumerate(running) if u.snapshot.predictions is not None)
    assert len(running) - first > 5  # the case: a run of many frames
    assert all(u.snapshot.predictions is not None and u.snapshot.predictions.shape[0] == 150
               for u in running[first:])
    assert "–" not in window.predictions_model.text(0, 1)


def test_with_mini_batches_each_epochs_mean_is_drawn_over_the_pale_band_of_batches(window, qtbot):
    open_iris(window, qtbot)
    set_field(window, "batch_size", 30)  # 150 rows: 5 iterations an epoch
    window.reset_action.trigger()
    train(window, qtbot, 40)
    losses = window.loss_plot.values
    x, y = window.loss_plot.epoch_means_drawn()
    assert x.tolist() == [5.0 * (k + 1) for k in range(8)]
    np.testing.assert_allclose(y, np.asarray(losses)[:40].reshape(8, 5).mean(axis=1), rtol=1e-12)
    assert window.loss_plot.legend_texts == ["training, each batch", "training, mean of each epoch"]
    set_field(window, "batch_size", 0)  # the whole table again: one plain curve, no legend
    window.reset_action.trigger()
    train(window, qtbot, 3)
    assert window.loss_plot.epoch_means_drawn()[0].size == 0 and window.loss_plot.legend_texts == []


def test_early_stopping_watches_rows_marked_by_hand_and_is_refused_without_any(window, qtbot):
    """Patience asked for a share, and setting one redrew the marks: rows picked by hand could not be
    watched. Now the rows count, however they were chosen; with none, the field says why."""
    open_iris(window, qtbot)
    set_field(window, "patience", 5)  # no share, no marks: nothing to watch
    qtbot.waitUntil(lambda: window.settings.fault == "patience", timeout=5000)
    assert "no row is kept for validation" in window.settings.message.text()
    window.run_action.trigger()
    assert window.notice.text().startswith("Can't train with the settings as shown: patience:")
    window.document.set_validation(range(0, 150, 5), True)  # 30 rows, picked by hand
    qtbot.waitUntil(lambda: window.settings.fault is None, timeout=5000)
    window.reset_action.trigger()
    train(window, qtbot, 3)
    assert window.last_update.validation_metrics.rows == 30 and window.state.settings.validation == 0
    assert np.flatnonzero(window.document.validation).tolist() == list(range(0, 150, 5))  # not redrawn


def test_validation_rows_are_squares_on_the_surface_and_the_view_says_so(window, qtbot):
    from nnplayground.ui.training_points import VALIDATION_NOTE

    open_iris(window, qtbot)
    set_field(window, "validation", 0.2)
    window.reset_action.trigger()
    window.tabs.setCurrentWidget(window.surface_view)
    train(window, qtbot, 5)
    view = window.surface_view
    qtbot.waitUntil(lambda: view.surface is not None and VALIDATION_NOTE in view.message.text(), timeout=5000)
    symbols = [point.symbol() for point in view.points.points()]
    held = window.document.validation
    assert symbols.count("s") == int(held.sum()) == 30 and symbols.count("o") == 120


def test_the_predictions_panel_tints_the_validation_rows_as_the_table_does(window, qtbot):
    from PySide6.QtCore import Qt

    from nnplayground.ui.table_model import VALIDATION_TINT

    open_iris(window, qtbot)
    set_field(window, "validation", 0.2)
    window.reset_action.trigger()
    train(window, qtbot, 300)
    model = window.views.predictions_model
    held = window.document.validation
    qtbot.waitUntil(lambda: model.rowCount() == 150 and model.is_validation_row(int(np.flatnonzero(held)[0])),
                    timeout=5000)
    assert [model.is_validation_row(r) for r in range(150)] == held.tolist()
    row = next(r for r in np.flatnonzero(held) if not model.wrong(int(r), 0))
    assert model.data(model.index(int(row), 0), Qt.BackgroundRole).color() == VALIDATION_TINT
    assert "never trained on" in model.headerData(int(row), Qt.Vertical, Qt.ToolTipRole)
    trained = int(np.flatnonzero(~held)[0])
    assert model.data(model.index(trained, 0), Qt.BackgroundRole) is None


def test_a_new_run_draws_one_point_an_epoch_again_after_a_long_one(window, qtbot):
    """A run of more than 1,024 epochs merges epochs two by two; the next network's curve starts again
    with one point an epoch (it kept the old run's merged blocks)."""
    open_iris(window, qtbot)
    set_field(window, "batch_size", 30)  # 5 iterations an epoch
    window.reset_action.trigger()
    train(window, qtbot, 6000)
    assert window.loss_plot.epoch_means_drawn()[0][0] == 10.0  # 1,200 epochs: two a point
    window.reset_action.trigger()
    train(window, qtbot, 20)
    assert window.loss_plot.epoch_means_drawn()[0].tolist() == [5.0, 10.0, 15.0, 20.0]
