"""Learning-rate range test on a task, per tokenizer: what `classify train --lr auto` picks.

Default: alx4-r1-r2 (20-nt reads) with BPE-256 and unigram-256, the runs that diverged
at the classifier's old default of 1e-3 and trained at a hand-picked 3e-4
(benchmarks/results/ablation_alx4_r1_r2.md). Each tokenizer is trained on the task's
training split only; the range test sees the training split only. Writes
benchmarks/results/lr_find_<task>.json, .md and one lr_find_<task>_<tokenizer>.png each.

    CORPORA_MIRROR=../shared/datasets .venv/bin/python benchmarks/bench_lr_find.py
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
from pathlib import Path

from bench_classifier import spec_for
from classifier.train_config import TrainConfig
from classifier.finetune import lr_find_records
from corpora.tasks import load_task
from labkit.atomic import atomic_write
from tokenizer_lab import train_tokenizer

RESULTS = Path(__file__).resolve().parent / "results"


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--task", default="alx4-r1-r2")
    p.add_argument("--tokenizers", default="bpe:256,unigram:256")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mirror", default=os.environ.get("CORPORA_MIRROR"))
    p.add_argument("--results", default=str(RESULTS))
    args = p.parse_args()
    task = load_task(args.task, mirror=args.mirror, seed=args.seed)
    stem = f"lr_find_{args.task.replace('-', '_')}"
    out, runs = Path(args.results), {}
    for name in args.tokenizers.split(","):
        tok = train_tokenizer([r.seq for r in task.train], spec_for(name, args.seed))
        c0, load0 = cpu_seconds(), os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as tmp:
            r = lr_find_records(TrainConfig(threads=1, seed=args.seed), tok, task.train,
                                task.valid, out_dir=tmp, steps=args.steps)
            shutil.copy(Path(tmp) / "lr_find.png", out / f"{stem}_{name.replace(':', '')}.png")
        runs[name] = {**r.to_dict(), "cpu_seconds": round(cpu_seconds() - c0, 1),
                      "load_start": round(load0, 2), "load_end": round(os.getloadavg()[0], 2)}
    res = {"task": args.task, "n_train": len(task.train), "seed": args.seed,
           "command": "benchmarks/bench_lr_find.py " + " ".join(
               f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items()
               if k not in ("mirror", "results")),
           "runs": runs}
    with atomic_write(out / f"{stem}.json") as fh:
        json.dump(res, fh, indent=2)
    lines = [f"# Learning-rate range test: {args.task}", "",
             f"Default model ({TrainConfig().arch} tiny, mean pooling, batch 32), {args.steps} steps from 1e-6 "
             f"to 1 on the training split ({len(task.train)} reads), seed {args.seed}. "
             "Suggestion = a tenth of the rate at the smoothed loss minimum. CPU seconds are "
             "user + sys (one thread); load = 1-minute load average at start/end (2 shared CPUs).",
             "", "| tokenizer | suggestion | loss minimum at | steepest descent at | diverged at | "
             "steps | CPU s | load |", "|---|---|---|---|---|---|---|---|"]
    for name, r in runs.items():
        div = "-" if r["diverged_at"] is None else f"{r['diverged_at']:.3g}"
        lines.append(f"| {name} | {r['suggestion']:.3g} | {r['min_loss_lr']:.3g} | "
                     f"{r['steepest_lr']:.3g} | {div} | {r['steps']} | {r['cpu_seconds']} | "
                     f"{r['load_start']}/{r['load_end']} |")
    lines += ["", "Plots: " + ", ".join(f"`{stem}_{n.replace(':', '')}.png`" for n in runs) + "."]
    with atomic_write(out / f"{stem}.md") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
