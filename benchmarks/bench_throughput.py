"""Training throughput: `classify train` against a plain PyTorch loop on the same model.

Both sides train the same tiny encoder, the classify train default (built by ``classifier.finetune.build_model`` after
the same ``set_seed``) on the same encoded sequences, in the same length-grouped batches
(``classifier.sampler.LengthGroupedBatches`` with the same seed, padded by the same
``PadCollator``), with the same optimiser (AdamW, weight decay off for biases and
LayerNorms, linear warm-up then decay, gradient clipping) and the same torch threads.
The plain loop is the floor: no Trainer, no callbacks, no evaluation.

``classify train`` is timed twice: as a user runs it (``train_classifier`` end to end:
encoding, model build, training, the validation pass of every epoch, the final
validation and test passes) and its training steps alone (``costs.train_cpu_seconds``:
the CPU of ``Trainer.train`` minus that of its per-epoch evaluations).
Sequences/s are training sequences (epochs x train size) per CPU second of this process
(user+sys, all threads) and per wall second; the CPU figure hardly depends on the load
of a shared machine, so it is the one the ratio uses.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_throughput.py            # demo data
    PYTHONPATH=. .venv/bin/python benchmarks/bench_throughput.py --tokenizers char --epochs 2

Data: the demo's split (``classifier/configs/selex-sim.toml``: 1,500 train / 300 valid
reads of the SELEX simulator). Writes benchmarks/results/throughput.json and .md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import sys
import time
from pathlib import Path

import torch
from torch.utils.data import DataLoader
from transformers import set_seed

sys.path.insert(0, str(Path(__file__).resolve().parent))
from matmul_gflops import matmul_gflops  # noqa: E402

from classifier.ablation.ablation_config import TokenizerChoice  # noqa: E402
from classifier.ablation.data import load_split  # noqa: E402
from classifier.ablation.cell import tokenizer_spec  # noqa: E402
from classifier.train_config import TrainConfig  # noqa: E402
from classifier.data import (EncodedSet, PadCollator, choose_max_length, class_names,  # noqa: E402
                             encode, label_ids, token_lengths)
from classifier.demo import demo_config  # noqa: E402
from classifier.sampler import LengthGroupedBatches  # noqa: E402
from classifier.finetune import build_model, train_classifier  # noqa: E402
from results_io import write_results  # noqa: E402
from tokenizer_lab import train_tokenizer  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def cpu_seconds() -> float:
    """User+sys CPU seconds of this process (all its threads)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Clock:
    """CPU and wall seconds of a block."""

    def __enter__(self):
        self.c0, self.w0 = cpu_seconds(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.cpu = cpu_seconds() - self.c0
        self.wall = time.perf_counter() - self.w0
        return False


def no_decay(name: str) -> bool:
    return name.endswith("bias") or "LayerNorm" in name or "layer_norm" in name


def plain_loop(cfg: TrainConfig, tok, train, y_train, classes) -> dict:
    """The floor: the same model, batches and optimiser in a bare PyTorch loop."""
    lengths = token_lengths(tok, train)
    max_len, _ = choose_max_length(lengths, cfg.length_percentile)
    ids = encode(tok, train, max_len, True, "train")
    set_seed(cfg.seed)
    model = build_model(cfg, tok, classes, max_len)
    model.train()
    params = list(model.named_parameters())
    opt = torch.optim.AdamW(
        [{"params": [p for n, p in params if not no_decay(n)], "weight_decay": cfg.weight_decay},
         {"params": [p for n, p in params if no_decay(n)], "weight_decay": 0.0}],
        lr=cfg.learning_rate, foreach=True)  # the faster of torch's two exact AdamW loops
    sampler = LengthGroupedBatches([len(x) for x in ids], cfg.batch_size, seed=cfg.seed)
    loader = DataLoader(EncodedSet(ids, y_train), batch_size=cfg.batch_size, sampler=sampler,
                        collate_fn=PadCollator(tok.pad_token_id))
    total = len(loader) * cfg.epochs
    warm = math.ceil(cfg.warmup_ratio * total)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: s / max(1, warm) if s < warm else max(0.0, (total - s) / max(1, total - warm)))
    losses = []
    with Clock() as clock:
        for _ in range(cfg.epochs):
            run = 0.0
            for batch in loader:
                loss = model(**batch).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
                opt.step()
                sched.step()
                opt.zero_grad(set_to_none=True)
                run += loss.item()
            losses.append(round(run / len(loader), 4))
    n = len(train) * cfg.epochs
    return {"cpu_s": round(clock.cpu, 2), "wall_s": round(clock.wall, 2),
            "seqs_per_cpu_s": round(n / clock.cpu, 1), "seqs_per_wall_s": round(n / clock.wall, 1),
            "train_loss_per_epoch": losses}


def lab_loop(cfg: TrainConfig, tok, train, valid) -> dict:
    """``classify train`` as the library runs it (no output folder)."""
    with Clock() as clock:
        res = train_classifier(cfg, tok, train, valid, None)
    n = len(train) * cfg.epochs
    return {"cpu_s": round(clock.cpu, 2), "wall_s": round(clock.wall, 2),
            "seqs_per_cpu_s": round(n / clock.cpu, 1), "seqs_per_wall_s": round(n / clock.wall, 1),
            "train_only_seqs_per_wall_s": res.costs["train_seqs_per_s"],
            "train_only_cpu_s": res.costs["train_cpu_seconds"],
            "train_only_seqs_per_cpu_s": round(n / res.costs["train_cpu_seconds"], 1),
            "train_loss_per_epoch": [h.get("train_loss") for h in res.history],
            "valid_accuracy": res.valid_metrics["accuracy"]}


def run(args) -> dict:
    torch.set_num_threads(args.threads)
    split, source = load_split(demo_config(recipe="full"))
    classes = class_names(split.train, "train")
    y_train = label_ids(split.train, classes, "train")
    rows = []
    for label in args.tokenizers.split(","):
        choice = TokenizerChoice.parse(label)
        tok = train_tokenizer([r.seq for r in split.train], tokenizer_spec(choice, args.seed))
        cfg = TrainConfig(epochs=args.epochs, seed=args.seed, threads=args.threads, patience=0,
                          **({"pooling": args.pooling} if args.pooling else {}))
        plain = plain_loop(cfg, tok, split.train, y_train, classes)
        lab = lab_loop(cfg, tok, split.train, split.valid)
        rows.append({"tokenizer": label, "tokens_per_seq": round(
            sum(token_lengths(tok, split.train)) / len(split.train), 2),
            "plain": plain, "classify_train": lab,
            "ratio_cpu": round(lab["cpu_s"] / plain["cpu_s"], 3),
            "ratio_train_only_cpu": round(lab["train_only_cpu_s"] / plain["cpu_s"], 3)})
        print(json.dumps(rows[-1]), flush=True)
    return {"what": "classify train (train_classifier) vs a plain PyTorch loop: same model, "
                    "batches, optimiser, threads", "data": source,
            "n_train": len(split.train), "n_valid": len(split.valid), "epochs": args.epochs,
            "threads": args.threads, "seed": args.seed,
            "command": "PYTHONPATH=. .venv/bin/python benchmarks/bench_throughput.py " + " ".join(sys.argv[1:]),
            "machine": {"cpus": os.cpu_count(), "load_avg": [round(x, 2) for x in os.getloadavg()],
                        "matmul_512_fp32_1thread_gflops": round(matmul_gflops(), 1),
                        "torch": torch.__version__, "python": platform.python_version()},
            "runs": rows}


def to_markdown(res: dict) -> str:
    m = res["machine"]
    lines = ["# Training throughput: `classify train` vs a plain PyTorch loop", "",
             f"`{res['command']}`", "",
             f"{res['n_train']} train / {res['n_valid']} valid reads ({res['data']}); "
             f"{res['epochs']} epochs, {res['threads']} torch thread(s), seed {res['seed']}. "
             f"Machine: {m['cpus']} CPUs shared, load average {m['load_avg']} at the end, "
             f"512x512 float32 matmul {m['matmul_512_fp32_1thread_gflops']} GFLOP/s on one thread.",
             "", "Sequences/s are training sequences (epochs x reads) per CPU second (user+sys). "
             "'Whole call' is `train_classifier` end to end (encoding, model build, the validation "
             "pass of every epoch, the final validation pass); 'training steps' leaves out its "
             "evaluations. The plain loop does no evaluation. Ratio = classify train CPU-s / plain "
             "loop CPU-s (target: at most 1.2).", "",
             "| tokenizer | tokens/seq | plain loop seq/CPU-s | classify train seq/CPU-s | "
             "ratio, whole call | classify train, training steps only: seq/CPU-s | ratio, training steps | final train loss plain / classify |",
             "|---|---|---|---|---|---|---|---|"]
    for r in res["runs"]:
        p, c = r["plain"], r["classify_train"]
        lines.append(f"| {r['tokenizer']} | {r['tokens_per_seq']} | {p['seqs_per_cpu_s']} | "
                     f"{c['seqs_per_cpu_s']} | {r['ratio_cpu']}x | {c['train_only_seqs_per_cpu_s']} | **{r['ratio_train_only_cpu']}x** | "
                     f"{p['train_loss_per_epoch'][-1]} / {c['train_loss_per_epoch'][-1]} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tokenizers", default="char,bpe:256")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--pooling", default=None, help="TrainConfig.pooling, where the build has it")
    p.add_argument("--name", default="throughput", help="results file stem")
    p.add_argument("--results", default=str(RESULTS))
    args = p.parse_args()
    os.environ.setdefault("LAB_NO_PROGRESS", "1")
    res = run(args)
    print(write_results(args.results, args.name, res, to_markdown))


if __name__ == "__main__":
    main()
