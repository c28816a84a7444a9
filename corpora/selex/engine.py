"""The SELEX simulation itself: a binder pool selected and amplified round by round.

Model (one numpy Generator, seeded by ``config.seed``, drives every draw):

* Round 0 is the starting library. A hidden pool of ``pool_size`` binder
  molecules is made: a random region with one planted motif variant (a second,
  different one with ``second_motif_rate``) at a random position.
* Each selection round draws the next pool from the previous one with
  replacement (PCR copies of the winners), each molecule weighted by its motif's
  ``affinity`` and halved for every PCR mutation that hit a motif; each copy
  then gets Binomial(random_length, mutation_rate) point mutations in the random
  region (primers come from the primer oligos, so they stay exact).
* The share of binders among the reads of round r follows the selection odds,
  ``binder_fraction`` odds times ``enrichment ** r`` (see
  :meth:`SelexConfig.binder_share`); binder reads are drawn from the pool,
  non-binder reads are fresh random regions (the unselected background is too
  diverse to repeat), a ``decoy_rate`` share of them with a partial motif.
* A non-binder's random region never holds a full linear motif by chance (such
  regions are drawn again, up to 100 times for very short custom motifs), so
  ``binder`` is the ground truth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..alphabet import to_rna
from ..records import Record
from .selex_config import SelexConfig
from .motifs import IUPAC, Motif, decoy, variant

_BASES = np.frombuffer(b"ACGT", dtype=np.uint8)


@dataclass(frozen=True)
class _Molecule:
    region: str
    spans: tuple[tuple[str, str, int, int], ...]  # (name, kind, start, end) in region
    mutations: int = 0  # PCR point mutations since it was made
    motif_hits: int = 0  # of those, how many fell inside a motif


def _random(rng: np.random.Generator, n: int) -> str:
    return _BASES[rng.integers(0, 4, size=n)].tobytes().decode("ascii")


def _place(rng: np.random.Generator, length: int, parts: list[str]) -> list[int]:
    """Non-overlapping start positions for ``parts`` in a region (``-1``: no room)."""
    free = np.ones(length, dtype=bool)
    starts = []
    for part in parts:
        n = len(part)
        # s is a valid start if free[s:s+n] is all True: a sliding-window sum over free
        run = np.convolve(free, np.ones(n, dtype=int), mode="valid") if n <= length else np.array([])
        ok = np.flatnonzero(run == n)
        if ok.size == 0:
            starts.append(-1)
            continue
        s = int(ok[rng.integers(ok.size)])
        free[s:s + n] = False
        starts.append(s)
    return starts


def _fill(rng: np.random.Generator, length: int, parts: list[str], starts: list[int]) -> str:
    region = list(_random(rng, length))
    for part, s in zip(parts, starts):
        if s >= 0:
            region[s:s + len(part)] = part
    return "".join(region)


class _Simulator:
    def __init__(self, config: SelexConfig):
        self.c = config
        self.rng = np.random.default_rng(config.seed)
        self.motifs = config.motifs
        self.linear_res = [re.compile("".join(f"[{IUPAC[p]}]" for p in m.pattern))
                           for m in config.motifs if m.kind == "linear"]

    def binder(self) -> _Molecule:
        rng, c = self.rng, self.c
        chosen = [self.motifs[rng.integers(len(self.motifs))]]
        if len(self.motifs) > 1 and rng.random() < c.second_motif_rate:
            others = [m for m in self.motifs if m is not chosen[0]]
            chosen.append(others[rng.integers(len(others))])
        parts = [variant(m, rng, c.stem_swap) for m in chosen]
        starts = _place(rng, c.random_length, parts)
        region = _fill(rng, c.random_length, parts, starts)
        spans = tuple(sorted(((m.name, m.kind, s, s + len(p))
                              for m, p, s in zip(chosen, parts, starts) if s >= 0), key=lambda t: t[2]))
        return _Molecule(region, spans)

    def nonbinder(self) -> tuple[str, tuple]:
        rng, c = self.rng, self.c
        parts, source = [], []
        if self.motifs and rng.random() < c.decoy_rate:
            m = self.motifs[rng.integers(len(self.motifs))]
            parts, source = [decoy(m, rng, c.stem_swap)], [m]
        starts = _place(rng, c.random_length, parts)
        for _ in range(100):  # a full motif by chance would make it a binder: draw again
            region = _fill(rng, c.random_length, parts, starts)
            if not any(r.search(region) for r in self.linear_res):
                break  # (a linear motif too short to avoid is kept after 100 tries)
        spans = tuple((m.name, m.kind, s, s + len(p)) for m, p, s in zip(source, parts, starts))
        return region, spans

    def mutate(self, mol: _Molecule, k: int) -> _Molecule:
        """``mol`` with ``k`` point mutations at distinct random places."""
        if k == 0:
            return mol
        region = list(mol.region)
        pos = self.rng.choice(len(region), size=k, replace=False)
        hits = 0
        for p in pos:
            region[p] = "ACGT".replace(region[p], "")[self.rng.integers(3)]
            hits += any(s <= p < e for _, _, s, e in mol.spans)
        return _Molecule("".join(region), mol.spans, mol.mutations + int(k), mol.motif_hits + hits)

    def select(self, pool: list[_Molecule]) -> list[_Molecule]:
        aff = {m.name: m.affinity for m in self.motifs}
        w = np.array([max(aff[s[0]] for s in mol.spans) * 0.5 ** mol.motif_hits for mol in pool])
        idx = self.rng.choice(len(pool), size=self.c.pool, p=w / w.sum())
        ks = self.rng.binomial(self.c.random_length, self.c.mutation_rate, size=len(idx))
        return [self.mutate(pool[i], int(k)) for i, k in zip(idx, ks)]


def simulate(config: SelexConfig | None = None) -> list[Record]:
    """Simulate a SELEX library: reads of rounds 0..``rounds`` with their ground truth.

    >>> recs = simulate(SelexConfig(rounds=1, reads_per_round=50, pool_size=100, seed=3))
    >>> len(recs), recs[0].id, len(recs[0].seq)
    (100, 'sim_000000', 79)
    >>> sorted(recs[0].meta)
    ['binder', 'decoys', 'motifs', 'mutations', 'primer3', 'primer5', 'round']
    >>> sum(r.label == "binder" for r in recs if r.meta["round"] == 1)  # 25 % of 50
    12
    """
    c = config or SelexConfig()
    sim = _Simulator(c)
    p5, p3 = c.primer5.upper().replace("U", "T"), c.primer3.upper().replace("U", "T")
    off = len(p5)
    pool = [sim.binder() for _ in range(c.pool)] if c.binder_fraction > 0 else []
    records: list[Record] = []
    for rnd in range(c.rounds + 1):
        if rnd > 0 and pool:
            pool = sim.select(pool)
        n_b = int(round(c.binder_share(rnd) * c.reads_per_round)) if pool else 0
        picks = sim.rng.choice(len(pool), size=n_b, replace=n_b > len(pool)) if n_b else []
        reads = [(pool[i].region, pool[i].spans, (), pool[i].mutations, True) for i in picks]
        for _ in range(c.reads_per_round - n_b):
            region, decoys = sim.nonbinder()
            reads.append((region, (), decoys, 0, False))
        for j in sim.rng.permutation(len(reads)):
            region, spans, decoys, muts, is_binder = reads[j]
            seq = p5 + region + p3
            meta = {
                "round": rnd,
                "binder": is_binder,
                "motifs": [_span(t, off) for t in spans],
                "decoys": [_span(t, off) for t in decoys],
                "mutations": muts,
                "primer5": [0, off],
                "primer3": [off + c.random_length, len(seq)],
            }
            label = ("binder" if is_binder else "nonbinder") if c.label_by == "binder" else f"round{rnd}"
            records.append(Record(f"sim_{len(records):06d}", to_rna(seq) if c.alphabet == "rna" else seq,
                                  label, None, None, None, meta))
    return records


def _span(t: tuple, off: int) -> dict:
    name, kind, s, e = t
    return {"name": name, "kind": kind, "start": s + off, "end": e + off}


__all__ = ["simulate", "Motif"]
