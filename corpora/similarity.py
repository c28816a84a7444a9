"""Which sequences are near-identical: seed index, edit-distance check, clusters.

Two sequences are *similar* when their distance (Levenshtein edit distance, or
Hamming distance for equal lengths) is at most ``floor((1 - identity) * L)``
where ``L`` is the longer length. Comparing all pairs is quadratic, so pairs
are found by the pigeonhole principle: cut the longer sequence ``A`` into
``d + 1`` pieces; if ``B`` is within ``d`` edits, one piece occurs unchanged in
``B``, shifted by at most ``d``. An index of pieces by (length of A, start,
text) gives candidate pairs, and rapidfuzz's exact distance keeps the true ones.
No similar pair is missed; 50,000 aptamers take seconds.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Sequence

from rapidfuzz.distance import Hamming, Levenshtein

DISTANCES = ("edit", "hamming")


def max_distance(length: int, identity: float) -> int:
    """Edits allowed between a sequence of this length and a shorter one.

    >>> max_distance(40, 0.9), max_distance(20, 0.9), max_distance(9, 0.9)
    (4, 2, 0)
    """
    return math.floor((1.0 - identity) * length + 1e-9)


def _check(identity: float, metric: str) -> None:
    if not 0.5 <= identity <= 1.0:
        raise ValueError(f"identity must be between 0.5 and 1.0 (e.g. 0.9), got {identity}")
    if metric not in DISTANCES:
        raise ValueError(f"metric must be one of {DISTANCES}, got {metric!r}")


def _pieces(length: int, d: int) -> list[tuple[int, int]]:
    """(start, length) of the ``d + 1`` nearly equal pieces of a sequence.

    >>> _pieces(10, 2)
    [(0, 4), (4, 3), (7, 3)]
    """
    q, r = divmod(length, d + 1)
    out, start = [], 0
    for i in range(d + 1):
        size = q + (1 if i < r else 0)
        out.append((start, size))
        start += size
    return out


def similar_pairs(seqs: Sequence[str], identity: float = 0.9,
                  metric: str = "edit") -> Iterator[tuple[int, int]]:
    """Yield index pairs ``(i, j)``, ``i < j``, of similar sequences.

    Exact copies are always similar. Each pair is yielded once.

    >>> seqs = ["ACGTACGTAC", "ACGTACGTAA", "TTTTGGGGCC", "ACGTACGTAC", "CGTACGTAC"]
    >>> sorted(similar_pairs(seqs, identity=0.9))
    [(0, 1), (0, 3), (0, 4), (1, 3), (3, 4)]
    >>> sorted(similar_pairs(seqs, identity=0.9, metric="hamming"))
    [(0, 1), (0, 3), (1, 3)]
    """
    _check(identity, metric)
    uniq, which = distinct(seqs)
    copies: list[list[int]] = [[] for _ in uniq]
    for i, u in enumerate(which):
        copies[u].append(i)
    for group in copies:
        for a in range(len(group)):
            for b in range(a + 1, len(group)):
                yield group[a], group[b]
    if identity >= 1.0:
        return
    for u, v in _distinct_pairs(uniq, identity, metric):
        for i in copies[u]:
            for j in copies[v]:
                yield (i, j) if i < j else (j, i)


def distinct(seqs: Sequence[str]) -> tuple[list[str], list[int]]:
    """The distinct sequences in order of first appearance, and each input's index among them.

    >>> distinct(["AC", "GG", "AC"])
    (['AC', 'GG'], [0, 1, 0])
    """
    index: dict[str, int] = {}
    which = [index.setdefault(s, len(index)) for s in seqs]
    return list(index), which


def distinct_pairs(uniq: Sequence[str], identity: float = 0.9,
                   metric: str = "edit") -> Iterator[tuple[int, int]]:
    """Similar pairs ``(u, v)``, ``u < v``, among sequences that are all different.

    Cheaper than :func:`similar_pairs` on reads with many copies: copies are
    handled once (see :func:`distinct`).

    >>> sorted(distinct_pairs(["ACGTACGTAC", "ACGTACGTAA", "TTTTGGGGCC"]))
    [(0, 1)]
    """
    _check(identity, metric)
    if identity >= 1.0:
        return iter(())
    return _distinct_pairs(list(uniq), identity, metric)


_LONG_PIECE = 8  # pieces this long are looked up anywhere in B (few chance hits)


def _distinct_pairs(uniq: list[str], identity: float, metric: str) -> Iterator[tuple[int, int]]:
    """Similar pairs among distinct sequences (the seed index and the check).

    Short pieces (few edits allowed, as in 20-40 nt SELEX reads) are keyed by
    (length of A, start, text) and looked up at the ``2d + 1`` shifts only; long
    pieces (long sequences, many edits allowed) are keyed by text and looked up
    at every position of B, then filtered by shift. Candidates are checked in
    one rapidfuzz call per query.
    """
    import numpy as np
    from rapidfuzz.process import cdist

    short: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    long: dict[str, list[tuple[int, int]]] = defaultdict(list)
    short_lengths: set[int] = set()
    long_sizes: set[int] = set()
    lens = np.array([len(s) for s in uniq], dtype=np.int64)
    texts = np.array(uniq, dtype=object)
    dmax = np.array([max_distance(n, identity) for n in lens], dtype=np.int64)
    for k, s in enumerate(uniq):
        d = int(dmax[k])
        if d == 0:
            continue  # only identical sequences, handled by the caller
        pieces = _pieces(len(s), d)
        if metric == "edit" and pieces[-1][1] >= _LONG_PIECE:
            for start, size in pieces:
                long[s[start:start + size]].append((k, start))
                long_sizes.add(size)
        else:
            short_lengths.add(len(s))
            for start, size in pieces:
                short[(len(s), start, s[start:start + size])].append(k)
    layouts = {n: (max_distance(n, identity), _pieces(n, max_distance(n, identity)))
               for n in short_lengths}
    by_len = sorted(short_lengths)
    scorer = Hamming.distance if metric == "hamming" else Levenshtein.distance
    sizes = sorted(long_sizes)
    for b, sb in enumerate(uniq):
        nb = len(sb)
        found: set[int] = set()
        for na in by_len[bisect_left(by_len, nb):]:
            d, pieces = layouts[na]
            if na - nb > d or (metric == "hamming" and na != nb):
                break  # longer ones are further away still
            shifts = (0,) if metric == "hamming" else range(-d, d + 1)
            for start, size in pieces:
                for shift in shifts:
                    p = start + shift
                    if 0 <= p and p + size <= nb:
                        hits = short.get((na, start, sb[p:p + size]))
                        if hits:
                            found.update(hits)
        for size in sizes:
            for p in range(nb - size + 1):
                hits = long.get(sb[p:p + size])
                if hits:
                    for a, start in hits:
                        if abs(p - start) <= dmax[a] and 0 <= lens[a] - nb <= dmax[a]:
                            found.add(a)
        if not found:
            continue
        cand = np.fromiter(found, dtype=np.int64, count=len(found))
        la = lens[cand]
        cand = cand[(la > nb) | ((la == nb) & (cand > b))]  # each pair once, from its shorter side
        if not cand.size:
            continue
        allowed = dmax[cand]
        dists = cdist([sb], texts[cand].tolist(), scorer=scorer,
                      score_cutoff=int(allowed.max()), dtype=np.int32)[0]
        for a in cand[dists <= allowed].tolist():
            yield (a, b) if a < b else (b, a)


def cluster(seqs: Sequence[str], identity: float = 0.9, metric: str = "edit") -> list[int]:
    """Cluster id of each sequence: connected groups of similar sequences.

    Ids count from 0 in order of first appearance, so the result is the same
    for the same input whatever the hash seed.

    >>> cluster(["ACGTACGTAC", "TTTTGGGGCC", "ACGTACGTAA", "ACGTACGAAA", "GGGG"], 0.9)
    [0, 1, 0, 0, 2]
    """
    uniq, which = distinct(seqs)
    parent = list(range(len(uniq)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in distinct_pairs(uniq, identity, metric):
        ru, rv = find(u), find(v)
        if ru != rv:
            parent[max(ru, rv)] = min(ru, rv)
    ids: dict[int, int] = {}
    return [ids.setdefault(find(u), len(ids)) for u in which]
