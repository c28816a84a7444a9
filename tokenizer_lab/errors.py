"""Errors of the tokenizer lab a user can act on (all are :class:`labkit.errors.LabError`).

>>> from labkit.errors import LabError
>>> issubclass(TokenizerError, LabError)
True
"""

from __future__ import annotations

from labkit.errors import LabError


class TokenizerError(LabError):
    """A bad tokenizer spec, an unusable corpus, or a missing/damaged/foreign tokenizer directory."""


__all__ = ["TokenizerError"]
