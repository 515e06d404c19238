"""How a number setting is typed, shown and stepped (app/number_entry.py): read as written, refused in the
core's words, shown as it reads back, stepped along a ladder that stays in the core's range."""
import pytest

from nnplayground.app.number_entry import ENTRIES
from nnplayground.core.config import CONSTRAINTS

LR, ITERATIONS, VALIDATION = ENTRIES["learning_rate"], ENTRIES["iterations"], ENTRIES["validation"]


@pytest.mark.parametrize("text, value", [("1e-3", 0.001), ("2.5E-4", 0.00025), ("0.001", 0.001), (" 5 ", 5.0),
                                         ("1,000", 1000.0), ("1e-5", 1e-5), ("1000", 1000.0)])
def test_plain_and_scientific_notation_are_read_as_written(text, value):
    assert LR.accept(text) == value


@pytest.mark.parametrize("text, words", [
    ("1e6", "learning rate: a number from 1e-06 to 1000, got 1000000.0"),  # not 16, not clamped to 1000
    ("1000000", "learning rate: a number from 1e-06 to 1000, got 1000000.0"),
    ("0", "learning rate: a number from 1e-06 to 1000, got 0.0"),
    ("nan", "learning rate: a number from 1e-06 to 1000, got nan"),
    ("abc", "learning rate: a number from 1e-06 to 1000, got 'abc'"),
    ("1,5", "learning rate: a number from 1e-06 to 1000, got '1,5'"),  # not 15: a comma is thousands only
    ("", "learning rate: a number from 1e-06 to 1000, got ''"),
])
def test_anything_else_is_refused_in_the_cores_words(text, words):
    with pytest.raises(ValueError) as refused:
        LR.accept(text)
    assert str(refused.value) == words
    with pytest.raises(ValueError) as core:
        CONSTRAINTS["learning_rate"].check(LR.read(text))
    assert str(core.value) == words  # the very check the config makes


def test_whole_numbers_take_1e6_and_separators_and_refuse_fractions():
    assert ITERATIONS.accept("1e6") == 1_000_000 and isinstance(ITERATIONS.accept("1e6"), int)
    assert ITERATIONS.accept("1,500") == 1500
    for text, got in (("1.5", "1.5"), ("0", "0"), ("2e8", "200000000"), ("ten", "'ten'")):
        with pytest.raises(ValueError, match=f"^iterations: a whole number from 1 to 100,000,000, got {got}$"):
            ITERATIONS.accept(text)


def test_a_share_is_typed_and_shown_as_a_percentage_and_read_back_exactly():
    assert VALIDATION.accept("20", " %") == 0.2 and VALIDATION.accept("12.5 %", " %") == 0.125
    assert VALIDATION.accept("none", " %") == 0.0
    for share in (0.0, 0.2, 0.125, 0.333333, 0.9):
        assert VALIDATION.accept(VALIDATION.text(share, " %"), " %") == share
    assert [VALIDATION.text(s, " %") for s in (0, 0.2, 0.125)] == ["none", "20 %", "12.5 %"]
    # the core's words (the command line's), and the field's own terms: it is typed in percent
    with pytest.raises(ValueError, match=r"^validation share: a number from 0 to 0.9, got 0.95 \(typed: 95 %; the "
                                         r"field takes 0 % to 90 %\)$"):
        VALIDATION.accept("95", " %")


def test_values_are_shown_as_they_read_back_not_padded():
    assert [LR.text(v) for v in (0.001, 1e-5, 2.5e-7, 1.0, 1000.0, 0.5, 1e-6, 0.0001)] == [
        "0.001", "1e-05", "2.5e-07", "1", "1000", "0.5", "1e-06", "0.0001"]
    assert ENTRIES["patience"].text(0) == "off" and ENTRIES["batch_size"].text(0) == "whole table"
    assert ENTRIES["iterations"].text(1500) == "1,500" and ENTRIES["seed"].text(123456) == "123456"
    for key, entry in ENTRIES.items():  # every rung of every ladder reads back as itself
        for rung in entry.rungs:
            assert entry.accept(entry.text(rung)) == rung, key


def test_the_learning_rate_steps_on_the_1_2_5_ladder_and_never_leaves_its_range():
    assert (LR.step(1.0, 1), LR.step(1.0, -1), LR.step(0.3, 1), LR.step(0.3, -1)) == (2.0, 0.5, 0.5, 0.2)
    assert (LR.step(1.0, 10), LR.step(1.0, -10)) == (10.0, 0.1)  # PgUp / PgDn: a decade
    assert LR.step(2e-6, -1) == 1e-6 and LR.step(1e-6, -1) == 1e-6 and LR.step(1e-5, -10) == 1e-6
    assert LR.step(500.0, 1) == 1000.0 and LR.step(1000.0, 10) == 1000.0


def test_factors_close_to_one_step_towards_it_and_zero_only_where_allowed():
    beta2 = ENTRIES["beta2"]
    assert [beta2.step(0.999, n) for n in (1, 2, 3)] == [0.9995, 0.9998, 0.9999]
    assert beta2.step(0.99998, 5) == 0.99999 == CONSTRAINTS["beta2"].high
    momentum = ENTRIES["momentum"]
    assert (momentum.step(0.0, 1), momentum.step(0.01, -1), momentum.step(0.5, 1), momentum.step(0.9, -1)) == (
        0.01, 0.0, 0.8, 0.8)
    gamma = ENTRIES["decay_rate"]  # from 1e-6: never 0
    assert gamma.step(2e-6, -1) == 1e-6 and gamma.step(1e-6, -10) == 1e-6 and gamma.step(0.99, 1) == 0.995
    l2 = ENTRIES["l2"]  # 0 is no penalty: allowed, and the first step up is 1e-5
    assert (l2.step(0.0, 1), l2.step(1e-5, -1), l2.step(3e-6, -1), l2.step(3e-6, 1)) == (1e-5, 0.0, 0.0, 1e-5)


def test_whole_numbers_and_shares_step_on_round_values():
    batch = ENTRIES["batch_size"]
    assert (batch.step(0, 1), batch.step(32, 1), batch.step(30, -1), batch.step(1, -1)) == (1, 64, 16, 0)
    assert (ITERATIONS.step(1500, 1), ITERATIONS.step(1500, -1), ITERATIONS.step(1, -1)) == (2000, 1000, 1)
    assert (VALIDATION.step(0.125, 1), VALIDATION.step(0.125, -1), VALIDATION.step(0.85, 10)) == (0.15, 0.1, 0.9)
    seed = ENTRIES["seed"]
    assert (seed.step(0, -1), seed.step(5, 1), seed.step(2**31 - 1, 1)) == (0, 6, 2**31 - 1)


@pytest.mark.parametrize("key", list(ENTRIES))
def test_no_number_of_presses_leaves_the_cores_range(key):
    entry, limits = ENTRIES[key], CONSTRAINTS[key]
    for start in (limits.low, entry.step(limits.low, 10), limits.high):
        for steps in (1, -1, 10, -10):
            value = start
            for _ in range(60):
                value = entry.step(value, steps)
                assert limits.check(value) == value
        assert entry.step(start, -10 ** 12) == entry.step(limits.low, -1) == limits.low
