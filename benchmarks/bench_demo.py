"""Where `make demo`'s CPU goes: run ``python -m classifier.cli demo`` (what `make demo`
runs) and break its cost down.

Runs the demo in a fresh folder as a child process (with an empty fold cache unless
``--fold-cache`` is given), measures the CPU seconds of the whole process tree
(user+sys of the demo and every worker and folding process it waited for), the wall
time and the load average, then reads the finished run folders for the per-run split:
tokenizer training, model training (the Trainer's epochs, evaluation included), the
other work of a run (final validation/test passes, intrinsic statistics, saving the
model folder and its plots) and the rest of the demo (start-up, imports, simulation,
folding pools, report). The accuracy table (mean and standard deviation over seeds)
and the machine's single-thread matmul GFLOP/s go next to it, so a reader can tell
which kind of machine a number came from.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_demo.py --label "after: ..." --name ablation_demo_after
    PYTHONPATH=. .venv/bin/python benchmarks/bench_demo.py --from-dir /tmp/d --cpu-s 516.7 --wall-s 2179

Writes benchmarks/results/<name>.json and <name>.md (default name: demo_budget).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from matmul_gflops import matmul_gflops  # noqa: E402

from results_io import write_results  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def run_demo(out: Path, fold_cache: str | None) -> dict:
    """Run the demo as a child process; CPU seconds of it and all its descendants."""
    env = dict(os.environ, LAB_NO_PROGRESS="1",
               LAB_FOLD_CACHE=fold_cache or tempfile.mkdtemp(prefix="fold-cache-"))
    load0 = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "classifier.cli", "demo", "--out", str(out)], env=env, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"cpu_s": round(cpu, 1), "wall_s": round(wall, 1),
            "load_avg_start": [round(x, 2) for x in load0],
            "load_avg_end": [round(x, 2) for x in os.getloadavg()]}


def breakdown(ablation: Path) -> dict:
    """Per-tokenizer accuracy and cost from the finished run folders."""
    by = defaultdict(list)
    for f in sorted((ablation / "runs").glob("*/result.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        by[d["tokenizer"]].append(d)
    try:  # the grid's order: the config's tokenizers, then the baseline
        order = [t["label"] for t in json.loads((ablation / "ablation.json").read_text(
            encoding="utf-8"))["config"]["tokenizers"]]
    except (OSError, ValueError, KeyError):
        order = []
    rows = {}
    for label, runs in sorted(by.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order
                                                          else len(order), kv[0])):
        acc = [r["metrics"]["accuracy"] for r in runs]
        cpu = [r["cpu_s"] for r in runs]
        tok = [r["costs"].get("tokenizer_train_s") or 0.0 for r in runs]
        rows[label] = {"accuracy": acc, "accuracy_mean": round(statistics.mean(acc), 4),
                       "accuracy_sd": round(statistics.stdev(acc), 4) if len(acc) > 1 else 0.0,
                       "cpu_s": cpu, "tokenizer_s": [round(t, 2) for t in tok],
                       "epochs": [r["costs"].get("epochs") for r in runs],
                       "best_epoch": [r.get("best_epoch") for r in runs]}
    return rows


def to_markdown(res: dict) -> str:
    m = res["measured"]
    runs_cpu = sum(sum(r["cpu_s"]) for r in res["tokenizers"].values())
    lines = [f"## {res['label']}", "", f"`{res['command']}` (commit {res.get('commit', '?')})", "",
             f"- CPU: **{m['cpu_s']} CPU-s** (user+sys, all processes); wall {m['wall_s']} s at load "
             f"average {m.get('load_avg_start')} -> {m.get('load_avg_end')} on {res['machine']['cpus']} "
             f"shared cores; quiet 2-core wall estimate ~{round(m['cpu_s'] / 2)} s (CPU-s / 2).",
             f"- machine: single-thread 512x512 float32 matmul **{res['machine']['gflops']} GFLOP/s** "
             f"(benchmarks/matmul_gflops.py{', load ' + str(res['machine']['load_avg']) if res['machine'].get('load_avg') else ''}).",
             f"- runs: {round(runs_cpu, 1)} CPU-s in the run folders (process time of each run: "
             f"tokenizer, training, evaluation, saving); the other {round(m['cpu_s'] - runs_cpu, 1)} "
             "CPU-s: interpreter start-up and imports of the main and worker processes, the "
             "simulation, folding pools, reports.", "",
             "| tokenizer | test accuracy mean ± sd (3 seeds) | CPU-s per run | tokenizer training s (wall) | best epoch |",
             "|---|---|---|---|---|"]
    for label, r in res["tokenizers"].items():
        lines.append(f"| {label} | {r['accuracy_mean']:.4f} ± {r['accuracy_sd']:.4f} | "
                     f"{' / '.join(f'{c:.1f}' for c in r['cpu_s'])} | "
                     f"{' / '.join(f'{t:.2f}' for t in r['tokenizer_s'])} | {r['best_epoch']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--label", default="make demo")
    p.add_argument("--name", default="demo_budget", help="results file stem")
    p.add_argument("--out", default=None, help="demo folder (default: a new temporary one)")
    p.add_argument("--fold-cache", default=None, help="LAB_FOLD_CACHE (default: a new empty one)")
    p.add_argument("--from-dir", default=None,
                   help="summarise a finished demo folder instead of running one (give --cpu-s, --wall-s)")
    p.add_argument("--cpu-s", type=float, default=None)
    p.add_argument("--wall-s", type=float, default=None)
    p.add_argument("--load", default=None, help="with --from-dir: load averages at start and end, e.g. 0.5,18.7")
    p.add_argument("--gflops", type=float, default=None, help="with --from-dir: matmul GFLOP/s measured then")
    p.add_argument("--command", default="python -m classifier.cli demo --out DIR",
                   help="with --from-dir: the command that made the folder")
    p.add_argument("--commit", default=None, help="with --from-dir: the commit the demo ran")
    p.add_argument("--results", default=str(RESULTS))
    args = p.parse_args()
    if args.from_dir:
        out = Path(args.from_dir)
        load = [float(x) for x in args.load.split(",")] if args.load else [None, None]
        measured = {"cpu_s": args.cpu_s, "wall_s": args.wall_s, "load_avg_start": load[0],
                    "load_avg_end": load[1]}
    else:
        out = Path(args.out or tempfile.mkdtemp(prefix="demo-"))
        measured = run_demo(out, args.fold_cache)
    commit = args.commit or subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent).stdout.strip()
    res = {"label": args.label, "command": args.command, "commit": commit,
           "bench_command": "PYTHONPATH=. .venv/bin/python benchmarks/bench_demo.py " + " ".join(sys.argv[1:]),
           "measured": measured,
           "machine": {"cpus": os.cpu_count(), "gflops": args.gflops or round(matmul_gflops(), 1),
                       "load_avg": None if args.gflops else [round(x, 2) for x in os.getloadavg()]},
           "tokenizers": breakdown(out / "ablation" if (out / "ablation").is_dir() else out)}
    print(write_results(args.results, args.name, res, to_markdown))


if __name__ == "__main__":
    main()
