"""Classifier benchmark: a tiny encoder (ALBERT unless --arch says otherwise; the results
files classifier_*.md name theirs) on a named task with several tokenizers.

Default: `raptgen-motif10` (RaptGen simulation, 10 planted motifs, 30 nt) with char,
overlapping 3-mer and BPE tokenizers, each trained on the task's train split only,
each run capped at 10 minutes of training; plus the kmer-logreg floor. Writes
benchmarks/results/classifier_<name>.json and .md.

    CORPORA_MIRROR=../shared/datasets .venv/bin/python benchmarks/bench_classifier.py
    .venv/bin/python benchmarks/bench_classifier.py --task nrc --tokenizers bpe:512 \
        --preset small --max-minutes 30 --name nrc
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import time
from pathlib import Path

import torch

from classifier.train_config import TrainConfig
from classifier.finetune import train_classifier
from corpora.tasks import load_task
from results_io import write_results
from tokenizer_lab import TokenizerSpec, train_tokenizer

RESULTS = Path(__file__).resolve().parent / "results"
log = logging.getLogger("bench_classifier")


def spec_for(name: str, seed: int) -> TokenizerSpec:
    """'char', 'kmer3' (overlapping), 'kmer3s3' (non-overlapping), 'bpe:256', 'unigram:256'."""
    if name == "char":
        return TokenizerSpec(algorithm="char", seed=seed)
    if name.startswith("kmer"):
        k, _, stride = name[4:].partition("s")
        return TokenizerSpec(algorithm="kmer", k=int(k), stride=int(stride or 1), seed=seed)
    algo, _, size = name.partition(":")
    return TokenizerSpec(algorithm=algo, vocab_size=int(size or 256), seed=seed)


def run(args) -> dict:
    task = load_task(args.task, mirror=args.mirror, seed=args.seed)
    runs = []
    for arch, name in [(a, t) for t in args.tokenizers.split(",") for a in args.arch.split(",")]:
        t0 = time.perf_counter()
        if name.startswith("kmer-logreg") and arch != args.arch.split(",")[0]:
            continue  # the baseline once, not once per architecture
        if name.startswith("kmer-logreg"):
            k = int(name.partition(":")[2] or 5)
            cfg, tok, tok_s = TrainConfig(arch="kmer-logreg", kmer_k=k, seed=args.seed), None, 0.0
        else:
            tok = train_tokenizer([r.seq for r in task.train], spec_for(name, args.seed))
            tok_s = time.perf_counter() - t0
            cfg = TrainConfig(arch=arch, preset=args.preset, epochs=args.epochs, batch_size=args.batch_size,
                              learning_rate=args.lr, patience=args.patience, seed=args.seed,
                              dropout=args.dropout, warmup_ratio=args.warmup_ratio,
                              length_percentile=args.length_percentile, threads=args.threads,
                              max_train_seconds=args.max_minutes * 60)
        res = train_classifier(cfg, tok, task.train, task.valid, task.test, data_info={"task": args.task},
                               out_dir=Path(args.keep) / f"{cfg.arch}-{name.replace(':', '-')}" if args.keep else None)
        m, c = res.metrics, res.costs
        runs.append({"tokenizer": name, "arch": cfg.arch, "preset": cfg.preset,
                     "accuracy": m["accuracy"], "mcc": m["mcc"], "macro_f1": m["macro_f1"],
                     "auroc": m["auroc"], "train_seconds": c["train_seconds"],
                     "train_wall_seconds": c["train_wall_seconds"], "epochs": c["epochs"],
                     "best_epoch": res.best_epoch, "train_seqs_per_s": c["train_seqs_per_s"],
                     "tokens_per_seq": c["mean_tokens_per_seq"], "max_length": c["max_length"],
                     "vocab_size": c["vocab_size"], "params": c["params"],
                     "peak_memory_mb": c["peak_memory_mb"], "tokenizer_seconds": round(tok_s, 2),
                     "majority_accuracy": m["majority_baseline"]["accuracy"],
                     "history": res.history})
        log.info("%s %s: accuracy %.4f MCC %.4f in %.0f s", cfg.arch, name, m["accuracy"], m["mcc"], c["train_seconds"])
    return {"task": args.task, "n_train": len(task.train), "n_valid": len(task.valid),
            "n_test": len(task.test), "classes": task.classes, "seed": args.seed,
            "settings": {k: v for k, v in vars(args).items() if k not in ("mirror", "keep")},
            "machine": {"cpus": os.cpu_count(), "load_avg_1min_at_end": round(os.getloadavg()[0], 2),
                        "torch": torch.__version__, "python": platform.python_version(),
                        "cuda": torch.cuda.is_available()},
            "runs": runs}


def to_markdown(res: dict) -> str:
    lines = [f"# Classifier benchmark: {res['task']}", "",
             f"{res['n_train']} train / {res['n_valid']} valid / {res['n_test']} test, "
             f"{len(res['classes'])} classes, seed {res['seed']}; machine: {res['machine']['cpus']} "
             f"CPUs, load average {res['machine']['load_avg_1min_at_end']} at the end (shared).", "",
             "| tokenizer | model | test accuracy | MCC | macro-F1 | train s | epochs (best) | seq/s | "
             "tokens/seq | vocab | params | peak MB |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in res["runs"]:
        model = r["arch"] if r["arch"] == "kmer-logreg" else f"{r['arch']}-{r['preset']}"
        best = r["best_epoch"] if r["best_epoch"] is None else round(r["best_epoch"], 2)
        lines.append(f"| {r['tokenizer']} | {model} | {r['accuracy']:.4f} | "
                     f"{r['mcc']:.4f} | {r['macro_f1']:.4f} | {r['train_seconds']:.0f} | "
                     f"{r['epochs']} ({best}) | {r['train_seqs_per_s']:.0f} | "
                     f"{r['tokens_per_seq']} | {r['vocab_size']} | {r['params']} | {r['peak_memory_mb']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--task", default="raptgen-motif10")
    p.add_argument("--tokenizers", default="char,kmer3,bpe:256,kmer-logreg:5")
    p.add_argument("--preset", default="tiny")
    p.add_argument("--arch", default="albert", help="comma-separated: albert,bert,distilbert,roberta,electra")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--patience", type=int, default=4)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--warmup-ratio", type=float, default=0.1)
    p.add_argument("--length-percentile", type=float, default=100.0)
    p.add_argument("--max-minutes", type=float, default=10.0)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mirror", default=os.environ.get("CORPORA_MIRROR"))
    p.add_argument("--keep", default=None, help="Also write each model directory under this folder.")
    p.add_argument("--name", default=None, help="Results file stem (default: the task).")
    p.add_argument("--results", default=str(RESULTS), help="Folder for the .json and .md.")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    res = run(args)
    stem = f"classifier_{args.name or args.task.split('-')[0]}"
    print(write_results(args.results, stem, res, to_markdown, indent=2))


if __name__ == "__main__":
    main()
