"""What a new user met in the first hour (an Xvfb walk-through), each now as it should be."""
from nnplayground.paths import EXAMPLES

from .conftest import at_iteration, train


def test_a_file_that_cannot_open_never_asks_about_unsaved_work(window, qtbot, tmp_path):
    train(window, qtbot, 5)
    asked = []
    window.ask_save_changes = lambda: asked.append(1) or "discard"
    bad = tmp_path / "garbage.nnpsession"
    bad.write_bytes(b"\x00garbage")
    for path in (bad, tmp_path, tmp_path / "missing.csv"):
        assert not window.open_path(path)
    assert asked == [] and window.last_update.snapshot.iteration == 5
    assert window.open_path(EXAMPLES / "xor.csv") and asked == [1]  # a file that opens asks first


def test_the_title_names_the_table_an_unsaved_session_came_from(window):
    assert window.open_path(EXAMPLES / "xor.csv")
    assert window.windowTitle().startswith("untitled (xor.csv)")


def test_a_users_own_table_gets_the_settings_suggested_for_it_as_the_command_line(window, tmp_path):
    from nnplayground.core import TrainingTable
    from nnplayground.core.suggest import suggest

    mine = tmp_path / "mine.csv"
    mine.write_text("a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,1\n")
    assert not window.settings.use_bias.isChecked()  # the tutorial's preset: no biases
    assert window.open_path(mine)
    assert window.state.settings == suggest(TrainingTable.from_csv(mine)).config
    assert window.settings.use_bias.isChecked() and window.settings.loss.currentText() == "bce"


def test_old_messages_and_speeds_go_when_training_moves_on(window, qtbot):
    assert window.notice.text().startswith("Ready")
    train(window, qtbot, 300)
    assert window.rate_label.text().endswith("it/s")
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 301), timeout=3000)
    assert window.rate_label.text() == "" and not window.notice.text().startswith("Done")


def test_a_settings_complaint_goes_once_the_settings_are_fixed(window):
    window.settings.hidden.setText("8, x")
    assert window.notice.text().startswith("Settings: ")
    window.settings.hidden.setText("4")
    assert window.notice.text() == ""


def test_bad_cells_are_counted_in_plain_words(window):
    window.document.set_cells([(0, 0, "a"), (1, 0, "b")])
    window.step_iteration_action.trigger()
    assert window.notice.text().endswith("(and 1 more bad cell)")


def test_the_table_editors_messages_reach_the_status_line(window):
    window.table_editor.paste("0.5\t0.25")
    assert window.notice.text() == "Pasted 1 × 2 cells"
