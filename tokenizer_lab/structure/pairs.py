"""Base pairs of a read as sparse lists: the MFE pairs, or ViennaRNA's pair probabilities.

A pair list is three arrays ``(i, j, p)``: 0-based positions with ``i < j`` and the
pair's weight (1 for an MFE pair, the equilibrium probability otherwise). Only pairs
with ``p >= BPP_CUTOFF`` are kept, so a 770-nt read holds a few thousand entries, not
a 770 x 770 matrix.

Probabilities are cached beside the folds (:class:`FoldCache`, table ``bpp``) as plain
little-endian arrays (``uint16`` i, ``uint16`` j, ``float32`` p), never pickled.

>>> i, j, p = mfe_pairs("((.))")
>>> i.tolist(), j.tolist(), p.tolist()
([0, 1], [4, 3], [1.0, 1.0])
>>> i, j, p = unpack(pack(*mfe_pairs("((.))")))
>>> i.tolist(), j.tolist()
([0, 1], [4, 3])
>>> i, j, p = bpp_pairs(["GGGGAAACCCC"], cache=False)[0]
>>> k = p.argmax()                     # the most probable pair: G2-C10 (0-based 1, 9)
>>> (int(i[k]), int(j[k]), round(float(p[k]), 2)), bool((i < j).all())
((1, 9, 0.58), True)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import RNA

from tokenizer_lab.structure.cache import FoldCache
from tokenizer_lab.structure.elements import pair_table
from tokenizer_lab.structure.fold import FoldParams, energy_set, fold_key_string
from tokenizer_lab.structure.parallel import fold_strings_parallel

BPP_CUTOFF = 1e-3
"""Pairs less probable than this are left out (their attention bias would be ~0)."""

Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]


def mfe_pairs(structure: str) -> Pairs:
    """The pairs of a dot-bracket, weight 1."""
    pt = pair_table(structure)
    i = np.array([a for a, b in enumerate(pt) if b > a], dtype=np.int64)
    j = np.array([pt[a] for a in i], dtype=np.int64)
    return i, j, np.ones(len(i), dtype=np.float32)


def pack(i: np.ndarray, j: np.ndarray, p: np.ndarray) -> bytes:
    """The cache's blob: i, j as little-endian uint16, then p as float32."""
    return (np.asarray(i, "<u2").tobytes() + np.asarray(j, "<u2").tobytes()
            + np.asarray(p, "<f4").tobytes())


def unpack(blob: bytes) -> Pairs:
    n = len(blob) // 8
    i = np.frombuffer(blob, "<u2", n, 0).astype(np.int64)
    j = np.frombuffer(blob, "<u2", n, 2 * n).astype(np.int64)
    return i, j, np.frombuffer(blob, "<f4", n, 4 * n).astype(np.float32)


def bpp_strings(strings: Sequence[str], params: FoldParams) -> list[bytes]:
    """Pair probabilities of each string (the partition function, scaled by its MFE), packed."""
    md = params.model_details()
    out = []
    with energy_set(params.material):
        for s in strings:
            if len(s) > 65535:
                raise ValueError(f"a read of {len(s)} nt is too long for pair probabilities (65535 at most)")
            fc = RNA.fold_compound(s, md)
            _, mfe = fc.mfe()
            fc.exp_params_rescale(mfe)
            fc.pf()
            entries = [(e.i - 1, e.j - 1, e.p) for e in fc.plist_from_probs(BPP_CUTOFF)
                       if e.p >= BPP_CUTOFF]
            arr = np.array(entries, dtype=np.float64).reshape(-1, 3)
            out.append(pack(arr[:, 0], arr[:, 1], arr[:, 2]))
    return out


def _bpp_key(params: FoldParams) -> str:
    return f"{params.energy_key()};bpp>={BPP_CUTOFF}"


def bpp_pairs(seqs: Sequence[str], params: FoldParams | None = None, *,
              cache: FoldCache | None | bool = True, workers: int | None = None) -> list[Pairs]:
    """Pair probabilities of each read (positions in the read), cached, misses folded on
    ``workers`` cores. Primers left out of folding (``include_primers=False``) pair with
    nothing."""
    params = params or FoldParams()
    keys = [fold_key_string(s, params) for s in seqs]
    distinct = list(dict.fromkeys(k for k in keys if k))
    store = FoldCache() if cache is True else (cache if isinstance(cache, FoldCache) else None)
    key = _bpp_key(params)
    known = store.get_blobs(distinct, key) if store is not None else {}
    missing = [k for k in distinct if k not in known]
    if missing:
        new = dict(zip(missing, fold_strings_parallel(missing, params, workers,
                                                      desc="pair probabilities", work=bpp_strings)))
        if store is not None:
            store.put_blobs(list(new.items()), key)
        known.update(new)
    known[""] = b""
    out = []
    for s, k in zip(seqs, keys):
        i, j, p = unpack(known[k])
        start = params.folded_region(s)[0]
        out.append((i + start, j + start, p))
    return out
