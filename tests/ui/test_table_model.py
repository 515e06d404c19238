"""The table editor's model: what the user types is kept, every change can be undone."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnplayground.core import INPUT, TARGET, TableError, TrainingTable
from nnplayground.core.table import cell_problem
from nnplayground.ui.table_model import TableModel


@pytest.fixture
def model(qtbot):
    m = TableModel()
    m.load(TrainingTable.from_csv_text("a,b,y\n0,0,0\n0,1,1\n1,0,1\n"))
    m.undo_stack.clear()
    return m


def cells(m):
    return [[m.cell(r, c) for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_edits_undo_and_redo(model):
    before = cells(model)
    assert model.setData(model.index(1, 1), " 2.5 ")
    assert model.cell(1, 1) == "2.5"
    model.undo_stack.undo()
    assert cells(model) == before
    model.undo_stack.redo()
    assert model.cell(1, 1) == "2.5"
    assert not model.setData(model.index(1, 1), "2.5")  # no change, no undo step
    assert model.undo_stack.count() == 1


def test_bad_cells_are_kept_marked_and_listed(model):
    model.setData(model.index(0, 0), "x")
    model.setData(model.index(2, 2), "")
    assert model.problems() == [(0, 0, "'x' is not a number"), (2, 2, "empty cell")]
    assert model.data(model.index(0, 0), Qt.BackgroundRole) is not None
    assert model.data(model.index(1, 0), Qt.BackgroundRole) is None
    with pytest.raises(TableError, match="row 1, column 'a'"):
        model.to_training_table()


def test_rows_and_columns_are_added_removed_and_undone(model):
    model.insert_rows(1, 2)
    assert model.rowCount() == 5 and cells(model)[1] == ["0", "0", "0"]
    model.remove_rows([0, 1])
    assert model.rowCount() == 3
    model.insert_column(2)
    assert model.header == ["a", "b", "x1", "y"] and model.roles == [INPUT, INPUT, INPUT, TARGET]
    model.remove_column(0)
    assert model.header == ["b", "x1", "y"]
    for _ in range(4):
        model.undo_stack.undo()
    assert model.header == ["a", "b", "y"] and model.rowCount() == 3


def test_roles_and_names(model):
    model.set_role(0, TARGET)
    table = model.to_training_table()
    assert table.target_columns == ("a", "y") and table.input_columns == ("b",)
    assert model.headerData(0, Qt.Horizontal) == "a (target)"
    assert model.rename_column(1, "y") == "there is already a column named 'y'"
    assert model.rename_column(1, "  ") == "a column needs a name"
    assert model.rename_column(1, "bee") is None and model.header[1] == "bee"
    model.undo_stack.undo()
    assert model.header[1] == "b"


def test_paste_a_spreadsheet_block_grows_the_table(model):
    rows, cols = model.paste(2, 1, "5\t6\t7\r\n8\t9\t10\r\n")
    assert (rows, cols) == (2, 3)
    assert model.header == ["a", "b", "y", "x1"]
    assert cells(model)[2] == ["1", "5", "6", "7"] and cells(model)[3] == ["0", "8", "9", "10"]
    model.undo_stack.undo()
    assert model.header == ["a", "b", "y"] and model.rowCount() == 3
    assert model.paste(0, 0, "") == (0, 0)


def test_csv_text_keeps_what_was_typed(model):
    model.setData(model.index(0, 1), "oops, really")
    assert model.to_csv_text().splitlines()[1] == '0,"oops, really",0'


def test_table_changed_fires_once_per_change(model, qtbot):
    with qtbot.waitSignal(model.tableChanged, timeout=100):
        model.setData(model.index(0, 0), "3")
    seen = []
    model.tableChanged.connect(lambda: seen.append(1))
    model.paste(0, 0, "1\t2\n3\t4")
    assert seen == [1]


def test_incremental_checks_always_equal_a_fresh_parse(model):
    """The model keeps numbers and bad cells up to date cell by cell; whatever the edits, undos and
    structural changes, they must equal parsing every cell again."""
    rng = np.random.default_rng(7)
    texts = ["1", "-2.5", "x", "", "nan", "3e2", "0"]
    for step in range(300):
        rows, cols = model.rowCount(), model.columnCount()
        op = rng.integers(9)
        if op <= 3 and rows:
            cell = model.index(int(rng.integers(rows)), int(rng.integers(cols)))
            model.setData(cell, texts[rng.integers(len(texts))])
        elif op == 4:
            model.insert_rows(int(rng.integers(rows + 1)), int(rng.integers(1, 3)))
        elif op == 5 and rows > 1:
            model.remove_rows([int(rng.integers(rows))])
        elif op == 6 and cols < 6:
            model.insert_column(int(rng.integers(cols)))
        elif op == 7 and model.undo_stack.canUndo():
            model.undo_stack.undo()
        elif op == 8 and model.undo_stack.canRedo():
            model.undo_stack.redo()
        cells = model.cells()
        fresh = [(r, c, p) for r, row in enumerate(cells) for c, t in enumerate(row) if (p := cell_problem(t))]
        assert model.problems() == fresh, step
        if not fresh and cells:
            expected = TrainingTable.from_cells(model.header, [list(r) for r in cells], model.roles)
            assert model.to_training_table() == expected, step
        elif fresh:
            with pytest.raises(TableError):
                model.to_training_table()
