"""The main job (`make demo`): simulate a SELEX library, then a tokenizer ablation on it.

``classify demo --out demo`` (the command is in :mod:`classifier.cli`) writes

- ``demo/library.fasta``: the simulated SELEX library with its ground truth in the
  headers (the embedded default corpus, ``corpora.simulate``);
- ``demo/ablation/``: the ready-made ablation of ``classifier/configs/selex-sim.toml``
  (char, 3-mer, BPE and unigram, plus the structure-aware tokenizers when they are
  installed; 3 seeds; a tiny BERT; the k-mer baseline) with ``report.html``, in the
  quick recipe (RECIPES below) or, with ``--full``, as the TOML stands.

It is resumable like every ablation: run it again and finished runs are kept. It ends
with its CPU seconds, the machine's matmul rate and their ratio to the arithmetic floor
(:func:`closing_lines`). Measured on a loaded 2-core machine: quick 278-300 CPU-s, full
793 (benchmarks/results/demo_recipe.md).
"""

from __future__ import annotations

import logging
import shlex
import time
from pathlib import Path

CONFIG = Path(__file__).resolve().parent / "configs" / "selex-sim.toml"
#: The recipes of ``classify demo``: settings laid over CONFIG. ``full`` is the shipped
#: config as it stands (``classify demo --full``); ``quick`` (``make demo``, issue 22) does
#: about a quarter of its arithmetic (2 encoder layers instead of 4, 4 epochs instead of 5,
#: 1,000 training and 150 validation reads instead of 1,500 and 300) and kept its
#: verdicts when measured: the same winner, and every comparison significant after Holm
#: in the full recipe significant with the same sign (benchmarks/results/demo_recipe.md).
RECIPES = {"quick": {"preset": "tiny-2layer", "epochs": 4, "max_train": 1000, "max_valid": 150},
           "full": {}}
#: Structure-aware tokenizers join the demo grid when their plug-ins are registered.
#: struct-unigram and the two hairpin tokenizers test the structure hypothesis (issue 10:
#: whole-hairpin tokens against element tokens and plain BPE/unigram); measured cost
#: about 60 CPU-s per tokenizer for its 3 seeds (benchmarks/results/hairpin_demo.md).
STRUCTURE_AWARE = ("struct-bpe:256", "struct-alphabet:256", "struct-unigram:256",
                   {"algorithm": "struct-bpe", "vocab_size": 256, "unit": "hairpin"},
                   "hairpin-vocab:256")

log = logging.getLogger("classifier.demo")


def demo_config(jobs: int | None = None, extra: tuple = STRUCTURE_AWARE,
                recipe: str = "quick"):
    """The demo's AblationConfig: the shipped TOML with the ``recipe``'s settings (RECIPES)
    plus the structure-aware tokenizers whose algorithm is registered in this install."""
    from tokenizer_lab import algorithms

    from .ablation.ablation_config import TokenizerChoice, load_config
    if recipe not in RECIPES:
        raise ValueError(f"recipe must be one of {tuple(RECIPES)}, got {recipe!r}")
    cfg = load_config(CONFIG, jobs=jobs, **RECIPES[recipe])
    known = set(algorithms.names())
    more = tuple(t for t in map(TokenizerChoice.parse, extra)
                 if t.algorithm in known and t not in cfg.tokenizers)
    return cfg.with_(tokenizers=cfg.tokenizers + more) if more else cfg


def run_demo(out: Path, jobs: int | None = None, recipe: str = "quick") -> dict:
    """Write the library and run the ablation; returns the ablation's results document."""
    from corpora.simulate import default_library, write_library

    from .ablation.runner import run_ablation
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    library = out / "library.fasta"
    if not library.exists():
        n = write_library(default_library(seed=0), library)
        log.info("simulated SELEX library: %d reads -> %s", n, library)
    cfg = demo_config(jobs, recipe=recipe)
    _set_aside_stale(out / "ablation", cfg.fingerprint())
    command = f"classify demo{' --full' if recipe == 'full' else ''} --out {shlex.quote(str(out))}"
    log.info("ablation: %s x seeds %s (+ kmer-logreg:%s), %d job(s)",
             ", ".join(t.label for t in cfg.tokenizers), list(cfg.seeds), cfg.baseline_k, cfg.jobs)

    def on_run(run_id: str, done: int, total: int) -> None:
        log.info("[%d/%d] %s finished (%.0f s since start)", done, total, run_id, time.time() - t0)

    return run_ablation(cfg, out / "ablation", command=command, on_run=on_run)


def closing_lines(folder: Path, cpu_s: float, gflops: float | None = None) -> list[str]:
    """The demo's last lines: this machine's single-thread matmul rate (measured now unless
    ``gflops`` is given), the GFLOP of the model runs in ``folder`` (an ablation folder)
    and the ratio of ``cpu_s`` to the arithmetic floor (:mod:`classifier.flops`)."""
    import os

    from .flops import floor_summary, matmul_gflops
    f = floor_summary(folder, cpu_s, gflops or matmul_gflops())
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return [f"Machine: {f['matmul_gflops']:.1f} GFLOP/s (512x512 float32 matmul, 1 thread; "
            f"load average {load}, {os.cpu_count()} CPUs).",
            f"Arithmetic floor: {f['gflop']:,.0f} GFLOP of matrix products in the model runs, "
            f"{f['floor_cpu_s']:,.1f} CPU-s at that rate; CPU-s / floor = {f['ratio']:.2f} "
            f"(model runs alone: {f['model_runs_cpu_s'] / f['floor_cpu_s']:.2f})."]


def cpu_seconds() -> float:
    """User+sys CPU seconds of this process and of its finished children (the ablation's
    worker processes and folding pools), i.e. what ``/usr/bin/time`` would report.

    >>> cpu_seconds() > 0
    True
    """
    import resource
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def _set_aside_stale(folder: Path, fingerprint: str) -> None:
    """A demo folder from an older config cannot be resumed: keep it under another name."""
    import json

    from .ablation.runner import MARKER
    try:
        old = json.loads((folder / MARKER).read_text(encoding="utf-8"))["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    if old != fingerprint:
        target = folder.with_name(f"{folder.name}.{old}")
        folder.rename(target)
        log.warning("%s was made with other settings; moved to %s, starting afresh", folder, target)
