"""What the window suggests for a table (no Qt): a shipped example's preset while the table is still the
example's, the general suggestion once an edit changes what its targets hold; what Apply gives."""
from dataclasses import replace

import numpy as np

from nnplayground.app.suggestions import (
    Advice, Advisor, Example, Request, settings_problem, suggestion_for,
)
from nnplayground.core import TrainingConfig, TrainingTable
from nnplayground.core.presets import PRESETS
from nnplayground.core.suggest import suggest
from nnplayground.paths import EXAMPLES

TUTORIAL = EXAMPLES / "article.csv"


def tutorial_with(y_first: float) -> TrainingTable:
    table = TrainingTable.from_csv(TUTORIAL)
    data = table.data.copy()
    data[0, 3] = y_first
    return TrainingTable(table.columns, table.roles, data)


def test_the_tutorials_table_suggests_the_tutorials_settings_with_the_tutorials_reasons():
    table = TrainingTable.from_csv(TUTORIAL)
    s = suggestion_for(table, Example.of(TUTORIAL, table))
    assert s.config == PRESETS["article.csv"]
    assert all(why.endswith("as in the tutorial") for _, why in s.reasons)


def test_a_copy_of_an_example_elsewhere_is_not_the_example(tmp_path):
    mine = tmp_path / "article.csv"
    mine.write_bytes(TUTORIAL.read_bytes())
    table = TrainingTable.from_csv(mine)
    assert Example.of(mine, table) is None
    assert suggestion_for(table, None).config == suggest(table).config != PRESETS["article.csv"]


def test_a_target_that_no_longer_reads_as_the_presets_problem_gets_the_general_suggestion():
    table = TrainingTable.from_csv(TUTORIAL)
    example = Example.of(TUTORIAL, table)
    edited = tutorial_with(0.5)  # 0, 0.5 and 1: three numbers, one of them once
    s = suggestion_for(edited, example)
    assert s.config.problem == "regression" and s.config == suggest(edited).config
    assert "holds 3 different numbers" in s.reason("problem")
    # and the preset itself can't train it, in the core's words
    assert settings_problem(edited, PRESETS["article.csv"]).startswith("target 'y' holds 3 different numbers")


def test_other_columns_are_not_the_examples_table_any_more():
    table = TrainingTable.from_csv(TUTORIAL)
    example = Example.of(TUTORIAL, table)
    renamed = TrainingTable(("a", "b", "c", "y"), table.roles, table.data)
    assert suggestion_for(renamed, example).config == suggest(renamed).config


def test_settings_that_can_train_the_table_have_no_problem():
    table = TrainingTable.from_csv(EXAMPLES / "diabetes.csv")
    assert settings_problem(table, PRESETS["diabetes.csv"]) is None
    sigmoid = replace(PRESETS["diabetes.csv"], output_activation="sigmoid", scaling=False)
    assert settings_problem(table, sigmoid).startswith("output activation: a sigmoid output gives values from 0 to 1")


def test_apply_keeps_the_users_number_of_iterations():
    table = TrainingTable.from_csv(EXAMPLES / "iris.csv")
    s = suggest(table)
    mine = TrainingConfig(iterations=20_000)
    assert s.applied_to(mine) == replace(s.config, iterations=20_000)


def test_the_advisor_suggests_once_per_table_and_checks_every_settings():
    rng = np.random.default_rng(0)
    table = TrainingTable(("a", "b", "y"), ("input", "input", "target"),
                          np.column_stack([rng.normal(size=(50, 2)), rng.integers(0, 2, 50)]))
    advisor = Advisor()
    first = advisor.advise(Request(table, None, TrainingConfig()))
    regression = TrainingConfig(problem="regression", output_activation="sigmoid", loss="mse")
    second = advisor.advise(Request(table, None, regression))
    assert second.suggestion is first.suggestion  # the same table: not worked out again
    assert first.problem is None and second.problem is None  # 0/1 targets: a sigmoid reaches them
    unreadable = Request(None, None, regression)  # a table with a bad cell: nothing to suggest or check
    assert advisor.advise(unreadable) == Advice(unreadable, None, None)
