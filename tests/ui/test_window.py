"""The window as a user drives it: through its actions, headless (offscreen)."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from nnplayground.core import TrainingTable, load_weights

from .conftest import at_iteration, make_window

ACTIONS = {
    "stepPhaseAction": "F11",
    "stepIterationAction": "F10",
    "runAction": "F5",
    "resetAction": "Ctrl+R",
    "exportWeightsAction": "Ctrl+E",
}


def weights_shown(window):
    return [img.image for img in window.heatmaps.weight_images]


def test_launch_shows_the_tutorial_ready_to_train(window, core_trainer):
    model = window.table_model
    assert window.document.header == ["x1", "x2", "x3", "y"] and model.rowCount() == 4
    assert model.headerData(3, Qt.Horizontal) == "y\ntarget"
    for name, shortcut in ACTIONS.items():
        action = window.findChild(type(window.run_action), name)
        assert action is not None, name
        assert action.shortcut() == QKeySequence(shortcut)
    assert window.last_update.snapshot.iteration == 0
    for shown, expected in zip(weights_shown(window), core_trainer().network.weights):
        np.testing.assert_array_equal(shown, expected)
    assert "feedforward" in window.phase_strip.text()


def test_four_phase_steps_equal_one_iteration(window, qtbot, core_trainer):
    phases = []
    for _ in range(4):
        window.step_phase_action.trigger()
        qtbot.waitUntil(lambda: window.last_update.phase_result is not None
                        and window.last_update.phase_result.phase not in phases, timeout=3000)
        phases.append(window.last_update.phase_result.phase)
    assert phases == ["feedforward", "loss", "backprop", "update"]
    reference = core_trainer()
    reference.step_iteration()
    assert window.last_update.snapshot.iteration == 1
    for shown, expected in zip(weights_shown(window), reference.network.weights):
        np.testing.assert_array_equal(shown, expected)
    np.testing.assert_array_equal(window.loss_plot.values, reference.history)


def test_step_iteration_n_times_gives_n_loss_points_and_live_heatmaps(window, qtbot, core_trainer):
    for _ in range(7):
        window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 7), timeout=3000)
    reference = core_trainer()
    reference.run(7)
    assert len(window.loss_plot.values) == 7
    np.testing.assert_array_equal(window.loss_plot.values, reference.history)
    for shown, expected in zip(weights_shown(window), reference.network.weights):
        np.testing.assert_array_equal(shown, expected)
    y_hat = window.predictions_model.value(1, 2)  # y, the class predicted, ŷ = P(y=1)
    assert y_hat == pytest.approx(float(reference.trace.a[-1][1, 0]), abs=0)


def test_run_to_completion_reproduces_the_core(window, qtbot, core_trainer):
    window.run_action.trigger()
    assert window.run_action.text() == "Pause"
    qtbot.waitUntil(lambda: at_iteration(window, 1500), timeout=15000)
    reference = core_trainer()
    reference.run(1500)
    assert window.loss_plot.values.tobytes() == reference.history.tobytes()
    for shown, expected in zip(weights_shown(window), reference.network.weights):
        assert shown.tobytes() == expected.tobytes()
    assert window.run_action.text() == "Run"
    assert "Done: 1,500 iterations" in window.notice.text()
    assert "it/s" in window.rate_label.text()


def test_an_edited_cell_changes_the_next_run(window, qtbot, core_trainer):
    model = window.table_model
    assert model.setData(model.index(0, 3), "1")  # row 1's target: 0 → 1
    window.settings.iterations.setValue(50)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 50), timeout=10000)
    edited = TrainingTable.from_csv_text("x1,x2,x3,y\n0,0,1,1\n0,1,1,1\n1,0,1,1\n1,1,1,0\n")
    reference, original = core_trainer(edited), core_trainer()
    reference.run(50)
    original.run(50)
    np.testing.assert_array_equal(window.loss_plot.values, reference.history)
    assert not np.array_equal(window.loss_plot.values, original.history)
    assert window.predictions_model.value(0, 0) == 1.0


def test_a_bad_cell_is_marked_and_blocks_run_and_step(window, qtbot):
    model = window.table_model
    model.setData(model.index(1, 1), "abc")
    index = model.index(1, 1)
    assert model.data(index) == "abc"  # what the user typed is kept
    assert model.data(index, Qt.BackgroundRole) is not None
    assert "not a number" in model.data(index, Qt.ToolTipRole)
    for action in (window.run_action, window.step_phase_action, window.step_iteration_action):
        action.trigger()
        qtbot.wait(50)
        assert "row 2, column 'x2'" in window.notice.text() and "not a number" in window.notice.text()
    assert window.last_update.snapshot.iteration == 0 and window.last_update.snapshot.phase == "feedforward"
    assert not window.running
    window.document.undo.undo()
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 1), timeout=3000)


def test_pause_stops_within_an_iteration_and_run_resumes(window, qtbot):
    window.settings.iterations.setValue(10_000_000)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.snapshot.iteration > 1000, timeout=10000)
    window.run_action.trigger()  # Pause
    qtbot.waitUntil(lambda: not window.running, timeout=2000)
    stopped = window.last_update.snapshot.iteration
    qtbot.wait(200)
    assert window.last_update.snapshot.iteration == stopped
    assert "Paused at iteration" in window.notice.text()
    assert len(window.loss_plot.values) == stopped
    window.run_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.snapshot.iteration > stopped + 100, timeout=5000)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: not window.running, timeout=2000)


def test_closing_mid_run_ends_the_thread_quickly(qtbot, qtlog):
    w = make_window(qtbot)
    w.show()
    qtbot.waitUntil(lambda: w.last_update is not None, timeout=5000)
    w.settings.iterations.setValue(10_000_000)
    w.run_action.trigger()
    qtbot.waitUntil(lambda: w.last_update.snapshot.iteration > 500, timeout=5000)
    thread = w.controller.engine_thread
    assert thread.isRunning()
    w.close()
    assert thread.isFinished()
    assert not [r for r in qtlog.records if "QThread" in r.message]


def test_export_writes_a_file_the_core_loads(window, qtbot, tmp_path):
    for _ in range(3):
        window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 3), timeout=3000)
    for name in ("w.npz", "w.json"):
        # Wait on what the user sees: pytest-qt's waitSignal on a worker signal would run on the
        # worker's thread.
        window.files.export_weights(tmp_path / name)
        qtbot.waitUntil(lambda name=name: name in window.notice.text(), timeout=3000)
        loaded = load_weights(tmp_path / name)
        assert loaded.layer_sizes == (3, 4, 1) and loaded.use_bias is False
        for got, shown in zip(loaded.weights, weights_shown(window)):
            np.testing.assert_array_equal(got, shown)


def test_export_to_an_unwritable_place_says_so(window, qtbot, tmp_path):
    window.files.export_weights(tmp_path / "missing-dir" / "w.npz")
    qtbot.waitUntil(lambda: "Can't export the weights" in window.notice.text(), timeout=3000)
    assert "w.npz" in window.notice.text() and window.warning is not None  # a dialog too, naming the file
    assert not (tmp_path / "missing-dir").exists()


def test_learning_rate_applies_from_the_next_iteration(window, qtbot, core_trainer):
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 1), timeout=3000)
    window.settings.learning_rate.setValue(0.25)
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 2), timeout=3000)
    reference = core_trainer()
    reference.run(1)
    reference.learning_rate = 0.25
    reference.run(1)
    for shown, expected in zip(weights_shown(window), reference.network.weights):
        np.testing.assert_array_equal(shown, expected)
    assert window.pending_label.text() == ""


def test_architecture_change_waits_for_reset_and_says_so(window, qtbot, core_trainer):
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 1), timeout=3000)
    window.settings.hidden.setText("8, 3")
    assert "Reset" in window.pending_label.text()
    assert [w.shape for w in window.last_update.snapshot.weights] == [(3, 4), (4, 1)]
    window.reset_action.trigger()
    qtbot.waitUntil(lambda: [w.shape for w in window.last_update.snapshot.weights] == [(3, 8), (8, 3), (3, 1)],
                    timeout=3000)
    assert window.last_update.snapshot.iteration == 0 and len(window.loss_plot.values) == 0
    assert window.pending_label.text() == "" and "re-initialised" in window.notice.text()
    assert len(window.heatmaps.weight_images) == 3


def test_before_any_training_settings_apply_at_once(window, qtbot):
    window.settings.seed.setValue(5)
    qtbot.waitUntil(lambda: window.last_update.config.seed == 5, timeout=3000)
    from nnplayground.core import Network
    np.testing.assert_array_equal(window.last_update.snapshot.weights[0], Network([3, 4, 1], seed=5).weights[0])


def test_invalid_hidden_layers_are_explained(window):
    window.settings.hidden.setText("4, x")
    assert "'x' is not a number of units" in window.settings.message.text()
    window.reset_action.trigger()
    assert "Can't reset" in window.notice.text()


def test_opening_a_bad_csv_changes_nothing(window, qtbot, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,y\n1,2\n")
    before = window.document.to_csv_text()
    assert window.open_table(bad) is False
    assert window.document.to_csv_text() == before
    assert "row 1 has 2 cells" in window.notice.text()


def test_examples_open_and_rebuild_the_network(window, qtbot):
    from nnplayground.paths import EXAMPLES

    assert window.open_table(EXAMPLES / "xor.csv")
    qtbot.waitUntil(lambda: window.last_update.snapshot.weights[0].shape == (2, 4), timeout=3000)
    assert window.document.header == ["a", "b", "y"]
    window.document.undo.undo()  # the old table comes back
    assert window.document.header == ["x1", "x2", "x3", "y"]


def test_adding_an_input_column_after_training_waits_for_reset(window, qtbot):
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 1), timeout=3000)
    window.document.insert_column(3)
    assert "press Reset" in window.notice.text() and "table" in window.pending_label.text()
    window.step_iteration_action.trigger()
    qtbot.wait(50)
    assert window.last_update.snapshot.iteration == 1
    window.reset_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.snapshot.weights[0].shape == (4, 4), timeout=3000)


def test_saving_the_table_keeps_what_was_typed(window, tmp_path):
    window.table_model.setData(window.table_model.index(0, 0), "oops")
    assert window.files.save_table(tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().splitlines()[1] == "oops,0,1,0"


def test_heatmap_hover_names_the_neurons_and_exact_value(window):
    text = window.heatmaps.describe(0, "W", 1, 2)
    w = float(window.last_update.snapshot.weights[0][1, 2])
    assert text == f"W1[2, 3] = {w:.6g}  (x2 → h1.3)"  # six digits: clicking gives the exact one
    assert window.heatmaps.describe(1, "W", 3, 0).endswith("(h1.4 → y)")


def test_one_activation_per_layer(window, qtbot):
    window.settings.hidden.setText("5, 3")
    window.settings.activation.setCurrentText("relu, tanh, sigmoid")  # 3 names for 2 hidden layers
    assert "3 activations named; the network has 2 hidden layers" in window.settings.message.text()
    window.settings.activation.setCurrentText("relu,tanh")
    qtbot.waitUntil(lambda: window.last_update.config.activation == "relu, tanh", timeout=3000)
    assert [w.shape for w in window.last_update.snapshot.weights] == [(3, 5), (5, 3), (3, 1)]
    assert window.settings.message.isHidden()




def test_divergence_stops_the_run_and_says_why(window, qtbot):
    window.settings.activation.setCurrentText("linear")
    window.settings.output_activation.setCurrentText("linear")
    window.settings.learning_rate.setValue(50.0)
    qtbot.waitUntil(lambda: window.last_update.config.output_activation == "linear"
                    and window.last_update.config.learning_rate == 50.0, timeout=3000)
    window.settings.iterations.setValue(100_000)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: "diverged" in window.notice.text(), timeout=10000)
    qtbot.waitUntil(lambda: not window.running, timeout=3000)
    assert window.run_action.text() == "Run"
    snap = window.last_update.snapshot
    assert snap.iteration < 100_000
    assert all(np.isfinite(w).all() for w in snap.weights)  # the last finite weights are kept
    assert np.isfinite(window.loss_plot.values).all()


def test_a_newcomer_is_told_what_to_press(window):
    assert "Ready" in window.notice.text() and "F11" in window.notice.text() and "F5" in window.notice.text()
    assert not window.isWindowModified()


def test_the_window_fits_a_1024_pixel_screen_whatever_the_message(window, qtbot):
    """Its narrowest is under 1024 px with every tab and the inspector; a long message in the status bar
    is cut at the edge (its tooltip holds it whole) instead of widening the window past the screen."""
    long = "Stopped early at iteration 2,107 and went back to the weights of iteration 1,057, " * 3
    window.status.notify(long)
    assert window.minimumSizeHint().width() <= 1024
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=2000)
    assert window.notice.toolTip() == long


def test_the_keyboard_can_leave_the_tables(window, qtbot):
    """Tab moves from cell to cell in the training table (and wraps round): Ctrl+Tab leaves it; Tab leaves
    the read-only predictions."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    window.show()
    qtbot.waitExposed(window)
    table = window.table_editor.view
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    QTest.keyClick(table, Qt.Key_Tab)
    assert table.hasFocus() and table.currentIndex().column() == 1  # a spreadsheet's Tab
    QTest.keyClick(table, Qt.Key_Tab, Qt.ControlModifier)
    focused = QApplication.focusWidget()
    assert focused is not None and focused is not table and not table.isAncestorOf(focused)
    table.setFocus()
    table.edit(table.model().index(1, 1))  # a cell being edited: its editor has the keys
    editor = QApplication.focusWidget()
    assert editor is not table and table.isAncestorOf(editor)
    QTest.keyClicks(editor, "7")
    QTest.keyClick(editor, Qt.Key_Tab, Qt.ControlModifier)
    focused = QApplication.focusWidget()
    assert focused is not None and not table.isAncestorOf(focused) and focused is not table
    assert window.document.cell(1, 1) == "7"  # the edit kept
    predictions = window.views.predictions_view
    predictions.setFocus()
    QTest.keyClick(predictions, Qt.Key_Tab)
    assert not predictions.hasFocus()


def test_delete_empties_the_selected_cells_undoably(window, qtbot):
    from PySide6.QtCore import QItemSelectionModel, Qt
    from PySide6.QtTest import QTest

    window.show()
    qtbot.waitExposed(window)
    table = window.table_editor.view
    table.setFocus()
    model, selection = table.model(), table.selectionModel()
    selection.select(model.index(1, 0), QItemSelectionModel.Select)
    selection.select(model.index(2, 1), QItemSelectionModel.Select)
    QTest.keyClick(table, Qt.Key_Delete)
    assert window.document.cell(1, 0) == "" and window.document.cell(2, 1) == ""
    assert window.undo_action.text() == "Undo Clear cells"
    window.undo_action.trigger()
    assert window.document.cell(1, 0) == "0" and window.document.cell(2, 1) == "0"
