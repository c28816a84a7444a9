"""WordPiece (BERT's subwords) learned from the reads, with HuggingFace ``tokenizers``.

sentencepiece has no WordPiece, so HF it is. HF's WordPieceTrainer is a BPE trainer
with the ``##`` continuing prefix whose vocabulary is then read greedily
longest-match-first. We do the same two steps ourselves, for two reasons: the Python
WordPieceTrainer does not pass ``max_token_length`` on, and it is not reproducible:
the ``##X`` pieces get their ids in the order a Rust HashMap yields the words, and
ids break ties between equally frequent pairs, so two runs learned different
vocabularies. Instead, non-initial letters are written in lower case (``ACGU`` ->
``Acgu``), plain BPE learns on that (its alphabet ids are sorted, so ties break
the same way every run), and lower-case pieces become ``##`` pieces
(``cgu`` -> ``##CGU``). Two more fixes for
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
from .registry import register
from .base import Algorithm

PREFIX = "##"
MAX_WORD = 100_000  # greedy matching is quadratic in the read length: aptamers are short


def _positional(text: str) -> str:
    """>>> _positional("ACGU")
    'Acgu'
    """
    return text[:1] + text[1:].lower()


def _wordpiece_token(piece: str) -> str:
    """>>> _wordpiece_token("Acg"), _wordpiece_token("gu"), _wordpiece_token("[PAD]")
    ('ACG', '##GU', '[PAD]')
    """
    if piece in SPECIAL_TOKENS:
        return piece
    return PREFIX + piece.upper() if piece[:1].islower() else piece.upper()


def _train(texts, spec: TokenizerSpec, vocab_size: int, show_progress: bool) -> dict[str, int]:
    tok = Tokenizer(models.BPE(unk_token="[UNK]"))
    alphabet = list(spec.letters) + [c.lower() for c in spec.letters]
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, min_frequency=spec.min_frequency, show_progress=show_progress,
        special_tokens=list(SPECIAL_TOKENS), initial_alphabet=alphabet,
        limit_alphabet=len(alphabet), max_token_length=spec.max_token_length)
    tok.train_from_iterator((_positional(t) for t in texts), trainer, length=len(texts))
    vocab = tok.get_vocab()
    return {_wordpiece_token(p): i for p, i in sorted(vocab.items(), key=lambda x: x[1])}


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
