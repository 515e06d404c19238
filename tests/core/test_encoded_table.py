"""The table as the network sees it: the very numbers the trainer is fed, each column named and explained."""
import numpy as np
import pytest

from nnplayground.core import TrainingTable
from nnplayground.core.encoded_table import AS_TYPED, CLASS, ONE_HOT, SCALED, encode_table, true_classes
from nnplayground.core.encoding import Encoding
from nnplayground.core.presets import PRESETS
from nnplayground.core.table import INPUT, TARGET
from nnplayground.paths import EXAMPLES

MIXED = "size,colour,weight,kind\n1.2,red,10,a\n3.4,blue,12,b\n2.2,green,9,a\n5,red,14,b\n"


def test_iris_is_fed_scaled_inputs_and_one_hot_classes_exactly_as_the_trainer_is():
    table = TrainingTable.from_csv(EXAMPLES / "iris.csv")
    trainer = PRESETS["iris.csv"].make_trainer(table)
    encoded = encode_table(trainer.encoding, table)
    np.testing.assert_array_equal(encoded.X, trainer.X)
    np.testing.assert_array_equal(encoded.Y, trainer.y)
    names = [c.name for c in encoded.columns]
    assert names == ["sepal_length", "sepal_width", "petal_length", "petal_width",
                     "species=setosa", "species=versicolor", "species=virginica"]
    assert [c.role for c in encoded.columns] == [INPUT] * 4 + [TARGET] * 3
    # x̃ = (x − μ)/σ with the column's own mean and (population) standard deviation
    x = table.X[:, 0]
    np.testing.assert_allclose([encoded.value(r, 0) for r in range(table.n_rows)], (x - x.mean()) / x.std())
    first = encoded.columns[0]
    assert first.how == SCALED and first.detail == "μ 5.84 σ 0.825"
    assert encoded.formula(0, 0) == "(5.1 − 5.8433) / 0.8253 = -0.90068"
    # each row's one-hot target has its 1 under its own species
    species = table.texts(table.columns.index("species"))
    for r in (0, 50, 149):
        assert [encoded.value(r, c) for c in range(4, 7)] == [float(s == species[r]) for s in
                                                              ("setosa", "versicolor", "virginica")]
    assert encoded.columns[4].how == ONE_HOT and "class 'setosa'" in encoded.columns[4].describe()


def test_a_text_input_becomes_one_named_0_1_column_per_label():
    table = TrainingTable.from_csv_text(MIXED)
    encoding = Encoding.fit(table, "binary", scaling=False)
    encoded = encode_table(encoding, table)
    assert [c.name for c in encoded.columns] == ["size", "colour=blue", "colour=green", "colour=red", "weight", "kind"]
    assert [c.how for c in encoded.columns] == [AS_TYPED, ONE_HOT, ONE_HOT, ONE_HOT, AS_TYPED, CLASS]
    colours = ["red", "blue", "green", "red"]
    for r, colour in enumerate(colours):
        assert [encoded.value(r, c) for c in (1, 2, 3)] == [float(colour == x) for x in ("blue", "green", "red")]
        assert encoded.typed(r, 1) == colour
    assert encoded.formula(1, 1) == "colour is 'blue': 1 (1 only if it is 'blue')"
    # the binary target: a → 0, b → 1
    assert [encoded.value(r, 5) for r in range(4)] == [0.0, 1.0, 0.0, 1.0]
    assert encoded.columns[5].detail == "1 = b"
    np.testing.assert_array_equal(true_classes(encoding, table), [[0], [1], [0], [1]])


def test_a_regression_target_is_shown_scaled_as_the_network_learns_it():
    table = TrainingTable.from_csv(EXAMPLES / "diabetes.csv")
    encoding = Encoding.fit(table, "regression", scaling=True)
    encoded = encode_table(encoding, table)
    target = encoded.columns[-1]
    assert (target.name, target.role, target.how) == ("progression", TARGET, SCALED)
    y = table.y[:, 0]
    np.testing.assert_allclose(encoded.Y[:, 0], (y - y.mean()) / y.std())
    assert abs(encoded.Y.mean()) < 1e-12  # scaled: centred on 0, not on ~152
    with pytest.raises(ValueError, match="no classes"):
        true_classes(encoding, table)


def test_true_classes_are_indices_into_the_classes_as_predicted_classes_are():
    table = TrainingTable.from_csv(EXAMPLES / "iris.csv")
    encoding = Encoding.fit(table, "multiclass", scaling=True)
    truth = true_classes(encoding, table)
    assert truth.shape == (150,)
    species = table.texts(table.columns.index("species"))
    assert [encoding.classes[0][i] for i in truth.tolist()] == species
    perfect = encode_table(encoding, table).Y  # a network that outputs the one-hot targets predicts them all
    np.testing.assert_array_equal(encoding.predicted_classes(perfect), truth)
