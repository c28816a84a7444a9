"""Evaluate or apply a saved model directory: `classify evaluate` and `classify predict`.

Sequences go through the tokenizer saved with the model (its LabTokenizer, so
structure-aware tokenizers work too), cut to the model's length as in training.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from .artifacts import LoadedModel, load_model_dir
from .data import encode, label_ids
from .data import unknown_labels as drop_unknown
from .metrics import classification_metrics
from .predict import predict_proba, write_predictions
from .runtime import set_threads
from .train_config import EVAL_BATCH_SIZE

log = logging.getLogger(__name__)


def model_probabilities(loaded: LoadedModel, records, batch_size: int = EVAL_BATCH_SIZE,
                        threads: int | None = None) -> np.ndarray:
    """(n, n_classes) probabilities for ``records`` from a loaded model directory."""
    records = list(records)
    if loaded.baseline is not None:
        p = loaded.baseline.predict_proba([r.seq for r in records])
        n = len(loaded.classes)
        return np.pad(p, ((0, 0), (0, n - p.shape[1]))) if p.shape[1] < n else p
    set_threads(threads or loaded.config.threads)
    ids = encode(loaded.tokenizer, records, loaded.max_length, loaded.config.truncation, "input")
    return predict_proba(loaded.model, ids, loaded.tokenizer.pad_token_id, batch_size)


def evaluate_model(model_dir: str | Path, records, batch_size: int = EVAL_BATCH_SIZE,
                   threads: int | None = None, unknown_labels: str = "error") -> dict:
    """Metrics of a saved model on labelled ``records``.

    Labels the model does not know are an error, or (``unknown_labels="drop"``) their
    rows are left out with a warning. The majority baseline is the training majority
    class, read from the model's metrics.
    """
    loaded = load_model_dir(model_dir)
    records = drop_unknown(list(records), loaded.classes, "evaluation", unknown_labels)
    y = label_ids(records, loaded.classes, "evaluation")
    probs = model_probabilities(loaded, records, batch_size, threads)
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
                 threads: int | None = None) -> tuple[Path, int]:
    """Write predictions.csv (id, sequence, predicted label, probability per class)."""
    loaded = load_model_dir(model_dir)
    records = list(records)
    probs = model_probabilities(loaded, records, batch_size, threads)
    return write_predictions(out, records, probs, loaded.classes), len(records)
