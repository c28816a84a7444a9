"""Intrinsic tokenizer statistics recorded next to each run's accuracy.

- compression: tokens per sequence, and nucleotides per token over the random region
  (``random_region_nt_per_token``; ``tokenizer-lab stats``'s ``nt_per_token`` counts
  the whole read, primers included);
- structure alignment (``tokenizer_lab.structure.measures``): boundary F1 of token
  boundaries against folded structure-element boundaries, the share of tokens that
  cross such a boundary, hairpin loops captured as exactly one token, hairpin units
  (loop + closing helix) as one token / at most two whole tokens, and the share of
  tokens crossing a unit's end;
- motif recovery where the records carry ground truth (the simulator's planted
  motifs in ``Record.meta["motifs"]``): the share of motif occurrences that are
  exactly one token, and exactly the union of at most two whole tokens
  (:func:`tokenizer_lab.motif_recovery.motif_recovery`, the same numbers as ``tokenizer-lab stats``),
  and the planted hairpin motifs alone as exactly one token (``hairpin_motif_exact1``).

A statistic that cannot be computed is left out, never allowed to sink a run.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from tokenizer_lab.motif_recovery import motif_recovery

log = logging.getLogger(__name__)
STRUCTURE_KEYS = ("boundary_f1", "crossing_rate", "hairpin_exact1", "unit_exact1", "unit_exact2",
                  "unit_crossing")
MAX_FOLDED = 500  # folding is the costly part: score structure on a fixed prefix of test


def compression(tok, seqs: Sequence[str]) -> dict:
    """Mean tokens per sequence (model input length, primer tokens included, specials
    not) and nucleotides per token over the part outside the primers that the
    tokenizer strips or maps to one token, so a char tokenizer scores exactly 1."""
    n_tokens = [len(tok.tokenize(s)) for s in seqs]
    total = sum(n_tokens)
    out = {"tokens_per_seq": round(total / len(seqs), 3) if seqs else None}
    primers = getattr(tok, "primers", None)
    nt = body_tokens = 0
    for seq in seqs:
        norm = tok.normalize(seq) if hasattr(tok, "normalize") else seq
        lo, hi = primers.body(norm) if primers is not None else (0, len(norm))
        nt += hi - lo
        body_tokens += sum(1 for s, e in tok.token_spans(seq) if s >= lo and e <= hi)
    out["random_region_nt_per_token"] = round(nt / body_tokens, 4) if body_tokens else None
    return out


def intrinsic_stats(tok, records) -> dict:
    """All intrinsic statistics of ``tok`` on ``records`` (normally the test split)."""
    seqs = [r.seq for r in records]
    out = compression(tok, seqs)
    subset = list(records)[:MAX_FOLDED]
    try:
        from tokenizer_lab.structure.measures import tokenizer_structure_scores
        scores = tokenizer_structure_scores(tok, [r.seq for r in subset], workers=1)
        out.update({k: scores[k] for k in STRUCTURE_KEYS if k in scores})
    except ImportError:
        pass
    except Exception as exc:  # noqa: BLE001 - a statistic must never sink a finished run
        log.warning("structure statistics failed for %s: %s", tok.spec.algorithm, exc)
    truth = [[m for m in (r.meta or {}).get("motifs") or []
              if isinstance(m, dict) and "start" in m and "end" in m] for r in records]
    if any(truth):
        try:
            rec = motif_recovery(tok, zip(seqs, truth))
            out.update({"motif_exact1": rec["exact1"], "motif_exact2": rec["exact2"]})
            hp = rec["by_kind"].get("hairpin")
            if hp:
                out["hairpin_motif_exact1"] = hp["exact1"]
        except Exception as exc:  # noqa: BLE001
            log.warning("motif recovery failed for %s: %s", tok.spec.algorithm, exc)
    return out
