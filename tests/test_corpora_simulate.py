"""The SELEX simulator: determinism, counts, ground truth, files and the command line."""

from __future__ import annotations

import json
import re

import pytest
import RNA
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from corpora.cli import cli
from corpora.errors import FileFormatError, LabError
from corpora.readers import read_records
from corpora.records import Record
from corpora.selex.motifs import IUPAC, Motif, pairs, revcomp
from corpora.simulate import (DEFAULT_MOTIFS, PRIMER3, PRIMER5, SelexConfig, default_library,
                              ground_truth, motif_spans, read_library, simulate, write_library)

SMALL = SelexConfig(seed=7, rounds=3, reads_per_round=200, pool_size=600)
MOTIFS = {m.name: m for m in DEFAULT_MOTIFS}


@pytest.fixture(scope="module")
def small():
    return simulate(SMALL)


def test_same_seed_gives_byte_identical_file_and_other_seed_differs(tmp_path, small):
    a, b, c = tmp_path / "a.fa", tmp_path / "b.fa", tmp_path / "c.fa"
    assert write_library(small, a) == 800
    write_library(simulate(SMALL), b)
    write_library(simulate(SelexConfig(seed=8, rounds=3, reads_per_round=200, pool_size=600)), c)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_counts_per_round_and_binder_shares(small):
    assert [r.id for r in small] == [f"sim_{i:06d}" for i in range(800)]
    for rnd, expected in enumerate([20, 50, 100, 150]):  # 10, 25, 50, 75 % of 200
        reads = [r for r in small if r.meta["round"] == rnd]
        assert len(reads) == 200
        assert sum(r.meta["binder"] for r in reads) == expected
        assert all(r.label == ("binder" if r.meta["binder"] else "nonbinder") for r in reads)


def test_enrichment_increases_with_round_and_winners_are_copied():
    recs = simulate(SelexConfig(seed=1, rounds=4, reads_per_round=300, pool_size=1000,
                                enrichment=2.0))
    shares = [sum(r.meta["binder"] for r in recs if r.meta["round"] == k) / 300 for k in range(5)]
    assert shares == sorted(shares) and shares[0] < shares[-1]
    # PCR copies: late binder reads repeat their lineage's random region, round 0 never does
    regions = {k: [r.seq[19:59] for r in recs if r.meta["round"] == k and r.meta["binder"]]
               for k in (0, 4)}
    assert len(set(regions[0])) == len(regions[0])
    assert len(set(regions[4])) < len(regions[4])
    assert max(r.meta["mutations"] for r in recs if r.meta["round"] == 4) > 0


def test_primers_are_exact_and_reads_have_constant_length(small):
    for r in small:
        t = ground_truth(r)
        assert len(r.seq) == SMALL.read_length == 79
        assert r.seq[slice(*t["primer5"])] == PRIMER5
        assert r.seq[slice(*t["primer3"])] == PRIMER3


def test_planted_motifs_sit_where_the_truth_says(small):
    checked = 0
    for r in small:
        spans = motif_spans(r)
        assert bool(spans) == r.meta["binder"]
        for name, kind, start, end in spans:
            m = MOTIFS[name]
            assert kind == m.kind and 19 <= start < end <= 59 and end - start == len(m)
            assert m.matches(r.seq[start:end], max_mismatches=r.meta["mutations"])
            if r.meta["mutations"] == 0:
                assert m.matches(r.seq[start:end])
                checked += 1
        if len(spans) == 2:
            assert spans[0][3] <= spans[1][2]  # no overlap, sorted
    assert checked > 100


def test_hairpin_stems_are_complementary(small):
    n = 0
    for r in small:
        for name, kind, start, end in motif_spans(r):
            if kind != "hairpin" or r.meta["mutations"]:
                continue
            s = len(MOTIFS[name].stem)
            arm5, arm3 = r.seq[start:start + s], r.seq[end - s:end]
            assert arm3 == revcomp(arm5), (r.id, arm5, arm3)
            n += 1
    assert n > 50


def test_decoys_are_partial_and_nonbinders_hold_no_full_linear_motif(small):
    linear = [re.compile("".join(f"[{IUPAC[p]}]" for p in m.pattern))
              for m in DEFAULT_MOTIFS if m.kind == "linear"]
    decoys = 0
    for r in small:
        if r.meta["binder"]:
            assert r.meta["decoys"] == []
            continue
        region = r.seq[19:59]
        assert not any(p.search(region) for p in linear)
        for name, kind, start, end in motif_spans(r, decoys=True):
            m = MOTIFS[name]
            assert 19 <= start < end <= 59
            assert not m.matches(r.seq[start:end], max_mismatches=1)
            decoys += 1
    assert 0.35 < decoys / sum(not r.meta["binder"] for r in small) < 0.65  # decoy_rate 0.5


def test_planted_hairpins_fold_as_hairpins_with_viennarna(small):
    """Real folds of the whole read (RNA parameters, T read as U)."""
    folded = total = 0
    for r in small:
        for name, kind, start, end in motif_spans(r):
            if kind != "hairpin":
                continue
            pt = RNA.ptable(RNA.fold(r.seq)[0])
            s = len(MOTIFS[name].stem)
            formed = sum(pt[start + i + 1] == end - i for i in range(s))
            folded += formed >= s - 1
            total += 1
        if total >= 80:
            break
    assert total >= 80 and folded / total >= 0.7


def test_fasta_round_trip_through_read_records(tmp_path, small):
    path = tmp_path / "lib.fasta"
    write_library(small, path)
    back = list(read_records(path))
    assert [r.label for r in back] == [r.label for r in small]
    assert [r.seq for r in back] == [r.seq for r in small]
    assert back[5].meta["round"] == str(small[5].meta["round"])  # raw header fields
    assert [ground_truth(r) for r in back] == [r.meta for r in small]
    lib = read_library(path)
    assert lib == small and [r.meta for r in lib] == [r.meta for r in small]


def test_tsv_round_trip(tmp_path, small):
    path = tmp_path / "lib.tsv"
    write_library(small, path, "tsv")
    assert [r.label for r in read_records(path)] == [r.label for r in small]
    lib = read_library(path)
    assert lib == small and [r.meta for r in lib] == [r.meta for r in small]


def test_rna_alphabet_and_round_labels():
    recs = simulate(SelexConfig(seed=2, rounds=2, reads_per_round=60, pool_size=100,
                                alphabet="rna", label_by="round"))
    assert all("T" not in r.seq and "U" in r.seq for r in recs)
    assert sorted({r.label for r in recs}) == ["round0", "round1", "round2"]
    for r in recs:
        for name, _, start, end in motif_spans(r):
            assert MOTIFS[name].matches(r.seq[start:end], max_mismatches=r.meta["mutations"])


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**32), rounds=st.integers(0, 3), length=st.integers(16, 60),
       binder_fraction=st.sampled_from([0.0, 0.3, 0.9]), alphabet=st.sampled_from(["dna", "rna"]))
def test_truth_holds_for_any_settings(seed, rounds, length, binder_fraction, alphabet):
    c = SelexConfig(seed=seed, rounds=rounds, reads_per_round=30, pool_size=40,
                    random_length=length, binder_fraction=binder_fraction, alphabet=alphabet)
    recs = simulate(c)
    assert len(recs) == 30 * (rounds + 1) and all(len(r.seq) == 39 + length for r in recs)
    for r in recs:
        assert (r.meta["binder"] and len(motif_spans(r)) in (1, 2)) or not motif_spans(r)
        for name, _, start, end in motif_spans(r):
            assert 19 <= start < end <= 19 + length
            assert MOTIFS[name].matches(r.seq[start:end], max_mismatches=r.meta["mutations"])
    if binder_fraction == 0:
        assert not any(r.meta["binder"] for r in recs)


def test_default_library_is_the_demo_corpus():
    recs = default_library(seed=0)
    assert len(recs) == 8000
    assert sum(r.label == "binder" for r in recs) == 200 + 500 + 1000 + 1500
    assert {m.kind for m in DEFAULT_MOTIFS} == {"hairpin", "linear"} and len(DEFAULT_MOTIFS) == 5


@pytest.mark.parametrize("kwargs, words", [
    ({"binder_fraction": 1.0}, "binder_fraction"),
    ({"enrichment": 0.5}, "enrichment must be >= 1"),
    ({"alphabet": "protein"}, "alphabet must be"),
    ({"random_length": 10}, "random_length >= 16"),
    ({"primer5": "ACGN"}, "primer5"),
    ({"motifs": (Motif("a", "linear", "ACGT"), Motif("a", "linear", "GGG"))}, "unique"),
    ({"label_by": "target"}, "label_by"),
])
def test_config_validation_says_how_to_fix(kwargs, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        SelexConfig(**kwargs)


def test_motif_validation_and_pairing():
    with pytest.raises(ValueError, match="stem"):
        Motif("hp", "hairpin", "GAAA")
    with pytest.raises(ValueError, match="kind"):
        Motif("x", "loop", "GAAA")
    assert pairs("G", "U") and not pairs("A", "C")


def test_write_library_leaves_nothing_on_error(tmp_path, small):
    out = tmp_path / "lib.fasta"
    bad = small[:3] + [Record("plain", "ACGT", "x")]
    with pytest.raises(LabError, match="no SELEX ground truth"):
        write_library(bad, out)
    assert list(tmp_path.iterdir()) == []


def test_read_library_rejects_a_foreign_fasta(tmp_path):
    path = tmp_path / "other.fa"
    path.write_text(">r1 label=a\nACGT\n")
    with pytest.raises(FileFormatError, match=r"other.fa:1: record 'r1': bad simulator header"):
        read_library(path)


def test_cli_simulate_writes_library_and_annotations(tmp_path):
    out, ann = tmp_path / "lib.fasta", tmp_path / "truth.tsv"
    res = CliRunner().invoke(cli, ["simulate", "--out", str(out), "--reads", "400", "--rounds",
                                   "1", "--seed", "3", "--annotations", str(ann)])
    assert res.exit_code == 0, res.output
    assert "wrote 400 reads of 79 nt (2 pools x 200; binders r0=20 r1=50)" in res.output
    recs = read_library(out)
    assert len(recs) == 400 and read_library(ann) == recs
    about = json.loads((tmp_path / "lib.fasta.json").read_text())
    assert about["config"]["seed"] == 3 and about["config"]["reads_per_round"] == 200
    assert about["motif_consensus"]["hp_uucg"] == "GCGGACTTCGGTCCGC"
    assert about["binders_per_round"] == {"0": 20, "1": 50}
    again = tmp_path / "again.fasta"
    CliRunner().invoke(cli, ["simulate", "-o", str(again), "--reads", "400", "--rounds", "1",
                             "--seed", "3"])
    assert again.read_bytes() == out.read_bytes()


@pytest.mark.parametrize("args, words", [
    (["--alphabet", "xna"], "'xna' is not one of"),
    (["--reads", "10"], "use a multiple of 4"),
    (["--random-length", "10"], "random_length >= 16"),
    (["--binder-fraction", "1"], "--binder-fraction"),
])
def test_cli_bad_options_exit_2_and_write_nothing(tmp_path, args, words):
    out = tmp_path / "lib.fasta"
    res = CliRunner().invoke(cli, ["simulate", "--out", str(out), *args])
    assert res.exit_code == 2
    assert words in res.output
    assert not out.exists() and list(tmp_path.iterdir()) == []
