"""Intrinsic statistics recorded per run: compression and motif recovery, exactly."""

from __future__ import annotations

from corpora.records import Record
from tokenizer_lab import TokenizerSpec, train_tokenizer

from classifier.ablation.intrinsic import compression, intrinsic_stats, motif_recovery

SEQS = ["ACGUACGUAA", "GGCCAAUUGG", "ACGUGGCCAA", "UUAACCGGAC"]


def test_char_tokenizer_compression_is_one_nucleotide_per_token():
    tok = train_tokenizer(SEQS, TokenizerSpec(algorithm="char", primers="keep"))
    assert compression(tok, SEQS) == {"tokens_per_seq": 10.0, "nt_per_token": 1.0}


def test_blocked_kmers_compress_by_k():
    tok = train_tokenizer(SEQS, TokenizerSpec(algorithm="kmer", k=2, stride=2, primers="keep"))
    assert compression(tok, SEQS) == {"tokens_per_seq": 5.0, "nt_per_token": 2.0}


def test_motif_recovery_counts_exact_and_two_token_covers():
    spans = [[(0, 2), (2, 4), (4, 6)], [(0, 3), (3, 6)], [(0, 6)]]
    truth = [[(2, 4), (0, 4)], [(1, 3)], [(0, 6)]]
    # (2,4) one token; (0,4) two whole tokens; (1,3) cuts tokens; (0,6) one token
    assert motif_recovery(spans, truth) == {"motif_exact1": 0.5, "motif_exact2": 0.75,
                                            "motifs": 4}
    assert motif_recovery(spans, [[], [], []]) == {}


def test_intrinsic_stats_use_ground_truth_when_records_carry_it():
    tok = train_tokenizer(SEQS, TokenizerSpec(algorithm="kmer", k=2, stride=2, primers="keep"))
    recs = [Record("a", SEQS[0], "x", meta={"motifs": [{"name": "m", "start": 2, "end": 4}]}),
            Record("b", SEQS[1], "y", meta={"motifs": [{"name": "m", "start": 3, "end": 5}]})]
    stats = intrinsic_stats(tok, recs)
    assert stats["motif_exact1"] == 0.5 and stats["motif_exact2"] == 0.5
    assert stats["nt_per_token"] == 2.0
    assert 0.0 <= stats["boundary_f1"] <= 1.0  # folded with ViennaRNA
