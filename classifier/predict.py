"""Class probabilities for encoded sequences, and the predictions CSV.

Batches are taken in order of length so that dynamic padding pads little; the
probabilities come back in the input order.

>>> import numpy as np
>>> length_batches([[1, 2, 3], [1], [1, 2]], 2)
[[1, 2], [0]]
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import torch

from labkit.atomic import atomic_write

from .data import pad_batch
from .metrics import softmax
from .train_config import EVAL_BATCH_SIZE


def length_batches(id_lists: list[list[int]], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (shortest first)."""
    order = sorted(range(len(id_lists)), key=lambda i: (len(id_lists[i]), i))
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


@torch.no_grad()
def predict_proba(model, id_lists: list[list[int]], pad_id: int, batch_size: int = EVAL_BATCH_SIZE,
                  features=None) -> np.ndarray:
    """(n, n_classes) probabilities from a sequence-classification model in eval mode;
    ``features(i, ids)`` gives the per-token inputs of sequence ``i``, if the model takes any."""
    n_classes = model.config.num_labels
    out = np.zeros((len(id_lists), n_classes))
    if not id_lists:
        return out
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    try:
        for idx in length_batches(id_lists, batch_size):
            batch = pad_batch([item(id_lists, i, features) for i in idx], pad_id)
            logits = model(**{k: v.to(device) for k, v in batch.items()}).logits
            out[idx] = softmax(logits.float().cpu().numpy())
    finally:
        model.train(was_training)
    return out


def item(id_lists: list[list[int]], i: int, features=None) -> dict:
    """The collator's item for sequence ``i``: its ids and per-token inputs."""
    ids = id_lists[i]
    return {"input_ids": ids, **(features(i, ids) if features is not None else {})}


def write_predictions(path: str | Path, records, probs: np.ndarray, classes: list[str]) -> Path:
    """CSV: id, sequence, predicted label, then one probability column per class."""
    path = Path(path)
    with atomic_write(path) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "sequence", "predicted_label"] + [f"prob_{c}" for c in classes])
        for rec, p in zip(records, probs):
            w.writerow([rec.id, rec.seq, classes[int(np.argmax(p))]] + [f"{x:.6f}" for x in p])
    return path
