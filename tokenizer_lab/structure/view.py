"""What ``tokenizer-lab inspect`` shows about structure, for any tokenizer.

:func:`structure_of` folds a read (through the cache, with the tokenizer's folding
parameters), :func:`aligned_lines` writes the tokens with the dot-bracket and the
bpRNA element letters aligned under them, and :func:`plot_tokenizer` draws the
picture.

>>> print("\\n".join(aligned("GGGGAAACCCC", "((((...))))", [(0, 4), (4, 7), (7, 11)])))
sequence   GGGG AAA CCCC
structure  (((( ... ))))
elements   SSSS HHH SSSS
"""

from __future__ import annotations

from pathlib import Path

from tokenizer_lab.structure.elements import annotate
from tokenizer_lab.structure.fold import FoldResult
from tokenizer_lab.structure.parallel import fold_many

LABEL = 11


def structure_of(tokenizer, seq: str) -> FoldResult:
    """The MFE fold of ``seq`` as the tokenizer normalises it (cached)."""
    from tokenizer_lab.structure.reads import disk_cache, fold_params

    norm = tokenizer.normalize(seq)
    return fold_many([norm], fold_params(tokenizer.spec), cache=disk_cache() or False, workers=1)[0]


def structure_tracks(tokenizer, seq: str) -> dict[str, str]:
    """{"structure": dot-bracket, "elements": bpRNA letters} of the normalised read, for
    ``tokenizer_lab.inspect.inspect_sequence(..., tracks=...)``."""
    fr = structure_of(tokenizer, seq)
    return {"structure": fr.structure, "elements": annotate(fr.structure)}


def is_structure_aware(tokenizer) -> bool:
    """True for the struct-* tokenizers (their input is folded)."""
    from tokenizer_lab.structure.algorithms import Structured

    return isinstance(tokenizer.algorithm, Structured)


def aligned(seq: str, structure: str, spans: list[tuple[int, int]]) -> list[str]:
    """Three lines, one column block per token; overlapping spans (k-mers with stride 1)
    cannot be cut apart, so the lines are then left whole."""
    cuts = [(s, e) for s, e in spans]
    tiles = all(a[1] == b[0] for a, b in zip(cuts, cuts[1:])) and cuts and cuts[0][0] == 0 \
        and cuts[-1][1] == len(seq)
    elements = annotate(structure)
    rows = [("sequence", seq), ("structure", structure), ("elements", elements)]
    if not tiles:
        return [f"{name:<{LABEL}}{text}" for name, text in rows]
    return [f"{name:<{LABEL}}" + " ".join(text[s:e] for s, e in cuts) for name, text in rows]


def aligned_lines(tokenizer, seq: str) -> list[str]:
    """Tokens, then sequence, dot-bracket and elements aligned under them, and the MFE."""
    fr = structure_of(tokenizer, seq)
    spans = tokenizer.token_spans(fr.seq)
    tokens = tokenizer.tokenize(fr.seq)
    lines = aligned(fr.seq, fr.structure, spans)
    if len(lines) == 3 and " " in lines[0][LABEL:]:
        widths = [e - s for s, e in spans]
        shown = [t if len(t) <= w else t[:w] for t, w in zip(tokens, widths)]
        lines.insert(0, f"{'tokens':<{LABEL}}" + " ".join(f"{t:<{w}}" for t, w in zip(shown, widths)))
    lines.append(f"{'mfe':<{LABEL}}{fr.mfe:.2f} kcal/mol")
    return lines


def plot_tokenizer(tokenizer, seq: str, out_path: str | Path, title: str | None = None) -> Path:
    """Draw ``seq`` folded, coloured by the tokenizer's tokens (PNG/SVG/PDF by extension)."""
    from tokenizer_lab.structure.plot import plot_tokenization

    fr = structure_of(tokenizer, seq)
    spans = tokenizer.token_spans(fr.seq)
    if title is None:
        title = (f"{tokenizer.spec.algorithm} (vocabulary {tokenizer.vocab_size}): {len(spans)} tokens; "
                 f"MFE {fr.mfe:.2f} kcal/mol")
    return plot_tokenization(fr.seq, fr.structure, spans, annotate(fr.structure), out_path, title=title)
