"""Per-token model inputs from a read, its token ids and its structure.

:func:`token_features` is called per item at batch time (the dataset calls it with the
ids it hands out), so a segmentation sampled anew each epoch gets matching inputs.
Special tokens ([CLS], [SEP], [PAD], [MASK]) get none: no pairs, loop type 0, no k-mers.

- ``structure_bias`` (``--structure-bias pairs|bpp``): sparse ``[t, u, value]`` of the
  token x token matrix; value = the **mean** over the nucleotide pairs (a in token t,
  b in token u) of the symmetric pair matrix (1 where a pairs b, or the pair
  probability). The mean keeps values in [0, 1] whatever the token lengths; with
  one-letter tokens it is the pair matrix itself.
- ``loop_types`` (``--structure-channel``): 1 + the index in ``SHBIMXE`` (stem,
  hairpin, bulge, interior, multiloop, external loop, dangling end) of the element
  most of the token's nucleotides are in; a tie goes to the element met first.
- ``kmer_ids`` (``--kmer-channel K``): per token the K-mer windows that overlap it by
  at least min(token length, K) nucleotides: the K-mers inside a long token, the
  K-mers that contain a short one. Id 2 + the K-mer's base-4 number (A, C, G, U/T);
  1 for a K-mer with another letter; 0 is padding.

>>> from tokenizer_lab import TokenizerSpec, train_tokenizer
>>> from classifier.structure_inputs import ReadStructure
>>> tok = train_tokenizer(["GGAAACC"], TokenizerSpec(algorithm="char"))
>>> ids = tok.encode("GGAAACC")
>>> s = InputSettings(structure_bias="pairs", structure_channel=True, kmer_channel=2)
>>> f = token_features("GGAAACC", ids, tok, ReadStructure("((...))"), s)
>>> f["structure_bias"]           # positions: [CLS]=0, G=1, G=2, ..., C=7, [SEP]=8
[[1, 7, 1.0], [7, 1, 1.0], [2, 6, 1.0], [6, 2, 1.0]]
>>> f["loop_types"]
[0, 1, 1, 2, 2, 2, 1, 1, 0]
>>> f["kmer_ids"][1:3]            # G: the 2-mer GG; the second G: GG and GA
[[12], [12, 10]]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import torch

from .train_config import STRUCTURE_BIASES as BIAS_MODES  # noqa: F401  (re-exported)
_LETTER = {"A": 0, "C": 1, "G": 2, "U": 3, "T": 3}
ELEMENTS = "SHBIMXE"  # tokenizer_lab.structure.elements.ELEMENT_LETTERS (checked in tests)


@dataclass(frozen=True)
class InputSettings:
    """Which per-token inputs a model takes (TrainConfig's fields of the same names)."""

    structure_bias: str = "none"
    structure_channel: bool = False
    kmer_channel: int = 0

    @classmethod
    def of(cls, config) -> "InputSettings":
        """From a TrainConfig or a model config with these fields (absent: off)."""
        return cls(getattr(config, "structure_bias", "none"),
                   bool(getattr(config, "structure_channel", False)),
                   int(getattr(config, "kmer_channel", 0)))

    @property
    def any(self) -> bool:
        return self.structure_bias != "none" or self.structure_channel or self.kmer_channel > 0

    @property
    def needs_fold(self) -> bool:
        return self.structure_bias != "none" or self.structure_channel


def _special_ids(tok) -> set[int]:
    hf = tok.hf
    return {hf.pad_token_id, hf.cls_token_id, hf.sep_token_id, hf.mask_token_id}


def own_encoding(seq: str, tok) -> tuple[list[int], list[tuple[int, int]]]:
    """The tokenizer's own ids of the normalised read ``seq`` (no specials) and their spans."""
    return tok.encode(seq, add_special_tokens=False), tok.token_spans(seq)


def spans_of_ids(seq: str, ids: list[int], tok, own=None) -> list[tuple[int, int] | None]:
    """[start, end) of each id in the normalised read ``seq``; None for special tokens.

    Ids that are (a prefix of) the tokenizer's own encoding get its spans, overlapping
    k-mers and structure tokenizers included; other segmentations (sampled ones) are
    walked token by token, each token standing for its letters (a primer token for the
    primer). ``own``: :func:`own_encoding` of ``seq`` when the caller keeps it.
    """
    special = _special_ids(tok)
    content = [i for i in ids if i not in special]
    own_ids, own_spans = own if own is not None else own_encoding(seq, tok)
    if content == own_ids[:len(content)]:
        spans = own_spans[:len(content)]
    else:
        start, end = tok.primers.body(seq)
        fixed = {"[P5]": (0, start), "[P3]": (end, len(seq))}
        spans, at = [], 0
        for t in tok.hf.convert_ids_to_tokens(content):
            span = fixed.get(t) or (at, at + len(t))
            if t not in fixed and seq[at:at + len(t)] != t and t != "[UNK]":
                raise ValueError(f"token {t!r} does not spell the read at {at} "
                                 f"({seq[at:at + len(t)]!r}); cannot place the token inputs")
            spans.append(span)
            at = span[1]
    it = iter(spans)
    return [None if i in special else tuple(next(it)) for i in ids]


def _kmer_codes(seq: str, k: int) -> list[int]:
    codes = []
    for p in range(len(seq) - k + 1):
        code = 0
        for c in seq[p:p + k]:
            if c not in _LETTER:
                code = -1
                break
            code = code * 4 + _LETTER[c]
        codes.append(1 if code < 0 else code + 2)
    return codes


def _kmers_of(span, codes: list[int], k: int) -> list[int]:
    s, e = span
    need = min(e - s, k)
    return [codes[p] for p in range(max(0, s - k + 1), min(e, len(codes)))
            if min(e, p + k) - max(s, p) >= need]


def _majority(letters: str) -> str:
    counts = Counter(letters)
    top = max(counts.values())
    return next(c for c in letters if counts[c] == top)


def token_features(seq: str, ids: list[int], tok, structure, settings: InputSettings,
                   own=None) -> dict:
    """The per-token inputs of one read (see the module docstring); ``seq`` normalised;
    ``own`` its :func:`own_encoding`, if known."""
    spans = spans_of_ids(seq, ids, tok, own)
    out: dict = {}
    if structure is not None and len(structure) != len(seq):
        raise ValueError(f"structure of {len(structure)} nt for a read of {len(seq)} nt")
    if settings.structure_bias != "none":
        at: dict[int, list[int]] = defaultdict(list)
        for t, sp in enumerate(spans):
            if sp is not None:
                for a in range(*sp):
                    at[a].append(t)
        acc: dict[tuple[int, int], float] = defaultdict(float)
        for a, b, p in zip(*structure.pairs(settings.structure_bias)):
            for t in at.get(int(a), ()):
                for u in at.get(int(b), ()):
                    acc[t, u] += float(p)
                    acc[u, t] += float(p)
        out["structure_bias"] = [[t, u, v / ((spans[t][1] - spans[t][0]) * (spans[u][1] - spans[u][0]))]
                                 for (t, u), v in acc.items()]
    if settings.structure_channel:
        el = structure.elements()
        out["loop_types"] = [0 if sp is None or sp[0] >= sp[1] else
                             1 + ELEMENTS.index(_majority(el[sp[0]:sp[1]])) for sp in spans]
    if settings.kmer_channel:
        codes = _kmer_codes(seq, settings.kmer_channel)
        out["kmer_ids"] = [[] if sp is None else _kmers_of(sp, codes, settings.kmer_channel)
                           for sp in spans]
    return out


class TokenFeatures:
    """``features(i, ids)``: the inputs of read ``i`` of a split for the ids ``ids``.

    Holds the split's normalised reads and their structures (shuffled for the control),
    and each read's own encoding once computed: items are built every epoch, the read's
    tokenization only once.
    """

    def __init__(self, tok, seqs: list[str], structures: list | None, settings: InputSettings):
        self.tok, self.seqs, self.structures, self.settings = tok, seqs, structures, settings
        self._own: dict[int, tuple] = {}

    def __call__(self, i: int, ids: list[int], seq: str | None = None) -> dict:
        """``seq``: the read as the ids spell it when a crop changed it (k-mer inputs only:
        the structure inputs come from the whole read's fold, so TrainConfig refuses crop
        with them)."""
        structure = self.structures[i] if self.structures is not None else None
        if seq is not None and seq != self.seqs[i]:  # a cropped read: its own spans anew
            return token_features(seq, list(ids), self.tok, structure, self.settings)
        if i not in self._own:
            self._own[i] = own_encoding(self.seqs[i], self.tok)
        return token_features(self.seqs[i], list(ids), self.tok, structure, self.settings,
                              self._own[i])


def features_for(settings: InputSettings, tok, records, shuffle: bool = False,
                 seed: int = 0) -> TokenFeatures | None:
    """The feature builder of ``records`` (folded now, cached), or None with no inputs on."""
    if not settings.any:
        return None
    from .structure_inputs import fold_structures, shuffle_structures
    seqs = [tok.normalize(r.seq) for r in records]
    structures = None
    if settings.needs_fold:
        structures = fold_structures(seqs, tok, settings.structure_bias == "bpp")
        if shuffle:
            structures = shuffle_structures(structures, seed)
    return TokenFeatures(tok, seqs, structures, settings)


def pad_features(items: list[dict], width: int) -> dict[str, torch.Tensor]:
    """The per-token inputs of a batch as tensors, padded to ``width`` tokens."""
    out = {}
    n = len(items)
    if "structure_bias" in items[0]:
        bias = torch.zeros((n, width, width))
        for b, it in enumerate(items):
            if it["structure_bias"]:
                m = torch.tensor(it["structure_bias"], dtype=torch.float64)
                bias[b, m[:, 0].long(), m[:, 1].long()] = m[:, 2].float()
        out["structure_bias"] = bias
    if "loop_types" in items[0]:
        loop = torch.zeros((n, width), dtype=torch.long)
        for b, it in enumerate(items):
            loop[b, :len(it["loop_types"])] = torch.as_tensor(it["loop_types"], dtype=torch.long)
        out["loop_types"] = loop
    if "kmer_ids" in items[0]:
        most = max(1, max(len(x) for it in items for x in it["kmer_ids"]))
        kmers = torch.zeros((n, width, most), dtype=torch.long)
        for b, it in enumerate(items):
            for t, x in enumerate(it["kmer_ids"]):
                kmers[b, t, :len(x)] = torch.as_tensor(x, dtype=torch.long)
        out["kmer_ids"] = kmers
    return out
