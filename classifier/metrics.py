"""Classification metrics over the whole set (never per batch), with scikit-learn.

>>> m = classification_metrics([0, 0, 1, 1], [[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.3, 0.7]],
...                            ["neg", "pos"])
>>> m["accuracy"], round(m["mcc"], 4), m["auroc"]
(0.75, 0.5774, 1.0)
>>> m["per_class"]["pos"]["precision"], m["confusion"]
(0.6667, [[1, 1], [0, 2]])
>>> m["majority_baseline"]["accuracy"]
0.5
"""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, matthews_corrcoef,
                             precision_recall_fscore_support, roc_auc_score)


def _r(x: float) -> float:
    return round(float(x), 4)


def _mcc(y_true, y_pred) -> float:
    """MCC; 0 where one class only is present (sklearn warns, then says 0)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return _r(matthews_corrcoef(y_true, y_pred))


def classification_metrics(y_true, probs, classes: list[str], train_labels=None) -> dict:
    """Accuracy, macro-F1, MCC, AUROC, per-class scores, confusion and majority baseline.

    ``probs`` is an (n, n_classes) array of class probabilities; the prediction is
    its argmax. AUROC is binary for two classes, macro one-vs-rest for more, and
    ``None`` when a class is missing from ``y_true``. The majority baseline always
    predicts the most common class of ``train_labels`` (of ``y_true`` if not given).
    """
    y_true = np.asarray(y_true, dtype=int)
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 2 or probs.shape != (len(y_true), len(classes)):
        raise ValueError(f"probs must have shape ({len(y_true)}, {len(classes)}), got {probs.shape}")
    y_pred = probs.argmax(axis=1)
    labels = list(range(len(classes)))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    out = {
        "n": int(len(y_true)),
        "accuracy": _r(accuracy_score(y_true, y_pred)),
        "macro_f1": _r(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "mcc": _mcc(y_true, y_pred),
        "auroc": _auroc(y_true, probs, len(classes)),
        "per_class": {c: {"precision": _r(p[i]), "recall": _r(r[i]), "f1": _r(f[i]),
                          "support": int(s[i])} for i, c in enumerate(classes)},
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }
    ref = np.asarray(train_labels if train_labels is not None else y_true, dtype=int)
    major = Counter(ref.tolist()).most_common(1)[0][0]
    base = np.full_like(y_true, major)
    out["majority_baseline"] = {
        "label": classes[major], "accuracy": _r(accuracy_score(y_true, base)),
        "macro_f1": _r(f1_score(y_true, base, labels=labels, average="macro", zero_division=0)),
        "mcc": _mcc(y_true, base)}
    return out


def _auroc(y_true: np.ndarray, probs: np.ndarray, n_classes: int) -> float | None:
    present = set(y_true.tolist())
    if len(present) < n_classes or n_classes < 2:
        return None
    if n_classes == 2:
        return _r(roc_auc_score(y_true, probs[:, 1]))
    if not np.allclose(probs.sum(axis=1), 1.0):  # sklearn wants rows summing to one
        probs = probs / probs.sum(axis=1, keepdims=True)
    return _r(roc_auc_score(y_true, probs, multi_class="ovr", average="macro"))


def softmax(logits) -> np.ndarray:
    """Row-wise softmax, stable for large logits.

    >>> softmax([[0.0, 0.0], [1000.0, 0.0]]).round(3).tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    """
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def summary_line(m: dict) -> str:
    """One line for logs.

    >>> summary_line({"n": 4, "accuracy": 0.75, "macro_f1": 0.73, "mcc": 0.57, "auroc": None,
    ...               "majority_baseline": {"accuracy": 0.5}})
    'n=4 accuracy=0.7500 macro_f1=0.7300 mcc=0.5700 auroc=n/a (majority baseline accuracy 0.5000)'
    """
    au = "n/a" if m.get("auroc") is None else f"{m['auroc']:.4f}"
    return (f"n={m['n']} accuracy={m['accuracy']:.4f} macro_f1={m['macro_f1']:.4f} "
            f"mcc={m['mcc']:.4f} auroc={au} (majority baseline accuracy "
            f"{m['majority_baseline']['accuracy']:.4f})")
