"""The folds behind the per-token model inputs, and the shuffled-structure control.

Each read is folded once, through the lab's cache, with the folding parameters of the
model's tokenizer (``tokenizer_lab.structure.reads.fold_params``): its MFE dot-bracket
(the pairs and the loop types) and, for ``--structure-bias bpp``, its base-pair
probabilities. ``classify evaluate``/``predict``/``explain`` fold new reads the same way.

``--structure-shuffle`` hands every read the structure of another read *of the same
length* (a seeded cycle through a shuffled order inside each exact-length group, so no
read of a group of two or more keeps its own). A read whose length no other read of
its split has gets the structure of the nearest-length read, cut to its length (pairs
reaching past the end are opened) or extended with unpaired bases; so every read gets
a nonsense structure of its own length.

>>> s = ReadStructure("((..))..")
>>> s.fit(6).dot_bracket, s.fit(10).dot_bracket, s.fit(4).dot_bracket
('((..))', '((..))....', '....')
>>> reads = [ReadStructure(d) for d in ("((.))", "(...)", ".....", "((..))")]
>>> [r.dot_bracket for r in shuffle_structures(reads, seed=0)]
['.....', '((.))', '(...)', '((.)).']
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class ReadStructure:
    """A read's MFE dot-bracket and (for the bpp bias) its sparse pair probabilities."""

    dot_bracket: str
    bpp: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.dot_bracket)

    def pairs(self, mode: str):
        """(i, j, weight) of ``mode`` "pairs" (the MFE pairs, weight 1) or "bpp"."""
        from tokenizer_lab.structure.pairs import mfe_pairs
        if mode == "bpp":
            return self.bpp
        return mfe_pairs(self.dot_bracket)

    def elements(self) -> str:
        """bpRNA element letters (S, H, B, I, M, X, E) per nucleotide."""
        from tokenizer_lab.structure.elements import annotate
        return annotate(self.dot_bracket)

    def fit(self, n: int) -> "ReadStructure":
        """This structure cut or extended to ``n`` nucleotides (pairs leaving it opened)."""
        from tokenizer_lab.structure.elements import pair_table
        pt = pair_table(self.dot_bracket)
        db = "".join("." if not 0 <= pt[a] < n else "(" if pt[a] > a else ")"
                     for a in range(min(n, len(pt))))
        bpp = self.bpp
        if bpp is not None:
            keep = bpp[1] < n
            bpp = tuple(x[keep] for x in bpp)
        return ReadStructure(db + "." * (n - len(db)), bpp)


def fold_structures(seqs: Sequence[str], tokenizer, bpp: bool) -> list[ReadStructure]:
    """The structures of normalised reads, folded (cached) as ``tokenizer`` folds them."""
    from tokenizer_lab.structure.reads import disk_cache, fold_params, structures
    dbs = structures(list(seqs), tokenizer.spec)
    if not bpp:
        return [ReadStructure(d) for d in dbs]
    from tokenizer_lab.structure.pairs import bpp_pairs
    probs = bpp_pairs(list(seqs), fold_params(tokenizer.spec), cache=disk_cache() or False)
    return [ReadStructure(d, p) for d, p in zip(dbs, probs)]


def shuffle_structures(structs: Sequence[ReadStructure], seed: int) -> list[ReadStructure]:
    """Each read's structure replaced by another read's of the same length (see above)."""
    rng = random.Random(seed)
    groups: dict[int, list[int]] = defaultdict(list)
    for k, s in enumerate(structs):
        groups[len(s)].append(k)
    out = list(structs)
    lengths = sorted(groups)
    for n in lengths:
        members = groups[n]
        if len(members) > 1:
            order = members[:]
            rng.shuffle(order)
            for a, b in zip(order, order[1:] + order[:1]):
                out[a] = structs[b]
        elif len(groups) > 1:  # alone: the nearest other length (the shorter on a tie)
            at = bisect.bisect_left(lengths, n)
            near = [m for m in lengths[max(0, at - 1):at + 2] if m != n]
            donor_len = min(near, key=lambda m: (abs(m - n), m))
            out[members[0]] = structs[rng.choice(groups[donor_len])].fit(n)
    return out
