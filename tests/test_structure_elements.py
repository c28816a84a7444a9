"""bpRNA-style annotation on hand-checked structures."""

from __future__ import annotations

import pytest

from tokenizer_lab.structure import annotate, boundaries, fold, hairpin_loops, pair_table, segments


@pytest.mark.parametrize("structure, expected", [
    # plain hairpin with dangling ends
    ("..((((....))))..", "EESSSSHHHHSSSSEE"),
    # bulge on the 5' strand (one unpaired base between stacked pairs)
    ("(((.((....))))).", "SSSBSSHHHHSSSSSE"),
    # bulge on the 3' strand
    ("(((((....)).)))", "SSSSSHHHHSSBSSS"),
    # interior loop: 2 x 3 unpaired
    ("((..((....))...))", "SSIISSHHHHSSIIISS"),
    # 1x1 interior loop (a mismatch) is still an interior loop
    ("((.((...)).))", "SSISSHHHSSISS"),
    # multiloop closed by three pairs, with external loop between two top-level stems
    ("((.((...)).((...)).))..((...))", "SSMSSHHHSSMSSHHHSSMSSXXSSHHHSS"),
    # multiloop with no unpaired bases on one stretch
    ("((((...))((...))))", "SSSSHHHSSSSHHHSSSS"),
    # unstructured
    ("..........", "EEEEEEEEEE"),
    ("", ""),
])
def test_annotation_on_hand_checked_structures(structure, expected):
    assert annotate(structure) == expected


def test_segments_split_touching_stems_and_bulge_interrupted_stems():
    # the 5' strand "(((((" is two stems, separated by a bulge on the 3' strand
    assert segments("(((((....)).)))") == [
        (0, 3, "S"), (3, 5, "S"), (5, 9, "H"), (9, 11, "S"), (11, 12, "B"), (12, 15, "S")]
    assert segments("((...))((...))") == [
        (0, 2, "S"), (2, 5, "H"), (5, 7, "S"), (7, 9, "S"), (9, 12, "H"), (12, 14, "S")]
    assert sorted(boundaries("((...))((...))")) == [2, 5, 7, 9, 12]
    assert segments("....") == [(0, 4, "E")]


def test_segments_cover_the_sequence_and_agree_with_letters():
    st = "..((.((...))..((....))...))..((...)).."
    segs = segments(st)
    assert segs[0][0] == 0 and segs[-1][1] == len(st)
    assert all(a[1] == b[0] for a, b in zip(segs, segs[1:]))
    assert "".join(letter * (e - s) for s, e, letter in segs) == annotate(st)
    assert hairpin_loops(st) == [(7, 10), (16, 20), (31, 34)]


def test_matches_vienna_element_string_apart_from_bulges():
    import RNA
    seq = "GGGAGCUCAGCCUUCGGGCUGAAGCUCGAAAGCGACCGAAAGGUCGCUU"
    st = fold(seq).structure
    assert "(" in st and "." in st
    ours = annotate(st)
    # ViennaRNA: upper case for paired bases, lower case e/h/i/m for unpaired ones,
    # with bulges and interior loops both 'i'
    vienna = "".join("S" if c.isupper() else c.upper() for c in RNA.db_to_element_string(st))
    mapping = {"S": "S", "H": "H", "B": "I", "I": "I", "M": "M", "X": "E", "E": "E"}
    assert "".join(mapping[c] for c in ours) == vienna


def test_bad_dot_bracket_says_where():
    with pytest.raises(ValueError, match="position 4 has no opening"):
        pair_table("(.)))")
    with pytest.raises(ValueError, match="unexpected character 'a' at position 2"):
        annotate(".a.")
