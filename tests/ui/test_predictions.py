"""The predictions table shows every value in full, large ones in scientific notation, and says when
ŷ is from before the latest update."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle

from nnplayground.core import Network, Trainer
from nnplayground.ui.predictions_model import PredictionsModel, predictions_note
from nnplayground.ui.predictions_view import PredictionsPanel

TWO_TARGETS = ("and", "or")  # short names: the numbers, not the headers, set the widths


def two_target_values(rows=12):
    rng = np.random.default_rng(3)
    y = np.column_stack([rng.integers(0, 2, rows), rng.normal(0, 500, rows)]).astype(float)
    y_hat = np.column_stack([rng.random(rows) * 1e-3, -rng.random(rows) * 3e5])
    y_hat[0] = [3634576123.0, -0.00012345]  # a diverged ŷ, a tiny one
    y_hat[1] = [0.98765, 1e-7]
    y_hat[2] = [6.996e117, -8.888e-188]  # three-digit exponents: "+6.996e+1…" was once cut off
    return y, y_hat


def make_panel(qtbot, width=340, height=300):
    model = PredictionsModel()
    panel = PredictionsPanel(model)
    qtbot.addWidget(panel)
    panel.resize(width, height)
    panel.show()
    qtbot.waitExposed(panel)
    return model, panel


def test_two_targets_show_every_value_in_full(qtbot):
    model, panel = make_panel(qtbot)
    y, y_hat = two_target_values()
    model.set_values(TWO_TARGETS, y, y_hat)
    qtbot.wait(10)
    table, header = panel.table, panel.table.horizontalHeader()
    cells, titles = QFontMetrics(table.font()), QFontMetrics(header.font())
    margin = 2 * (table.style().pixelMetric(QStyle.PM_FocusFrameHMargin, None, table) + 1)
    for column in range(model.columnCount()):
        width = header.sectionSize(column)
        title = model.headerData(column, Qt.Horizontal)
        assert titles.horizontalAdvance(title) <= width, title
        assert width >= table.sizeHintForColumn(column)  # Qt's own measure of what the cells need
        for row in range(model.rowCount()):
            text = model.data(model.index(row, column))
            assert "…" not in text
            assert cells.horizontalAdvance(text) + margin <= width, (row, column, text, width)
    # wider than the panel: a scroll bar reaches the rest
    assert header.length() > table.viewport().width()
    assert table.horizontalScrollBar().maximum() > 0


def test_huge_and_tiny_values_are_written_in_scientific_notation():
    model = PredictionsModel()
    y, y_hat = two_target_values()
    model.set_values(TWO_TARGETS, y, y_hat)
    assert model.data(model.index(0, 1)) == "3.635e+09"
    assert model.data(model.index(0, 4)) == "-0.0001234"
    assert model.data(model.index(1, 1)) == "0.9877"
    model.set_values(("y",), np.array([[1.0]]), np.array([[3.6e9]]))
    assert model.data(model.index(0, 1)) == "3.6e+09"
    assert model.data(model.index(0, 2)) == "+3.6e+09"  # the error, with its sign
    assert model.data(model.index(0, 1), Qt.ToolTipRole) == "3600000000.0"


def test_no_predictions_yet_shows_dashes():
    model = PredictionsModel()
    model.set_values(("y",), np.array([[1.0], [0.0]]), None)
    assert [model.data(model.index(0, c)) for c in range(3)] == ["1", "–", "–"]


@pytest.fixture
def trainer(article):
    X, y = article
    return Trainer(Network([3, 4, 1], seed=1), X, y)


def test_the_note_is_given_exactly_when_y_hat_is_not_from_the_weights_shown(trainer, article):
    X, _ = article
    assert trainer.snapshot().predictions is None and predictions_note(trainer.snapshot()) == ""
    seen = []
    for _ in range(8):  # two whole iterations, phase by phase
        trainer.step_phase()
        snap = trainer.snapshot()
        net = Network([3, 4, 1])
        net.set_parameters(snap.weights, snap.biases)
        from_weights_shown = np.array_equal(net.predict(X), snap.predictions)
        assert (predictions_note(snap) == "") == from_weights_shown, (snap.iteration, snap.phase)
        seen.append(bool(predictions_note(snap)))
    assert seen == [False, False, False, True] * 2  # only after each update
    trainer.run(10)  # a run ends after an update too
    snap = trainer.snapshot()
    assert "before the latest weight update" in predictions_note(snap)
    assert predictions_note(snap, before_update=False) == ""  # when the caller knows ŷ was recomputed


def test_the_panel_shows_the_note_and_the_header_tooltip_repeats_it(qtbot):
    model, panel = make_panel(qtbot)
    y, y_hat = two_target_values()
    model.set_values(TWO_TARGETS, y, y_hat, note="ŷ is from before the latest update")
    assert panel.note_label.isVisible() and "before the latest update" in panel.note_label.text()
    assert "one update newer" in model.headerData(1, Qt.Horizontal, Qt.ToolTipRole)
    model.set_values(TWO_TARGETS, y, y_hat)
    assert not panel.note_label.isVisible()
    assert "before" not in model.headerData(1, Qt.Horizontal, Qt.ToolTipRole)


def test_columns_fit_again_when_the_targets_change(qtbot):
    model, panel = make_panel(qtbot)
    model.set_values(("y",), np.array([[1.0]]), np.array([[0.5]]))
    narrow = panel.table.horizontalHeader().sectionSize(0)
    model.set_values(("a much longer target name",), np.array([[1.0]]), np.array([[0.5]]))
    header = panel.table.horizontalHeader()
    assert header.sectionSize(0) > narrow
    assert header.sectionSize(0) >= QFontMetrics(header.font()).horizontalAdvance("a much longer target name")


def test_y_hat_of_other_rows_is_never_shown_beside_these():
    """ŷ of the training rows only (validation rows held out) must not be paired with the wrong rows."""
    model = PredictionsModel()
    model.set_values(("y",), np.array([[1.0], [0.0], [1.0]]), np.array([[0.9], [0.2]]))
    assert [model.data(model.index(r, 1)) for r in range(3)] == ["–", "–", "–"]


def test_at_the_end_of_a_run_the_predictions_are_those_of_the_weights_shown(window, qtbot):
    """Exported after a run, predictions and weights must agree (the ONNX model equals predict to 1e-6):
    ŷ from the last feedforward was one update older (8e-5 apart on a real table)."""
    from .conftest import train

    train(window, qtbot, 200)
    update = window.last_update
    snap = update.snapshot
    net = update.config.make_network(update.table)
    net.set_parameters(snap.weights, snap.biases)
    np.testing.assert_allclose(snap.predictions, net.predict(update.table.X), rtol=0, atol=1e-15)
    assert not snap.predictions_before_update and window.views.predictions_model.note == ""
    window.step_phase_action.trigger()  # a step: ŷ of the feedforward, as the inspector teaches it
    qtbot.waitUntil(lambda: window.last_update.snapshot.phase == "loss", timeout=3000)
    for _ in range(3):
        window.step_phase_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.snapshot.iteration == 201, timeout=3000)
    assert window.last_update.snapshot.predictions_before_update
