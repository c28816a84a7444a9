"""Constant primers of SELEX reads: detect them, and keep, strip or tokenize them.

A SELEX library is a random region between two constant primers. Left in, the
primers are the most frequent substrings of the corpus and BPE spends its longest
tokens on them. :func:`detect_flanks` finds a constant 5' prefix and 3' suffix (the
longest one shared by at least ``share`` of the reads, at least ``min_length`` nt);
:func:`resolve` turns the spec's ``primers`` mode into a :class:`Primers`. A primer is
matched exactly and only at its end of the read; a read with a mutated primer keeps
it as sequence.

>>> reads = ["GGGAGACAAGAAUAAACGCUCAA" + r + "UUCGACAGGAGGCUCACAACAGGC"
...          for r in ("ACGU", "UUAG", "CCGA", "GAUC", "AAAA", "CGCG") * 5]
>>> detect_flanks(reads)
('GGGAGACAAGAAUAAACGCUCAA', 'UUCGACAGGAGGCUCACAACAGGC')
>>> p = Primers("token", "GGGAGACAAGAAUAAACGCUCAA", "UUCGACAGGAGGCUCACAACAGGC")
>>> p.body(reads[0]), p.tokens()[0][0]
((23, 27), '[P5]')
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .spec import PRIMER_TOKENS, TokenizerSpec

log = logging.getLogger(__name__)
MIN_READS = 20  # fewer reads say nothing about what is constant
SAMPLE = 50_000  # detection looks at the first reads only; primers are in every read


@dataclass(frozen=True)
class Primers:
    """The resolved primer handling: mode keep, strip or token, and the two flanks."""

    mode: str = "keep"
    five: str | None = None
    three: str | None = None
    detected: bool = False

    def active(self) -> bool:
        return self.mode in ("strip", "token") and bool(self.five or self.three)

    def replacements(self) -> list[tuple[str, str, str]]:
        """(token, sequence, 'start'|'end') for each primer that is stripped or tokenized."""
        if not self.active():
            return []
        out = []
        if self.five:
            out.append((PRIMER_TOKENS[0], self.five, "start"))
        if self.three:
            out.append((PRIMER_TOKENS[1], self.three, "end"))
        return out

    def tokens(self) -> list[tuple[str, str]]:
        """(token, primer sequence) of the primer tokens in the vocabulary (mode token)."""
        if self.mode != "token":
            return []
        return [(tok, seq) for tok, seq, _ in self.replacements()]

    def body(self, seq: str) -> tuple[int, int]:
        """[start, end) of ``seq`` without the primers that are stripped or tokenized.

        >>> Primers("strip", "AAA", "CC").body("AAAGUGCC"), Primers("keep", "AAA").body("AAAG")
        ((3, 6), (0, 4))
        """
        start, end = 0, len(seq)
        if not self.active():
            return start, end
        if self.five and seq.startswith(self.five):
            start = len(self.five)
        if self.three and seq.endswith(self.three) and end - len(self.three) >= start:
            end -= len(self.three)
        return start, end

    def to_dict(self) -> dict:
        return {"mode": self.mode, "primer5": self.five, "primer3": self.three,
                "detected": self.detected,
                "tokens": {tok: seq for tok, seq in self.tokens()}}

    @classmethod
    def from_dict(cls, data: dict) -> "Primers":
        return cls(data["mode"], data.get("primer5"), data.get("primer3"),
                   bool(data.get("detected")))


def _flank(seqs: Sequence[str], share: float, min_length: int, reverse: bool) -> str | None:
    """The longest prefix (suffix if reverse) shared by >= share of all reads."""
    need = share * len(seqs)
    reads = [s[::-1] for s in seqs] if reverse else list(seqs)
    common = Counter(s[:min_length] for s in reads if len(s) >= min_length).most_common(1)
    if not common or common[0][1] < need:
        return None
    top = common[0][0]
    flank = top
    while True:
        nxt = Counter(s[len(flank)] for s in reads
                      if len(s) > len(flank) and s.startswith(flank)).most_common(1)
        if not nxt or nxt[0][1] < need:
            break
        flank += nxt[0][0]
    return flank[::-1] if reverse else flank


def detect_flanks(seqs: Sequence[str], share: float = 0.9,
                  min_length: int = 10) -> tuple[str | None, str | None]:
    """Constant 5' and 3' flanks of a read set, or None where there is none.

    A flank is kept only if the reads it is found in still have a variable region
    between the two flanks (so a corpus of one repeated read has no primers).

    >>> detect_flanks(["ACGUACGUAC" + x for x in ("A", "C", "G", "U")] * 5)
    ('ACGUACGUAC', None)
    >>> detect_flanks(["ACGU", "CCGA"] * 10)
    (None, None)
    """
    if len(seqs) < MIN_READS:
        return None, None
    seqs = seqs[:SAMPLE]
    five = _flank(seqs, share, min_length, reverse=False)
    three = _flank(seqs, share, min_length, reverse=True)
    flank_len = len(five or "") + len(three or "")
    with_body = sum(1 for s in seqs if len(s) > flank_len)
    if (five or three) and with_body < share * len(seqs):
        if five and three and sum(1 for s in seqs if len(s) > len(five)) >= share * len(seqs):
            return five, None
        return None, None
    return five, three


def resolve(spec: TokenizerSpec, seqs: Sequence[str]) -> Primers:
    """Apply the spec's primer mode to a normalised corpus.

    auto: given or detected primers become tokens; with none found, keep.
    strip/token: given primers, or detected ones. keep: sequences are left alone.
    """
    conv = (lambda s: s.upper().replace("T", "U")) if spec.alphabet == "rna" else \
        (lambda s: s.upper().replace("U", "T"))
    five = conv(spec.primer5) if spec.primer5 else None
    three = conv(spec.primer3) if spec.primer3 else None
    if spec.primers == "keep":
        return Primers("keep", five, three, False)
    detected = False
    if five is None and three is None:
        five, three = detect_flanks(seqs)
        detected = bool(five or three)
        if detected:
            log.info("detected constant primers: 5' %s, 3' %s", five, three)
    mode = spec.primers
    if mode == "auto":
        mode = "token" if (five or three) else "keep"
    elif not (five or three):
        log.warning("primers=%s but no constant flank found (>= 90%% of reads, >= 10 nt); "
                    "sequences are kept whole", mode)
    return Primers(mode, five, three, detected)


__all__ = ["Primers", "detect_flanks", "resolve"]
