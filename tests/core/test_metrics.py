"""Metrics against values worked out by hand on small tables: what a learner reads beside the loss."""
import json
import math

import numpy as np
import pytest

from nnplayground.core import TrainingTable
from nnplayground.core.encoding import Encoding
from nnplayground.core.metrics import compute_metrics


def encoded(csv: str, problem: str, scaling: bool = False):
    table = TrainingTable.from_csv_text(csv)
    encoding = Encoding.fit(table, problem, scaling)
    return encoding, encoding.encode_targets(table)


FRUIT = "w,fruit\n1,apple\n2,apple\n3,pear\n4,pear\n5,plum\n6,plum\n7,plum\n"


def test_multiclass_accuracy_and_confusion_count_rows_by_true_and_predicted_class():
    encoding, y = encoded(FRUIT, "multiclass")
    assert encoding.classes == (("apple", "pear", "plum"),)
    # predicted: apple, pear | pear, pear | plum, apple, plum  (the largest output wins)
    y_hat = np.array([[.8, .1, .1], [.2, .5, .3], [.1, .7, .2], [.3, .4, .3], [.1, .2, .7], [.6, .2, .2],
                      [.2, .3, .5]])
    m = compute_metrics(encoding, y_hat, y)
    assert m.problem == "multiclass" and m.rows == 7
    assert m.accuracy == pytest.approx(5 / 7)
    np.testing.assert_array_equal(m.confusion[0], [[1, 1, 0],   # true apple: one right, one taken for a pear
                                                   [0, 2, 0],   # true pear: both right
                                                   [1, 0, 2]])  # true plum: one taken for an apple
    assert m.classes == (("apple", "pear", "plum"),)
    assert m.summary() == "accuracy 71.4 % (5 of 7 rows)"
    record = json.loads(json.dumps(m.to_dict()))
    assert record == {"accuracy": pytest.approx(5 / 7), "confusion": [[[1, 1, 0], [0, 2, 0], [1, 0, 2]]],
                      "classes": [["apple", "pear", "plum"]]}


def test_binary_cuts_at_one_half_and_counts_cells_of_every_target():
    encoding, y = encoded("a,b,c\n0,0,1\n0,1,1\n1,0,0\n1,1,0\n", "binary")  # the last column is the target
    assert encoding.targets == ("c",)
    y_hat = np.array([[0.9], [0.5], [0.49], [0.1]])  # 0.5 counts as 1
    m = compute_metrics(encoding, y_hat, y)
    assert m.accuracy == 1.0
    np.testing.assert_array_equal(m.confusion[0], [[2, 0], [0, 2]])

    table = TrainingTable.from_csv_text("x,p,q\n0,0,1\n1,1,1\n2,1,0\n", targets=["p", "q"])
    encoding = Encoding.fit(table, "binary", False)
    y = encoding.encode_targets(table)
    y_hat = np.array([[0.2, 0.7], [0.4, 0.6], [0.8, 0.9]])  # p: right, wrong, right; q: right, right, wrong
    m = compute_metrics(encoding, y_hat, y)
    assert m.accuracy == pytest.approx(4 / 6)
    np.testing.assert_array_equal(m.confusion[0], [[1, 0], [1, 1]])  # p: true 0 → 0; true 1 → 0 once, 1 once
    np.testing.assert_array_equal(m.confusion[1], [[0, 1], [0, 2]])  # q: true 0 → 1; true 1 → 1 twice
    assert m.summary() == "accuracy 66.7 % (4 of 6 cells)"


def test_binary_labels_name_the_confusion_matrix():
    encoding, y = encoded("size,kind\n1,benign\n2,malignant\n3,benign\n", "binary")
    m = compute_metrics(encoding, np.array([[0.1], [0.2], [0.3]]), y)
    assert m.classes == (("benign", "malignant"),)
    np.testing.assert_array_equal(m.confusion[0], [[2, 0], [1, 0]])  # the malignant row taken for benign
    assert m.summary() == "accuracy 66.7 % (2 of 3 rows)"


def test_regression_r2_and_rmse_in_the_tables_units():
    # y = 10, 20, 30, 40 (mean 25, SS_tot = 500); predictions 12, 18, 33, 40: errors 2, −2, 3, 0 (SS_res 17)
    csv = "x,y\n1,10\n2,20\n3,30\n4,40\n"
    for scaling in (False, True):
        encoding, y = encoded(csv, "regression", scaling)
        y_hat = encoding.encode_targets(TrainingTable.from_csv_text("x,y\n1,12\n2,18\n3,33\n4,40\n"))
        m = compute_metrics(encoding, y_hat, y)
        assert m.r2 == (pytest.approx(1 - 17 / 500),)
        assert m.rmse == (pytest.approx(math.sqrt(17 / 4)),)  # in y's own units, scaled or not
        assert m.summary() == "R² 0.966, RMSE 2.06"
        assert m.to_dict()["r2"] == pytest.approx(0.966) and m.to_dict()["rmse"] == pytest.approx(2.0616, abs=1e-4)


def test_regression_with_two_targets_gives_each_its_own_and_the_mean():
    table = TrainingTable.from_csv_text("x,u,v\n0,0,0\n1,2,10\n2,4,20\n", targets=["u", "v"])
    encoding = Encoding.fit(table, "regression", False)
    y = encoding.encode_targets(table)
    y_hat = y + np.array([[1, 0], [-1, 0], [0, 10]])  # u: SS_res 2 of SS_tot 8; v: 100 of 200
    m = compute_metrics(encoding, y_hat, y)
    assert m.r2 == (pytest.approx(0.75), pytest.approx(0.5))
    assert m.rmse == (pytest.approx(math.sqrt(2 / 3)), pytest.approx(math.sqrt(100 / 3)))
    assert m.r2_mean == pytest.approx(0.625)


def test_a_perfect_fit_of_a_constant_target_is_r2_one_and_a_miss_has_none_in_json():
    encoding, y = encoded("x,y\n1,5\n2,5\n", "regression")
    assert compute_metrics(encoding, y.copy(), y).r2 == (1.0,)
    missed = compute_metrics(encoding, y + 1, y)
    assert missed.r2 == (-math.inf,)
    assert json.loads(json.dumps(missed.to_dict()))["r2"] is None  # JSON has no infinity
