"""Generated tables: the columns a learner expects, the same table from the same seed, balanced
classes, points exactly on their pattern at noise 0 and jittered by about the noise otherwise, the
settings' limits refused with their message, and classes that the pattern does separate."""
import numpy as np
import pytest

from nnplayground.core import TrainingTable
from nnplayground.core import datasets
from nnplayground.core.datasets import CLASSIFICATION, CONSTRAINTS, GENERATORS, REGRESSION, generate

CLASSIFIERS = [name for name, g in GENERATORS.items() if g.kind == CLASSIFICATION]
REGRESSIONS = [name for name, g in GENERATORS.items() if g.kind == REGRESSION]
ROUNDING = 0.5e-4  # cells are rounded to 4 decimals: each is within this of the number before rounding


def classes(table):
    return table.y.ravel()


def test_the_issue_s_nine_generators_are_listed_with_a_title_a_kind_and_one_line_for_the_learner():
    assert CLASSIFIERS == ["xor", "gaussians", "circles", "moons", "spiral", "checkerboard"]
    assert REGRESSIONS == ["sine", "polynomial", "step"]
    for name, g in GENERATORS.items():
        assert g.name == name and g.function is getattr(datasets, name)
        assert g.title and g.title[0].isupper()
        assert "\n" not in g.description and 20 < len(g.description) <= 100 and g.description.endswith(".")


@pytest.mark.parametrize("name", GENERATORS)
@pytest.mark.parametrize("n", [2, 3, 200])
def test_columns_roles_and_rows(name, n):
    table = generate(name, n_points=n)
    if GENERATORS[name].kind == CLASSIFICATION:
        assert table.columns == ("x1", "x2", "class") and table.roles == ("input", "input", "target")
    else:
        assert table.columns == ("x", "y") and table.roles == ("input", "target")
    assert table.columns == GENERATORS[name].columns
    assert table.n_rows == n


@pytest.mark.parametrize("name", GENERATORS)
def test_the_function_and_generate_by_name_give_the_same_table_with_the_same_defaults(name):
    assert GENERATORS[name].function() == generate(name) == generate(name, n_points=200, noise=0.1, seed=0)


@pytest.mark.parametrize("name", GENERATORS)
def test_the_same_seed_gives_the_same_table_and_another_seed_another(name):
    table = generate(name, 300, 0.2, seed=7)
    assert generate(name, 300, 0.2, seed=7) == table
    assert generate(name, 300, 0.2, seed=8) != table
    assert not np.array_equal(generate(name, 300, 0.0, seed=8).X, generate(name, 300, 0.0, seed=7).X)


@pytest.mark.parametrize("name", CLASSIFIERS)
@pytest.mark.parametrize("n", [2, 7, 200, 1001])
def test_classes_are_balanced_and_mixed(name, n):
    labels = classes(generate(name, n_points=n, seed=3))
    assert set(labels) == {0.0, 1.0}
    assert (labels == 0).sum() == n // 2 and (labels == 1).sum() == n - n // 2
    if n >= 200:  # shuffled: not all of one class, then all of the other
        assert 0 < labels[: n // 2].sum() < n // 2


@pytest.mark.parametrize("name", REGRESSIONS)
def test_regression_rows_are_sorted_by_x(name):
    x = generate(name, 500, 0.3, seed=2).X.ravel()
    assert np.all(np.diff(x) >= 0)


@pytest.mark.parametrize("name", GENERATORS)
def test_cells_are_rounded_to_four_decimals_and_the_table_reads_back_from_its_csv(name):
    table = generate(name, 400, 0.3, seed=4)
    np.testing.assert_array_equal(table.data, np.round(table.data, 4))
    text = table.to_csv_text()
    cells = [cell for line in text.splitlines()[1:] for cell in line.split(",")]
    assert all(len(cell.partition(".")[2]) <= 4 for cell in cells) and "-0" not in cells  # "0.1234", never "-0"
    assert TrainingTable.from_csv_text(text) == table


@pytest.mark.parametrize("name", GENERATORS)
def test_every_number_is_finite_and_in_about_minus_one_to_one_even_at_the_largest_settings(name):
    exact = generate(name, 2000, 0.0, seed=5)
    inside = np.all(np.abs(exact.X) <= 1.0, axis=1)
    assert inside.mean() > 0.98 if name == "gaussians" else inside.all()  # a Gaussian's tail may reach past
    assert np.abs(exact.X).max() > 0.8  # the pattern spans the plane (or the line), not a corner of it
    noisy = generate(name, 100_000, 1.0, seed=2**31 - 1)
    assert np.isfinite(noisy.data).all() and noisy.n_rows == 100_000


# -- noise 0: exactly on the pattern ----------------------------------------------------------------
def split(table):
    labels = classes(table)
    return table.X[labels == 0], table.X[labels == 1]


def test_xor_at_noise_0_has_each_point_in_its_class_s_quadrants_clear_of_the_axes():
    table = generate("xor", 1000, 0.0, seed=1)
    x1, x2 = table.X.T
    np.testing.assert_array_equal(classes(table), (x1 * x2 < 0).astype(float))  # 1: opposite signs
    assert np.minimum(np.abs(x1), np.abs(x2)).min() >= datasets.XOR_GAP - ROUNDING
    quadrants = {(np.sign(a), np.sign(b)) for a, b in table.X}
    assert quadrants == {(1, 1), (1, -1), (-1, 1), (-1, -1)}


def test_gaussians_at_noise_0_are_two_clouds_of_spread_0_2_around_their_centres():
    zero, one = split(generate("gaussians", 20_000, 0.0, seed=1))
    np.testing.assert_allclose(zero.mean(axis=0), [-0.5, -0.5], atol=0.01)
    np.testing.assert_allclose(one.mean(axis=0), [0.5, 0.5], atol=0.01)
    np.testing.assert_allclose(zero.std(axis=0), [0.2, 0.2], atol=0.01)
    np.testing.assert_allclose(one.std(axis=0), [0.2, 0.2], atol=0.01)


def test_circles_at_noise_0_lie_on_their_two_radii():
    zero, one = split(generate("circles", 1000, 0.0, seed=1))
    np.testing.assert_allclose(np.hypot(*zero.T), 0.9, rtol=0, atol=ROUNDING * np.sqrt(2))
    np.testing.assert_allclose(np.hypot(*one.T), 0.4, rtol=0, atol=ROUNDING * np.sqrt(2))


def test_moons_at_noise_0_lie_on_their_arcs():
    zero, one = split(generate("moons", 1000, 0.0, seed=1))
    for points, centre, side in ((zero, (-1 / 3, -1 / 6), 1), (one, (1 / 3, 1 / 6), -1)):
        offset = points - centre
        np.testing.assert_allclose(np.hypot(*offset.T), 2 / 3, rtol=0, atol=ROUNDING * np.sqrt(2))
        assert np.all(side * offset[:, 1] >= -ROUNDING)  # class 0 the upper half circle, class 1 the lower


def test_spiral_at_noise_0_lies_on_its_two_arms_half_a_turn_apart():
    zero, one = split(generate("spiral", 1000, 0.0, seed=1))
    for points, start in ((zero, 0.0), (one, np.pi)):
        radius = np.hypot(*points.T)
        assert radius.max() <= 1 + ROUNDING
        angle = start + 2 * np.pi * 1.75 * radius
        on_arm = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
        # the radius read back from rounded cells is off by ~1e-4, and the angle turns 11 radians per unit
        np.testing.assert_allclose(points, on_arm, rtol=0, atol=2e-3)


def test_checkerboard_at_noise_0_alternates_four_by_four_squares_and_keeps_off_their_edges():
    table = generate("checkerboard", 2000, 0.0, seed=1)
    square = np.floor((table.X + 1) / 0.5)
    np.testing.assert_array_equal(classes(table), square.sum(axis=1) % 2)
    assert {tuple(s) for s in square} == {(i, j) for i in range(4) for j in range(4)}
    into_square = (table.X + 1) - 0.5 * square
    assert into_square.min() >= datasets.CHECKER_GAP - ROUNDING
    assert into_square.max() <= 0.5 - datasets.CHECKER_GAP + ROUNDING


@pytest.mark.parametrize("name, pattern", [
    ("sine", lambda x: np.sin(np.pi * x)),
    ("polynomial", lambda x: 2 * x**3 - x),
    ("step", lambda x: (x >= 0).astype(float)),
])
def test_regression_at_noise_0_is_its_function_of_the_x_shown(name, pattern):
    table = generate(name, 1000, 0.0, seed=1)
    x, y = table.X.ravel(), table.y.ravel()
    np.testing.assert_array_equal(y, np.round(pattern(x), 4))  # y computed from the x in the cell
    assert np.abs(y - pattern(x)).max() <= ROUNDING
    assert x.min() < -0.99 and x.max() > 0.99


# -- noise > 0: the same points, jittered by about the noise ---------------------------------------
@pytest.mark.parametrize("name", CLASSIFIERS)
@pytest.mark.parametrize("noise", [0.05, 0.3])
def test_noise_jitters_both_coordinates_of_the_same_points_by_about_the_noise(name, noise):
    exact, noisy = generate(name, 4000, 0.0, seed=9), generate(name, 4000, noise, seed=9)
    np.testing.assert_array_equal(classes(noisy), classes(exact))  # the same rows, in the same order
    moved = noisy.X - exact.X
    assert (np.abs(moved) > 0).mean() > 0.99
    jitter = noise * GENERATORS[name].scale  # the noise is a fraction of the pattern's scale
    np.testing.assert_allclose(moved.std(axis=0), [jitter, jitter], rtol=0.1)
    np.testing.assert_allclose(moved.mean(axis=0), [0, 0], atol=jitter / 10)


@pytest.mark.parametrize("name", REGRESSIONS)
@pytest.mark.parametrize("noise", [0.05, 0.3])
def test_noise_jitters_y_only_by_about_the_noise(name, noise):
    exact, noisy = generate(name, 4000, 0.0, seed=9), generate(name, 4000, noise, seed=9)
    np.testing.assert_array_equal(noisy.X, exact.X)
    moved = (noisy.y - exact.y).ravel()
    assert (np.abs(moved) > 0).mean() > 0.99
    assert moved.std() == pytest.approx(noise * GENERATORS[name].scale, rel=0.1)


# -- the classes are separable by their pattern ----------------------------------------------------
def nearest_neighbours_accuracy(reference: TrainingTable, table: TrainingTable, k: int = 5) -> float:
    """How many of ``table``'s rows get their class from a vote of their ``k`` nearest points of
    ``reference`` (a dense sample of the pattern itself, at noise 0)."""
    distances = ((table.X[:, None, :] - reference.X[None, :, :]) ** 2).sum(axis=-1)
    nearest = np.argpartition(distances, k, axis=1)[:, :k]
    predicted = classes(reference)[nearest].mean(axis=1) > 0.5
    return float((predicted == (classes(table) > 0.5)).mean())


@pytest.mark.parametrize("name", CLASSIFIERS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_at_noise_0_05_the_pattern_still_tells_the_classes_apart(name, seed):
    pattern = generate(name, 3000, 0.0, seed=1000 + seed)
    assert nearest_neighbours_accuracy(pattern, generate(name, 400, 0.05, seed=seed)) >= 0.95


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_noise_means_alike_for_every_pattern_a_little_at_0_1_and_most_of_it_lost_at_1(name):
    """The noise is a fraction of each pattern's own scale: the fine spiral is not lost at a noise that
    leaves the XOR quadrants whole."""
    pattern = generate(name, 3000, 0.0, seed=1000)
    assert nearest_neighbours_accuracy(pattern, generate(name, 400, 0.1, seed=0)) >= 0.95
    assert nearest_neighbours_accuracy(pattern, generate(name, 400, 1.0, seed=0)) < 0.8


def test_each_pattern_s_scale_is_what_separates_its_classes():
    scales = {name: (g.scale, g.scale_meaning) for name, g in GENERATORS.items()}
    assert scales["circles"] == (pytest.approx(0.5), "the gap between the rings")
    assert scales["spiral"] == (pytest.approx(1 / 3.5), "the distance between neighbouring arms")
    assert scales["checkerboard"] == (0.5, "the side of a square")
    assert all(scales[name][0] == 1 for name in REGRESSIONS)


# -- the limits ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("setting, allowed, refused, message", [
    ("n_points", 2, 1, "points: a whole number from 2 to 100,000, got 1"),
    ("n_points", 100_000, 100_001, "points: a whole number from 2 to 100,000, got 100001"),
    ("n_points", 10, 10.0, "points: a whole number from 2 to 100,000, got 10.0"),
    ("n_points", 10, True, "points: a whole number from 2 to 100,000, got True"),
    ("noise", 0, -0.01, "noise: a number from 0 to 1, got -0.01"),
    ("noise", 1.0, 1.5, "noise: a number from 0 to 1, got 1.5"),
    ("noise", 0.5, float("nan"), "noise: a number from 0 to 1, got nan"),
    ("noise", 0.5, "0.5", "noise: a number from 0 to 1, got '0.5'"),
    ("seed", 0, -1, "seed: a whole number from 0 to 2,147,483,647, got -1"),
    ("seed", 2**31 - 1, 2**31, "seed: a whole number from 0 to 2,147,483,647, got 2147483648"),
])
@pytest.mark.parametrize("name", ["circles", "step"])
def test_each_limit_is_allowed_at_its_boundary_and_refused_past_it_with_its_message(name, setting, allowed, refused,
                                                                                    message):
    assert generate(name, **{setting: allowed}).n_rows == (allowed if setting == "n_points" else 200)
    for make in (lambda **kw: generate(name, **kw), GENERATORS[name].function):
        with pytest.raises(ValueError) as refusal:
            make(**{setting: refused})
        assert str(refusal.value) == message


def test_an_unknown_generator_is_refused_with_the_names_there_are():
    with pytest.raises(ValueError) as refusal:
        generate("blobs")
    assert str(refusal.value) == ("generator: unknown generator 'blobs'; choose from xor, gaussians, circles, moons, "
                                  "spiral, checkerboard, sine, polynomial, step")


def test_the_limits_are_declared_once_and_the_seed_s_are_the_training_seed_s():
    from nnplayground.core.config import CONSTRAINTS as TRAINING

    assert (CONSTRAINTS["n_points"].low, CONSTRAINTS["n_points"].high) == (2, 100_000)
    assert (CONSTRAINTS["noise"].low, CONSTRAINTS["noise"].high) == (0, 1)
    assert CONSTRAINTS["seed"] is TRAINING["seed"]
    assert CONSTRAINTS["name"].names == tuple(GENERATORS)
