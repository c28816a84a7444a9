"""From token attributions to nucleotide attributions.

Each token's attribution is spread evenly over the nucleotides it covers, and a
nucleotide adds up the shares of every token covering it. For tokenizers that tile the
read (char, BPE, unigram, WordPiece, non-overlapping k-mers, structure tokenizers)
the nucleotide attributions of a token sum to the token's attribution. For overlapping
k-mers (stride 1), a nucleotide inside the read is covered by k tokens and so gets the
*mean* of their attributions (sum of ``a/k`` over k tokens); the first and last k-1
nucleotides are covered by fewer tokens and get correspondingly less. Either way the
nucleotide attributions of a read add up to the sum of its token attributions.

Nucleotides that no kept token covers (cut by truncation, or a primer the tokenizer
strips) get NaN: the model never saw them.

>>> spread([(0, 2), (2, 3)], [1.0, 0.5], 4).tolist()
[0.5, 0.5, 0.5, nan]
>>> spread([(0, 3), (1, 4), (2, 5)], [3.0, 6.0, 3.0], 5).tolist()
[1.0, 3.0, 4.0, 3.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def spread(spans: Sequence[tuple[int, int]], token_attr: Sequence[float], length: int) -> np.ndarray:
    """Nucleotide attributions of a read of ``length`` nt from its token spans."""
    out = np.zeros(length)
    seen = np.zeros(length, dtype=bool)
    for (s, e), a in zip(spans, token_attr):
        if e > s:
            out[s:e] += a / (e - s)
            seen[s:e] = True
    out[~seen] = np.nan
    return out


def window_sums(attr: np.ndarray, width: int) -> np.ndarray:
    """Sum of ``attr`` over every window of ``width`` (NaN counted as 0).

    >>> window_sums(np.array([1.0, np.nan, 2.0, 3.0]), 2).tolist()
    [1.0, 2.0, 5.0]
    """
    a = np.nan_to_num(attr, nan=0.0)
    if len(a) < width:
        return np.zeros(0)
    c = np.concatenate([[0.0], np.cumsum(a)])
    return c[width:] - c[:-width]


def top_windows(attr: np.ndarray, width: int, n: int = 1) -> list[tuple[int, float]]:
    """Up to ``n`` non-overlapping windows with the largest positive sums: (start, sum).

    >>> top_windows(np.array([0, 1, 1, 0, 0, 2, 2, 0.0]), 2, n=3)
    [(5, 4.0), (1, 2.0)]
    """
    sums = window_sums(attr, width)
    taken = np.zeros(len(sums), dtype=bool)
    out: list[tuple[int, float]] = []
    while len(out) < n and len(sums):
        cand = np.where(taken, -np.inf, sums)
        i = int(np.argmax(cand))
        if not cand[i] > 0:
            break
        out.append((i, float(sums[i])))
        taken[max(0, i - width + 1):i + width] = True
    return out
