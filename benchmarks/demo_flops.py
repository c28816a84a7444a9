"""A floor under an ablation's CPU time: the arithmetic its models must do (issue 15).

The counting lives in :mod:`classifier.flops` (``classify demo`` prints the same figures
at its end); this script writes them per tokenizer. For every model run of an ablation folder (``results.json`` and ``runs/*/``, e.g. the
``demo`` folder of ``make demo``) this counts the floating-point operations of the
encoder's matrix products: per token and layer, the Q/K/V/output projections
(4 h^2), the feed-forward block (2 h i) and attention over the run's length (2 L h)
multiply-adds, plus an embedding projection where the architecture has one (ALBERT,
ELECTRA); x2 for FLOPs, x3 for a training step (forward and backward). Tokens passed:
training reads x epochs run, each validation pass (one per epoch and the final one) and
the test pass, at the run's mean tokens per read plus [CLS] and [SEP] (dynamic padding
of length-grouped batches pads little). Divided by a core's single-thread 512x512 matmul
figure (``matmul_gflops.py``), it gives the CPU seconds an implementation running every
product at that speed would need: no real run is faster, since small products (hidden
128) reach less than a 512x512 one and softmax, GELU, layer norm, dropout, the optimizer
and Python are left out.

    PYTHONPATH=. .venv/bin/python benchmarks/demo_flops.py demo/ablation   # writes results/demo_flops.md
    .venv/bin/python benchmarks/demo_flops.py demo --gflops 30 --gflops 98.7
"""

from __future__ import annotations

import argparse
from pathlib import Path

from classifier.flops import ablation_flops as measure  # the formula, written once
from results_io import write_results

RESULTS = Path(__file__).resolve().parent / "results"


def to_markdown(res: dict, gflops: list[float], command: str) -> str:
    lines = ["# The arithmetic floor under the demo's CPU time (issue 15)", "",
             f"`{command}`", "",
             f"Reads: {res['reads']['train']:,} train (x epochs run), {res['reads']['valid']:,} "
             f"valid (once an epoch and once more at the end), {res['reads']['test']:,} test. "
             "GFLOP: matrix products of the encoder only (see the script's docstring); "
             "CPU-s: the runs' own CPU seconds (`cpu_s` of each run, user+sys of its process).",
             "", "| tokenizer | runs | tokens/read (+2) | epochs (sum) | training GFLOP | "
             "evaluation GFLOP | CPU-s measured | achieved GFLOP/s |", "|---|---|---|---|---|---|---|---|"]
    for name, r in res["tokenizers"].items():
        total = r["train_gflop"] + r["eval_gflop"]
        achieved = total / r["cpu_s"] if r["cpu_s"] else float("nan")
        lines.append(f"| {name} | {r['runs']} | {r['tokens']:.1f} | {r['epochs']} | "
                     f"{r['train_gflop']:,.0f} | {r['eval_gflop']:,.0f} | {r['cpu_s']:.0f} | "
                     f"{achieved:.1f} |")
    total, cpu = res["total_gflop"], res["model_runs_cpu_s"]
    lines += ["", f"All model runs: **{total:,.0f} GFLOP** in {cpu:,.0f} CPU-s measured "
              f"({total / cpu:.1f} GFLOP/s achieved).", ""]
    for g in gflops:
        lines.append(f"- At {g:g} GFLOP/s a core (single-thread 512x512 matmul), every product at "
                     f"that speed: **{total / g:,.1f} CPU-s** for the model runs alone.")
    return "\n".join(lines) + "\n"


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", type=Path, help="an ablation output folder (results.json, runs/)")
    p.add_argument("--gflops", type=float, action="append",
                   help="single-thread matmul GFLOP/s of a machine (repeatable; default 30)")
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument("--name", default="demo_flops")
    args = p.parse_args(argv)
    gflops = args.gflops or [30.0]
    res = measure(args.folder)
    res["floor_cpu_s"] = {f"{g:g}": round(res["total_gflop"] / g, 1) for g in gflops}
    command = "python benchmarks/demo_flops.py " + " ".join(argv or __import__("sys").argv[1:])
    args.out.mkdir(parents=True, exist_ok=True)
    print(write_results(args.out, args.name, res, lambda r: to_markdown(r, gflops, command), indent=2))
    return res


if __name__ == "__main__":
    main()
