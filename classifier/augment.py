"""Training reads seen anew each epoch (sampled segmentations, crops) and test-time
averaging over segmentations.

With ``segmentation_sampling`` or ``crop`` on, the training split is an
:class:`AugmentedSet`: item ``i`` of epoch ``e`` is read ``i`` cropped and encoded
with a random generator seeded by ``(seed, e, i)`` alone, so a run repeats bit for
bit, a resumed run sees the epochs it would have seen, and the order of the batches
does not change what a read becomes. Each item carries its record ``index`` and the
``sequence`` it was encoded from (the cropped read), so features computed from
(read, ids) follow the segmentation the model actually sees. Validation and test
reads are never cropped and always get the best (deterministic) segmentation, except
that the test split's probabilities can be averaged over sampled segmentations
(``test_segmentations``, :func:`segmentation_average`).

A sampled segmentation longer than the model is cut like any read (``truncation``);
with truncation off, that read keeps its best segmentation, which fits.

>>> crop_read("GGGAACGUACGUCC", 0.25, random.Random(1), (3, 12))
'GGGAACGUACCC'
>>> read_rng(0, "train", 1, 7).random() == read_rng(0, "train", 1, 7).random()
True
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence

import numpy as np
from transformers import TrainerCallback

from .data import EncodedSet, cut
from .predict import predict_proba

log = logging.getLogger(__name__)

#: The streams of random numbers: training epochs and test-time segmentations.
TRAIN, TEST = "train", "test"


def read_rng(seed: int, stream: str, round_: int, index: int) -> random.Random:
    """The generator of read ``index`` in epoch (or test segmentation) ``round_``:
    string seeds are hashed with SHA-512, the same on every machine and process."""
    return random.Random(f"{seed}:{stream}:{round_}:{index}")


def crop_read(seq: str, fraction: float, rng: random.Random, body: tuple[int, int]) -> str:
    """``seq`` less a random prefix and suffix of its ``body`` (the region between
    constant primers), each of up to ``fraction`` of the body's length; one nt of the
    body always stays."""
    start, end = body
    most = int(fraction * (end - start))
    if most < 1:
        return seq
    left, right = rng.randint(0, most), rng.randint(0, most)
    right = min(right, end - start - left - 1)
    return seq[:start] + seq[start + left:end - right] + seq[end:]


def augments(config) -> bool:
    """Whether training reads change from epoch to epoch."""
    return bool(config.segmentation_sampling or config.crop)


class Segmenter:
    """Ids of a read: a sampled segmentation (or the best one where sampling is off or a
    no-op), with [CLS]/[SEP], cut to ``max_length`` as :func:`classifier.data.encode` cuts."""

    def __init__(self, tok, config, max_length: int):
        from tokenizer_lab.sampling import sampler_for

        self.tok, self.max_length, self.truncation = tok, max_length, config.truncation
        self.sampler = sampler_for(tok, config.segmentation_sampling)

    def ids(self, seq: str, rng: random.Random, fallback: list[int]) -> list[int]:
        ids = self.sampler.encode(seq, rng) if self.sampler is not None else self.tok.encode(seq)
        if len(ids) <= self.max_length:
            return ids
        return cut(ids, self.max_length) if self.truncation else fallback


class AugmentedSet(EncodedSet):
    """The training split, re-cropped and re-segmented every epoch (see the module)."""

    def __init__(self, tok, records: Sequence, labels: list[int], best_ids: list[list[int]],
                 config, max_length: int, features=None):
        super().__init__(best_ids, labels, features)
        self.segmenter = Segmenter(tok, config, max_length)
        self.seqs = [tok.normalize(r.seq) for r in records]
        self.bodies = [tok.primers.body(s) for s in self.seqs]
        self.seed, self.crop, self.epoch = config.seed, config.crop, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __getitem__(self, i: int) -> dict:
        rng = read_rng(self.seed, TRAIN, self.epoch, i)
        seq = crop_read(self.seqs[i], self.crop, rng, self.bodies[i]) if self.crop else self.seqs[i]
        item = {"input_ids": self.segmenter.ids(seq, rng, self.input_ids[i]), "index": i,
                "sequence": seq}
        if self.labels is not None:
            item["labels"] = self.labels[i]
        if self.features is not None:
            item.update(self.features(i, item["input_ids"], seq))
        return item


class DataEpoch(TrainerCallback):
    """Tells the :class:`AugmentedSet` which epoch begins (a resumed run included)."""

    def __init__(self, dataset: AugmentedSet):
        self.dataset = dataset

    def on_epoch_begin(self, args, state, control, **kwargs):
        self.dataset.set_epoch(int(round(state.epoch or 0)))


def training_set(config, tok, records, labels, best_ids, max_length: int, features=None):
    """(dataset, callbacks) of the training split: plain ids, or an AugmentedSet;
    ``features`` builds the per-token inputs of each item (``classifier.token_features``)."""
    if not augments(config):
        return EncodedSet(best_ids, labels, features), []
    data = AugmentedSet(tok, records, labels, best_ids, config, max_length, features)
    if config.segmentation_sampling and data.segmenter.sampler is None:
        log.info("segmentation sampling: a %s tokenizer has one segmentation per read; "
                 "nothing to sample", tok.spec.algorithm)
    return data, [DataEpoch(data)]


def segmentation_average(model, tok, records, best_ids: list[list[int]], config,
                         max_length: int, batch_size: int = 128, features=None) -> np.ndarray:
    """Class probabilities averaged over the best segmentation and
    ``config.test_segmentations - 1`` sampled ones (segmentation ``j`` of read ``i``
    seeded by ``(seed, j, i)``); with one segmentation, the best one's probabilities
    exactly."""
    probs = predict_proba(model, best_ids, tok.pad_token_id, batch_size, features)
    n = config.test_segmentations
    if n == 1:
        return probs
    seg = Segmenter(tok, config, max_length)
    if seg.sampler is None:
        log.info("test-time averaging: a %s tokenizer has one segmentation per read",
                 tok.spec.algorithm)
        return probs
    total = probs.copy()
    for j in range(1, n):
        ids = [seg.ids(r.seq, read_rng(config.seed, TEST, j, i), best_ids[i])
               for i, r in enumerate(records)]
        total += predict_proba(model, ids, tok.pad_token_id, batch_size, features)
    return total / n
