"""The registry of tokenization algorithms: :func:`register`, :func:`get`, :func:`names`.

Below every algorithm module (each imports :func:`register` from here), so no
algorithm module imports the package that imports it.
"""

from __future__ import annotations

import importlib
import logging

from ..errors import TokenizerError
from .base import Algorithm

log = logging.getLogger(__name__)
_REGISTRY: dict[str, type[Algorithm]] = {}
_PLUGIN_PACKAGES = ("tokenizer_lab.structure",)


def register(cls: type[Algorithm]) -> type[Algorithm]:
    """Class decorator: make ``cls`` trainable as ``TokenizerSpec(algorithm=cls.name)``."""
    if not getattr(cls, "name", None):
        raise ValueError(f"{cls.__name__} needs a class attribute 'name'")
    other = _REGISTRY.get(cls.name)
    if other is not None and other is not cls and other.__qualname__ != cls.__qualname__:
        raise ValueError(f"algorithm {cls.name!r} is already registered by {other.__module__}")
    _REGISTRY[cls.name] = cls
    return cls


def _load_plugins() -> None:
    for pkg in _PLUGIN_PACKAGES:
        try:
            importlib.import_module(pkg)
        except ModuleNotFoundError as exc:
            if exc.name is None or not pkg.startswith(exc.name):
                raise
            log.debug("no plug-in package %s", pkg)


def names() -> list[str]:
    """Every registered algorithm name (plug-ins included)."""
    _load_plugins()
    return sorted(_REGISTRY)


def get(name: str) -> Algorithm:
    """A fresh instance of the algorithm called ``name``; TokenizerError if unknown."""
    if name not in _REGISTRY:
        _load_plugins()
    if name not in _REGISTRY:
        raise TokenizerError(f"unknown algorithm {name!r}; expected one of {', '.join(names())}")
    return _REGISTRY[name]()
