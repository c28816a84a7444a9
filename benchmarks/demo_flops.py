"""A floor under an ablation's CPU time: the arithmetic its models must do (issue 15).

For every model run of an ablation folder (``results.json`` and ``runs/*/``, e.g. the
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

    .venv/bin/python benchmarks/demo_flops.py demo              # writes results/demo_flops.md
    .venv/bin/python benchmarks/demo_flops.py demo --gflops 30 --gflops 98.7
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from results_io import write_results

RESULTS = Path(__file__).resolve().parent / "results"
SPECIALS = 2  # [CLS] and [SEP] around every read


def encoder_shape(config: dict) -> dict:
    """Layers, hidden, intermediate and embedding sizes of a saved model config (the
    lab's heads keep the encoder's config under ``encoder``).

    >>> encoder_shape({"encoder": {"num_hidden_layers": 4, "hidden_size": 128,
    ...                            "intermediate_size": 512, "model_type": "bert"}})
    {'layers': 4, 'hidden': 128, 'intermediate': 512, 'embedding': 128}
    >>> encoder_shape({"n_layers": 2, "dim": 64, "hidden_dim": 256, "model_type": "distilbert"})
    {'layers': 2, 'hidden': 64, 'intermediate': 256, 'embedding': 64}
    """
    enc = config.get("encoder") or config
    hidden = enc.get("hidden_size", enc.get("dim"))
    return {"layers": enc.get("num_hidden_layers", enc.get("n_layers")), "hidden": hidden,
            "intermediate": enc.get("intermediate_size", enc.get("hidden_dim")),
            "embedding": enc.get("embedding_size", hidden)}


def flops_per_token(shape: dict, length: float) -> float:
    """Forward FLOPs of one token through the encoder at sequence length ``length``.

    >>> flops_per_token({"layers": 1, "hidden": 2, "intermediate": 4, "embedding": 2}, 3)
    88.0
    """
    h, i, e = shape["hidden"], shape["intermediate"], shape["embedding"]
    per_layer = 4 * h * h + 2 * h * i + 2 * length * h
    projection = e * h if e != h else 0
    return 2.0 * (shape["layers"] * per_layer + projection)


def run_flops(result: dict, model_config: dict, n: dict) -> dict:
    """Training and evaluation FLOPs of one run; ``n``: reads per split."""
    length = result["costs"]["tokens_per_seq"] + SPECIALS
    per_token = flops_per_token(encoder_shape(model_config), length)
    epochs = result["costs"].get("epochs") or 0
    train = 3 * per_token * length * n["train"] * epochs
    evaluation = per_token * length * (n["valid"] * (epochs + 1) + n["test"])
    return {"train": train, "eval": evaluation, "length": length, "epochs": epochs}


def measure(folder: Path) -> dict:
    results = json.loads((folder / "results.json").read_text())
    splits = results["data"]["splits"]
    n = {k: splits[k]["n"] for k in ("train", "valid", "test")}
    rows: dict[str, dict] = {}
    for run in results["runs"]:
        if run.get("kind") != "model":
            continue
        config = json.loads((folder / "runs" / run["run_id"] / "model" / "config.json").read_text())
        f = run_flops(run, config, n)
        row = rows.setdefault(run["tokenizer"], {"runs": 0, "train_gflop": 0.0, "eval_gflop": 0.0,
                                                 "cpu_s": 0.0, "tokens": f["length"],
                                                 "epochs": 0})
        row["runs"] += 1
        row["train_gflop"] += f["train"] / 1e9
        row["eval_gflop"] += f["eval"] / 1e9
        row["cpu_s"] += run.get("cpu_s") or 0.0
        row["epochs"] += f["epochs"]
    return {"folder": str(folder), "reads": n, "tokenizers": rows,
            "total_gflop": sum(r["train_gflop"] + r["eval_gflop"] for r in rows.values()),
            "model_runs_cpu_s": sum(r["cpu_s"] for r in rows.values())}


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
