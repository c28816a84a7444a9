"""Fine-tune a classifier: the library entry point behind `classify train`.

:func:`train_classifier` takes records (any reader's output), a LabTokenizer and a
:class:`~classifier.train_config.TrainConfig`, trains with transformers' ``Trainer`` (so the
same code runs on the CPU, one GPU, or several GPUs under ``accelerate launch``),
keeps the best epoch by the validation metric, and measures the test set.

Optimisation: AdamW with weight decay, linear warm-up then linear decay, gradient
clipping, early stopping; dynamic padding and length-grouped batches.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from transformers import AutoConfig, Trainer, set_seed


from tokenizer_lab.sampling import check_sampling

from .artifacts import save_model_dir
from .augment import segmentation_average, training_set
from .callbacks import BestKeeper, HistoryCallback, TimeBudget, epoch_arguments, silence
from .train_config import SCORES, TrainConfig
from .data import EncodedSet, PadCollator, choose_max_length, encode, label_ids, token_lengths
from .errors import ClassifierError
from .metrics import classification_metrics, softmax, summary_line
from .predict import predict_proba
from .presets import build_config, set_dropout
from .resume import CheckpointState, checkpoint_dir, resume_point
from .run_types import Splits, TrainResult, prepare_splits, split_sizes
from .runtime import PeakMemory, set_threads
from .sampler import LengthGroupedBatches
from .token_features import InputSettings, features_for

log = logging.getLogger(__name__)


def train_classifier(config: TrainConfig, tokenizer, train_records, valid_records=None,
                     test_records=None, out_dir: str | Path | None = None,
                     data_info: dict | None = None, resume: bool = False) -> TrainResult:
    """Train, pick the best epoch, evaluate; write the model directory if ``out_dir``.

    With ``out_dir``, epochs end in checkpoints beside it (:mod:`classifier.resume`);
    ``resume`` continues an interrupted run from the last one.

    ``tokenizer`` is a :class:`tokenizer_lab.LabTokenizer` (ignored by ``kmer-logreg``).
    Raises :class:`corpora.errors.LabError` subclasses for bad input before any output.
    """
    splits = prepare_splits(config, train_records, valid_records, test_records)
    info = {"data": {**(data_info or {}), **split_sizes(splits)}}
    if config.arch == "kmer-logreg":
        from .baseline_train import train_baseline
        return train_baseline(config, splits, info, out_dir)
    if tokenizer is None:
        raise ClassifierError(f"arch {config.arch!r} needs a tokenizer (--tokenizer DIR)")
    return _train_neural(config, tokenizer, splits, info, out_dir, resume)


def _init_config(path: str | None) -> AutoConfig | None:
    """The config of the masked-LM directory ``path`` (``--init``; None without): read once
    per run, then passed to the steps that need it (the tokenizer check, the models)."""
    if not path:
        return None
    from .model_config import NO_REMOTE_CODE, check_model_config
    check_model_config(path)  # no code, no absurd shape: before transformers reads it
    try:
        return AutoConfig.from_pretrained(path, **NO_REMOTE_CODE)
    except (OSError, ValueError) as exc:
        raise ClassifierError(f"{path}: not a pretrained model directory ({exc.__class__.__name__}); "
                              "expected the --out folder of `classify pretrain`") from None


def _position_limit(cfg) -> int:
    limit = cfg.max_position_embeddings
    return limit - cfg.pad_token_id - 1 if cfg.model_type == "roberta" else limit


def build_model(config: TrainConfig, tokenizer, classes: list[str], max_length: int,
                init_cfg=None):
    """A new model of ``config.arch``/``preset`` with ``config.pooling``/``head``; with
    ``config.init``, the encoder (shape and weights) of that masked-LM directory, whose
    config ``init_cfg`` the caller has read already (else it is read here)."""
    from .heads import build_classifier
    id2label = dict(enumerate(classes))
    if config.init:
        # its shape and weights; this run's dropouts (on a copy: the range test builds one too)
        enc = copy.deepcopy(init_cfg if init_cfg is not None else _init_config(config.init))
        set_dropout(enc, config.dropout, config.attention_dropout)
        enc.num_labels, enc.id2label = len(classes), id2label
        enc.label2id = {c: i for i, c in id2label.items()}
    else:
        enc = build_config(config.arch, config.preset, tokenizer.vocab_size, max_length,
                           len(classes), id2label, tokenizer.pad_token_id, config.dropout,
                           config.attention_dropout)
    return build_classifier(enc, config.pooling, config.head, config.dropout, config.init,
                            InputSettings.of(config))


def _check_init_tokenizer(config: TrainConfig, tokenizer, cfg=None) -> int | None:
    """The position limit of the pretrained model (its config ``cfg``), after checking its
    vocabulary matches."""
    if not config.init:
        return None
    cfg = cfg if cfg is not None else _init_config(config.init)
    from tokenizer_lab import load_tokenizer
    init_tok = load_tokenizer(config.init)
    if init_tok.hf.get_vocab() != tokenizer.hf.get_vocab():
        raise ClassifierError(f"{config.init}: was pretrained with another vocabulary than "
                              "--tokenizer; use the tokenizer saved in that directory")
    if cfg.model_type != config.arch:
        raise ClassifierError(f"{config.init}: is a {cfg.model_type} model; expected --arch "
                              f"{cfg.model_type}")
    return _position_limit(cfg)


def encode_splits(config: TrainConfig, tok, splits: Splits, init_cfg=None):
    """Token ids of every split at the run's maximum length (``init_cfg``: the config of
    ``config.init``, which limits it).

    Returns ``(ids, max_len, truncated, lengths)``: ids per split name, the maximum
    length, the number of sequences cut per split, the training token counts.
    """
    limit = _check_init_tokenizer(config, tok, init_cfg)
    lengths = token_lengths(tok, splits.train)
    if config.max_length is not None:
        max_len = config.max_length if limit is None else min(config.max_length, limit)
    else:
        max_len, _ = choose_max_length(lengths, config.length_percentile, limit)
    ids = {}
    truncated = {}
    for name, recs in (("train", splits.train), ("validation", splits.valid),
                       ("test", splits.test)):
        if recs is None:
            continue
        n_long = sum(n > max_len for n in (lengths if name == "train" else token_lengths(tok, recs)))
        truncated[name] = n_long
        if n_long and config.truncation:
            log.warning("%s: %d of %d sequences are longer than %d tokens and are truncated",
                        name, n_long, len(recs), max_len)
        ids[name] = encode(tok, recs, max_len, config.truncation, name)
    return ids, max_len, truncated, lengths


def split_features(config: TrainConfig, tok, splits: Splits) -> dict:
    """The per-token input builder of each split (None each when the model takes none):
    reads folded (cached), structures shuffled within each split for the control."""
    out = {}
    for name, recs in (("train", splits.train), ("validation", splits.valid),
                       ("test", splits.test)):
        out[name] = None if recs is None else features_for(
            InputSettings.of(config), tok, recs, config.structure_shuffle, config.seed)
    return out


def _train_neural(config: TrainConfig, tok, splits: Splits, info: dict, out_dir,
                  resume: bool = False) -> TrainResult:
    """Encode, (find the rate,) build, fit, score and save: each a named step below."""
    set_threads(config.threads)
    check_sampling(tok.spec.algorithm, config.segmentation_sampling)  # before any work
    peak = PeakMemory().start()  # stopped when the costs are written
    init_cfg = _init_config(config.init)
    ids, max_len, truncated, lengths = encode_splits(config, tok, splits, init_cfg)
    feats = split_features(config, tok, splits)
    config = _resolve_learning_rate(config, tok, splits, ids, max_len, info, init_cfg,
                                    feats["train"])
    set_seed(config.seed)  # before the model is built: same seed, same initial weights
    model = build_model(config, tok, splits.classes, max_len, init_cfg)
    params = sum(p.numel() for p in model.parameters())
    log.info("%s-%s: %d parameters, vocabulary %d, max length %d, %d classes", config.arch,
             config.preset, params, tok.vocab_size, max_len, len(splits.classes))
    fit = _fit(config, tok, splits, ids, max_len, model, out_dir, resume, feats)
    model = fit.model
    valid_m, test_m, test_pred = _final_scores(config, tok, splits, ids, max_len, model, feats)
    train_s = max(fit.wall - fit.history.eval_seconds, 1e-9)
    costs = {"params": params, "train_seconds": round(train_s, 2),
             "train_wall_seconds": round(fit.wall, 2), "epochs": round(fit.epochs, 2),
             "train_seqs_per_s": round(len(splits.train) * fit.epochs / train_s, 1),
             # CPU seconds of the training steps (evaluations excluded): load-independent
             "train_cpu_seconds": round(max(fit.cpu - fit.history.eval_cpu_seconds, 1e-9), 2),
             "peak_memory_mb": peak.stop(),
             "mean_tokens_per_seq": round(float(np.mean(lengths)) - 2, 2),
             "max_length": max_len, "vocab_size": tok.vocab_size,
             "device": str(next(model.parameters()).device), "threads": torch.get_num_threads()}
    final = test_m or valid_m
    log.info("%s: %s", "test" if test_m else "validation", summary_line(final))
    best = fit.keeper.best_epoch
    result = TrainResult(final, valid_m, fit.history.history, costs, final["confusion"],
                         splits.classes, config, max_len, truncated, best, model=model,
                         test_predictions=test_pred)
    if out_dir is not None and fit.is_main:
        info.update({"classes": splits.classes, "max_length": max_len, "truncated": truncated,
                     "best_epoch": best,
                     "tokenizer": {"spec": _spec_dict(tok), "vocab_size": tok.vocab_size}})
        result.model_dir = save_model_dir(
            out_dir, config=config, info=info, history=result.history, model=model, tokenizer=tok,
            metrics={"test": test_m, "valid": valid_m, "costs": costs, "best_epoch": best})
    if fit.checkpoints is not None and fit.is_main:
        shutil.rmtree(fit.checkpoints, ignore_errors=True)
    return result


def _resolve_learning_rate(config: TrainConfig, tok, splits: Splits, ids, max_len: int,
                           info: dict, init_cfg=None, features=None) -> TrainConfig:
    """``--lr auto``: the range test's suggestion, recorded in ``info``; else unchanged."""
    if config.learning_rate != "auto":
        return config
    found = _range_test(config, tok, splits, ids["train"], max_len, init_cfg, features=features)
    info["lr_find"] = {"requested": "auto", **found.summary()}
    return config.replace(learning_rate=found.suggestion)


def _class_weighted_loss(config: TrainConfig, splits: Splits):
    """Cross-entropy weighted by inverse class frequency (``--class-weights``), else None."""
    if not config.class_weights:
        return None
    counts = np.bincount(splits.y_train, minlength=len(splits.classes)).astype(float)
    weights = torch.tensor(counts.sum() / (len(counts) * np.maximum(counts, 1)), dtype=torch.float)

    def loss_func(outputs, labels, num_items_in_batch=None):
        return torch.nn.functional.cross_entropy(
            outputs.logits, labels, weight=weights.to(outputs.logits.device))
    return loss_func


@dataclass
class _Fit:
    """What :func:`_fit` leaves: the trained model (best weights restored) and its record."""

    model: object
    history: HistoryCallback
    keeper: BestKeeper
    wall: float
    cpu: float
    epochs: float
    is_main: bool
    checkpoints: Path | None


def _fit(config: TrainConfig, tok, splits: Splits, ids, max_len: int, model, out_dir,
         resume: bool, feats: dict | None = None) -> _Fit:
    """The Trainer's epochs with early stopping, a time budget and (with an output folder)
    checkpoints that ``--resume`` continues from."""
    def compute_metrics(pred) -> dict:
        m = classification_metrics(pred.label_ids, softmax(pred.predictions), splits.classes)
        return {k: m[k] for k in SCORES if m[k] is not None}

    history_cb, keeper = HistoryCallback(), BestKeeper(config.metric, config.greater_is_better,
                                                       config.patience)
    budget = TimeBudget(config.max_train_seconds)
    ckpt = None if out_dir is None else checkpoint_dir(out_dir)
    if ckpt is not None and ckpt.exists() and not resume:
        log.warning("%s: checkpoints of an interrupted run, discarded (--resume continues it)", ckpt)
        shutil.rmtree(ckpt)
    saving = {} if ckpt is None else {"save_strategy": "epoch", "save_total_limit": 2}
    with (tempfile.TemporaryDirectory(prefix="classify-") if ckpt is None
          else contextlib.nullcontext(str(ckpt))) as scratch:
        args = epoch_arguments(config, scratch, config.eval_batch_size, optim="adamw_torch",
                               train_sampling_strategy="random", **saving)
        train_set, epoch_callbacks = training_set(config, tok, splits.train, splits.y_train,
                                                  ids["train"], max_len, (feats or {}).get("train"))
        trainer = _Trainer(model=model, args=args, data_collator=PadCollator(tok.pad_token_id),
                           train_dataset=train_set,
                           eval_dataset=EncodedSet(ids["validation"], splits.y_valid,
                                                   (feats or {}).get("validation")),
                           compute_metrics=compute_metrics,
                           compute_loss_func=_class_weighted_loss(config, splits),
                           callbacks=[budget, history_cb, keeper, *epoch_callbacks])
        if config.group_by_length:
            trainer.length_sampler = LengthGroupedBatches(
                [len(x) for x in ids["train"]], config.batch_size, seed=config.seed)
        silence(trainer)
        start = None
        if ckpt is not None:
            trainer.add_callback(CheckpointState(history_cb, keeper, config.to_dict(),
                                                 config.checkpoint_seconds))
            if resume:
                start = resume_point(ckpt, config.to_dict(), history_cb, keeper)
        t0, c0 = time.perf_counter(), time.process_time()
        trainer.train(resume_from_checkpoint=start)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        epochs_run = float(trainer.state.epoch or 0.0)
        is_main = trainer.is_world_process_zero()
    model = trainer.model
    keeper.restore(model)
    if budget.hit:
        log.warning("stopped by the time budget (%.0f s) after %.2f epochs",
                    config.max_train_seconds, epochs_run)
    return _Fit(model, history_cb, keeper, wall, cpu, epochs_run, is_main, ckpt)


def _final_scores(config: TrainConfig, tok, splits: Splits, ids, max_len: int, model,
                  feats: dict | None = None):
    """Validation and (when there is one) test metrics of the restored best model, and the
    predicted class of each test read; the test split's probabilities averaged over
    ``config.test_segmentations`` segmentations."""
    feats = feats or {}

    def scores(y, proba):
        return classification_metrics(y, proba, splits.classes, splits.y_train)
    valid_m = scores(splits.y_valid, predict_proba(model, ids["validation"], tok.pad_token_id,
                                                   config.eval_batch_size, feats.get("validation")))
    if splits.test is None:
        return valid_m, None, None
    proba = segmentation_average(model, tok, splits.test, ids["test"], config, max_len,
                                 config.eval_batch_size, feats.get("test"))
    return valid_m, scores(splits.y_test, proba), proba.argmax(1).tolist()


def rescore_test(result: TrainResult, tok, train_records, test_records,
                 test_segmentations: int) -> tuple[dict, list[int]]:
    """The test metrics and per-read predictions of ``result``'s model (a run of
    :func:`train_classifier` on ``train_records``) with another test-time averaging:
    ``test_segmentations`` segmentations instead of the run's own. One training run then
    gives the N = 1 and the N > 1 scores of the same model (with the run's own N, the
    run's own test metrics exactly)."""
    config = result.config.replace(test_segmentations=test_segmentations)
    test = list(test_records)
    y_train = label_ids(list(train_records), result.classes, "train")
    ids = encode(tok, test, result.max_length, config.truncation, "test")
    feats = features_for(InputSettings.of(config), tok, test, config.structure_shuffle,
                         config.seed)
    proba = segmentation_average(result.model, tok, test, ids, config, result.max_length,
                                 config.eval_batch_size, feats)
    metrics = classification_metrics(label_ids(test, result.classes, "test"), proba,
                                     result.classes, y_train)
    return metrics, proba.argmax(1).tolist()


def _range_test(config: TrainConfig, tok, splits: Splits, train_ids, max_len: int,
                init_cfg=None, **options):
    from .lr_find import find_lr
    set_seed(config.seed)  # the model the range test trains starts as the real run's does
    model = build_model(config, tok, splits.classes, max_len, init_cfg)
    return find_lr(config, model, train_ids, splits.y_train, tok.pad_token_id, **options)


def lr_find_records(config: TrainConfig, tok, train_records, valid_records=None, out_dir=None,
                    **options):
    """The learning-rate range test (:mod:`classifier.lr_find`) on the training split of a
    run (the records ``classify train`` gets); writes ``out_dir``/lr_find.json and
    lr_find.png when ``out_dir`` is given. ``options``: start_lr, end_lr, steps..."""
    from .lr_find import write_lr_find
    splits = prepare_splits(config, train_records, valid_records)
    splits.valid = []  # the range test sees training data only
    init_cfg = _init_config(config.init)
    ids, max_len, _, _ = encode_splits(config, tok, splits, init_cfg)
    result = _range_test(config, tok, splits, ids["train"], max_len, init_cfg,
                         features=split_features(config, tok, splits)["train"], **options)
    if out_dir is not None:
        write_lr_find(result, out_dir, {"train_config": config.to_dict(), "max_length": max_len,
                                        "train_sequences": len(splits.train)})
    return result


class _Trainer(Trainer):
    """Trainer with our length-grouped sampler (see :mod:`classifier.sampler`) and the
    multi-tensor (``foreach``) AdamW: the same updates bit for bit as the per-tensor loop
    transformers picks on a CPU, about 10% less CPU a step on the tiny preset
    (``benchmarks/results/throughput.md``)."""

    length_sampler = None

    @staticmethod
    def get_optimizer_cls_and_kwargs(args, model=None):
        cls, kwargs = Trainer.get_optimizer_cls_and_kwargs(args, model)
        if cls is torch.optim.AdamW and not kwargs.get("fused"):
            kwargs = {**kwargs, "foreach": True}
        return cls, kwargs

    def _get_train_sampler(self, train_dataset=None):
        if self.length_sampler is not None:
            return self.length_sampler
        return super()._get_train_sampler(train_dataset)


def _spec_dict(tok) -> dict:
    spec = getattr(tok, "spec", None)
    if spec is None:
        return {}
    if hasattr(spec, "to_dict"):
        return spec.to_dict()
    import dataclasses
    return dataclasses.asdict(spec) if dataclasses.is_dataclass(spec) else {"repr": repr(spec)}
