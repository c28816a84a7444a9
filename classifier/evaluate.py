"""Evaluate or apply a saved model directory: `classify evaluate` and `classify predict`.

Sequences go through the tokenizer saved with the model (its LabTokenizer, so
structure-aware tokenizers work too), cut to the model's length as in training.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from .artifacts import LoadedModel, load_model_dir
from .augment import segmentation_average
from .errors import ClassifierError
from .data import encode, label_ids
from .data import unknown_labels as drop_unknown
from .metrics import classification_metrics
from .predict import write_predictions
from .runtime import set_threads
from .train_config import EVAL_BATCH_SIZE

log = logging.getLogger(__name__)


def model_probabilities(loaded: LoadedModel, records, batch_size: int = EVAL_BATCH_SIZE,
                        threads: int | None = None,
                        test_segmentations: int | None = None) -> np.ndarray:
    """(n, n_classes) probabilities for ``records`` from a loaded model directory,
    averaged over ``test_segmentations`` segmentations (default: the model's own, as its
    test split was scored; more than 1 needs a model trained with segmentation sampling,
    whose amount it samples with)."""
    records = list(records)
    config = _with_segmentations(loaded, test_segmentations)
    if loaded.baseline is not None:
        p = loaded.baseline.predict_proba([r.seq for r in records])
        n = len(loaded.classes)
        return np.pad(p, ((0, 0), (0, n - p.shape[1]))) if p.shape[1] < n else p
    set_threads(threads or config.threads)
    ids = encode(loaded.tokenizer, records, loaded.max_length, config.truncation, "input")
    return segmentation_average(loaded.model, loaded.tokenizer, records, ids, config,
                                loaded.max_length, batch_size, model_features(loaded, records))


def model_features(loaded: LoadedModel, records):
    """The per-token inputs the model was trained with, for ``records`` (folded now, cached;
    a shuffled-structure control shuffles these reads' structures too), or None."""
    from .token_features import InputSettings, features_for
    return features_for(InputSettings.of(loaded.model.config), loaded.tokenizer, records,
                        loaded.config.structure_shuffle, loaded.config.seed)


def _with_segmentations(loaded: LoadedModel, n: int | None):
    """The model's TrainConfig with ``n`` test segmentations (one line if it cannot)."""
    if n is None or n == loaded.config.test_segmentations:
        return loaded.config
    if n > 1 and not loaded.config.segmentation_sampling:
        raise ClassifierError(f"{loaded.path}: --test-segmentations {n} averages sampled "
                              "segmentations; this model was trained without segmentation "
                              "sampling (give 1, or train with --segmentation-sampling)")
    return loaded.config.replace(test_segmentations=n)


def evaluate_model(model_dir: str | Path, records, batch_size: int = EVAL_BATCH_SIZE,
                   threads: int | None = None, unknown_labels: str = "error",
                   test_segmentations: int | None = None) -> dict:
    """Metrics of a saved model on labelled ``records``.

    Labels the model does not know are an error, or (``unknown_labels="drop"``) their
    rows are left out with a warning. The majority baseline is the training majority
    class, read from the model's metrics.
    """
    loaded = load_model_dir(model_dir)
    records = drop_unknown(list(records), loaded.classes, "evaluation", unknown_labels)
    y = label_ids(records, loaded.classes, "evaluation")
    probs = model_probabilities(loaded, records, batch_size, threads, test_segmentations)
    major = _train_majority(loaded)
    ref = None if major is None else [major]
    return classification_metrics(y, probs, loaded.classes, ref)


def _train_majority(loaded: LoadedModel) -> int | None:
    import json
    try:
        m = json.loads((loaded.path / "metrics.json").read_text())
        label = (m.get("test") or m.get("valid"))["majority_baseline"]["label"]
        return loaded.classes.index(label)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def predict_file(model_dir: str | Path, records, out: str | Path, batch_size: int = EVAL_BATCH_SIZE,
                 threads: int | None = None,
                 test_segmentations: int | None = None) -> tuple[Path, int]:
    """Write predictions.csv (id, sequence, predicted label, probability per class)."""
    loaded = load_model_dir(model_dir)
    records = list(records)
    probs = model_probabilities(loaded, records, batch_size, threads, test_segmentations)
    return write_predictions(out, records, probs, loaded.classes), len(records)
