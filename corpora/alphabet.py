"""Sequence normalisation: case, white space, T/U, IUPAC ambiguity letters.

T and U are one letter to this project: a DNA tokenizer reads RNA input and the
reverse. ``normalize`` writes the alphabet asked for.
"""

from __future__ import annotations

from enum import Enum

CANONICAL = frozenset("ACGTU")
AMBIGUOUS = frozenset("NRYSWKMBDHV")
GAPS = frozenset("-.")
ALPHABETS = ("dna", "rna", "auto")
IUPAC_POLICIES = ("reject", "drop", "keep")

_TO_RNA = str.maketrans("T", "U")
_TO_DNA = str.maketrans("U", "T")
_WS = str.maketrans("", "", " \t\r\n\v\f")


class Ambiguous(Enum):
    """What ``normalize`` tells the caller about an ambiguous sequence."""

    DROP = "drop"


class InvalidSequence(ValueError):
    """Raised by :func:`normalize`; readers add file and record and re-raise.

    ``reason`` is the message without the command-line ``hint``, for callers whose
    command has no such option.
    """

    def __init__(self, reason: str, hint: str = ""):
        super().__init__(f"{reason} ({hint})" if hint else reason)
        self.reason = reason


def to_rna(seq: str) -> str:
    """>>> to_rna("ACGT")
    'ACGU'
    """
    return seq.translate(_TO_RNA)


def to_dna(seq: str) -> str:
    """>>> to_dna("ACGU")
    'ACGT'
    """
    return seq.translate(_TO_DNA)


def allowed_letters(alphabet: str, iupac: str) -> str:
    """The letters a normalised sequence may hold, for error messages.

    >>> allowed_letters("rna", "reject")
    'ACGU'
    >>> allowed_letters("dna", "keep")
    'ACGT + IUPAC BDHKMNRSVWY'
    """
    base = {"rna": "ACGU", "dna": "ACGT"}.get(alphabet, "ACGTU")
    return base + (" + IUPAC " + "".join(sorted(AMBIGUOUS)) if iupac == "keep" else "")


def normalize(seq: str, alphabet: str = "auto", iupac: str = "reject") -> str | Ambiguous:
    """Upper-case, strip white space, write T or U, and apply the IUPAC policy.

    ``auto`` keeps whichever of T and U is in the majority (T on a tie).

    >>> normalize(" acgu\\nacgu ", "dna")
    'ACGTACGT'
    >>> normalize("ACGUUT", "auto")
    'ACGUUU'
    >>> normalize("ACNT", "dna", "drop")
    <Ambiguous.DROP: 'drop'>
    >>> normalize("AC1T", "dna")
    Traceback (most recent call last):
    ...
    corpora.alphabet.InvalidSequence: digit '1' at position 3; expected letters ACGT
    """
    if alphabet not in ALPHABETS:
        raise ValueError(f"alphabet must be one of {ALPHABETS}, got {alphabet!r}")
    if iupac not in IUPAC_POLICIES:
        raise ValueError(f"iupac policy must be one of {IUPAC_POLICIES}, got {iupac!r}")
    s = seq.translate(_WS).upper()
    if not s:
        raise InvalidSequence("empty sequence")
    bad = set(s) - CANONICAL
    if bad:
        _check_letters(s, bad, alphabet, iupac)
        if iupac == "drop" and bad & AMBIGUOUS:
            return Ambiguous.DROP
    if alphabet == "auto":
        alphabet = "rna" if s.count("U") > s.count("T") else "dna"
    return to_rna(s) if alphabet == "rna" else to_dna(s)


def _check_letters(s: str, bad: set[str], alphabet: str, iupac: str) -> None:
    for pos, ch in enumerate(s, 1):
        if ch not in bad:
            continue
        allowed = allowed_letters(alphabet, iupac)
        if ch.isdigit():
            raise InvalidSequence(f"digit {ch!r} at position {pos}; expected letters {allowed}")
        if ch in GAPS:
            raise InvalidSequence(
                f"gap {ch!r} at position {pos}; alignments are not read, remove gaps first")
        if ch in AMBIGUOUS:
            if iupac == "reject":
                raise InvalidSequence(f"ambiguous letter {ch!r} at position {pos}; expected {allowed}",
                                      "use --iupac drop or keep to accept such records")
            continue
        raise InvalidSequence(f"character {ch!r} at position {pos}; expected {allowed}")
