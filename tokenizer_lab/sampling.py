"""Sampled segmentations of a read: BPE-dropout and unigram lattice sampling.

A learned vocabulary can spell a read in many ways; training on a fresh, sampled
spelling each epoch (subword regularisation) shows a model the pieces of its
vocabulary in more contexts. :class:`SegmentationSampler` gives one sampled spelling
per call, drawing from the ``random.Random`` it is given, so the caller decides
the seed and the same seed gives the same ids:

- ``bpe``: BPE-dropout (Provilkov et al. 2020). The saved merges are applied in
  rank order as HF's BPE model applies them, but each applicable merge is skipped
  with probability ``amount`` (p) at that step. HF's own ``dropout`` draws from an
  unseeded thread RNG, so it is re-implemented here; with p = 0 it gives exactly
  HF's ids (tested).
- ``unigram``: forward-filtering backward-sampling over the lattice of the
  vocabulary's pieces, each weighted by ``exp(amount * log p(piece))``: what
  sentencepiece's ``SampleEncode(nbest_size=-1, alpha)`` does. The saved tokenizer is
  an HF ``Unigram`` model (sentencepiece only trains it), so the sampling is done
  here from its pieces and scores. Small alpha: near uniform over spellings; large
  alpha: the best (Viterbi) spelling.

``char`` and ``kmer`` tokenizers have one spelling only: :func:`sampler_for` gives
None for them (sampling is a no-op). WordPiece (greedy longest match, no sampled
form) and the structure-aware tokenizers (their text is cut at folded elements) are
refused with a :class:`~tokenizer_lab.errors.TokenizerError`.

Every sampled spelling decodes to the read (primer and special tokens stay as they
are; only the runs of learned pieces between them are re-spelled).
"""

from __future__ import annotations

import heapq
import json
import math
import random

from .errors import TokenizerError

#: Algorithms whose segmentations are sampled, and what ``amount`` means for each.
SAMPLED = {"bpe": "BPE-dropout probability p in (0, 1)",
           "unigram": "unigram smoothing alpha above 0 (sentencepiece's alpha)"}
#: Algorithms with one segmentation per read: sampling changes nothing.
ONE_SEGMENTATION = ("char", "kmer")


def check_sampling(algorithm: str, amount: float) -> bool:
    """Whether ``algorithm`` samples at ``amount`` (False: off, or one segmentation only).

    Raises :class:`TokenizerError` (one line) for an algorithm without sampling or an
    amount out of its range.

    >>> check_sampling("bpe", 0.1), check_sampling("kmer", 0.1), check_sampling("bpe", 0)
    (True, False, False)
    >>> check_sampling("wordpiece", 0.1)
    Traceback (most recent call last):
    tokenizer_lab.errors.TokenizerError: segmentation sampling 0.1 needs a bpe or unigram tokenizer; this one is wordpiece (greedy longest match, no sampled form); set it to 0
    """
    if not amount or algorithm in ONE_SEGMENTATION:
        return False
    if algorithm not in SAMPLED:
        why = ("greedy longest match, no sampled form" if algorithm == "wordpiece"
               else "its text is cut at folded structure elements")
        raise TokenizerError(f"segmentation sampling {amount} needs a bpe or unigram tokenizer; "
                             f"this one is {algorithm} ({why}); set it to 0")
    if algorithm == "bpe" and not 0 < amount < 1:
        raise TokenizerError(f"segmentation sampling for bpe is the BPE-dropout probability; "
                             f"expected a number in (0, 1), got {amount}")
    if amount < 0:
        raise TokenizerError(f"segmentation sampling for unigram is alpha; expected a number "
                             f"above 0, got {amount}")
    return True


def sampler_for(tok, amount: float) -> "SegmentationSampler | None":
    """The sampler of ``tok`` at ``amount``; None where sampling is a no-op (or off).
    Refusals as :func:`check_sampling`."""
    return SegmentationSampler(tok, amount) if check_sampling(tok.spec.algorithm, amount) else None


class SegmentationSampler:
    """Sampled token ids of reads for one bpe or unigram LabTokenizer.

    >>> from tokenizer_lab import train_tokenizer
    >>> tok = train_tokenizer(["ACGUACGU", "ACGUAA", "ACGUCC"] * 3, algorithm="bpe", vocab_size=12)
    >>> s = SegmentationSampler(tok, 0.5)
    >>> tok.decode(s.encode("ACGUACGU", random.Random(0)))
    'ACGUACGU'
    """

    def __init__(self, tok, amount: float):
        self.tok = tok
        self.amount = amount
        self.backend = tok._backend
        model = json.loads(self.backend.to_str())["model"]
        self.kind = model["type"]
        added = self.backend.get_added_tokens_decoder()
        self.added = set(added)
        if self.kind == "BPE":
            self.vocab = model["vocab"]
            self.unk = self.vocab.get(model.get("unk_token") or "", None)
            self.merges = {}
            for rank, m in enumerate(model["merges"]):
                a, b = m.split(" ") if isinstance(m, str) else m
                self.merges[(self.vocab[a], self.vocab[b])] = (rank, self.vocab[a + b])
        elif self.kind == "Unigram":
            self.scores = {p: (i, s) for i, (p, s) in enumerate(model["vocab"]) if i not in added}
            self.max_piece = max(map(len, self.scores), default=1)
        else:
            raise TokenizerError(f"segmentation sampling: a {self.kind} model cannot be sampled; "
                                 "expected BPE or Unigram")

    def encode(self, seq: str, rng: random.Random) -> list[int]:
        """Ids of ``seq`` with [CLS]/[SEP], learned pieces re-spelled by a sample."""
        enc = self.backend.encode(self.tok.prepare(seq), add_special_tokens=True)
        out: list[int] = []
        run: list[str] = []  # tokens of a run of learned pieces (one word)
        word = None
        for i, t, w, s in zip(enc.ids, enc.tokens, enc.word_ids, enc.sequence_ids):
            if run and (s is None or i in self.added or w != word):
                out += self._sample("".join(run), rng)
                run = []
            if s is None or i in self.added:
                out.append(i)
            else:
                run.append(t)
                word = w
        if run:
            out += self._sample("".join(run), rng)
        return out

    def _sample(self, text: str, rng: random.Random) -> list[int]:
        if self.kind == "BPE":
            return bpe_dropout(text, self.vocab, self.merges, self.amount, rng, self.unk)
        return sample_unigram(text, self.scores, self.max_piece, self.amount, rng)


def bpe_dropout(text: str, vocab: dict[str, int], merges: dict, p: float,
                rng: random.Random, unk: int | None = None) -> list[int]:
    """BPE of one word, each applicable merge skipped with probability ``p``.

    ``merges``: (left id, right id) -> (rank, merged id). Merges are taken lowest
    rank first, leftmost first, as HF's ``Word.merge_all``; a skipped merge returns
    to the queue after the next merge that is made.

    >>> v = {"A": 0, "C": 1, "AC": 2, "ACAC": 3}
    >>> m = {(0, 1): (0, 2), (2, 2): (1, 3)}
    >>> bpe_dropout("ACAC", v, m, 0.0, random.Random(0))
    [3]
    >>> sorted({tuple(bpe_dropout("ACAC", v, m, 0.5, random.Random(s))) for s in range(20)})
    [(0, 1, 0, 1), (0, 1, 2), (2, 0, 1), (2, 2), (3,)]
    """
    ids = [vocab.get(c, unk) for c in text]
    n = len(ids)
    alive = [True] * n
    prev = list(range(-1, n - 1))
    nxt = list(range(1, n)) + [-1]
    heap = [(m[0], i, m[1]) for i in range(n - 1)
            if (m := merges.get((ids[i], ids[i + 1]))) is not None]
    heapq.heapify(heap)
    skipped = []
    while heap:
        rank, pos, new = heapq.heappop(heap)
        right = nxt[pos]
        if not alive[pos] or right == -1:
            continue
        m = merges.get((ids[pos], ids[right]))
        if m is None or m[1] != new:  # an entry left from before a neighbour merged
            continue
        if p and rng.random() < p:
            skipped.append((rank, pos, new))
            continue
        for entry in skipped:
            heapq.heappush(heap, entry)
        skipped.clear()
        ids[pos], alive[right] = new, False
        nxt[pos] = nxt[right]
        if nxt[pos] != -1:
            prev[nxt[pos]] = pos
        if prev[pos] != -1 and (m := merges.get((ids[prev[pos]], new))) is not None:
            heapq.heappush(heap, (m[0], prev[pos], m[1]))
        if nxt[pos] != -1 and (m := merges.get((new, ids[nxt[pos]]))) is not None:
            heapq.heappush(heap, (m[0], pos, m[1]))
    return [t for t, a in zip(ids, alive) if a]


def sample_unigram(text: str, pieces: dict[str, tuple[int, float]], max_piece: int,
                   alpha: float, rng: random.Random) -> list[int]:
    """One segmentation of ``text`` drawn with probability proportional to
    ``prod exp(alpha * score(piece))``: forward filtering, backward sampling.

    ``pieces``: piece -> (id, log probability).

    >>> pieces = {"A": (0, -1.0), "C": (1, -1.0), "AC": (2, -1.0)}
    >>> sorted({tuple(sample_unigram("AC", pieces, 2, 1.0, random.Random(s))) for s in range(20)})
    [(0, 1), (2,)]
    >>> sample_unigram("AC", pieces, 2, 50.0, random.Random(0))  # alpha large: the best one
    [2]
    """
    n = len(text)
    fwd = [0.0] + [-math.inf] * n
    arcs: list[list[tuple[int, float, int]]] = [[] for _ in range(n + 1)]
    for end in range(1, n + 1):
        here = arcs[end]
        for start in range(max(0, end - max_piece), end):
            hit = pieces.get(text[start:end])
            if hit is not None and fwd[start] > -math.inf:
                here.append((start, fwd[start] + alpha * hit[1], hit[0]))
        if here:
            top = max(w for _, w, _ in here)
            fwd[end] = top + math.log(sum(math.exp(w - top) for _, w, _ in here))
    if fwd[n] == -math.inf:
        raise TokenizerError(f"read {text[:30]!r}: a letter is in no piece of the vocabulary")
    out = []
    end = n
    while end > 0:
        here = arcs[end]
        r = rng.random()
        acc = 0.0
        for start, w, piece in here:
            acc += math.exp(w - fwd[end])
            if r < acc:
                break
        out.append(piece)  # the last arc when rounding leaves r just above the sum
        end = start
    return out[::-1]


__all__ = ["ONE_SEGMENTATION", "SAMPLED", "SegmentationSampler", "bpe_dropout",
           "check_sampling", "sample_unigram", "sampler_for"]
