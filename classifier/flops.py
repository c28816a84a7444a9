"""The arithmetic floor under an ablation's CPU time (issues 15 and 22).

For every model run of an ablation folder (``results.json`` and ``runs/*/``) this counts
the floating-point operations of the encoder's matrix products: per token and layer, the
Q/K/V/output projections (4 h^2), the feed-forward block (2 h i) and attention over the
run's length (2 L h) multiply-adds, plus an embedding projection where the architecture
has one (ALBERT, ELECTRA); x2 for FLOPs, x3 for a training step (forward and backward).
Tokens passed: training reads x epochs run, each validation pass (one per epoch and the
final one) and the test pass, at the run's mean tokens per read plus [CLS] and [SEP]
(dynamic padding of length-grouped batches pads little).

Divided by a core's single-thread 512x512 matmul rate (:func:`matmul_gflops`), it gives
the *floor*: the CPU seconds an implementation running every product at that speed would
need. No real run is faster, since small products (hidden 128) reach less than a 512x512
one and softmax, GELU, layer norm, dropout, the optimizer and Python are left out; the
ratio of measured CPU seconds to the floor says how far from it a recipe runs.
``benchmarks/demo_flops.py`` and ``benchmarks/matmul_gflops.py`` call these functions,
and ``classify demo`` prints them at its end.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

SPECIALS = 2  # [CLS] and [SEP] around every read


def matmul_gflops(n: int = 512, iters: int = 50, repeats: int = 5) -> float:
    """Best-of-``repeats`` GFLOP/s of ``iters`` n x n float32 products on one thread (the
    best is the least disturbed by other processes on a shared machine).

    >>> matmul_gflops(n=64, iters=2, repeats=1) > 0
    True
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        g = torch.Generator().manual_seed(0)
        a = torch.randn(n, n, generator=g)
        b = torch.randn(n, n, generator=g)
        out = torch.empty(n, n)
        for _ in range(3):  # warm-up
            torch.mm(a, b, out=out)
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            for _ in range(iters):
                torch.mm(a, b, out=out)
            best = min(best, time.perf_counter() - t0)
        return 2 * n ** 3 * iters / best / 1e9
    finally:
        torch.set_num_threads(threads)


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
    """Training and evaluation FLOPs of one run; ``n``: reads per split.

    >>> f = run_flops({"costs": {"tokens_per_seq": 1, "epochs": 2}},
    ...               {"num_hidden_layers": 1, "hidden_size": 2, "intermediate_size": 4},
    ...               {"train": 10, "valid": 5, "test": 4})
    >>> f["train"], f["eval"]   # 88 a token x 3 tokens: x3 x 10 reads x 2 epochs; 5 x 3 + 4
    (15840.0, 5016.0)
    """
    length = result["costs"]["tokens_per_seq"] + SPECIALS
    per_token = flops_per_token(encoder_shape(model_config), length)
    epochs = result["costs"].get("epochs") or 0
    train = 3 * per_token * length * n["train"] * epochs
    evaluation = per_token * length * (n["valid"] * (epochs + 1) + n["test"])
    return {"train": train, "eval": evaluation, "length": length, "epochs": epochs}


def ablation_flops(folder: str | Path) -> dict:
    """GFLOP and measured CPU seconds of every model run of an ablation folder, per
    tokenizer and in all (``total_gflop``, ``model_runs_cpu_s``)."""
    folder = Path(folder)
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    splits = results["data"]["splits"]
    n = {k: splits[k]["n"] for k in ("train", "valid", "test")}
    rows: dict[str, dict] = {}
    for run in results["runs"]:
        if run.get("kind") != "model":
            continue
        config = json.loads((folder / "runs" / run["run_id"] / "model" / "config.json")
                            .read_text(encoding="utf-8"))
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


def floor_summary(folder: str | Path, cpu_s: float, gflops: float) -> dict:
    """The floor of an ablation folder at ``gflops`` a core and the ratio of ``cpu_s``
    (e.g. the whole demo's CPU seconds) to it."""
    res = ablation_flops(folder)
    floor = res["total_gflop"] / gflops
    return {"gflop": round(res["total_gflop"], 1), "matmul_gflops": round(gflops, 1),
            "floor_cpu_s": round(floor, 1), "cpu_s": round(cpu_s, 1),
            "ratio": round(cpu_s / floor, 2) if floor else None,
            "model_runs_cpu_s": round(res["model_runs_cpu_s"], 1)}
