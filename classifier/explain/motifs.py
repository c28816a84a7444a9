"""Motifs from attributions: high-attribution windows, clustered, aligned, counted.

For the sequences explained for one class, each contributes its best window(s) of
``window`` nucleotides (largest positive attribution sum, :func:`top_windows`).
Clustering is greedy: the seed is the window that recruits the most others, a window
joins when it aligns to the seed, shifted by at most ``flank`` nucleotides, with at
most ``max_mismatches`` mismatches over the seed's ``window`` columns; the members
are removed and the next seed is chosen among the rest. Each cluster becomes a
position count matrix over the aligned windows plus ``flank`` nucleotides on each side
(columns off the read end are not counted), trimmed at both ends to the columns
that carry at least ``MIN_BITS`` of information (small-sample corrected); its consensus is the most frequent
letter of each kept column. Motifs are ranked by total attribution (support x mean).

>>> seqs = ["AAGGATCCAA", "CGGATCCGTT", "TTTGGATCCG", "GCATGCATGC"]
>>> windows = [(0, 2, 1.0), (1, 1, 1.0), (2, 3, 1.0), (3, 0, 0.1)]
>>> m = cluster_windows(seqs, windows, width=6, flank=1, max_mismatches=1, min_support=2,
...                     letters="ACGT")
>>> m[0]["consensus"], m[0]["support"]
('GGATCC', 3)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ALPHABET = "ACGU"
_CODE = {c: i for i, c in enumerate(ALPHABET)} | {"T": 3}
MIN_BITS = 0.5
SEED_CANDIDATES = 64  # seeds tried per cluster (the windows with the largest attributions)


def _encode(seq: str, start: int, length: int) -> np.ndarray:
    """Letters of ``seq[start:start+length]`` as 0-3, -1 outside the read or ambiguous."""
    out = np.full(length, -1, dtype=np.int8)
    for k in range(length):
        p = start + k
        if 0 <= p < len(seq):
            out[k] = _CODE.get(seq[p], -1)
    return out


def _best_shift(ext: np.ndarray, seed_core: np.ndarray, width: int, flank: int) -> tuple[np.ndarray, np.ndarray]:
    """(mismatches, shift) of every extended window against the seed's core, best shift each."""
    shifts = np.arange(-flank, flank + 1)
    mm = np.stack([((ext[:, flank + d:flank + d + width] != seed_core) |
                    (ext[:, flank + d:flank + d + width] < 0)).sum(1) for d in shifts], 1)
    order = np.argsort(np.abs(shifts), kind="stable")  # ties: the smallest shift wins
    best = order[np.argmin(mm[:, order], axis=1)]
    return mm[np.arange(len(ext)), best], shifts[best]


def information(counts: np.ndarray, small_sample: bool = False) -> np.ndarray:
    """Bits per column of a (columns, 4) count matrix; ``small_sample`` subtracts
    Schneider's correction 3 / (2 ln 2 n), so that a few random letters do not look
    conserved.

    >>> information(np.array([[4, 0, 0, 0], [1, 1, 1, 1]])).round(2).tolist()
    [2.0, 0.0]
    >>> information(np.array([[4, 0, 0, 0]]), small_sample=True).round(2).tolist()
    [1.46]
    """
    n = counts.sum(1, keepdims=True)
    p = np.divide(counts, n, out=np.zeros(counts.shape), where=n > 0)
    h = -(np.where(p > 0, p * np.log2(np.where(p > 0, p, 1)), 0)).sum(1)
    bits = 2.0 - h
    if small_sample:
        bits = bits - 3 / (2 * np.log(2) * np.maximum(n[:, 0], 1))
    return np.where(n[:, 0] > 0, bits, 0.0)


def cluster_windows(seqs: Sequence[str], windows: Sequence[tuple[int, int, float]], width: int,
                    flank: int, max_mismatches: int, min_support: int = 1,
                    max_motifs: int | None = None, letters: str = "ACGU") -> list[dict]:
    """Motifs from ``(sequence index, start, attribution)`` windows; see the module doc.

    Each motif: ``consensus``, ``counts`` (columns x ACGU), ``support`` (sequences),
    ``windows``, ``mean_attribution``, ``total_attribution``, ``members`` (sequence
    index, start, end of the trimmed motif in that read, attribution). ``letters``
    spells the consensus (``"ACGT"`` for DNA reads).
    """
    if not windows:
        return []
    span = width + 2 * flank
    idx = np.array([w[0] for w in windows])
    starts = np.array([w[1] for w in windows])
    score = np.array([w[2] for w in windows], dtype=float)
    ext = np.stack([_encode(seqs[i], s - 2 * flank, width + 4 * flank) for i, s in zip(idx, starts)])
    # ext holds each window with 2*flank on each side: shifted by d, its flank-wide view is
    # ext[:, flank+d : flank+d+span] and its core ext[:, 2*flank+d : 2*flank+d+width]
    core_ext = ext[:, flank:flank + width + 2 * flank]
    free = np.ones(len(windows), dtype=bool)
    motifs: list[dict] = []
    while free.any() and (max_motifs is None or len(motifs) < max_motifs):
        cand = np.flatnonzero(free)
        seeds = cand[np.argsort(-score[cand], kind="stable")[:SEED_CANDIDATES]]
        best = None
        for s in seeds:
            mm, _ = _best_shift(core_ext[cand], ext[s, 2 * flank:2 * flank + width], width, flank)
            ok = mm <= max_mismatches
            key = (len(set(idx[cand[ok]])), score[cand[ok]].sum())
            if best is None or key > best[0]:
                best = (key, s)
        s = best[1]
        mm, shift = _best_shift(core_ext[cand], ext[s, 2 * flank:2 * flank + width], width, flank)
        members = cand[mm <= max_mismatches]
        shift = shift[mm <= max_mismatches]
        if best[0][0] < min_support:
            break  # no seed left recruits enough sequences
        free[members] = False
        motifs.append(_motif(seqs, idx[members], starts[members] + shift, score[members],
                             ext[members], shift, width, flank, span, letters))
    motifs.sort(key=lambda m: -m["total_attribution"])
    return motifs


def _motif(seqs, idx, starts, score, ext, shift, width, flank, span, letters) -> dict:
    aligned = np.stack([e[flank + d:flank + d + span] for e, d in zip(ext, shift)])
    counts = np.stack([(aligned == k).sum(0) for k in range(4)], 1)
    bits = information(counts, small_sample=True)
    keep = np.flatnonzero(bits >= MIN_BITS)
    lo, hi = (int(keep[0]), int(keep[-1]) + 1) if len(keep) else (flank, flank + width)
    counts = counts[lo:hi]
    off = lo - flank  # trimmed motif starts this many nt after the aligned window
    members = [{"seq": int(i), "start": int(s + off), "end": int(s + off + hi - lo),
                "attribution": round(float(a), 6)} for i, s, a in zip(idx, starts, score)]
    return {"consensus": "".join(letters[int(np.argmax(c))] for c in counts),
            "counts": counts.tolist(), "bits": [round(float(b), 4) for b in bits[lo:hi]],
            "support": len(set(int(i) for i in idx)), "windows": len(idx),
            "mean_attribution": round(float(score.mean()), 6),
            "total_attribution": round(float(score.sum()), 6), "members": members}
