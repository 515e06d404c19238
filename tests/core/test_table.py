import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnplayground.core import INPUT, TARGET, TableError, TrainingTable
from nnplayground.core import table as table_module
from nnplayground.core.table import MAX_CELLS, MAX_CSV_BYTES, READ_SHARE, LoadCancelled, cell_problem

from ..conftest import EXAMPLES


def test_reads_the_tutorials_table_with_the_last_column_as_target():
    table = TrainingTable.from_csv(EXAMPLES / "article.csv")
    assert table.columns == ("x1", "x2", "x3", "y")
    assert table.input_columns == ("x1", "x2", "x3") and table.target_columns == ("y",)
    np.testing.assert_array_equal(table.X, [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    np.testing.assert_array_equal(table.y, [[0], [1], [1], [0]])


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_any_of_three_separators(sep):
    table = TrainingTable.from_csv_text(sep.join(["a", "b", "t"]) + "\n" + sep.join(["1", "2.5", "-3e2"]) + "\n")
    np.testing.assert_array_equal(table.data, [[1, 2.5, -300]])


def test_named_targets_and_several_of_them():
    table = TrainingTable.from_csv_text("t1,a,t2\n1,2,3\n", targets=["t1", "t2"])
    assert table.roles == (TARGET, INPUT, TARGET)
    np.testing.assert_array_equal(table.y, [[1, 3]])
    with pytest.raises(TableError, match="no column named 'zz'"):
        TrainingTable.from_csv_text("a,b\n1,2\n", targets=["zz"])


@pytest.mark.parametrize(
    "text, row, column, words",
    [
        ("a,b,y\n1,2,3\n4,x,6\n", 2, "b", "'x' is not a number"),
        ("a,b,y\n1,nan,3\n", 1, "b", "not a finite number"),
        ("a,b,y\n1,2,inf\n", 1, "y", "not a finite number"),
        ("a,b,y\n1,,3\n", 1, "b", "empty cell"),
        ("a,b,y\n1,2,3\n1,2\n", 2, None, "row 2 has 2 cells but the header has 3"),
        ("a,b,y\n1,2,3,4\n", 1, None, "row 1 has 4 cells"),
    ],
)
def test_bad_cells_name_their_row_and_column(text, row, column, words):
    with pytest.raises(TableError, match=words) as info:
        TrainingTable.from_csv_text(text)
    assert info.value.row == row and info.value.column == column
    assert f"row {row}" in str(info.value)
    if column:
        assert repr(column) in str(info.value)


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "empty"),
        ("\n \n", "empty"),
        ("a,b,y\n", "no data rows"),
        ("a,a,y\n1,2,3\n", "two columns are named 'a'"),
        ("a,,y\n1,2,3\n", "column 2 has no name"),
        ("y\n1\n", "no input column"),
    ],
)
def test_unusable_tables_are_refused_with_a_reason(text, words):
    with pytest.raises(TableError, match=words):
        TrainingTable.from_csv_text(text)


def test_no_target_column_is_refused():
    with pytest.raises(TableError, match="no target column"):
        TrainingTable(("a", "b"), (INPUT, INPUT), np.ones((1, 2)))


def test_huge_and_binary_files_are_refused(tmp_path):
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as fh:
        fh.truncate(MAX_CSV_BYTES + 1)
    with pytest.raises(TableError, match="MB"):
        TrainingTable.from_csv(huge)
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"a,b\x00\n1,2\n")
    with pytest.raises(TableError, match="not a text file"):
        TrainingTable.from_csv(binary)
    latin = tmp_path / "l.csv"
    latin.write_bytes("é,y\n1,2\n".encode("latin-1"))
    with pytest.raises(TableError, match="UTF-8"):
        TrainingTable.from_csv(latin)
    with pytest.raises(TableError, match="cannot read"):
        TrainingTable.from_csv(tmp_path / "missing.csv")


def test_data_cannot_be_changed_behind_its_back():
    table = TrainingTable.from_csv_text("a,y\n1,2\n")
    with pytest.raises(ValueError):
        table.data[0, 0] = 5


def test_cell_problem_matches_the_parser():
    assert cell_problem(" 1.5 ") is None
    assert cell_problem("1e400") == "'1e400' is not a finite number"
    assert cell_problem("abc") == "'abc' is not a number"


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@given(
    st.integers(1, 4).flatmap(
        lambda cols: st.lists(st.lists(finite, min_size=cols + 1, max_size=cols + 1), min_size=1, max_size=8)
    ),
    st.sampled_from([",", ";", "\t"]),
)
def test_save_then_load_round_trips_every_float_exactly(rows, sep):
    data = np.array(rows)
    names = tuple(f"x{i}" for i in range(data.shape[1] - 1)) + ("y",)
    table = TrainingTable(names, (INPUT,) * (len(names) - 1) + (TARGET,), data)
    again = TrainingTable.from_csv_text(table.to_csv_text(sep))
    assert again == table
    assert again.data.tobytes() == table.data.tobytes()  # -0.0 and every last bit kept


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200) | st.from_regex(r"[a-z,;\t\n0-9.\-e\"]{0,80}"))
def test_arbitrary_text_either_reads_or_raises_table_error(text):
    try:
        table = TrainingTable.from_csv_text(text)
    except TableError as exc:
        assert str(exc)
        return
    assert table.n_rows >= 1 and np.isfinite(table.data).all()
    assert table.X.shape[1] >= 1 and table.y.shape[1] >= 1


def test_progress_is_reported_and_a_cancel_stops_the_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,y\n" + "1,2,3\n" * 250_000)  # 1.5 MB: read in two chunks
    seen = []
    table = TrainingTable.from_csv(path, progress=lambda f: seen.append(f))
    assert table.n_rows == 250_000
    assert seen == sorted(seen) and seen[0] < READ_SHARE and seen[-1] == 1.0 and len(seen) >= 10
    calls = []
    with pytest.raises(LoadCancelled):
        TrainingTable.from_csv(path, progress=lambda f: calls.append(f) or False)
    assert len(calls) == 1 and not issubclass(LoadCancelled, ValueError)


def test_a_table_with_too_many_cells_is_refused_before_it_is_all_read(tmp_path):
    path = tmp_path / "big.csv"
    rows = MAX_CELLS // 3 * 4  # a third more rows than the limit allows: 40 MB, under the byte limit
    path.write_bytes(b"a,b,y\n" + b"1,2,3\n" * rows)
    read = []
    with pytest.raises(TableError, match="big.csv has more than 5,000,000 cells; the limit is 5,000,000"):
        TrainingTable.from_csv(path, progress=read.append)
    assert max(read) < 0.8 * READ_SHARE  # reading stopped once the limit was passed


def test_only_regular_files_are_read_as_tables(tmp_path):
    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(TableError, match="pipe.csv: it is not a regular file"):
        TrainingTable.from_csv(tmp_path / "pipe.csv")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(TableError, match="it is a folder"):
        TrainingTable.from_csv(tmp_path / "folder.csv")


def test_table_and_predictions_are_saved_as_csv(tmp_path):
    table = TrainingTable.from_csv_text("a,b,y\n0,1,1\n1,1,0\n")
    table.to_csv(tmp_path / "t.csv", delimiter=";")
    assert TrainingTable.from_csv(tmp_path / "t.csv") == table
    table.save_predictions_csv(tmp_path / "p.csv", np.array([[0.75], [0.25]]))
    assert (tmp_path / "p.csv").read_text() == table.predictions_csv_text(np.array([[0.75], [0.25]]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv", "t.csv"]


def test_blank_lines_do_not_count_towards_the_cell_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(table_module, "MAX_CELLS", 3_000)
    monkeypatch.setattr(table_module, "READ_CHUNK", 1000)  # the limit is checked after each chunk
    path = tmp_path / "airy.csv"
    path.write_text("\n\na,b,y\n\n" + "1,2,3\n\n\n\r\n" * 1000)  # exactly 3,000 cells
    assert TrainingTable.from_csv(path).n_rows == 1000
    path.write_text("a,b,y\n" + "1,2,3\n" * 1001)
    with pytest.raises(TableError, match="airy.csv has more than 3,000 cells"):
        TrainingTable.from_csv(path)


# -- the vectorised reader: NumPy's, checked against the careful one ---------------------------------
CHARS = st.lists(st.sampled_from(list("0123456789.,;\t\n\r -+e_xé\x0c\u2028") + ["nan", "inf", "1e400", "\r\n"]),
                 max_size=80).map("".join)
CELL = st.sampled_from(["1", "-2.5", "3e2", " 4 ", "0", "-0", "", "x", "nan", "1_0", "\uff12", "1e400"])
LINE_END = st.sampled_from(["\n", "\r\n", "\n\n", "\r", "\x0c"])
ROWS = st.lists(st.tuples(st.lists(CELL, min_size=2, max_size=4), LINE_END), max_size=12)


def csv_body(rows, delimiter: str) -> str:
    """Rows of mostly good cells, so that a bad one can come late, in a later piece."""
    return "".join(delimiter.join(cells) + end for cells, end in rows)


def outcome(text: str):
    try:
        table = TrainingTable.from_csv_text(text)
    except TableError as exc:
        return str(exc), exc.row, exc.column
    return table.columns, table.data.tobytes(), table.data.shape


@settings(max_examples=500)
@given(st.sampled_from(["a,b,y", "a;b;y", "a\tb\ty", "x,y"]),
       CHARS | st.builds(csv_body, ROWS, st.sampled_from(",;\t")), st.integers(1, 40))
def test_numpys_reader_and_the_careful_one_agree_on_any_text(header, body, piece):
    """A quote anywhere sends the whole text to the csv module; without one, NumPy reads it in pieces."""
    quoted = f'"{header[0]}"{header[1:]}'  # the same header to the csv module; it makes the whole read careful
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(table_module, "PARSE_PIECE", piece)  # many pieces: row numbers must carry across them
        assert outcome(f"{header}\n{body}") == outcome(f"{quoted}\n{body}")


def test_a_bad_cell_deep_in_a_large_file_is_named_by_its_row_and_column(tmp_path):
    rows = ["1.5,2,3"] * 100_000
    rows[87_654] = "1.5,two,3"
    path = tmp_path / "t.csv"
    path.write_text("a,b,y\n" + "\n".join(rows) + "\n")
    with pytest.raises(TableError, match="row 87655, column 'b': 'two' is not a number") as info:
        TrainingTable.from_csv(path)
    assert (info.value.row, info.value.column) == (87_655, "b")
    rows[87_654] = "1.5,2"
    path.write_text("a,b,y\n" + "\n\n".join(rows) + "\n")  # blank lines are not rows
    with pytest.raises(TableError, match="row 87655 has 2 cells but the header has 3 columns"):
        TrainingTable.from_csv(path)


def test_what_python_reads_as_a_number_still_reads(tmp_path):
    """NumPy refuses '1_000' and ' ２ ' (a full-width digit); the careful path reads them as before."""
    table = TrainingTable.from_csv_text("a,y\r\n1_000, \uff12 \r\n\r\n-0,1e-5\r\n")
    assert table.data.tolist() == [[1000.0, 2.0], [-0.0, 1e-5]]
    assert np.signbit(table.data[1, 0])


def test_a_cancel_while_parsing_stops_the_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,y\n" + "1,2,3\n" * 100_000)
    seen = []
    with pytest.raises(LoadCancelled):
        TrainingTable.from_csv(path, progress=lambda f: seen.append(f) or f < READ_SHARE)
    assert READ_SHARE <= seen[-1] < 0.5  # the first report of the parse cancelled it


def test_text_with_too_many_cells_is_refused_as_it_is_parsed(monkeypatch):
    monkeypatch.setattr(table_module, "MAX_CELLS", 3_000)
    assert TrainingTable.from_csv_text("a,b,y\n" + "1,2,3\n" * 1000).n_rows == 1000
    with pytest.raises(TableError, match="more than 3,000 cells; the limit is 3,000"):
        TrainingTable.from_csv_text("a,b,y\n" + "1,2,3\n" * 1001)


def test_decimal_commas_are_refused_with_a_hint_not_read_as_labels():
    """A semicolon file saved with decimal commas ("0,5") was read as text labels and one-hot encoded."""
    with pytest.raises(TableError, match=r"row 1, column 'a': '0,5' is not a number: write the decimal point as a "
                                         r"dot \(0\.5\)"):
        TrainingTable.from_csv_text("a;b;y\n0,5;1;0\n1,5;2;1\n")
    assert TrainingTable.from_csv_text("a;y\nred;0\nblue;1\n").levels[0] == ("blue", "red")  # words still are
