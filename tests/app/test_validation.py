"""The validation rows as the window keeps them (app/validation.py): drawn stratified from the share and seed,
the marks handed to the engine as they are, and the words the window uses."""
from dataclasses import replace

import numpy as np

from nnplayground.app.validation import (best_text, drawn_text, early_stop_text, engine_table, marks_label,
                                         metrics_line, moved_text, percent, rows_text, validation_marks, with_marks)
from nnplayground.core import TrainingTable
from nnplayground.core.encoding import Encoding
from nnplayground.core.metrics import compute_metrics
from nnplayground.core.presets import PRESETS
from nnplayground.core.trainer import EarlyStop
from nnplayground.paths import DEFAULT_TABLE, EXAMPLES

IRIS = PRESETS["iris.csv"]


def iris() -> TrainingTable:
    return TrainingTable.from_csv(EXAMPLES / "iris.csv")


def species(table: TrainingTable) -> list[str]:
    return table.texts(table.columns.index("species"))


def test_a_fifth_of_iris_is_ten_rows_of_each_species_the_same_for_the_same_seed():
    table = iris()
    held = validation_marks(replace(IRIS, validation=0.2), table)
    names = np.array(species(table))
    assert held.sum() == 30
    assert {name: int((names[held] == name).sum()) for name in set(names)} == {
        "setosa": 10, "versicolor": 10, "virginica": 10}
    assert np.array_equal(held, validation_marks(replace(IRIS, validation=0.2), table))
    other = validation_marks(replace(IRIS, validation=0.2, split_seed=1), table)
    assert other.sum() == 30 and not np.array_equal(held, other)


def test_the_marks_are_drawn_afresh_whatever_the_table_holds_now():
    table = iris()
    config = replace(IRIS, validation=0.2)
    marked = table.with_validation(np.arange(150) < 5)  # moved by hand
    assert np.array_equal(validation_marks(config, marked), validation_marks(config, table))
    assert not validation_marks(replace(config, validation=0.0), marked).any()


def test_a_network_whose_encoding_no_longer_reads_the_table_does_not_stop_the_draw():
    table = iris()
    wrong = Encoding.fit(TrainingTable.from_csv(DEFAULT_TABLE), "binary", False)  # another table's encoding
    held = validation_marks(replace(IRIS, validation=0.2), table, wrong)
    assert held.sum() == 30


def test_targets_that_are_no_classes_are_split_as_a_share_of_all_rows():
    table = TrainingTable.from_csv(EXAMPLES / "diabetes.csv")
    config = replace(PRESETS["diabetes.csv"], validation=0.25)
    assert validation_marks(config, table).sum() == round(0.25 * table.n_rows)


def test_a_table_opened_with_a_share_gets_its_marks_and_one_that_has_some_keeps_them():
    table, config = iris(), replace(IRIS, validation=0.2)
    opened = with_marks(table, config)
    assert np.array_equal(opened.validation, validation_marks(config, table))
    moved = table.with_validation(np.arange(150) == 3)
    assert with_marks(moved, config) is moved
    assert with_marks(table, IRIS) is table  # no share: no marks


def test_the_engine_trains_on_every_row_of_a_table_without_marks_even_with_a_share():
    table, config = iris(), replace(IRIS, validation=0.2)
    assert config.make_trainer(table).X.shape[0] == 120  # the core alone draws the share itself
    plain = engine_table(table, config)
    assert config.make_trainer(plain).X.shape[0] == 150 and config.make_trainer(plain).X_val is None
    marked = table.with_validation(np.arange(150) < 7)
    assert engine_table(marked, config) is marked and config.make_trainer(marked).X.shape[0] == 143
    assert engine_table(table, IRIS) is table  # no share: nothing to make


def test_metrics_side_by_side():
    table = iris()
    encoding = Encoding.fit(table, "multiclass", False)
    Y = encoding.encode_targets(table)
    y_hat = Y.copy()
    y_hat[[5, 7]] = np.roll(Y[[5, 7]], 1, axis=1)  # two rows wrong
    train, val = compute_metrics(encoding, y_hat[:146], Y[:146]), compute_metrics(encoding, y_hat[4:8], Y[4:8])
    assert metrics_line(train, val) == "accuracy 98.6 % (train) · 50 % (validation)"
    assert metrics_line(train, None) == train.summary() and metrics_line(None, None) == ""
    sine = TrainingTable.from_csv(EXAMPLES / "sine_regression.csv")
    encoding = Encoding.fit(sine, "regression", False)
    Y = encoding.encode_targets(sine)
    fit, worse = compute_metrics(encoding, Y + 0.01, Y), compute_metrics(encoding, Y + 0.2, Y)
    assert metrics_line(fit, worse) == f"R² {fit.r2_mean:.3g} (train) · {worse.r2_mean:.3g} (validation)"


def test_the_words():
    assert percent(0.2) == "20 %" and percent(0.125) == "12.5 %"
    assert marks_label(0.2) == "Keep 20 % of the rows for validation"
    assert marks_label(0.0) == "Train on every row (no validation rows)"
    assert rows_text(12) == "12 validation rows: measured, never trained on"
    assert rows_text(1) == "1 validation row: measured, never trained on"
    assert moved_text([2], True).startswith("Row 3 moved to validation")
    assert moved_text([2, 6], False).startswith("Rows 3 and 7 moved to training")
    assert moved_text(list(range(9)), True).startswith("9 rows moved to validation")
    held = np.zeros(150, dtype=bool)
    held[:30] = True
    assert drawn_text(0.2, held, True) == ("30 of 150 rows (20 %) kept for validation: measured after every epoch, "
                                           "never trained on (Ctrl+Z undoes).")
    assert drawn_text(0.2, held, False).endswith("never trained on.")  # drawn again, the same rows: nothing to undo
    assert drawn_text(0.0, held & False, True) == "No validation rows: the network trains on every row (Ctrl+Z undoes)."
    assert drawn_text(0.0, held & False, False) == ""
    stop = EarlyStop(best_iteration=728, best_loss=0.01876, stopped_at=1128, patience=50)
    assert str(stop) == ("stopped early at iteration 1,128 and went back to the weights of iteration 728, the best "
                         "on the validation rows (loss 0.0188); it had not improved for 50 epochs")
    assert early_stop_text(stop) == ("Stopped early at iteration 1,128 and went back to the weights of iteration 728, "
                                     "the best on the validation rows (loss 0.0188); it had not improved for 50 "
                                     "epochs")
    assert best_text(stop) == "best: iteration 728 (weights restored)\nstopped at 1,128 (patience: 50 epochs)"

