"""Sampled segmentations (tokenizer_lab.sampling): BPE-dropout and unigram lattice sampling."""

from __future__ import annotations

import random

import pytest

from tokenizer_lab import TokenizerError, TokenizerSpec, train_tokenizer
from tokenizer_lab.sampling import SegmentationSampler, sampler_for

P5, P3 = "GGGAGACAAGAAUAAACGCUCAA", "UUCGACAGGAGGCUCACAACAGGC"


def _reads(n=120, seed=0, primers=True):
    rng = random.Random(seed)
    body = ["".join(rng.choice("ACGU") for _ in range(rng.randint(20, 40))) for _ in range(n)]
    return [P5 + b + P3 for b in body] if primers else body


@pytest.fixture(scope="module", params=["bpe", "unigram"])
def tok(request):
    return train_tokenizer(_reads(), TokenizerSpec(algorithm=request.param, vocab_size=60,
                                                   primers="token"))


def _amount(tok):
    return 0.2 if tok.spec.algorithm == "bpe" else 0.3


def test_every_sampled_segmentation_spells_the_read(tok):
    s = sampler_for(tok, _amount(tok))
    reads = _reads(40, seed=5) + ["acgtacgt", "A", "GCGC"]  # lower case and T: normalised
    for i, read in enumerate(reads):
        for j in range(5):
            ids = s.encode(read, random.Random(f"{i}:{j}"))
            assert ids[0] == 2 and ids[-1] == 3  # [CLS] ... [SEP]
            assert tok.decode(ids) == tok.normalize(read)
    # the primers stay one token each: only the learned pieces between are re-spelled
    ids = s.encode(reads[0], random.Random(0))
    assert tok._backend.id_to_token(ids[1]) == "[P5]" and tok._backend.id_to_token(ids[-2]) == "[P3]"


def test_sampling_varies_and_same_seed_repeats(tok):
    s = sampler_for(tok, _amount(tok))
    read = _reads(1, seed=9)[0]
    draws = [tuple(s.encode(read, random.Random(k))) for k in range(10)]
    assert len(set(draws)) > 3
    assert [tuple(s.encode(read, random.Random(k))) for k in range(10)] == draws
    assert any(d != tuple(tok.encode(read)) for d in draws)


def test_bpe_dropout_zero_is_hf_bpe():
    reads = _reads(200, seed=1)
    tok = train_tokenizer(reads, TokenizerSpec(algorithm="bpe", vocab_size=80, primers="token"))
    s = SegmentationSampler(tok, 0.0)
    assert all(s.encode(r, random.Random(0)) == tok.encode(r) for r in reads)


def test_unigram_large_alpha_is_the_best_segmentation():
    reads = _reads(200, seed=1)
    tok = train_tokenizer(reads, TokenizerSpec(algorithm="unigram", vocab_size=80, primers="token"))
    s = SegmentationSampler(tok, 1e4)

    def score(ids):
        return sum(s.scores[tok._backend.id_to_token(i)][1] for i in ids if i not in s.added)

    for r in reads:  # the same log-probability as HF's Viterbi (equal-score ties aside)
        assert score(s.encode(r, random.Random(0))) == pytest.approx(score(tok.encode(r)), abs=1e-9)


def test_unigram_small_alpha_spreads_over_segmentations():
    tok = train_tokenizer(_reads(primers=False), TokenizerSpec(algorithm="unigram", vocab_size=60))
    read = "ACGUACGUAC"
    sharp = {tuple(SegmentationSampler(tok, 5.0).encode(read, random.Random(k))) for k in range(40)}
    flat = {tuple(SegmentationSampler(tok, 0.05).encode(read, random.Random(k))) for k in range(40)}
    assert len(flat) > len(sharp)


def test_char_and_kmer_have_one_segmentation_others_are_refused():
    reads = _reads(60, primers=False)
    assert sampler_for(train_tokenizer(reads, algorithm="char"), 0.1) is None
    assert sampler_for(train_tokenizer(reads, algorithm="kmer", k=3), 0.1) is None
    wp = train_tokenizer(reads, algorithm="wordpiece", vocab_size=40)
    with pytest.raises(TokenizerError, match="needs a bpe or unigram tokenizer; this one is wordpiece"):
        sampler_for(wp, 0.1)
    assert sampler_for(wp, 0.0) is None  # off: nothing to refuse
    bpe = train_tokenizer(reads, algorithm="bpe", vocab_size=40)
    with pytest.raises(TokenizerError, match=r"expected a number in \(0, 1\), got 1.5"):
        sampler_for(bpe, 1.5)
