"""The Ray backend against the local one on this machine: the engine's overhead.

    .venv/bin/python benchmarks/bench_ray.py ablation [--tokenizers char,bpe:256 --seeds 0,1]
    .venv/bin/python benchmarks/bench_ray.py fold [--reads 100000]

``ablation``: the demo ablation (classifier/configs/selex-sim.toml; by default a smaller
grid of it, see --tokenizers/--seeds) with ``--backend local --jobs 2`` and then with
``--backend ray`` on a local 2-CPU Ray instance (1 CPU, 1 torch thread per run, as the
local backend's 2 jobs get), each into a fresh folder. ``fold``: simulated reads folded
cold by ``fold_many`` on 2 local processes, then on Ray (2 CPUs), each into an empty cache.

CPU seconds, not wall time, are the measure on this shared machine: for the local
backend this process plus its (joined) worker processes (``getrusage``); for Ray this
process plus every process of the Ray instance it started (GCS, raylet, workers: their
utime+stime+cutime+cstime from /proc, read just before Ray shuts down). The ratio
ray / local is the engine's overhead. Writes ``ray_<part>.json`` and ``ray_<part>.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_fold.reads
os.environ.setdefault("LAB_NO_PROGRESS", "1")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

from labkit.atomic import atomic_write  # noqa: E402

CONFIG = Path(__file__).resolve().parents[1] / "classifier" / "configs" / "selex-sim.toml"
TICK = os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    """CPU seconds of this process and its reaped children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def descendants_cpu() -> float:
    """CPU seconds of every live descendant of this process (and what they reaped)."""
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parent[pid] = int(fields[1])
        ticks[pid] = sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    me, total = os.getpid(), 0
    for pid in ticks:
        p = parent.get(pid)
        while p and p != me and p > 1:
            p = parent.get(p)
        if p == me:
            total += ticks[pid]
    return total / TICK


def start_ray(cpus: int):
    import ray
    temp = tempfile.mkdtemp(prefix="raybench", dir="/tmp")
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False, configure_logging=False,
             _temp_dir=temp)
    return ray, temp


def stop_ray(ray, temp) -> float:
    """Shut Ray down; the CPU seconds of its processes, read just before."""
    cpu = descendants_cpu()
    ray.shutdown()
    shutil.rmtree(temp, ignore_errors=True)
    return cpu


def load() -> float:
    return round(os.getloadavg()[0], 2)


def bench_ablation(args) -> dict:
    from classifier.ablation.config import load_config
    from classifier.ablation.runner import run_ablation

    rows = {}
    for backend in ("local", "ray"):
        cfg = load_config(CONFIG, tokenizers=args.tokenizers, seeds=args.seeds, backend=backend,
                          jobs=2, name=f"bench-ray {backend}", epochs=args.epochs)
        out = Path(tempfile.mkdtemp(prefix=f"bench-ray-{backend}-"))
        row = {"load_before": load()}
        c0, t0 = own_cpu(), time.perf_counter()
        if backend == "ray":
            ray, temp = start_ray(2)
            res = run_ablation(cfg, out)
            ray_cpu = stop_ray(ray, temp)
            row["cpu_s"] = round(own_cpu() - c0 + ray_cpu, 1)
        else:
            res = run_ablation(cfg, out)
            row["cpu_s"] = round(own_cpu() - c0, 1)
        row["wall_s"] = round(time.perf_counter() - t0, 1)
        row["load_after"] = load()
        row["runs_cpu_s"] = round(sum(r["cpu_s"] for r in res["runs"]), 1)
        row["outside_runs_cpu_s"] = round(row["cpu_s"] - row["runs_cpu_s"], 1)
        row["metrics"] = {r["run_id"]: r["metrics"] for r in res["runs"]}
        row["per_run_cpu_s"] = {r["run_id"]: r["cpu_s"] for r in res["runs"]}
        rows[backend] = row
        shutil.rmtree(out, ignore_errors=True)
    same = rows["local"]["metrics"] == rows["ray"]["metrics"]
    return {"part": "ablation", "config": str(CONFIG.relative_to(CONFIG.parents[2])),
            "tokenizers": args.tokenizers, "seeds": args.seeds, "backends": rows,
            "cpu_ratio_ray_to_local": round(rows["ray"]["cpu_s"] / rows["local"]["cpu_s"], 3),
            "metrics_identical": same}


def bench_fold(args) -> dict:
    from bench_fold import reads
    from tokenizer_lab.structure import FoldCache, FoldParams, fold_many

    seqs, source = reads(args.reads, False)
    params = FoldParams(material="dna")
    rows, structures = {}, {}
    for backend in ("local", "ray"):
        with tempfile.TemporaryDirectory() as d:
            row = {"load_before": load()}
            c0, t0 = own_cpu(), time.perf_counter()
            if backend == "ray":
                ray, temp = start_ray(2)
                folds = fold_many(seqs, params, cache=FoldCache(d), backend="ray")
                row["cpu_s"] = round(own_cpu() - c0 + stop_ray(ray, temp), 1)
            else:
                folds = fold_many(seqs, params, cache=FoldCache(d), workers=2)
                row["cpu_s"] = round(own_cpu() - c0, 1)
            row["wall_s"] = round(time.perf_counter() - t0, 1)
            row["load_after"] = load()
            row["cached_after"] = len(FoldCache(d))
        structures[backend] = [f.structure for f in folds]
        rows[backend] = row
    return {"part": "fold", "reads": len(seqs), "distinct": len(set(seqs)), "source": source,
            "backends": rows, "cpu_ratio_ray_to_local": round(rows["ray"]["cpu_s"] / rows["local"]["cpu_s"], 3),
            "structures_identical": structures["local"] == structures["ray"]}


def markdown(r: dict, command: str) -> str:
    b = r["backends"]
    if r["part"] == "ablation":
        title = (f"# Ablation on Ray vs local (demo config, tokenizers {r['tokenizers']}, "
                 f"seeds {r['seeds']})")
        extra = ["| backend | CPU s (all processes) | CPU s inside runs | CPU s outside runs | wall s | load before/after |",
                 "|---|---:|---:|---:|---:|---|"]
        extra += [f"| {k} | {v['cpu_s']} | {v['runs_cpu_s']} | {v['outside_runs_cpu_s']} | {v['wall_s']} | "
                  f"{v['load_before']}/{v['load_after']} |" for k, v in b.items()]
        tail = f"Metrics identical run by run: {r['metrics_identical']}."
    else:
        title = f"# Folding {r['reads']:,} reads ({r['distinct']:,} distinct) on Ray vs local"
        extra = ["| backend | CPU s (all processes) | wall s | reads/CPU-s | load before/after |",
                 "|---|---:|---:|---:|---|"]
        extra += [f"| {k} | {v['cpu_s']} | {v['wall_s']} | {r['reads'] / v['cpu_s']:,.0f} | "
                  f"{v['load_before']}/{v['load_after']} |" for k, v in b.items()]
        tail = f"Source: {r['source']}. Structures identical: {r['structures_identical']}."
    return "\n".join([title, "", f"Command: `{command}`", "", *extra, "",
                      f"Engine overhead (CPU seconds, ray / local): **{r['cpu_ratio_ray_to_local']}**. "
                      + tail, ""])


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("part", choices=("ablation", "fold"))
    ap.add_argument("--tokenizers", default="char,bpe:256")
    ap.add_argument("--seeds", default="0,1")
    ap.add_argument("--epochs", type=int, default=None, help="[default: the config's]")
    ap.add_argument("--reads", type=int, default=100_000)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = ap.parse_args(argv)
    import torch
    torch.set_num_threads(1)
    result = bench_ablation(args) if args.part == "ablation" else bench_fold(args)
    command = "benchmarks/bench_ray.py " + " ".join(sys.argv[1:] if argv is None else argv)
    result["command"] = command
    result["cpu_count"] = os.cpu_count()
    args.out.mkdir(parents=True, exist_ok=True)
    with atomic_write(args.out / f"ray_{args.part}.json") as fh:
        json.dump(result, fh, indent=2)
    md = markdown(result, command)
    with atomic_write(args.out / f"ray_{args.part}.md") as fh:
        fh.write(md)
    print(md)
    return result


if __name__ == "__main__":
    main()
