"""The main job (`make demo`): simulate a SELEX library, then a tokenizer ablation on it.

``classify demo --out demo`` (the command is in :mod:`classifier.cli`) writes

- ``demo/library.fasta``: the simulated SELEX library with its ground truth in the
  headers (the embedded default corpus, ``corpora.simulate``);
- ``demo/ablation/``: the ready-made ablation of ``classifier/configs/selex-sim.toml``
  (char, 3-mer, BPE and unigram, plus the structure-aware tokenizers when they are
  installed; 3 seeds; the tiny BERT; the k-mer baseline) with ``report.html``.

It is resumable like every ablation: run it again and finished runs are kept.
The config is sized to finish in under 10 minutes on 2 CPU cores.
"""

from __future__ import annotations

import logging
import shlex
import time
from pathlib import Path

CONFIG = Path(__file__).resolve().parent / "configs" / "selex-sim.toml"
#: Structure-aware tokenizers join the demo grid when their plug-ins are registered.
#: struct-unigram and the two hairpin tokenizers test the structure hypothesis (issue 10:
#: whole-hairpin tokens against element tokens and plain BPE/unigram); measured cost
#: about 60 CPU-s per tokenizer for its 3 seeds (benchmarks/results/hairpin_demo.md).
STRUCTURE_AWARE = ("struct-bpe:256", "struct-alphabet:256", "struct-unigram:256",
                   {"algorithm": "struct-bpe", "vocab_size": 256, "unit": "hairpin"},
                   "hairpin-vocab:256")

log = logging.getLogger("classifier.demo")


def demo_config(jobs: int | None = None, extra: tuple = STRUCTURE_AWARE):
    """The demo's AblationConfig: the shipped TOML plus the structure-aware tokenizers
    whose algorithm is registered in this install."""
    from tokenizer_lab import algorithms

    from .ablation.ablation_config import TokenizerChoice, load_config
    cfg = load_config(CONFIG, jobs=jobs)
    known = set(algorithms.names())
    more = tuple(t for t in map(TokenizerChoice.parse, extra)
                 if t.algorithm in known and t not in cfg.tokenizers)
    return cfg.with_(tokenizers=cfg.tokenizers + more) if more else cfg


def run_demo(out: Path, jobs: int | None = None) -> dict:
    """Write the library and run the ablation; returns the ablation's results document."""
    from corpora.simulate import default_library, write_library

    from .ablation.runner import run_ablation
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    library = out / "library.fasta"
    if not library.exists():
        n = write_library(default_library(seed=0), library)
        log.info("simulated SELEX library: %d reads -> %s", n, library)
    cfg = demo_config(jobs)
    _set_aside_stale(out / "ablation", cfg.fingerprint())
    command = f"classify demo --out {shlex.quote(str(out))}"
    log.info("ablation: %s x seeds %s (+ kmer-logreg:%s), %d job(s)",
             ", ".join(t.label for t in cfg.tokenizers), list(cfg.seeds), cfg.baseline_k, cfg.jobs)

    def on_run(run_id: str, done: int, total: int) -> None:
        log.info("[%d/%d] %s finished (%.0f s since start)", done, total, run_id, time.time() - t0)

    return run_ablation(cfg, out / "ablation", command=command, on_run=on_run)


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
