"""Real tables in the window: text labels in the editor, the table as the network sees it, and predictions by
class name or in the table's own units."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QToolButton

from nnplayground.core import TrainingTable
from nnplayground.core.table import LABELS, NUMBERS
from nnplayground.paths import EXAMPLES
from nnplayground.ui.predictions_model import BINARY, MULTICLASS, NUMBERS as NUMBER_COLUMNS
from nnplayground.ui.table_editor import share_widths
from nnplayground.ui.table_model import KIND_MARK_ROLE, LABELS_MARK

from .conftest import open_table, train

SPECIES = ("setosa", "versicolor", "virginica")
COLOURS = "size,colour,weight,kind\n1.2,red,10,a\n3.4,blue,12,b\n2.2,green,9,a\n5,red,14,b\n0.5,blue,7,a\n"


def iris_rows():
    text = (EXAMPLES / "iris.csv").read_text().splitlines()[1:]
    rows = [line.split(",") for line in text]
    return np.array([[float(x) for x in r[:4]] for r in rows]), [r[4] for r in rows]


def menu_action(menu, text):
    return next(a for a in menu.actions() if a.text() == text)


def network_view_on(window, qtbot):
    toggle = window.findChild(QToolButton, "scaledViewToggle")
    assert toggle is not None and toggle.isVisible()
    if not toggle.isChecked():
        qtbot.mouseClick(toggle, Qt.LeftButton)
    return window.table_editor.encoded_model


def test_iris_opens_with_species_as_labels_and_trains(window, qtbot):
    open_table(window, qtbot, EXAMPLES / "iris.csv")
    model = window.table_model
    species = window.document.header.index("species")
    assert window.document.kinds[species] == LABELS
    assert model.headerData(species, Qt.Horizontal, KIND_MARK_ROLE) == LABELS_MARK
    assert model.headerData(0, Qt.Horizontal, KIND_MARK_ROLE) is None
    assert "text labels (3: setosa, versicolor, virginica)" in model.headerData(species, Qt.Horizontal, Qt.ToolTipRole)
    assert not any(model.data(model.index(r, species), Qt.BackgroundRole) for r in range(model.rowCount()))
    assert window.document.problems() == []
    train(window, qtbot, 200)
    history = window.loss_plot.values
    assert history[-1] < 0.5 * history[0]


def test_the_header_menu_makes_a_column_hold_numbers_or_labels_and_undo_restores_it(window, qtbot):
    open_table(window, qtbot, EXAMPLES / "iris.csv")
    editor, model, species = window.table_editor, window.table_model, 4
    menu = editor.header_menu(species)
    assert menu_action(menu, "Holds text labels").isChecked()
    menu_action(menu, "Holds numbers").trigger()
    assert window.document.kinds[species] == NUMBERS
    assert model.data(model.index(0, species), Qt.BackgroundRole) is not None  # 'setosa' is no number
    assert model.headerData(species, Qt.Horizontal, KIND_MARK_ROLE) is None
    assert "'species' holds numbers" in window.notice.text()
    window.undo_action.trigger()
    assert window.document.kinds[species] == LABELS
    assert model.data(model.index(0, species), Qt.BackgroundRole) is None
    menu = editor.header_menu(0)
    assert menu_action(menu, "Holds numbers").isChecked()
    menu_action(menu, "Holds text labels").trigger()  # numbers as labels: 35 labels, none of them red
    assert window.document.kinds[0] == LABELS
    assert model.headerData(0, Qt.Horizontal, KIND_MARK_ROLE) == LABELS_MARK
    window.undo_action.trigger()
    assert window.document.kinds[0] == NUMBERS


def test_a_word_in_a_numbers_column_is_red_and_says_how_to_make_it_a_label(window, qtbot):
    open_table(window, qtbot, EXAMPLES / "iris.csv")
    model = window.table_model
    assert model.setData(model.index(2, 0), "setosa")
    assert model.data(model.index(2, 0), Qt.BackgroundRole) is not None
    assert model.data(model.index(2, 0), Qt.ToolTipRole) == (
        "Row 3, column 'sepal_length': 'setosa' is not a number — right-click the header to make "
        "'sepal_length' a column of text labels")
    assert model.setData(model.index(3, 0), "")  # an empty cell: no hint about labels
    assert "right-click" not in model.data(model.index(3, 0), Qt.ToolTipRole)
    assert model.setData(model.index(2, 4), "")  # in a labels column only an empty cell is bad
    assert model.data(model.index(2, 4), Qt.BackgroundRole) is not None


def test_the_network_view_shows_scaled_inputs_and_one_hot_classes(window, qtbot):
    open_table(window, qtbot, EXAMPLES / "iris.csv")
    X, species = iris_rows()
    encoded = network_view_on(window, qtbot)
    editor = window.table_editor
    assert editor.encoded_view.isVisible() and not editor.view.isVisible()
    assert not editor.add_row_action.isEnabled() and not editor.paste_action.isEnabled()
    assert encoded.columnCount() == 7 and encoded.rowCount() == 150
    encoding = window.state.network_encoding
    expected = (X - X.mean(axis=0)) / X.std(axis=0)  # x̃ = (x − μ)/σ, computed here from the file
    shown = np.array([[encoded.value(r, c) for c in range(4)] for r in range(150)])
    np.testing.assert_allclose(shown, expected, rtol=1e-12)
    np.testing.assert_array_equal(shown, encoding.encode_inputs(window.document.to_training_table()))
    assert encoded.headerData(0, Qt.Horizontal) == "sepal_length\nμ 5.84 σ 0.825"
    assert "μ = 5.8433 and σ = 0.8253" in encoded.headerData(0, Qt.Horizontal, Qt.ToolTipRole)
    assert encoded.data(encoded.index(0, 0)) == "-0.9007"
    assert encoded.data(encoded.index(0, 0), Qt.ToolTipRole) == "Row 1: (5.1 − 5.8433) / 0.8253 = -0.90068"
    assert [encoded.headerData(c, Qt.Horizontal).split("\n")[0] for c in range(4, 7)] == [
        f"species={s}" for s in SPECIES]
    one_hot = np.array([[encoded.value(r, c) for c in range(4, 7)] for r in range(150)])
    np.testing.assert_array_equal(one_hot, [[float(s == k) for k in SPECIES] for s in species])
    assert "x̃ = (x − μ)/σ" in editor.network_caption.text()
    editor.encoded_view.setCurrentIndex(encoded.index(0, 0))
    editor.copy_action.trigger()  # the network's number in full, not as shown
    assert QGuiApplication.clipboard().text() == repr(float(shown[0, 0]))
    qtbot.mouseClick(window.findChild(QToolButton, "scaledViewToggle"), Qt.LeftButton)  # back: as typed
    assert editor.view.isVisible() and editor.add_row_action.isEnabled()


def test_a_text_input_is_shown_as_its_one_hot_columns(window, qtbot, tmp_path):
    path = tmp_path / "colours.csv"
    path.write_text(COLOURS)
    open_table(window, qtbot, path)
    assert window.document.kinds == [NUMBERS, LABELS, NUMBERS, LABELS]
    encoded = network_view_on(window, qtbot)
    titles = [encoded.headerData(c, Qt.Horizontal).split("\n")[0] for c in range(encoded.columnCount())]
    assert titles == ["size", "colour=blue", "colour=green", "colour=red", "weight", "kind"]
    colours = ["red", "blue", "green", "red", "blue"]
    for r, colour in enumerate(colours):
        assert [encoded.data(encoded.index(r, c)) for c in (1, 2, 3)] == [
            "1" if colour == x else "0" for x in ("blue", "green", "red")]
    assert [encoded.value(r, 5) for r in range(5)] == [0, 1, 0, 1, 0]  # kind: a → 0, b → 1
    assert encoded.headerData(5, Qt.Horizontal) == "kind\n1 = b"


def test_the_network_view_follows_edits_and_says_when_it_has_nothing_to_show(window, qtbot):
    open_table(window, qtbot, EXAMPLES / "iris.csv")
    encoded = network_view_on(window, qtbot)
    QAbstractItemModelTester(encoded, QAbstractItemModelTester.FailureReportingMode.Fatal)  # Qt's own checks
    editor = window.table_editor
    before = encoded.value(0, 0)
    window.document.set_cells([(0, 0, "7.9")])  # an edit the network can read: shown with its μ and σ
    qtbot.waitUntil(lambda: encoded.rowCount() and encoded.value(0, 0) != before, timeout=3000)
    spec = window.state.network_encoding.inputs[0]
    assert encoded.value(0, 0) == (7.9 - spec.mean) / spec.scale
    window.document.set_cells([(0, 1, "wide")])  # a bad cell: no numbers, the reason
    qtbot.waitUntil(lambda: editor.network_message.isVisible(), timeout=3000)
    assert "row 1, column 'sepal_width'" in editor.network_message.text() and encoded.rowCount() == 0
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: editor.encoded_view.isVisible(), timeout=3000)
    train(window, qtbot, 5)
    window.document.rename_column(0, "sepal")  # the trained network was built for other columns: it waits
    qtbot.waitUntil(lambda: editor.network_message.isVisible(), timeout=3000)
    assert "press Reset" in editor.network_message.text() and encoded.rowCount() == 0
    window.reset_action.trigger()
    qtbot.waitUntil(lambda: editor.encoded_view.isVisible(), timeout=3000)
    assert encoded.headerData(0, Qt.Horizontal).startswith("sepal\nμ ")  # the new network's view


def test_multiclass_predictions_name_the_classes_and_mark_the_wrong_ones(window, qtbot):
    open_table(window, qtbot, EXAMPLES / "iris.csv")
    model = window.predictions_model
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    train(window, qtbot, 3)  # early: some rows are still wrong
    assert model.mode == MULTICLASS and model.columnCount() == 3
    assert [model.headerData(c, Qt.Horizontal) for c in range(3)] == ["species", "predicted", "P"]
    _, species = iris_rows()
    y_hat = window.last_update.snapshot.predictions
    likeliest = y_hat.argmax(axis=1)
    wrong = [SPECIES[k] != s for k, s in zip(likeliest, species)]
    assert any(wrong) and not all(wrong)
    for r in range(150):
        assert model.data(model.index(r, 0)) == species[r]
        assert model.data(model.index(r, 1)) == SPECIES[likeliest[r]]
        assert model.data(model.index(r, 2)) == f"{y_hat[r].max():.4f}"
        marked = model.data(model.index(r, 1), Qt.BackgroundRole) is not None
        assert marked == wrong[r], r
    r = wrong.index(True)
    assert f"wrong: the table says {species[r]}" in model.data(model.index(r, 1), Qt.ToolTipRole)


def test_binary_predictions_give_the_probability_of_the_second_label(window, qtbot):
    open_table(window, qtbot, EXAMPLES / "breast_cancer.csv")
    train(window, qtbot, 2)
    model = window.predictions_model
    assert model.mode == BINARY
    assert [model.headerData(c, Qt.Horizontal) for c in range(3)] == ["diagnosis", "predicted", "P(malignant)"]
    y_hat = window.last_update.snapshot.predictions[:, 0]
    labels = window.last_update.table.texts(window.last_update.table.columns.index("diagnosis"))
    for r in range(0, len(labels), 7):
        predicted = "malignant" if y_hat[r] >= 0.5 else "benign"
        assert model.data(model.index(r, 0)) == labels[r]
        assert model.data(model.index(r, 1)) == predicted
        assert model.value(r, 2) == y_hat[r]
        assert (model.data(model.index(r, 1), Qt.BackgroundRole) is not None) == (predicted != labels[r])


def test_regression_predictions_are_in_the_tables_units(window, qtbot):
    open_table(window, qtbot, EXAMPLES / "diabetes.csv")
    train(window, qtbot, 100)
    model = window.predictions_model
    assert model.mode == NUMBER_COLUMNS
    table = TrainingTable.from_csv(EXAMPLES / "diabetes.csv")
    raw = window.last_update.snapshot.predictions  # the network's outputs: scaled, around 0
    assert abs(float(np.median(raw))) < 2
    shown = np.array([model.value(r, 1) for r in range(model.rowCount())])
    np.testing.assert_array_equal(shown, window.state.network_encoding.decode(raw)[:, 0])
    assert 25 < np.median(shown) < 346 and shown.mean() == pytest.approx(table.y.mean(), rel=0.2)
    assert [model.value(r, 0) for r in range(3)] == [151.0, 75.0, 141.0]  # y as in the file
    assert model.value(0, 2) == pytest.approx(shown[0] - 151.0)


def test_f8_switches_between_the_table_as_typed_and_as_the_network_sees_it(window, qtbot):
    editor = window.table_editor
    window.activateWindow()
    editor.view.setFocus()
    qtbot.keyClick(editor.view, Qt.Key_F8)
    assert editor.showing_network_view and editor.encoded_view.isVisible()
    qtbot.keyClick(editor.encoded_view, Qt.Key_F8)
    assert not editor.showing_network_view and editor.view.isVisible()
    assert any(editor.scaled_action in m.actions() for m in window.menuBar().findChildren(QMenu))  # View menu


def test_a_labels_column_keeps_its_mark_and_role_in_view(window, qtbot):
    open_table(window, qtbot, EXAMPLES / "iris.csv")
    header = window.table_editor.view.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(4) >= header.text_widths(4)[1], timeout=3000)
    assert header.text_widths(4)[1] > header.text_widths(0)[1]  # "target" and the mark need more than "in"


def test_columns_get_what_they_need_and_the_rest_goes_to_long_names():
    assert share_widths([40, 40, 80], [90, 90, 80], 250) == [85, 85, 80]  # the names lack 50 each
    assert share_widths([40, 40], [50, 50], 200) == [100, 100]  # names satisfied: the rest evenly
    assert share_widths([40, 40, 80], [300, 90, 80], 150) == [120, 90, 80]  # too narrow: scroll, names capped


def test_predictions_cover_every_row_with_validation_rows_and_mini_batches(window, qtbot):
    """The trainer's buffers hold a batch, or the training rows only: the panel still shows ŷ of every
    table row, in the table's order, equal to the network's on that row."""
    from dataclasses import replace

    import numpy as np

    from nnplayground.core import TrainingTable
    from nnplayground.core.suggest import suggest
    from nnplayground.paths import EXAMPLES

    table = TrainingTable.from_csv(EXAMPLES / "iris.csv")
    config = replace(suggest(table).config, batch_size=16, validation=0.2, optimizer="adam", learning_rate=0.01,
                     iterations=60)
    window.files.adopt_table(table, None)
    window.settings.iterations.setValue(60)
    window.install(config.make_trainer(table), config, table)  # settings the panel cannot show yet
    window.run_action.trigger()
    qtbot.waitUntil(lambda: not window.running and window.last_update.snapshot.iteration == 60, timeout=10000)
    update = window.last_update
    assert (update.config.batch_size, update.config.validation) == (16, 0.2)
    y_hat = update.snapshot.predictions
    assert y_hat.shape == (150, 3)
    from nnplayground.core import Network

    net = Network([4, 8, 3], ["tanh", "softmax"])
    net.set_parameters(update.snapshot.weights, update.snapshot.biases)
    np.testing.assert_allclose(y_hat, net.predict(update.encoding.encode_inputs(table)), rtol=1e-12)
