"""Typed reading of saved settings: a JSON object back into a frozen dataclass.

Settings files travel with models and tokenizers (``lab.json``, ``training_config.json``).
A field of the wrong type must be one line naming the file and the field, not a
``TypeError`` deep inside the code that later uses it.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class C:
...     n: int = 1
...     name: str | None = None
>>> from_saved(C, {"n": 2}, "c.json")
C(n=2, name=None)
>>> from_saved(C, {"n": "2"}, "c.json")
Traceback (most recent call last):
labkit.errors.LabError: c.json: field 'n' is str ('2'); expected int
>>> from_saved(C, [1], "c.json")
Traceback (most recent call last):
labkit.errors.LabError: c.json: holds list; expected an object with the fields of C
"""

from __future__ import annotations

import dataclasses
import types
import typing

from .errors import LabError


def field_type(cls, name: str) -> tuple[type, bool]:
    """The field's type without ``| None`` (int, float, str, bool...), and whether None is allowed."""
    hint = typing.get_type_hints(cls)[name]
    optional = False
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = typing.get_args(hint)
        optional = type(None) in args
        args = [a for a in args if a is not type(None)]
        hint = args[0] if len(args) == 1 else str
    return hint, optional


def _fits(value, kind) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind in (str, dict, list):
        return isinstance(value, kind)
    return True  # a type this check does not know: left to __post_init__


def from_saved(cls, data, where: str, *, unknown: str = "ignore", error: type = LabError):
    """``cls(**data)`` after checking each field's type; LabError naming ``where`` and the
    field otherwise (also for a ValueError of ``__post_init__``), or the package's own
    ``error`` class. Keys that are not fields are ignored (a newer version's), or refused
    with ``unknown="error"``."""
    if not isinstance(data, dict):
        raise error(f"{where}: holds {type(data).__name__}; expected an object with the "
                       f"fields of {cls.__name__}")
    names = {f.name for f in dataclasses.fields(cls)}
    extra = sorted(set(data) - names)
    if extra and unknown == "error":
        raise error(f"{where}: unknown field {extra[0]!r}; expected some of {sorted(names)}")
    values = {k: v for k, v in data.items() if k in names}
    hints = typing.get_type_hints(cls)
    for name, value in values.items():
        hint = hints[name]
        union = isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union
        kinds = [a for a in (typing.get_args(hint) if union else (hint,)) if a is not type(None)]
        optional = union and type(None) in typing.get_args(hint)
        if value is None and optional:
            continue
        if not any(_fits(value, k) for k in kinds):
            names = " or ".join(getattr(k, "__name__", str(k)) for k in kinds)
            raise error(f"{where}: field {name!r} is {type(value).__name__} ({value!r:.40}); "
                        f"expected {names}" + (" or null" if optional else ""))
    try:
        return cls(**values)
    except (ValueError, TypeError) as exc:
        raise error(f"{where}: {exc}") from None
