"""Optimizers: how a gradient becomes a step, each rule beside the state it keeps.

Every parameter of a network lives in one flat buffer (``Network.parameters``: every W, then every b)
and its gradient in one buffer of the same layout (``Trace.gradient``), so an optimizer works on flat
arrays. :meth:`Optimizer.step` writes the step Δ into the caller's preallocated ``out`` and the caller
does θ ← θ − Δ, as the plain update always did (``np.multiply(gradient, η, step)``; θ −= step). Plain
SGD is exactly that one multiply; the others keep their state in arrays allocated once, by
:meth:`Optimizer.bind`, and update them in place: a handful of NumPy calls a step, nothing allocated.

The rules are those of PyTorch's documentation (``torch.optim``). Two differ from scikit-learn's
(``sklearn.neural_network._stochastic_optimizers``) in how they are written, not in what they do
while η is constant: SGD's velocity holds gradients (scikit-learn's holds steps, −η·v), and Adam adds
ε to √v̂, scikit-learn to √v (see :class:`Adam`).
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .naming import by_name, shown

RECORD_FIELDS = ("name", "hyperparameters", "t", "n_parameters", "state")


def _real(name: str, value: Any) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {shown(value)}")
    return float(value)


def _fraction(name: str, value: Any) -> float:
    """A number in [0, 1): a decay factor that forgets, but never everything at once."""
    number = _real(name, value)
    if not 0.0 <= number < 1.0:  # NaN fails too
        raise ValueError(f"{name} must be a number in [0, 1), got {shown(value)}")
    return number + 0.0  # −0.0 is 0.0


def _eps(value: Any) -> float:
    number = _real("eps", value)
    if not (math.isfinite(number) and number >= 0.0):
        raise ValueError(f"eps must be a finite number ≥ 0, got {shown(value)}")
    return number + 0.0


def _count(name: str, value: Any, low: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{name} must be a whole number ≥ {low}, got {shown(value)}")
    return int(value)


def _number(x: float) -> str:
    """A result as the inspector prints it (4 significant digits; −0.0 as 0)."""
    return f"{x + 0.0:.4g}"


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power(base: float, t: int) -> str:
    return f"{_factor(base)}{str(t).translate(_SUPERSCRIPT)}"


def _factor(x: float) -> str:
    """A number inside a formula: in brackets when negative, so 0.9·(-0.3) reads as one product."""
    text = _number(x)
    return f"({text})" if text.startswith("-") else text


@dataclass(frozen=True)
class UpdateLine:
    """One line of a parameter's update written out: the rule, then the rule with its numbers."""

    label: str  # what the line computes: "v", "m̂", "Δ", "θ", …
    formula: str  # the rule in symbols: "v ← μ·v + g"
    numbers: str  # the same with this parameter's numbers: "v = 0.9·0.1 + 0.2 = 0.29"
    value: float  # exactly the number step() computed for this parameter


class Optimizer:
    """The rule that turns a gradient into a step, and the state it carries from step to step.

    ``bind(n)`` allocates the state for ``n`` parameters, zeroed, and resets the step count ``t``;
    ``step(grad, lr, out)`` writes Δ into ``out`` (θ ← θ − Δ is the caller's) and advances the state.
    :meth:`state` gives the live state arrays by name (copy them to keep them), :meth:`derived` the
    quantities the rule computes from them on the way (Adam's m̂ and v̂), for the inspector.
    """

    name: ClassVar[str] = ""  # the key in OPTIMIZERS
    formula: str = ""  # the update rule as the inspector shows it
    state_names: tuple[str, ...] = ()  # the keys of state(), known before bind()
    _squares: tuple[str, ...] = ()  # the state arrays that average squares: never negative

    def __init__(self) -> None:
        self._n: int | None = None
        self._t = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.hyperparameters().items())})"

    @property
    def t(self) -> int:
        """Steps taken since :meth:`bind` (Adam's bias correction counts them)."""
        return self._t

    @property
    def n_parameters(self) -> int | None:
        """How many parameters the state is for (None before :meth:`bind`)."""
        return self._n

    def bind(self, n_parameters: int) -> "Optimizer":
        """Allocate the state for ``n_parameters``, zeroed, and start counting steps from 0 again."""
        self._n = _count("n_parameters", n_parameters, 1)
        self._t = 0
        self._allocate(self._n)
        return self

    def _allocate(self, n: int) -> None:
        pass

    def count_steps(self, n: int = 1) -> None:
        """``n`` steps taken without :meth:`step`: plain SGD's Δ = η·g, which a caller may compute and
        subtract itself. Only a stateless rule allows it."""
        if self.state_names:
            raise RuntimeError(f"{self!r} keeps state: its steps must go through step()")
        self._t += n

    def step(self, grad: np.ndarray, lr: float, out: np.ndarray) -> np.ndarray:
        """Write the step Δ for gradient ``grad`` at learning rate ``lr`` into ``out`` (not ``grad``
        itself: it may serve as scratch), advance the state, and return ``out``."""
        raise NotImplementedError

    def hyperparameters(self) -> dict[str, Any]:
        raise NotImplementedError

    def state(self) -> dict[str, np.ndarray]:
        """The live state arrays by name (empty before :meth:`bind`): views a caller must copy to keep."""
        return {}

    def derived(self) -> dict[str, np.ndarray]:
        """Quantities of the latest step computed from the state (new arrays; empty when there are none)."""
        return {}

    def _unbound(self) -> RuntimeError:
        return RuntimeError(f"{self!r} has no state yet: call bind(n_parameters) before step()")

    # -- one parameter's update, written out --------------------------------------------------------
    def explain_update(self, before: Mapping[str, np.ndarray], grad: float, lr: float, index,
                       t: int | None = None, theta: float | None = None) -> list[UpdateLine]:
        """One parameter's update, line by line, each with the very number :meth:`step` computed.

        ``before`` is :meth:`state` as copied before the step, ``index`` where the parameter sits in its
        arrays (a flat offset, or ``(i, j)`` into one layer's views), ``grad`` its gradient, ``t`` the
        number of the step (default: the latest one, :attr:`t`). With ``theta`` (the parameter before
        the step) a last line gives it after: θ − Δ.
        """
        t = self._t if t is None else _count("t", t, 1)
        if t < 1:
            raise ValueError("no step to explain yet: t must be at least 1")
        missing = [name for name in self.state_names if name not in before]
        if missing:
            raise ValueError(f"the state before the step lacks {', '.join(missing)}")
        values = {name: float(before[name][index]) for name in self.state_names}
        lines = self._explain(values, float(grad), float(lr), t)
        if theta is not None:
            theta, delta = float(theta), lines[-1].value
            lines.append(UpdateLine("θ", "θ ← θ − Δ", f"θ = {_number(theta)} − {_factor(delta)} = "
                                    f"{_number(theta - delta)}", theta - delta))
        return lines

    def _explain(self, before: dict[str, float], g: float, lr: float, t: int) -> list[UpdateLine]:
        raise NotImplementedError

    # -- sessions -----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Everything needed to continue exactly where this left off: the name, the hyperparameters,
        the steps taken, the number of parameters and copies of the state arrays."""
        return {"name": self.name, "hyperparameters": self.hyperparameters(), "t": self._t,
                "n_parameters": self._n, "state": {k: v.copy() for k, v in self.state().items()}}

    @classmethod
    def from_dict(cls, data: Mapping, n_parameters: int | None = None) -> "Optimizer":
        """The optimizer a :meth:`to_dict` record describes, checked field by field (a ValueError names
        what is wrong). ``n_parameters``, when given, is the network's: a record for another size is refused."""
        if not isinstance(data, Mapping):
            raise ValueError(f"optimizer: expected a record with {', '.join(RECORD_FIELDS)}, got {shown(data)}")
        unknown = [key for key in data if key not in RECORD_FIELDS]
        if unknown:
            raise ValueError(f"optimizer: unknown field {shown(unknown[0])}; the fields are "
                             f"{', '.join(RECORD_FIELDS)}")
        missing = [key for key in RECORD_FIELDS if key not in data]
        if missing:
            raise ValueError(f"optimizer: the record lacks {', '.join(missing)}")
        kind = by_name(OPTIMIZERS, data["name"], "optimizer")
        if cls is not Optimizer and kind is not cls:
            raise ValueError(f"optimizer: expected a {cls.name} record, got {shown(data['name'])}")
        hyper = data["hyperparameters"]
        if not isinstance(hyper, Mapping):
            raise ValueError(f"optimizer: hyperparameters must be named values, got {shown(hyper)}")
        expected = kind().hyperparameters()
        unknown = [key for key in hyper if key not in expected]
        if unknown:
            raise ValueError(f"optimizer: {kind.name} has no hyperparameter {shown(unknown[0])}; its "
                             f"hyperparameters are {', '.join(expected)}")
        absent = [key for key in expected if key not in hyper]
        if absent:  # a file names them all: the defaults may change between releases
            raise ValueError(f"optimizer: {kind.name}'s hyperparameters lack {', '.join(absent)}")
        optimizer = kind(**hyper)
        t = _count("optimizer: t", data["t"], 0)
        n = data["n_parameters"]
        state = data["state"]
        if not isinstance(state, Mapping):
            raise ValueError(f"optimizer: state must be named arrays, got {shown(state)}")
        if n is None:
            if t or state:
                raise ValueError("optimizer: a record with no n_parameters can have no steps and no state")
            if n_parameters is not None:
                raise ValueError(f"optimizer: the record has no state; the network has {n_parameters} parameters")
            return optimizer
        n = _count("optimizer: n_parameters", n, 1)
        if n_parameters is not None and n != n_parameters:
            raise ValueError(f"optimizer: the state is for {n} parameters; the network has {n_parameters}")
        if set(state) != set(optimizer.state_names):
            keeps, has = ", ".join(optimizer.state_names) or "no arrays", ", ".join(map(str, state)) or "none"
            raise ValueError(f"optimizer: {optimizer!r} keeps {keeps}; the record has {has}")
        optimizer.bind(n)
        for name, live in optimizer.state().items():
            live[...] = _state_array(name, state[name], n, nonnegative=name in optimizer._squares)
        optimizer._t = t
        return optimizer


def _state_array(name: str, value: Any, n: int, nonnegative: bool) -> np.ndarray:
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
        raise ValueError(f"optimizer: state {name} must be an array of floats, got {shown(value)}")
    if value.shape != (n,):
        raise ValueError(f"optimizer: state {name} has shape {value.shape}; expected ({n},)")
    if not np.isfinite(value).all():
        raise ValueError(f"optimizer: state {name} contains NaN or infinity")
    if nonnegative and (value < 0).any():
        raise ValueError(f"optimizer: state {name} averages squares, so it cannot be negative")
    return value


class SGD(Optimizer):
    """Gradient descent, with momentum when μ > 0 (``torch.optim.SGD``, dampening 0).

    The velocity v is the sum of past gradients, each decayed by μ per step: v ← μ·v + g, θ ← θ − η·v.
    Nesterov's variant steps along the gradient plus the velocity it is about to have: after the same
    v ← μ·v + g, θ ← θ − η·(g + μ·v). Without momentum the step is η·g: the one multiply of the plain
    update, bit for bit.
    """

    name = "sgd"

    def __init__(self, momentum: float = 0.0, nesterov: bool = False):
        super().__init__()
        self._momentum = _fraction("momentum", momentum)
        if not isinstance(nesterov, (bool, np.bool_)):
            raise ValueError(f"nesterov must be True or False, got {shown(nesterov)}")
        self._nesterov = bool(nesterov)
        if self._nesterov and self._momentum == 0.0:
            raise ValueError("nesterov needs momentum > 0: its look-ahead follows the velocity, which only "
                             "momentum keeps")
        self._mu = np.array(self._momentum)  # 0-d: NumPy takes it faster than a float in small ufuncs
        self._v: np.ndarray | None = None

    momentum = property(lambda self: self._momentum, doc="μ, in [0, 1)")
    nesterov = property(lambda self: self._nesterov)

    @property
    def formula(self) -> str:
        if not self._momentum:
            return "θ ← θ − η·g"
        return "v ← μ·v + g;  θ ← θ − η·" + ("(g + μ·v)" if self._nesterov else "v")

    @property
    def state_names(self) -> tuple[str, ...]:
        return ("v",) if self._momentum else ()

    def hyperparameters(self) -> dict[str, Any]:
        return {"momentum": self._momentum, "nesterov": self._nesterov}

    def _allocate(self, n: int) -> None:
        self._v = np.zeros(n) if self._momentum else None

    def state(self) -> dict[str, np.ndarray]:
        return {} if self._v is None else {"v": self._v}

    def step(self, grad, lr, out):
        if not self._momentum:
            self._t += 1
            return np.multiply(grad, lr, out)  # Δ = η·g
        v = self._v
        if v is None:
            raise self._unbound()
        self._t += 1
        np.multiply(v, self._mu, v)
        np.add(v, grad, v)  # v ← μ·v + g
        if self._nesterov:
            np.multiply(v, self._mu, out)
            np.add(out, grad, out)
            return np.multiply(out, lr, out)  # Δ = η·(g + μ·v)
        return np.multiply(v, lr, out)  # Δ = η·v

    def _explain(self, before, g, lr, t):
        if not self._momentum:
            delta = g * lr
            return [UpdateLine("Δ", "Δ = η·g", f"Δ = {_factor(lr)}·{_factor(g)} = {_number(delta)}", delta)]
        mu, v0 = self._momentum, before["v"]
        v = v0 * mu + g
        lines = [UpdateLine("v", "v ← μ·v + g", f"v = {_factor(mu)}·{_factor(v0)} + {_factor(g)} = {_number(v)}", v)]
        if self._nesterov:
            delta = (v * mu + g) * lr
            lines.append(UpdateLine("Δ", "Δ = η·(g + μ·v)", f"Δ = {_factor(lr)}·({_factor(g)} + {_factor(mu)}·"
                                    f"{_factor(v)}) = {_number(delta)}", delta))
        else:
            delta = v * lr
            lines.append(UpdateLine("Δ", "Δ = η·v", f"Δ = {_factor(lr)}·{_factor(v)} = {_number(delta)}", delta))
        return lines


class RMSProp(Optimizer):
    """Steps scaled per parameter by the root of a running mean of squared gradients
    (``torch.optim.RMSprop`` with ``alpha`` = ρ): a parameter whose gradient is always large takes
    steps no larger than one whose gradient is small. s ← ρ·s + (1 − ρ)·g², θ ← θ − η·g/(√s + ε)."""

    name = "rmsprop"
    formula = "s ← ρ·s + (1 − ρ)·g²;  θ ← θ − η·g/(√s + ε)"
    state_names = ("s",)
    _squares = ("s",)

    def __init__(self, rho: float = 0.9, eps: float = 1e-8):
        super().__init__()
        self._rho_value, self._eps_value = _fraction("rho", rho), _eps(eps)
        self._rho, self._one_minus_rho = np.array(self._rho_value), np.array(1.0 - self._rho_value)
        self._eps = np.array(self._eps_value)
        self._s: np.ndarray | None = None

    rho = property(lambda self: self._rho_value, doc="ρ, in [0, 1)")
    eps = property(lambda self: self._eps_value, doc="ε ≥ 0")

    def hyperparameters(self) -> dict[str, Any]:
        return {"rho": self._rho_value, "eps": self._eps_value}

    def _allocate(self, n: int) -> None:
        self._s = np.zeros(n)

    def state(self) -> dict[str, np.ndarray]:
        return {} if self._s is None else {"s": self._s}

    def step(self, grad, lr, out):
        s = self._s
        if s is None:
            raise self._unbound()
        self._t += 1
        np.multiply(grad, grad, out)  # out serves as scratch until the last line
        np.multiply(out, self._one_minus_rho, out)
        np.multiply(s, self._rho, s)
        np.add(s, out, s)  # s ← ρ·s + (1 − ρ)·g²
        np.sqrt(s, out)
        np.add(out, self._eps, out)
        np.divide(grad, out, out)
        return np.multiply(out, lr, out)  # Δ = η·g/(√s + ε)

    def _explain(self, before, g, lr, t):
        rho, one_minus_rho, eps, s0 = self._rho_value, float(self._one_minus_rho), self._eps_value, before["s"]
        s = s0 * rho + (g * g) * one_minus_rho
        delta = (g / (math.sqrt(s) + eps)) * lr
        return [
            UpdateLine("s", "s ← ρ·s + (1 − ρ)·g²", f"s = {_factor(rho)}·{_factor(s0)} + {_factor(one_minus_rho)}·"
                       f"{_factor(g)}² = {_number(s)}", s),
            UpdateLine("Δ", "Δ = η·g/(√s + ε)", f"Δ = {_factor(lr)}·{_factor(g)}/(√{_factor(s)} + {_number(eps)}) "
                       f"= {_number(delta)}", delta),
        ]


class Adam(Optimizer):
    """Momentum and RMSProp together, each average corrected for starting at zero (``torch.optim.Adam``).

    m ← β₁·m + (1 − β₁)·g and v ← β₂·v + (1 − β₂)·g² average the gradient and its square; early on
    they lean towards their zero start, so the step uses m̂ = m/(1 − β₁ᵗ) and v̂ = v/(1 − β₂ᵗ):
    θ ← θ − η·m̂/(√v̂ + ε). scikit-learn's ``AdamOptimizer`` adds ε to √v instead of √v̂, which is
    this rule with ε·√(1 − β₂ᵗ) in place of ε: the two agree exactly only when that is accounted for
    (or ε = 0).
    """

    name = "adam"
    formula = "m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  m̂ = m/(1 − β₁ᵗ);  v̂ = v/(1 − β₂ᵗ);  " \
              "θ ← θ − η·m̂/(√v̂ + ε)"
    state_names = ("m", "v")
    _squares = ("v",)

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__()
        self._beta1, self._beta2 = _fraction("beta1", beta1), _fraction("beta2", beta2)
        self._eps_value = _eps(eps)
        self._b1, self._b2 = np.array(self._beta1), np.array(self._beta2)
        self._c1, self._c2 = np.array(1.0 - self._beta1), np.array(1.0 - self._beta2)
        self._eps = np.array(self._eps_value)
        self._m: np.ndarray | None = None
        self._v: np.ndarray | None = None
        self._scratch: np.ndarray | None = None

    beta1 = property(lambda self: self._beta1, doc="β₁, in [0, 1)")
    beta2 = property(lambda self: self._beta2, doc="β₂, in [0, 1)")
    eps = property(lambda self: self._eps_value, doc="ε ≥ 0")

    def hyperparameters(self) -> dict[str, Any]:
        return {"beta1": self._beta1, "beta2": self._beta2, "eps": self._eps_value}

    def _allocate(self, n: int) -> None:
        self._m, self._v, self._scratch = np.zeros(n), np.zeros(n), np.zeros(n)

    def state(self) -> dict[str, np.ndarray]:
        return {} if self._m is None else {"m": self._m, "v": self._v}

    def _corrections(self, t: int) -> tuple[float, float]:
        return 1.0 - self._beta1 ** t, 1.0 - self._beta2 ** t

    def step(self, grad, lr, out):
        m, v, scratch = self._m, self._v, self._scratch
        if m is None:
            raise self._unbound()
        self._t += 1
        np.multiply(grad, self._c1, scratch)
        np.multiply(m, self._b1, m)
        np.add(m, scratch, m)  # m ← β₁·m + (1 − β₁)·g
        np.multiply(grad, grad, scratch)
        np.multiply(scratch, self._c2, scratch)
        np.multiply(v, self._b2, v)
        np.add(v, scratch, v)  # v ← β₂·v + (1 − β₂)·g²
        correction1, correction2 = self._corrections(self._t)
        np.divide(m, correction1, out)  # m̂
        np.divide(v, correction2, scratch)  # v̂
        np.sqrt(scratch, scratch)
        np.add(scratch, self._eps, scratch)
        np.divide(out, scratch, out)
        return np.multiply(out, lr, out)  # Δ = η·m̂/(√v̂ + ε)

    def derived(self) -> dict[str, np.ndarray]:
        """m̂ and v̂ of the latest step, computed as :meth:`step` did (empty before a first step)."""
        if self._m is None or self._t == 0:
            return {}
        correction1, correction2 = self._corrections(self._t)
        return {"m̂": self._m / correction1, "v̂": self._v / correction2}

    def _explain(self, before, g, lr, t):
        b1, b2, c1, c2, eps = self._beta1, self._beta2, float(self._c1), float(self._c2), self._eps_value
        m0, v0 = before["m"], before["v"]
        m = m0 * b1 + g * c1
        v = v0 * b2 + (g * g) * c2
        correction1, correction2 = self._corrections(t)
        m_hat, v_hat = m / correction1, v / correction2
        delta = (m_hat / (math.sqrt(v_hat) + eps)) * lr
        return [
            UpdateLine("m", "m ← β₁·m + (1 − β₁)·g",
                       f"m = {_factor(b1)}·{_factor(m0)} + {_factor(c1)}·{_factor(g)} = {_number(m)}", m),
            UpdateLine("v", "v ← β₂·v + (1 − β₂)·g²",
                       f"v = {_factor(b2)}·{_factor(v0)} + {_factor(c2)}·{_factor(g)}² = {_number(v)}", v),
            UpdateLine("m̂", "m̂ = m/(1 − β₁ᵗ)",
                       f"m̂ = {_factor(m)}/(1 − {_power(b1, t)}) = {_number(m_hat)}", m_hat),
            UpdateLine("v̂", "v̂ = v/(1 − β₂ᵗ)",
                       f"v̂ = {_factor(v)}/(1 − {_power(b2, t)}) = {_number(v_hat)}", v_hat),
            UpdateLine("Δ", "Δ = η·m̂/(√v̂ + ε)", f"Δ = {_factor(lr)}·{_factor(m_hat)}/(√{_factor(v_hat)} + "
                       f"{_number(eps)}) = {_number(delta)}", delta),
        ]


OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, RMSProp, Adam)}


def make_optimizer(spec: Optimizer | str, **hyperparameters: Any) -> Optimizer:
    """An optimizer from an instance (returned as is, state and all) or a name in :data:`OPTIMIZERS`
    with any of its hyperparameters (the others take their defaults): ``make_optimizer("adam", beta1=0.8)``."""
    if isinstance(spec, Optimizer):
        if hyperparameters:
            raise ValueError(f"{spec!r} is already made: give its hyperparameters to its constructor")
        return spec
    kind = by_name(OPTIMIZERS, spec, "optimizer")
    known = kind().hyperparameters()
    unknown = [key for key in hyperparameters if key not in known]
    if unknown:
        raise ValueError(f"{kind.name} has no hyperparameter {shown(unknown[0])}; its hyperparameters are "
                         f"{', '.join(known)}")
    return kind(**hyperparameters)
