"""What every algorithm provides: the HF pipeline pieces and the text it reads.

An algorithm turns a normalised nucleotide sequence into the text its HuggingFace
tokenizer reads (:meth:`Algorithm.prepare`), builds and trains the
``tokenizers.Tokenizer`` (:meth:`Algorithm.build`) and joins tokens back into a
sequence (:meth:`Algorithm.join`). The common parts (special tokens, primer tokens,
[CLS]/[SEP] template, saving) live in :mod:`tokenizer_lab.train` and
:mod:`tokenizer_lab.artifact`, so a plug-in only overrides what differs.

Raw-input algorithms (the default) read the sequence itself: the tokenizer's own
normalizer upper-cases it, writes T or U and maps constant primers to [P5]/[P3], so
``AutoTokenizer`` users can pass reads as they come.

>>> from tokenizer_lab.spec import TokenizerSpec
>>> from tokenizer_lab.primers import Primers
>>> n = nucleotide_normalizer(TokenizerSpec(alphabet="rna"), Primers("token", "GGGA", None))
>>> n.normalize_str("gggaacgt tt")
'[P5]ACGUUU'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from tokenizers import Regex, Tokenizer, decoders, normalizers

from ..primers import Primers
from ..spec import PRIMER_TOKENS, TokenizerSpec

# a character map: for each character of the prepared text, the [start, end) of the
# raw sequence it stands for (None: a separator); None for the whole map = identity
CharMap = list[tuple[int, int] | None] | None


def nucleotide_normalizer(spec: TokenizerSpec, primers: Primers,
                          strip_space: bool = True) -> normalizers.Normalizer:
    """Upper case, no white space, T or U as the spec says, primers to tokens or nothing."""
    steps = [normalizers.Replace(Regex(r"\s+"), "")] if strip_space else []
    other, mine = ("T", "U") if spec.alphabet == "rna" else ("U", "T")
    steps.append(normalizers.Replace(Regex(f"[{other}{other.lower()}]"), mine))
    steps += [normalizers.Replace(ch.lower(), ch) for ch in spec.letters if ch != mine]
    steps.append(normalizers.Replace(mine.lower(), mine))
    for token, seq, anchor in primers.replacements():
        pattern = f"^{seq}" if anchor == "start" else f"{seq}$"
        steps.append(normalizers.Replace(Regex(pattern), token if primers.mode == "token" else ""))
    return normalizers.Sequence(steps)


class Algorithm:
    """Base class of the registered algorithms (see :func:`tokenizer_lab.algorithms.register`)."""

    name: ClassVar[str] = ""
    learned: ClassVar[bool] = True  # False: the vocabulary is enumerated
    library: ClassVar[str] = "tokenizers"

    # -- the text the HF tokenizer reads ------------------------------------------------
    def input_form(self, spec: TokenizerSpec) -> str:
        """A short code for lab.json: what text ``AutoTokenizer`` expects."""
        return "raw"

    def input_form_help(self, spec: TokenizerSpec) -> str:
        return ("the nucleotide sequence as read (any case, T or U); the tokenizer's "
                "normalizer handles case, T/U and primers")

    def prepare(self, seq: str, spec: TokenizerSpec, primers: Primers) -> tuple[str, CharMap]:
        """Normalised sequence -> (text for the HF tokenizer, character map)."""
        return seq, None

    def prepare_text(self, seq: str, spec: TokenizerSpec, primers: Primers) -> str:
        """Just the text of :meth:`prepare` (override where the map is costly to build)."""
        return self.prepare(seq, spec, primers)[0]

    def training_text(self, seq: str, spec: TokenizerSpec, primers: Primers) -> str:
        """What the trainer learns from: the read without its constant primers."""
        start, end = primers.body(seq)
        return seq[start:end]

    def extra_meta(self, spec: TokenizerSpec, primers: Primers) -> dict:
        """More keys for lab.json (e.g. the folding parameters of structure-aware ones)."""
        return {}

    def bind(self, meta: dict) -> None:
        """Take back what :meth:`extra_meta` recorded (lab.json) before preparing text:
        called on the fresh instance of every trained or loaded tokenizer."""

    # -- the HF pipeline ------------------------------------------------------------------
    def build(self, texts: Sequence[str], spec: TokenizerSpec, primers: Primers,
              show_progress: bool) -> Tokenizer:
        """A trained ``tokenizers.Tokenizer`` (model and pre-tokenizer; no post-processor)."""
        raise NotImplementedError

    def vocab_budget(self, spec: TokenizerSpec, primers: Primers) -> int:
        """The trainer's vocab_size: the spec's, less the primer tokens added afterwards."""
        return spec.vocab_size - len(primers.tokens())

    def normalizer(self, spec: TokenizerSpec, primers: Primers) -> normalizers.Normalizer | None:
        return nucleotide_normalizer(spec, primers)

    def base_decoder(self, spec: TokenizerSpec) -> decoders.Decoder | None:
        return decoders.Fuse()

    def decoder(self, spec: TokenizerSpec, primers: Primers) -> decoders.Decoder | None:
        """Primer tokens back to their sequence, then the algorithm's own decoder."""
        base = self.base_decoder(spec)
        steps = [decoders.Replace(tok, seq) for tok, seq in primers.tokens()]
        if base is None or not steps:
            return base
        return decoders.Sequence(steps + [base])

    def join(self, tokens: list[str], hf_tokenizer: Tokenizer, spec: TokenizerSpec,
             primers: Primers) -> str:
        """Tokens (no [CLS]/[SEP]/[PAD]) -> the sequence they spell."""
        if not tokens:
            return ""
        dec = hf_tokenizer.decoder
        text = dec.decode(tokens) if dec is not None else "".join(tokens)
        return text.replace(" ", "")


__all__ = ["Algorithm", "CharMap", "nucleotide_normalizer", "PRIMER_TOKENS"]
