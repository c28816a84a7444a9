"""Hairpin units: a hairpin loop with its closing helix, as one contiguous span.

A *hairpin unit* starts at the hairpin loop of a fold (a loop closed by one base pair,
bpRNA ``H``) and grows outwards through the helix that closes it, one stacked pair at
a time. With ``max_internal`` N > 0 it also crosses a bulge or an interior loop that
has at most N unpaired nucleotides on each side and goes on through the next helix;
it stops at a multiloop, the exterior loop or a larger internal loop. A unit is kept
when it holds at least ``min_stem`` base pairs. The unit is the half-open interval
[5' end of the outermost pair, 3' end + 1): 5' strand, loop, 3' strand, and whatever
bulges it crossed, one contiguous stretch of the read. Units never overlap (each is
a chain of single-branch loops ending in its own hairpin loop).

>>> hairpin_units("..((((....))))..")
[(2, 14)]
>>> hairpin_units("((((...))).)")           # a bulge: crossed only with max_internal >= 1
[(1, 10)]
>>> hairpin_units("((((...))).)", max_internal=1)
[(0, 12)]
>>> hairpin_units("(((..)))", min_stem=4)    # too short a stem: no unit
[]
>>> unit_track("..((((....))))..")
'..[[[[[[[[[[[]..'
"""

from __future__ import annotations

from functools import lru_cache

from tokenizer_lab.structure.elements import pair_table, segments

DEFAULT_MAX_INTERNAL = 0
DEFAULT_MIN_STEM = 3


def _outer(pt: list[int], a: int, b: int, max_internal: int) -> tuple[int, int] | None:
    """The pair enclosing (a, b) across a stack, bulge or interior loop of at most
    ``max_internal`` unpaired nucleotides a side, or None."""
    n = len(pt)
    p = a - 1
    while p >= 0 and pt[p] == -1 and a - 1 - p <= max_internal:
        p -= 1
    q = b + 1
    while q < n and pt[q] == -1 and q - b - 1 <= max_internal:
        q += 1
    if p < 0 or q >= n or pt[p] != q:
        return None
    if a - 1 - p > max_internal or q - b - 1 > max_internal:
        return None
    return p, q


@lru_cache(maxsize=65536)
def hairpin_units(structure: str, max_internal: int = DEFAULT_MAX_INTERNAL,
                  min_stem: int = DEFAULT_MIN_STEM) -> list[tuple[int, int]]:
    """[start, end) of each hairpin unit of a dot-bracket string, 5' to 3'.

    >>> hairpin_units("((..(((...)))..(((...)))..))")   # two hairpins in a multiloop
    [(4, 13), (15, 24)]
    >>> hairpin_units("......")
    []
    """
    if max_internal < 0 or min_stem < 1:
        raise ValueError(f"max_internal must be >= 0 and min_stem >= 1, got {max_internal}, {min_stem}")
    pt = pair_table(structure)
    units = []
    for i, j in enumerate(pt):
        if j <= i or any(pt[p] != -1 for p in range(i + 1, j)):
            continue  # not the pair that closes a hairpin loop
        a, b, pairs = i, j, 1
        while (nxt := _outer(pt, a, b, max_internal)) is not None:
            a, b = nxt
            pairs += 1
        if pairs >= min_stem:
            units.append((a, b + 1))
    return sorted(units)


def unit_segments(structure: str, start: int = 0, end: int | None = None,
                  max_internal: int = DEFAULT_MAX_INTERNAL,
                  min_stem: int = DEFAULT_MIN_STEM) -> list[tuple[int, int, str]]:
    """Pieces of ``[start, end)``: each hairpin unit whole (letter ``U``), element
    segments (bpRNA letters) outside units. A unit cut by ``start``/``end`` (e.g. one
    that pairs with a primer) keeps the part inside.

    >>> unit_segments("..((((....))))..((...))")
    [(0, 2, 'E'), (2, 14, 'U'), (14, 16, 'X'), (16, 18, 'S'), (18, 21, 'H'), (21, 23, 'S')]
    >>> unit_segments("..((((....))))..", 4, 16)
    [(4, 14, 'U'), (14, 16, 'E')]
    """
    end = len(structure) if end is None else min(end, len(structure))
    out: list[tuple[int, int, str]] = []
    pos = start
    for us, ue in hairpin_units(structure, max_internal, min_stem):
        us, ue = max(us, start), min(ue, end)
        if us >= ue:
            continue
        if pos < us:
            out += segments(structure, pos, us)
        out.append((us, ue, "U"))
        pos = ue
    if pos < end:
        out += segments(structure, pos, end)
    return out


def unit_track(structure: str, max_internal: int = DEFAULT_MAX_INTERNAL,
               min_stem: int = DEFAULT_MIN_STEM) -> str:
    """One character per position: ``[`` ... ``]`` over each unit (its last
    position ``]``), ``.`` elsewhere; the line ``inspect`` shows under the elements.

    >>> unit_track("((.))((.))")
    '..........'
    >>> unit_track("((.))((.))", min_stem=2)
    '[[[[][[[[]'
    """
    track = ["."] * len(structure)
    for s, e in hairpin_units(structure, max_internal, min_stem):
        track[s:e] = "[" * (e - s - 1) + "]"
    return "".join(track)


__all__ = ["DEFAULT_MAX_INTERNAL", "DEFAULT_MIN_STEM", "hairpin_units", "unit_segments",
           "unit_track"]
