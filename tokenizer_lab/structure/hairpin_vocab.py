"""``hairpin-vocab``: the most frequent hairpins of the corpus enter the vocabulary whole.

Training folds every read (as the other struct-* tokenizers do) and cuts it at the
ends of its hairpin units (:mod:`tokenizer_lab.structure.hairpins`) and, outside
units, at element boundaries. The candidates are the units and the inner hairpins left
when their outer stacked pairs are peeled off one at a time (down to ``min_stem``
pairs): a planted hairpin often folds with chance flank pairs stacked on its helix.
Each candidate is then counted once per training read whose random region holds it,
whether that read folds it as a unit or not (:func:`read_counts`): a variant that often
misfolds still reaches the floor of ``max(2, min_frequency)`` reads. :func:`select`
keeps one length per hairpin (a hairpin whose one-pair extensions together hold
>= ``SPLIT`` of its reads is left to them) and orders them by the reads that fold it
as a unit, times the share of its reads that chance does not explain
(:func:`chance_counts`): a string that is a unit once but sits in a frequent linear
motif, or a short one that recurs by chance, goes last. The ``hairpin_tokens`` first
are the vocabulary's whole-hairpin tokens (default: half the vocabulary, which made more
planted motifs one token than a quarter at 256 and 1,024: 64.2 against 57.1 %, 68.4
against 67.4 %).

Then the cut text is recut at them (:func:`hairpin_pieces`): wherever one occurs in
the read and crosses no unit end (outside units, or inside one), longest first, 5' to
3', not overlapping, it is one piece, and the element cuts inside it go. BPE over the
other pieces of that text fills the rest of the vocabulary (a placed hairpin is one
token whatever BPE learns: 0.1 fewer tokens per read); training cuts as encoding does,
since the hairpins are chosen before the BPE text is made. lab.json keeps them
(``hairpin_vocab.placed``) and a loaded tokenizer takes them back (:meth:`bind`); a
tokenizer saved before placing has none and cuts as it did.

Measured on the default simulated library (8,000 DNA reads; benchmarks/bench_hairpin.py,
results/hairpin_target.md; held out: a second library, seed 1): with vocabulary 1,024 and
512 hairpin tokens, 68.4 % of the planted hairpin motifs are exactly one token (61.0 %
held out; before placing and read counts 64.4 % and 58.0 %, with 350), with vocabulary
256 and 128 hairpin tokens 64.2 % (58.8 %; before 60.8 % and 56.7 %). Placing adds 1.4
points of that at 1,024 (1.2 held out) and 1.0 at 256, the counts the rest. What limits
it: 18.1 % of the planted motifs have a unit end inside them (the fold pairs part of
the motif with its flank, or a bulge leaves a smaller unit inside it), which no token
may cross, and PCR mutations make many motif sequences that one training read holds:
motifs with no unit end inside and a sequence in >= 2 training reads are 71.1 % (63.1 %
held out), the most exact sequences seen twice can make one token. With
``min_stem`` 5 fewer chance units of 3-4 pairs cut the motifs: 71.7 % (63.7 % held out)
with 213 hairpin tokens, and 0.1 % of its tokens cross the end of a default
(``min_stem`` 3) unit; ``min_stem`` 4: 69.9 %, 6: 74.6 %. Tried and worse: whole units
only (59.1 % with the RNA energy set), ``max_internal`` 1 or 2, other ``SPLIT`` values
(0.3-0.9) and the largest extension in place of their sum, ordering by reads beyond
chance (the same at 1,024, 55.7 % at 256) or by unit counts alone (67.6 %, 62.8 %),
candidates from perfect stems in the sequence (about 3 points less). No clustering: a
consensus token would not spell the read, so decoding would lose the sequence.

Encoding is plain HuggingFace: the text is the cut text (one space between pieces),
the pre-tokenizer splits at spaces and then isolates every vocabulary hairpin found
inside a piece (a regular expression, longest first), and the BPE model, with
``ignore_merges``, emits a piece that is a vocabulary entry as one token. A token
therefore never crosses a unit's ends, and a vocabulary hairpin inside a unit grown
by chance flank pairs, or where the read's fold makes no unit of it, is one token.

>>> hairpin_candidates("AGGGGAAACCCCU", "(((((...)))))", 0, 13, min_stem=3)
['GGGAAACCC', 'GGGGAAACCCC', 'AGGGGAAACCCCU']
"""

from __future__ import annotations

import json
import logging
from bisect import bisect_right
from collections import Counter

from tokenizers import Regex, Tokenizer, pre_tokenizers

from tokenizer_lab.algorithms import register
from tokenizer_lab.algorithms.bpe import train_bpe
from tokenizer_lab.structure.algorithms import Structured
from tokenizer_lab.structure.elements import pair_table
from tokenizer_lab.structure.hairpins import hairpin_units, unit_segments
from tokenizer_lab.structure.pretokenize import segment_text
from tokenizer_lab.structure.reads import structures

log = logging.getLogger(__name__)
PEEL = True  # count the inner hairpins of a unit too (see above)
COUNT = "reads"  # a hairpin counts once per read whose body holds it ("units": where it folds as one)
CHILDREN = "sum"  # a hairpin is left to its one-pair extensions when together they hold
SPLIT = 0.8       # this share of its count ("max": when the most common one does)
RANK = "folded"  # first the hairpins most often folded as units, less chance ("count": by count)
PLACE = True  # recut the text at every vocabulary hairpin found in the read (hairpin_pieces)


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


def select(counts: Counter, floor: int = 2, split: float = SPLIT, children: str = CHILDREN,
           order: dict[str, float] | None = None) -> list[str]:
    """Hairpins worth a token, most frequent first.

    The candidates form trees: a hairpin's children are the hairpins one stacked pair
    longer (``h == child[1:-1]``). A hairpin is kept when it is seen >= ``floor`` times,
    its children (their summed counts, or with ``children="max"`` the largest) do not
    hold >= ``split`` x its count (else the longer ones say more: a shorter stem is a
    fragment), and no shorter hairpin inside it is kept (a longer one would be a
    frequent hairpin with chance flank pairs, placed first where it occurs). The order
    is by ``order`` (a score per hairpin, higher first) where given, else by count.

    >>> select(Counter({"GGAAACC": 10, "GGGAAACCC": 9, "AGGGAAACCCU": 2, "CGGAAACCG": 1}))
    ['GGGAAACCC']
    >>> c = Counter({"GGGAAACCC": 5, "AGGGAAACCCT": 3})   # 3 of 5 reads share a flank pair
    >>> select(c), select(c, split=0.5, children="max")
    (['GGGAAACCC'], ['AGGGAAACCCT'])
    """
    if children not in ("sum", "max"):
        raise ValueError(f"children must be 'sum' or 'max', got {children!r}")
    child: Counter = Counter()
    for h, c in counts.items():
        if len(h) > 2 and h[1:-1] in counts:
            parent = h[1:-1]
            child[parent] = child[parent] + c if children == "sum" else max(child[parent], c)
    kept: set[str] = set()
    for h in sorted(counts, key=lambda x: (len(x), x)):
        c = counts[h]
        if c < floor or child[h] >= split * c:
            continue
        if any(h[k:len(h) - k] in kept for k in range(1, len(h) // 2)):
            continue
        kept.add(h)
    order = counts if order is None else order
    return sorted(kept, key=lambda h: (-order[h], h))


def chance_counts(bodies, lengths, letters: int = 4) -> dict[int, float]:
    """For each length, the reads a random string of it is expected to be found in
    (uniform bases; at most one hit per read): what a count has beyond chance.

    >>> chance_counts(["ACGT" * 10] * 8, [2, 9])
    {2: 8.0, 9: 0.001}
    """
    sizes = Counter(len(b) for b in bodies)
    return {n: round(sum(k * min(1.0, max(0, m - n + 1) / letters ** n) for m, k in sizes.items()), 4)
            for n in lengths}


def longest_first(hairpins) -> list[str]:
    """The order in which hairpins are placed and matched: longest first, then A-Z."""
    return sorted(hairpins, key=lambda h: (-len(h), h))


def hairpin_pieces(seq: str, pieces: list[tuple[int, int, str]],
                   hairpins: list[str]) -> list[tuple[int, int, str]]:
    """``pieces`` (:func:`~tokenizer_lab.structure.hairpins.unit_segments`) recut so that
    every placed vocabulary hairpin is one piece (letter ``V``).

    ``hairpins`` in :func:`longest_first` order; each is placed at its occurrences in
    ``seq`` inside the pieces, 5' to 3', where it overlaps no hairpin placed before and
    crosses no unit's end (outside units, or inside one). The element cuts strictly
    inside a placed hairpin go, cuts at its ends come; unit ends always stay.

    >>> hairpin_pieces("AGGGAAACCCA", [(0, 4, "S"), (4, 7, "H"), (7, 11, "S")], ["GGGAAACCC"])
    [(0, 1, 'S'), (1, 10, 'V'), (10, 11, 'S')]
    >>> hairpin_pieces("GGGAAACCCAA", [(0, 5, "U"), (5, 11, "E")], ["GGGAAACCC"])  # crosses a unit end
    [(0, 5, 'U'), (5, 11, 'E')]
    """
    if not pieces or not hairpins:
        return pieces
    start, end = pieces[0][0], pieces[-1][1]
    units = [(s, e) for s, e, kind in pieces if kind == "U"]
    placed: list[tuple[int, int]] = []
    for h in hairpins:
        n = len(h)
        i = seq.find(h, start, end)
        while i != -1:
            j = i + n
            if (not any(a < j and i < b for a, b in placed)
                    and all(not (us < j and i < ue) or (us <= i and j <= ue) for us, ue in units)):
                placed.append((i, j))
            i = seq.find(h, i + 1, end)
    if not placed:
        return pieces
    cuts = {s for s, _, _ in pieces[1:]}
    for a, b in placed:
        cuts = {c for c in cuts if not a < c < b} | {a, b}
    bounds = [start] + sorted(cuts - {start, end}) + [end]
    whole = set(placed)
    starts = [s for s, _, _ in pieces]
    return [(a, b, "V" if (a, b) in whole else pieces[bisect_right(starts, a) - 1][2])
            for a, b in zip(bounds, bounds[1:])]


def read_counts(bodies, candidates: set[str]) -> Counter:
    """For each candidate hairpin, the number of ``bodies`` that contain it anywhere.

    >>> read_counts(["AGGGAAACCCA", "GGGAAACCC", "TTT"], {"GGGAAACCC", "CCCTTTGGG"})
    Counter({'GGGAAACCC': 2})
    """
    lengths = sorted({len(h) for h in candidates})
    counts: Counter = Counter()
    for body in bodies:
        counts.update({body[i:i + n] for n in lengths for i in range(len(body) - n + 1)}
                      & candidates)
    return counts


def isolate(hairpins: list[str]) -> pre_tokenizers.PreTokenizer:
    """Split at spaces, then cut every listed hairpin out of its piece (longest first)."""
    steps = [pre_tokenizers.WhitespaceSplit()]
    if hairpins:
        pattern = "|".join(longest_first(hairpins))
        steps.append(pre_tokenizers.Split(Regex(pattern), behavior="isolated"))
    return pre_tokenizers.Sequence(steps)


@register
class HairpinVocab(Structured):
    """Frequent whole hairpins first, then BPE inside the remaining pieces."""

    name = "hairpin-vocab"
    hairpins = True
    _placed: list[str] = []  # vocabulary hairpins that recut the text (hairpin_pieces)

    def n_hairpins(self, spec) -> int:
        return spec.vocab_size // 2 if spec.hairpin_tokens is None else spec.hairpin_tokens

    def build(self, texts, spec, primers, show_progress):
        counts: Counter = Counter()
        bodies = []
        for seq, st in zip(texts, structures(list(texts), spec)):
            start, end = primers.body(seq)
            bodies.append(seq[start:end])
            counts.update(hairpin_candidates(seq, st, start, end, spec.max_internal,
                                             spec.min_stem, PEEL))
        units = counts
        if COUNT == "reads":
            counts = read_counts(bodies, set(units))
        floor = max(2, spec.min_frequency)
        order = None
        if RANK == "folded":
            chance = chance_counts(bodies, {len(h) for h in counts}, len(spec.letters))
            order = {h: units[h] * (1 - chance[len(h)] / c) for h, c in counts.items()}
        chosen = select(counts, floor, SPLIT, CHILDREN, order)[:self.n_hairpins(spec)]
        log.info("hairpin-vocab: %d of %d distinct hairpins enter whole (seen >= %d times)",
                 len(chosen), len(counts), floor)
        self._chosen = chosen
        # training cuts the text as encoding will: these hairpins are known from here on
        self._placed = longest_first(chosen) if PLACE else []
        return super().build(texts, spec, primers, show_progress)

    def bind(self, meta):
        placed = (meta.get("hairpin_vocab") or {}).get("placed")
        self._placed = longest_first(placed) if placed else []  # none: saved before placing

    def input_form_help(self, spec):
        text = super().input_form_help(spec)
        if not self._placed:
            return text
        return (f"{text}. The cuts also make each vocabulary hairpin found in the random region "
                "one piece where it crosses no unit end (longest first, 5' to 3', not overlapping)")

    def body_text(self, seq, structure, start, end, spec):
        pieces = hairpin_pieces(seq, unit_segments(structure, start, end, spec.max_internal,
                                                   spec.min_stem), self._placed)
        return segment_text(seq, structure, start, end, pieces)

    def train(self, texts, spec, primers, show_progress):
        chosen = self._chosen
        if self._placed:  # a placed hairpin is one token whatever BPE learns from it
            whole = set(self._placed)
            texts = [t for t in (" ".join(p for p in t.split(" ") if p not in whole) for t in texts) if t]
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
                                  "count": COUNT, "children": CHILDREN, "split": SPLIT,
                                  "rank": RANK, "min_count": max(2, spec.min_frequency),
                                  "placed": list(self._placed)}}


__all__ = ["HairpinVocab", "chance_counts", "hairpin_candidates", "hairpin_pieces", "isolate",
           "longest_first", "read_counts", "select"]
