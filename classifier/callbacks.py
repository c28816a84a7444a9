"""Trainer callbacks: per-epoch history, early stopping with the best weights kept
in memory (no checkpoint files), and a wall-clock budget.

Keeping the best state in memory avoids writing a checkpoint every epoch, which on
a tiny model costs more than the epoch itself.
"""

from __future__ import annotations

import copy
import logging
import time

from transformers import TrainerCallback

log = logging.getLogger(__name__)


class HistoryCallback(TrainerCallback):
    """Collects one row per evaluation: train loss, validation loss and metrics, time."""

    def __init__(self):
        self.rows: dict[float, dict] = {}
        self.start = time.perf_counter()
        self.eval_seconds = 0.0
        self._eval_start: float | None = None

    def _row(self, epoch: float) -> dict:
        key = round(float(epoch), 2)
        return self.rows.setdefault(key, {"epoch": key})

    def on_epoch_end(self, args, state, control, **kwargs):
        self._eval_start = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        if control.should_evaluate:  # an evaluation forced mid-epoch (time budget)
            self._eval_start = time.perf_counter()

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
