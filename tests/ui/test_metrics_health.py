"""Metrics beside the loss and training health, as the window shows them."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QTableView

from nnplayground.app.validation import percent
from nnplayground.core import Network, TrainingTable
from nnplayground.core.encoding import Encoding
from nnplayground.core.health import STUCK_SHARE
from nnplayground.core.metrics import compute_metrics
from nnplayground.core.session import load_session
from nnplayground.paths import EXAMPLES
from nnplayground.ui.health_view import STUCK_COLOUR
from nnplayground.ui.metrics_view import MetricsView, metrics_text

from .conftest import make_window, train

# x = 0 is "a" twice and "b" once: the best a network can do is call all three "a", so one b row is
# predicted a; every other row can be right. Accuracy 5 of 6.
CLASHING = "x,kind\n0,a\n0,a\n0,b\n1,c\n1,c\n2,b\n"


def metrics_label(window) -> str:
    return window.findChild(QLabel, "metricsLabel").text()


def health_notes(window) -> str:
    return window.findChild(QLabel, "healthNotes").text()


def show_tab(window, widget):
    window.tabs.setCurrentWidget(widget)


def test_accuracy_and_confusion_matrix_equal_the_hand_counted_ones(window, qtbot):
    window.files.adopt_table(TrainingTable.from_csv_text(CLASHING), None)
    show_tab(window, window.views.metrics_view)
    train(window, qtbot, 1500)
    qtbot.waitUntil(lambda: metrics_label(window) == "accuracy 83.3 % (5 of 6 rows)", timeout=5000)
    matrix = window.findChild(QTableView, "confusionMatrix")
    model = matrix.model()
    assert [model.headerData(i, Qt.Horizontal) for i in range(3)] == ["a", "b", "c"]  # predicted
    assert [model.headerData(i, Qt.Vertical) for i in range(3)] == ["a", "b", "c"]  # true
    assert matrix.counts() == [[2, 0, 0],   # both a rows right
                               [1, 1, 0],   # the b row at x = 0 taken for an a
                               [0, 0, 2]]
    diagonal = model.data(model.index(1, 1), Qt.BackgroundRole).color()
    wrong = model.data(model.index(1, 0), Qt.BackgroundRole).color()
    assert diagonal.green() > diagonal.red() and wrong.red() > wrong.green()  # right in green, wrong in red
    assert model.data(model.index(0, 2), Qt.BackgroundRole) is None  # nothing there: no colour
    assert "1 b row predicted as a (50.0 % of the b rows)" == model.data(model.index(1, 0), Qt.ToolTipRole)
    assert window.findChild(QTableView, "validationConfusionMatrix") is None  # no validation rows: one matrix
    assert "accuracy 83.3 % (5 of 6 rows)" in window.notice.text()  # the end of the run says it too


def test_a_regression_shows_r2_and_rmse_worked_out_by_hand(window, qtbot):
    assert window.open_table(EXAMPLES / "sine_regression.csv")  # its preset: no scaling, a linear output
    train(window, qtbot, 1000)
    snap, table = window.last_update.snapshot, window.last_update.table
    y, y_hat = table.y[:, 0], snap.predictions[:, 0]
    r2 = 1 - np.sum((y_hat - y) ** 2) / np.sum((y - y.mean()) ** 2)
    rmse = np.sqrt(np.mean((y_hat - y) ** 2))
    assert 0.5 < r2 < 1
    assert metrics_label(window) == f"R² {r2:.3g}, RMSE {rmse:.3g} (in y's units)"
    show_tab(window, window.views.metrics_view)
    grid = window.views.metrics_view.regression_table
    assert [grid.item(0, c).text() for c in range(3)] == ["y", f"{r2:.4g}", f"{rmse:.4g}"]
    assert window.findChild(QTableView, "confusionMatrix") is None


def test_a_saturated_network_says_why_and_is_not_done(window, qtbot):
    """The tutorial's table with three hidden layers of 32 sigmoid units and uniform [0, 1) weights: every
    unit of layers 2 and 3 gets 32 positive inputs and sits at 1 from the start."""
    show_tab(window, window.views.health_view)
    window.settings.hidden.setText("32, 32, 32")
    window.settings.hidden.editingFinished.emit()
    qtbot.waitUntil(lambda: window.last_update is not None and window.last_update.snapshot.weights[0].shape == (3, 32),
                    timeout=5000)
    # said before the first iteration: the first sample is taken as the network is built
    qtbot.waitUntil(lambda: "saturated from the start" in health_notes(window), timeout=5000)
    train(window, qtbot, 1500)
    qtbot.waitUntil(lambda: window.last_update.health.iterations[-1] == 1500, timeout=5000)
    notes = window.views.health_view.texts()
    assert notes[0].startswith("Layer 2 and layer 3 are saturated from the start")
    assert "try xavier initial weights" in notes[0]
    shown = health_notes(window)
    assert shown.index("saturated from the start") < shown.index("try xavier")  # with its fix
    assert window.views.health_view.shares() == [("saturated", 0.0), ("saturated", 1.0), ("saturated", 1.0),
                                                 ("saturated", 1.0)]
    text = window.notice.text()
    assert not text.startswith("Done")
    assert text.startswith("Stopped at 1,500 iterations — stuck (see Health): layer 2 and layer 3 are saturated")
    assert "try xavier" in window.notice.toolTip()
    assert metrics_label(window) == "accuracy 50.0 % (2 of 4 rows)"


def test_a_healthy_run_says_so(window, qtbot):
    show_tab(window, window.views.health_view)
    train(window, qtbot, 1500)
    qtbot.waitUntil(lambda: "healthy" in health_notes(window), timeout=5000)
    assert window.views.health_view.texts() == ["Training looks healthy: the loss is falling and the gradient "
                                                "reaches every layer."]
    assert window.notice.text().startswith("Done: 1,500 iterations")
    plot = window.views.health_view.plot.getPlotItem()
    curves = [c for c in plot.listDataItems() if c.xData is not None and len(c.xData)]
    assert len(curves) == 4  # ‖∂L/∂W‖ and ‖W‖ of both layers
    assert curves[0].xData[0] == 0 and curves[0].xData[-1] == 1500


def test_a_learning_rate_of_1000_is_reported_as_saturating(window, qtbot):
    window.settings.learning_rate.setValue(1000)
    qtbot.waitUntil(lambda: window.last_update.config.learning_rate == 1000, timeout=5000)
    train(window, qtbot, 1500)
    qtbot.waitUntil(lambda: window.last_update.health.iterations[-1] == 1500, timeout=5000)
    show_tab(window, window.views.health_view)
    notes = window.views.health_view.texts()
    assert notes[0].startswith("Training drove the output layer into saturation")
    assert "The learning rate (1000) is too large" in notes[0]
    assert window.notice.text().startswith("Stopped at 1,500 iterations — stuck (see Health): training drove the "
                                           "output layer into saturation")
    # a sigmoid output with sse: its flat f′ is in every δ, so it is stuck, in red
    health = window.views.health_view
    assert health.shares()[-1] == ("saturated", 1.0)
    assert health.bar_labels()[-1] == ("100 %", STUCK_COLOUR) and health.bar_outlines()[-1] == STUCK_COLOUR
    assert not health.bars_note.isVisibleTo(health)


def test_a_confident_softmax_output_is_not_shown_as_stuck(window, qtbot):
    """Wine learnt with softmax and cross-entropy: 95 % of the output's values sit near 0 or 1, but δ = ŷ − y
    does not go through f′. Its bar is grey and says so; the hidden layer's is as before."""
    assert window.open_table(EXAMPLES / "wine.csv")
    show_tab(window, window.views.health_view)
    train(window, qtbot, 1500)
    health = window.views.health_view
    qtbot.waitUntil(lambda: health.report is not None and health.report.iterations[-1] == 1500, timeout=5000)
    (hidden, hidden_share), (output, share) = health.shares()
    assert hidden == "saturated" and output == "confident" and share >= STUCK_SHARE
    assert health.texts()[0].startswith("Training looks healthy")
    labels, outlines = health.bar_labels(), health.bar_outlines()
    assert labels[1] == (f"{100 * share:.0f} %", "#555555") and outlines[1] not in (None, STUCK_COLOUR)
    assert labels[0] == (f"{100 * hidden_share:.0f} %", "#222222") and outlines[0] is None
    assert health.bars_note.isVisibleTo(health)
    assert health.bars_note.text().replace("\u00a0", " ") == "output: confident (fine with this loss: δ = ŷ − y)"
    assert "with cross_entropy the gradient at the output is δ = ŷ − y" in health.bars_note.toolTip()


def keep_for_validation(window, qtbot, share: float) -> None:
    window.settings.fields["validation"].setValue(share)  # the share itself (the field shows it in percent)
    qtbot.waitUntil(lambda: window.last_update.table.validation is not None
                    and window.last_update.snapshot.iteration == 0, timeout=5000)


def split_metrics(update):
    """The metrics of the training rows and of the validation rows, from every row's ŷ and the table's marks."""
    table, encoding = update.table, update.encoding
    y, y_hat, held = encoding.encode_targets(table), update.snapshot.predictions, table.validation
    assert y_hat.shape[0] == table.n_rows
    return compute_metrics(encoding, y_hat[~held], y[~held]), compute_metrics(encoding, y_hat[held], y[held])


def test_with_validation_rows_the_metrics_tab_shows_both_matrices(window, qtbot):
    assert window.open_table(EXAMPLES / "iris.csv")
    keep_for_validation(window, qtbot, 0.2)
    show_tab(window, window.views.metrics_view)
    train(window, qtbot, 40)  # part-learnt: a few rows wrong
    view = window.views.metrics_view
    qtbot.waitUntil(lambda: view.metrics is window.last_update.metrics and view.validation is not None, timeout=5000)
    training, validation = split_metrics(window.last_update)
    assert (training.rows, validation.rows) == (120, 30)
    trained = window.findChild(QTableView, "confusionMatrix")
    held = window.findChild(QTableView, "validationConfusionMatrix")
    assert trained.counts() == training.confusion[0].tolist()
    assert held.counts() == validation.confusion[0].tolist()
    assert [held.model().headerData(i, Qt.Horizontal) for i in range(3)] == ["setosa", "versicolor", "virginica"]
    assert [label.text() for label in (view.captions[0], view.validation_captions[0])] == [
        f"<b>Training</b>: 120 rows · accuracy {percent(training.accuracy)}",
        f"<b style='color:#ea580c'>Validation</b>: 30 rows · accuracy {percent(validation.accuracy)}"]
    assert view.summary.text() == f"<b>{metrics_text(training, ('species',), validation)}</b>"
    window.settings.fields["validation"].setValue(0)  # no validation rows: one matrix again, of every row
    window.reset_action.trigger()
    train(window, qtbot, 40)
    qtbot.waitUntil(lambda: view.metrics is window.last_update.metrics, timeout=5000)
    assert window.findChild(QTableView, "validationConfusionMatrix") is None and view.validation is None
    assert sum(map(sum, window.findChild(QTableView, "confusionMatrix").counts())) == 150


def test_the_two_matrices_stand_side_by_side_when_there_is_room_else_one_above_the_other(qtbot):
    table = TrainingTable.from_csv(EXAMPLES / "iris.csv")
    encoding = Encoding.fit(table, "multiclass", True)
    y = encoding.encode_targets(table)
    view = MetricsView()
    qtbot.addWidget(view)
    view.show_metrics(compute_metrics(encoding, y[30:], y[30:]), table, compute_metrics(encoding, y[:30], y[:30]))
    view.show()
    trained, held = view.tables[0], view.validation_tables[0]

    def where(widget):
        return widget.mapTo(view, QPoint(0, 0))

    for width, beside in ((1000, True), (360, False), (1000, True)):
        view.resize(width, 600)
        qtbot.waitUntil(lambda beside=beside: view.pairs[0].side_by_side() == beside, timeout=2000)
        qtbot.wait(50)  # placed by the layout
        a, b = where(trained), where(held)
        if beside:
            assert a.y() == b.y() and b.x() >= a.x() + trained.width()
        else:
            assert a.x() == b.x() and b.y() >= a.y() + trained.height()
            assert b.x() + held.width() <= view.width()  # nothing cut at the right


def test_a_regression_with_validation_rows_has_a_row_of_r2_and_rmse_for_each_set(window, qtbot):
    assert window.open_table(EXAMPLES / "diabetes.csv")
    keep_for_validation(window, qtbot, 0.2)
    show_tab(window, window.views.metrics_view)
    train(window, qtbot, 100)
    view = window.views.metrics_view
    qtbot.waitUntil(lambda: view.metrics is window.last_update.metrics and view.validation is not None, timeout=5000)
    training, validation = split_metrics(window.last_update)
    grid = view.regression_table
    assert training.rows + validation.rows == 442 and grid.rowCount() == 2
    assert [grid.item(r, c).text() for r in range(2) for c in range(4)] == [
        "progression", f"training: {training.rows}", f"{training.r2[0]:.4g}", f"{training.rmse[0]:.4g}",
        "progression", f"validation: {validation.rows}", f"{validation.r2[0]:.4g}", f"{validation.rmse[0]:.4g}"]


@pytest.mark.parametrize("tab", ["metrics_view", "health_view"])
def test_a_new_network_clears_what_was_shown_of_the_old(window, qtbot, tab):
    show_tab(window, getattr(window.views, tab))
    train(window, qtbot, 50)
    qtbot.waitUntil(lambda: metrics_label(window) != "", timeout=5000)
    window.reset()
    qtbot.waitUntil(lambda: window.last_update is not None and window.last_update.snapshot.iteration == 0,
                    timeout=5000)
    assert metrics_label(window) == ""
    assert window.views.metrics_view.metrics is None
    health = window.last_update.health
    assert health is not None and health.iterations.tolist() == [0]


def test_a_reopened_session_shows_its_metrics_at_once(window, qtbot, tmp_path):
    assert window.open_table(EXAMPLES / "iris.csv")
    train(window, qtbot, 300)
    path = tmp_path / "iris.nnpsession"
    assert window.save_session(path)
    saved = load_session(path)
    assert saved.metrics == window.last_update.metrics.to_dict()  # the file records what was shown

    other = make_window(qtbot, offer_restore=False)
    other.show()
    qtbot.waitUntil(lambda: other.last_update is not None, timeout=5000)
    assert other.open_path(path)
    show_tab(other, other.views.metrics_view)
    # worked out again from the saved weights and table, with no step or run
    encoding = saved.network_encoding
    net = Network([encoding.n_inputs, *saved.config.hidden, encoding.n_outputs],
                  saved.config.activations_for(len(saved.config.hidden) + 1), use_bias=saved.config.use_bias)
    net.set_parameters(saved.weights, saved.biases)
    table = TrainingTable.from_cells(saved.columns, saved.cells, saved.roles, kinds=saved.column_kinds)
    expected = compute_metrics(encoding, net.predict(encoding.encode_inputs(table)), encoding.encode_targets(table))
    qtbot.waitUntil(lambda: metrics_label(other) == metrics_text(expected, ("species",)), timeout=5000)
    assert other.last_update.snapshot.iteration == 300
    assert sum(map(sum, other.findChild(QTableView, "confusionMatrix").counts())) == 150
    # the Health tab's history comes back too (it was empty, with only the reopened network's one sample)
    before = window.last_update.health
    assert saved.health == before.samples and len(before.samples) >= 5
    after = other.last_update.health
    np.testing.assert_array_equal(after.iterations, before.iterations)
    np.testing.assert_array_equal(after.grad_norm, before.grad_norm)
    other.close()


def test_a_health_notes_fix_is_one_click_away(window, qtbot):
    """The saturated "32, 32, 32" network: the note's "Try initial weights xavier" sets it in the panel (waiting
    for Reset, as any change of a trained network's settings), and after Reset it is no longer saturated."""
    window.settings.hidden.setText("32, 32, 32")
    window.reset_action.trigger()
    train(window, qtbot, 200)
    view = window.views.health_view
    show_tab(window, view)
    qtbot.waitUntil(lambda: view.report is not None and view.report.notes[0].code == "saturated-start", timeout=5000)
    assert "<a href='try:0'>Try initial weights xavier</a>" in view.notes.text()
    view.notes.linkActivated.emit("try:0")  # the click
    assert window.state.settings.init == "xavier" and window.settings.init.currentText() == "xavier"
    assert "press Reset" in window.notice.text()
    window.reset_action.trigger()
    train(window, qtbot, 300)  # no longer saturated from the start (the gradient now vanishes instead: its note)
    qtbot.waitUntil(lambda: view.report is not None and view.report.notes
                    and view.report.notes[0].code != "saturated-start", timeout=5000)


def test_a_fix_the_table_cannot_take_is_refused_not_set(window, qtbot):
    """"Try patience 50" with no validation rows would leave the patience refused beside its field."""
    before = window.state.settings
    window.try_settings((("patience", 50),))
    assert window.notice.text().startswith("Can't try patience 50: patience: early stopping watches")
    assert window.state.settings == before and window.settings.fault is None
