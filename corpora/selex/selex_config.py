"""The settings of one simulated SELEX experiment, as a frozen dataclass.

Defaults give the project's embedded corpus: 4 pools (the starting library,
round 0, and 3 selection rounds) of 2,000 reads each, N40 between two 19-20 nt
constant primers, 5 planted motifs (3 hairpins, 2 linear). The labels
(``binder``/``nonbinder``) are learnable from k-mers but not trivially: see
``benchmarks/results/selex_sim.md``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from labkit.config import check_choices

from .motifs import DEFAULT_MOTIFS, Motif

# Constant regions of the classic N40 RNA library (Tuerk & Gold style, as used by
# many SELEX kits), cut to 19 and 20 nt: a T7-like GGGAGA start and a 3' primer site.
PRIMER5 = "GGGAGACAAGAATAAACGC"
PRIMER3 = "GACAGGAGGCTCACAACAGG"
LABEL_BY = ("binder", "round")
ALPHABETS = ("dna", "rna")


def _help(text: str, *, default, **meta):
    """A field with its help text (and e.g. ``choices``, ``unset``) for the command line."""
    return field(default=default, metadata={"help": text, **meta})


@dataclass(frozen=True)
class SelexConfig:
    """How to simulate a SELEX library. ``SelexConfig.help()`` lists the fields.

    >>> c = SelexConfig(rounds=2, reads_per_round=100)
    >>> c.n_reads, c.read_length
    (300, 79)
    >>> SelexConfig(binder_fraction=1.5)
    Traceback (most recent call last):
    ...
    ValueError: binder_fraction must be in [0, 1) (the share of binders in round 0), got 1.5
    """

    seed: int = _help("Random seed: the same seed gives a byte-identical library.", default=0)
    rounds: int = _help("Selection rounds; reads come from round 0 (the starting library) "
                        "and after each round, so rounds+1 pools.", default=3)
    reads_per_round: int = _help("Reads sequenced from each pool (the CLI's --reads is the "
                                 "total, split evenly over the rounds+1 pools).", default=2000)
    random_length: int = _help("Length of the random region between the primers (N40).",
                               default=40)
    primer5: str = _help("Constant 5' primer region (DNA letters).", default=PRIMER5)
    primer3: str = _help("Constant 3' primer region (DNA letters).", default=PRIMER3)
    alphabet: str = _help("Letters written: 'dna' (T) or 'rna' (U).", default="dna",
                          choices=ALPHABETS)
    motifs: tuple[Motif, ...] = _help("Planted motifs (hairpins and linear motifs).",
                                      default=DEFAULT_MOTIFS)
    enrichment: float = _help("Fold advantage of a binder over a non-binder in one round of "
                              "selection (binder odds grow by this factor per round).",
                              default=3.0)
    mutation_rate: float = _help("PCR point mutations per nucleotide of the random region per "
                                 "round of amplification.", default=0.01)
    binder_fraction: float = _help("Share of binders in round 0.", default=0.1)
    decoy_rate: float = _help("Share of non-binders carrying a decoy (a partial motif).",
                              default=0.5)
    second_motif_rate: float = _help("Share of binders carrying a second, different motif.",
                                     default=0.15)
    stem_swap: float = _help("Chance that a hairpin stem pair is swapped for the other pair of "
                             "the same strength (G-C <-> C-G, A-T <-> T-A) in a family.",
                             default=0.15)
    pool_size: int | None = _help("Binder molecules kept between rounds (None: 5 x "
                                  "reads_per_round); reads are drawn from this pool, so late "
                                  "rounds hold PCR copies of the winners.", default=None,
                                  unset="5 x reads per pool")
    label_by: str = _help("Label of each read: 'binder' (binder/nonbinder) or 'round' "
                          "(round0, round1, ...).", default="binder", choices=LABEL_BY)

    def __post_init__(self) -> None:
        def need(ok: bool, msg: str) -> None:
            if not ok:
                raise ValueError(msg)

        check_choices(self)
        need(isinstance(self.seed, int) and self.seed >= 0, f"seed must be an integer >= 0, got {self.seed!r}")
        need(0 <= self.rounds <= 50, f"rounds must be in 0..50, got {self.rounds}")
        need(self.reads_per_round >= 1, f"reads_per_round must be >= 1, got {self.reads_per_round}")
        need(self.pool_size is None or self.pool_size >= 1,
             f"pool_size must be >= 1 or None (5 x reads_per_round), got {self.pool_size}")
        for name in ("primer5", "primer3"):
            p = getattr(self, name)
            need(isinstance(p, str) and set(p.upper().replace("U", "T")) <= set("ACGT"),
                 f"{name} must hold only A, C, G, T/U letters (may be empty), got {p!r}")
        need(0 <= self.binder_fraction < 1,
             f"binder_fraction must be in [0, 1) (the share of binders in round 0), got {self.binder_fraction}")
        need(self.enrichment >= 1, f"enrichment must be >= 1 (1 = no selection), got {self.enrichment}")
        for name in ("mutation_rate", "decoy_rate", "second_motif_rate", "stem_swap"):
            v = getattr(self, name)
            need(0 <= v <= 1, f"{name} must be in [0, 1], got {v}")
        need(isinstance(self.motifs, tuple) and all(isinstance(m, Motif) for m in self.motifs),
             "motifs must be a tuple of Motif (see corpora.selex.motifs)")
        need(len(self.motifs) > 0 or self.binder_fraction == 0,
             "motifs is empty: give at least one Motif, or set binder_fraction=0")
        names = [m.name for m in self.motifs]
        need(len(set(names)) == len(names), f"motif names must be unique, got {names}")
        longest = max((len(m) for m in self.motifs), default=0)
        need(self.random_length >= longest,
             f"random_length {self.random_length} is shorter than the longest motif "
             f"({longest} nt); use random_length >= {longest}")

    @property
    def n_reads(self) -> int:
        return self.reads_per_round * (self.rounds + 1)

    @property
    def pool(self) -> int:
        """The binder pool size in effect."""
        return self.pool_size or 5 * self.reads_per_round

    @property
    def read_length(self) -> int:
        return len(self.primer5) + self.random_length + len(self.primer3)

    def binder_share(self, rnd: int) -> float:
        """Expected share of binders after ``rnd`` rounds: odds grow ``enrichment``-fold.

        >>> [round(SelexConfig().binder_share(r), 3) for r in range(4)]
        [0.1, 0.25, 0.5, 0.75]
        """
        odds = self.binder_fraction / (1 - self.binder_fraction) * self.enrichment ** rnd
        return odds / (1 + odds)

    def to_dict(self) -> dict:
        """JSON-ready settings (to save next to a library)."""
        return asdict(self)

    @classmethod
    def help(cls) -> dict[str, str]:
        """Field name -> help text."""
        return {f.name: f.metadata["help"] for f in cls.__dataclass_fields__.values()}

