"""Structure-aware text: element pieces separated by spaces, or a joint alphabet.

Two input forms for the structure-aware tokenizers' HuggingFace files:

- ``segmented`` (struct-bpe, struct-unigram, struct-wordpiece): the sequence cut at
  structure-element boundaries (:func:`tokenizer_lab.structure.elements.segments`),
  pieces separated by one space. A whitespace pre-tokenizer keeps every token inside
  one piece.
- ``joint`` (struct-alphabet): one character per nucleotide that stands for the pair
  (base, element), as SaProt pairs residues with structure states. The table keeps the
  base readable: stem = ``ACGU``, hairpin = ``acgu``, bulge = circled ``ⒶⒸⒼⓊ``,
  interior loop = circled ``ⓐⓒⓖⓤ``, multiloop = fullwidth ``ＡＣＧＵ``, external
  loop = fullwidth ``ａｃｇｕ``, dangling end = parenthesised ``⒜⒞⒢⒰``. T is written as
  U (the table is the same for DNA and RNA tokenizers; :func:`joint_decode` gives T
  back on request).

Both come with a character map: for each character of the text, the [start, end) of
the raw sequence it stands for, or None for a separator.

>>> segment_text("GGGGAAACCCC", "((((...))))")
('GGGG AAA CCCC', [(0, 1), (1, 2), (2, 3), (3, 4), None, (4, 5), (5, 6), (6, 7), None, (7, 8), (8, 9), (9, 10), (10, 11)])
>>> joint_encode("GGGAAACCCAA", "SSSHHHSSSEE")
'GGGaaaCCC⒜⒜'
>>> joint_decode("GGGaaaCCC⒜⒜")
('GGGAAACCCAA', 'SSSHHHSSSEE')
"""

from __future__ import annotations

from tokenizer_lab.structure.elements import ELEMENT_LETTERS, segments

BASES = "ACGU"
_BLOCKS = {
    "S": "ACGU",
    "H": "acgu",
    "B": "".join(chr(0x24B6 + ord(b) - ord("A")) for b in BASES),   # circled capitals
    "I": "".join(chr(0x24D0 + ord(b) - ord("A")) for b in BASES),   # circled small letters
    "M": "".join(chr(0xFF21 + ord(b) - ord("A")) for b in BASES),   # fullwidth capitals
    "X": "".join(chr(0xFF41 + ord(b) - ord("A")) for b in BASES),   # fullwidth small letters
    "E": "".join(chr(0x249C + ord(b) - ord("A")) for b in BASES),   # parenthesised small letters
}
JOINT = {(b, e): _BLOCKS[e][i] for e in ELEMENT_LETTERS for i, b in enumerate(BASES)}
"""(base, element letter) -> one character; 28 in all."""
_BACK = {c: be for be, c in JOINT.items()}
JOINT_ALPHABET = "".join(JOINT[(b, e)] for e in ELEMENT_LETTERS for b in BASES)


def segment_text(seq: str, structure: str, start: int = 0, end: int | None = None,
                 pieces: list[tuple[int, int, str]] | None = None,
                 ) -> tuple[str, list[tuple[int, int] | None]]:
    """Pieces of ``seq[start:end]`` at element boundaries joined by spaces, and the map.

    The map gives positions in the whole ``seq``. ``pieces`` ([(start, end, letter)],
    e.g. :func:`tokenizer_lab.structure.hairpins.unit_segments`) replaces the element
    segments.

    >>> segment_text("GGGGAAACCCC", "((((...))))", 2, 6)[0]
    'GG AA'
    >>> segment_text("AGGGGAAACCCC", ".((((...))))", pieces=[(0, 1, "E"), (1, 12, "U")])[0]
    'A GGGGAAACCCC'
    """
    if len(seq) != len(structure):
        raise ValueError(f"structure has {len(structure)} characters for a {len(seq)}-nt sequence")
    parts, cmap = [], []
    if pieces is None:
        pieces = segments(structure, start, end)
    for k, (s, e, _) in enumerate(pieces):
        if k:
            parts.append(" ")
            cmap.append(None)
        parts.append(seq[s:e])
        cmap.extend((p, p + 1) for p in range(s, e))
    return "".join(parts), cmap


def joint_encode(seq: str, elements: str) -> str:
    """One joint character per (base, element); T and U both map to the U column.

    >>> joint_encode("ACGT", "BIMX")
    'ⒶⓒＧｕ'
    """
    if len(seq) != len(elements):
        raise ValueError(f"{len(elements)} element letters for a {len(seq)}-nt sequence")
    try:
        return "".join(JOINT[("U" if b in "Tt" else b.upper(), e)] for b, e in zip(seq, elements))
    except KeyError as exc:
        raise ValueError(f"no joint character for (base, element) {exc.args[0]!r}; bases are "
                         f"A, C, G, T/U and elements {ELEMENT_LETTERS}") from None


def joint_decode(text: str, dna: bool = False) -> tuple[str, str]:
    """Joint characters back to (sequence, element letters); other characters are skipped.

    >>> joint_decode("Ⓐ ⓒ", dna=True)
    ('AC', 'BI')
    """
    pairs = [_BACK[c] for c in text if c in _BACK]
    seq = "".join(b for b, _ in pairs)
    return (seq.replace("U", "T") if dna else seq), "".join(e for _, e in pairs)
