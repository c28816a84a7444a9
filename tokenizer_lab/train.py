"""``train_tokenizer``: corpus + spec -> :class:`~tokenizer_lab.artifact.LabTokenizer`.

The algorithm builds and trains the model; this module adds what every tokenizer
shares: special tokens at ids 0-4, the primer tokens, the ``[CLS] $A [SEP]`` template,
the normaliser and decoder, and the description saved as ``lab.json``.

>>> tok = train_tokenizer(["ACGUACGU", "ACGUAA", "ACGUCC"], algorithm="char", primers="keep")
>>> tok.tokenize("acgt")
['A', 'C', 'G', 'U']
>>> tok("ACG")["input_ids"]
[2, 5, 6, 7, 3]
"""

from __future__ import annotations

import logging
import random
import sys
from collections import Counter

from tokenizers import AddedToken, Tokenizer, processors

from labkit.progress import show_progress as _show_progress

from . import algorithms
from .artifact import FORMAT, FORMAT_VERSION, LabTokenizer, library_versions, wrap_hf
from .corpus import load_corpus
from .errors import TokenizerError
from .primers import Primers, resolve
from .spec import SPECIAL_TOKENS, TokenizerSpec

log = logging.getLogger(__name__)


def finalize(tok: Tokenizer, alg: algorithms.Algorithm, spec: TokenizerSpec,
             primers: Primers) -> Tokenizer:
    """Give a trained model the shared pipeline: specials, primers, template, decoder."""
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS])
    vocab = tok.get_vocab()
    for i, t in enumerate(SPECIAL_TOKENS):
        if vocab.get(t) != i:
            raise RuntimeError(f"{alg.name}: special token {t} has id {vocab.get(t)}, expected {i}")
    # normalized=True: the normaliser writes "[P5]" in place of the primer, then the
    # added-token pass finds it; special=False so decode(skip_special_tokens) keeps it
    # and the decoder turns it back into the primer sequence.
    tok.add_tokens([AddedToken(t, special=False, normalized=True) for t, _ in primers.tokens()])
    tok.normalizer = alg.normalizer(spec, primers)
    tok.decoder = alg.decoder(spec, primers)
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    return tok


def check_fillable(spec: TokenizerSpec, texts: list[str], primers) -> None:
    """A learned vocabulary larger than the corpus can fill is refused before training
    (HF's trainers reserve room for ``vocab_size`` tokens: 10^9 aborted the process).

    Each merge shortens at least one distinct read by a token, so BPE and WordPiece
    learn at most ``sum(len - 1)`` over the distinct reads beside the alphabet, special
    and primer tokens. (Unigram stops where its pieces run out: sentencepiece is told
    the size is a wish, ``hard_vocab_limit=False``.)

    >>> check_fillable(TokenizerSpec(algorithm="bpe", vocab_size=10**9), ["ACGU", "AC"], Primers())
    Traceback (most recent call last):
    tokenizer_lab.errors.TokenizerError: --vocab-size 1000000000 is more than the corpus can fill: 2 reads (6 nt) give at most 15 tokens; give --vocab-size 15 or less
    """
    if spec.algorithm.rsplit("-", 1)[-1] not in ("bpe", "wordpiece"):
        return
    most = spec.min_vocab_size + len(primers.tokens()) + sum(max(len(t) - 1, 0) for t in set(texts))
    if spec.vocab_size > most:
        raise TokenizerError(
            f"--vocab-size {spec.vocab_size} is more than the corpus can fill: {len(texts)} reads "
            f"({sum(map(len, texts))} nt) give at most {most} tokens; give --vocab-size {most} or less")


def token_frequencies(tok: LabTokenizer, seqs: list[str]) -> Counter:
    """How often each token id occurs when the corpus is tokenized (no specials)."""
    counts: Counter = Counter()
    backend = tok.hf.backend_tokenizer
    batch = 8192
    for i in range(0, len(seqs), batch):
        texts = [tok.algorithm.prepare_text(s, tok.spec, tok.primers) for s in seqs[i:i + batch]]
        for enc in backend.encode_batch(texts, add_special_tokens=False):
            counts.update(enc.ids)
    return counts


def train_tokenizer(corpus, spec: TokenizerSpec | None = None, *, read_options=None,
                    show_progress: bool | None = None, **spec_fields) -> LabTokenizer:
    """Train a tokenizer on ``corpus`` (paths, or an iterable of sequences).

    ``spec_fields`` are :class:`TokenizerSpec` fields, for convenience (not with ``spec``).
    ``read_options``: :class:`corpora.readers.ReadOptions` (or a dict of its fields)
    for file corpora; the spec's alphabet and IUPAC policy win.
    Raises :class:`TokenizerError` / :class:`corpora.errors.LabError` for bad input.
    """
    if spec is None:
        try:
            spec = TokenizerSpec(**spec_fields)
        except (TypeError, ValueError) as exc:
            raise TokenizerError(f"invalid tokenizer spec: {exc}") from None
    elif spec_fields:
        raise TypeError("give either spec or spec fields, not both")
    alg = algorithms.get(spec.algorithm)
    show = _show_progress() if show_progress is None else show_progress
    random.seed(spec.seed)  # no trainer here draws from it, but plug-ins may
    data = load_corpus(corpus, spec, read_options)
    primers = resolve(spec, data.seqs)
    if not primers.active() and type(alg).training_text is algorithms.Algorithm.training_text:
        texts = [s for s in data.seqs if s]  # nothing to cut: skip a call per read
    else:
        texts = [t for t in (alg.training_text(s, spec, primers) for s in data.seqs) if t]
    if not texts:
        raise TokenizerError("empty corpus: every read is only primer sequence")
    log.info("training %s on %d reads (%d nt)", spec.algorithm, len(texts), sum(map(len, texts)))
    check_fillable(spec, texts, primers)
    tok = finalize(alg.build(texts, spec, primers, show), alg, spec, primers)
    meta = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "spec": spec.to_dict(), "algorithm": alg.name, "library": alg.library,
        "vocab_kind": "learned" if alg.learned else "enumerated",
        "input_form": alg.input_form(spec), "input_form_help": alg.input_form_help(spec),
        "vocab_size": tok.get_vocab_size(with_added_tokens=True),
        "special_tokens": {t: i for i, t in enumerate(SPECIAL_TOKENS)},
        "primers": primers.to_dict(), "seed": spec.seed, "corpus": data.info,
        "versions": library_versions(), "python": sys.version.split()[0],
    }
    extra = alg.extra_meta(spec, primers)
    clash = set(extra) & set(meta)
    if clash:
        raise RuntimeError(f"{alg.name}.extra_meta may not replace lab.json keys {sorted(clash)}")
    meta.update(extra)
    lab = LabTokenizer(wrap_hf(tok), spec, meta)
    seqs = data.seqs
    lab.count_later(lambda: token_frequencies(lab, seqs))  # paid by save(), not training
    return lab


__all__ = ["train_tokenizer", "finalize"]
