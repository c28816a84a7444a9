"""bpRNA-style structure elements from a dot-bracket string.

Each nucleotide gets one letter, as bpRNA (Danaee et al. 2018) does:

- ``S`` stem: paired bases;
- ``H`` hairpin loop: unpaired bases of a loop closed by one base pair;
- ``B`` bulge: a loop closed by two pairs with unpaired bases on one side only;
- ``I`` interior loop: a loop closed by two pairs with unpaired bases on both sides;
- ``M`` multiloop: unpaired bases of a loop closed by three or more pairs;
- ``X`` external loop: unpaired bases between two top-level stems;
- ``E`` dangling end: unpaired bases before the first or after the last pair (an
  unstructured sequence is all ``E``). This follows bpRNA exactly: there ``E`` is
  "end" and ``X`` "external loop".

``RNA.db_to_element_string`` gives one letter for bulges and interior loops alike;
here the loop is classified from the pair table. Besides the letter, every position
belongs to one element *instance* (stem 1, stem 2, hairpin 1...): :func:`segments`
cuts where the instance changes, so two stems that touch (``))((``) or a stem
interrupted by a bulge on the other strand are separate segments.

>>> annotate("((((...))))")
'SSSSHHHSSSS'
>>> annotate("..((((....)).))..")
'EESSSSHHHHSSBSSEE'
>>> segments("..((((....)).))..")
[(0, 2, 'E'), (2, 4, 'S'), (4, 6, 'S'), (6, 10, 'H'), (10, 12, 'S'), (12, 13, 'B'), (13, 15, 'S'), (15, 17, 'E')]
"""

from __future__ import annotations

from functools import lru_cache

ELEMENT_LETTERS = "SHBIMXE"
ELEMENT_NAMES = {"S": "stem", "H": "hairpin loop", "B": "bulge", "I": "interior loop",
                 "M": "multiloop", "X": "external loop", "E": "dangling end"}
_OPEN = "([{<"
_CLOSE = ")]}>"


def pair_table(structure: str) -> list[int]:
    """Partner of each position (0-based), -1 if unpaired; brackets ()[]{}<> are read.

    >>> pair_table("((.))")
    [4, 3, -1, 1, 0]
    >>> pair_table("(()")
    Traceback (most recent call last):
    ...
    ValueError: unbalanced dot-bracket: '(' at position 1 is never closed
    """
    pt = [-1] * len(structure)
    stacks: dict[str, list[int]] = {b: [] for b in _OPEN}
    for i, c in enumerate(structure):
        if c in _OPEN:
            stacks[c].append(i)
        elif c in _CLOSE:
            stack = stacks[_OPEN[_CLOSE.index(c)]]
            if not stack:
                raise ValueError(f"unbalanced dot-bracket: {c!r} at position {i + 1} has no opening bracket")
            j = stack.pop()
            pt[i], pt[j] = j, i
        elif c not in ".,:-_x":
            raise ValueError(f"unexpected character {c!r} at position {i + 1} of a dot-bracket string")
    for b, stack in stacks.items():
        if stack:
            raise ValueError(f"unbalanced dot-bracket: {b!r} at position {stack[-1] + 1} is never closed")
    return pt


def _loop(pt: list[int], i: int, j: int) -> tuple[list[int], list[int]]:
    """Unpaired positions and branch openings strictly inside the pair (i, j)."""
    unpaired, branches = [], []
    p = i + 1
    while p < j:
        q = pt[p]
        if q > p:
            branches.append(p)
            p = q + 1
        else:
            unpaired.append(p)
            p += 1
    return unpaired, branches


@lru_cache(maxsize=65536)
def element_instances(structure: str) -> tuple[tuple[str, int], ...]:
    """(letter, instance id) per position; ids are unique across the whole string.

    >>> [f"{a}{b}" for a, b in element_instances("(.)(.)")]
    ['S0', 'H2', 'S0', 'S1', 'H3', 'S1']
    """
    pt = pair_table(structure)
    n = len(pt)
    out: list[tuple[str, int] | None] = [None] * n
    # Stems: maximal stacks (i, j), (i+1, j-1), ... get one id.
    next_id = 0
    for i in range(n):
        j = pt[i]
        if j > i:
            if i > 0 and pt[i - 1] == j + 1 and j + 1 < n:
                out[i] = out[j] = out[i - 1]
            else:
                out[i] = out[j] = ("S", next_id)
                next_id += 1
    # Loops closed by a pair.
    for i in range(n):
        j = pt[i]
        if j <= i:
            continue
        unpaired, branches = _loop(pt, i, j)
        if not unpaired:
            continue
        if not branches:
            letter = "H"
        elif len(branches) == 1:
            k = branches[0]
            left, right = k > i + 1, pt[k] < j - 1
            letter = "I" if left and right else "B"
        else:
            letter = "M"
        for p in unpaired:
            out[p] = (letter, next_id)
        next_id += 1
    # External loop: ends are E, stretches between top-level stems X.
    ext_unpaired, branches = _loop(pt, -1, n)
    first = branches[0] if branches else n
    last = pt[branches[-1]] if branches else -1
    for p in ext_unpaired:
        if p < first:
            out[p] = ("E", next_id)
        elif p > last:
            out[p] = ("E", next_id + 1)
        else:
            out[p] = ("X", next_id + 2)
    return tuple(out)  # type: ignore[arg-type]


def annotate(structure: str) -> str:
    """One bpRNA element letter per position of a dot-bracket string.

    >>> annotate("((..((...))..((...))..))")
    'SSMMSSHHHSSMMSSHHHSSMMSS'
    >>> annotate("((..((...))...))")
    'SSIISSHHHSSIIISS'
    >>> annotate("......")
    'EEEEEE'
    """
    return "".join(letter for letter, _ in element_instances(structure))


def segments(structure: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Maximal runs of one element instance: [(start, end, letter)], end exclusive.

    ``start``/``end`` clip to a region (positions stay those of the whole string): the
    elements come from the whole fold, e.g. a read folded with its primers.

    >>> segments("((...))((...))")
    [(0, 2, 'S'), (2, 5, 'H'), (5, 7, 'S'), (7, 9, 'S'), (9, 12, 'H'), (12, 14, 'S')]
    >>> segments("((...))((...))", 3, 8)
    [(3, 5, 'H'), (5, 7, 'S'), (7, 8, 'S')]
    >>> segments("")
    []
    """
    inst = element_instances(structure)
    end = len(inst) if end is None else min(end, len(inst))
    out = []
    s = start
    for p in range(start + 1, end + 1):
        if p == end or inst[p] != inst[s]:
            out.append((s, p, inst[s][0]))
            s = p
    return out


def boundaries(structure: str) -> set[int]:
    """Inner cut points between element segments (0 < b < len).

    >>> sorted(boundaries("..((...))"))
    [2, 4, 7]
    """
    return {s for s, _, _ in segments(structure)[1:]}


def hairpin_loops(structure: str) -> list[tuple[int, int]]:
    """[start, end) of each hairpin loop.

    >>> hairpin_loops("((...))..((....))")
    [(2, 5), (11, 15)]
    """
    return [(s, e) for s, e, letter in segments(structure) if letter == "H"]
