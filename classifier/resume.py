"""Resumable fine-tuning: Trainer checkpoints in the output's temporary folder.

While ``classify train --out DIR`` runs, the Trainer saves a checkpoint at the end of
an epoch (every epoch, or when ``checkpoint_seconds`` have passed since the last one)
into ``.DIR.checkpoints`` beside DIR; the history and the best weights kept in memory
(:class:`~classifier.callbacks.BestKeeper`) are saved with it, as JSON and safetensors.
The folder is removed once DIR is written. After a crash or a kill, ``--resume``
continues from the last checkpoint, and the run ends with the metrics an uninterrupted
run gives (the Trainer restores weights, optimizer, schedule and random state; the
batch order follows the epoch number, :meth:`classifier.sampler.LengthGroupedBatches.set_epoch`).

>>> checkpoint_dir("runs/model").as_posix()
'runs/.model.checkpoints'
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from transformers import TrainerCallback

from .errors import ClassifierError

log = logging.getLogger(__name__)

STATE_FILE = "lab_state.json"
BEST_FILE = "best_state.safetensors"
#: Settings that may differ between a run and its resumption (they change no number).
FREE = ("threads", "max_train_seconds", "checkpoint_seconds")


def checkpoint_dir(out_dir: str | Path) -> Path:
    out = Path(out_dir)
    return out.with_name(f".{out.name}.checkpoints")


class CheckpointState(TrainerCallback):
    """Chooses the epochs that end in a checkpoint and saves our callbacks' state in it."""

    def __init__(self, history, keeper, config: dict, seconds: float):
        self.history, self.keeper, self.config, self.seconds = history, keeper, config, seconds
        self.last = time.monotonic()

    def on_epoch_end(self, args, state, control, **kwargs):
        control.should_save = time.monotonic() - self.last >= self.seconds

    def on_save(self, args, state, control, **kwargs):
        folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        if not folder.is_dir():
            return
        if self.keeper.best_state is not None:
            from safetensors.torch import save_file
            save_file(self.keeper.best_state, str(folder / BEST_FILE))
        data = {"config": self.config, "history": self.history.rows_list(),
                "eval_seconds": self.history.eval_seconds, "best": self.keeper.best,
                "best_epoch": self.keeper.best_epoch, "bad": self.keeper.bad}
        # written last: a checkpoint without it was cut short and is not resumed from
        (folder / STATE_FILE).write_text(json.dumps(data))
        self.last = time.monotonic()


def _step(path: Path) -> int:
    try:
        return int(path.name.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return -1


def resume_point(folder: Path, config: dict, history, keeper) -> str | None:
    """The last complete checkpoint in ``folder`` (its state loaded into ``history`` and
    ``keeper``), or None when there is none. Other settings than the run's are an error."""
    done = sorted((p for p in folder.glob("checkpoint-*") if (p / STATE_FILE).is_file()),
                  key=_step)
    if not done:
        log.warning("--resume: no finished epoch saved in %s; starting from epoch 0", folder)
        return None
    last = done[-1]
    try:
        data = json.loads((last / STATE_FILE).read_text())
        saved = data["config"]
        changed = sorted(k for k in set(saved) | set(config)
                         if k not in FREE and saved.get(k) != config.get(k))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ClassifierError(f"{last / STATE_FILE}: damaged ({exc.__class__.__name__}); "
                              f"remove {folder} and train again without --resume") from None
    if changed:
        k = changed[0]
        raise ClassifierError(
            f"{last / STATE_FILE}: the interrupted run had {k}={saved.get(k)!r}, this one "
            f"{config.get(k)!r}; resume with the same options, or drop --resume to start over")
    history.restore_rows(data["history"], data.get("eval_seconds", 0.0))
    keeper.best, keeper.best_epoch, keeper.bad = data["best"], data["best_epoch"], data["bad"]
    if (last / BEST_FILE).is_file():
        from safetensors.torch import load_file
        keeper.best_state = load_file(str(last / BEST_FILE))
    log.info("resuming from %s (epoch %s)", last, history.history[-1]["epoch"] if history.history else 0)
    return str(last)
