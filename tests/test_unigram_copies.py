"""Unigram on reads with copies: each distinct read goes to sentencepiece once, with its
count, and the model is the one sentencepiece learns from every copy fed apart, the
copies of a read together in first-seen order (sentencepiece's model depends on the
order of its input, with or without counts)."""

from __future__ import annotations

import io
import json
import random

import sentencepiece as spm

from tokenizer_lab import train_tokenizer
from tokenizer_lab.algorithms import unigram
from tokenizer_lab.spec import SPECIAL_TOKENS


def _library(n_distinct=300, n_reads=3000, length=24, seed=0) -> list[str]:
    """A late-round-like library: few distinct reads, many PCR copies (skewed counts)."""
    rng = random.Random(seed)
    distinct = ["".join(rng.choice("ACGU") for _ in range(length)) for _ in range(n_distinct)]
    weights = [1 / (i + 1) for i in range(n_distinct)]
    return rng.choices(distinct, weights=weights, k=n_reads)


def test_counts_give_the_model_of_every_copy():
    reads = _library()
    assert len(set(reads)) < len(reads) / 5
    vocab = 64
    tok = train_tokenizer(reads, algorithm="unigram", vocab_size=vocab, primers="keep")
    model = json.loads(tok.hf.backend_tokenizer.to_str())["model"]
    ours = {t: s for t, s in model["vocab"] if t not in SPECIAL_TOKENS}
    first = {r: i for i, r in reversed(list(enumerate(reads)))}
    grouped = sorted(reads, key=first.__getitem__)
    budget = vocab - len(SPECIAL_TOKENS)
    buf = io.BytesIO()
    spm.set_random_generator_seed(0)
    spm.SentencePieceTrainer.train(  # every copy, plain text input
        sentence_iterator=iter(grouped), model_writer=buf, model_type="unigram",
        vocab_size=budget + 1, character_coverage=1.0, max_sentencepiece_length=16,
        split_by_whitespace=False, add_dummy_prefix=False, hard_vocab_limit=False,
        shrinking_factor=unigram.SETTINGS["shrinking_factor"],
        num_sub_iterations=unigram.SETTINGS["n_sub_iterations"],
        seed_sentencepiece_size=unigram.seed_size(budget), num_threads=1,
        shuffle_input_sentence=False, unk_id=0, bos_id=-1, eos_id=-1, pad_id=-1, minloglevel=2)
    sp = spm.SentencePieceProcessor(model_proto=buf.getvalue())
    raw = {sp.id_to_piece(i): sp.get_score(i) for i in range(sp.get_piece_size())
           if not sp.is_unknown(i)}
    assert set(ours) == set(raw)
    assert all(abs(ours[t] - raw[t]) < 1e-4 for t in raw)
