"""k-mers with an enumerated vocabulary: overlapping (stride 1) or blocked (stride k).

Stride k (Nucleotide Transformer style) reads the raw sequence: the pre-tokenizer cuts
blocks of k canonical nucleotides from the left; what is left at the tail (fewer than k
nt), and any ambiguity letter, is emitted as single nucleotides, so every sequence
round-trips. ``ACGUACGUA`` with k=4 -> ``ACGU ACGU A``.

Stride 1 (DNABERT style) cannot be expressed by a HuggingFace pre-tokenizer (its pieces
may not overlap), so :meth:`Kmer.prepare` writes the k-mers space-separated and that is
the text the saved tokenizer (and ``AutoTokenizer``) reads: ``kmerize("ACGUA", 3)`` ->
``ACG CGU GUA``. ``AutoTokenizer.decode`` gives that text back; LabTokenizer.decode
rebuilds the sequence (the first k-mer, then the last letter of each next one).
A sequence, or a run between ambiguity letters, shorter than k is emitted as single
nucleotides. Token spans of overlapping k-mers overlap: each covers k nt.

>>> kmerize("ACGUA", 3)
['ACG', 'CGU', 'GUA']
>>> kmerize("AC", 3)
['A', 'C']
>>> kmerize("ACGNACGU", 3)
['ACG', 'N', 'ACG', 'CGU']
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers

from ..primers import Primers
from ..spec import SPECIAL_TOKENS, TokenizerSpec
from .registry import register
from .base import Algorithm, CharMap, nucleotide_normalizer


def _base(spec: TokenizerSpec) -> str:
    return spec.letters[:4]


def kmer_runs(seq: str, k: int, base: str = "ACGTU") -> list[tuple[str, int]]:
    """Overlapping k-mers of each canonical run, single letters elsewhere, with starts.

    >>> kmer_runs("AANGC", 2)
    [('AA', 0), ('N', 2), ('GC', 3)]
    >>> kmer_runs("AANG", 2)
    [('AA', 0), ('N', 2), ('G', 3)]
    """
    out: list[tuple[str, int]] = []
    i, n = 0, len(seq)
    while i < n:
        j = i
        while j < n and seq[j] in base:
            j += 1
        if j - i >= k:
            out += [(seq[p:p + k], p) for p in range(i, j - k + 1)]
        else:
            out += [(seq[p], p) for p in range(i, j)]
        if j < n:
            out.append((seq[j], j))
        i = j + 1
    return out


def kmerize(seq: str, k: int) -> list[str]:
    """The overlapping k-mers (stride 1) of ``seq``, as :class:`Kmer` emits them."""
    return [t for t, _ in kmer_runs(seq, k)]


def enumerated_vocab(spec: TokenizerSpec, k: int) -> dict[str, int]:
    """Specials, single letters, then every k-mer of the 4 nucleotides in order."""
    tokens = list(SPECIAL_TOKENS) + list(spec.letters)
    tokens += ["".join(p) for p in itertools.product(_base(spec), repeat=k) if k > 1]
    return {t: i for i, t in enumerate(tokens)}


@register
class Kmer(Algorithm):
    name = "kmer"
    learned = False

    def k(self, spec: TokenizerSpec) -> int:
        return spec.k

    def overlapping(self, spec: TokenizerSpec) -> bool:
        return spec.stride == 1 and self.k(spec) > 1

    def input_form(self, spec: TokenizerSpec) -> str:
        return "kmers" if self.overlapping(spec) else "raw"

    def input_form_help(self, spec: TokenizerSpec) -> str:
        if self.overlapping(spec):
            return (f"space-separated overlapping {spec.k}-mers, upper case, primers as "
                    "[P5]/[P3] words (LabTokenizer.prepare writes it)")
        return super().input_form_help(spec)

    def vocab_budget(self, spec: TokenizerSpec, primers: Primers) -> int:
        return len(enumerated_vocab(spec, self.k(spec)))

    def build(self, texts: Sequence[str], spec: TokenizerSpec, primers: Primers,
              show_progress: bool) -> Tokenizer:
        k = self.k(spec)
        tok = Tokenizer(models.WordLevel(enumerated_vocab(spec, k), unk_token="[UNK]"))
        if self.overlapping(spec):
            tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
        else:
            pattern = f"[{_base(spec)}]{{{k}}}|." if k > 1 else "."
            tok.pre_tokenizer = pre_tokenizers.Split(Regex(pattern), behavior="isolated")
        return tok

    def normalizer(self, spec, primers):
        if self.overlapping(spec):  # k-mer text: keep the spaces; prepare() did the primers
            return nucleotide_normalizer(spec, Primers(), strip_space=False)
        return super().normalizer(spec, primers)

    def base_decoder(self, spec):
        return None if self.overlapping(spec) else decoders.Fuse()

    def prepare(self, seq: str, spec: TokenizerSpec, primers: Primers) -> tuple[str, CharMap]:
        if not self.overlapping(spec):
            return seq, None
        start, end = primers.body(seq)
        words: list[tuple[str, int, int]] = []
        if primers.mode == "token" and start > 0:
            words.append(("[P5]", 0, start))
        k = self.k(spec)
        words += [(t, start + p, start + p + len(t))
                  for t, p in kmer_runs(seq[start:end], k, _base(spec))]
        if primers.mode == "token" and end < len(seq):
            words.append(("[P3]", end, len(seq)))
        text, cmap = [], []
        for w, s, e in words:
            if text:
                text.append(" ")
                cmap.append(None)
            text.append(w)
            cmap += [(s, e)] * len(w)
        return "".join(text), cmap

    def prepare_text(self, seq: str, spec: TokenizerSpec, primers: Primers) -> str:
        k = self.k(spec)
        if not self.overlapping(spec) or primers.active() or len(seq) < k \
                or not set(seq) <= set(_base(spec)):
            return self.prepare(seq, spec, primers)[0]
        return " ".join([seq[i:i + k] for i in range(len(seq) - k + 1)])  # the common case

    def join(self, tokens, hf_tokenizer, spec, primers):
        if not self.overlapping(spec):
            return super().join(tokens, hf_tokenizer, spec, primers)
        k, base = self.k(spec), set(spec.letters)
        expand = dict(primers.tokens())
        out, prev_kmer = [], False
        for t in tokens:
            is_kmer = len(t) == k and set(t) <= base
            out.append(t[-1] if is_kmer and prev_kmer else expand.get(t, t))
            prev_kmer = is_kmer
        return "".join(out)


__all__ = ["Kmer", "kmerize", "kmer_runs", "enumerated_vocab"]
