"""Probe for issue 15: the demo's ablation with another model shape, epochs or settings.

Runs the full demo grid (classifier/configs/selex-sim.toml plus the structure-aware
tokenizers, 3 seeds) in this process, one job, one torch thread, with a model preset
that the lab does not ship (``mini``: hidden 64, 2 layers, 2 heads, intermediate 256;
``tiny2``: the tiny shape with 2 layers) or a shipped one, and prints the CPU seconds.
Compare the run folders' accuracies with the demo's table.

    PYTHONPATH=.:benchmarks CORPORA_MIRROR=../shared/datasets \\
        python benchmarks/probe_demo_recipe.py OUT PRESET EPOCHS JOBS ['{"arch": "bert"}']
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

os.cpu_count = lambda: 1  # one job with one thread, whatever the machine
import classifier.presets as P  # noqa: E402

P.PRESETS["mini"] = P.Preset(hidden=64, layers=2, heads=2, embedding=32, intermediate=256)
P.PRESETS["tiny2"] = P.Preset(hidden=128, layers=2, heads=4, embedding=64, intermediate=512)
from classifier.ablation.runner import run_ablation  # noqa: E402
from classifier.demo import demo_config  # noqa: E402

out, preset, epochs, jobs = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
opts = tuple(json.loads(sys.argv[5]).items()) if len(sys.argv) > 5 else ()
out.mkdir(parents=True, exist_ok=True)
t0 = time.time()
cfg = demo_config(jobs, recipe="full").with_(preset=preset, epochs=epochs, train_options=tuple(sorted(opts)))
run_ablation(cfg, out / "ablation", command="probe")
ru = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print("CPU", sum(r.ru_utime + r.ru_stime for r in ru), "wall", time.time() - t0, flush=True)
