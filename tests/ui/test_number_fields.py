"""The settings' number fields as a learner types into them: scientific notation read as written, an
out-of-range or unreadable entry refused beside the field in the command line's words with the setting in
force unchanged, Esc putting it back, arrows that never reach a value the core refuses."""
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from nnplayground.cli import main
from nnplayground.core.config import CONSTRAINTS
from nnplayground.paths import EXAMPLES
from nnplayground.ui.number_field import NumberField

from .conftest import make_window, open_table

IRIS = str(EXAMPLES / "iris.csv")


def type_into(qtbot, field, text, key=Qt.Key_Return) -> None:
    """Select the field's text, type over it and press Enter (``key``), as a learner does."""
    field.lineEdit().selectAll()
    qtbot.keyClicks(field.lineEdit(), text)
    if key is not None:
        qtbot.keyClick(field, key)


def cli_words(capsys, *args) -> str:
    """What `nnplayground train` says about the same value, without its "nnplayground: error: "."""
    assert main(["train", IRIS, *args]) == 2
    return capsys.readouterr().err.strip().split("error: ", 1)[1]


def test_scientific_notation_sets_the_learning_rate_as_typed(window, qtbot):
    s = window.settings
    type_into(qtbot, s.learning_rate, "1e-3")
    assert window.state.settings.learning_rate == 0.001 and s.learning_rate.text() == "0.001"
    type_into(qtbot, s.learning_rate, "2.5E-4")
    assert window.state.settings.learning_rate == 0.00025 and s.learning_rate.text() == "0.00025"
    type_into(qtbot, s.learning_rate, "0.00001")
    assert window.state.settings.learning_rate == 1e-5 and s.learning_rate.text() == "1e-05"
    assert s.fault is None


@pytest.mark.parametrize("typed", ["1e6", "1000000"])
def test_a_learning_rate_out_of_range_is_refused_in_the_clis_words_and_changes_nothing(window, qtbot, capsys,
                                                                                       typed):
    open_table(window, qtbot, EXAMPLES / "iris.csv")  # the tester's case
    s, before = window.settings, window.state.settings
    with qtbot.assertNotEmitted(s.configChanged):
        type_into(qtbot, s.learning_rate, typed)
    words = cli_words(capsys, "--lr", typed)
    assert words == "learning rate: a number from 1e-06 to 1000, got 1000000.0"
    assert s.message.text() == words and s.message.isVisible() and s.fault == "learning_rate"
    assert window.notice.text() == f"Settings: {words}"
    assert window.state.settings == before and s.learning_rate.value() == before.learning_rate
    assert s.learning_rate.text() == typed  # kept as typed, to be fixed
    window.run_action.trigger()  # the network is not trained with a rate other than the one shown
    assert window.notice.text() == f"Can't train with the settings as shown: {words}" and not window.running


def test_esc_puts_back_the_setting_in_force_and_a_fixed_entry_applies(window, qtbot):
    s, before = window.settings, window.state.settings
    type_into(qtbot, s.learning_rate, "1e6")
    assert s.fault == "learning_rate"
    qtbot.keyClick(s.learning_rate, Qt.Key_Escape)
    assert s.fault is None and not s.message.isVisible() and s.learning_rate.text() == "1"
    assert window.state.settings == before
    type_into(qtbot, s.learning_rate, "abc")
    assert s.message.text() == "learning rate: a number from 1e-06 to 1000, got 'abc'"
    type_into(qtbot, s.learning_rate, "0.5")  # fixed: the message goes, the rate applies
    assert s.fault is None and window.state.settings.learning_rate == 0.5
    type_into(qtbot, s.learning_rate, "nan")
    type_into(qtbot, s.learning_rate, "0.5")  # fixed to the value in force: the message goes too
    assert s.fault is None and s.learning_rate.text() == "0.5"


def test_an_unfinished_entry_is_not_applied_and_leaving_the_field_keeps_a_refusal(window, qtbot):
    s, before = window.settings, window.state.settings
    window.activateWindow()
    s.learning_rate.setFocus()
    qtbot.waitUntil(s.learning_rate.hasFocus, timeout=3000)
    type_into(qtbot, s.learning_rate, "1e", key=None)  # on the way to 1e-2: nothing applies while typing
    assert window.state.settings == before and s.fault is None
    type_into(qtbot, s.learning_rate, "1e6", key=Qt.Key_Tab)  # to the next field: judged as on Enter
    assert not s.learning_rate.hasFocus()
    assert s.fault == "learning_rate" and s.learning_rate.text() == "1e6"
    assert window.state.settings == before


@pytest.mark.parametrize("key, typed, cli", [
    ("iterations", "0", ["--iterations", "0"]),
    ("seed", "-1", ["--seed", "-1"]),
    ("validation", "95", ["--split", "0.95"]),  # typed in percent, the share refused as the CLI's
    ("patience", "200000000", ["--patience", "200000000", "--split", "0.2"]),
    ("batch_size", "9000000", ["--batch-size", "9000000"]),
    ("momentum", "1", ["--momentum", "1"]),
    ("l2", "-0.1", ["--l2", "-0.1"]),
])
def test_every_number_field_refuses_rather_than_clamps(window, qtbot, capsys, key, typed, cli):
    s, before = window.settings, window.state.settings
    field = s.fields[key]
    type_into(qtbot, field, typed)
    words = cli_words(capsys, *cli)
    assert s.fault == key and s.message.text() == words and field.value() == getattr(before, key)
    assert window.state.settings == before and field.text().startswith(typed)


def test_a_number_typed_and_not_entered_counts_when_run_or_reset_is_pressed(window, qtbot):
    s = window.settings
    type_into(qtbot, s.learning_rate, "0.01", key=None)  # then F5, the field still being typed in
    window.run_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.config.learning_rate == 0.01 and not window.running, timeout=10000)
    assert window.state.settings.learning_rate == 0.01
    type_into(qtbot, s.iterations, "1e9", key=None)
    window.reset_action.trigger()
    assert s.fault == "iterations" and window.notice.text().startswith("Can't reset: iterations: a whole number")
    qtbot.keyClick(s.iterations, Qt.Key_Escape)
    type_into(qtbot, s.learning_rate, "1e6", key=None)
    window.step_iteration_action.trigger()
    assert s.fault == "learning_rate" and window.notice.text() == (
        "Can't train with the settings as shown: learning rate: a number from 1e-06 to 1000, got 1000000.0")
    assert window.last_update.snapshot.iteration == 1500
    assert window.state.settings.learning_rate == 0.01 and window.state.settings.iterations == 1500


def test_whole_numbers_take_scientific_notation_and_separators(window, qtbot):
    s = window.settings
    type_into(qtbot, s.iterations, "1e6")
    assert window.state.settings.iterations == 1_000_000 and s.iterations.text() == "1,000,000"
    type_into(qtbot, s.iterations, "2,500")
    assert window.state.settings.iterations == 2500
    type_into(qtbot, s.iterations, "1.5")
    assert s.message.text() == "iterations: a whole number from 1 to 100,000,000, got 1.5"
    assert window.state.settings.iterations == 2500


def test_the_validation_share_is_typed_in_percent_with_or_without_the_sign(window, qtbot):
    s = window.settings
    type_into(qtbot, s.validation, "20")
    assert window.state.settings.validation == 0.2 and s.validation.text() == "20 %"
    type_into(qtbot, s.validation, "12.5 %")
    assert window.state.settings.validation == 0.125
    type_into(qtbot, s.validation, "none")
    assert window.state.settings.validation == 0.0 and s.validation.text() == "none"


@pytest.mark.parametrize("key", ["learning_rate", "iterations", "momentum", "beta2", "eps", "decay_rate", "l1",
                                 "batch_size", "patience", "validation", "seed"])
def test_arrows_and_page_keys_never_reach_a_value_the_core_refuses(window, qtbot, key):
    field = window.settings.fields[key]
    assert isinstance(field, NumberField)
    limits, seen = CONSTRAINTS[key], [field.value()]
    field.valueChanged.connect(seen.append)
    for press, times in ((Qt.Key_Down, 60), (Qt.Key_Up, 60), (Qt.Key_PageDown, 30), (Qt.Key_PageUp, 2),
                         (Qt.Key_Down, 3)):
        for _ in range(times):
            qtbot.keyClick(field, press)
            assert field.refusal is None and limits.check(field.value()) == field.value()
    assert seen and all(limits.check(v) == v for v in seen)
    assert min(seen) == limits.low or key in ("seed",)  # the down arrow stops at the lowest allowed: 1e-6, not 0
    if key not in ("seed",):
        assert max(seen) == limits.high
    assert window.settings.fault in (None, "patience")  # patience without validation rows: the config's rule


def test_the_wheel_changes_only_the_field_being_edited(window, qtbot):
    """Scrolling the settings with the wheel over a field must not change it on the way."""
    field = window.settings.learning_rate

    def wheel():
        centre = QPointF(field.rect().center())
        QApplication.sendEvent(field, QWheelEvent(centre, QPointF(field.mapToGlobal(centre)), QPoint(0, 0),
                                                  QPoint(0, 120), Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase,
                                                  False))

    window.activateWindow()
    window.settings.iterations.setFocus()
    qtbot.waitUntil(window.settings.iterations.hasFocus, timeout=3000)
    wheel()
    assert window.state.settings.learning_rate == 1.0 and field.text() == "1"
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=3000)
    wheel()
    assert window.state.settings.learning_rate == 2.0


def test_a_refused_entry_steps_from_the_setting_in_force(window, qtbot):
    s = window.settings
    type_into(qtbot, s.learning_rate, "5000")
    qtbot.keyClick(s.learning_rate, Qt.Key_Down)
    assert s.fault is None and window.state.settings.learning_rate == 0.5  # from 1, the rate in force


def test_a_session_keeps_a_learning_rate_of_1e_5_exactly(window, qtbot, tmp_path):
    s = window.settings
    type_into(qtbot, s.learning_rate, "1e-5")
    type_into(qtbot, s.l2, "2.5e-7")
    assert window.state.settings.learning_rate == 1e-5 and window.state.settings.l2 == 2.5e-7
    path = tmp_path / "tiny.nnpsession"
    assert window.save_session(path)
    other = make_window(qtbot, offer_restore=False)
    qtbot.waitUntil(lambda: other.last_update is not None, timeout=5000)
    assert other.open_path(path)
    assert other.state.settings.learning_rate == 1e-5 and other.settings.learning_rate.value() == 1e-5
    assert other.settings.learning_rate.text() == "1e-05" and other.settings.l2.text() == "2.5e-07"
    assert other.settings.config() == window.state.settings
