"""Run the grid: every tokenizer × seed, plus the k-mer baseline, resumably.

Layout of a run folder::

    RUNDIR/ablation.json          the config and its fingerprint (checked on restart)
    RUNDIR/runs/<run_id>/         one folder per run, built in a temporary sibling and
                                  renamed into place when complete; result.json inside
    RUNDIR/results.json, results.csv, report.md, report.html, plots/

A run folder exists only once its run finished (``labkit.atomic.atomic_dir``),
so a killed ablation restarted with the same command skips every finished run
and redoes only the interrupted ones; adding tokenizers or seeds to the grid
reuses the runs already there. ``jobs > 1`` runs several runs at once in
worker processes, each with ``cores // jobs`` torch threads; ``backend = "ray"``
runs them as tasks on a Ray cluster instead (:mod:`.ray_backend`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from labkit.atomic import atomic_dir, atomic_write
from labkit.progress import progress
from corpora.tasks import TaskData

from . import data as ablation_data
from .ablation_config import GRID_KEYS, AblationConfig, AblationError, TokenizerChoice
from .results import build_results, write_results
from .cell import run_baseline, run_model

log = logging.getLogger(__name__)
RESULT = "result.json"
#: The file that marks a folder `classify ablate` wrote (its settings' fingerprint).
MARKER = "ablation.json"


@dataclass(frozen=True)
class RunSpec:
    """One cell of the grid.

    >>> RunSpec(TokenizerChoice.parse("bpe:512"), 1).run_id
    'bpe-512.seed1'
    >>> RunSpec(None, 0, baseline_k=4).label
    'kmer-logreg:4'
    """

    tokenizer: TokenizerChoice | None
    seed: int
    baseline_k: int | None = None

    @property
    def kind(self) -> str:
        return "baseline" if self.tokenizer is None else "model"

    @property
    def label(self) -> str:
        return self.tokenizer.label if self.tokenizer else f"kmer-logreg:{self.baseline_k}"

    @property
    def run_id(self) -> str:
        slug = self.tokenizer.slug if self.tokenizer else f"kmer-logreg-{self.baseline_k}"
        return f"{slug}.seed{self.seed}"


def plan(cfg: AblationConfig) -> list[RunSpec]:
    """The grid in report order: each tokenizer over all seeds, then the baseline.

    >>> from .ablation_config import load_config
    >>> cfg = load_config(task="x", tokenizers="char,bpe:64", seeds="0,1", baseline_k=3)
    >>> [r.run_id for r in plan(cfg)]
    ['char.seed0', 'char.seed1', 'bpe-64.seed0', 'bpe-64.seed1', 'kmer-logreg-3.seed0', 'kmer-logreg-3.seed1']
    """
    runs = [RunSpec(t, s) for t in cfg.tokenizers for s in cfg.seeds]
    if cfg.baseline_k:
        runs += [RunSpec(None, s, cfg.baseline_k) for s in cfg.seeds]
    return runs


def is_done(run_root: Path, spec: RunSpec) -> bool:
    return (run_root / spec.run_id / RESULT).is_file()


def run_one(spec: RunSpec, cfg: AblationConfig, split: TaskData, run_root: Path,
            threads: int | None = None) -> dict:
    """Train and evaluate one cell; its folder appears only when it is complete."""
    target = run_root / spec.run_id
    with atomic_dir(target) as tmp:
        t0, c0 = time.time(), time.process_time()
        if spec.tokenizer is None:
            result = run_baseline(spec.baseline_k, spec.seed, split, tmp)
        else:
            result = run_model(spec.tokenizer, spec.seed, cfg, split, tmp, threads=threads)
        result = {"run_id": spec.run_id, "tokenizer": spec.label, "kind": spec.kind,
                  "algorithm": spec.tokenizer.algorithm if spec.tokenizer else "kmer-logreg",
                  "vocab_size": spec.tokenizer.vocab_size if spec.tokenizer else None,
                  "k": spec.tokenizer.k if spec.tokenizer else spec.baseline_k,
                  "seed": spec.seed, **result, "wall_s": round(time.time() - t0, 2),
                  # CPU seconds of all threads: a machine-load-independent cost for budgets
                  "cpu_s": round(time.process_time() - c0, 2)}
        with atomic_write(tmp / RESULT) as fh:  # written last: marks the run done
            json.dump(result, fh, indent=1, default=str)
    return result


# ---- worker processes -----------------------------------------------------------------
_WORKER: dict = {}


def _init_worker(cfg: AblationConfig, split: TaskData, run_root: str, threads: int,
                 log_level: int) -> None:
    import torch
    logging.basicConfig(level=log_level, format="%(levelname)s: %(message)s")
    torch.set_num_threads(threads)
    os.environ.setdefault("LAB_NO_PROGRESS", "1")
    _WORKER.update(cfg=cfg, split=split, run_root=Path(run_root), threads=threads)


def _work(spec: RunSpec) -> str:
    run_one(spec, _WORKER["cfg"], _WORKER["split"], _WORKER["run_root"], _WORKER["threads"])
    return spec.run_id


# ---- the whole ablation ---------------------------------------------------------------
def run_ablation(cfg: AblationConfig, out_dir: str | Path, command: str = "",
                 on_run: Callable[[str, int, int], None] | None = None) -> dict:
    """Run every pending cell, then write results.json/.csv and the reports.

    Returns the results document. ``on_run(run_id, done, total)`` is called after
    each finished run (the CLI logs it).
    """
    out_dir = Path(out_dir)
    # bad input fails here, before anything is written
    split, source = ablation_data.load_split(cfg)
    check_grid(cfg)
    with contextlib.ExitStack() as cluster:
        if cfg.backend == "ray":
            from labkit.cluster import ray_session, require_ray
            require_ray()  # says how to install it, before anything is written
            if not all(is_done(out_dir / "runs", s) for s in plan(cfg)):
                # connect first: an unreachable cluster leaves no run folder behind
                # (run_pending then uses this connection as it is)
                cluster.enter_context(ray_session(cfg.ray_address))
        return _run_locked(cfg, out_dir, split, source, command, on_run)


def _run_locked(cfg: AblationConfig, out_dir: Path, split: TaskData, source: str, command: str,
                on_run: Callable[[str, int, int], None] | None) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    with _lock(out_dir):
        _check_fingerprint(cfg, out_dir)
        run_root = out_dir / "runs"
        run_root.mkdir(exist_ok=True)
        for stale in run_root.glob(".*.tmp"):  # left by a killed run: redo it
            shutil.rmtree(stale, ignore_errors=True)
        grid = plan(cfg)
        pending = [s for s in grid if not is_done(run_root, s)]
        log.info("%d runs in the grid, %d already finished, %d to run with %d job(s)",
                 len(grid), len(grid) - len(pending), len(pending), cfg.jobs)
        done = len(grid) - len(pending)
        cores = os.cpu_count() or 1
        jobs = max(1, min(cfg.jobs, len(pending) or 1, cores))
        threads = max(1, cores // jobs)
        if cfg.backend == "ray" and pending:
            from .ray_backend import run_pending

            def finished(run_id: str) -> None:
                nonlocal done
                done += 1
                if on_run:
                    on_run(run_id, done, len(grid))

            run_pending(pending, cfg, split, run_root, finished, run_one, RESULT)
        elif jobs == 1:
            for spec in progress(pending, desc="ablation", total=len(pending), unit="run"):
                run_one(spec, cfg, split, run_root, threads=threads)
                done += 1
                if on_run:
                    on_run(spec.run_id, done, len(grid))
        elif pending:
            ctx = get_context("spawn")  # no fork after torch/tokenizers threads started
            with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker,
                                     initargs=(cfg, split, str(run_root), threads,
                                               logging.getLogger().getEffectiveLevel())) as pool:
                futures = [pool.submit(_work, s) for s in pending]
                for fut in as_completed(futures):
                    run_id = fut.result()
                    done += 1
                    if on_run:
                        on_run(run_id, done, len(grid))
        return collect(cfg, out_dir, split, source, command)


def check_grid(cfg: AblationConfig) -> None:
    """Every tokenizer spec and the training config are valid (AblationError if not)."""
    from tokenizer_lab import TokenizerError, algorithms
    from tokenizer_lab.sampling import check_sampling

    from .cell import train_config, tokenizer_spec
    known = algorithms.names()
    for choice in cfg.tokenizers:
        if choice.algorithm not in known:
            raise AblationError(f"tokenizer {choice.label}: unknown algorithm "
                                f"{choice.algorithm!r}; installed: {', '.join(known)}")
        tokenizer_spec(choice, cfg.seeds[0])
    tcfg = train_config(cfg, cfg.seeds[0], None)
    for choice in cfg.tokenizers:  # sampling is refused by wordpiece, structure-aware ones
        try:
            check_sampling(choice.algorithm, tcfg.segmentation_sampling)
        except TokenizerError as exc:
            raise AblationError(f"tokenizer {choice.label}: {exc}") from None


def collect(cfg: AblationConfig, out_dir: Path, split: TaskData, source: str,
            command: str) -> dict:
    """Gather the finished runs of the grid into results.json/.csv and render the reports."""
    from .report import write_reports
    run_root = out_dir / "runs"
    runs, missing = [], []
    for spec in plan(cfg):
        path = run_root / spec.run_id / RESULT
        if path.is_file():
            runs.append(json.loads(path.read_text(encoding="utf-8")))
        else:
            missing.append(spec.run_id)
    results = build_results(runs, config=cfg.to_dict(), data=ablation_data.describe(split, source),
                            command=command, versions=versions(), primary=cfg.primary_metric,
                            missing=missing, name=cfg.name)
    if cfg.explain_motifs:
        from .motifs import best_run_motifs
        results["motifs"] = best_run_motifs(runs, cfg.primary_metric, run_root, split.test)
    write_results(results, out_dir)
    write_reports(results, out_dir)
    return results


def _check_fingerprint(cfg: AblationConfig, out_dir: Path) -> None:
    path = out_dir / MARKER
    mine = {"fingerprint": cfg.fingerprint(), "config": cfg.to_dict()}
    if path.is_file():
        try:
            theirs = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            theirs = {}
        if theirs.get("fingerprint") != mine["fingerprint"]:
            old = theirs.get("config") or {}
            diff = sorted(k for k in set(old) | set(mine["config"])
                          if k not in GRID_KEYS
                          and old.get(k) != mine["config"].get(k))
            raise AblationError(
                f"{out_dir} holds an ablation with different settings ({', '.join(diff) or 'unknown'}); "
                "its runs cannot be reused: choose another --out, or rerun with the same settings "
                "(tokenizers and seeds may change)")
    with atomic_write(path) as fh:
        json.dump(mine, fh, indent=1, default=str)


@contextlib.contextmanager
def _lock(out_dir: Path):
    fh = open(out_dir / ".lock", "w")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AblationError(f"{out_dir}: another `classify ablate` is running there; "
                                "wait for it or choose another --out") from None
        yield
    finally:
        fh.close()


def versions() -> dict:
    """Versions of everything that can change a number."""
    import platform
    from importlib import metadata
    out = {"python": platform.python_version()}
    for dist in ("aptamer-tokenizer-lab", "torch", "transformers", "tokenizers",
                 "sentencepiece", "scikit-learn", "scipy", "numpy", "viennarna"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out
