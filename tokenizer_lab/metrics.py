"""Intrinsic measures of a tokenizer on a corpus (``tokenizer-lab stats``).

Every measure is computed over the whole corpus from the tokens of each sequence
(no specials):

- tokens per sequence: mean and percentiles p50, p90, p99 (numpy's linear method);
- nucleotides per token: all nucleotides / all tokens (pooled, not a mean of ratios);
- vocabulary utilisation: share of the ordinary vocabulary (special tokens excluded)
  used at least once on the corpus;
- Rényi efficiency (Zouhar et al. 2023, "Tokenization and the noiseless channel"):
  ``H_a(p) / log |V|`` with ``H_a(p) = log(sum p_i**a) / (1 - a)``, ``p`` the token
  frequency distribution on the corpus, ``|V|`` the ordinary vocabulary size, a = 2.5;
- share of [UNK] among all tokens;
- the longest tokens of the vocabulary and the most frequent ones on the corpus.

Boundary precision/recall/F1 against reference boundaries (:func:`boundary_scores`) is
shared with the structure measures and the motif measures (:mod:`tokenizer_lab.motif_recovery`).

>>> round(renyi_efficiency([2, 1, 1], vocab_size=3), 4)
0.8678
>>> boundary_scores([(0, 2), (2, 5), (5, 7)], {2, 4}, 7)
(0.5, 0.5, 0.5)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from .spec import SPECIAL_TOKENS

RENYI_ALPHA = 2.5
PERCENTILES = (50, 90, 99)


def renyi_entropy(counts: Sequence[float], alpha: float = RENYI_ALPHA) -> float:
    """Rényi entropy (nats) of the distribution proportional to ``counts``.

    >>> round(renyi_entropy([1, 1]), 6) == round(math.log(2), 6)
    True
    """
    c = np.asarray([x for x in counts if x > 0], dtype=float)
    if c.size == 0:
        return 0.0
    p = c / c.sum()
    if alpha == 1:
        return float(-(p * np.log(p)).sum())
    return float(np.log((p ** alpha).sum()) / (1 - alpha))


def renyi_efficiency(counts: Sequence[float], vocab_size: int, alpha: float = RENYI_ALPHA) -> float:
    """``renyi_entropy(counts, alpha) / log(vocab_size)``; 0 for a vocabulary of one.

    >>> renyi_efficiency([5, 5, 5, 5], vocab_size=4)
    1.0
    """
    if vocab_size <= 1:
        return 0.0
    return round(renyi_entropy(counts, alpha) / math.log(vocab_size), 12)


def cut_points(spans: Sequence[tuple[int, int]], length: int) -> set[int]:
    """Inner token boundaries: every token start and end strictly inside (0, length).

    >>> sorted(cut_points([(0, 2), (2, 5), (5, 7)], 7))
    [2, 5]
    """
    return {p for s, e in spans for p in (s, e) if 0 < p < length}


def boundary_scores(spans: Sequence[tuple[int, int]], reference: Iterable[int],
                    length: int) -> tuple[float, float, float]:
    """Precision, recall and F1 of the token boundaries against reference boundaries.

    Both sides are sets of inner cut positions (0 < p < length; a boundary at p lies
    between nucleotides p-1 and p). Precision = shared / token cuts, recall = shared /
    reference cuts; a side with no cuts scores 0 (F1 0 when p + r = 0). To pool a
    corpus (micro average), sum the counts from :func:`boundary_counts` instead.

    >>> boundary_scores([(0, 3), (3, 6)], {3}, 6)
    (1.0, 1.0, 1.0)
    >>> boundary_scores([(0, 6)], {3}, 6)
    (0.0, 0.0, 0.0)
    """
    return prf(*boundary_counts(spans, reference, length))


def boundary_counts(spans, reference, length) -> tuple[int, int, int]:
    """(shared cuts, token cuts, reference cuts), for pooling over sequences.

    >>> boundary_counts([(0, 2), (2, 5), (5, 7)], {2, 4}, 7)
    (1, 2, 2)
    """
    pred = cut_points(spans, length)
    ref = {p for p in reference if 0 < p < length}
    return len(pred & ref), len(pred), len(ref)


def prf(tp: int, n_pred: int, n_ref: int) -> tuple[float, float, float]:
    """Precision, recall, F1 from counts (0 where undefined).

    >>> prf(1, 2, 4)
    (0.5, 0.25, 0.333333)
    """
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_ref if n_ref else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 6), round(r, 6), round(f, 6)


def token_length(token: str) -> int:
    """Nucleotides a vocabulary entry spells (WordPiece's ## does not count).

    >>> token_length("##ACG"), token_length("GGA")
    (3, 3)
    """
    return len(token[2:] if token.startswith("##") else token)


def corpus_stats(tok, seqs: Iterable[str], top: int = 10) -> dict:
    """All measures of the module docstring for one LabTokenizer on ``seqs``.

    Sequences are encoded with ``tok.encode_batch`` (no specials); a token's share in
    ``most_frequent`` is its count over all tokens.
    """
    seqs = list(seqs)
    ids_per_seq = tok.encode_batch(seqs, add_special_tokens=False) if seqs else []
    lengths = np.array([len(ids) for ids in ids_per_seq], dtype=float)
    counts: Counter = Counter()
    for ids in ids_per_seq:
        counts.update(ids)
    n_tokens = int(lengths.sum())
    n_nt = sum(len(tok.normalize(s)) for s in seqs)
    vocab = tok.hf.backend_tokenizer.get_vocab(with_added_tokens=True)
    id_to_token = {i: t for t, i in vocab.items()}
    special_ids = {vocab[t] for t in SPECIAL_TOKENS if t in vocab}
    ordinary = [i for i in vocab.values() if i not in special_ids]
    used = sum(1 for i in ordinary if counts.get(i))
    unk = counts.get(vocab.get("[UNK]", -1), 0)
    pct = {f"p{q}": round(float(np.percentile(lengths, q)), 3) for q in PERCENTILES} if n_tokens else \
        {f"p{q}": 0.0 for q in PERCENTILES}
    longest = sorted((t for t in vocab if vocab[t] not in special_ids and not t.startswith("[")),
                     key=lambda t: (-token_length(t), vocab[t]))[:5]
    frequent = [(id_to_token[i], c, round(c / n_tokens, 4)) for i, c in
                sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:top]]
    return {
        "algorithm": tok.spec.algorithm,
        "vocab_size": tok.vocab_size,
        "sequences": len(seqs),
        "nucleotides": n_nt,
        "tokens": n_tokens,
        "tokens_per_sequence": {"mean": round(float(lengths.mean()), 3) if len(seqs) else 0.0,
                                **pct},
        "nt_per_token": round(n_nt / n_tokens, 4) if n_tokens else 0.0,
        "vocab_utilisation": round(used / len(ordinary), 4) if ordinary else 0.0,
        "vocab_used": used,
        "renyi_efficiency": round(renyi_efficiency(
            [counts[i] for i in ordinary if counts.get(i)], len(ordinary)), 4),
        "unk_share": round(unk / n_tokens, 6) if n_tokens else 0.0,
        "longest_tokens": longest,
        "most_frequent": frequent,
    }


__all__ = ["RENYI_ALPHA", "boundary_counts", "boundary_scores", "corpus_stats", "cut_points",
           "prf", "renyi_efficiency", "renyi_entropy", "token_length"]
