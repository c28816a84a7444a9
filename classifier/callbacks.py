"""Trainer callbacks: per-epoch history, early stopping with the best weights kept
in memory (no checkpoint files), and a wall-clock budget; plus the Trainer settings
that fine-tuning and pretraining share (:func:`epoch_arguments`, :func:`silence`).

Keeping the best state in memory avoids writing a checkpoint every epoch, which on
a tiny model costs more than the epoch itself.
"""

from __future__ import annotations

import copy
import logging
import time

from transformers import TrainerCallback, TrainingArguments
from transformers.trainer_callback import PrinterCallback, ProgressCallback

from labkit.progress import show_progress

log = logging.getLogger(__name__)


class HistoryCallback(TrainerCallback):
    """Collects one row per evaluation: train loss, validation loss and metrics, time."""

    def __init__(self):
        self.rows: dict[float, dict] = {}
        self.start = time.perf_counter()
        self.eval_seconds = 0.0
        self.eval_cpu_seconds = 0.0  # CPU of this process: hardly depends on the machine's load
        self._eval_start: float | None = None
        self._eval_cpu_start = 0.0

    def _row(self, epoch: float) -> dict:
        key = round(float(epoch), 2)
        return self.rows.setdefault(key, {"epoch": key})

    def on_epoch_end(self, args, state, control, **kwargs):
        self._eval_start, self._eval_cpu_start = time.perf_counter(), time.process_time()

    def on_step_end(self, args, state, control, **kwargs):
        if control.should_evaluate:  # an evaluation forced mid-epoch (time budget)
            self._eval_start, self._eval_cpu_start = time.perf_counter(), time.process_time()

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = logs or {}
        if "loss" in logs and "epoch" in logs:
            row = self._row(logs["epoch"])
            row["train_loss"] = round(float(logs["loss"]), 5)
            if "learning_rate" in logs:
                row["learning_rate"] = float(logs["learning_rate"])

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        if self._eval_start is not None:
            self.eval_seconds += time.perf_counter() - self._eval_start
            self.eval_cpu_seconds += time.process_time() - self._eval_cpu_start
            self._eval_start = None
        row = self._row(state.epoch or 0.0)
        for k, v in (metrics or {}).items():
            if k.startswith("eval_") and isinstance(v, (int, float)) and not k.endswith(
                    ("_runtime", "_per_second")):
                row["valid_" + k[len("eval_"):]] = round(float(v), 5)
        row["seconds"] = round(time.perf_counter() - self.start, 2)
        log.info("epoch %s: %s", row["epoch"], ", ".join(
            f"{k} {v:.4g}" for k, v in row.items() if k not in ("epoch", "learning_rate")))

    @property
    def history(self) -> list[dict]:
        return [self.rows[k] for k in sorted(self.rows)]

    def rows_list(self) -> list[dict]:
        """The rows as saved in a checkpoint (:mod:`classifier.resume`)."""
        return self.history

    def restore_rows(self, rows: list[dict], eval_seconds: float) -> None:
        self.rows = {round(float(r["epoch"]), 2): dict(r) for r in rows}
        self.eval_seconds = float(eval_seconds)


class BestKeeper(TrainerCallback):
    """Early stopping on a validation metric; keeps a copy of the best weights."""

    def __init__(self, metric: str, greater_is_better: bool, patience: int):
        self.metric = metric
        self.sign = 1.0 if greater_is_better else -1.0
        self.patience = patience
        self.best: float | None = None
        self.best_epoch: float | None = None
        self.best_state: dict | None = None
        self.bad = 0

    def on_evaluate(self, args, state, control, metrics=None, model=None, **kwargs):
        value = (metrics or {}).get(f"eval_{self.metric}")
        if value is None:
            return
        if self.best is None or self.sign * value > self.sign * self.best:
            self.best, self.best_epoch, self.bad = value, state.epoch, 0
            self.best_state = {k: v.detach().to("cpu", copy=True)
                               for k, v in model.state_dict().items()} if model is not None else None
        else:
            self.bad += 1
            if self.patience and self.bad >= self.patience:
                control.should_training_stop = True

    def restore(self, model) -> bool:
        """Load the best weights into ``model``; False when there was no evaluation."""
        if self.best_state is None:
            return False
        model.load_state_dict(copy.deepcopy(self.best_state))
        return True


class TimeBudget(TrainerCallback):
    """Stops training after ``seconds`` (evaluating once more so the best is known)."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.start = time.perf_counter()
        self.hit = False

    def on_train_begin(self, args, state, control, **kwargs):
        self.start = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        if self.seconds is not None and time.perf_counter() - self.start > self.seconds:
            self.hit = True
            control.should_training_stop = True
            control.should_evaluate = True
            control.should_log = True

    def on_epoch_end(self, args, state, control, **kwargs):
        if self.hit:  # already evaluated at the step that hit the budget
            control.should_evaluate = False
            control.should_log = False


def epoch_arguments(config, scratch: str, eval_batch_size: int, **extra) -> TrainingArguments:
    """TrainingArguments shared by fine-tuning and pretraining: evaluate and log once an
    epoch, keep no checkpoints (:class:`BestKeeper` holds the best weights in memory),
    linear warm-up (``warmup_ratio``, a float < 1, is a ratio of all steps) then decay,
    seeded data order, no dataloader workers. ``extra`` adds or overrides settings."""
    import torch
    settings = dict(
        output_dir=scratch, per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=eval_batch_size, num_train_epochs=config.epochs,
        learning_rate=config.learning_rate, weight_decay=config.weight_decay,
        warmup_steps=config.warmup_ratio, lr_scheduler_type="linear",
        max_grad_norm=config.max_grad_norm, eval_strategy="epoch", logging_strategy="epoch",
        save_strategy="no", report_to="none", disable_tqdm=not show_progress(),
        seed=config.seed, data_seed=config.seed, dataloader_num_workers=0,
        dataloader_pin_memory=torch.cuda.is_available(), remove_unused_columns=False,
        skip_memory_metrics=True)
    settings.update(extra)
    return TrainingArguments(**settings)


def silence(trainer) -> None:
    """The library logs and never prints: drop the printer, and the bar off a terminal."""
    trainer.remove_callback(PrinterCallback)
    if not show_progress():
        trainer.remove_callback(ProgressCallback)
