"""Intrinsic statistics recorded per run: compression and motif recovery, exactly."""

from __future__ import annotations

from corpora.records import Record
from tokenizer_lab import TokenizerSpec, train_tokenizer

from classifier.ablation.intrinsic import compression, intrinsic_stats

SEQS = ["ACGUACGUAA", "GGCCAAUUGG", "ACGUGGCCAA", "UUAACCGGAC"]


def test_char_tokenizer_compression_is_one_nucleotide_per_token():
    tok = train_tokenizer(SEQS, TokenizerSpec(algorithm="char", primers="keep"))
    assert compression(tok, SEQS) == {"tokens_per_seq": 10.0, "random_region_nt_per_token": 1.0}


def test_blocked_kmers_compress_by_k():
    tok = train_tokenizer(SEQS, TokenizerSpec(algorithm="kmer", k=2, stride=2, primers="keep"))
    assert compression(tok, SEQS) == {"tokens_per_seq": 5.0, "random_region_nt_per_token": 2.0}


def test_intrinsic_stats_use_ground_truth_when_records_carry_it():
    tok = train_tokenizer(SEQS, TokenizerSpec(algorithm="kmer", k=2, stride=2, primers="keep"))
    recs = [Record("a", SEQS[0], "x", meta={"motifs": [{"name": "m", "start": 2, "end": 4}]}),
            Record("b", SEQS[1], "y", meta={"motifs": [{"name": "m", "start": 3, "end": 5}]})]
    stats = intrinsic_stats(tok, recs)
    assert stats["motif_exact1"] == 0.5 and stats["motif_exact2"] == 0.5
    assert stats["random_region_nt_per_token"] == 2.0
    assert 0.0 <= stats["boundary_f1"] <= 1.0  # folded with ViennaRNA
