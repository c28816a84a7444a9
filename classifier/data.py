"""From labelled records to padded batches: labels, hold-out split, lengths, collation.

>>> from corpora.records import Record
>>> recs = [Record(f"r{i}", "ACGU", "b" if i % 2 else "a") for i in range(6)]
>>> classes = class_names(recs, "train")
>>> classes, label_ids(recs[:3], classes, "test")
(['a', 'b'], [0, 1, 0])
>>> choose_max_length([3, 4, 5, 10], percentile=75)
(7, 1)
>>> pad_batch([{"input_ids": [2, 7, 3], "labels": 1}, {"input_ids": [2, 3], "labels": 0}], 0)["input_ids"].tolist()
[[2, 7, 3], [2, 3, 0]]
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import torch

from corpora.errors import LabelError
from corpora.records import Record
from labkit.errors import LabError
from labkit.limits import MAX_MODEL_TOKENS

log = logging.getLogger(__name__)


def _where(rec: Record) -> str:
    src = rec.source or "<input>"
    return f"{src}:{rec.line}" if rec.line is not None else src


def _files(records: Sequence[Record]) -> str:
    """The files the records came from, for messages ("a.csv", "a.csv, b.csv")."""
    names = list(dict.fromkeys(r.source for r in records if r.source))
    return ", ".join(names[:3]) + (", ..." if len(names) > 3 else "") if names else "<input>"


def class_names(records: Sequence[Record], split: str = "train") -> list[str]:
    """The sorted class names of a training split (sorted for determinism).

    Raises :class:`LabelError` for an empty split, a record with no label, or one class.
    """
    if not records:
        raise LabelError(f"the {split} split is empty; expected labelled sequences")
    for rec in records:
        if rec.label is None:
            raise LabelError(f"{_where(rec)}: record {rec.id!r} has no label; expected a label "
                             f"for every {split} sequence (label column or FASTA header)")
    classes = sorted({r.label for r in records})
    if len(classes) < 2:
        raise LabelError(f"{_files(records)}: the {split} split has one class only "
                         f"({classes[0]!r}, {len(records)} sequences); a classifier needs at "
                         "least two (check --label-column)")
    return classes


def unknown_labels(records: Sequence[Record], classes: list[str], split: str,
                   policy: str = "error") -> list[Record]:
    """Records whose label the model knows; the others are an error naming the labels
    and how many rows carry them (``policy="error"``) or are dropped with a warning.

    >>> recs = [Record("a", "ACGU", "x", source="t.csv"), Record("b", "ACGU", "z", source="t.csv")]
    >>> unknown_labels(recs, ["x", "y"], "evaluation")
    Traceback (most recent call last):
    corpora.errors.LabelError: t.csv: 1 of 2 rows have labels the model was not trained on: 'z' (1 row); it knows ['x', 'y']. Give --unknown-labels drop to score the other rows
    >>> [r.id for r in unknown_labels(recs, ["x", "y"], "evaluation", "drop")]
    ['a']
    """
    known = set(classes)
    other = Counter(r.label for r in records if r.label not in known)
    if not other:
        return list(records)
    n = sum(other.values())
    shown = ", ".join(f"{lab!r} ({c} row{'s' if c > 1 else ''})" for lab, c in other.most_common(5))
    shown += ", ..." if len(other) > 5 else ""
    if policy == "error" or n == len(records):
        raise LabelError(f"{_files(records)}: {n} of {len(records)} rows have labels the model "
                         f"was not trained on: {shown}; it knows {classes}"
                         + (". Give --unknown-labels drop to score the other rows"
                            if n < len(records) else ""))
    log.warning("%s: %d of %d rows dropped, their labels unknown to the model: %s",
                _files(records), n, len(records), shown)
    return [r for r in records if r.label in known]


def label_ids(records: Sequence[Record], classes: list[str], split: str) -> list[int]:
    """Class indices; a label the model does not know is a :class:`LabelError`."""
    if not records:
        raise LabelError(f"the {split} split is empty; expected labelled sequences")
    index = {c: i for i, c in enumerate(classes)}
    out = []
    for rec in records:
        if rec.label not in index:
            raise LabelError(f"{_where(rec)}: record {rec.id!r} of the {split} split has label "
                             f"{rec.label!r}; expected one of {classes}")
        out.append(index[rec.label])
    return out


def holdout(records: Sequence[Record], fraction: float, seed: int) -> tuple[list[Record], list[Record]]:
    """Hold out a stratified ``fraction`` of ``records`` for validation: the test part of
    :func:`corpora.splits.stratified_split` (one seeded draw for every hold-out).

    >>> recs = [Record(f"r{i}", "ACGU", "ab"[i % 2]) for i in range(20)]
    >>> tr, va = holdout(recs, 0.2, seed=0)
    >>> len(tr), len(va), sorted(Counter(r.label for r in va).values())
    (16, 4, [2, 2])
    """
    from corpora.splits import stratified_split

    counts = Counter(r.label for r in records)
    small = sorted(c for c, n in counts.items() if n < 2)
    if small:
        log.warning("%s: class%s %s ha%s one sequence only: too few to stratify, kept in train "
                    "(the validation set has none of it)", _files(records),
                    "es" if len(small) > 1 else "", ", ".join(map(repr, small)),
                    "ve" if len(small) > 1 else "s")
    split = stratified_split(records, valid=0.0, test=fraction, seed=seed)
    if not split.test or {r.label for r in split.train} != {r.label for r in records}:
        raise LabelError(f"{_files(records)}: too few training sequences ({len(records)}) to "
                         "hold out a stratified validation set; give --valid FILE or more data")
    return split.train, split.test


def choose_max_length(lengths: Iterable[int], percentile: float = 99.0,
                      limit: int | None = None) -> tuple[int, int]:
    """A maximum length (tokens, specials included) and how many sequences exceed it.

    The ``percentile`` of the token counts, rounded up, capped at ``limit`` and at
    MAX_MODEL_TOKENS (attention memory grows with the square of the length).
    """
    arr = np.asarray(list(lengths))
    if arr.size == 0:
        raise LabError("no sequences to measure; expected at least one")
    n = int(math.ceil(np.percentile(arr, percentile)))
    n = min(n, MAX_MODEL_TOKENS if limit is None else min(limit, MAX_MODEL_TOKENS))
    return n, int((arr > n).sum())


def encode(tokenizer, records: Sequence[Record], max_length: int, truncation: bool,
           split: str) -> list[list[int]]:
    """Token ids with [CLS] ... [SEP]; longer sequences are cut (keeping [SEP]) or refused."""
    if not records:
        return []
    enc = tokenizer([r.seq for r in records])["input_ids"]
    out = []
    for rec, ids in zip(records, enc):
        ids = list(ids)
        if len(ids) > max_length:
            if not truncation:
                raise LabError(f"{_where(rec)}: record {rec.id!r} of the {split} split is "
                               f"{len(ids)} tokens long; the model takes at most {max_length} "
                               f"(turn truncation on or train with a larger --max-length)")
            ids = cut(ids, max_length)
        out.append(ids)
    return out


def cut(ids: list[int], max_length: int) -> list[int]:
    """The first ``max_length - 1`` ids and the last ([SEP]).

    >>> cut([2, 7, 8, 9, 3], 4)
    [2, 7, 8, 3]
    """
    return ids[:max_length - 1] + ids[-1:]


def token_lengths(tokenizer, records: Sequence[Record]) -> list[int]:
    """Tokens per sequence, specials included."""
    if not records:
        return []
    return [len(ids) for ids in tokenizer([r.seq for r in records])["input_ids"]]


class EncodedSet(torch.utils.data.Dataset):
    """Encoded sequences (and labels) as the dicts the Trainer and the collator use.

    ``features(i, ids)`` (a :class:`classifier.token_features.TokenFeatures`) adds the
    per-token inputs of record ``i`` for the ids the item carries, at item time.
    """

    def __init__(self, input_ids: list[list[int]], labels: list[int] | None = None,
                 features=None):
        self.input_ids = input_ids
        self.labels = labels
        self.features = features

    def __len__(self) -> int:
        return len(self.input_ids)

    def __getitem__(self, i: int) -> dict:
        item = {"input_ids": self.input_ids[i]}
        if self.labels is not None:
            item["labels"] = self.labels[i]
        if self.features is not None:
            item.update(self.features(i, item["input_ids"]))
        return item


def pad_batch(items: list[dict], pad_id: int) -> dict[str, torch.Tensor]:
    """Dynamic padding: pad to the longest sequence of the batch, with an attention mask."""
    width = max(len(it["input_ids"]) for it in items)
    ids = torch.full((len(items), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    for i, it in enumerate(items):
        n = len(it["input_ids"])
        ids[i, :n] = torch.as_tensor(it["input_ids"], dtype=torch.long)
        mask[i, :n] = 1
    out = {"input_ids": ids, "attention_mask": mask}
    if "labels" in items[0]:
        out["labels"] = torch.as_tensor([it["labels"] for it in items], dtype=torch.long)
    from .token_features import pad_features  # structure and k-mer inputs, when present
    out.update(pad_features(items, width))
    return out


class PadCollator:
    """Picklable collator for the Trainer (no tokenizer call at batch time)."""

    def __init__(self, pad_id: int):
        self.pad_id = pad_id

    def __call__(self, items: list[dict]) -> dict[str, torch.Tensor]:
        return pad_batch(items, self.pad_id)
