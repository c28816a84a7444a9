"""What dropout on the attention probabilities costs a training step on the CPU.

The tiny BERT of ``classify train`` (random weights and ids, 32 sequences, a quarter of
each padded), one torch thread, forward + backward + AdamW; CPU ms per step (median of
``--steps`` after 2 warm-up steps) with attention dropout 0.1 and 0, at several lengths.
With dropout on, SDPA on a CPU takes its math path and builds the L x L mask.

    PYTHONPATH=.:benchmarks python benchmarks/bench_attention_dropout.py

writes benchmarks/results/attention_dropout.json and .md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import torch

from classifier.presets import build_config
from results_io import write_results

RESULTS = Path(__file__).resolve().parent / "results"


def step_ms(length: int, attention_dropout: float, steps: int) -> float:
    torch.manual_seed(0)
    from transformers import AutoModelForSequenceClassification
    cfg = build_config("bert", "tiny", 4105, 512, 13, {i: str(i) for i in range(13)}, 0,
                       dropout=0.1, attention_dropout=attention_dropout)
    model = AutoModelForSequenceClassification.from_config(cfg)
    opt = torch.optim.AdamW(model.parameters(), 1e-3, foreach=True)
    ids = torch.randint(5, 4000, (32, length))
    mask = torch.ones_like(ids)
    mask[:, length * 3 // 4:] = 0
    y = torch.randint(0, 13, (32,))
    times = []
    for i in range(steps + 2):
        t = time.process_time()
        model(input_ids=ids, attention_mask=mask, labels=y).loss.backward()
        opt.step()
        opt.zero_grad()
        if i >= 2:
            times.append(time.process_time() - t)
    return 1000 * statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lengths", default="40,160,400")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--results", default=str(RESULTS))
    args = p.parse_args()
    torch.set_num_threads(1)
    rows = []
    for length in map(int, args.lengths.split(",")):
        on, off = step_ms(length, 0.1, args.steps), step_ms(length, 0.0, args.steps)
        rows.append({"length": length, "ms_dropout_0.1": round(on, 1), "ms_dropout_0": round(off, 1),
                     "ratio": round(on / off, 2)})
        print(rows[-1], flush=True)
    res = {"rows": rows, "load": [round(x, 2) for x in os.getloadavg()], "torch": torch.__version__}
    print(write_results(args.results, "attention_dropout", res, to_markdown))


def to_markdown(res: dict) -> str:
    lines = ["# Attention dropout: CPU cost of a training step (tiny BERT, 1 thread)", "",
             "32 sequences of L tokens (a quarter padding), forward + backward + AdamW, median CPU "
             f"ms of a step; load average {res['load']}, torch {res['torch']}. Command: "
             "`python benchmarks/bench_attention_dropout.py`.", "",
             "| L | attention dropout 0.1 | attention dropout 0 | ratio |", "|---|---|---|---|"]
    lines += [f"| {r['length']} | {r['ms_dropout_0.1']} | {r['ms_dropout_0']} | {r['ratio']} |"
              for r in res["rows"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
