"""Structure-aware tokenizers: struct-bpe, struct-unigram, struct-wordpiece, struct-alphabet.

Every read is folded whole (primers included, as the molecule is; ViennaRNA MFE with
the energy set of the spec's alphabet: RNA Turner 2004 or DNA Mathews 2004, at the
spec's ``fold_temperature``, 37 C unless set),
annotated with bpRNA elements, and then:

- ``struct-bpe`` / ``struct-unigram`` / ``struct-wordpiece``: cut at element
  boundaries; the HF text is the pieces separated by spaces (input form
  ``segmented``) and a whitespace pre-tokenizer keeps every token inside one element,
  so a GAAA hairpin loop or a short stem strand can be one token. With
  ``unit="hairpin"`` a whole hairpin unit (loop and closing helix,
  :mod:`tokenizer_lab.structure.hairpins`) is one piece instead of three or more, so
  a token may span the hairpin but never cross its ends; ``hairpin-vocab``
  (:mod:`tokenizer_lab.structure.hairpin_vocab`) puts frequent units in whole;
- ``struct-alphabet``: each nucleotide is written as one joint (base, element)
  character (input form ``joint``, see :mod:`tokenizer_lab.structure.pretokenize`)
  and BPE learns over that 28-letter alphabet; a token means "these bases in this
  structural context" and may span elements (a stem base, its loop, the closing base).

Primers are folded with the read; with primer mode token/strip the text covers the
random region only, with ``[P5] `` / `` [P3]`` in token mode. Folds go through the
disk cache and a memo in this process (:mod:`tokenizer_lab.structure.reads`).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from tokenizer_lab.algorithms import register
from tokenizer_lab.algorithms import unigram as _unigram
from tokenizer_lab.algorithms import wordpiece as _wordpiece
from tokenizer_lab.algorithms.bpe import train_bpe
from tokenizer_lab.algorithms.base import Algorithm, CharMap
from tokenizer_lab.errors import TokenizerError
from tokenizer_lab.primers import Primers
from tokenizer_lab.spec import PRIMER_TOKENS, SPECIAL_TOKENS, TokenizerSpec
from tokenizer_lab.structure.elements import annotate
from tokenizer_lab.structure.fold import VIENNA_VERSION
from tokenizer_lab.structure.hairpins import unit_segments
from tokenizer_lab.structure.pretokenize import JOINT_ALPHABET, joint_decode, joint_encode, segment_text
from tokenizer_lab.structure.reads import fold_params, structures
from tokenizer_lab.structure.short_pieces import refit

log = logging.getLogger(__name__)


class Structured(Algorithm):
    """Fold, annotate, then write the text; subclasses say which text and which model."""

    form = "segmented"
    sep = " "  # between a primer token and the text
    hairpins = False  # True: always cut at hairpin units (hairpin-vocab)

    def uses_units(self, spec: TokenizerSpec) -> bool:
        """Whether the text keeps each hairpin unit whole (one piece)."""
        return self.form == "segmented" and (self.hairpins or spec.unit == "hairpin")

    def input_form(self, spec: TokenizerSpec) -> str:
        return self.form

    def folding(self, spec: TokenizerSpec) -> dict:
        """What lab.json should record about folding."""
        p = fold_params(spec)
        out = dict(p.to_dict(), vienna=VIENNA_VERSION,
                   energy_set={"rna": "RNA Turner 2004", "dna": "DNA Mathews 2004"}[p.material],
                   elements="bpRNA letters S H B I M X E (tokenizer_lab.structure.elements)")
        if self.uses_units(spec):
            out["hairpin_units"] = {"max_internal": spec.max_internal, "min_stem": spec.min_stem,
                                    "definition": "tokenizer_lab.structure.hairpins"}
        return out

    def extra_meta(self, spec: TokenizerSpec, primers: Primers) -> dict:
        return {"folding": self.folding(spec)}

    def input_form_help(self, spec: TokenizerSpec) -> str:
        f = self.folding(spec)
        how = (f"reads folded whole (primers included) with ViennaRNA {f['vienna']} MFE, "
               f"{f['energy_set']}, {f['temperature']} C, dangles={f['dangles']}, "
               f"noLP={int(f['no_lp'])}; bpRNA elements")
        if self.uses_units(spec):
            what = ("the random region cut at the ends of hairpin units (a hairpin loop with "
                    f"its closing helix of >= {spec.min_stem} pairs, through bulges and interior "
                    f"loops of <= {spec.max_internal} nt a side) and, outside units, at "
                    "structure-element boundaries; pieces separated by one space, e.g. "
                    "'AA GGGGAAACCCC A'")
        elif self.form == "segmented":
            what = ("the random region cut at structure-element boundaries, pieces separated "
                    "by one space, e.g. 'GGGG AAA CCCC'")
        else:
            what = ("one character per nucleotide for (base, element): stem ACGU, hairpin acgu, "
                    "bulge ⒶⒸⒼⓊ, interior ⓐⓒⓖⓤ, multiloop ＡＣＧＵ, external ａｃｇｕ, "
                    "dangling end ⒜⒞⒢⒰ (tokenizer_lab.structure.pretokenize.joint_encode)")
        return (f"{what}; primer tokens [P5]/[P3] at the ends in token mode; {how}. "
                "LabTokenizer.prepare() makes this text from a raw read")

    def body_text(self, seq: str, structure: str, start: int, end: int,
                  spec: TokenizerSpec) -> tuple[str, list]:
        pieces = (unit_segments(structure, start, end, spec.max_internal, spec.min_stem)
                  if self.uses_units(spec) else None)
        return segment_text(seq, structure, start, end, pieces)

    def training_text(self, seq: str, spec: TokenizerSpec, primers: Primers) -> str:
        return seq  # the whole read: build() folds it with its primers, then cuts

    def text_for(self, seq: str, structure: str, primers: Primers,
                 spec: TokenizerSpec) -> tuple[str, list]:
        start, end = primers.body(seq)
        text, cmap = self.body_text(seq, structure, start, end, spec)
        if primers.mode == "token":
            if start > 0:
                head = PRIMER_TOKENS[0] + (self.sep if text else "")
                text = head + text
                cmap = [(0, start)] * len(PRIMER_TOKENS[0]) + [None] * (len(head) - len(PRIMER_TOKENS[0])) + cmap
            if end < len(seq):
                tail = (self.sep if text else "") + PRIMER_TOKENS[1]
                text += tail
                cmap += [None] * (len(tail) - len(PRIMER_TOKENS[1])) + [(end, len(seq))] * len(PRIMER_TOKENS[1])
        return text, cmap

    def prepare(self, seq: str, spec: TokenizerSpec, primers: Primers) -> tuple[str, CharMap]:
        if not seq:
            return "", []
        return self.text_for(seq, structures([seq], spec, workers=1)[0], primers, spec)

    def normalizer(self, spec: TokenizerSpec, primers: Primers):
        return None  # the text is made by prepare(); AutoTokenizer users pass it as is

    def min_vocab_size(self, spec: TokenizerSpec, primers: Primers) -> tuple[int, str]:
        """The smallest vocab_size that can work, and what it is made of."""
        return (len(SPECIAL_TOKENS) + len(primers.tokens()) + len(spec.letters),
                f"specials, primer tokens and the {len(spec.letters)} letters")

    def build(self, texts: Sequence[str], spec: TokenizerSpec, primers: Primers,
              show_progress: bool) -> Tokenizer:
        need, parts = self.min_vocab_size(spec, primers)
        if spec.vocab_size < need:  # say so before folding the corpus
            raise TokenizerError(f"vocab_size {spec.vocab_size} is too small for {self.name}: "
                                 f"use at least {need} ({parts})")
        return self.train(self.pieces(texts, spec, primers), spec, primers, show_progress)

    def pieces(self, texts: Sequence[str], spec: TokenizerSpec, primers: Primers) -> list[str]:
        """The training text of each read (folded, cut) that has a random region."""
        pieces = []
        for seq, st in zip(texts, structures(list(texts), spec)):
            start, end = primers.body(seq)
            if end > start:
                pieces.append(self.body_text(seq, st, start, end, spec)[0])
        if not pieces:
            raise TokenizerError("empty corpus: every read is only primer sequence")
        return pieces

    def train(self, texts: list[str], spec: TokenizerSpec, primers: Primers,
              show_progress: bool) -> Tokenizer:
        raise NotImplementedError


@register
class StructBPE(Structured):
    """BPE inside structure elements."""

    name = "struct-bpe"

    def train(self, texts, spec, primers, show_progress):
        return train_bpe(texts, self.vocab_budget(spec, primers), spec, show_progress,
                         pre_tokenizer=pre_tokenizers.WhitespaceSplit())


@register
class StructUnigram(Structured):
    """Unigram LM inside structure elements, trained by :func:`.short_pieces.refit`
    (the HF and sentencepiece unigram trainers leave short pieces out; see there)."""

    name = "struct-unigram"

    def train(self, texts, spec, primers, show_progress):
        counts = Counter(p for t in texts for p in t.split())
        budget = self.vocab_budget(spec, primers) - len(SPECIAL_TOKENS)
        pieces = refit(counts, budget, spec.letters,
                       spec.max_token_length or _unigram.SETTINGS["max_piece_length"])
        out = Tokenizer(models.Unigram([(t, 0.0) for t in SPECIAL_TOKENS] + pieces,
                                       unk_id=SPECIAL_TOKENS.index("[UNK]"), byte_fallback=False))
        out.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
        return out


@register
class StructWordPiece(Structured):
    """WordPiece inside structure elements: ``GGGG AAA`` -> ``GG ##GG AAA``."""

    name = "struct-wordpiece"

    def min_vocab_size(self, spec, primers):
        return (len(SPECIAL_TOKENS) + len(primers.tokens()) + 2 * len(spec.letters),
                "specials, primer tokens, the letters and each ##letter")

    def _bpe_vocab(self, texts, spec, size, show_progress) -> dict[str, int]:
        prefix = _wordpiece.PREFIX
        tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix=prefix))
        tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
        max_len = None if spec.max_token_length is None else spec.max_token_length + len(prefix)
        trainer = trainers.BpeTrainer(
            vocab_size=size, min_frequency=spec.min_frequency, show_progress=show_progress,
            special_tokens=list(SPECIAL_TOKENS), initial_alphabet=list(spec.letters),
            limit_alphabet=len(spec.letters), continuing_subword_prefix=prefix, max_token_length=max_len)
        tok.train_from_iterator(texts, trainer, length=len(texts))
        return tok.get_vocab()

    def train(self, texts, spec, primers, show_progress):
        prefix = _wordpiece.PREFIX
        budget = self.vocab_budget(spec, primers)
        needed = list(spec.letters) + [prefix + c for c in spec.letters]
        vocab = self._bpe_vocab(texts, spec, budget, show_progress)
        missing = [t for t in needed if t not in vocab]
        if missing and len(vocab) + len(missing) > budget:  # make room, as plain wordpiece does
            vocab = self._bpe_vocab(texts, spec, budget - len(missing), show_progress)
            missing = [t for t in needed if t not in vocab]
        for t in missing:
            vocab[t] = len(vocab)
        out = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", continuing_subword_prefix=prefix,
                                         max_input_chars_per_word=_wordpiece.MAX_WORD))
        out.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
        return out

    def base_decoder(self, spec):
        return decoders.WordPiece(prefix=_wordpiece.PREFIX, cleanup=False)


@register
class StructAlphabet(Structured):
    """BPE over joint (base, element) characters, one read one word."""

    name = "struct-alphabet"
    form = "joint"
    sep = ""  # no pre-tokenizer: a space would be a letter

    def body_text(self, seq, structure, start, end, spec):
        elements = annotate(structure)
        return joint_encode(seq[start:end], elements[start:end]), [(p, p + 1) for p in range(start, end)]

    def min_vocab_size(self, spec, primers):
        return (len(SPECIAL_TOKENS) + len(primers.tokens()) + len(JOINT_ALPHABET),
                f"specials, primer tokens and the {len(JOINT_ALPHABET)} joint letters")

    def train(self, texts, spec, primers, show_progress):
        return train_bpe(texts, self.vocab_budget(spec, primers), spec, show_progress,
                         letters=JOINT_ALPHABET)

    def join(self, tokens, hf_tokenizer, spec, primers):
        primer_seq = dict(primers.tokens())
        dna = spec.alphabet == "dna"
        return "".join(primer_seq[t] if t in primer_seq else joint_decode(t, dna=dna)[0] for t in tokens)


__all__ = ["StructAlphabet", "StructBPE", "StructUnigram", "StructWordPiece", "Structured",
           "fold_params", "structures"]
