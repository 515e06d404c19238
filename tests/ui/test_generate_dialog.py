"""The generator dialog, used as a person would: pick a pattern, type the points, noise and seed, see
the preview follow, then OK (or Enter) for the table those settings make, or Cancel (or Esc) for none."""
import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from nnplayground.core.datasets import CONSTRAINTS, GENERATORS, generate
from nnplayground.ui.curve_view import CurveView
from nnplayground.ui.generate_dialog import GenerateDialog
from nnplayground.ui.surface_view import SurfaceView
from nnplayground.ui.training_points import MAX_POINTS


@pytest.fixture
def dialog(qtbot):
    d = GenerateDialog()
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.activateWindow()
    qtbot.waitUntil(d.isActiveWindow)
    return d


def pick(qtbot, dialog, name):
    """Click the pattern's row in the list, as a user does."""
    title = GENERATORS[name].title
    [item] = [dialog.generators.item(r) for r in range(dialog.generators.count())
              if dialog.generators.item(r).text().strip() == title]
    rect = dialog.generators.visualItemRect(item)
    qtbot.mouseClick(dialog.generators.viewport(), Qt.LeftButton, pos=rect.center())


def type_into(qtbot, box, text):
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)


def button(dialog, which):
    return dialog.buttons.button(which)


def shown(dialog):
    """The preview's dots, as (x, y) pairs."""
    x, y = dialog.dots.getData()
    return np.column_stack([x, y])


@pytest.mark.parametrize("name", GENERATORS)
def test_ok_gives_the_table_of_the_pattern_and_settings_chosen(qtbot, dialog, name):
    pick(qtbot, dialog, name)
    type_into(qtbot, dialog.points, "123")
    type_into(qtbot, dialog.noise, "0.25")
    type_into(qtbot, dialog.seed, "7")
    assert dialog.table() is None  # nothing before OK
    qtbot.mouseClick(button(dialog, QDialogButtonBox.Ok), Qt.LeftButton)
    assert dialog.result() == QDialog.Accepted
    table = dialog.table()
    assert table == generate(name, n_points=123, noise=0.25, seed=7)
    assert table.columns == GENERATORS[name].columns and table.n_rows == 123
    assert dialog.settings() == {"name": name, "n_points": 123, "noise": 0.25, "seed": 7}


def test_cancel_and_escape_give_no_table(qtbot, dialog):
    qtbot.mouseClick(button(dialog, QDialogButtonBox.Cancel), Qt.LeftButton)
    assert dialog.result() == QDialog.Rejected and dialog.table() is None
    again = GenerateDialog()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    qtbot.keyClick(again.generators, Qt.Key_Escape)
    assert again.result() == QDialog.Rejected and again.table() is None and not again.isVisible()


@pytest.mark.parametrize("field", ["generators", "points", "noise", "seed"])
def test_enter_accepts_from_any_field_with_what_was_just_typed(qtbot, dialog, field):
    pick(qtbot, dialog, "circles")
    if field != "generators":
        type_into(qtbot, getattr(dialog, field), {"points": "40", "noise": "0.5", "seed": "12"}[field])
    qtbot.keyClick(getattr(dialog, field), Qt.Key_Return)
    assert dialog.result() == QDialog.Accepted and not dialog.isVisible()
    expected = {"name": "circles", "n_points": 200, "noise": 0.1, "seed": 0}
    expected.update({"points": {"n_points": 40}, "noise": {"noise": 0.5}, "seed": {"seed": 12}}.get(field, {}))
    assert dialog.table() == generate(**expected)


def test_the_preview_shows_the_points_the_table_will_hold_and_follows_every_change(qtbot, dialog):
    def table_now():
        return generate(**dialog.settings())

    t = table_now()
    np.testing.assert_array_equal(shown(dialog), t.X)
    before = shown(dialog)
    pick(qtbot, dialog, "moons")
    assert dialog.title.text() == "Moons" and dialog.description.text() == GENERATORS["moons"].description
    np.testing.assert_array_equal(shown(dialog), table_now().X)
    assert not np.array_equal(shown(dialog), before)
    type_into(qtbot, dialog.points, "61")
    assert len(shown(dialog)) == 61
    np.testing.assert_array_equal(shown(dialog), table_now().X)
    assert "class 0: 30 rows" in dialog.legend.text() and "class 1: 31 rows" in dialog.legend.text()
    moons = shown(dialog)
    type_into(qtbot, dialog.noise, "0")
    assert not np.array_equal(shown(dialog), moons)
    np.testing.assert_array_equal(shown(dialog), table_now().X)
    qtbot.mouseClick(dialog.next_seed, Qt.LeftButton)
    assert dialog.seed.value() == 1
    np.testing.assert_array_equal(shown(dialog), generate("moons", 61, 0.0, seed=1).X)
    pick(qtbot, dialog, "sine")  # a regression: x along, y up
    t = table_now()
    np.testing.assert_array_equal(shown(dialog), np.column_stack([t.X[:, 0], t.y[:, 0]]))
    assert "61 rows of (x, y)" in dialog.legend.text()


def test_a_large_table_is_previewed_by_an_evenly_spaced_sample_and_says_so(qtbot, dialog):
    type_into(qtbot, dialog.points, "100000")
    assert len(shown(dialog)) == MAX_POINTS
    assert "Showing 2,000 of 100,000 rows" in dialog.legend.text()
    qtbot.keyClick(dialog.points, Qt.Key_Return)
    assert dialog.table().n_rows == 100_000


def test_every_preview_point_is_inside_the_view(qtbot, dialog):
    for name in GENERATORS:
        pick(qtbot, dialog, name)
        for noise in ("0", "1"):
            type_into(qtbot, dialog.noise, noise)
            (x0, x1), (y0, y1) = dialog.preview.getPlotItem().viewRange()
            points = shown(dialog)
            assert x0 < points[:, 0].min() and points[:, 0].max() < x1, name
            assert y0 < points[:, 1].min() and points[:, 1].max() < y1, name


def test_the_classes_and_rows_have_the_colours_the_views_give_them(qtbot, dialog):
    """Class 0 and class 1 look in the preview as they will on the Surface tab; a regression's rows as
    in the ŷ(x) view."""
    def colours(scatter):
        return [tuple(spot.brush().color().getRgb()[:3]) for spot in scatter.points()]

    pick(qtbot, dialog, "xor")
    type_into(qtbot, dialog.points, "40")
    surface = SurfaceView()
    qtbot.addWidget(surface)
    surface.set_table(generate(**dialog.settings()))
    assert colours(dialog.dots) == colours(surface.points)
    assert len(set(colours(dialog.dots))) == 2
    pick(qtbot, dialog, "step")
    curve = CurveView()
    qtbot.addWidget(curve)
    curve.set_table(generate(**dialog.settings()))
    assert set(colours(dialog.dots)) == set(colours(curve.points[0]))


def test_arrow_home_and_end_keys_move_between_patterns_never_onto_a_heading(qtbot, dialog):
    assert dialog.generator_name() == "xor"
    qtbot.keyClick(dialog.generators, Qt.Key_Up)  # the heading above is not a pattern
    assert dialog.generator_name() == "xor"
    dialog.set_generator("checkerboard")
    qtbot.keyClick(dialog.generators, Qt.Key_Down)  # over the regression heading
    assert dialog.generator_name() == "sine"
    qtbot.keyClick(dialog.generators, Qt.Key_Home)
    assert dialog.generator_name() == "xor" and dialog.generators.currentItem().isSelected()
    qtbot.keyClick(dialog.generators, Qt.Key_End)
    assert dialog.generator_name() == "step"


def test_tab_goes_list_points_noise_seed_next_seed_ok_cancel(qtbot, dialog):
    expected = [dialog.points, dialog.noise, dialog.seed, dialog.next_seed, button(dialog, QDialogButtonBox.Ok),
                button(dialog, QDialogButtonBox.Cancel), dialog.generators]
    assert QApplication.focusWidget() is dialog.generators
    for widget in expected:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
        assert QApplication.focusWidget() is widget


def test_the_fields_take_the_core_s_limits(dialog):
    for box, key in ((dialog.points, "n_points"), (dialog.noise, "noise"), (dialog.seed, "seed")):
        assert (box.minimum(), box.maximum()) == (CONSTRAINTS[key].low, CONSTRAINTS[key].high)
    assert "a whole number from 2 to 100,000" in dialog.points.toolTip()


def test_the_noise_hint_says_what_the_noise_is_a_fraction_of(qtbot, dialog):
    pick(qtbot, dialog, "spiral")
    assert dialog.noise_hint.text() == "a fraction of the distance between neighbouring arms (0.29)"
    pick(qtbot, dialog, "circles")
    assert dialog.noise_hint.text() == "a fraction of the gap between the rings (0.5)"


def test_it_opens_on_the_settings_given_and_refuses_bad_ones_with_the_core_s_words(qtbot):
    d = GenerateDialog(name="spiral", n_points=50, noise=0.0, seed=3)
    qtbot.addWidget(d)
    assert d.settings() == {"name": "spiral", "n_points": 50, "noise": 0.0, "seed": 3}
    assert d.generators.currentItem().text().strip() == "Spiral"
    np.testing.assert_array_equal(shown(d), generate("spiral", 50, 0.0, 3).X)
    with pytest.raises(ValueError, match="^points: a whole number from 2 to 100,000, got 1$"):
        GenerateDialog(n_points=1)
    with pytest.raises(ValueError, match="^generator: unknown generator 'blobs'"):
        GenerateDialog(name="blobs")


def test_ask_returns_the_table_on_ok_and_none_on_cancel(qtbot):
    def answer(which):
        def press():
            dialog = QApplication.activeModalWidget()
            assert dialog.objectName() == "generateDialog"
            dialog.buttons.button(which).click()
        QTimer.singleShot(0, press)

    answer(QDialogButtonBox.Ok)
    assert GenerateDialog.ask(None, name="step", n_points=10) == generate("step", 10)
    answer(QDialogButtonBox.Cancel)
    assert GenerateDialog.ask(None) is None


def test_it_fits_a_1024_by_700_screen(dialog):
    assert dialog.width() <= 1000 and dialog.height() <= 640  # room for the window's frame
    assert dialog.minimumSize().width() <= 1000 and dialog.minimumSize().height() <= 640
