"""Planted motifs: hairpins (a stem around a loop) and linear motifs.

A motif is written in DNA letters with IUPAC codes for degenerate positions
(``GNRA``: G, any, A or G, A). Each binder gets its own *variant* of a motif:
degenerate letters are drawn, and hairpin stem pairs may be swapped for the
other pair of the same strength (G-C <-> C-G, A-T <-> T-A), a compensatory
change that keeps the hairpin folding, as SELEX families show. Non-binders may
carry *decoys*: part of a motif (a fragment of a linear motif, or a hairpin's
loop with one arm and a non-pairing other arm), which share k-mers with the
real motif but not its whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KINDS = ("hairpin", "linear")
IUPAC = {"A": "A", "C": "C", "G": "G", "T": "T", "R": "AG", "Y": "CT", "S": "CG",
         "W": "AT", "K": "GT", "M": "AC", "B": "CGT", "D": "AGT", "H": "ACT",
         "V": "ACG", "N": "ACGT"}
_COMP = str.maketrans("ACGT", "TGCA")
_SWAP = {"G": "C", "C": "G", "A": "T", "T": "A"}  # same-strength other pair


def revcomp(seq: str) -> str:
    """Reverse complement of a DNA string (not just the complement).

    >>> revcomp("GGACC")
    'GGTCC'
    """
    return seq.translate(_COMP)[::-1]


def pairs(a: str, b: str) -> bool:
    """True if ``a`` and ``b`` form a Watson-Crick or G-U wobble pair (T = U).

    >>> pairs("G", "C"), pairs("G", "T"), pairs("A", "U"), pairs("A", "G")
    (True, True, True, False)
    """
    return (a.replace("U", "T") + b.replace("U", "T")) in ("AT", "TA", "GC", "CG", "GT", "TG")


@dataclass(frozen=True)
class Motif:
    """One planted motif.

    ``pattern`` is the loop for a hairpin and the whole motif for a linear one;
    ``stem`` is a hairpin's 5' arm (its 3' arm is the reverse complement).
    ``affinity`` scales how strongly selection favours binders carrying it.

    >>> m = Motif("hp_uucg", "hairpin", "TTCG", stem="GGACC")
    >>> m.consensus, len(m)
    ('GGACCTTCGGGTCC', 14)
    """

    name: str
    kind: str
    pattern: str
    stem: str = ""
    affinity: float = 1.0

    def __post_init__(self) -> None:
        if not self.name or any(c in self.name for c in " :,=/"):
            raise ValueError(f"motif name {self.name!r} must be non-empty, without spaces or ':,=/'")
        if self.kind not in KINDS:
            raise ValueError(f"motif {self.name}: kind must be one of {KINDS}, got {self.kind!r}")
        bad = set(self.pattern + self.stem) - set(IUPAC)
        if bad or not self.pattern:
            raise ValueError(f"motif {self.name}: pattern and stem must be DNA/IUPAC letters "
                             f"(ACGT, N, R, Y, ...); found {sorted(bad) or 'an empty pattern'}")
        if self.kind == "hairpin" and (len(self.stem) < 3 or set(self.stem) - set("ACGT")):
            raise ValueError(f"motif {self.name}: a hairpin needs a stem of >= 3 plain ACGT "
                             f"letters, got {self.stem!r}")
        if self.kind == "linear" and self.stem:
            raise ValueError(f"motif {self.name}: a linear motif has no stem; drop stem=")
        if not self.affinity > 0:
            raise ValueError(f"motif {self.name}: affinity must be > 0, got {self.affinity}")

    @property
    def consensus(self) -> str:
        """The motif with degenerate letters left as they are."""
        return self.stem + self.pattern + revcomp(self.stem) if self.kind == "hairpin" else self.pattern

    def __len__(self) -> int:
        return len(self.consensus)

    def matches(self, seq: str, max_mismatches: int = 0) -> bool:
        """Whether ``seq`` is a variant of this motif (stems checked for pairing).

        >>> m = Motif("hp", "hairpin", "GNRA", stem="GCGTC")
        >>> m.matches("GCGTCGCAAGACGC"), m.matches("CCGTCGTGAGACGG"), m.matches("GCGTCTTTTGACGC")
        (True, True, False)
        """
        seq = seq.upper().replace("U", "T")
        if len(seq) != len(self):
            return False
        s, loop = len(self.stem), self.pattern
        core = seq[s:s + len(loop)] if self.kind == "hairpin" else seq
        bad = sum(c not in IUPAC[p] for c, p in zip(core, loop))
        if self.kind == "hairpin":
            arm5, arm3 = seq[:s], seq[s + len(loop):]
            bad += sum(not pairs(a, b) for a, b in zip(arm5, arm3[::-1]))
        return bad <= max_mismatches


def variant(motif: Motif, rng: np.random.Generator, stem_swap: float) -> str:
    """A binder's copy of ``motif``: degenerate letters drawn, stem pairs maybe swapped.

    >>> rng = np.random.default_rng(0)
    >>> m = Motif("hp", "hairpin", "GNRA", stem="GCGTC")
    >>> v = variant(m, rng, stem_swap=0.3)
    >>> m.matches(v), len(v)
    (True, 14)
    """
    loop = "".join(IUPAC[p][rng.integers(len(IUPAC[p]))] for p in motif.pattern)
    if motif.kind == "linear":
        return loop
    swap = rng.random(len(motif.stem)) < stem_swap
    arm = "".join(_SWAP[c] if w else c for c, w in zip(motif.stem, swap))
    return arm + loop + revcomp(arm)


def decoy(motif: Motif, rng: np.random.Generator, stem_swap: float) -> str:
    """Part of a motif that does not make the motif.

    Linear: a fragment of 55-70 % of it. Hairpin: one arm and the loop, the other
    arm replaced by letters that cannot pair with it (so it cannot fold).

    >>> rng = np.random.default_rng(1)
    >>> m = Motif("hp", "hairpin", "TTCG", stem="GGACC")
    >>> d = decoy(m, rng, 0.0)
    >>> len(d) == len(m) and not m.matches(d, max_mismatches=2)
    True
    """
    full = variant(motif, rng, stem_swap)
    if motif.kind == "linear":
        n = max(3, int(round(len(full) * rng.uniform(0.55, 0.7))))
        return full[:n] if rng.random() < 0.5 else full[-n:]
    s = len(motif.stem)
    # a letter that pairs with nothing on the other arm: the same letter as its partner
    # position would pair with only for A-T/G-C swaps; A opposite A (or G opposite A) never pairs
    nonpair = {"A": "C", "C": "A", "G": "A", "T": "C"}
    if rng.random() < 0.5:
        arm5 = full[:s]
        return full[:-s] + "".join(nonpair[c] for c in arm5[::-1])
    arm3 = full[-s:]
    return "".join(nonpair[c] for c in arm3[::-1]) + full[s:]


# Defaults: a UUCG and two GNRA-family hairpins (6 bp stems closed by a C-G pair,
# as in the very stable cUUCGg and cGNRAg tetraloops), and two linear motifs (a
# G-rich one like the thrombin aptamer's GGTTGG, and one with a W = A/T position).
DEFAULT_MOTIFS = (
    Motif("hp_uucg", "hairpin", "TTCG", stem="GCGGAC", affinity=1.0),
    Motif("hp_gnra", "hairpin", "GNRA", stem="GGCGTC", affinity=1.0),
    Motif("hp_gcaa", "hairpin", "GCAA", stem="CAGTGC", affinity=0.8),
    Motif("lin_gq", "linear", "GGTTGGTG", affinity=1.2),
    Motif("lin_cat", "linear", "CATCWGAT", affinity=0.8),
)
