"""The Qt adapter over the table document: views see the cells, their colours and marks, and follow every
change; edits typed in a view reach the document and can be undone from the Edit menu."""
import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QTableView

from nnplayground.app.table_document import TableDocument
from nnplayground.core import INPUT, TARGET, TableError, TrainingTable
from nnplayground.ui.table_model import TableModel, undo_actions


@pytest.fixture
def doc():
    return TableDocument(TrainingTable.from_csv_text("a,b,y\n0,0,0\n0,1,1\n1,0,1\n"))


@pytest.fixture
def model(doc, qtbot):
    m = TableModel(doc)
    QAbstractItemModelTester(m, QAbstractItemModelTester.FailureReportingMode.Fatal)  # Qt's own model checks
    return m


def cells(m):
    return [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_edits_in_a_view_reach_the_document_and_undo(model, doc):
    before = cells(model)
    assert model.setData(model.index(1, 1), " 2.5 ")
    assert doc.cell(1, 1) == "2.5" and model.data(model.index(1, 1), Qt.EditRole) == "2.5"
    assert doc.undo.undo_text == "Edit cell"
    doc.undo.undo()
    assert cells(model) == before
    doc.undo.redo()
    assert model.data(model.index(1, 1)) == "2.5"
    assert not model.setData(model.index(1, 1), "2.5")  # no change, no undo step
    assert doc.undo.count == 1


def test_bad_cells_are_coloured_and_explained(model, doc):
    model.setData(model.index(0, 0), "x")
    model.setData(model.index(2, 2), "")
    assert model.data(model.index(0, 0), Qt.BackgroundRole) is not None
    assert model.data(model.index(1, 0), Qt.BackgroundRole) is None
    assert model.data(model.index(0, 0), Qt.ToolTipRole) == (
        "Row 1, column 'a': 'x' is not a number — right-click the header to make 'a' a column of text labels")
    assert model.data(model.index(2, 2), Qt.ToolTipRole) == "Row 3, column 'y': empty cell"
    assert model.data(model.index(1, 0), Qt.ToolTipRole) is None
    model.setData(model.index(1, 0), "0,5")  # a decimal comma: one fix, not also "make it text labels"
    assert model.data(model.index(1, 0), Qt.ToolTipRole) == (
        "Row 2, column 'a': '0,5' is not a number: write the decimal point as a dot (0.5)")
    with pytest.raises(TableError, match="row 1, column 'a'"):
        doc.to_training_table()


def test_headers_mark_roles(model, doc):
    assert [model.headerData(c, Qt.Horizontal) for c in range(3)] == ["a\nin", "b\nin", "y\ntarget"]
    assert model.headerData(2, Qt.Horizontal, Qt.FontRole).bold()
    assert model.headerData(0, Qt.Horizontal, Qt.FontRole) is None
    assert model.headerData(1, Qt.Vertical) == "2"
    doc.set_role(0, TARGET)
    assert model.headerData(0, Qt.Horizontal) == "a\ntarget"


def test_a_cell_edit_repaints_that_cell_only(model, doc, qtbot):
    with qtbot.waitSignal(model.dataChanged, timeout=100) as changed:
        doc.set_cells([(1, 0, "4"), (2, 1, "5")])
    top_left, bottom_right = changed.args[:2]
    assert (top_left.row(), top_left.column(), bottom_right.row(), bottom_right.column()) == (1, 0, 2, 1)


def test_rows_and_columns_coming_and_going_reset_the_views(model, doc, qtbot):
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset], timeout=100):
        doc.insert_rows(1, 2)
    assert model.rowCount() == 5 and cells(model)[1] == ["0", "0", "0"]
    doc.insert_column(2)
    assert model.columnCount() == 4 and model.headerData(2, Qt.Horizontal) == "x1\nin"
    with qtbot.waitSignal(model.modelReset, timeout=100):
        doc.undo.undo()
    assert model.columnCount() == 3


def test_a_rename_repaints_the_header_without_a_reset(model, doc, qtbot):
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(model.headerDataChanged, timeout=100) as changed:
        assert doc.rename_column(1, "bee") is None
    assert changed.args == [Qt.Horizontal, 1, 1] and resets == []
    assert model.headerData(1, Qt.Horizontal) == "bee\nin"


def test_table_changed_fires_once_per_change(model, doc, qtbot):
    with qtbot.waitSignal(model.tableChanged, timeout=100):
        model.setData(model.index(0, 0), "3")
    seen = []
    model.tableChanged.connect(lambda: seen.append(1))
    doc.paste(0, 0, "1\t2\n3\t4")
    doc.paste(2, 2, "1\t2\n3\t4")  # grows the table
    doc.undo.undo()
    doc.undo.clear()  # the history changed, the table did not
    assert seen == [1, 1, 1]


def test_undo_actions_follow_the_history(doc, qtbot):
    owner = QObject()
    undo, redo = undo_actions(doc.undo, owner)
    assert (undo.text(), undo.isEnabled(), redo.text(), redo.isEnabled()) == ("Undo", False, "Redo", False)
    doc.insert_rows(0)
    assert (undo.text(), undo.isEnabled()) == ("Undo Add row", True)
    undo.trigger()
    assert doc.n_rows == 3 and (undo.isEnabled(), redo.text(), redo.isEnabled()) == (False, "Redo Add row", True)
    redo.trigger()
    assert doc.n_rows == 4


def test_a_deleted_model_or_menu_no_longer_listens(doc, qtbot):
    owner = QObject()
    undo, _ = undo_actions(doc.undo, owner)
    model = TableModel(doc, owner)
    shiboken6.delete(owner)  # its children, the model and the actions, go with it
    assert not shiboken6.isValid(model) and not shiboken6.isValid(undo)
    doc.insert_rows(0)  # would raise "Internal C++ object already deleted" if they still listened
    doc.undo.undo()
    assert doc.n_rows == 3


def test_two_views_of_one_document_agree(doc, qtbot):
    first, second = TableModel(doc), TableModel(doc)
    first.setData(first.index(0, 2), "9")
    doc.insert_column(0, "z", INPUT)
    assert cells(first) == cells(second) and second.data(second.index(0, 3)) == "9"


class CountingDocument(TableDocument):
    """Notes which rows a view asked the text of."""

    def __init__(self, table):
        super().__init__(table)
        self.asked: set[int] = set()

    def cell(self, row, column):
        self.asked.add(row)
        return super().cell(row, column)


def test_a_view_of_half_a_million_rows_asks_for_the_rows_on_screen_only(qtbot):
    data = np.arange(2_000_000.0).reshape(-1, 4) / 8
    doc = CountingDocument(TrainingTable(("a", "b", "c", "y"), (INPUT, INPUT, INPUT, TARGET), data))
    view = QTableView()
    view.setModel(TableModel(doc, view))
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitUntil(lambda: bool(doc.asked), timeout=2000)
    assert len(doc.asked) < 20 and max(doc.asked) < 20
    doc.asked.clear()
    view.scrollToBottom()
    qtbot.waitUntil(lambda: 499_999 in doc.asked, timeout=2000)
    assert len(doc.asked) < 20
    assert view.model().data(view.model().index(499_999, 3)) == "249999.875"
