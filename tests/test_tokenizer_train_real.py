"""All five algorithms on the real TGM2 SELEX reads (38,513 x 30 nt) from the data mirror."""

from __future__ import annotations

import csv

import pytest
from transformers import AutoTokenizer

from tokenizer_lab import TokenizerSpec, load_tokenizer, train_tokenizer

SPECS = {
    "char": TokenizerSpec(algorithm="char", alphabet="dna"),
    "kmer6": TokenizerSpec(algorithm="kmer", k=6, alphabet="dna"),
    "kmer6s6": TokenizerSpec(algorithm="kmer", k=6, stride=6, alphabet="dna"),
    "bpe": TokenizerSpec(algorithm="bpe", vocab_size=512, alphabet="dna"),
    "wordpiece": TokenizerSpec(algorithm="wordpiece", vocab_size=512, alphabet="dna"),
    "unigram": TokenizerSpec(algorithm="unigram", vocab_size=256, alphabet="dna"),
}
# The whole file for bpe (the reader path, 38,513 reads); the others on the first
# 4,000 reads to keep the suite short on 2 shared cores (unigram's sentencepiece EM
# takes minutes on the full set). The full check of all five on every read is in
# the closing note of issue 3 (tokenizer-lab train on the CSV, then round trips).
FULL = ("bpe",)
SUBSET = 4000


@pytest.fixture(scope="module")
def tgm2(mirror):
    path = mirror / "tgm2-selex" / "datasetC_x_z.csv"
    with open(path) as fh:
        seqs = [row[0] for row in csv.reader(fh)]
    return path, seqs


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SPECS))
def test_train_on_tgm2_and_round_trip_every_read(tmp_path, tgm2, name):
    path, seqs = tgm2
    spec = SPECS[name]
    if name not in FULL:
        seqs = seqs[:SUBSET // 3 if spec.algorithm == "unigram" else SUBSET]
        tok = train_tokenizer(seqs, spec)
    else:
        tok = train_tokenizer(path, spec)  # the CSV through corpora's reader
        assert tok.meta["corpus"]["reads"] == 38513 == len(seqs)
    assert tok.meta["primers"]["mode"] == "keep"  # random 30-mers: no constant flanks
    if spec.algorithm in ("bpe", "wordpiece"):
        assert tok.vocab_size == 512
    tok.save(tmp_path / name)
    hf = AutoTokenizer.from_pretrained(str(tmp_path / name))
    texts = [tok.prepare(s) for s in seqs]
    ids = hf(texts, add_special_tokens=False)["input_ids"]
    assert not any(1 in row for row in ids)  # no [UNK] anywhere
    decoded = hf.batch_decode(ids)
    if tok.meta["input_form"] == "kmers":
        assert decoded == texts
    else:
        assert [d.replace(" ", "") for d in decoded] == seqs
    back = load_tokenizer(tmp_path / name)
    n = SUBSET
    assert [back.decode(row) for row in ids[:n]] == seqs[:n]  # LabTokenizer
