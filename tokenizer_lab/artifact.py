"""The tokenizer as the lab uses it (:class:`LabTokenizer`) and as it lies on disk.

A tokenizer directory holds what ``PreTrainedTokenizerFast.save_pretrained`` writes
(``tokenizer.json``, ``tokenizer_config.json``, and ``special_tokens_map.json`` for
older transformers), so ``transformers.AutoTokenizer.from_pretrained(DIR)`` loads it
with no code of ours, plus ``lab.json`` (how it was made: spec, corpus sha256 and
size, primers, the text the tokenizer expects, library versions, the sha256 of
``tokenizer.json``) and ``vocab.txt`` (``token<TAB>id<TAB>frequency``, the count of the
token when the training corpus is tokenized).

>>> import tempfile, pathlib
>>> from tokenizer_lab import train_tokenizer
>>> tok = train_tokenizer(["ACGUACGU", "ACGUAA"], algorithm="kmer", k=2, stride=2)
>>> tok.tokenize("ACGUA"), tok.token_spans("ACGUA")
(['AC', 'GU', 'A'], [(0, 2), (2, 4), (4, 5)])
>>> d = pathlib.Path(tempfile.mkdtemp()) / "tok"
>>> tok.save(d).name
'tok'
>>> load_tokenizer(d).decode(tok.encode("ACGUA"))
'ACGUA'
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from tokenizers import Tokenizer
from transformers import PreTrainedTokenizerFast

from corpora.alphabet import InvalidSequence, normalize
from labkit.atomic import atomic_dir
from labkit.typed import from_saved
from labkit.checksum import sha256_file
from labkit.limits import MAX_JSON_BYTES, MAX_TOKENIZE_NT

from . import algorithms
from .errors import TokenizerError
from .primers import Primers
from .spec import SPECIAL_TOKENS, TokenizerSpec

FORMAT = "aptamer-tokenizer-lab"
FORMAT_VERSION = 1
HF_FILES = ("tokenizer.json", "tokenizer_config.json")
#: The file that marks a tokenizer folder, and files that make a folder a model's (whose
#: tokenizer files, lab.json included, lie beside the weights): never replaced by a tokenizer.
MARKER = "lab.json"
MODEL_FILES = ("config.json", "model.safetensors")
_SPECIAL_KW = dict(pad_token="[PAD]", unk_token="[UNK]", cls_token="[CLS]",
                   sep_token="[SEP]", mask_token="[MASK]")


def library_versions() -> dict[str, str]:
    out = {}
    for pkg in ("aptamer-tokenizer-lab", "tokenizers", "transformers", "sentencepiece"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def wrap_hf(tok: Tokenizer) -> PreTrainedTokenizerFast:
    """The transformers face of a ``tokenizers.Tokenizer`` with our special tokens."""
    return PreTrainedTokenizerFast(tokenizer_object=tok, clean_up_tokenization_spaces=False,
                                   **_SPECIAL_KW)


class LabTokenizer:
    """A trained tokenizer: the HF tokenizer (``.hf``) plus how to feed it sequences.

    Sequences are normalised first (upper case, T or U as the spec's alphabet, IUPAC
    policy), so a DNA tokenizer reads RNA input and the reverse.
    """

    def __init__(self, hf: PreTrainedTokenizerFast, spec: TokenizerSpec, meta: dict,
                 frequencies: Counter | None = None):
        self.hf = hf
        self.spec = spec
        self.meta = meta
        self.primers = Primers.from_dict(meta["primers"])
        self.algorithm = algorithms.get(spec.algorithm)
        self.algorithm.bind(meta)
        self._count_source = None
        self.frequencies = frequencies if frequencies is not None else Counter()
        # our own copy for encode/tokenize/token_spans: transformers switches padding and
        # truncation on in hf.backend_tokenizer when called with them, and leaves them on
        self._backend = Tokenizer.from_str(hf.backend_tokenizer.to_str())
        self._backend.no_padding()
        self._backend.no_truncation()

    @property
    def frequencies(self) -> Counter:
        """Token id -> count on the training corpus (vocab.txt), counted on first use."""
        if self._frequencies is None:
            source, self._count_source = self._count_source, None
            self._frequencies = source() if source is not None else Counter()
        return self._frequencies

    @frequencies.setter
    def frequencies(self, value: Counter) -> None:
        self._frequencies, self._count_source = value, None

    def count_later(self, source) -> None:
        """Count token frequencies with ``source()`` when first needed (save, vocab_lines):
        an extra pass over the corpus that training itself does not need."""
        self._frequencies, self._count_source = None, source

    # -- sizes and ids -----------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        """All ids, special and primer tokens included (what an embedding needs)."""
        return len(self.hf)

    @property
    def pad_token_id(self) -> int:
        return self.hf.pad_token_id

    def __len__(self) -> int:
        return self.vocab_size

    def __repr__(self) -> str:
        return (f"LabTokenizer(algorithm={self.spec.algorithm!r}, vocab_size={self.vocab_size}, "
                f"input_form={self.meta['input_form']!r})")

    # -- sequences to text and tokens -----------------------------------------------------
    def normalize(self, seq: str) -> str:
        """Upper case, T or U, IUPAC policy; TokenizerError for letters it cannot take
        or a sequence longer than MAX_TOKENIZE_NT."""
        if len(seq) > MAX_TOKENIZE_NT:
            raise TokenizerError(f"sequence {seq[:30]!r}...: {len(seq)} nt; a tokenizer reads at "
                                 f"most {MAX_TOKENIZE_NT} nt (see README 'Limits')")
        try:
            return normalize(seq, self.spec.alphabet, self.spec.iupac)
        except InvalidSequence as exc:  # the tokenizer's own iupac setting decides, not an option
            raise TokenizerError(f"sequence {seq[:30]!r}: {exc.reason}") from None

    def _prepared(self, seq: str):
        norm = self.normalize(seq)
        text, cmap = self.algorithm.prepare(norm, self.spec, self.primers)
        return norm, text, cmap

    def prepare(self, seq: str) -> str:
        """The text the HF tokenizer (and AutoTokenizer) reads for ``seq``."""
        return self.algorithm.prepare_text(self.normalize(seq), self.spec, self.primers)

    def __call__(self, seqs: str | Sequence[str], **kwargs):
        """Like calling a HF tokenizer: a BatchEncoding with [CLS]/[SEP], masks, padding."""
        texts = self.prepare(seqs) if isinstance(seqs, str) else [self.prepare(s) for s in seqs]
        try:
            return self.hf(texts, **kwargs)
        finally:
            # transformers leaves padding/truncation switched on in its backend, which
            # callers of tok.hf.backend_tokenizer share: switch them off again
            self.hf.backend_tokenizer.no_padding()
            self.hf.backend_tokenizer.no_truncation()

    def encode(self, seq: str, add_special_tokens: bool = True) -> list[int]:
        return self._backend.encode(self.prepare(seq), add_special_tokens=add_special_tokens).ids

    def encode_batch(self, seqs: Sequence[str], add_special_tokens: bool = True) -> list[list[int]]:
        """Ids of many sequences at once (the fast path: no BatchEncoding, no padding)."""
        alg = type(self.algorithm)
        if alg.prepare_text is algorithms.Algorithm.prepare_text and \
                alg.prepare is algorithms.Algorithm.prepare:
            # raw-input algorithms: a read already in canonical upper case is its own text
            clean = re.compile("[ACGU]+" if self.spec.alphabet == "rna" else "[ACGT]+").fullmatch
            texts = [s if clean(s) else self.prepare(s) for s in seqs]
        else:
            texts = [self.prepare(s) for s in seqs]
        encs = self._backend.encode_batch_fast(texts, add_special_tokens=add_special_tokens)
        return [e.ids for e in encs]

    def tokenize(self, seq: str) -> list[str]:
        """The tokens of ``seq``, without [CLS]/[SEP]."""
        return self._backend.encode(self.prepare(seq), add_special_tokens=False).tokens

    def token_spans(self, seq: str) -> list[tuple[int, int]]:
        """[start, end) of each token in the normalised sequence (overlapping k-mers overlap)."""
        norm, text, cmap = self._prepared(seq)
        enc = self._backend.encode(text, add_special_tokens=False)
        if cmap is not None:
            return [(cmap[a][0], cmap[b - 1][1]) for a, b in enc.offsets]
        # a primer replaced by [P5]/[P3] in the normaliser gets the offsets of its last
        # letter from HF; the token stands for the whole primer
        start, end = self.primers.body(norm)
        fix = {"[P5]": (0, start), "[P3]": (end, len(norm))}
        return [fix.get(t, tuple(o)) for t, o in zip(enc.tokens, enc.offsets)]

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = True) -> str:
        """Ids -> the sequence they spell (primer tokens spelled out)."""
        ids = [int(i) for i in ids]
        if skip_special_tokens:
            ids = [i for i in ids if not 0 <= i < len(SPECIAL_TOKENS)]
        tokens = [self._backend.id_to_token(i) for i in ids]
        return self.algorithm.join([t for t in tokens if t is not None], self._backend,
                                   self.spec, self.primers)

    def batch_decode(self, batch: Sequence[Sequence[int]], skip_special_tokens: bool = True) -> list[str]:
        return [self.decode(ids, skip_special_tokens) for ids in batch]

    # -- disk -------------------------------------------------------------------------
    def vocab_lines(self) -> list[str]:
        vocab = sorted(self._backend.get_vocab(with_added_tokens=True).items(), key=lambda x: x[1])
        return ["token\tid\tfrequency"] + [f"{t}\t{i}\t{self.frequencies.get(i, 0)}" for t, i in vocab]

    def save(self, out_dir: str | Path) -> Path:
        """Write the directory atomically; refuses to replace a folder that is not a tokenizer."""
        out = Path(out_dir)
        if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())
                             or any((out / f).exists() for f in MODEL_FILES)):
            raise TokenizerError(f"{out}: exists and is not a tokenizer directory; "
                                 "choose a new --out or remove it")
        with atomic_dir(out) as tmp:
            self.hf.save_pretrained(str(tmp))
            # transformers 5 writes its own class name, which transformers 4 cannot
            # resolve; PreTrainedTokenizerFast loads tokenizer.json in both
            cfg_path = tmp / "tokenizer_config.json"
            cfg = json.loads(cfg_path.read_text())
            cfg["tokenizer_class"] = "PreTrainedTokenizerFast"
            cfg_path.write_text(json.dumps(cfg, indent=2) + "\n")
            specials = tmp / "special_tokens_map.json"
            if not specials.exists():
                specials.write_text(json.dumps(_SPECIAL_KW, indent=2) + "\n")
            meta = dict(self.meta, files={"tokenizer.json": sha256_file(tmp / "tokenizer.json")})
            (tmp / "lab.json").write_text(json.dumps(meta, indent=2) + "\n")
            (tmp / "vocab.txt").write_text("\n".join(self.vocab_lines()) + "\n")
        self.meta = meta
        return out


def _read_frequencies(path: Path) -> Counter:
    counts: Counter = Counter()
    if not path.is_file():
        return counts
    for line in path.read_text().splitlines()[1:]:
        parts = line.rsplit("\t", 2)
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            counts[int(parts[1])] = int(parts[2])
    return counts


#: lab.json's fields and their JSON types (checked on load: a foreign or edited file
#: is one line naming the field, not a TypeError later).
_LAB_FIELDS = {"format_version": int, "spec": dict, "primers": dict, "files": dict,
               "vocab_size": int, "input_form": str, "corpus": dict}
_REQUIRED = ("spec", "primers", "input_form")


#: The regular expressions tokenizer-lab writes (normalizers, pre-tokenizers): letters,
#: classes, ``{k}``, ``^ $ | .`` and ``\s+``. No group and no other repeat, so none can
#: backtrack catastrophically (a hostile ``(A+)+B`` would hang every encode).
_SAFE_REGEX = re.compile(r"(?:\\s\+|\[[^\[\]\\]*\]|\{\d+\}|[A-Za-z0-9^$|.])*")


def _regexes(node) -> list[str]:
    """Every ``{"Regex": ...}`` pattern in a parsed tokenizer.json.

    >>> _regexes({"normalizer": {"pattern": {"Regex": "[Tt]"}}, "x": [{"Regex": "(A+)+B"}]})
    ['[Tt]', '(A+)+B']
    """
    if isinstance(node, dict):
        found = [node["Regex"]] if isinstance(node.get("Regex"), str) else []
        return found + [r for v in node.values() for r in _regexes(v)]
    if isinstance(node, list):
        return [r for v in node for r in _regexes(v)]
    return []


def _check_regexes(tj: Path) -> None:
    """TokenizerError for a tokenizer.json holding a regular expression tokenizer-lab does
    not write (one that could backtrack catastrophically), before the tokenizer is built.

    >>> bool(_SAFE_REGEX.fullmatch("[ACGT]{3}|.")), bool(_SAFE_REGEX.fullmatch("(A+)+B"))
    (True, False)
    """
    if tj.stat().st_size > MAX_JSON_BYTES:
        raise TokenizerError(f"{tj}: larger than {MAX_JSON_BYTES} bytes (MAX_JSON_BYTES); "
                             "expected a tokenizer of tokenizer-lab")
    try:
        doc = json.loads(tj.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as exc:
        raise TokenizerError(f"{tj}: damaged, cannot be read ({str(exc)[:80]})") from None
    for pattern in _regexes(doc):
        if not _SAFE_REGEX.fullmatch(pattern):
            raise TokenizerError(f"{tj}: regular expression {pattern[:40]!r} is not one "
                                 "tokenizer-lab writes (groups and repeats other than \\s+ can "
                                 "backtrack without end); expected a tokenizer made by "
                                 "'tokenizer-lab train'")


def load_tokenizer(path: str | Path) -> LabTokenizer:
    """Load a directory written by :meth:`LabTokenizer.save`.

    Raises :class:`TokenizerError` saying what is wrong for a missing, damaged or
    foreign directory.
    """
    d = Path(path)
    if not d.is_dir():
        raise TokenizerError(f"{d}: no such tokenizer directory")
    lab = d / "lab.json"
    if not lab.is_file():
        if (d / "tokenizer.json").is_file():
            raise TokenizerError(f"{d}: a tokenizer without lab.json, not made by tokenizer-lab; "
                                 "load it with transformers.AutoTokenizer instead")
        raise TokenizerError(f"{d}: not a tokenizer directory; expected lab.json and "
                             "tokenizer.json (made by 'tokenizer-lab train')")
    try:
        meta = json.loads(lab.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as exc:
        raise TokenizerError(f"{lab}: damaged, not valid JSON ({str(exc)[:80]})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise TokenizerError(f"{lab}: not a tokenizer-lab file (expected \"format\": \"{FORMAT}\")")
    for name, kind in _LAB_FIELDS.items():
        if name in meta and not (isinstance(meta[name], kind) and not isinstance(meta[name], bool)):
            raise TokenizerError(f"{lab}: field {name!r} is {type(meta[name]).__name__}; "
                                 f"expected {kind.__name__}")
    missing = [k for k in _REQUIRED if k not in meta]
    if missing:
        raise TokenizerError(f"{lab}: field {missing[0]!r} is missing; expected a file written by "
                             "'tokenizer-lab train'")
    if meta.get("format_version", 0) > FORMAT_VERSION:
        raise TokenizerError(f"{lab}: format version {meta.get('format_version')} is newer than "
                             f"this tool reads ({FORMAT_VERSION}); upgrade aptamer-tokenizer-lab")
    spec = from_saved(TokenizerSpec, meta["spec"], f"{lab}: damaged spec", unknown="error",
                      error=TokenizerError)
    try:
        Primers.from_dict(meta["primers"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise TokenizerError(f"{lab}: damaged primers ({exc.__class__.__name__}: {exc})") from None
    tj = d / "tokenizer.json"
    if not tj.is_file():
        raise TokenizerError(f"{d}: tokenizer.json is missing")
    expected = meta.get("files", {}).get("tokenizer.json")
    if expected and sha256_file(tj) != expected:
        raise TokenizerError(f"{tj}: sha256 differs from the one in lab.json; the file was "
                             "changed or damaged after training")
    _check_regexes(tj)
    try:
        backend = Tokenizer.from_file(str(tj))
    except Exception as exc:  # tokenizers raises plain Exception on bad JSON
        raise TokenizerError(f"{tj}: damaged, cannot be read ({str(exc).splitlines()[0]})") from None
    vocab = backend.get_vocab(with_added_tokens=True)
    for i, t in enumerate(SPECIAL_TOKENS):
        if vocab.get(t) != i:
            raise TokenizerError(f"{tj}: special token {t} has id {vocab.get(t)}, expected {i}")
    if meta.get("vocab_size") not in (None, len(vocab)):
        raise TokenizerError(f"{tj}: {len(vocab)} tokens but lab.json says {meta['vocab_size']}")
    return LabTokenizer(wrap_hf(backend), spec, meta, _read_frequencies(d / "vocab.txt"))


__all__ = ["LabTokenizer", "load_tokenizer", "FORMAT", "FORMAT_VERSION"]
