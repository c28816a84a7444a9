"""Unigram language-model pieces (Kudo 2018) learned from the reads.

Trainer settings live in :data:`SETTINGS` so the speed investigation (issue 3,
benchmarks/bench_tokenizers.py) can tune them in one place. Two back ends give the
same kind of model: HuggingFace's ``UnigramTrainer`` and sentencepiece's unigram
trainer, whose pieces and scores are loaded into a HF ``models.Unigram`` so the
saved artifact is the same either way. :data:`BACKEND` picks one (see the comment
there for the measurement). Every letter is a piece, so no read maps to [UNK].
"""

from __future__ import annotations

import io
import json
import logging
import random
from collections import Counter
from collections.abc import Sequence

from tokenizers import Tokenizer, models, trainers

from ..primers import Primers
from ..spec import SPECIAL_TOKENS, TokenizerSpec
from .registry import register
from .base import Algorithm

log = logging.getLogger(__name__)

# Why sentencepiece: measured on the 38,513 TGM2 reads (30 nt), vocab 512, one
# thread, shared 2-core machine, default settings: HF UnigramTrainer 189 s and 10.86
# tokens per read; sentencepiece 201 s and 9.91 tokens per read (better compression,
# same speed). And HF's trainer is not reproducible: four runs on the same 300 reads
# gave four different tokenizer.json (EM sums in HashMap order), while sentencepiece
# with one thread and no shuffling gave the same model every time.
BACKEND = "sentencepiece"
SETTINGS = {
    "max_piece_length": 16,   # used when the spec has no max_token_length
    "shrinking_factor": 0.75,
    "n_sub_iterations": 2,
    # sentencepiece back end: seed pieces = max(this, seed_per_piece * vocab). The
    # default (1,000,000 seeds, all substrings up to 16 nt seen twice, ranked by count *
    # length) fills the seed with rare long random substrings of short whitespace-free
    # reads; EM then runs ~25 prune rounds over the whole corpus. A small seed is ~10x
    # faster and compresses held-out reads better (benchmarks/results/unigram_speed.md).
    "seed_sentencepiece_size": 2000,
    "seed_per_piece": 2,  # vocab 4096, 100,000 reads: 2x 20 CPU-s, 5.33 nt/token; 4x 40 s, 5.19
    # EM on at most this many distinct reads; with more, on a seeded sample of this many
    # reads (sentencepiece's input_sentence_size, done here so file and iterator give the
    # same sample): on 100,000 random 40-nt reads 50,000 gave 4.004 nt/token held out
    # against 4.002 for all, in half the time
    "max_sentences": 50_000,
    "num_threads": 1,  # sentencepiece: one thread keeps the EM sums in a fixed order
}
# Reads go to sentencepiece once each, with their count ("read<TAB>count", its tsv
# input): the same pieces and scores as every copy fed apart, and EM's cost follows the
# distinct reads. A sequenced SELEX round is mostly PCR copies (IGFBP3 round 6: 13,803
# distinct among 1,442,118 reads), where feeding every copy made unigram 8x slower.


def seed_size(budget: int) -> int:
    """Seed pieces for a vocabulary of ``budget`` pieces.

    >>> seed_size(507), seed_size(4091)
    (2000, 8182)
    """
    return max(SETTINGS["seed_sentencepiece_size"], SETTINGS["seed_per_piece"] * budget)


def _max_len(spec: TokenizerSpec) -> int:
    return spec.max_token_length or SETTINGS["max_piece_length"]


def _train_hf(texts, spec: TokenizerSpec, budget: int, show_progress: bool) -> list[tuple[str, float]]:
    tok = Tokenizer(models.Unigram())
    trainer = trainers.UnigramTrainer(
        vocab_size=budget, show_progress=show_progress, special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=list(spec.letters), unk_token="[UNK]",
        max_piece_length=_max_len(spec), shrinking_factor=SETTINGS["shrinking_factor"],
        n_sub_iterations=SETTINGS["n_sub_iterations"])
    tok.train_from_iterator(texts, trainer, length=len(texts))
    vocab = json.loads(tok.to_str())["model"]["vocab"]
    return [(p, float(s)) for p, s in vocab if p not in SPECIAL_TOKENS]


def sample_texts(texts: Sequence[str], seed: int) -> Sequence[str]:
    """At most ``SETTINGS["max_sentences"]`` reads, drawn with ``seed``, in corpus order."""
    n = SETTINGS["max_sentences"]
    if not n or len(texts) <= n:
        return texts
    keep = sorted(random.Random(seed).sample(range(len(texts)), n))
    log.info("unigram: EM on a seeded sample of %d of %d reads", n, len(texts))
    return [texts[i] for i in keep]


def _train_sp(texts, spec: TokenizerSpec, budget: int, show_progress: bool) -> list[tuple[str, float]]:
    import sentencepiece as spm

    counts = Counter(texts)
    if len(counts) > (SETTINGS["max_sentences"] or len(counts)):
        counts = Counter(sample_texts(texts, spec.seed))
    log.info("unigram: EM on %d distinct reads (%d with copies)", len(counts), sum(counts.values()))
    spm.set_random_generator_seed(spec.seed)
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=(f"{t}\t{n}" for t, n in counts.items()), input_format="tsv",
        model_writer=buf, model_type="unigram",
        vocab_size=budget - len(SPECIAL_TOKENS) + 1,  # + sentencepiece's own <unk>
        character_coverage=1.0, max_sentencepiece_length=_max_len(spec),
        split_by_whitespace=False, add_dummy_prefix=False, hard_vocab_limit=False,
        max_sentence_length=1 << 20, shrinking_factor=SETTINGS["shrinking_factor"],
        num_sub_iterations=SETTINGS["n_sub_iterations"],
        seed_sentencepiece_size=seed_size(budget - len(SPECIAL_TOKENS)),
        num_threads=SETTINGS["num_threads"], shuffle_input_sentence=False,
        unk_id=0, bos_id=-1, eos_id=-1, pad_id=-1, minloglevel=0 if show_progress else 2)
    sp = spm.SentencePieceProcessor(model_proto=buf.getvalue())
    return [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())
            if not sp.is_unknown(i)]


@register
class Unigram(Algorithm):
    name = "unigram"

    @property
    def library(self) -> str:  # type: ignore[override]
        return "sentencepiece" if BACKEND == "sentencepiece" else "tokenizers"

    def extra_meta(self, spec: TokenizerSpec, primers: Primers) -> dict:
        """The trainer settings in force (they are tuned here, not in the spec)."""
        sp_keys = ("seed_sentencepiece_size", "seed_per_piece", "max_sentences", "num_threads")
        keys = ("shrinking_factor", "n_sub_iterations") + (
            sp_keys if BACKEND == "sentencepiece" else ())
        return {"trainer": {"backend": BACKEND, "max_piece_length": _max_len(spec),
                            **{k: SETTINGS[k] for k in keys}}}

    def build(self, texts: Sequence[str], spec: TokenizerSpec, primers: Primers,
              show_progress: bool) -> Tokenizer:
        # letters the corpus lacks (IUPAC with iupac=keep) are added after training:
        # leave room for them so the vocabulary stays within vocab_size
        seen = set().union(*map(set, texts)) if texts else set()
        unseen = [c for c in spec.letters if c not in seen]
        budget = self.vocab_budget(spec, primers) - len(unseen)
        train = _train_sp if BACKEND == "sentencepiece" else _train_hf
        pieces = train(texts, spec, budget, show_progress)
        have = {p for p, _ in pieces}
        floor = min((s for _, s in pieces), default=0.0) - 10.0
        pieces += [(c, floor) for c in spec.letters if c not in have]
        vocab = [(t, 0.0) for t in SPECIAL_TOKENS] + pieces
        return Tokenizer(models.Unigram(vocab, unk_id=SPECIAL_TOKENS.index("[UNK]"),
                                        byte_fallback=False))


__all__ = ["Unigram", "SETTINGS", "BACKEND", "sample_texts", "seed_size"]
