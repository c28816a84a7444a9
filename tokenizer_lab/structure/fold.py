"""Minimum free energy folding with ViennaRNA, with explicit folding parameters.

ViennaRNA keeps its energy parameter set (RNA Turner 2004 or DNA Mathews 2004) in
global state, copied into each ``fold_compound`` when it is built. This module is the
only place that switches it: :func:`energy_set` loads the set a :class:`FoldParams`
asks for, under a lock, and always restores ViennaRNA's default RNA set afterwards, so
the rest of the process (and worker processes, which call the same function) never
sees a switched set.

>>> r = fold("GGGGAAACCCC")
>>> r.structure, r.mfe
('((((...))))', -4.5)
>>> fold("GGGGAAACCCC", FoldParams(material="dna")).mfe
-2.0
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

import RNA

from corpora.alphabet import to_rna
from tokenizer_lab.spec import FOLD_TEMPERATURE
from labkit.limits import MAX_FOLD_NT

from ..errors import TokenizerError

VIENNA_VERSION = RNA.__version__
MATERIALS = ("rna", "dna")
_LOADERS = {"rna": RNA.params_load_RNA_Turner2004, "dna": RNA.params_load_DNA_Mathews2004}
_LOCK = threading.RLock()


@dataclass(frozen=True)
class FoldParams:
    """How to fold: energy parameters, temperature and the primers' role.

    ``primer5``/``primer3`` are the library's constant regions. With
    ``include_primers=True`` (the default) a read is folded as it is. With
    ``include_primers=False``, a read that starts with ``primer5`` (ends with
    ``primer3``) has that part left out of folding: it is reported unpaired ('.')
    and the random region is folded on its own.

    >>> FoldParams(material="dna", temperature=25).energy_key()
    'vrna=2.8.0;material=dna;T=25.0;dangles=2;noLP=0'
    >>> FoldParams(material="protein")
    Traceback (most recent call last):
    ...
    ValueError: material must be 'rna' or 'dna' (energy parameters: Turner 2004 or Mathews 2004), got 'protein'
    """

    temperature: float = FOLD_TEMPERATURE
    """Folding temperature in degrees Celsius (0-100)."""
    material: str = "rna"
    """'rna' (Turner 2004 parameters) or 'dna' (Mathews 2004 parameters)."""
    dangles: int = 2
    """ViennaRNA dangling-end model: 0, 1, 2 (default, as RNAfold -d2) or 3."""
    no_lp: bool = False
    """Forbid lonely (isolated) base pairs, as RNAfold --noLP."""
    include_primers: bool = True
    """Fold the primers with the random region (True) or leave them out (False)."""
    primer5: str = ""
    """5' constant region (any case; T or U)."""
    primer3: str = ""
    """3' constant region (any case; T or U)."""

    def __post_init__(self):
        object.__setattr__(self, "temperature", float(self.temperature))
        if self.material not in MATERIALS:
            raise ValueError("material must be 'rna' or 'dna' (energy parameters: Turner 2004 "
                             f"or Mathews 2004), got {self.material!r}")
        if not 0.0 <= self.temperature <= 100.0:
            raise ValueError(f"temperature must be between 0 and 100 degrees Celsius, got {self.temperature}")
        if self.dangles not in (0, 1, 2, 3):
            raise ValueError(f"dangles must be 0, 1, 2 or 3 (RNAfold -d), got {self.dangles!r}")
        for name in ("primer5", "primer3"):
            p = to_rna(getattr(self, name).upper())
            if set(p) - set("ACGU"):
                raise ValueError(f"{name} must hold only A, C, G, T/U, got {getattr(self, name)!r}")
            object.__setattr__(self, name, p)

    def energy_key(self) -> str:
        """Everything that changes a fold of a given string: the cache key's prefix."""
        return (f"vrna={VIENNA_VERSION};material={self.material};T={self.temperature};"
                f"dangles={self.dangles};noLP={int(self.no_lp)}")

    def to_dict(self) -> dict:
        """Plain dict for lab.json; ``FoldParams(**d)`` reads it back."""
        return asdict(self)

    def model_details(self) -> RNA.md:
        md = RNA.md()
        md.temperature = self.temperature
        md.dangles = self.dangles
        md.noLP = int(self.no_lp)
        return md

    def folded_region(self, seq: str) -> tuple[int, int]:
        """[start, end) of ``seq`` that takes part in folding.

        >>> FoldParams(include_primers=False, primer5="GG", primer3="CC").folded_region("GGAUACC")
        (2, 5)
        >>> FoldParams(primer5="GG", primer3="CC").folded_region("GGAUACC")
        (0, 7)
        """
        start, end = 0, len(seq)
        if not self.include_primers:
            s = to_rna(seq.upper())
            if self.primer5 and s.startswith(self.primer5):
                start = len(self.primer5)
            if self.primer3 and s.endswith(self.primer3) and end - len(self.primer3) >= start:
                end -= len(self.primer3)
        return start, end


@dataclass(frozen=True)
class FoldResult:
    """A sequence's MFE structure (dot-bracket, same length) and energy in kcal/mol."""

    seq: str
    structure: str
    mfe: float


@contextlib.contextmanager
def energy_set(material: str) -> Iterator[None]:
    """Load ``material``'s energy parameters for the block, then restore the RNA default."""
    with _LOCK:
        _LOADERS[material]()
        try:
            yield
        finally:
            RNA.params_load_RNA_Turner2004()


def fold_strings(strings: Sequence[str], params: FoldParams) -> list[tuple[str, float]]:
    """Fold each string whole (no primer handling): [(dot-bracket, mfe)].

    This is the unit of work the cache and the worker processes share; a string longer
    than MAX_FOLD_NT is refused before any is folded (folding is cubic in the length).
    """
    for s in strings:
        if len(s) > MAX_FOLD_NT:
            raise TokenizerError(f"sequence {s[:30]!r}...: {len(s)} nt to fold; folding takes "
                                 f"at most {MAX_FOLD_NT} nt (see README 'Limits'); use a "
                                 "tokenizer that does not fold for longer reads")
    md = params.model_details()
    out = []
    with energy_set(params.material):
        for s in strings:
            structure, mfe = RNA.fold_compound(s, md).mfe()
            out.append((structure, round(mfe, 2)))
    return out


def fold_key_string(seq: str, params: FoldParams) -> str:
    """The part of ``seq`` that is folded, normalised (upper case, U) for the cache."""
    start, end = params.folded_region(seq)
    return to_rna(seq[start:end].upper())


def assemble(seq: str, params: FoldParams, structure: str, mfe: float) -> FoldResult:
    """Put the folded region's structure back into the whole read (primers as '.')."""
    start, end = params.folded_region(seq)
    return FoldResult(seq, "." * start + structure + "." * (len(seq) - end), mfe)


def fold(seq: str, params: FoldParams | None = None) -> FoldResult:
    """Fold one sequence now, without the cache (see ``fold_many`` for corpora)."""
    params = params or FoldParams()
    key = fold_key_string(seq, params)
    structure, mfe = fold_strings([key], params)[0] if key else ("", 0.0)
    return assemble(seq, params, structure, mfe)
