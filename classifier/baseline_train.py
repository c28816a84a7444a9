"""`--arch kmer-logreg`: the baseline through the same splits, metrics and artifacts.

The validation set is not needed to fit a logistic regression; it is scored so the
report has the same rows as a transformer's.
"""

from __future__ import annotations

import logging
import time

import numpy as np

from .artifacts import save_model_dir
from .baseline import KmerLogReg
from .train_config import SCORES
from .metrics import classification_metrics, summary_line
from .run_types import Splits, TrainResult
from .runtime import PeakMemory

log = logging.getLogger(__name__)


def train_baseline(config, splits: Splits, info: dict, out_dir=None) -> TrainResult:
    seqs = [r.seq for r in splits.train]
    with PeakMemory() as peak:
        t0 = time.perf_counter()
        model = KmerLogReg(k=config.kmer_k, c=config.logreg_c, seed=config.seed).fit(seqs, splits.y_train)
        seconds = time.perf_counter() - t0

    def probs(records):
        p = model.predict_proba([r.seq for r in records])
        if p.shape[1] < len(splits.classes):  # classes absent from the fitted train split
            p = np.pad(p, ((0, 0), (0, len(splits.classes) - p.shape[1])))
        return p

    valid_p = probs(splits.valid)
    valid_m = classification_metrics(splits.y_valid, valid_p, splits.classes, splits.y_train)
    test_m = test_pred = None
    if splits.test is not None:
        test_p = probs(splits.test)
        test_m = classification_metrics(splits.y_test, test_p, splits.classes, splits.y_train)
        test_pred = test_p.argmax(1).tolist()
    lengths = [len(s) for s in seqs]
    costs = {"params": model.n_params,
             # 4 decimals: a tiny fit takes milliseconds, which 2 decimals would call 0
             "train_seconds": round(seconds, 4), "train_wall_seconds": round(seconds, 4),
             "epochs": 1, "train_seqs_per_s": round(len(seqs) / max(seconds, 1e-9), 1),
             "peak_memory_mb": peak.mb,
             "mean_tokens_per_seq": round(float(np.mean(lengths)) - config.kmer_k + 1, 2),
             "max_length": None, "vocab_size": model.n_features, "device": "cpu", "threads": 1}
    history = [{"epoch": 1, "valid_loss": _log_loss(splits.y_valid, valid_p),
                **{f"valid_{k}": valid_m[k] for k in SCORES}}]
    final = test_m or valid_m
    log.info("kmer-logreg k=%d %s: %s", config.kmer_k, "test" if test_m else "validation",
             summary_line(final))
    result = TrainResult(final, valid_m, history, costs, final["confusion"], splits.classes,
                         config, None, {}, 1, model=model, test_predictions=test_pred)
    if out_dir is not None:
        info.update({"classes": splits.classes, "max_length": None, "best_epoch": 1,
                     "tokenizer": {"kmer_counts": config.kmer_k}})
        result.model_dir = save_model_dir(
            out_dir, config=config, info=info, history=history, baseline=model,
            metrics={"test": test_m, "valid": valid_m, "costs": costs, "best_epoch": 1})
    return result


def _log_loss(y, p) -> float:
    eps = 1e-12
    return round(float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], eps, 1)))), 5)
