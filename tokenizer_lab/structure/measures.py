"""How well a tokenization follows the folded structure, for any tokenizer.

- boundary precision / recall / F1: token boundaries (inner cut points,
  :func:`tokenizer_lab.metrics.cut_points`) against structure-element boundaries
  (:func:`tokenizer_lab.structure.elements.boundaries`), pooled over the corpus (micro
  average, :func:`tokenizer_lab.metrics.prf`);
- crossing rate: share of tokens that span an element boundary;
- hairpin-loop capture: share of hairpin loops that are exactly one token
  (``hairpin_exact1``), exactly the union of at most two whole tokens
  (``hairpin_exact2``), and that lie inside a single token, possibly with stem bases
  around them (``hairpin_inside1``);
- hairpin-unit capture (:mod:`tokenizer_lab.structure.hairpins`: a hairpin loop with
  its closing helix): share of units that are exactly one token (``unit_exact1``) or
  exactly the union of at most two whole tokens (``unit_exact2``), and the share of
  tokens that cross a unit's end (``unit_crossing``).

>>> s = StructureScores()
>>> s.add([(0, 2), (2, 5), (5, 7)], "((...))")
>>> s.add([(0, 3), (3, 7)], "((...))")
>>> r = s.result()
>>> r["boundary_precision"], r["boundary_recall"], r["hairpin_exact1"], r["hairpin_exact2"]
(0.667, 0.5, 0.5, 0.5)
>>> u = StructureScores(min_stem=2)
>>> u.add([(0, 1), (1, 8), (8, 9)], ".((...)).")
>>> u.add([(0, 3), (3, 9)], ".((...)).")
>>> r = u.result()
>>> r["unit_exact1"], r["unit_exact2"], r["unit_crossing"], r["hairpin_units"]
(0.5, 0.5, 0.4, 2)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tokenizer_lab.metrics import cut_points, prf
from tokenizer_lab.structure.elements import boundaries, hairpin_loops
from tokenizer_lab.structure.hairpins import DEFAULT_MAX_INTERNAL, DEFAULT_MIN_STEM, hairpin_units


class StructureScores:
    """Accumulate one tokenized, folded sequence at a time; :meth:`result` pools them."""

    def __init__(self, max_internal: int = DEFAULT_MAX_INTERNAL, min_stem: int = DEFAULT_MIN_STEM):
        self.unit_settings = (max_internal, min_stem)
        self.units = self.unit_exact1 = self.unit_exact2 = self.unit_crossing = 0
        self.tp = self.n_pred = self.n_ref = 0
        self.tokens = self.crossing = 0
        self.hairpins = self.exact1 = self.exact2 = self.inside1 = 0
        self.sequences = 0

    def add(self, spans: Sequence[tuple[int, int]], structure: str,
            region: tuple[int, int] | None = None) -> None:
        """Score one sequence; ``region`` = [start, end) limits the scoring to, e.g., the
        random region (tokens, boundaries and hairpins outside it are not counted)."""
        n = len(structure)
        lo, hi = region if region is not None else (0, n)
        ref = {b for b in boundaries(structure) if lo < b < hi}
        spans = [(s, e) for s, e in spans if s >= lo and e <= hi]
        pred = {p for p in cut_points(spans, n) if lo < p < hi}
        self.tp += len(pred & ref)
        self.n_pred += len(pred)
        self.n_ref += len(ref)
        self.sequences += 1
        for s, e in spans:
            self.tokens += 1
            self.crossing += any(s < b < e for b in ref)
        for hs, he in hairpin_loops(structure):
            if hs < lo or he > hi:
                continue
            self.hairpins += 1
            inside = [(s, e) for s, e in spans if s >= hs and e <= he]
            touching = [(s, e) for s, e in spans if s < he and e > hs]
            self.exact1 += (hs, he) in spans
            self.exact2 += (len(touching) <= 2 and touching == inside
                            and sum(e - s for s, e in inside) == he - hs)
            self.inside1 += len(touching) == 1
        ends = set()
        for us, ue in hairpin_units(structure, *self.unit_settings):
            if us < lo or ue > hi:
                continue
            self.units += 1
            ends.update((us, ue))
            inside = [(s, e) for s, e in spans if s >= us and e <= ue]
            touching = [(s, e) for s, e in spans if s < ue and e > us]
            self.unit_exact1 += (us, ue) in spans
            self.unit_exact2 += (len(touching) <= 2 and touching == inside
                                 and sum(e - s for s, e in inside) == ue - us)
        self.unit_crossing += sum(any(s < b < e for b in ends) for s, e in spans)

    def result(self, digits: int = 3) -> dict:
        """The pooled scores (rounded), with the counts they come from."""
        p, r, f = prf(self.tp, self.n_pred, self.n_ref)
        h = self.hairpins or 1

        def rd(x: float) -> float:
            return round(x, digits)

        return {
            "boundary_precision": rd(p), "boundary_recall": rd(r), "boundary_f1": rd(f),
            "crossing_rate": rd(self.crossing / self.tokens) if self.tokens else 0.0,
            "hairpin_exact1": rd(self.exact1 / h), "hairpin_exact2": rd(self.exact2 / h),
            "hairpin_inside1": rd(self.inside1 / h), "hairpin_loops": self.hairpins,
            "unit_exact1": rd(self.unit_exact1 / (self.units or 1)),
            "unit_exact2": rd(self.unit_exact2 / (self.units or 1)),
            "unit_crossing": rd(self.unit_crossing / self.tokens) if self.tokens else 0.0,
            "hairpin_units": self.units,
            "tokens": self.tokens, "sequences": self.sequences,
        }


def structure_scores(items: Iterable[tuple], max_internal: int = DEFAULT_MAX_INTERNAL,
                     min_stem: int = DEFAULT_MIN_STEM) -> dict:
    """Pooled scores over (token spans, dot-bracket[, region]) tuples; see the module doc.

    >>> structure_scores([([(0, 2), (2, 5), (5, 7)], "((...))")])["boundary_f1"]
    1.0
    >>> structure_scores([([(0, 3), (3, 4), (4, 7)], "((...))", (3, 7))])["boundary_recall"]
    0.0
    """
    acc = StructureScores(max_internal, min_stem)
    for item in items:
        acc.add(*item)
    return acc.result()


def tokenizer_structure_scores(tokenizer, seqs: Sequence[str], workers: int | None = None) -> dict:
    """Fold ``seqs`` (cached, parallel) and score ``tokenizer`` (any LabTokenizer) on them.

    Scored over the random region (the part left after the tokenizer's primer handling),
    so the [P5]/[P3] tokens and the primers' own structure do not count. Hairpin units
    use the tokenizer's ``max_internal``/``min_stem`` (the spec's defaults for others).
    """
    from tokenizer_lab.structure.reads import structures

    norm = [tokenizer.normalize(s) for s in seqs]
    sts = structures(norm, tokenizer.spec, workers)
    return structure_scores(((tokenizer.token_spans(seq), st, tokenizer.primers.body(seq))
                             for seq, st in zip(norm, sts)),
                            tokenizer.spec.max_internal, tokenizer.spec.min_stem)
