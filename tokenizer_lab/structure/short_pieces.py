"""Unigram over short element pieces: fill the vocabulary and let short pieces win.

Measured on 2,000 simulated reads cut at element boundaries (median piece 3 nt), the
unigram trainers (HF and sentencepiece alike) ask for 251 pieces and return 164 (HF) or
229 (sentencepiece), nearly all long and rare, and tokenize at 38 tokens per 40-nt
region: single letters. The cause is the unigram model itself: a piece ``xyz`` is
chosen only if p(xyz) > p(x)p(y)p(z), and with single letters making up most tokens
p(x) ~ 1/4, so a 3-mer needs more than 1/64 of all token occurrences; loops such as
GAAA never get there and are pruned.

Seeding the candidates with the trainer's pieces does not help: its long rare pieces
crowd out the short frequent ones (measured: 40.6 tokens per 40-nt region on 8,000
reads). So struct-unigram is trained by :func:`refit` alone: letters become a fallback (a fixed low score, as unknown
letters are in the plain unigram tokenizer); the candidate pieces are the substrings
of the element pieces, ranked by the tokens they save (count x (length - 1)); then a few rounds of hard EM: Viterbi segmentation of the
distinct pieces (weighted by their counts), scores = log relative frequency of use,
pieces never used replaced by the next candidates. The vocabulary is full.

>>> pieces = {"GAAA": 50, "GGC": 30, "A": 40, "CUUCGG": 5}
>>> vocab = refit(pieces, budget=8, letters="ACGU", max_len=6)
>>> segment("GAAA", dict(vocab)), segment("GGCGAAA", dict(vocab))
(['GAAA'], ['GGC', 'GAAA'])
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

ROUNDS = 6
LETTER_PENALTY = 8.0  # letters score this far below the rarest piece


def segment(text: str, scores: Mapping[str, float], max_len: int = 32) -> list[str]:
    """Viterbi: the split of ``text`` into pieces with the highest total score.

    >>> segment("ACG", {"A": -1.0, "C": -1.0, "G": -1.0, "CG": -1.5})
    ['A', 'CG']
    """
    n = len(text)
    best = [0.0] + [-math.inf] * n
    back = [0] * (n + 1)
    for end in range(1, n + 1):
        for start in range(max(0, end - max_len), end):
            s = scores.get(text[start:end])
            if s is not None and best[start] + s > best[end]:
                best[end], back[end] = best[start] + s, start
    if best[n] == -math.inf:
        raise ValueError(f"{text!r} cannot be segmented: a letter is missing from the vocabulary")
    out, end = [], n
    while end:
        out.append(text[back[end]:end])
        end = back[end]
    return out[::-1]


def _candidates(pieces: Mapping[str, int], max_len: int) -> Counter:
    """Substrings (2..max_len nt) of the pieces, weighted by the tokens they would save."""
    gain: Counter = Counter()
    for p, c in pieces.items():
        for i in range(len(p)):
            for j in range(i + 2, min(len(p), i + max_len) + 1):
                gain[p[i:j]] += c * (j - i - 1)
    return gain


def refit(pieces: Mapping[str, int], budget: int, letters: str,
          max_len: int) -> list[tuple[str, float]]:
    """(piece, score) list of at most ``budget`` entries, letters included.

    ``pieces``: distinct element pieces and their counts.
    """
    room = budget - len(letters)
    gain = _candidates(pieces, max_len)
    ranked = sorted(gain.items(), key=lambda x: (-x[1], x[0]))
    queue = [p for p, _ in ranked][::-1]  # a stack: next candidate at the end
    chosen: list[str] = []
    used: Counter = Counter()
    scores: dict[str, float] = {}
    for _ in range(ROUNDS):
        # drop pieces the last segmentation never used, refill with the next candidates
        chosen = [p for p in chosen if used[p] > 0]
        while len(chosen) < room and queue:
            chosen.append(queue.pop())
        if not scores:
            total = sum(gain[p] for p in chosen) or 1
            scores = {p: math.log(gain[p] / total) for p in chosen}
        else:
            total = sum(used.values()) or 1
            low = min(scores.values(), default=0.0)
            scores = {p: math.log(used[p] / total) if used[p] else low for p in chosen}
        floor = min(scores.values(), default=0.0) - LETTER_PENALTY
        table = dict(scores, **{c: floor for c in letters})
        used = Counter()
        for p, c in pieces.items():
            for tok in segment(p, table, max_len):
                if len(tok) > 1:
                    used[tok] += c
    # the final scores: usage of the last round; unused pieces stay, below the used ones
    total = sum(used.values()) + 0.5 * len(chosen) or 1
    scores = {p: math.log((used[p] + 0.5) / total) for p in chosen}
    floor = min(scores.values(), default=0.0) - LETTER_PENALTY
    out = sorted(scores.items(), key=lambda x: (-x[1], x[0]))
    return out + [(c, floor) for c in letters]
