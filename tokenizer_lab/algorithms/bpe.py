"""Byte-pair encoding learned from the reads, with HuggingFace ``tokenizers``.

Why HF and not sentencepiece: on the 38,513 TGM2 reads (30 nt, vocab 512, one core)
HF BpeTrainer trained in ~3 s and writes ``tokenizer.json`` natively (no conversion);
sentencepiece's BPE gave the same compression but was slower and would need its
model converted (see ``benchmarks/`` for the numbers). Each read is one "word": no
pre-tokenizer, so merges may span the whole read; the base alphabet is always the
full letter set, so no sequence ever maps to [UNK].

On the three reads ``ACGUACGU``, ``ACGUAA``, ``ACGUCC`` the first merges are
``AC`` then ``ACG`` then ``ACGU`` (see tests/test_tokenizer_train.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from tokenizers import Tokenizer, models, trainers

from ..primers import Primers
from ..spec import SPECIAL_TOKENS, TokenizerSpec
from . import register
from .base import Algorithm


@register
class BPE(Algorithm):
    name = "bpe"

    def build(self, texts: Sequence[str], spec: TokenizerSpec, primers: Primers,
              show_progress: bool) -> Tokenizer:
        tok = Tokenizer(models.BPE(unk_token="[UNK]"))
        trainer = trainers.BpeTrainer(
            vocab_size=self.vocab_budget(spec, primers), min_frequency=spec.min_frequency,
            show_progress=show_progress, special_tokens=list(SPECIAL_TOKENS),
            initial_alphabet=list(spec.letters), limit_alphabet=len(spec.letters),
            max_token_length=spec.max_token_length)
        tok.train_from_iterator(texts, trainer, length=len(texts))
        return tok


__all__ = ["BPE"]
