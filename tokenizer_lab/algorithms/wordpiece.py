"""WordPiece (BERT's subwords) learned from the reads, with HuggingFace ``tokenizers``.

sentencepiece has no WordPiece, so HF it is. HF's WordPieceTrainer is a BPE trainer
with the ``##`` continuing prefix whose vocabulary is then read greedily
longest-match-first; we do the same two steps ourselves because the Python
WordPieceTrainer does not pass ``max_token_length`` on. Two more fixes for
nucleotides: every letter and ``##letter`` is put in the vocabulary (WordPiece maps a
whole word to [UNK] if one piece is missing, and a read is one word), and
``max_input_chars_per_word`` is raised from 100 to :data:`MAX_WORD` nt. Tokens after
the first of a read carry ``##``: ``ACGUAA`` -> ``ACGU ##AA``.
"""

from __future__ import annotations

from collections.abc import Sequence

from tokenizers import Tokenizer, decoders, models, trainers

from ..primers import Primers
from ..spec import SPECIAL_TOKENS, TokenizerSpec
from . import register
from .base import Algorithm

PREFIX = "##"
MAX_WORD = 100_000  # greedy matching is quadratic in the read length: aptamers are short


def _train(texts, spec: TokenizerSpec, vocab_size: int, show_progress: bool) -> dict[str, int]:
    tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix=PREFIX))
    max_len = None if spec.max_token_length is None else spec.max_token_length + len(PREFIX)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, min_frequency=spec.min_frequency, show_progress=show_progress,
        special_tokens=list(SPECIAL_TOKENS), initial_alphabet=list(spec.letters),
        limit_alphabet=len(spec.letters), continuing_subword_prefix=PREFIX,
        max_token_length=max_len)
    tok.train_from_iterator(texts, trainer, length=len(texts))
    return tok.get_vocab()


@register
class WordPiece(Algorithm):
    name = "wordpiece"

    def build(self, texts: Sequence[str], spec: TokenizerSpec, primers: Primers,
              show_progress: bool) -> Tokenizer:
        budget = self.vocab_budget(spec, primers)
        needed = list(spec.letters) + [PREFIX + c for c in spec.letters]
        vocab = _train(texts, spec, budget, show_progress)
        missing = [t for t in needed if t not in vocab]
        if missing and len(vocab) + len(missing) > budget:  # make room, deterministically
            vocab = _train(texts, spec, budget - len(missing), show_progress)
            missing = [t for t in needed if t not in vocab]
        for t in missing:
            vocab[t] = len(vocab)
        return Tokenizer(models.WordPiece(vocab, unk_token="[UNK]",
                                          max_input_chars_per_word=MAX_WORD,
                                          continuing_subword_prefix=PREFIX))

    def base_decoder(self, spec):
        return decoders.WordPiece(prefix=PREFIX, cleanup=False)


__all__ = ["WordPiece"]
