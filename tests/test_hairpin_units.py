"""Hairpin units (issue 10): hand-checked units, tokenizers that keep a hairpin whole
and never cross its ends, artifacts, the measures and the hypothesis sentences."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transformers import AutoTokenizer

from classifier.ablation.hypothesis import comparisons, hypothesis_blocks
from corpora.simulate import SelexConfig, simulate
from tokenizer_lab import load_tokenizer, train_tokenizer
from tokenizer_lab.spec import TokenizerSpec
from tokenizer_lab.stats_report import compare_tokenizers, render_table
from tokenizer_lab.structure import fold
from tokenizer_lab.structure.hairpin_vocab import hairpin_pieces, longest_first, read_counts
from tokenizer_lab.structure.hairpins import hairpin_units, unit_segments, unit_track
from tokenizer_lab.structure.reads import structures
from tokenizer_lab.structure.view import structure_tracks

HAIRPIN_TOKENIZERS = ({"algorithm": "struct-bpe", "unit": "hairpin"},
                      {"algorithm": "struct-unigram", "unit": "hairpin"},
                      {"algorithm": "hairpin-vocab"})


# -- hand-checked units -------------------------------------------------------------------
def test_plain_hairpin_is_one_unit_from_loop_to_closing_pair():
    assert hairpin_units("..((((....)))).") == [(2, 14)]
    # a real ViennaRNA fold: GGGG-AAA-CCCC is one unit, the flanking A's are not in it
    st_ = fold("AAGGGGAAACCCCAA").structure
    assert st_ == "..((((...)))).."
    assert hairpin_units(st_) == [(2, 13)]


def test_bulged_stem_is_crossed_only_within_max_internal():
    s = "(((((...))).))"          # 3 pairs, a 1-nt bulge on the 3' side, 2 more pairs
    assert hairpin_units(s) == [(2, 11)]
    assert hairpin_units(s, max_internal=1) == [(0, 14)]
    assert hairpin_units("((.(((...))).))", max_internal=1) == [(0, 15)]  # 5' side bulge


def test_interior_loop_needs_both_sides_within_max_internal():
    s = "((..(((....)))...))"     # a 2x3 interior loop
    assert hairpin_units(s, max_internal=2) == [(4, 14)]
    assert hairpin_units(s, max_internal=3) == [(0, 19)]


def test_two_hairpins_in_a_multiloop_are_two_units_and_the_multiloop_none():
    s = "((..(((...)))..(((...)))..))"
    assert hairpin_units(s, max_internal=5) == [(4, 13), (15, 24)]
    assert unit_track(s) == "....[[[[[[[[]..[[[[[[[[]...."


def test_no_structure_and_short_stems_give_no_unit():
    assert hairpin_units("." * 30) == []
    assert hairpin_units("((...))") == []            # 2 pairs < min_stem 3
    assert hairpin_units("((...))", min_stem=2) == [(0, 7)]
    assert unit_segments("....", 0, 4) == [(0, 4, "E")]


def test_spec_validates_the_unit_options():
    with pytest.raises(ValueError, match="unit must be one of"):
        TokenizerSpec(algorithm="struct-bpe", unit="helix")
    with pytest.raises(ValueError, match="min_stem must be >= 1"):
        TokenizerSpec(algorithm="struct-bpe", min_stem=0)
    with pytest.raises(ValueError, match="hairpin_tokens must be between"):
        TokenizerSpec(algorithm="hairpin-vocab", vocab_size=64, hairpin_tokens=64)


# -- tokenizers -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def library():
    return list(simulate(SelexConfig(seed=3, rounds=2, reads_per_round=300)))


@pytest.fixture(scope="module")
def toks(library):
    seqs = [r.seq for r in library]
    out = {kw["algorithm"] + ("-unit" if "unit" in kw else ""):
           train_tokenizer(seqs, vocab_size=160, alphabet="dna", **kw) for kw in HAIRPIN_TOKENIZERS}
    out["struct-bpe"] = train_tokenizer(seqs, algorithm="struct-bpe", vocab_size=160, alphabet="dna")
    return out


def _units_in_body(tok, seq):
    st_ = structures([tok.normalize(seq)], tok.spec)[0]
    start, end = tok.primers.body(seq)
    return [(s, e) for s, e in hairpin_units(st_, tok.spec.max_internal, tok.spec.min_stem)
            if s >= start and e <= end]


@pytest.mark.parametrize("name", ["struct-bpe-unit", "struct-unigram-unit", "hairpin-vocab"])
def test_tokens_never_cross_a_unit_end_and_spell_the_read(toks, library, name):
    tok = toks[name]
    seen_unit = False
    for r in library[:80]:
        spans = tok.token_spans(r.seq)
        for us, ue in _units_in_body(tok, r.seq):
            seen_unit = True
            assert not any(s < b < e for s, e in spans for b in (us, ue)), (r.seq, us, ue)
        assert tok.decode(tok.encode(r.seq)) == r.seq
    assert seen_unit


def test_hairpin_vocab_makes_planted_hairpins_whole_tokens_where_elements_cannot(toks, library):
    rep = compare_tokenizers_from(library, toks)
    by = {t["name"]: t for t in rep["tokenizers"]}
    hv = by["hairpin-vocab"]["motifs"]["by_kind"]["hairpin"]["exact1"]
    assert by["struct-bpe"]["motifs"]["by_kind"]["hairpin"]["exact1"] == 0.0
    assert hv > 0.3
    assert by["hairpin-vocab"]["structure"]["unit_exact1"] > by["struct-bpe"]["structure"]["unit_exact1"]
    assert by["hairpin-vocab"]["structure"]["unit_crossing"] == 0.0
    table = render_table(rep)
    assert "planted hairpin = 1 token" in table and "hairpin unit = <=2 tokens" in table


def compare_tokenizers_from(library, toks):
    import tempfile
    from pathlib import Path

    from corpora.selex import write_library
    path = Path(tempfile.mkdtemp()) / "lib.fasta"
    write_library(library, path)
    names = ("struct-bpe", "hairpin-vocab")
    return compare_tokenizers(path, [(n, toks[n]) for n in names], structure=True)


@pytest.mark.parametrize("name", ["struct-bpe-unit", "struct-unigram-unit", "hairpin-vocab"])
def test_save_load_round_trip_and_autotokenizer_on_prepared_text(toks, library, tmp_path, name):
    tok = toks[name]
    out = tok.save(tmp_path / name)
    meta = json.loads((out / "lab.json").read_text())
    assert meta["folding"]["hairpin_units"]["min_stem"] == 3
    assert meta["spec"]["max_internal"] == 0
    assert "hairpin units" in meta["input_form_help"]
    if name == "hairpin-vocab":
        assert meta["hairpin_vocab"]["hairpin_tokens"] > 0
    again = load_tokenizer(out)
    auto = AutoTokenizer.from_pretrained(str(out))
    for r in library[:15]:
        assert again.tokenize(r.seq) == tok.tokenize(r.seq)
        assert auto(tok.prepare(r.seq))["input_ids"] == tok(r.seq)["input_ids"]
        assert again.decode(again.encode(r.seq)) == r.seq


def test_inspect_tracks_show_the_units(toks):
    tracks = structure_tracks(toks["hairpin-vocab"], "AAGGGGAAACCCCAA")
    assert tracks["hairpins"] == "..[[[[[[[[[[].."


@pytest.fixture(scope="module")
def rna_unit_tok():
    rng = random.Random(5)
    seqs = ["".join(rng.choice("ACGU") for _ in range(rng.randint(25, 60))) for _ in range(80)]
    seqs += ["GGCGAAAGCC" + s[:10] for s in seqs[:40]]  # some hairpins to learn
    return train_tokenizer(seqs, algorithm="hairpin-vocab", vocab_size=64, primers="keep",
                           min_stem=2)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="ACGU", min_size=1, max_size=70))
def test_property_no_token_crosses_a_unit_end(rna_unit_tok, seq):
    spans = rna_unit_tok.token_spans(seq)
    units = hairpin_units(fold(seq).structure, 0, 2)
    assert spans[0][0] == 0 and spans[-1][1] == len(seq)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert not any(s < b < e for s, e in spans for u in units for b in u)
    assert rna_unit_tok.decode(rna_unit_tok.encode(seq)) == seq


# a vocabulary hairpin of rna_unit_tok, and a read whose fold makes no unit of it: a bulge
# leaves one pair on its loop, so the fold cuts it at five element boundaries
HAIRPIN = "GGCGAAAGCC"
NOT_A_UNIT = "CUGGGCGAAAGCCAGG"   # ((((.(....))))).   the hairpin is [3, 13)


def test_a_vocabulary_hairpin_the_fold_makes_no_unit_is_still_one_token(rna_unit_tok, tmp_path):
    tok, seq = rna_unit_tok, NOT_A_UNIT
    st_ = fold(seq).structure
    assert HAIRPIN in tok.meta["hairpin_vocab"]["placed"] and seq[3:13] == HAIRPIN
    assert hairpin_units(st_, 0, 2) == []                       # no unit here
    assert [s for s, _, _ in unit_segments(st_, 0, len(seq), 0, 2) if 3 < s < 13] == [4, 5, 6, 10, 11]
    assert (3, 13) in tok.token_spans(seq)
    assert HAIRPIN in tok.tokenize(seq)
    text = tok.prepare(seq)
    assert text.replace(" ", "") == seq and HAIRPIN in text.split(" ")
    assert tok.decode(tok.encode(seq)) == seq
    auto = AutoTokenizer.from_pretrained(str(tok.save(tmp_path / "tok")))
    assert auto(text)["input_ids"] == tok(seq)["input_ids"]
    assert load_tokenizer(tmp_path / "tok").tokenize(seq) == tok.tokenize(seq)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="ACGU", max_size=25), st.text(alphabet="ACGU", max_size=25))
def test_property_a_placed_hairpin_is_one_token_unless_a_unit_end_is_inside(rna_unit_tok, left, right):
    seq = left + HAIRPIN + right
    a, b = len(left), len(left) + len(HAIRPIN)
    spans = rna_unit_tok.token_spans(seq)
    units = hairpin_units(fold(seq).structure, 0, 2)
    assert spans[0][0] == 0 and spans[-1][1] == len(seq)
    assert all(x[1] == y[0] for x, y in zip(spans, spans[1:]))
    assert not any(s < e_ < e for s, e in spans for u in units for e_ in u)
    assert rna_unit_tok.prepare(seq).replace(" ", "") == seq
    placed = rna_unit_tok.meta["hairpin_vocab"]["placed"]
    assert HAIRPIN in placed
    rivals = [(i, h) for h in placed
              for i in range(len(seq)) if seq.startswith(h, i) and i < b and a < i + len(h)]
    if rivals == [(a, HAIRPIN)] and not any(a < e_ < b for u in units for e_ in u):
        assert (a, b) in spans   # no unit end inside and no other vocabulary hairpin over it


def test_a_tokenizer_saved_before_placing_cuts_as_it_did(rna_unit_tok, tmp_path):
    out = rna_unit_tok.save(tmp_path / "tok")
    meta = json.loads((out / "lab.json").read_text())
    del meta["hairpin_vocab"]["placed"]
    (out / "lab.json").write_text(json.dumps(meta))
    old = load_tokenizer(out)
    assert old.prepare(NOT_A_UNIT) == "CUGG G C GAAA G CCAG G"   # the element cuts stay
    assert (3, 13) not in old.token_spans(NOT_A_UNIT)


def test_a_vocabulary_hairpin_across_a_unit_end_is_not_placed():
    # the hairpin would cover the unit [0, 5) and 5 nt beyond it: the unit end stays
    pieces = [(0, 5, "U"), (5, 11, "E")]
    assert hairpin_pieces("GGGAAACCCAA", pieces, ["GGGAAACCC"]) == pieces
    # inside one unit, or outside units, it is one piece; longer hairpins go first
    assert hairpin_pieces("AGGGAAACCCA", [(0, 11, "U")], longest_first(["GGAAACC", "GGGAAACCC"])) == \
        [(0, 1, "U"), (1, 10, "V"), (10, 11, "U")]
    assert hairpin_pieces("AGGGAAACCCA", [(0, 4, "S"), (4, 7, "H"), (7, 11, "S")], ["GGGAAACCC"]) == \
        [(0, 1, "S"), (1, 10, "V"), (10, 11, "S")]


def test_read_counts_count_each_read_once_wherever_the_hairpin_lies():
    bodies = ["GGGAAACCCTGGGAAACCC", "AGGGAAACCCA", "GGGTTTCCC"]
    assert read_counts(bodies, {"GGGAAACCC", "GGGTTTCCC", "CCCAAAGGG"}) == \
        Counter({"GGGAAACCC": 2, "GGGTTTCCC": 1})


# -- the hypothesis sentences -------------------------------------------------------------
def test_hypothesis_sentences_compare_each_hairpin_tokenizer_with_its_rivals():
    runs = [{"tokenizer": t, "seed": s, "kind": "model", "metrics": {"accuracy": a + 0.01 * s}}
            for t, a in (("hairpin-vocab:256", 0.70), ("struct-bpe:256", 0.80), ("bpe:256", 0.70),
                         ("char", 0.9)) for s in range(3)]
    runs[2]["metrics"]["accuracy"] = 0.73  # hairpin-vocab seed 2: not a constant difference
    rows = comparisons({"runs": runs}, "accuracy")
    assert [(r["hairpin"], r["other"]) for r in rows] == [("hairpin-vocab:256", "struct-bpe:256"),
                                                          ("hairpin-vocab:256", "bpe:256")]
    assert rows[0]["mean_diff"] < 0 and rows[0]["n"] == 3
    text = " ".join(b[1] for b in hypothesis_blocks({"runs": runs}, "accuracy") if b[0] == "p")
    assert "hairpin-vocab:256 vs struct-bpe:256 (element tokens)" in text
    assert "paired t-test" in text
    assert hypothesis_blocks({"runs": runs[3:]}, "accuracy") == []
