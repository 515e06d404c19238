"""Drawing data, without Qt: a click becomes a row whose cells are the click's coordinates (within a
pixel's worth), a drag moves a row, a right-click removes one; each is one undoable edit of the document.
Points are hit in screen pixels."""
import re

import numpy as np
import pytest

from nnplayground.app.drawing import TOLERANCE, Drawing, DrawError, PixelMap, coordinate_text
from nnplayground.app.table_document import TableDocument
from nnplayground.core import TrainingTable
from nnplayground.core.datasets import generate

# a 400 × 300 pixel plot of x from −1 to 1 and y from −1 to 1.5 (up is smaller on screen)
PIXELS = PixelMap(sx=200.0, ox=200.0, sy=-120.0, oy=180.0)


def px(x, y):
    return tuple(PIXELS.to_pixels([[x, y]])[0])


def drawing(table: TrainingTable, problem: str = "binary") -> Drawing:
    return Drawing(TableDocument(table), lambda: problem)


def row_of(doc: TableDocument, row: int) -> list[str]:
    return [doc.cell(row % doc.n_rows, c) for c in range(doc.n_columns)]


def numbers_table(columns, roles, rows) -> TrainingTable:
    return TrainingTable(tuple(columns), tuple(roles), np.asarray(rows, dtype=float))


@pytest.fixture
def xor():
    return drawing(generate("xor", n_points=20, seed=3))


def test_a_click_adds_a_row_at_the_clicks_coordinates_as_one_undoable_edit(xor):
    doc = xor.document
    canvas = xor.canvas("x1", "x2")
    assert canvas.classes == ("0", "1")
    before, edits = doc.cells(), doc.undo.count
    row = xor.add(canvas, 0.4131273, -0.25519, "1", PIXELS)
    assert row == 20 and doc.n_rows == 21 and doc.undo.count == edits + 1
    x, y, c = (float(doc.cell(row, k)) for k in range(3))
    per_x, per_y = PIXELS.per_pixel
    assert abs(x - 0.4131273) <= per_x / 10 and abs(y + 0.25519) <= per_y / 10 and c == 1
    assert doc.cell(row, 0) == "0.4131"  # rounded to what a pixel can mean, not 0.4131273
    assert doc.undo.undo_text == "Draw a point"
    doc.undo.undo()
    assert doc.cells() == before


def test_shift_click_gives_the_other_of_two_classes_and_there_is_none_among_three():
    binary = drawing(generate("moons", n_points=10)).canvas("x1", "x2")
    assert binary.other_class("0") == "1" and binary.other_class("1") == "0"
    three = numbers_table(("a", "b", "k"), ("input", "input", "target"), [[0, 0, 0], [1, 1, 1], [2, 2, 2]])
    canvas = drawing(three, "multiclass").canvas("a", "b")
    assert canvas.classes == ("0", "1", "2") and canvas.other_class("1") is None


def test_a_new_point_takes_the_held_values_of_the_other_inputs():
    table = numbers_table(("a", "b", "c", "y"), ("input", "input", "input", "target"),
                          [[0, 0, 5, 0], [1, 1, 6, 1]])
    d = drawing(table)
    canvas = d.canvas("c", "a", held={"b": 0.123456789})
    d.add(canvas, 5.5, 0.5, "0", PIXELS)
    assert row_of(d.document, -1) == ["0.5", "0.123457", "5.5", "0"]  # a: across-up's y; b: held; c: across


def test_a_point_is_hit_within_a_few_pixels_and_the_nearest_wins():
    table = numbers_table(("a", "b", "y"), ("input", "input", "target"),
                          [[0.0, 0.0, 0], [0.03, 0.0, 1], [0.5, 0.5, 1]])  # rows 0 and 1: 6 pixels apart
    d = drawing(table)
    canvas = d.canvas("a", "b")
    cx, cy = px(0.5, 0.5)
    assert d.hit(canvas, PIXELS, (cx + 3, cy - 3)) == 2  # 4.2 pixels away
    assert d.hit(canvas, PIXELS, (cx + TOLERANCE, cy)) == 2
    assert d.hit(canvas, PIXELS, (cx + TOLERANCE + 0.5, cy)) is None
    x0, y0 = px(0.0, 0.0)
    assert d.hit(canvas, PIXELS, (x0 + 2, y0)) == 0 and d.hit(canvas, PIXELS, (x0 + 4, y0)) == 1


def test_a_bad_cell_is_never_hit_and_an_edit_is_seen_at_once(xor):
    canvas = xor.canvas("x1", "x2")
    x, y = xor.positions(canvas)[0]
    xor.document.set_cells([(0, 0, "oops")])
    assert xor.hit(canvas, PIXELS, px(x, y)) is None  # its x is not a number: it is nowhere
    row = xor.add(canvas, 0.0, 0.0, "0", PIXELS)
    assert xor.hit(canvas, PIXELS, px(0.0, 0.0)) == row  # the new row, straight after the edit


def test_a_drag_moves_the_row_as_one_edit_and_undo_puts_it_back(xor):
    doc = xor.document
    canvas = xor.canvas("x1", "x2")
    old = row_of(doc, 4)
    xor.move(canvas, 4, -0.5, 0.75, PIXELS)
    assert row_of(doc, 4) == ["-0.5", "0.75", old[2]] and doc.undo.undo_text == "Move a point"
    doc.undo.undo()
    assert row_of(doc, 4) == old


def test_a_right_click_removes_the_row_and_undo_brings_it_back_in_its_place(xor):
    doc = xor.document
    before = doc.cells()
    xor.remove(5)
    assert doc.n_rows == 19 and doc.cells()[5] == before[6] and doc.undo.undo_text == "Remove a point"
    doc.undo.undo()
    assert doc.cells() == before
    with pytest.raises(DrawError, match="row 21 is no longer in the table"):
        xor.remove(20)


def test_a_point_of_a_new_class_adds_the_label_and_the_classes_grow():
    doc = TableDocument()
    doc.load_cells(["a", "b", "kind"], ["input", "input", "target"],
                   [["0", "0", "red"], ["1", "0", "green"], ["0", "1", "blue"]])
    d = Drawing(doc, lambda: "multiclass")
    canvas = d.canvas("a", "b")
    assert canvas.classes == ("blue", "green", "red")
    d.add(canvas, 0.5, 0.5, " purple ", PIXELS)
    assert row_of(doc, -1) == ["0.5", "0.5", "purple"]
    assert d.canvas("a", "b").classes == ("blue", "green", "purple", "red")
    assert doc.to_training_table().target_levels == (("blue", "green", "purple", "red"),)


def test_one_input_regression_adds_the_click_itself_and_moves_both_ways():
    d = drawing(generate("sine", n_points=10), problem="regression")
    canvas = d.canvas("x", None)
    assert canvas.classes == () and not canvas.by_class
    row = d.add(canvas, 0.25, 0.8, "", PIXELS)  # no class: the click's height is y
    assert row_of(d.document, row) == ["0.25", "0.8"]
    d.move(canvas, row, -0.5, -0.1, PIXELS)
    assert row_of(d.document, row) == ["-0.5", "-0.1"]


def test_one_input_classification_adds_the_chosen_class_and_moves_across_only():
    table = numbers_table(("x", "y"), ("input", "target"), [[-1, 0], [-0.5, 0], [0.5, 1], [1, 1]])
    d = drawing(table, problem="binary")
    canvas = d.canvas("x", None)
    assert canvas.classes == ("0", "1")
    row = d.add(canvas, 0.1, 0.7, "1", PIXELS)
    assert row_of(d.document, row) == ["0.1", "1"]
    d.move(canvas, row, 0.3, 0.2, PIXELS)
    assert row_of(d.document, row) == ["0.3", "1"]  # still class 1: the height is the class, not a place


def test_a_labels_target_on_one_input_is_hit_where_the_view_draws_it():
    doc = TableDocument()
    doc.load_cells(["x", "size"], ["input", "target"], [["0", "small"], ["1", "large"], ["2", "medium"]])
    d = Drawing(doc, lambda: "multiclass")
    canvas = d.canvas("x", None)
    np.testing.assert_array_equal(d.positions(canvas), [[0, 2], [1, 0], [2, 1]])  # large, medium, small
    assert d.hit(canvas, PIXELS, px(2, 1)) == 2


def test_a_new_point_takes_the_label_a_text_input_is_held_at():
    doc = TableDocument()
    doc.load_cells(["a", "b", "c", "y"], ["input", "input", "input", "target"],
                   [["0", "0", "red", "1"], ["1", "1", "blue", "0"]])
    d = Drawing(doc, lambda: "binary")
    d.add(d.canvas("a", "b", held={"c": "blue"}), 0.5, 0.25, "1", PIXELS)
    assert row_of(doc, -1) == ["0.5", "0.25", "blue", "1"]
    one = TableDocument()  # ŷ(x) of the one input of numbers, the text input held
    one.load_cells(["a", "c", "y"], ["input", "input", "target"], [["0", "red", "1"], ["1", "blue", "0"]])
    d = Drawing(one, lambda: "binary")
    d.add(d.canvas("a", None, held={"c": "red"}), 0.25, 0.9, "0", PIXELS)
    assert row_of(one, -1) == ["0.25", "red", "0"]


@pytest.mark.parametrize("cells, roles, x, y, held, message", [
    ([["0", "0", "1", "1"]], ["input", "input", "target", "target"], "a", "b", None,
     "one target column; this one has 2"),
    ([["0", "red", "1"]], ["input", "input", "target"], "a", "b", None, "'b' holds text labels"),
    ([["0", "0", "red", "1"]], ["input", "input", "input", "target"], "a", "b", {"c": 0.0}, "a label for 'c'"),
    ([["0", "0", "1"]], ["input", "input", "target"], "a", None, None,
     "ŷ(x) draws on a table with one input"),
    ([["0", "0", "1"]], ["input", "input", "target"], "a", "z", None, "no input column 'z'"),
])
def test_where_points_cannot_be_drawn_says_why(cells, roles, x, y, held, message):
    doc = TableDocument()
    header = ["a", "b", "c", "d"][:len(roles)]
    doc.load_cells(header, roles, cells)
    with pytest.raises(DrawError, match=re.escape(message)):
        Drawing(doc, lambda: "binary").canvas(x, y, held)


def test_a_target_that_is_not_a_class_or_number_is_refused_and_nothing_changes():
    d = drawing(generate("gaussians", n_points=10), problem="regression")  # 0/1 target, read as numbers
    canvas = d.canvas("x1", "x2")
    for text, message in (("", "choose the class"), ("big", "'big' is not a number")):
        with pytest.raises(DrawError, match=re.escape(message)):
            d.add(canvas, 0.0, 0.0, text, PIXELS)
    assert d.document.n_rows == 10 and not d.document.undo.can_undo


@pytest.mark.parametrize("value, per_pixel, text", [
    (0.41312734899, 0.005, "0.4131"), (-0.0000001, 0.005, "0"), (123.456, 2.0, "123.5"), (1234.5, 20.0, "1234"),
    (0.1 + 0.2, 1e-14, "0.3"),
])
def test_coordinates_read_as_short_numbers_within_a_tenth_of_a_pixel(value, per_pixel, text):
    assert coordinate_text(value, per_pixel) == text
    assert abs(float(text) - value) <= per_pixel / 10


def test_a_new_point_starts_with_the_first_class_or_the_middle_value():
    circles = drawing(generate("circles", n_points=10))
    assert circles.default_target(circles.canvas("x1", "x2")) == "0"
    table = numbers_table(("a", "b", "y"), ("input", "input", "target"), [[0, 0, 10], [1, 1, 20], [2, 2, 90]])
    d = drawing(table, problem="regression")
    assert d.default_target(d.canvas("a", "b")) == "20"  # a value to start from, typed over at will
    sine = drawing(generate("sine", n_points=10), problem="regression")
    assert sine.default_target(sine.canvas("x", None)) == ""  # the click's height is the value
