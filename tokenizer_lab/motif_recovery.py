"""Motif recovery: do planted motifs become whole tokens?

A motif occurrence is a half-open interval [start, end) of the sequence as the
tokenizer normalises it. For the token spans of that sequence (no specials):

- ``exact1``: one token spans exactly [start, end);
- ``exact2``: [start, end) is exactly one token, or two tokens (a, m) and (m, b) that
  meet with a = start and b = end, i.e. token boundaries at both motif ends and at
  most one boundary inside;
- ``inside1`` (looser, reported for context): one token contains [start, end),
  possibly with more nucleotides on either side;
- ``boundary`` precision/recall/F1: token cuts against the motif ends
  (:func:`tokenizer_lab.metrics.boundary_counts`), pooled over sequences.

Ground truth comes from ``Record.meta["motifs"]`` (``[{"name", "kind", "start",
"end"}]``, the simulator's annotation) or from a list of motif strings located in each
read by exact search (:func:`locate_motifs`, used for the RaptGen simulation whose
``multiple_motifs.txt`` lists the planted motifs, one per line, label = line index).

>>> recovered([(0, 3), (3, 5), (5, 9)], 3, 9)
{'exact1': False, 'exact2': True, 'inside1': False}
>>> locate_motifs("AACGTTACGT", {"m0": "ACGT"})
[{'name': 'm0', 'kind': 'planted', 'start': 1, 'end': 5}, {'name': 'm0', 'kind': 'planted', 'start': 6, 'end': 10}]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .errors import TokenizerError
from .metrics import boundary_counts, prf


def recovered(spans: Sequence[tuple[int, int]], start: int, end: int) -> dict[str, bool]:
    """Which of exact1 / exact2 / inside1 hold for the motif [start, end)."""
    spanset = set(spans)
    starts = {e for s, e in spans if s == start}
    exact1 = (start, end) in spanset
    exact2 = exact1 or any((m, end) in spanset for m in starts)
    inside1 = any(s <= start and end <= e for s, e in spans)
    return {"exact1": exact1, "exact2": exact2, "inside1": inside1}


def locate_motifs(seq: str, motifs: Mapping[str, str]) -> list[dict]:
    """Every exact occurrence (overlaps included) of each motif in ``seq``, by start."""
    found = []
    for name, motif in motifs.items():
        i = seq.find(motif)
        while i >= 0:
            found.append({"name": name, "kind": "planted", "start": i, "end": i + len(motif)})
            i = seq.find(motif, i + 1)
    return sorted(found, key=lambda m: (m["start"], m["end"], m["name"]))


def read_motif_list(path: str | Path, alphabet: str = "rna") -> dict[str, str]:
    """Motif strings, one per line (blank lines skipped): ``{"0": "ACUAC...", ...}``.

    T and U are written as the alphabet says; a split motif (``ACTAC|CCCTC``) is kept
    as its two halves, named ``"i.a"`` and ``"i.b"``.
    """
    p = Path(path)
    if not p.is_file():
        raise TokenizerError(f"{p}: no such motif file")
    other, mine = ("T", "U") if alphabet == "rna" else ("U", "T")
    out: dict[str, str] = {}
    index = 0
    for n, line in enumerate(p.read_text().splitlines(), 1):
        text = line.strip().upper().replace(other, mine)
        if not text:
            continue
        parts = text.split("|")
        bad = [c for c in "".join(parts) if c not in f"ACG{mine}N"]
        if bad:
            raise TokenizerError(f"{p}, line {n}: motif {text!r} has {bad[0]!r}; "
                                 f"expected the letters ACG{mine}")
        if len(parts) == 1:
            out[str(index)] = parts[0]
        else:
            out.update({f"{index}.{chr(97 + k)}": part for k, part in enumerate(parts)})
        index += 1
    if not out:
        raise TokenizerError(f"{p}: no motifs found (expected one motif per line)")
    return out


def motif_recovery(tok, items: Iterable[tuple[str, Sequence[Mapping]]]) -> dict:
    """Pool recovery over ``(sequence, motifs)`` pairs for one LabTokenizer.

    Returns counts and shares overall, per motif name and per motif kind (the
    simulator's ``hairpin``/``linear``); ``occurrences`` 0 means the corpus had no
    motif annotation.
    """
    total: dict[str, int] = defaultdict(int)
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    tp = n_pred = n_ref = 0
    for seq, motifs in items:
        if not motifs:
            continue
        norm = tok.normalize(seq)
        spans = [tuple(s) for s in tok.token_spans(norm)]
        ends = set()
        for m in motifs:
            hit = recovered(spans, int(m["start"]), int(m["end"]))
            ends.update((int(m["start"]), int(m["end"])))
            for key in ("occurrences", *hit):
                inc = 1 if key == "occurrences" else int(hit[key])
                total[key] += inc
                per[str(m["name"])][key] += inc
                kinds[str(m.get("kind", "planted"))][key] += inc
        a, b, c = boundary_counts(spans, ends, len(norm))
        tp, n_pred, n_ref = tp + a, n_pred + b, n_ref + c

    def shares(c: Mapping[str, int]) -> dict:
        n = c.get("occurrences", 0)
        return {"occurrences": n, **{k: round(c.get(k, 0) / n, 4) if n else 0.0
                                     for k in ("exact1", "exact2", "inside1")}}

    p, r, f = prf(tp, n_pred, n_ref)
    return {**shares(total), "boundary_precision": round(p, 4), "boundary_recall": round(r, 4),
            "boundary_f1": round(f, 4),
            "by_motif": {name: shares(c) for name, c in sorted(per.items())},
            "by_kind": {kind: shares(c) for kind, c in sorted(kinds.items())}}


__all__ = ["locate_motifs", "motif_recovery", "read_motif_list", "recovered"]
