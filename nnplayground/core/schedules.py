"""Learning-rate schedules: the rate for the next update, from the base rate η₀ and the number of
completed epochs e, as PyTorch's ``torch.optim.lr_scheduler`` gives it after e calls of ``step()``.

A schedule holds no state: ``rate(base, epoch)`` is a pure function, so a session resumed at epoch e
has the very rate it would have had, and the window can show the current rate at any moment. The
schedules are frozen dataclasses: equal when their hyperparameters are, with a repr that says them.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, fields
from typing import Any, ClassVar

import numpy as np

from .naming import by_name, shown

RECORD_FIELDS = ("name", "hyperparameters")


def _whole(name: str, value: Any, meaning: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a whole number ≥ 1 ({meaning}), got {shown(value)}")
    return int(value)


def _gamma(value: Any) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not 0.0 < value <= 1.0:
        raise ValueError(f"gamma must be a number in (0, 1] (the factor the rate is multiplied by), "
                         f"got {shown(value)}")
    return float(value)


class Schedule:
    """The learning rate for the next update: ``rate(base, epoch)``, epoch = completed epochs."""

    name: ClassVar[str] = ""  # the key in SCHEDULES
    formula: ClassVar[str] = ""  # as the window shows it; η₀ is the base rate, e the completed epochs

    def rate(self, base: float, epoch: int) -> float:
        raise NotImplementedError

    def hyperparameters(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]  (every schedule is a dataclass)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "hyperparameters": self.hyperparameters()}

    @classmethod
    def from_dict(cls, data: Mapping) -> "Schedule":
        """The schedule a :meth:`to_dict` record describes, checked: every hyperparameter must be
        there and no other (a ValueError names what is wrong)."""
        if not isinstance(data, Mapping) or set(data) != set(RECORD_FIELDS):
            raise ValueError(f"schedule: expected a record with {' and '.join(RECORD_FIELDS)}, got {shown(data)}")
        kind = by_name(SCHEDULES, data["name"], "schedule")
        if cls is not Schedule and kind is not cls:
            raise ValueError(f"schedule: expected a {cls.name} record, got {shown(data['name'])}")
        hyper = data["hyperparameters"]
        if not isinstance(hyper, Mapping):
            raise ValueError(f"schedule: hyperparameters must be named values, got {shown(hyper)}")
        absent = [f.name for f in fields(kind) if f.name not in hyper]
        if absent:  # a file names them all: the defaults may change between releases
            raise ValueError(f"schedule: {kind.name}'s hyperparameters lack {', '.join(absent)}")
        return make_schedule(kind.name, **hyper)


def _epoch(epoch: Any) -> int:
    if isinstance(epoch, (bool, np.bool_)) or not isinstance(epoch, numbers.Integral) or epoch < 0:
        raise ValueError(f"epoch must be a whole number ≥ 0 (epochs completed), got {shown(epoch)}")
    return int(epoch)


@dataclass(frozen=True)
class Constant(Schedule):
    """The base rate throughout."""

    name: ClassVar[str] = "constant"
    formula: ClassVar[str] = "η = η₀"

    def rate(self, base: float, epoch: int) -> float:
        _epoch(epoch)
        return float(base)


@dataclass(frozen=True)
class StepDecay(Schedule):
    """The rate times γ every ``step_size`` epochs (``StepLR``): η₀·γ^⌊e/s⌋."""

    step_size: int
    gamma: float
    name: ClassVar[str] = "step"
    formula: ClassVar[str] = "η = η₀·γ^⌊e/s⌋"

    def __post_init__(self):
        object.__setattr__(self, "step_size", _whole("step_size", self.step_size, "epochs between decays"))
        object.__setattr__(self, "gamma", _gamma(self.gamma))

    def rate(self, base: float, epoch: int) -> float:
        return base * self.gamma ** (_epoch(epoch) // self.step_size)


@dataclass(frozen=True)
class Exponential(Schedule):
    """The rate times γ every epoch (``ExponentialLR``): η₀·γᵉ."""

    gamma: float
    name: ClassVar[str] = "exponential"
    formula: ClassVar[str] = "η = η₀·γᵉ"

    def __post_init__(self):
        object.__setattr__(self, "gamma", _gamma(self.gamma))

    def rate(self, base: float, epoch: int) -> float:
        return base * self.gamma ** _epoch(epoch)


@dataclass(frozen=True)
class Cosine(Schedule):
    """Half a cosine from η₀ down to η_min over ``total`` epochs, then η_min (``CosineAnnealingLR``'s
    closed form, which past T_max would climb back up again: here the rate stays at η_min)."""

    total: int
    eta_min: float = 0.0
    name: ClassVar[str] = "cosine"
    formula: ClassVar[str] = "η = η_min + (η₀ − η_min)·(1 + cos(π·min(e, T)/T))/2"

    def __post_init__(self):
        object.__setattr__(self, "total", _whole("total", self.total, "epochs from η₀ down to η_min"))
        eta_min = self.eta_min
        if (isinstance(eta_min, (bool, np.bool_)) or not isinstance(eta_min, numbers.Real)
                or not (math.isfinite(eta_min) and eta_min >= 0)):
            raise ValueError(f"eta_min must be a finite number ≥ 0 (the rate at the end), got {shown(eta_min)}")
        object.__setattr__(self, "eta_min", float(eta_min))

    def rate(self, base: float, epoch: int) -> float:
        e = min(_epoch(epoch), self.total)
        return self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * e / self.total)) / 2


SCHEDULES: dict[str, type[Schedule]] = {cls.name: cls for cls in (Constant, StepDecay, Exponential, Cosine)}


def make_schedule(spec: Schedule | str, **hyperparameters: Any) -> Schedule:
    """A schedule from an instance (returned as is) or a name in :data:`SCHEDULES` with its
    hyperparameters: ``make_schedule("step", step_size=100, gamma=0.5)``."""
    if isinstance(spec, Schedule):
        if hyperparameters:
            raise ValueError(f"{spec!r} is already made: give its hyperparameters to its constructor")
        return spec
    kind = by_name(SCHEDULES, spec, "schedule")
    known = [f.name for f in fields(kind)]
    unknown = [key for key in hyperparameters if key not in known]
    if unknown:
        has = f"its hyperparameters are {', '.join(known)}" if known else "it has none"
        raise ValueError(f"the {kind.name} schedule has no hyperparameter {shown(unknown[0])}; {has}")
    required = [f.name for f in fields(kind)
                if f.default is MISSING and f.default_factory is MISSING and f.name not in hyperparameters]
    if required:
        raise ValueError(f"the {kind.name} schedule needs {' and '.join(required)}")
    return kind(**hyperparameters)
