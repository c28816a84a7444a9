"""Folds of normalised reads for the tokenizers: a memo in front of the disk cache.

A structure-aware tokenizer folds every read it encodes. :func:`structures` looks in
a memo of this process, then in the disk cache (:class:`FoldCache`, folder
``$LAB_FOLD_CACHE``; ``off`` or ``none`` turns it off), and folds what is left on all
cores.

>>> from tokenizer_lab.spec import TokenizerSpec
>>> fold_params(TokenizerSpec(algorithm="struct-bpe", alphabet="dna")).material
'dna'
>>> fold_params(TokenizerSpec(algorithm="struct-bpe", fold_temperature=25)).temperature
25.0
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from tokenizer_lab.spec import TokenizerSpec
from tokenizer_lab.structure.cache import FoldCache, default_cache_dir
from tokenizer_lab.structure.fold import FoldParams
from tokenizer_lab.structure.parallel import fold_many

MEMO_SIZE = 200_000
_MEMO: OrderedDict[tuple[str, str], str] = OrderedDict()
_CACHES: dict[str, FoldCache] = {}


def fold_params(spec: TokenizerSpec) -> FoldParams:
    """The folding parameters of a tokenizer: a function of its spec (the alphabet picks
    the energy set, ``fold_temperature`` the temperature; dangles 2, primers folded with
    the read)."""
    return FoldParams(material=spec.alphabet, temperature=float(spec.fold_temperature))


def disk_cache() -> FoldCache | None:
    """The cache in ``default_cache_dir()`` (one open connection per folder), or None."""
    d = default_cache_dir()
    if str(d).lower() in ("off", "none"):
        return None
    key = str(d)
    if key not in _CACHES:
        _CACHES[key] = FoldCache(d)
    return _CACHES[key]


def structures(seqs: Sequence[str], spec: TokenizerSpec, workers: int | None = None) -> list[str]:
    """Dot-brackets of normalised reads: memo, then disk cache, then folding on all cores."""
    params = fold_params(spec)
    ek = params.energy_key()
    found = {s: _MEMO[(ek, s)] for s in dict.fromkeys(seqs) if (ek, s) in _MEMO}
    todo = [s for s in dict.fromkeys(seqs) if s not in found]
    if todo:
        for s, r in zip(todo, fold_many(todo, params, cache=disk_cache() or False, workers=workers)):
            found[s] = _MEMO[(ek, s)] = r.structure
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    return [found[s] for s in seqs]
