"""``hairpin-vocab``: the most frequent hairpins of the corpus enter the vocabulary whole.

Training folds every read (as the other struct-* tokenizers do) and cuts it at the
ends of its hairpin units (:mod:`tokenizer_lab.structure.hairpins`) and, outside
units, at element boundaries. Each unit, and the inner hairpins left when its outer
stacked pairs are peeled off one at a time (down to ``min_stem`` pairs), is counted
once per read: a planted hairpin often folds with chance flank pairs stacked on its
helix, and its own sequence should still be counted. :func:`select` keeps one length
per hairpin (the longest that is not a rare extension) among those seen at least
``max(2, min_frequency)`` times; the ``hairpin_tokens`` most frequent are the
vocabulary's whole-hairpin tokens, and BPE over the cut text fills the rest.

Measured on the default simulated library (8,000 DNA reads; benchmarks/bench_hairpin.py,
results/hairpin_target.md): with vocabulary 1,024 and 350 hairpin tokens, 64.4 % of the
planted hairpin motifs are exactly one token (58.0 % on a held-out library). What limits
it: 78.1 % of them lie inside one piece of the cut text (a misfold cuts the rest), and
72.7 % have their exact sequence among the hairpin tokens (stem swaps, degenerate
loops and PCR mutations make hundreds of distinct motif strings). Tried and worse:
whole units only (59.1 % with the RNA energy set), other ``SPLIT`` values (0.3-0.9),
``max_internal`` 2. No clustering: a consensus token would not spell the read, so
decoding would lose the sequence.

Encoding is plain HuggingFace: the text is the cut text (one space between pieces),
the pre-tokenizer splits at spaces and then isolates every vocabulary hairpin found
inside a piece (a regular expression, longest first), and the BPE model, with
``ignore_merges``, emits a piece that is a vocabulary entry as one token. A token
therefore never crosses a unit's ends, and a vocabulary hairpin inside a unit grown
by chance flank pairs is still one token.

>>> hairpin_candidates("AGGGGAAACCCCU", "(((((...)))))", 0, 13, min_stem=3)
['GGGAAACCC', 'GGGGAAACCCC', 'AGGGGAAACCCCU']
"""

from __future__ import annotations

import json
import logging
from collections import Counter

from tokenizers import Regex, Tokenizer, pre_tokenizers

from tokenizer_lab.algorithms import register
from tokenizer_lab.algorithms.bpe import train_bpe
from tokenizer_lab.structure.algorithms import Structured
from tokenizer_lab.structure.elements import pair_table
from tokenizer_lab.structure.hairpins import hairpin_units
from tokenizer_lab.structure.reads import structures

log = logging.getLogger(__name__)
PEEL = True  # count the inner hairpins of a unit too (see above)
SPLIT = 0.5   # a hairpin with a one-pair extension this common is left to the extension


def hairpin_candidates(seq: str, structure: str, start: int, end: int, max_internal: int = 0,
                       min_stem: int = 3, peel: bool = True) -> list[str]:
    """The hairpin strings one read offers: its units inside [start, end), each with its
    inner hairpins (outer stacked pairs peeled off while >= ``min_stem`` pairs remain).

    >>> hairpin_candidates("GGGGAAACCCC", "((((...))))", 0, 11, peel=False)
    ['GGGGAAACCCC']
    """
    pt = pair_table(structure)
    out = []
    for us, ue in hairpin_units(structure, max_internal, min_stem):
        if us < start or ue > end:
            continue
        out.append(seq[us:ue])
        pairs = sum(1 for p in range(us, ue) if pt[p] > p)
        a, b = us, ue - 1
        while peel and pairs > min_stem and pt[a + 1] == b - 1:
            a, b, pairs = a + 1, b - 1, pairs - 1
            out.append(seq[a:b + 1])
    return sorted(set(out), key=lambda h: (len(h), h))


def select(counts: Counter, floor: int = 2, split: float = SPLIT) -> list[str]:
    """Hairpins worth a token, most frequent first.

    The candidates form trees: a hairpin's children are the hairpins one stacked pair
    longer (``h == child[1:-1]``). A hairpin is kept when it is seen >= ``floor`` times,
    no child holds >= ``split`` x its count (else the longer one says more: a shorter
    stem is a fragment), and no shorter hairpin inside it is kept (a longer one would
    be a frequent hairpin with chance flank pairs; the regex would find it first and
    swallow the hairpin itself).

    >>> select(Counter({"GGAAACC": 10, "GGGAAACCC": 9, "AGGGAAACCCU": 2, "CGGAAACCG": 1}))
    ['GGGAAACCC']
    """
    child_max: Counter = Counter()
    for h, c in counts.items():
        if len(h) > 2 and h[1:-1] in counts:
            child_max[h[1:-1]] = max(child_max[h[1:-1]], c)
    kept: set[str] = set()
    for h in sorted(counts, key=lambda x: (len(x), x)):
        c = counts[h]
        if c < floor or child_max[h] >= split * c:
            continue
        if any(h[k:len(h) - k] in kept for k in range(1, len(h) // 2)):
            continue
        kept.add(h)
    return sorted(kept, key=lambda h: (-counts[h], h))


def isolate(hairpins: list[str]) -> pre_tokenizers.PreTokenizer:
    """Split at spaces, then cut every listed hairpin out of its piece (longest first)."""
    steps = [pre_tokenizers.WhitespaceSplit()]
    if hairpins:
        pattern = "|".join(sorted(hairpins, key=lambda h: (-len(h), h)))
        steps.append(pre_tokenizers.Split(Regex(pattern), behavior="isolated"))
    return pre_tokenizers.Sequence(steps)


@register
class HairpinVocab(Structured):
    """Frequent whole hairpins first, then BPE inside the remaining pieces."""

    name = "hairpin-vocab"
    hairpins = True

    def n_hairpins(self, spec) -> int:
        return spec.vocab_size // 4 if spec.hairpin_tokens is None else spec.hairpin_tokens

    def build(self, texts, spec, primers, show_progress):
        counts: Counter = Counter()
        for seq, st in zip(texts, structures(list(texts), spec)):
            start, end = primers.body(seq)
            counts.update(hairpin_candidates(seq, st, start, end, spec.max_internal,
                                             spec.min_stem, PEEL))
        floor = max(2, spec.min_frequency)
        chosen = select(counts, floor, SPLIT)[:self.n_hairpins(spec)]
        log.info("hairpin-vocab: %d of %d distinct hairpins enter whole (seen >= %d times)",
                 len(chosen), len(counts), floor)
        self._chosen = chosen
        return super().build(texts, spec, primers, show_progress)

    def train(self, texts, spec, primers, show_progress):
        chosen = self._chosen
        budget = self.vocab_budget(spec, primers)
        room = budget - len(chosen)
        for _ in range(2):  # a hairpin BPE learned too leaves room for one more BPE token
            bpe = train_bpe(texts, room, spec, show_progress,
                            pre_tokenizer=pre_tokenizers.WhitespaceSplit())
            shared = len(set(chosen) & set(bpe.get_vocab()))
            if not shared or room + shared > budget:
                break
            room = budget - len(chosen) + shared
        data = json.loads(bpe.to_str())
        vocab = data["model"]["vocab"]
        for h in chosen:
            vocab.setdefault(h, len(vocab))
        data["model"]["ignore_merges"] = True
        out = Tokenizer.from_str(json.dumps(data))
        out.pre_tokenizer = isolate([h for h in chosen])
        return out

    def extra_meta(self, spec, primers) -> dict:
        return {"folding": self.folding(spec),
                "hairpin_vocab": {"hairpin_tokens": len(getattr(self, "_chosen", [])),
                                  "requested": self.n_hairpins(spec), "peel": PEEL,
                                  "min_count": max(2, spec.min_frequency)}}


__all__ = ["HairpinVocab", "hairpin_candidates", "isolate"]
