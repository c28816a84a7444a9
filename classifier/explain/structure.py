"""Folds for the explanation: dot-brackets, element letters, and motif element shares.

Reads are folded with the project's cached ViennaRNA folding, with the tokenizer's
folding parameters (``tokenizer_lab.structure.reads``): the same folds the structure
tokenizers use, so a struct-* model's explanation shows the structure it was given.

>>> element_shares(["SSSHHHHSSS", "EEEEEEEEEE"], [(0, 0, 6), (1, 2, 4)])
{'hairpin loop': 0.375, 'stem': 0.375, 'other': 0.25, 'by_element': {'S': 0.375, 'H': 0.375, 'E': 0.25}}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def fold_reads(tokenizer, seqs: Sequence[str]) -> list[tuple[str, str]]:
    """(dot-bracket, element letters) of each normalised read (cached folds)."""
    from tokenizer_lab.structure import annotate
    from tokenizer_lab.structure.reads import structures

    return [(db, annotate(db)) for db in structures(list(seqs), tokenizer.spec)]


def element_shares(elements: Sequence[str], spans: Sequence[tuple[int, int, int]]) -> dict:
    """Share of the nucleotides of ``(read index, start, end)`` spans in each element.

    Groups: hairpin loop (H), stem (S), other (bulge, interior loop, multiloop,
    external loop, dangling end); ``by_element`` by bpRNA letter.
    """
    counts: Counter = Counter()
    for i, s, e in spans:
        counts.update(elements[i][max(0, s):max(0, e)])
    n = sum(counts.values())
    if not n:
        return {}
    share = {k: round(v / n, 4) for k, v in counts.items()}
    return {"hairpin loop": share.get("H", 0.0), "stem": share.get("S", 0.0),
            "other": round(1 - share.get("H", 0.0) - share.get("S", 0.0), 4),
            "by_element": share}
