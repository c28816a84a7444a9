"""One cell of the grid: train a tokenizer on train, fine-tune, evaluate on test.

Everything a run measures goes into the dict that becomes its ``result.json``
(see :mod:`.results`): metrics, costs, intrinsic tokenizer statistics, the
validation-loss history and the test confusion matrix.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from corpora.tasks import TaskData

from .config import AblationConfig, TokenizerChoice
from .intrinsic import intrinsic_stats

log = logging.getLogger(__name__)


class PeakRSS:
    """Peak resident memory (MB) of this process while the block runs, sampled every 20 ms.

    ``ru_maxrss`` is a lifetime maximum, useless when one worker runs several
    runs in turn; sampling /proc/self/statm gives each run its own peak.

    >>> with PeakRSS() as peak:
    ...     block = bytearray(30_000_000)
    >>> peak.mb > 25
    True
    """

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.mb = 0.0
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _rss(self) -> float:
        try:
            with open("/proc/self/statm") as fh:
                return int(fh.read().split()[1]) * self._page / 2**20
        except OSError:  # not Linux: fall back to the lifetime maximum
            import resource
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def _loop(self):
        while not self._stop.wait(self.interval):
            self.mb = max(self.mb, self._rss())

    def __enter__(self):
        self.mb = self._rss()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.mb = round(max(self.mb, self._rss()), 1)
        return False


def tokenizer_spec(choice: TokenizerChoice, seed: int):
    """The TokenizerSpec of a grid column (vocab size or k as given, seeded)."""
    from tokenizer_lab import TokenizerSpec
    kw = dict(choice.options)
    if choice.vocab_size is not None:
        kw["vocab_size"] = choice.vocab_size
    if choice.k is not None:
        kw["k"] = choice.k
    try:
        return TokenizerSpec(algorithm=choice.algorithm, seed=seed, **kw)
    except (TypeError, ValueError) as exc:
        from .config import AblationError
        raise AblationError(f"tokenizer {choice.label}: {exc}") from None


def train_config(cfg: AblationConfig, seed: int, threads: int | None):
    """The classifier's TrainConfig for one run (ablation settings + train_options)."""
    from classifier.config import TrainConfig
    kw = dict(cfg.train_options)
    for name in ("epochs", "batch_size", "learning_rate", "max_length"):
        if getattr(cfg, name) is not None:
            kw[name] = getattr(cfg, name)
    try:
        return TrainConfig(arch="albert", preset=cfg.preset, seed=seed, threads=threads, **kw)
    except (TypeError, ValueError) as exc:
        from .config import AblationError
        raise AblationError(f"training settings: {exc}") from None


def run_model(choice: TokenizerChoice, seed: int, cfg: AblationConfig, split: TaskData,
              out_dir: Path, threads: int | None = None) -> dict:
    """Tokenizer on train only, then the classifier; returns the run's measurements."""
    import transformers

    from classifier.train import train_classifier
    from tokenizer_lab import train_tokenizer

    transformers.set_seed(seed)
    spec = tokenizer_spec(choice, seed)
    tcfg = train_config(cfg, seed, threads)
    with PeakRSS() as peak:
        t0 = time.perf_counter()
        tok = train_tokenizer([r.seq for r in split.train], spec)
        tok_s = time.perf_counter() - t0
        tok.save(out_dir / "tokenizer")
        res = train_classifier(tcfg, tok, split.train, split.valid, split.test, out_dir / "model")
    intrinsic = intrinsic_stats(tok, split.test)
    metrics, costs = res.metrics, res.costs or {}
    return {
        "metrics": {m: metrics.get(m) for m in ("accuracy", "macro_f1", "mcc", "auroc")},
        "costs": {"vocab_size": tok.vocab_size, "tokenizer_train_s": round(tok_s, 3),
                  "tokens_per_seq": intrinsic.pop("tokens_per_seq"),
                  "params": costs.get("params"), "train_s": costs.get("train_seconds"),
                  "train_seqs_per_s": costs.get("train_seqs_per_s"),
                  "peak_mem_mb": peak.mb, "epochs": costs.get("epochs"),
                  "max_length": costs.get("max_length")},
        "intrinsic": intrinsic,
        "history": [{"epoch": h.get("epoch"), "train_loss": h.get("train_loss"),
                     "eval_loss": h.get("valid_loss")} for h in (res.history or [])],
        "confusion": {"labels": list(res.classes), "matrix": res.confusion},
        "best_epoch": res.best_epoch, "truncated": res.truncated,
        "majority_baseline": metrics.get("majority_baseline"),
        # the rate used (a range test's pick when learning_rate = "auto") and the one asked for
        "train_config": res.config.to_dict(), "requested_learning_rate": tcfg.learning_rate,
        "tokenizer_spec": spec.to_dict(),
    }


def run_baseline(k: int, seed: int, split: TaskData, out_dir: Path) -> dict:
    """The kmer-logreg baseline on the same split (validation unused: nothing to tune)."""
    from classifier.baseline import KmerLogReg
    from classifier.data import class_names, label_ids
    from classifier.metrics import classification_metrics

    classes = class_names(split.train, "train")
    y_train = label_ids(split.train, classes, "train")
    y_test = label_ids(split.test, classes, "test")
    with PeakRSS() as peak:
        t0 = time.perf_counter()
        model = KmerLogReg(k=k, seed=seed).fit([r.seq for r in split.train], y_train)
        train_s = time.perf_counter() - t0
        probs = model.predict_proba([r.seq for r in split.test])
    m = classification_metrics(y_test, probs, classes, y_train)
    model.save(out_dir)
    mean_len = sum(len(r.seq) for r in split.test) / len(split.test)
    return {
        "metrics": {k_: m.get(k_) for k_ in ("accuracy", "macro_f1", "mcc", "auroc")},
        "costs": {"vocab_size": model.n_features, "tokenizer_train_s": 0.0,
                  "tokens_per_seq": round(mean_len - k + 1, 3),
                  "params": _logreg_params(model.n_features, len(classes)),
                  "train_s": round(train_s, 3),
                  "train_seqs_per_s": round(len(split.train) / train_s, 1) if train_s else None,
                  "peak_mem_mb": peak.mb},
        "intrinsic": {},
        "history": [],
        "confusion": {"labels": classes, "matrix": m["confusion"]},
        "majority_baseline": m.get("majority_baseline"),
    }



def _logreg_params(features: int, classes: int) -> int:
    """Weights and biases of a logistic regression (one row for two classes).

    >>> _logreg_params(256, 2), _logreg_params(256, 3)
    (257, 771)
    """
    rows = 1 if classes == 2 else classes
    return rows * (features + 1)
