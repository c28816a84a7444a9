"""nrc with the default recipe: `classify train` given only the data and a tokenizer.

Trains the tokenizer on the training split (``--tokenizer-spec``, default overlapping
6-mers; cached in ``--work``), then runs, as a child process,

    classify train --task nrc --tokenizer TOK --out OUT

with no other option (threads: the idle cores, as a user gets them), and records its
wall time, its CPU seconds (user + sys of the child), the load and the test metrics of
the whole official test split. Writes benchmarks/results/nrc_default.json and .md;
runs of other tokenizers are added to the same file.

    PYTHONPATH=.:benchmarks CORPORA_MIRROR=../shared/datasets python benchmarks/nrc_default.py
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from corpora.tasks import load_task
from nrc import tokenizer
from results_io import write_results

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tokenizer-spec", default="kmer6",
                   help="as benchmarks/nrc.py names them: char, kmer6, bpe:1024, unigram:1024")
    p.add_argument("--mirror", default=os.environ.get("CORPORA_MIRROR"))
    p.add_argument("--work", default="/tmp/nrc-bench")
    p.add_argument("--results", default=str(RESULTS))
    args = p.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    task = load_task("nrc", mirror=args.mirror)
    tokenizer(args.tokenizer_spec, task, work, 0)
    tok_dir = work / f"tok-{args.tokenizer_spec.replace(':', '-')}"
    out = work / f"default-{args.tokenizer_spec.replace(':', '-')}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "classifier.cli", "train", "--task", "nrc", "--tokenizer",
           str(tok_dir), "--out", str(out)]
    env = dict(os.environ, CORPORA_MIRROR=args.mirror or "")
    load0, t0 = os.getloadavg(), time.perf_counter()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, env=env)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter() - t0
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    metrics = json.loads((out / "metrics.json").read_text())
    info = json.loads((out / "training_config.json").read_text())
    test = metrics["test"]
    row = {"tokenizer": args.tokenizer_spec, "command": " ".join(["classify"] + cmd[3:]),
           "accuracy": test["accuracy"], "mcc": test["mcc"], "macro_f1": test["macro_f1"],
           "wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
           "threads": metrics["costs"].get("threads"), "epochs": metrics["costs"].get("epochs"),
           "best_epoch": metrics.get("best_epoch"), "load_start": [round(x, 2) for x in load0],
           "load_end": [round(x, 2) for x in os.getloadavg()],
           "train_config": info["train_config"]}
    path = Path(args.results) / "nrc_default.json"
    res = json.loads(path.read_text()) if path.is_file() else {"runs": {}}
    res["runs"][args.tokenizer_spec] = row
    print(write_results(args.results, "nrc_default", res, to_markdown))


def to_markdown(res: dict) -> str:
    lines = ["# nrc with the default recipe (`classify train`, only data and tokenizer given)", "",
             "Whole official test split (2,529 sequences); tokenizer trained on the training "
             "split; the task's own validation split (618 sequences). "
             "Command: `python benchmarks/nrc_default.py --tokenizer-spec NAME`.", "",
             "| tokenizer | test accuracy | MCC | macro-F1 | wall s | CPU s | threads | epochs (best) | load 1-min start/end |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(res["runs"].values(), key=lambda r: -r["accuracy"]):
        lines.append(f"| {r['tokenizer']} | {r['accuracy']:.4f} | {r['mcc']:.4f} | "
                     f"{r['macro_f1']:.4f} | {r['wall_seconds']:.0f} | {r['cpu_seconds']:.0f} | "
                     f"{r['threads']} | {r['epochs']} ({r['best_epoch']}) | "
                     f"{r['load_start'][0]}/{r['load_end'][0]} |")
    r = next(iter(res["runs"].values()))
    tc = r["train_config"]
    lines += ["", "The default recipe: " + ", ".join(
        f"{k} {tc[k]}" for k in ("arch", "preset", "pooling", "head", "epochs", "patience",
                                 "learning_rate", "batch_size", "dropout", "attention_dropout",
                                 "warmup_ratio", "length_percentile") if k in tc) + ".",
              "", "Command of each run: " + "; ".join(f"`{r['command']}`" for r in res["runs"].values())]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
