"""One token per nucleotide: the baseline every tokenizer study needs.

The vocabulary is the alphabet (ACGU or ACGT, plus IUPAC letters with iupac=keep);
``ACGU`` -> ``A C G U``. It is the k-mer algorithm with k=1, whatever the spec's k.
"""

from __future__ import annotations

from ..spec import TokenizerSpec
from .registry import register
from .kmer import Kmer


@register
class Char(Kmer):
    name = "char"

    def k(self, spec: TokenizerSpec) -> int:
        return 1


__all__ = ["Char"]
