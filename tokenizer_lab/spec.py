"""What to train: :class:`TokenizerSpec`, a frozen, validated, JSON-able config.

The spec is saved in ``lab.json`` next to the tokenizer, so an artifact says how it
was made.

>>> spec = TokenizerSpec(algorithm="kmer", k=3, stride=3, alphabet="dna")
>>> spec.letters
'ACGT'
>>> TokenizerSpec.from_dict(spec.to_dict()) == spec
True
>>> TokenizerSpec(algorithm="kmer", k=9)
Traceback (most recent call last):
...
ValueError: k must be between 1 and 8, got 9 (4**k k-mers are enumerated)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from corpora.alphabet import AMBIGUOUS
from labkit.config import check_choices

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")  # ids 0..4, always
PRIMER_TOKENS = ("[P5]", "[P3]")
PRIMER_MODES = ("auto", "keep", "strip", "token")
ALPHABETS = ("rna", "dna")
IUPAC = ("reject", "keep")
K_RANGE = (1, 8)
LEARNED = ("bpe", "wordpiece", "unigram")
UNITS = ("element", "hairpin")
#: Folding temperature in degrees Celsius unless set (ViennaRNA's own default): the spec's,
#: FoldParams' and `tokenizer-lab fold`'s.
FOLD_TEMPERATURE = 37.0


@dataclass(frozen=True)
class TokenizerSpec:
    """Settings of one tokenizer; every field is recorded in ``lab.json``."""

    algorithm: str = field(default="bpe", metadata={
        "help": "A registered algorithm: bpe/wordpiece/unigram are learned; kmer/char are "
                "enumerated; struct-* fold each read with ViennaRNA first."})
    vocab_size: int = field(default=512, metadata={
        "help": "Target vocabulary size, special tokens included (learned algorithms only; "
                "char and kmer vocabularies are enumerated)."})
    alphabet: str = field(default="rna", metadata={
        "help": "Letters the vocabulary is written in; T and U are read as one letter.",
        "choices": ALPHABETS})
    iupac: str = field(default="reject", metadata={
        "help": "'keep' adds the IUPAC ambiguity letters (N, R, Y...) as tokens.",
        "choices": IUPAC})
    k: int = field(default=3, metadata={
        "help": f"k-mer length (kmer only; {K_RANGE[0]} to {K_RANGE[1]})."})
    stride: int = field(default=1, metadata={
        "help": "kmer: 1 = overlapping k-mers (DNABERT); k = non-overlapping blocks (Nucleotide "
                "Transformer), the tail shorter than k emitted as single nucleotides."})
    min_frequency: int = field(default=2, metadata={
        "help": "bpe/wordpiece: a pair must occur this often to be merged."})
    max_token_length: int | None = field(default=None, metadata={
        "help": "Longest learned token in nucleotides.",
        "unset": "bpe/wordpiece unlimited, unigram 16"})
    seed: int = field(default=0, metadata={"help": "Seed of every random choice in training."})
    primers: str = field(default="auto", metadata={
        "help": "Constant flanks. auto: detect them and map them to [P5]/[P3] if found; keep: "
                "treat them as sequence; strip: remove them; token: map each to one token.",
        "choices": PRIMER_MODES})
    primer5: str | None = field(default=None, metadata={"help": "5' primer sequence.",
                                                        "unset": "detected"})
    primer3: str | None = field(default=None, metadata={"help": "3' primer sequence.",
                                                        "unset": "detected"})
    fold_temperature: float = field(default=FOLD_TEMPERATURE, metadata={
        "help": "struct-* only: folding temperature in degrees Celsius (ViennaRNA; the "
                "alphabet picks the energy set: RNA Turner 2004 or DNA Mathews 2004)."})
    unit: str = field(default="element", metadata={
        "help": "struct-bpe/struct-unigram: 'element' keeps every token inside one structure "
                "element; 'hairpin' lets a token span a whole hairpin unit (loop + closing "
                "helix) but never cross its ends (hairpin-vocab always uses hairpin units).",
        "choices": UNITS})
    max_internal: int = field(default=0, metadata={
        "help": "Hairpin units: extend through bulges and interior loops with at most this "
                "many unpaired nucleotides on each side (0: the closing helix only)."})
    min_stem: int = field(default=3, metadata={
        "help": "Hairpin units: at least this many base pairs, else the hairpin is no unit."})
    hairpin_tokens: int | None = field(default=None, metadata={
        "help": "hairpin-vocab: how many of the most frequent hairpins enter the vocabulary "
                "whole.", "unset": "half of vocab_size"})

    def __post_init__(self) -> None:
        if not isinstance(self.algorithm, str) or not self.algorithm:
            raise ValueError(f"algorithm must be a name such as 'bpe', got {self.algorithm!r}")
        check_choices(self)
        if not K_RANGE[0] <= self.k <= K_RANGE[1]:
            raise ValueError(f"k must be between {K_RANGE[0]} and {K_RANGE[1]}, got {self.k} "
                             "(4**k k-mers are enumerated)")
        if self.stride not in (1, self.k):
            raise ValueError(f"stride must be 1 (overlapping) or k={self.k} (non-overlapping), "
                             f"got {self.stride}")
        if not 0 <= self.fold_temperature <= 100:
            raise ValueError(f"fold_temperature must be between 0 and 100 C, got {self.fold_temperature}")
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}, got {self.unit!r}")
        if not 0 <= self.max_internal <= 10:
            raise ValueError(f"max_internal must be between 0 and 10, got {self.max_internal}")
        if self.min_stem < 1:
            raise ValueError(f"min_stem must be >= 1 base pair, got {self.min_stem}")
        if self.hairpin_tokens is not None and not 0 <= self.hairpin_tokens < self.vocab_size:
            raise ValueError(f"hairpin_tokens must be between 0 and vocab_size - 1, "
                             f"got {self.hairpin_tokens}")
        if self.min_frequency < 0:
            raise ValueError(f"min_frequency must be >= 0, got {self.min_frequency}")
        if self.max_token_length is not None and self.max_token_length < 1:
            raise ValueError(f"max_token_length must be >= 1 or None, got {self.max_token_length}")
        if not isinstance(self.vocab_size, int) or self.vocab_size < 1:
            raise ValueError(f"vocab_size must be a positive integer, got {self.vocab_size!r}")
        for name in ("primer5", "primer3"):
            value = getattr(self, name)
            if value is not None and (not value or set(value.upper()) - set("ACGTU")):
                raise ValueError(f"{name} must be a nucleotide string (ACGT/U), got {value!r}")
        if self.algorithm in LEARNED and self.vocab_size < self.min_vocab_size:
            raise ValueError(
                f"vocab_size {self.vocab_size} is smaller than the alphabet plus special tokens "
                f"({self.min_vocab_size} for {self.algorithm} with {self.alphabet}"
                f"{' + IUPAC' if self.iupac == 'keep' else ''}); use at least {self.min_vocab_size}")

    @property
    def letters(self) -> str:
        """The vocabulary's letters: ACGU or ACGT, plus IUPAC ambiguity letters with iupac=keep."""
        base = "ACGU" if self.alphabet == "rna" else "ACGT"
        return base + ("".join(sorted(AMBIGUOUS)) if self.iupac == "keep" else "")

    @property
    def min_vocab_size(self) -> int:
        """Specials + primer tokens + letters (wordpiece also needs each ##letter)."""
        n = len(SPECIAL_TOKENS) + len(PRIMER_TOKENS) + len(self.letters)
        return n + len(self.letters) if self.algorithm == "wordpiece" else n

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TokenizerSpec":
        """Build from ``lab.json``'s ``spec``; unknown keys are an error (a foreign file)."""
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown spec fields {sorted(unknown)}; expected some of {sorted(names)}")
        return cls(**data)


__all__ = ["TokenizerSpec", "SPECIAL_TOKENS", "PRIMER_TOKENS", "PRIMER_MODES", "LEARNED", "UNITS"]
