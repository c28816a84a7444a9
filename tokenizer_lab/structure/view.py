"""What ``tokenizer-lab inspect`` shows about structure, for any tokenizer.

:func:`structure_of` folds a read (through the cache, with the tokenizer's folding
parameters), :func:`structure_tracks` gives the dot-bracket and the bpRNA element
letters that :func:`tokenizer_lab.inspect.inspect_sequence` lays out under the tokens,
and :func:`plot_tokenizer` draws the picture.

>>> from tokenizer_lab import train_tokenizer
>>> tok = train_tokenizer(["ACGUACGU"], algorithm="char", primers="keep")
>>> structure_tracks(tok, "GGGGAAACCCC")
{'structure': '((((...))))', 'elements': 'SSSSHHHSSSS', 'hairpins': '[[[[[[[[[[]'}
>>> is_structure_aware(tok)
False
"""

from __future__ import annotations

from pathlib import Path

from tokenizer_lab.structure.elements import annotate
from tokenizer_lab.structure.fold import FoldResult
from tokenizer_lab.structure.hairpins import unit_track
from tokenizer_lab.structure.parallel import fold_many


def structure_of(tokenizer, seq: str) -> FoldResult:
    """The MFE fold of ``seq`` as the tokenizer normalises it (cached)."""
    from tokenizer_lab.structure.reads import disk_cache, fold_params

    norm = tokenizer.normalize(seq)
    return fold_many([norm], fold_params(tokenizer.spec), cache=disk_cache() or False, workers=1)[0]


def structure_tracks(tokenizer, seq: str) -> dict[str, str]:
    """{"structure": dot-bracket, "elements": bpRNA letters, "hairpins": hairpin units
    as ``[[[...]``} of the normalised read (units with the tokenizer's ``max_internal``
    and ``min_stem``)."""
    fr = structure_of(tokenizer, seq)
    return {"structure": fr.structure, "elements": annotate(fr.structure),
            "hairpins": hairpin_track(tokenizer, fr.structure)}


def hairpin_track(tokenizer, structure: str) -> str:
    """The hairpin-unit line of a fold, with the tokenizer's unit settings."""
    return unit_track(structure, tokenizer.spec.max_internal, tokenizer.spec.min_stem)


def is_structure_aware(tokenizer) -> bool:
    """True for the struct-* tokenizers (their input is folded)."""
    from tokenizer_lab.structure.algorithms import Structured

    return isinstance(tokenizer.algorithm, Structured)


def plot_tokenizer(tokenizer, seq: str, out_path: str | Path, title: str | None = None) -> Path:
    """Draw ``seq`` folded, coloured by the tokenizer's tokens (PNG/SVG/PDF by extension)."""
    from tokenizer_lab.structure.plot import plot_tokenization

    fr = structure_of(tokenizer, seq)
    spans = tokenizer.token_spans(fr.seq)
    if title is None:
        title = (f"{tokenizer.spec.algorithm} (vocabulary {tokenizer.vocab_size}): {len(spans)} tokens; "
                 f"MFE {fr.mfe:.2f} kcal/mol")
    return plot_tokenization(fr.seq, fr.structure, spans, annotate(fr.structure), out_path, title=title,
                             hairpins=hairpin_track(tokenizer, fr.structure))
