"""Learning-rate range test: `classify lr-find` and `classify train --lr auto`.

A throwaway copy of the model trains for ``steps`` batches while the learning rate
rises exponentially from ``start_lr`` to ``end_lr`` (Smith 2017; fastai's lr_find).
The loss is smoothed (an exponential moving average, bias-corrected); the test stops
early once the smoothed loss exceeds ``diverge`` times its minimum. The suggestion is
a tenth of the rate at the smoothed minimum (past it the loss climbs, so a rate there
is already too high); the rate of steepest descent is recorded beside it.

>>> lrs = [10 ** (-6 + i / 10) for i in range(61)]           # 1e-6 .. 1
>>> loss = [2.0 - (i / 40) if i < 40 else 1.0 + (i - 40) ** 2 / 5 for i in range(61)]
>>> s = suggest(lrs, smooth_losses(loss, beta=0.0))
>>> round(s["min_loss_lr"], 6), round(s["suggestion"], 7)
(0.01, 0.001)
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from transformers import set_seed

from labkit.atomic import atomic_write
from labkit.progress import progress

from .data import pad_batch
from .predict import item
from .runtime import set_threads
from .sampler import LengthGroupedBatches

log = logging.getLogger(__name__)


@dataclass
class LrFind:
    """The range test's curve and what it suggests."""

    suggestion: float
    min_loss_lr: float
    steepest_lr: float
    diverged_at: float | None
    start_lr: float
    end_lr: float
    steps: int
    batch_size: int
    seconds: float
    lrs: list[float] = field(repr=False, default_factory=list)
    losses: list[float] = field(repr=False, default_factory=list)
    smoothed: list[float] = field(repr=False, default_factory=list)

    def summary(self) -> dict:
        """Everything but the curves (what training_config.json records)."""
        return {k: v for k, v in asdict(self).items() if k not in ("lrs", "losses", "smoothed")}

    def to_dict(self) -> dict:
        return asdict(self)


def smooth_losses(losses, beta: float = 0.98) -> list[float]:
    """Bias-corrected exponential moving average (``beta`` 0: the losses themselves)."""
    out, avg = [], 0.0
    for i, x in enumerate(losses, 1):
        avg = beta * avg + (1 - beta) * x
        out.append(avg / (1 - beta ** i) if beta else avg)
    return out


def suggest(lrs, smoothed) -> dict:
    """Rates at the smoothed minimum, a tenth of it (the suggestion), and the steepest fall."""
    lrs, sm = np.asarray(lrs, float), np.asarray(smoothed, float)
    best = int(np.nanargmin(sm))
    skip = min(len(sm) // 10, max(best - 1, 0))  # the average is still settling at first
    if best - skip >= 2:
        slope = np.gradient(sm[skip:best + 1], np.log(lrs[skip:best + 1]))
        steep = float(lrs[skip + int(np.argmin(slope))])
    else:
        steep = float(lrs[best])
    return {"min_loss_lr": float(lrs[best]), "suggestion": float(lrs[best]) / 10,
            "steepest_lr": steep}


def _batches(train_ids, labels, batch_size: int, seed: int, pad_id: int, features=None):
    """Endless training batches, length-grouped as in training (with the per-token inputs
    of ``features``, if any)."""
    sampler = LengthGroupedBatches([len(x) for x in train_ids], batch_size, seed=seed)
    while True:
        order = list(sampler)
        for i in range(0, len(order) - batch_size + 1 or 1, batch_size):
            idx = order[i:i + batch_size]
            yield pad_batch([{**item(train_ids, j, features), "labels": labels[j]} for j in idx],
                            pad_id)


def find_lr(config, model, train_ids, y_train, pad_id: int, start_lr: float = 1e-6,
            end_lr: float = 1.0, steps: int = 200, diverge: float = 4.0,
            beta: float = 0.98, features=None) -> LrFind:
    """The range test on ``model`` (a fresh one: it is trained, then thrown away) with the
    batch size, weight decay, clipping, seed and threads of ``config``."""
    if not 0 < start_lr < end_lr:
        raise ValueError(f"need 0 < start_lr < end_lr, got {start_lr} and {end_lr}")
    set_threads(config.threads)
    set_seed(config.seed)
    model.train()
    device = next(model.parameters()).device
    opt = torch.optim.AdamW(model.parameters(), lr=start_lr, weight_decay=config.weight_decay)
    factor = (end_lr / start_lr) ** (1 / max(steps - 1, 1))
    lrs, losses, smoothed, diverged = [], [], [], None
    batches = _batches(train_ids, y_train, config.batch_size, config.seed, pad_id, features)
    t0 = time.perf_counter()
    for step in progress(range(steps), desc="lr-find", total=steps):
        lr = start_lr * factor ** step
        for group in opt.param_groups:
            group["lr"] = lr
        batch = next(batches)
        batch = {k: v.to(device) for k, v in batch.items()}
        loss = model(**batch).loss
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
        opt.step()
        value = float(loss.detach())
        lrs.append(lr)
        losses.append(value)
        smoothed = smooth_losses(losses, beta)
        if not math.isfinite(value) or smoothed[-1] > diverge * min(smoothed):
            diverged = lr
            break
    seconds = time.perf_counter() - t0
    keep = [i for i, v in enumerate(smoothed) if math.isfinite(v)]
    s = suggest([lrs[i] for i in keep], [smoothed[i] for i in keep])
    log.info("lr-find: %d steps, loss minimum at %.3g, suggestion %.3g%s", len(lrs),
             s["min_loss_lr"], s["suggestion"],
             f", diverged at {diverged:.3g}" if diverged else "")
    return LrFind(s["suggestion"], s["min_loss_lr"], s["steepest_lr"], diverged, start_lr,
                  end_lr, len(lrs), config.batch_size, round(seconds, 2), lrs, losses, smoothed)


def plot_lr_find(result: LrFind, path: Path) -> Path:
    """Loss against the learning rate (log axis), the suggestion marked."""
    from .plots import _save, plt
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(result.lrs, result.losses, color="0.75", lw=0.8, label="loss per batch")
    ax.plot(result.lrs, result.smoothed, color="tab:blue", label="smoothed")
    ax.axvline(result.suggestion, color="tab:red", ls="--",
               label=f"suggestion {result.suggestion:.2g}")
    ax.set_xscale("log")
    top = max(result.smoothed[: max(1, len(result.smoothed) // 10)] + [min(result.smoothed) * 1.5])
    ax.set_ylim(min(result.smoothed) * 0.9, top * 1.1)
    ax.set_xlabel("learning rate")
    ax.set_ylabel("training loss")
    ax.legend()
    ax.grid(alpha=0.3)
    return _save(fig, path)


def write_lr_find(result: LrFind, out_dir: str | Path, extra: dict | None = None) -> list[Path]:
    """``lr_find.json`` (settings, suggestion, curve) and ``lr_find.png``, each atomically."""
    import json
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with atomic_write(out_dir / MARKER) as fh:
        json.dump({**(extra or {}), **result.to_dict()}, fh, indent=2)
        fh.write("\n")
    return [out_dir / MARKER, plot_lr_find(result, out_dir / "lr_find.png")]


#: The file that marks a folder `classify lr-find` wrote.
MARKER = "lr_find.json"

