"""How a message names what it was given, how it lists names, and how a name picks one of a family
(optimizers, schedules): written once so every refusal reads alike."""
from __future__ import annotations

import reprlib
from collections.abc import Mapping
from typing import Any, TypeVar

_short = reprlib.Repr()  # a value named in a message stays short, however large or nested it is
_short.maxstring, _short.maxother, _short.maxlist, _short.maxtuple, _short.maxlevel = 40, 40, 6, 6, 2

T = TypeVar("T")


def shown(value: Any) -> str:
    """``value`` as a message quotes it: repr, cut short."""
    return _short.repr(value)


def listed(names) -> str:
    """Names as a sentence says them: "a", "a and b", "a, b and c"."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def by_name(family: Mapping[str, T], name: Any, noun: str) -> T:
    """The member of ``family`` called ``name``, or a ValueError that lists the names there are."""
    member = family.get(name) if isinstance(name, str) else None
    if member is None:
        raise ValueError(f"unknown {noun} {shown(name)}; choose one of {', '.join(family)}")
    return member
