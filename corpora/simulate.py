"""The SELEX simulator: the project's embedded default corpus.

A library is constant 5' and 3' primers around a random region (N40), sampled
from the starting pool (round 0) and after each selection round; binders carry
planted motifs (hairpins such as a UUCG or GNRA tetraloop on a 5-6 bp stem, and
linear motifs), their share grows round by round, and PCR copies bring point
mutations. Every read keeps its ground truth in ``Record.meta``:
``{"round", "binder", "motifs": [{"name", "kind", "start", "end"}], "decoys",
"mutations", "primer5", "primer3"}`` (positions 0-based, half-open, in the read).

>>> recs = simulate(SelexConfig(seed=0, rounds=3, reads_per_round=100))
>>> len(recs), recs[0].seq == simulate(SelexConfig(seed=0, rounds=3, reads_per_round=100))[0].seq
(400, True)
>>> name, kind, start, end = motif_spans(next(r for r in recs if r.meta["binder"]))[0]
>>> kind in ("hairpin", "linear"), 19 <= start < end <= 59
(True, True)

The parts live in :mod:`corpora.selex` (motifs, config, engine, io).
"""

from __future__ import annotations

from .records import Record
from .selex import (DEFAULT_MOTIFS, PRIMER3, PRIMER5, Motif, SelexConfig, ground_truth,
                    motif_spans, read_library, simulate, write_library)
from .selex.io import describe_library, write_description


def default_library(seed: int = 0) -> list[Record]:
    """The demo corpus: 8,000 DNA reads of 79 nt, rounds 0-3, labels binder/nonbinder."""
    return simulate(SelexConfig(seed=seed))


__all__ = ["DEFAULT_MOTIFS", "PRIMER3", "PRIMER5", "Motif", "SelexConfig", "default_library",
           "describe_library", "ground_truth", "motif_spans", "read_library", "simulate",
           "write_description", "write_library"]
