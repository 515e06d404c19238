"""Generated training tables, as in TensorFlow Playground: a pattern, some points on it, some noise.

Two-input classification (columns ``x1, x2, class``; the class 0 or 1 is the target) and one-input
regression (columns ``x, y``; y is the target). Each generator is one function, listed with its menu
title and a sentence for the learner in :data:`GENERATORS`; :func:`generate` calls one by name.

- **Coordinates** lie in about −1…1 (the patterns exactly, but for the Gaussians' tails; noise may
  carry a point a little past the edge), so a network's inputs need no scaling.
- **Noise** is Gaussian jitter whose standard deviation is ``noise`` times the pattern's scale
  (:data:`SCALES`: what separates its classes, such as the gap between the circles' rings or between
  the spiral's arms, or the height of a regression's curve). So noise 0.1 is a little noise for every
  pattern, and at noise 1 little of any pattern is left. Classification jitters both coordinates;
  regression jitters y only (x is where the measurement was taken, y the noisy measurement).
- **Rounding**: every coordinate is rounded to :data:`DECIMALS` (4) decimals, so the table reads
  well ("0.4131"). In a regression, y is computed from the rounded x, so at noise 0 each row is exact
  for the number shown (``y == round(sin(π·x), 4)``). Rounding is a function of the numbers alone,
  so it keeps the result determined by the seed.
- **Seed**: everything random comes from ``np.random.default_rng(seed)``, drawn in a fixed order: the
  pattern's points, then the noise (drawn even at noise 0), then the shuffle of the rows. The same
  settings give the same table; a change of noise alone moves the same points by more or less.
- **Classes** are balanced: ``n // 2`` rows of class 0 and ``n - n // 2`` of class 1, shuffled.
  Regression rows are sorted by x.

The limits of the settings are declared once, in :data:`CONSTRAINTS` (as :mod:`.config` does for
the training settings), and every generator checks its arguments there.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .config import CONSTRAINTS as TRAINING_CONSTRAINTS
from .config import Choice, Interval
from .table import INPUT, TARGET, TrainingTable

DECIMALS = 4  # every coordinate in a generated table is rounded to this many decimals
CLASSIFICATION, REGRESSION = "classification", "regression"

# Shapes of the patterns, in the −1…1 plane.
XOR_GAP = 0.1  # XOR: points keep at least this far from the axes, so each one's quadrant is clear
GAUSSIAN_CENTRE = 0.5  # two Gaussians: class 0 around (−c, −c), class 1 around (c, c)
GAUSSIAN_SPREAD = 0.2  # ... each with this standard deviation per coordinate, before any noise
CIRCLE_RADII = (0.9, 0.4)  # circles: class 0 on the outer ring, class 1 on the inner one
MOON_RADIUS = 2 / 3  # moons: two half circles of this radius, hooked into each other
MOON_CENTRES = ((-1 / 3, -1 / 6), (1 / 3, 1 / 6))  # class 0's arc opens downwards, class 1's upwards
SPIRAL_TURNS = 1.75  # spiral: each arm winds this many times from the centre out to radius 1
CHECKER_CELLS = 4  # checkerboard: 4 × 4 squares of side 0.5
CHECKER_GAP = 0.08  # ... the points keep this far from the squares' edges

# The length each pattern's noise is a fraction of: what separates its classes, or its curve's height.
# Noise 0.1 is then a little noise for every pattern, and noise 1 leaves little of any of them.
SCALES: dict[str, tuple[float, str]] = {
    "xor": (1.0, "the side of a quadrant"),
    "gaussians": (2 * GAUSSIAN_CENTRE, "the distance between the centres along each axis"),
    "circles": (CIRCLE_RADII[0] - CIRCLE_RADII[1], "the gap between the rings"),
    "moons": (MOON_RADIUS, "the moons' radius"),
    "spiral": (1 / (2 * SPIRAL_TURNS), "the distance between neighbouring arms"),
    "checkerboard": (2 / CHECKER_CELLS, "the side of a square"),
    "sine": (1.0, "the height of the wave"),
    "polynomial": (1.0, "the height of the bump"),
    "step": (1.0, "the height of the step"),
}


# -- building the tables ----------------------------------------------------------------------------
def class_sizes(n_points: int) -> tuple[int, int]:
    """How many rows of class 0 and of class 1: as even as can be, class 1 taking the odd one."""
    return n_points // 2, n_points - n_points // 2


def _rounded(values: np.ndarray) -> np.ndarray:
    return np.round(values, DECIMALS) + 0.0  # + 0.0: no "-0" in the table


def _classification_table(class0: np.ndarray, class1: np.ndarray, jitter: float,
                          rng: np.random.Generator) -> TrainingTable:
    """Each class's points on its pattern ((n, 2) arrays), jittered (``jitter``: the standard deviation,
    in the plane's units), rounded, labelled and shuffled."""
    points = np.concatenate([class0, class1])
    points = points + jitter * rng.standard_normal(points.shape)
    labels = np.repeat([0.0, 1.0], [len(class0), len(class1)])
    data = np.column_stack([_rounded(points), labels])[rng.permutation(len(points))]
    return TrainingTable(("x1", "x2", "class"), (INPUT, INPUT, TARGET), data)


def _regression_table(n_points: int, jitter: float, rng: np.random.Generator,
                      pattern: Callable[[np.ndarray], np.ndarray]) -> TrainingTable:
    """x uniform over −1…1 (rounded, sorted), y = pattern(x) plus the jitter, rounded."""
    x = _rounded(np.sort(rng.uniform(-1.0, 1.0, n_points)))
    y = pattern(x) + jitter * rng.standard_normal(n_points)
    return TrainingTable(("x", "y"), (INPUT, TARGET), np.column_stack([x, _rounded(y)]))


def _on_circle(centre, radius: float, angles: np.ndarray) -> np.ndarray:
    return np.column_stack([centre[0] + radius * np.cos(angles), centre[1] + radius * np.sin(angles)])


# -- classification: two inputs x1, x2 and a class 0 or 1 -------------------------------------------
def xor(n_points: int = 200, noise: float = 0.1, seed: int = 0) -> TrainingTable:
    """The four quadrants: class 1 where x1 and x2 have opposite signs (exactly one is positive, as in
    the XOR truth table), class 0 where they agree. Points keep :data:`XOR_GAP` from the axes."""
    n_points, noise, seed = check_settings(n_points, noise, seed)
    rng = np.random.default_rng(seed)
    classes = []
    for n, other_sign in zip(class_sizes(n_points), (1.0, -1.0)):
        size = rng.uniform(XOR_GAP, 1.0, (n, 2))  # distance from each axis
        sign = rng.choice([-1.0, 1.0], n)
        classes.append(size * np.column_stack([sign, other_sign * sign]))
    return _classification_table(*classes, noise * SCALES["xor"][0], rng)


def gaussians(n_points: int = 200, noise: float = 0.1, seed: int = 0) -> TrainingTable:
    """Two round clouds: class 0 around (−0.5, −0.5), class 1 around (0.5, 0.5), each of standard
    deviation :data:`GAUSSIAN_SPREAD` per coordinate; noise widens them (to √(0.2² + noise²))."""
    n_points, noise, seed = check_settings(n_points, noise, seed)
    rng = np.random.default_rng(seed)
    classes = [centre + GAUSSIAN_SPREAD * rng.standard_normal((n, 2))
               for n, centre in zip(class_sizes(n_points), (-GAUSSIAN_CENTRE, GAUSSIAN_CENTRE))]
    return _classification_table(*classes, noise * SCALES["gaussians"][0], rng)


def circles(n_points: int = 200, noise: float = 0.1, seed: int = 0) -> TrainingTable:
    """Two rings around the origin: class 0 on radius 0.9, class 1 on radius 0.4."""
    n_points, noise, seed = check_settings(n_points, noise, seed)
    rng = np.random.default_rng(seed)
    classes = [_on_circle((0.0, 0.0), radius, rng.uniform(0.0, 2 * np.pi, n))
               for n, radius in zip(class_sizes(n_points), CIRCLE_RADII)]
    return _classification_table(*classes, noise * SCALES["circles"][0], rng)


def moons(n_points: int = 200, noise: float = 0.1, seed: int = 0) -> TrainingTable:
    """Two interleaved half circles of radius 2/3 (scikit-learn's moons, scaled to −1…1): class 0's
    arc is the upper half of a circle around (−1/3, −1/6), class 1's the lower half around (1/3, 1/6)."""
    n_points, noise, seed = check_settings(n_points, noise, seed)
    rng = np.random.default_rng(seed)
    classes = [_on_circle(centre, MOON_RADIUS, rng.uniform(0.0, np.pi, n) * side)
               for n, centre, side in zip(class_sizes(n_points), MOON_CENTRES, (1.0, -1.0))]
    return _classification_table(*classes, noise * SCALES["moons"][0], rng)


def spiral(n_points: int = 200, noise: float = 0.1, seed: int = 0) -> TrainingTable:
    """Two arms winding out from the centre, half a turn apart: along each arm the radius grows from 0
    to 1 as the angle turns :data:`SPIRAL_TURNS` times (TensorFlow Playground's spiral). The radius is
    the square root of a uniform draw, so the points spread about evenly along the arms rather than
    crowding the centre, where the arms meet and no rule can tell them apart."""
    n_points, noise, seed = check_settings(n_points, noise, seed)
    rng = np.random.default_rng(seed)
    classes = []
    for n, start in zip(class_sizes(n_points), (0.0, np.pi)):
        radius = np.sqrt(rng.uniform(0.0, 1.0, n))
        angle = start + 2 * np.pi * SPIRAL_TURNS * radius
        classes.append(radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]))
    return _classification_table(*classes, noise * SCALES["spiral"][0], rng)


def checkerboard(n_points: int = 200, noise: float = 0.1, seed: int = 0) -> TrainingTable:
    """A 4 × 4 board over −1…1: the squares alternate between class 0 (the corner square at (−1, −1)
    is one) and class 1. Points keep :data:`CHECKER_GAP` from the squares' edges."""
    n_points, noise, seed = check_settings(n_points, noise, seed)
    rng = np.random.default_rng(seed)
    side = 2.0 / CHECKER_CELLS
    squares = np.array([(i, j) for i in range(CHECKER_CELLS) for j in range(CHECKER_CELLS)])
    classes = []
    for n, parity in zip(class_sizes(n_points), (0, 1)):
        own = squares[squares.sum(axis=1) % 2 == parity]
        corner = -1.0 + side * own[rng.integers(len(own), size=n)]
        classes.append(corner + rng.uniform(CHECKER_GAP, side - CHECKER_GAP, (n, 2)))
    return _classification_table(*classes, noise * SCALES["checkerboard"][0], rng)


# -- regression: one input x and a target y ---------------------------------------------------------
def _sine(x):
    return np.sin(np.pi * x)


def _cubic(x):
    return 2 * x**3 - x


def _step(x):
    return np.where(x < 0, 0.0, 1.0)


def sine(n_points: int = 200, noise: float = 0.1, seed: int = 0) -> TrainingTable:
    """y = sin(π·x) over −1…1: one whole wave, from 0 down to −1, up to 1 and back to 0."""
    n_points, noise, seed = check_settings(n_points, noise, seed)
    return _regression_table(n_points, noise * SCALES["sine"][0], np.random.default_rng(seed), _sine)


def polynomial(n_points: int = 200, noise: float = 0.1, seed: int = 0) -> TrainingTable:
    """y = 2x³ − x over −1…1: from −1 up to a bump, down through a dip, up to 1."""
    n_points, noise, seed = check_settings(n_points, noise, seed)
    return _regression_table(n_points, noise * SCALES["polynomial"][0], np.random.default_rng(seed), _cubic)


def step(n_points: int = 200, noise: float = 0.1, seed: int = 0) -> TrainingTable:
    """y = 0 for x < 0 and 1 from x = 0 on: a jump no smooth curve fits exactly."""
    n_points, noise, seed = check_settings(n_points, noise, seed)
    return _regression_table(n_points, noise * SCALES["step"][0], np.random.default_rng(seed), _step)


# -- the list a menu shows ------------------------------------------------------------------------
@dataclass(frozen=True)
class Generator:
    name: str
    title: str  # for a menu or a list
    kind: str  # CLASSIFICATION or REGRESSION
    description: str  # one line, for a learner choosing
    function: Callable[..., TrainingTable]  # (n_points, noise, seed) -> TrainingTable

    @property
    def scale(self) -> float:
        """The length the noise is a fraction of, in the plane's units."""
        return SCALES[self.name][0]

    @property
    def scale_meaning(self) -> str:
        """What that length is, for the learner: "the gap between the rings"."""
        return SCALES[self.name][1]

    @property
    def columns(self) -> tuple[str, ...]:
        return ("x1", "x2", "class") if self.kind == CLASSIFICATION else ("x", "y")


GENERATORS: dict[str, Generator] = {g.name: g for g in (
    Generator("xor", "XOR quadrants", CLASSIFICATION,
              "Class 1 where x1 and x2 have opposite signs: no single straight line separates the classes.", xor),
    Generator("gaussians", "Two Gaussians", CLASSIFICATION,
              "Two round clouds of points, one per class: a straight line separates them.", gaussians),
    Generator("circles", "Circles", CLASSIFICATION,
              "A small ring of class 1 inside a large ring of class 0: the boundary must curve all round.",
              circles),
    Generator("moons", "Moons", CLASSIFICATION,
              "Two half circles hooked into each other: the boundary must bend between them.", moons),
    Generator("spiral", "Spiral", CLASSIFICATION,
              "Two arms winding round each other: the hardest pattern here, it needs several hidden units.",
              spiral),
    Generator("checkerboard", "Checkerboard", CLASSIFICATION,
              "A 4 × 4 board of alternating squares: many small regions to tell apart.", checkerboard),
    Generator("sine", "Sine", REGRESSION,
              "y = sin(πx): one whole wave for the network's output to follow.", sine),
    Generator("polynomial", "Polynomial", REGRESSION,
              "y = 2x³ − x: a cubic with a bump and a dip.", polynomial),
    Generator("step", "Step", REGRESSION,
              "y jumps from 0 to 1 at x = 0: smooth units can only approach a jump.", step),
)}


# -- the settings' limits: the one declaration ------------------------------------------------------
CONSTRAINTS: dict[str, Interval | Choice] = {
    "name": Choice("generator", "generator", tuple(GENERATORS)),
    "n_points": Interval("points", int, 2, 100_000),
    # the jitter's standard deviation as a fraction of the pattern's scale (SCALES): at 1 the jitter is
    # as large as what separates the classes, and little of the pattern is left to learn
    "noise": Interval("noise", float, 0.0, 1.0),
    "seed": TRAINING_CONSTRAINTS["seed"],  # the training seed's limits: the window shows both alike
}


def check_settings(n_points, noise, seed) -> tuple[int, float, int]:
    """The settings as numbers, or ValueError naming the first one out of its limits."""
    return (CONSTRAINTS["n_points"].check(n_points), CONSTRAINTS["noise"].check(noise),
            CONSTRAINTS["seed"].check(seed))



def generate(name: str, n_points: int = 200, noise: float = 0.1, seed: int = 0) -> TrainingTable:
    """The table of the generator called ``name`` (a key of :data:`GENERATORS`), with ``n_points``
    rows, jittered by ``noise``, drawn from ``seed``. ValueError names a setting out of its limits."""
    return GENERATORS[CONSTRAINTS["name"].check(name)].function(n_points, noise, seed)
