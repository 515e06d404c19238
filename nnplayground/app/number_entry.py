"""How a number setting is typed, shown and stepped in the window, without Qt.

What is typed is read as written: ``1e-3``, ``2.5E-4``, ``0.001``, ``1,500``; never cut to the field's
decimals, never clamped to its range. Whether the number is allowed is the core's to say
(:data:`~nnplayground.core.config.CONSTRAINTS`), in the words the command line uses: ``1e6`` in the learning
rate is "learning rate: a number from 1e-06 to 1000, got 1000000.0", whatever the field.

A value is shown as it reads back, as the rest of the app writes it (0.001, 1e-05, 0.999; no padding to a
count of decimals), and the arrows step along a ladder a learner can follow: 1, 2, 5, 10… for a rate or a
number of iterations, 1, 2, 4, 8… for a batch, …0.5, 0.8, 0.9, 0.95, 0.98, 0.99… for a factor close to 1
(momentum, β, ρ, γ). A step never leaves the core's range, and goes to 0 only where 0 is allowed.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from ..core.config import CONSTRAINTS, Interval
from ..core.table import format_number

MANTISSAS = (1, 2, 5)
PAGE = 3  # rungs per PgUp / PgDn: a decade on the 1, 2, 5 ladder
GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")  # "1,500" or "1,000.5": commas as thousands only
CLOSE = 1e-9  # relative: a value this close to a rung is on it


@dataclass(frozen=True)
class NumberEntry:
    """One number setting as the window takes it. ``ladder``: how the arrows step: "decades" (1, 2, 5,
    10…), "doublings" (1, 2, 4, 8…), "towards_one" (…0.2, 0.5, 0.8, 0.9, 0.95…) or "by" (``by`` at a time,
    on its multiples). ``floor``: where 0 is allowed, the smallest step above it. ``scale``: shown so many
    times the value (a share as a percentage). ``special``: what the lowest value is called ("off")."""

    key: str
    ladder: str = "decades"
    by: float = 1
    floor: float = 0
    scale: int = 1
    special: str = ""
    grouped: bool = True  # whole numbers shown with thousands separators (not seeds: they are names)

    @property
    def limits(self) -> Interval:
        return CONSTRAINTS[self.key]

    @property
    def whole(self) -> bool:
        return self.limits.kind is int

    # -- showing ------------------------------------------------------------------------------------
    def text(self, value, suffix: str = "", special: bool = True) -> str:
        """``value`` as the field shows it: the shortest text that reads back as the same number (the lowest
        by its name, "none", unless ``special`` is False)."""
        if special and self.special and value == self.limits.low:
            return self.special
        if self.whole:
            return (f"{int(value):,}" if self.grouped else str(int(value))) + suffix
        if self.scale != 1:
            scaled = format(Decimal(repr(float(value))) * self.scale, "f")
            return (scaled.rstrip("0").rstrip(".") if "." in scaled else scaled) + suffix
        return format_number(value) + suffix

    # -- reading ------------------------------------------------------------------------------------
    def read(self, text: str, suffix: str = ""):
        """What ``text`` says, for the core to judge: a number (a whole number for a whole-number setting
        when it is one, 1e6 too), or the text itself when it is no number at all. Nothing is rounded or
        clamped; "1,5" is not 15."""
        typed = text.strip()
        if self.special and typed.casefold() == self.special.casefold():
            return self.limits.kind(self.limits.low)
        body = typed
        if suffix.strip() and body.endswith(suffix.strip()):
            body = body[:-len(suffix.strip())].strip()
        if GROUPED.fullmatch(body):
            body = body.replace(",", "")
        if self.whole:
            try:
                return int(body)
            except ValueError:
                pass
        try:
            number = float(body)
        except ValueError:
            return typed
        if self.scale != 1:
            number = float(Decimal(repr(number)) / self.scale)
        if self.whole and math.isfinite(number) and number.is_integer():
            return int(number)
        return number

    def accept(self, text: str, suffix: str = ""):
        """The value ``text`` sets, or ValueError in the core's words (the command line's); a field typed in
        percent adds them in its own terms ("… got 0.95, i.e. 95 %: at most 90 %")."""
        value = self.read(text, suffix)
        try:
            return self.limits.check(value)
        except ValueError as exc:
            if self.scale == 1 or not isinstance(value, float) or not math.isfinite(value):
                raise
            low, high = (self.text(v, suffix, special=False).strip() for v in (self.limits.low, self.limits.high))
            raise ValueError(f"{exc} (typed: {self.text(value, suffix).strip()}; the field takes {low} to {high})") \
                from None

    # -- stepping -----------------------------------------------------------------------------------
    def step(self, value, steps: int):
        """The value ``steps`` arrow presses away from ``value`` (±10: PgUp / PgDn, :data:`PAGE` rungs of
        a ladder), never outside the core's range."""
        low, high = self.limits.low, self.limits.high
        if self.ladder == "by":
            by = Decimal(repr(self.by))
            here = Decimal(repr(value)) / by
            # from between two multiples, the first step lands on the next one
            n = math.floor(here) if steps > 0 else math.ceil(here)
            target = float((n + steps) * by)
            return self._kind(min(high, max(low, target)))
        if steps and steps % 10 == 0:
            steps = steps // 10 * PAGE
        rungs = self.rungs
        if steps > 0:
            above = [i for i, r in enumerate(rungs) if r > value and not _close(r, value)]
            return value if not above else rungs[min(above[0] + steps - 1, len(rungs) - 1)]
        if steps < 0:
            below = [i for i, r in enumerate(rungs) if r < value and not _close(r, value)]
            return value if not below else rungs[max(below[-1] + steps + 1, 0)]
        return value

    @cached_property
    def rungs(self) -> tuple:
        """The values the arrows stop at, low to high, the core's limits included."""
        low, high = self.limits.low, self.limits.high
        start = low if low > 0 else self.floor or 1
        if self.ladder == "doublings":
            values = {Decimal(2) ** k for k in range(0, int(math.log2(high)) + 1)}
        else:
            top = 0.5 if self.ladder == "towards_one" else high
            values = set(_decades(start, top))
            if self.ladder == "towards_one":
                values |= {1 - r for r in _decades(1e-6, 0.2)}
        kept = {float(v) for v in values if start <= float(v) <= high} | {float(low), float(high)}
        return tuple(sorted(self._kind(v) for v in kept))

    def _kind(self, value):
        return int(round(value)) if self.whole else float(value)


def _decades(low: float, high: float) -> list[Decimal]:
    """1, 2, 5 × the powers of ten from ``low``'s to ``high``'s, exactly (as decimals)."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    return [Decimal(f"{m}e{e}") for e in range(first, last + 1) for m in MANTISSAS]


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= CLOSE * max(abs(a), abs(b))


# Every number setting of the window's panel, as it is typed and stepped.
ENTRIES = {e.key: e for e in (
    NumberEntry("learning_rate"),
    NumberEntry("iterations"),
    NumberEntry("seed", ladder="by", grouped=False),
    NumberEntry("momentum", ladder="towards_one", floor=0.01),
    NumberEntry("rho", ladder="towards_one", floor=0.01),
    NumberEntry("beta1", ladder="towards_one", floor=0.01),
    NumberEntry("beta2", ladder="towards_one", floor=0.01),
    NumberEntry("eps"),
    NumberEntry("batch_size", ladder="doublings", special="whole table"),
    NumberEntry("shuffle_seed", ladder="by", grouped=False),
    NumberEntry("decay_rate", ladder="towards_one"),
    NumberEntry("decay_epochs"),
    NumberEntry("l2", floor=1e-5),
    NumberEntry("l1", floor=1e-5),
    NumberEntry("validation", ladder="by", by=0.05, scale=100, special="none"),
    NumberEntry("split_seed", ladder="by", grouped=False),
    NumberEntry("patience", special="off"),
)}
