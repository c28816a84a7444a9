"""The report's figures, drawn from results.json alone (matplotlib, no pyplot state).

:func:`make_plots` returns ``{name: (caption, png_bytes)}``; the Markdown report
writes them as files and the HTML report embeds the same bytes as base64.
Figures whose data is absent (no loss history, no confusion matrix) are left
out rather than drawn empty.
"""

from __future__ import annotations

import io
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

NAMES = {"accuracy": "accuracy", "macro_f1": "macro-F1", "mcc": "MCC", "auroc": "AUROC"}


def make_plots(results: dict) -> dict[str, tuple[str, bytes]]:
    """All figures for a results document, in report order."""
    out: dict[str, tuple[str, bytes]] = {}
    metric = results.get("primary_metric", "accuracy")
    models = [e for e in results.get("summary", []) if e["metrics"][metric]["mean"] is not None]
    for name, fn in (("metric_vs_vocab", _vocab), ("metric_vs_tokens", _tokens),
                     ("time_vs_metric", _time), ("valid_loss", _loss),
                     ("confusion_best", _confusion)):
        made = fn(results, models, metric)
        if made is not None:
            caption, fig = made
            out[name] = (caption, _png(fig))
    return out


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return buf.getvalue()


def _fig(w=6.4, h=4.2):
    fig = Figure(figsize=(w, h))
    return fig, fig.add_subplot(1, 1, 1)


def _ms(entry, group, key):
    v = entry[group].get(key) or {}
    return v.get("mean"), v.get("sd") or 0.0


def _baseline_lines(ax, results, models, metric):
    for e in models:
        if e.get("kind") == "baseline":
            m, _ = _ms(e, "metrics", metric)
            ax.axhline(m, color="grey", ls="--", lw=1)
            ax.annotate(e["tokenizer"], (0.01, m), xycoords=("axes fraction", "data"),
                        va="bottom", fontsize=8, color="grey")


def _vocab(results, models, metric):
    groups = defaultdict(list)
    for e in models:
        if e.get("kind") == "baseline":
            continue
        vocab, _ = _ms(e, "costs", "vocab_size")
        vocab = vocab or e.get("vocab_size")
        if vocab:
            groups[e.get("algorithm") or e["tokenizer"]].append((vocab, *_ms(e, "metrics", metric)))
    if not groups:
        return None
    fig, ax = _fig()
    for algo, pts in groups.items():
        pts.sort()
        ax.errorbar([p[0] for p in pts], [p[1] for p in pts], yerr=[p[2] for p in pts],
                    marker="o", capsize=3, label=algo)
    _baseline_lines(ax, results, models, metric)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("vocabulary size (log scale)")
    ax.set_ylabel(f"test {NAMES[metric]} (mean ± sd over seeds)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return f"Test {NAMES[metric]} against vocabulary size, one line per algorithm", fig


def _scatter(models, metric, xgroup, xkey, xlabel):
    pts = [(e["tokenizer"], *_ms(e, xgroup, xkey), *_ms(e, "metrics", metric))
           for e in models if e.get("kind") != "baseline"]
    pts = [p for p in pts if p[1] is not None]
    if not pts:
        return None
    fig, ax = _fig()
    for i, (label, x, xsd, y, ysd) in enumerate(pts):
        ax.errorbar([x], [y], xerr=[xsd], yerr=[ysd], marker="o", capsize=3, color=f"C{i % 10}")
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(5, 5), fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"test {NAMES[metric]}")
    ax.grid(alpha=0.3)
    return fig, ax


def _tokens(results, models, metric):
    made = _scatter(models, metric, "costs", "tokens_per_seq", "mean tokens per sequence")
    if made is None:
        return None
    fig, ax = made
    _baseline_lines(ax, results, models, metric)
    return f"Test {NAMES[metric]} against mean tokens per test sequence", fig


def _time(results, models, metric):
    made = _scatter(models, metric, "costs", "train_s", "training time per run (s)")
    if made is None:
        return None
    return f"Training time against test {NAMES[metric]} (cost against benefit)", made[0]


def _loss(results, models, metric):
    curves = defaultdict(lambda: defaultdict(list))
    for r in results.get("runs", []):
        for h in r.get("history") or []:
            if h.get("eval_loss") is not None and h.get("epoch") is not None:
                curves[r["tokenizer"]][float(h["epoch"])].append(float(h["eval_loss"]))
    if not curves:
        return None
    fig, ax = _fig()
    for i, (tok, by_epoch) in enumerate(curves.items()):
        xs = sorted(by_epoch)
        ys = [sum(by_epoch[x]) / len(by_epoch[x]) for x in xs]
        ax.plot(xs, ys, marker=".", label=tok, color=f"C{i % 10}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation loss (mean over seeds)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return "Validation loss per epoch, one curve per tokenizer (mean over seeds)", fig


def _confusion(results, models, metric):
    best = next((r for r in results.get("runs", []) if r.get("run_id") == results.get("best_run")),
                None)
    conf = (best or {}).get("confusion") or {}
    matrix, labels = conf.get("matrix"), conf.get("labels")
    if not matrix or not labels:
        return None
    n = len(labels)
    size = min(9.0, 3.0 + 0.45 * n)
    fig, ax = _fig(size + 1, size)
    im = ax.imshow(matrix, cmap="Blues")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xticks(range(n), labels=labels, rotation=45 if n > 3 else 0, ha="right" if n > 3 else "center",
                  fontsize=8)
    ax.set_yticks(range(n), labels=labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    top = max(max(row) for row in matrix) or 1
    if n <= 15:
        for i, row in enumerate(matrix):
            for j, v in enumerate(row):
                ax.text(j, i, str(v), ha="center", va="center", fontsize=7,
                        color="white" if v > top / 2 else "black")
    return f"Confusion matrix of the best run ({best['run_id']}, test split)", fig
