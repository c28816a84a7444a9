"""Intrinsic metrics, motif recovery and `tokenizer-lab stats`, on hand-computed cases."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from corpora.records import Record
from tokenizer_lab import train_tokenizer
from tokenizer_lab.cli import cli, main
from tokenizer_lab.metrics import (boundary_counts, boundary_scores, corpus_stats, prf,
                                   renyi_efficiency, renyi_entropy)
from tokenizer_lab.motif_recovery import locate_motifs, motif_recovery, read_motif_list, recovered


def test_renyi_by_hand():
    # p = (1/2, 1/4, 1/4), alpha 2.5: sum p^a = 2^-2.5 + 2 * 4^-2.5
    s = 2 ** -2.5 + 2 * 4 ** -2.5
    assert renyi_entropy([2, 1, 1]) == pytest.approx(math.log(s) / (1 - 2.5))
    assert renyi_efficiency([2, 1, 1], 3) == pytest.approx(math.log(s) / -1.5 / math.log(3))
    assert renyi_efficiency([2, 1, 1], 3) == pytest.approx(0.867843, abs=1e-6)
    # one token used out of four: entropy 0; uniform over the vocabulary: 1
    assert renyi_efficiency([7], 4) == 0.0
    assert renyi_efficiency([3, 3, 3, 3], 4) == 1.0
    # alpha 1 is Shannon
    assert renyi_entropy([1, 1, 2], alpha=1) == pytest.approx(1.5 * math.log(2))


def test_boundary_scores_by_hand():
    spans = [(0, 2), (2, 5), (5, 7)]  # cuts at 2 and 5
    assert boundary_counts(spans, {2, 4, 7, 0}, 7) == (1, 2, 2)  # 0 and 7 are ends, not cuts
    assert boundary_scores(spans, {2, 4}, 7) == (0.5, 0.5, 0.5)
    assert boundary_scores(spans, {2, 5}, 7) == (1.0, 1.0, 1.0)
    assert boundary_scores([(0, 7)], {3}, 7) == (0.0, 0.0, 0.0)
    assert prf(2, 3, 4) == (0.666667, 0.5, 0.571429)


def test_corpus_stats_char_by_hand():
    tok = train_tokenizer(["ACGU"], algorithm="char")
    s = corpus_stats(tok, ["AAAA", "AC", "ACAG"])
    assert s["tokens"] == 10 and s["nucleotides"] == 10 and s["nt_per_token"] == 1.0
    assert s["tokens_per_sequence"] == {"mean": 3.333, "p50": 4.0, "p90": 4.0, "p99": 4.0}
    # A 7, C 2, G 1 of the four letters: U unused
    assert s["vocab_used"] == 3 and s["vocab_utilisation"] == 0.75
    expected = math.log(0.7 ** 2.5 + 0.2 ** 2.5 + 0.1 ** 2.5) / -1.5 / math.log(4)
    assert s["renyi_efficiency"] == round(expected, 4)
    assert s["unk_share"] == 0.0
    assert s["most_frequent"][:2] == [("A", 7, 0.7), ("C", 2, 0.2)]


def test_corpus_stats_kmer_percentiles():
    tok = train_tokenizer(["ACGUACGU"], algorithm="kmer", k=2, stride=2)
    s = corpus_stats(tok, ["ACGU", "ACGUACGU", "AC", "ACGUA"])
    # tokens: 2, 4, 1, 3 (the tail A is one token)
    assert s["tokens_per_sequence"] == {"mean": 2.5, "p50": 2.5, "p90": 3.7, "p99": 3.97}
    assert s["nt_per_token"] == round(19 / 10, 4)
    assert s["longest_tokens"][0] == "AA"


def test_recovered_definitions():
    spans = [(0, 3), (3, 5), (5, 9)]
    assert recovered(spans, 3, 5) == {"exact1": True, "exact2": True, "inside1": True}
    assert recovered(spans, 3, 9) == {"exact1": False, "exact2": True, "inside1": False}
    assert recovered(spans, 0, 9) == {"exact1": False, "exact2": False, "inside1": False}
    assert recovered(spans, 6, 8) == {"exact1": False, "exact2": False, "inside1": True}
    # overlapping k-mers: two abutting tokens still make exact2
    kmers = [(i, i + 3) for i in range(5)]
    assert recovered(kmers, 0, 6)["exact2"] and not recovered(kmers, 0, 5)["exact2"]


def test_motif_recovery_on_hand_made_spans():
    tok = train_tokenizer(["ACGUACGU"], algorithm="kmer", k=2, stride=2)
    # tokens of "ACGUACGU": AC GU AC GU -> cuts at 2, 4, 6
    items = [("ACGUACGU", [{"name": "m", "kind": "planted", "start": 2, "end": 4},
                           {"name": "m", "kind": "planted", "start": 2, "end": 6},
                           {"name": "n", "kind": "planted", "start": 1, "end": 3}]),
             ("ACGU", [])]
    r = motif_recovery(tok, items)
    assert (r["occurrences"], r["exact1"], r["exact2"], r["inside1"]) == (3, 0.3333, 0.6667, 0.3333)
    assert r["by_motif"]["m"] == {"occurrences": 2, "exact1": 0.5, "exact2": 1.0, "inside1": 0.5}
    # reference ends {1, 2, 3, 4, 6} against cuts {2, 4, 6}: 3 shared
    assert (r["boundary_precision"], r["boundary_recall"]) == (1.0, 0.6)


def test_locate_and_read_motif_list(tmp_path):
    assert locate_motifs("AAAA", {"x": "AA"}) == [
        {"name": "x", "kind": "planted", "start": s, "end": s + 2} for s in (0, 1, 2)]
    f = tmp_path / "motifs.txt"
    f.write_text("ACTAC\n\nACTAC|CCCTC\n")
    assert read_motif_list(f) == {"0": "ACUAC", "1.a": "ACUAC", "1.b": "CCCUC"}
    f.write_text("ACXT\n")
    with pytest.raises(Exception, match=r"motifs.txt, line 1: motif 'ACXU' has 'X'"):
        read_motif_list(f)


@pytest.fixture()
def two_toks(tmp_path):
    return (train_tokenizer(["ACGU"], algorithm="char").save(tmp_path / "char"),
            train_tokenizer(["ACGUACGU"], algorithm="kmer", k=2, stride=2).save(tmp_path / "k2"))


def test_cli_stats_side_by_side(two_toks, tmp_path):
    corpus = tmp_path / "c.fasta"
    corpus.write_text(">a\nACGUAC\n>b\nGGACGU\n")
    motifs = tmp_path / "m.txt"
    motifs.write_text("ACGU\n")
    r = CliRunner().invoke(cli, ["stats", str(corpus), "-t", str(two_toks[0]), "-t",
                                 str(two_toks[1]), "--motifs", str(motifs), "--json"])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.stdout)
    assert [t["algorithm"] for t in rep["tokenizers"]] == ["char", "kmer"]
    assert [t["tokens"] for t in rep["tokenizers"]] == [12, 6]
    # ACGU at 0 in a (k2: AC GU AC -> exact2), at 2 in b (GG AC GU -> exact2)
    k2 = rep["tokenizers"][1]["motifs"]
    assert (k2["occurrences"], k2["exact1"], k2["exact2"]) == (2, 0.0, 1.0)
    r = CliRunner().invoke(cli, ["stats", str(corpus), "-t", str(two_toks[0]), "-t",
                                 str(two_toks[1])])
    lines = r.stdout.splitlines()
    assert lines[0] == f"corpus: {corpus} (2 sequences)"
    assert lines[1].split() == [str(two_toks[0]), str(two_toks[1])]
    assert [ln.split() for ln in lines if ln.startswith("nt/token")] == [["nt/token", "1.0", "2.0"]]


def test_stats_uses_record_annotation():
    tok = train_tokenizer(["ACGUACGU"], algorithm="kmer", k=2, stride=2)
    rec = Record("r", "ACGUAC", meta={"motifs": [{"name": "m", "kind": "loop", "start": 2, "end": 4}]})
    r = motif_recovery(tok, [(rec.seq, rec.meta["motifs"])])
    assert r["exact1"] == 1.0


@pytest.mark.parametrize("extra, message", [  # missing paths: usage errors (exit 2)
    (["-t", "{tmp}/none"], "Directory '{tmp}/none' does not exist."),
    (["-t", "{char}", "--motifs", "{tmp}/m.txt"], "File '{tmp}/m.txt' does not exist."),
])
def test_cli_stats_errors(extra, message, two_toks, tmp_path, capsys):
    corpus = tmp_path / "c.fasta"
    corpus.write_text(">a\nACGUAC\n")
    fill = {"tmp": tmp_path, "char": two_toks[0]}
    with pytest.raises(SystemExit) as exc:
        main(["stats", str(corpus)] + [a.format(**fill) for a in extra])
    assert exc.value.code == 2
    assert capsys.readouterr().err.strip().endswith(message.format(**fill))


def test_cli_stats_bad_corpus(two_toks, tmp_path, capsys):
    corpus = tmp_path / "c.fasta"
    corpus.write_text(">a\nACGJAC\n")
    with pytest.raises(SystemExit) as exc:
        main(["stats", str(corpus), "-t", str(two_toks[0])])
    err = capsys.readouterr().err
    assert exc.value.code == 1 and err.count("\n") == 1 and "c.fasta" in err and "'J'" in err


def test_raptgen_motifs(mirror, tmp_path):
    """Planted motifs of the RaptGen simulation, located by exact search."""
    lines = (mirror / "raptgen-sim" / "multiple_sequences.txt").read_text().splitlines()[:200]
    corpus = tmp_path / "r.csv"
    corpus.write_text("\n".join(lines) + "\n")
    tok = train_tokenizer(["ACGU"], algorithm="char")
    motifs = read_motif_list(mirror / "raptgen-sim" / "multiple_motifs.txt")
    seqs = [ln.split(",")[1].replace("T", "U") for ln in lines]
    r = motif_recovery(tok, ((s, locate_motifs(s, motifs)) for s in seqs))
    # 10-nt motifs never fit in one character token; every motif end is a char boundary
    assert r["occurrences"] >= 150 and r["exact1"] == 0.0 and r["boundary_recall"] == 1.0


def test_stats_on_simulated_library_header_truth(tmp_path):
    """The simulator's FASTA headers carry motif spans as text; stats parses them."""
    from corpora.cli import cli as corpora_cli

    lib = tmp_path / "lib.fasta"
    r = CliRunner().invoke(corpora_cli, ["simulate", "--out", str(lib), "--reads", "60",
                                         "--rounds", "1", "--seed", "1"])
    assert r.exit_code == 0, r.output
    tok = train_tokenizer(["ACGU"], algorithm="char").save(tmp_path / "char")
    r = CliRunner().invoke(cli, ["stats", str(lib), "-t", str(tok), "--json", "--no-structure"])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.stdout)
    m = rep["tokenizers"][0]["motifs"]
    assert rep["motif_source"] == "record annotation"
    # single nucleotides: no motif is one token, every motif end is a token boundary
    assert m["occurrences"] > 0 and m["exact1"] == 0.0 and m["boundary_recall"] == 1.0
