"""What one training run takes and gives: :class:`Splits` and :class:`TrainResult`.

Below both trainers (:mod:`classifier.finetune` for the transformers and
:mod:`classifier.baseline_train` for kmer-logreg), so neither imports the other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .train_config import TrainConfig
from .data import class_names, holdout, label_ids

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    """What a run produced. ``metrics`` are the test metrics (validation if no test set)."""

    metrics: dict
    valid_metrics: dict
    history: list[dict]
    costs: dict
    confusion: list
    classes: list[str]
    config: TrainConfig
    max_length: int | None = None
    truncated: dict = field(default_factory=dict)
    best_epoch: float | None = None
    model_dir: Path | None = None
    model: Any = field(default=None, repr=False)
    #: The predicted class index of every test read, in order (paired tests across runs).
    test_predictions: list[int] | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        return {"metrics": self.metrics, "valid_metrics": self.valid_metrics,
                "history": self.history, "costs": self.costs, "confusion": self.confusion,
                "classes": self.classes, "config": self.config.to_dict(),
                "max_length": self.max_length, "truncated": self.truncated,
                "best_epoch": self.best_epoch,
                "model_dir": None if self.model_dir is None else str(self.model_dir)}


@dataclass
class Splits:
    """Records and label indices of the three splits (test may be absent)."""

    classes: list[str]
    train: list
    valid: list
    test: list | None
    y_train: list[int]
    y_valid: list[int]
    y_test: list[int] | None
    held_out: bool = False


def prepare_splits(config: TrainConfig, train_records, valid_records=None,
                   test_records=None) -> Splits:
    """Classes from train; a stratified hold-out when no validation set; label checks.

    ``None`` means "not given"; an empty list is an empty split (an error).
    """
    train = list(train_records)
    classes = class_names(train, "train")
    held_out = valid_records is None
    if held_out:
        train, valid = holdout(train, config.valid_fraction, config.seed)
        log.info("no validation set given: held out a stratified %d of %d training sequences",
                 len(valid), len(valid) + len(train))
    else:
        valid = list(valid_records)
    test = None if test_records is None else list(test_records)
    return Splits(classes, train, valid, test, label_ids(train, classes, "train"),
                  label_ids(valid, classes, "validation"),
                  None if test is None else label_ids(test, classes, "test"), held_out)


def split_sizes(splits: Splits) -> dict:
    """Split sizes for the model card and metrics.json."""
    return {"train": len(splits.train), "valid": len(splits.valid),
            "test": None if splits.test is None else len(splits.test),
            "valid_held_out_from_train": splits.held_out}
