"""The settings panel (the problem detected, its output and loss brought along, refusals in the core's words)
and the card of suggested settings (reasons, Apply, Undo apply), as a user meets them."""
import shutil
from dataclasses import replace

import numpy as np
from PySide6.QtGui import QAction, QKeySequence

from nnplayground.core import Network, Trainer, TrainingTable
from nnplayground.core.config import pairing_problem
from nnplayground.core.presets import PRESETS
from nnplayground.core.suggest import suggest
from nnplayground.paths import DEFAULT_TABLE, EXAMPLES

from .conftest import train


def advised(window, qtbot):
    """Wait until the card shows its answer for the table and settings as they are now."""
    qtbot.waitUntil(lambda: window.suggestion_card.advice is not None, timeout=5000)
    return window.suggestion_card.advice


def open_iris_copy(window, qtbot, tmp_path):
    path = tmp_path / "iris.csv"  # not the shipped example: its settings are the ones suggested for it
    shutil.copy(EXAMPLES / "iris.csv", path)
    assert window.open_path(path)
    advised(window, qtbot)
    return TrainingTable.from_csv(path)


def test_the_problem_combo_shows_the_problem_detected(window, qtbot, tmp_path):
    advised(window, qtbot)
    combo = window.settings.problem
    assert combo.currentText() == "binary (detected)"  # the tutorial's 0/1 target
    open_iris_copy(window, qtbot, tmp_path)
    assert combo.currentText() == "multi-class (detected)"
    assert [combo.itemText(i) for i in range(combo.count())] == ["binary", "multi-class (detected)", "regression"]


def test_choosing_another_problem_brings_its_output_and_loss_which_stay_changeable(window, qtbot):
    s = window.settings
    s.problem.setCurrentIndex(s.problem.findData("regression"))
    assert (s.output_activation.currentText(), s.loss.currentText()) == ("linear", "mse")
    assert window.state.settings.problem == "regression" and window.state.settings.loss == "mse"
    s.loss.setCurrentText("sse")  # the user's own choice after that
    assert window.state.settings.loss == "sse" and window.state.settings.output_activation == "linear"
    s.problem.setCurrentIndex(s.problem.findData("multiclass"))
    assert (s.output_activation.currentText(), s.loss.currentText()) == ("softmax", "cross_entropy")
    qtbot.waitUntil(lambda: window.last_update.config.problem == "multiclass", timeout=3000)  # untrained: at once
    assert window.last_update.snapshot.weights[-1].shape == (4, 2)  # one output per class of the 0/1 target


def test_a_combination_the_core_refuses_shows_its_words_marks_the_field_and_emits_nothing(window, qtbot):
    s = window.settings
    before = window.state.settings
    with qtbot.assertNotEmitted(s.configChanged):
        s.output_activation.setCurrentText("softmax")  # with sse
    assert s.message.text() == pairing_problem("binary", "softmax", "sse")
    assert s.fault == "output_activation" and s.message.isVisible()
    assert window.state.settings == before and window.notice.text().startswith("Settings: output activation")
    s.output_activation.setCurrentText("linear")
    with qtbot.assertNotEmitted(s.configChanged):
        s.loss.setCurrentText("bce")  # bce needs a sigmoid output
    assert s.message.text() == pairing_problem("binary", "linear", "bce") and s.fault == "loss"
    s.output_activation.setCurrentText("sigmoid")  # fixed: the message goes, the settings apply
    assert s.fault is None and not s.message.isVisible() and window.state.settings.loss == "bce"


def test_settings_that_cannot_reach_the_targets_are_told_beside_the_output_activation(window, qtbot):
    assert window.open_table(EXAMPLES / "diabetes.csv")  # targets of 25 to 346
    s = window.settings
    s.scaling.setChecked(False)
    s.output_activation.setCurrentText("sigmoid")
    qtbot.waitUntil(lambda: s.fault == "output_activation", timeout=5000)
    assert s.message.text().startswith("output activation: a sigmoid output gives values from 0 to 1, but the "
                                       "targets go from 25 to 346")
    card = window.suggestion_card
    assert "can't train the table" in card.status.text() and card.apply_button.isEnabled()
    card.apply_button.click()
    qtbot.waitUntil(lambda: s.fault is None, timeout=5000)
    assert window.state.settings == PRESETS["diabetes.csv"]


def test_opening_iris_shows_the_suggestion_with_its_reasons_and_apply_brings_it_back(window, qtbot, tmp_path):
    table = open_iris_copy(window, qtbot, tmp_path)
    card, expected = window.suggestion_card, suggest(table)
    assert window.state.settings == expected.config  # applied on opening, as the command line does
    assert card.suggestion == expected and card.differences() == ()
    assert card.reason_text("problem") == ("multi-class: 'species' holds 3 text labels (setosa, versicolor, "
                                           "virginica): one output per class")
    assert "'species' holds 3 text labels" in card.reasons.text() and card.reasons.isVisible()
    assert "suggested ones" in card.status.text() and not card.apply_button.isEnabled()
    card.reasons_button.setChecked(True)  # every reason, not only the problem's and those that differ
    assert all(expected.reason(k).split(":")[0] in card.reasons.text() for k in ("loss", "init", "use_bias"))

    window.settings.init.setCurrentText("uniform")
    window.settings.activation.setCurrentText("relu")
    assert card.differences() == ("activation", "init")
    assert "(now uniform)" in card.reasons.text() and "2 settings differ" in card.status.text()
    assert card.apply_button.isEnabled()
    card.apply_button.click()
    assert window.state.settings == expected.config and card.differences() == ()
    qtbot.waitUntil(lambda: window.last_update.config == expected.config, timeout=3000)  # untrained: at once


def test_the_tutorials_table_shows_the_tutorials_preset_and_trains_as_the_tutorial(window, qtbot):
    advised(window, qtbot)
    card = window.suggestion_card
    assert card.suggestion.config == PRESETS["article.csv"] == window.state.settings
    assert all(why.endswith("as in the tutorial") for _, why in card.suggestion.reasons)
    assert "article.csv" in card.title.text() and card.differences() == ()
    train(window, qtbot, 50)
    table = TrainingTable.from_csv(DEFAULT_TABLE)
    reference = Trainer(Network([3, 4, 1], "sigmoid", use_bias=False, seed=0), table.X, table.y, "sse", 1.0)
    reference.run(50)
    for shown, expected in zip(window.last_update.snapshot.weights, reference.network.weights):
        np.testing.assert_array_equal(shown, expected)


def test_a_half_typed_into_the_tutorials_target_proposes_regression_and_apply_then_trains(window, qtbot):
    advised(window, qtbot)
    window.document.set_cells([(0, 3, "0.5")])
    assert window.notice.text().startswith("Can't train: target 'y' holds 3 different numbers")
    assert "Ctrl+Shift+A" in window.notice.text()  # the message points at the card's Apply
    card = window.suggestion_card
    qtbot.waitUntil(lambda: card.advice is not None and card.suggestion.config.problem == "regression",
                    timeout=5000)
    assert "The targets read as <b>regression</b>" in card.status.text()
    assert window.settings.problem.itemText(2) == "regression (detected)"
    assert window.settings.fault == "problem"  # the settings can't read the target: the problem is at fault
    card.apply_button.click()
    assert window.state.settings.problem == "regression"
    qtbot.waitUntil(lambda: window.last_update.config.problem == "regression", timeout=3000)  # untrained: at once
    train(window, qtbot, 20)
    assert np.isfinite(window.last_update.snapshot.loss) and window.pending_label.text() == ""


def test_apply_on_a_trained_network_waits_for_reset(window, qtbot):
    train(window, qtbot, 5)
    weights = [w.copy() for w in window.last_update.snapshot.weights]
    window.document.set_cells([(0, 3, "0.5")])
    card = window.suggestion_card
    qtbot.waitUntil(lambda: card.advice is not None and card.suggestion.config.problem == "regression",
                    timeout=5000)
    window.apply_suggestions_action.trigger()  # Ctrl+Shift+A
    assert window.state.settings.problem == "regression" and "settings" in window.pending_label.text()
    assert "press Reset" in window.notice.text()
    qtbot.wait(50)
    assert window.last_update.config.problem == "binary" and window.last_update.snapshot.iteration == 5
    for shown, before in zip(window.last_update.snapshot.weights, weights):
        np.testing.assert_array_equal(shown, before)
    window.reset_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.config.problem == "regression", timeout=3000)
    assert window.last_update.snapshot.iteration == 0 and window.pending_label.text() == ""


def test_undo_apply_restores_the_previous_settings(window, qtbot):
    advised(window, qtbot)
    s, card = window.settings, window.suggestion_card
    s.seed.setValue(7)
    s.hidden.setText("6")
    s.iterations.setValue(300)
    mine = window.state.settings
    assert card.differences() == ("hidden", "seed")
    card.apply_button.click()
    assert window.state.settings == replace(PRESETS["article.csv"], iterations=300)  # your iterations stay
    assert card.undo_button.isVisible() and card.can_undo
    card.undo_button.click()
    assert window.state.settings == mine and s.seed.value() == 7 and s.hidden.text() == "6"
    assert not card.undo_button.isVisible() and card.differences() == ("hidden", "seed")
    qtbot.waitUntil(lambda: window.last_update.config == mine, timeout=3000)


def test_undo_apply_goes_once_the_settings_change_again(window, qtbot):
    advised(window, qtbot)
    s, card = window.settings, window.suggestion_card
    s.seed.setValue(7)
    card.apply_button.click()
    assert card.can_undo
    s.learning_rate.setValue(0.5)  # the user moved on
    assert not card.can_undo and not card.undo_button.isVisible()


def test_apply_has_a_shortcut_of_its_own(window):
    action = window.apply_suggestions_action
    assert action.shortcut() == QKeySequence("Ctrl+Shift+A")
    others = [a for a in window.findChildren(QAction) if a is not action and a.shortcut() == action.shortcut()]
    assert others == []
    menus = {m.text(): m.menu().actions() for m in window.menuBar().actions() if m.menu() is not None}
    assert action in menus["&Train"]


def test_a_table_that_cannot_be_read_has_no_suggestion_until_it_is_fixed(window, qtbot):
    advised(window, qtbot)
    card = window.suggestion_card
    window.document.set_cells([(1, 0, "oops")])
    qtbot.waitUntil(lambda: card.advice is not None and card.suggestion is None, timeout=5000)
    assert "can't be read" in card.status.text() and "'oops' is not a number" in card.status.text()
    assert not card.apply_button.isEnabled() and window.settings.detected is None
    assert card.apply().startswith("No suggestion while the table can't be read")
    window.document.set_cells([(1, 0, "0")])
    qtbot.waitUntil(lambda: card.advice is not None and card.suggestion is not None, timeout=5000)
    assert card.suggestion.config == PRESETS["article.csv"]


def test_the_settings_tell_when_they_apply(window):
    s = window.settings
    for key in ("problem", "output_activation", "loss", "scaling", "hidden", "activation", "init", "use_bias", "seed"):
        assert "Applies at Reset" in s.fields[key].toolTip(), key
    for key in ("learning_rate", "iterations"):
        assert "Applies at once" in s.fields[key].toolTip(), key
    assert s.labels["loss"].toolTip() == s.loss.toolTip()


def test_per_layer_hidden_activations_stay_possible(window, qtbot):
    s = window.settings
    s.hidden.setText("5, 3")
    s.activation.setCurrentText("relu, tanh")
    qtbot.waitUntil(lambda: window.last_update.config.activation == "relu, tanh", timeout=3000)
    assert window.last_update.config.output_activation == "sigmoid"  # the output's is its own setting
    assert [w.shape for w in window.last_update.snapshot.weights] == [(3, 5), (5, 3), (3, 1)]


def test_run_and_step_refuse_while_a_setting_shown_is_refused(window, qtbot):
    """Loss bce on a regression table is refused beside the field; Run must not then train the network
    built with the previous settings (mse) and call it done, as if bce had been used."""
    assert window.open_table(EXAMPLES / "diabetes.csv")
    advised(window, qtbot)
    window.settings.loss.setCurrentText("bce")
    qtbot.waitUntil(lambda: window.settings.fault is not None, timeout=5000)
    for action in (window.run_action, window.step_iteration_action):
        action.trigger()
        assert window.notice.text().startswith("Can't train with the settings as shown: ")
    qtbot.wait(100)
    assert window.last_update.snapshot.iteration == 0 and not window.running
    window.settings.loss.setCurrentText("mse")
    qtbot.waitUntil(lambda: window.settings.fault is None, timeout=5000)
    qtbot.waitUntil(lambda: window.notice.text() == "", timeout=5000)  # the refusal goes with its cause
    train(window, qtbot, 5)
