"""Tokenization algorithms as plug-ins, registered by name.

Each module defines one :class:`~tokenizer_lab.algorithms.base.Algorithm` subclass and
registers it with :func:`~tokenizer_lab.algorithms.registry.register`; the structure-aware algorithms in
``tokenizer_lab.structure`` register here too (imported lazily by :func:`get`).

>>> sorted(n for n in names() if not n.startswith(("struct", "hairpin")))
['bpe', 'char', 'kmer', 'unigram', 'wordpiece']
>>> get("kmer").name
'kmer'
"""

from __future__ import annotations

from .base import Algorithm
from .registry import get, names, register

# the built-in algorithms register themselves on import
from . import bpe, char, kmer, unigram, wordpiece  # noqa: E402,F401

__all__ = ["Algorithm", "get", "names", "register"]
