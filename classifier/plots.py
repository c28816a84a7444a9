"""Training curves and the confusion matrix as PNG files (matplotlib, Agg backend).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> hist = [{"epoch": 1, "train_loss": 0.9, "valid_loss": 0.8, "valid_mcc": 0.3},
...         {"epoch": 2, "train_loss": 0.5, "valid_loss": 0.6, "valid_mcc": 0.6}]
>>> sorted(p.name for p in write_plots(d, hist, [[3, 1], [0, 4]], ["a", "b"], "mcc"))
['confusion_matrix.png', 'loss.png', 'valid_metric.png']
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from labkit.atomic import atomic_write  # noqa: E402
from labkit.limits import MAX_PLOT_CLASSES  # noqa: E402


def _save(fig, path: Path) -> Path:
    with atomic_write(path, "wb") as fh:
        fig.savefig(fh, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def plot_loss(history: list[dict], path: Path) -> Path:
    """Training and validation loss per epoch."""
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for key, label in (("train_loss", "train"), ("valid_loss", "validation")):
        pts = [(h["epoch"], h[key]) for h in history if h.get(key) is not None]
        if pts:
            ax.plot(*zip(*pts), marker="o", label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy loss")
    ax.legend()
    ax.grid(alpha=0.3)
    return _save(fig, path)


def plot_metric(history: list[dict], metric: str, path: Path) -> Path:
    """The validation metric (the one early stopping watches) per epoch."""
    fig, ax = plt.subplots(figsize=(5, 3.5))
    pts = [(h["epoch"], h[f"valid_{metric}"]) for h in history if h.get(f"valid_{metric}") is not None]
    if pts:
        ax.plot(*zip(*pts), marker="o", color="tab:green")
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"validation {metric}")
    ax.grid(alpha=0.3)
    return _save(fig, path)


def plot_confusion(confusion, classes: list[str], path: Path, title: str = "test set") -> Path:
    """Counts with class names; rows are true classes, columns predictions. Above
    MAX_PLOT_CLASSES classes a summary says where the numbers are instead (a grid of
    10,000 x 10,000 labelled cells does not fit in memory)."""
    if len(classes) > MAX_PLOT_CLASSES:
        fig, ax = plt.subplots(figsize=(5, 1.5))
        ax.axis("off")
        ax.text(0.5, 0.5, f"confusion matrix ({title}): {len(classes)} classes, more than the "
                f"{MAX_PLOT_CLASSES} drawn\n(MAX_PLOT_CLASSES); the counts are in metrics.json",
                ha="center", va="center", fontsize=9, wrap=True)
        return _save(fig, path)
    cm = np.asarray(confusion)
    size = max(4.0, 0.55 * len(classes) + 2)
    fig, ax = plt.subplots(figsize=(size, size * 0.85))
    im = ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(len(classes)), classes, rotation=45, ha="right")
    ax.set_yticks(range(len(classes)), classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"confusion matrix ({title})")
    top = cm.max() if cm.size else 0
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if cm[i, j] > top / 2 else "black")
    fig.colorbar(im, ax=ax, fraction=0.046)
    return _save(fig, path)


def write_plots(plots_dir: Path, history: list[dict], confusion, classes: list[str],
                metric: str, title: str = "test set") -> list[Path]:
    """All three plots into ``plots_dir``; returns their paths."""
    plots_dir = Path(plots_dir)
    plots_dir.mkdir(parents=True, exist_ok=True)
    return [plot_loss(history, plots_dir / "loss.png"),
            plot_metric(history, metric, plots_dir / "valid_metric.png"),
            plot_confusion(confusion, classes, plots_dir / "confusion_matrix.png", title)]
