"""Checks shared by the frozen config dataclasses (no click here: see :mod:`labkit.cli`).

A field lists its allowed values once, in ``metadata["choices"]``; the command line
offers them (:func:`labkit.cli.dataclass_options`) and :func:`check_choices`, called
from ``__post_init__``, refuses anything else with a message that says what to write.

>>> from dataclasses import dataclass, field
>>> @dataclass(frozen=True)
... class C:
...     arch: str = field(default="albert", metadata={"choices": ("albert", "bert")})
...     fmt: str | None = field(default=None, metadata={"choices": ("fasta", "csv")})
...     def __post_init__(self):
...         check_choices(self)
>>> C(fmt="csv").fmt
'csv'
>>> C(arch="gpt2")
Traceback (most recent call last):
ValueError: arch must be one of ('albert', 'bert'), got 'gpt2'
"""

from __future__ import annotations

import dataclasses


def check_choices(obj) -> None:
    """Raise ValueError for a field outside its ``metadata["choices"]`` (None passes when
    it is the field's default)."""
    for f in dataclasses.fields(obj):
        choices = f.metadata.get("choices")
        value = getattr(obj, f.name)
        if choices is None or (value is None and f.default is None):
            continue
        if value not in choices:
            raise ValueError(f"{f.name} must be one of {tuple(choices)}, got {value!r}")


class SavedConfig:
    """``to_dict``/``from_dict`` for a config dataclass saved as JSON next to its results;
    ``from_dict`` ignores keys a newer version may have added.

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class C(SavedConfig):
    ...     epochs: int = 3
    >>> C.from_dict({"epochs": 5, "added_later": 1}), C().to_dict()
    (C(epochs=5), {'epochs': 3})
    """

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict):
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
