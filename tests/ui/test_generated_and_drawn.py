"""Generated and drawn data in the window: File ▸ New from generator… makes the dialog's table and trains
it, undoably; in Draw mode a click on the Surface tab (or on ŷ(x)) adds a row, a drag moves one, a
right-click or Delete removes one, each one undoable edit that the table editor shows at once and the
network trains on."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox

from nnplayground.core.datasets import generate
from nnplayground.core.presets import generator_preset
from nnplayground.ui.draw_tool import pixel_map

from .conftest import at_iteration, open_table, train


def answer_generator_dialog(qtbot, choose=None, button=QDialogButtonBox.Ok, seen=None):
    """When the generator dialog opens: note its settings in ``seen``, set ``choose`` in its fields as a user
    would, then press ``button``."""
    def act():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "generateDialog":
            QTimer.singleShot(10, act)
            return
        if seen is not None:
            seen.update(dialog.settings())
        if choose:
            dialog.set_generator(choose["name"])
            dialog.points.setValue(choose["n_points"])
            dialog.noise.setValue(choose["noise"])
            dialog.seed.setValue(choose["seed"])
        dialog.buttons.button(button).click()
    QTimer.singleShot(0, act)


def generated(window, qtbot, name, n_points, noise=0.1, seed=0):
    assert window.files.new_from_generator(name, n_points, noise, seed)
    qtbot.waitUntil(lambda: window.last_update is not None and window.last_update.table.n_rows == n_points,
                    timeout=5000)


def accuracy(window) -> float:
    update = window.last_update
    return float(((update.snapshot.predictions >= 0.5) == update.table.y).mean())


# -- File ▸ New from generator… -------------------------------------------------------------------------
def test_the_generator_action_makes_the_dialogs_table_and_trains_it(window, qtbot):
    action = window.findChild(type(window.open_action), "newFromGeneratorAction")
    assert action is window.new_from_generator_action and action.shortcut().toString() == "Ctrl+G"
    choice = {"name": "circles", "n_points": 150, "noise": 0.2, "seed": 3}
    answer_generator_dialog(qtbot, choice)
    action.trigger()
    assert window.document.to_training_table() == generate(**choice)
    assert window.windowTitle().startswith("untitled (circles, 150 points)")
    assert window.state.settings == generator_preset("circles") and window.settings.hidden.text() == "16"
    assert "circles generator" in window.notice.text()
    train(window, qtbot, 1500)
    assert window.last_update.config.optimizer == "adam" and accuracy(window) >= 0.99

    seen = {}  # the dialog opens on the last choice, and Cancel changes nothing
    answer_generator_dialog(qtbot, button=QDialogButtonBox.Cancel, seen=seen)
    action.trigger()
    assert seen == choice
    assert window.document.to_training_table() == generate(**choice) and at_iteration(window, 1500)


def test_the_settings_panel_keeps_the_presets_optimizer_when_a_field_changes(window, qtbot):
    """The panel has no optimizer field yet: a change of the iterations must not turn Adam into plain
    gradient descent behind the user's back (and ask for a Reset)."""
    generated(window, qtbot, "spiral", 100)
    window.settings.iterations.setValue(200)
    assert window.state.settings.optimizer == "adam" and window.pending_label.text() == ""
    train(window, qtbot, 200)
    assert window.last_update.config.optimizer == "adam"


def test_the_suggestion_card_suggests_the_generators_preset_for_its_table(window, qtbot):
    """Apply must not swap the preset that learns the spiral for the general suggestion that does not."""
    generated(window, qtbot, "spiral", 200)
    card = window.suggestion_card
    qtbot.waitUntil(lambda: card.advice is not None, timeout=5000)
    assert card.suggestion.config == generator_preset("spiral") and card.differences() == ()
    assert "the spiral generator's own setting" in card.reason_text("hidden")


def test_undo_brings_the_previous_table_back_and_redo_the_generated_one(window, qtbot):
    before = window.document.to_training_table()
    generated(window, qtbot, "spiral", 200)
    window.undo_action.trigger()
    assert window.document.to_training_table() == before
    qtbot.waitUntil(lambda: window.last_update.table == before, timeout=5000)  # a network for it: nothing trained
    window.redo_action.trigger()
    assert window.document.to_training_table() == generate("spiral", 200)


def test_unsaved_work_is_asked_about_first_and_kept_if_the_user_says_so(window, qtbot):
    window.table_model.setData(window.table_model.index(0, 0), "0.5")
    before = window.document.to_csv_text()
    asked = []
    window.ask_save_changes = lambda: asked.append(True) or "cancel"
    assert not window.files.new_from_generator("xor", 50, 0.1, 0)
    assert asked and window.document.to_csv_text() == before
    window.ask_save_changes = lambda: "discard"
    assert window.files.new_from_generator("xor", 50, 0.1, 0)
    assert window.document.to_training_table() == generate("xor", 50)


# -- Draw mode ---------------------------------------------------------------------------------------------
class Pen:
    """Mouse work on a plot at data coordinates, as a user does it (pixels are whole numbers)."""

    def __init__(self, qtbot, plot):
        self.qtbot, self.plot = qtbot, plot

    def pixel(self, x, y) -> QPoint:
        p = pixel_map(self.plot).to_pixels([[x, y]])[0]
        return QPoint(round(p[0]), round(p[1]))

    def data(self, pixel: QPoint) -> tuple[float, float]:
        """Where a pixel is in the data, by Qt's own mapping (scene, then the view box)."""
        point = self.plot.getPlotItem().getViewBox().mapSceneToView(self.plot.mapToScene(pixel))
        return point.x(), point.y()

    def per_pixel(self) -> tuple[float, float]:
        return pixel_map(self.plot).per_pixel

    def click(self, x, y, button=Qt.LeftButton, modifier=Qt.NoModifier) -> tuple[float, float]:
        pixel = self.pixel(x, y)
        self.qtbot.mouseClick(self.plot.viewport(), button, modifier, pixel)
        return self.data(pixel)

    def drag(self, start, end) -> tuple[float, float]:
        a, b = self.pixel(*start), self.pixel(*end)
        viewport = self.plot.viewport()
        self.qtbot.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, a)
        self.qtbot.mouseMove(viewport, (a + b) / 2)
        self.qtbot.mouseMove(viewport, b)
        self.qtbot.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, b)
        return self.data(b)


def drawing_on(window, qtbot, one_input=False):
    """Draw mode on (by its button), on the surface or ŷ(x) as shown; the pen for that plot."""
    view = window.surface_view
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.table is window.last_update.table and view.one_input == one_input, timeout=5000)
    toggle = view.findChild(type(view.draw_toggle), "drawModeToggle")
    qtbot.mouseClick(toggle, Qt.LeftButton)
    assert view.draw_action.isChecked()
    return Pen(qtbot, view.curve_view if one_input else view.plot)


def row(window, r, columns=None) -> list[float]:
    return [float(window.document.cell(r, c)) for c in (columns or range(window.document.n_columns))]


def close_to(cells, expected, per_pixel):
    return all(abs(c - e) <= p for c, e, p in zip(cells, expected, per_pixel))


def test_a_click_adds_a_point_of_the_chosen_class_shift_the_other_and_undo_takes_each_back(window, qtbot):
    generated(window, qtbot, "gaussians", 40)
    pen = drawing_on(window, qtbot)
    edits = window.document.undo.count
    where = pen.click(-0.3, 0.4)
    assert window.document.n_rows == window.table_model.rowCount() == 41  # the table editor shows it at once
    assert close_to(row(window, 40), where, pen.per_pixel()) and row(window, 40)[2] == 0
    window.surface_view.class_picker.setCurrentText("1")
    pen.click(0.3, -0.4)
    assert row(window, 41)[2] == 1
    where = pen.click(0.1, 0.1, modifier=Qt.ShiftModifier)
    assert close_to(row(window, 42), where, pen.per_pixel()) and row(window, 42)[2] == 0  # the other class
    assert window.document.undo.count == edits + 3  # one edit each
    window.step_iteration_action.trigger()  # the network trains on the drawn rows
    qtbot.waitUntil(lambda: window.last_update.table.n_rows == 43 and at_iteration(window, 1), timeout=5000)
    for n in (42, 41, 40):
        window.undo_action.trigger()
        assert window.document.n_rows == window.table_model.rowCount() == n


def test_a_drag_moves_a_point_in_one_edit_and_a_right_click_or_delete_removes_one(window, qtbot):
    generated(window, qtbot, "moons", 30)
    pen = drawing_on(window, qtbot)
    table = window.document.to_training_table()
    x, y, c = table.data[7]
    edits = window.document.undo.count
    where = pen.drag((x, y), (0.6 * x + 0.05, 0.6 * y - 0.05))  # towards the middle: inside the plot
    assert close_to(row(window, 7)[:2], where, pen.per_pixel()) and row(window, 7)[2] == c
    assert window.document.undo.count == edits + 1 and window.document.n_rows == 30
    window.undo_action.trigger()
    assert row(window, 7) == [x, y, c]
    where = pen.click(x, y)  # a click on a point (no drag) adds one more there, of the chosen class
    assert window.document.n_rows == 31 and close_to(row(window, 30), where, pen.per_pixel())
    assert row(window, 7) == [x, y, c]
    window.undo_action.trigger()

    pen.click(*table.data[3, :2], button=Qt.RightButton)
    assert window.document.n_rows == 29 and window.document.to_training_table().data[3].tolist() == \
        table.data[4].tolist()
    window.undo_action.trigger()
    assert window.document.to_training_table() == table

    pixel = pen.pixel(*table.data[5, :2])  # Delete removes the point under the pointer
    qtbot.mouseMove(pen.plot.viewport(), pixel)
    pen.plot.setFocus()
    qtbot.keyClick(pen.plot, Qt.Key_Delete)
    assert window.document.n_rows == 29 and window.document.to_training_table().data[5].tolist() == \
        table.data[6].tolist()


def test_with_draw_mode_off_clicks_change_nothing(window, qtbot):
    generated(window, qtbot, "xor", 40)
    pen = drawing_on(window, qtbot)
    window.surface_view.draw_toggle.click()  # off again
    assert not window.surface_view.draw_action.isChecked()
    before, edits = window.document.to_training_table(), window.document.undo.count
    table = before.data
    pen.click(0.5, 0.5)
    pen.click(*table[2, :2], button=Qt.RightButton)
    pen.drag(table[4, :2], (0.0, 0.0))
    assert window.document.to_training_table() == before and window.document.undo.count == edits


def test_ctrl_d_turns_draw_mode_on_from_any_tab(window, qtbot):
    generated(window, qtbot, "xor", 40)
    window.tabs.setCurrentIndex(0)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key_D, Qt.ControlModifier)
    assert window.surface_view.draw_action.isChecked() and window.tabs.currentWidget() is window.surface_view


def test_a_point_of_a_new_class_on_a_multiclass_table(window, qtbot, tmp_path):
    rng = np.random.default_rng(0)
    lines = ["a,b,colour"] + [f"{x:.3f},{y:.3f},{'red' if x < 0 else 'green' if y < 0 else 'blue'}"
                               for x, y in rng.uniform(-1, 1, (60, 2))]
    path = tmp_path / "colours.csv"
    path.write_text("\n".join(lines) + "\n")
    open_table(window, qtbot, path)
    pen = drawing_on(window, qtbot)
    picker = window.surface_view.class_picker
    assert [picker.itemText(i) for i in range(picker.count())] == ["blue", "green", "red"]
    picker.setCurrentText("purple")  # typed: a class the table does not have yet
    where = pen.click(0.5, 0.5)
    assert window.document.cell(60, 2) == "purple" and close_to(row(window, 60, (0, 1)), where, pen.per_pixel())
    # nothing was trained yet: the network is rebuilt with four outputs, and the picker lists the new class
    qtbot.waitUntil(lambda: window.last_update.snapshot.weights[-1].shape[1] == 4, timeout=5000)
    qtbot.waitUntil(lambda: picker.count() == 4, timeout=5000)
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 1), timeout=5000)
    picker.setCurrentText("orange")  # once trained, a new class waits for the user's Reset, and says why
    pen.click(-0.5, -0.5)
    assert window.document.cell(61, 2) == "orange"
    assert "'orange' is not one of the labels the network was built for" in window.notice.text()
    assert "table" in window.pending_label.text()
    window.undo_action.trigger()  # the orange point goes: the network fits the table again
    assert window.document.n_rows == 61 and "table" not in window.pending_label.text()


def test_the_one_input_view_adds_the_click_itself(window, qtbot):
    generated(window, qtbot, "sine", 30)
    assert window.tabs.tabText(2) == "ŷ(x)"
    pen = drawing_on(window, qtbot, one_input=True)
    assert not window.surface_view.class_picker.isVisible()  # the click's height is the value
    where = pen.click(0.3, 0.5)
    assert close_to(row(window, 30), where, pen.per_pixel())
    window.undo_action.trigger()
    assert window.document.to_training_table() == generate("sine", 30)


def test_where_points_cannot_be_drawn_a_click_says_why_and_changes_nothing(window, qtbot, tmp_path):
    """Two targets: a new row's target could not be chosen."""
    path = tmp_path / "t.csv"
    body = "\n".join(",".join(str((r * 7 + c) % 2) for c in range(3)) for r in range(12))
    path.write_text("a,y,z\n" + body + "\n")  # two targets of 0 and 1: binary classification, one output each
    assert window.open_table(path)
    window.document.set_role(1, "target")
    qtbot.waitUntil(lambda: window.last_update.table.n_rows == 12, timeout=5000)
    pen = drawing_on(window, qtbot, one_input=True)
    before = window.document.to_csv_text()
    pen.click(1.0, 1.0)
    assert window.document.to_csv_text() == before
    assert "Can't draw here" in window.notice.text()
    assert "Can't draw here" in window.surface_view.draw_hint.text()


def test_a_reopened_session_keeps_proposing_its_generators_settings(window, qtbot, tmp_path):
    """Reopened, a generated table's card named the generic suggestion and urged 3 changes to a run that
    had its generator's own settings."""
    from .conftest import make_window

    generated(window, qtbot, "moons", 200, 0.2, 0)
    card = window.suggestion_card
    qtbot.waitUntil(lambda: card.advice is not None and card.suggestion is not None, timeout=5000)
    title, suggested = card.title.text(), card.suggestion.config
    assert "moons" in title and card.differences() == ()
    train(window, qtbot, 20)
    path = tmp_path / "moons.nnpsession"
    assert window.save_session(path)
    other = make_window(qtbot, offer_restore=False)
    other.show()
    qtbot.waitUntil(lambda: other.last_update is not None, timeout=5000)
    assert other.open_path(path)
    again = other.suggestion_card
    qtbot.waitUntil(lambda: again.advice is not None and again.suggestion is not None
                    and again.suggestion.config == suggested, timeout=5000)
    assert again.title.text() == title and again.differences() == ()
    other.close()


@pytest.mark.parametrize("columns", ["a,b,c,y", "a,c,y"])
def test_a_point_drawn_beside_a_held_text_input_takes_its_label(window, qtbot, tmp_path, columns):
    """A text input is held at the label chosen in the view (on the surface, or on ŷ(x) of one input of
    numbers): a new row gets that label, and the other rows keep theirs."""
    path = tmp_path / "t.csv"
    names = columns.split(",")
    body = "\n".join(",".join(["red", "blue", "green"][r % 3] if name == "c" else str((r * 7 + k) % 5)
                               for k, name in enumerate(names)) for r in range(12))
    path.write_text(columns + "\n" + body + "\n")
    open_table(window, qtbot, path)
    pen = drawing_on(window, qtbot, one_input=columns == "a,c,y")
    held = window.surface_view.findChild(QComboBox, "held:c")
    assert [held.itemText(i) for i in range(held.count())] == ["blue", "green", "red"]
    held.setCurrentText("green")
    where = pen.click(1.0, 1.0)
    c = names.index("c")
    assert window.document.n_rows == 13 and window.document.cell(12, c) == "green"
    across = [k for k in range(len(names)) if k != c][:2] if columns == "a,b,c,y" else [0]  # ŷ(x): y is a class
    assert close_to(row(window, 12, across), where, pen.per_pixel())
    assert [window.document.cell(r, c) for r in range(12)] == [["red", "blue", "green"][r % 3] for r in range(12)]


def test_esc_leaves_draw_mode(window, qtbot):
    from PySide6.QtTest import QTest

    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.surface_view)
    window.surface_view.draw_action.setChecked(True)
    window.surface_view.setFocus()
    QTest.keyClick(window.surface_view, Qt.Key_Escape)
    assert not window.surface_view.draw_action.isChecked()


def test_undoing_a_generated_table_brings_back_the_tables_title_card_and_settings(window, qtbot):
    """Ctrl+Z after Generate gave back the tutorial's rows under the generator's title, card and settings
    (and a network of 16 tanh units on them)."""
    before_settings, before_title = window.state.settings, window.windowTitle()
    generated(window, qtbot, "gaussians", 50)
    assert "gaussians" in window.windowTitle() and window.state.settings != before_settings
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: window.document.n_rows == 4, timeout=3000)
    assert window.state.settings == before_settings and window.windowTitle() == before_title
    qtbot.waitUntil(lambda: window.last_update.table.n_rows == 4, timeout=3000)
    assert window.last_update.config == before_settings  # the network on the old rows is the old settings'
    qtbot.waitUntil(lambda: window.suggestion_card.advice is not None
                    and "article.csv" in window.suggestion_card.title.text(), timeout=5000)
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: window.document.n_rows == 50, timeout=3000)
    assert "gaussians" in window.windowTitle() and window.state.settings == generator_preset("gaussians")


def test_undo_past_a_generated_table_keeps_the_old_tables_marks_and_redo_the_users_own_settings(window, qtbot):
    from dataclasses import replace

    document = window.document
    window.settings.apply(replace(window.state.settings, validation=0.5))
    held = np.flatnonzero(document.validation)
    document.set_validation([int(held[0])], False)  # one held row moved back by hand
    marks = document.validation.copy()
    generated(window, qtbot, "gaussians", 50)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: document.n_rows == 4, timeout=3000)
    assert np.array_equal(document.validation, marks) and document.undo.can_redo  # not drawn anew, redo kept
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: document.n_rows == 50, timeout=3000)
    mine = replace(window.state.settings, hidden=(8,), learning_rate=0.01)
    window.settings.apply(mine)  # the user's own settings for the generated table
    document.set_cells([(0, 0, "0.5")])
    for action in (window.undo_action, window.undo_action, window.redo_action, window.redo_action):
        action.trigger()
    qtbot.waitUntil(lambda: document.cell(0, 0) == "0.5", timeout=3000)
    assert window.state.settings == mine  # not the generator's again


def test_a_restored_autosave_keeps_its_unsaved_tables_name(window, qtbot, tmp_path):
    """ "untitled (spiral, 200 points)" came back as "untitled" (the card remembered the generator)."""
    from nnplayground.app.session_file import restore_trainer
    from nnplayground.core.session import load_session, save_session

    from .conftest import make_window

    generated(window, qtbot, "spiral", 200)
    title = window.windowTitle()
    assert "spiral, 200 points" in title
    path = tmp_path / "autosave.nnpsession"
    save_session(path, window.files.current_session())
    session = load_session(path)
    assert session.source == "spiral, 200 points"
    other = make_window(qtbot, offer_restore=False)
    table = session.training_table()
    other.files.adopt_session(session, restore_trainer(session, table), table, None)  # as a restored autosave
    assert "untitled (spiral, 200 points)" in other.windowTitle()
    other.close()
