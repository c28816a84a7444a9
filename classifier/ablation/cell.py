"""One cell of the grid: train a tokenizer on train, fine-tune, evaluate on test.

Everything a run measures goes into the dict that becomes its ``result.json``
(see :mod:`.results`): metrics, costs, intrinsic tokenizer statistics, the
validation-loss history and the test confusion matrix.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from corpora.tasks import TaskData

from ..train_config import SCORES
from .ablation_config import AblationConfig, TokenizerChoice
from .intrinsic import intrinsic_stats

log = logging.getLogger(__name__)


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
        from .ablation_config import AblationError
        raise AblationError(f"tokenizer {choice.label}: {exc}") from None


def train_config(cfg: AblationConfig, seed: int, threads: int | None):
    """The classifier's TrainConfig for one run (ablation settings + train_options)."""
    from classifier.train_config import TrainConfig
    kw = dict(cfg.train_options)
    for name in ("epochs", "batch_size", "learning_rate", "max_length", "segmentation_sampling",
                 "test_segmentations", "crop"):
        if getattr(cfg, name) is not None:
            kw[name] = getattr(cfg, name)
    try:
        return TrainConfig(**{"preset": cfg.preset, "seed": seed, "threads": threads, **kw})
    except (TypeError, ValueError) as exc:
        from .ablation_config import AblationError
        raise AblationError(f"training settings: {exc}") from None


def run_model(choice: TokenizerChoice, seed: int, cfg: AblationConfig, split: TaskData,
              out_dir: Path, threads: int | None = None) -> dict:
    """Tokenizer on train only, then the classifier; returns the run's measurements."""
    import transformers

    from classifier.finetune import train_classifier
    from tokenizer_lab import train_tokenizer

    transformers.set_seed(seed)
    spec = tokenizer_spec(choice, seed)
    tcfg = train_config(cfg, seed, threads)
    from classifier.runtime import PeakMemory

    with PeakMemory() as peak:
        t0 = time.perf_counter()
        tok = train_tokenizer([r.seq for r in split.train], spec)
        tok_s = time.perf_counter() - t0
        tok.save(out_dir / "tokenizer")
        res = train_classifier(tcfg, tok, split.train, split.valid, split.test, out_dir / "model")
    intrinsic = intrinsic_stats(tok, split.test)
    metrics, costs = res.metrics, res.costs or {}
    return {
        "metrics": {m: metrics.get(m) for m in SCORES},
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
    """The kmer-logreg baseline on the same split, trained as `classify train --arch
    kmer-logreg` trains it (:mod:`classifier.baseline_train`: same fit, costs and params)."""
    from classifier.train_config import TrainConfig
    from classifier.finetune import train_classifier

    res = train_classifier(TrainConfig(arch="kmer-logreg", kmer_k=k, seed=seed), None,
                           split.train, split.valid or None, split.test)
    res.model.save(out_dir)
    m, costs = res.metrics, res.costs
    mean_len = sum(len(r.seq) for r in split.test) / len(split.test)
    return {
        "metrics": {k_: m.get(k_) for k_ in SCORES},
        "costs": {"vocab_size": res.model.n_features, "tokenizer_train_s": 0.0,
                  "tokens_per_seq": round(mean_len - k + 1, 3), "params": costs["params"],
                  "train_s": costs["train_seconds"], "train_seqs_per_s": costs["train_seqs_per_s"],
                  "peak_mem_mb": costs["peak_memory_mb"]},
        "intrinsic": {},
        "history": [],
        "confusion": {"labels": list(res.classes), "matrix": m["confusion"]},
        "majority_baseline": m.get("majority_baseline"),
    }
