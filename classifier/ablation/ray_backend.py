"""The Ray backend of the ablation runner: each pending cell is one Ray task.

The driver (``runner.run_ablation``) plans the grid, skips finished runs and writes
``results.json`` and the reports exactly as with the local backend; this module only
replaces *where* :func:`runner.run_one` executes. Workers need not see the driver's
disk: the split and the config travel with the task (put once in Ray's object
store), the task builds the run folder in its own temporary folder and returns it as
a tar archive, and the driver unpacks it into ``runs/<run_id>`` atomically, so a run
folder exists only once its run finished, as before. With ``artifacts`` (a folder or
``file://`` URI the workers can write, e.g. a shared file system) the workers write
the whole run folder there instead and only ``result.json`` travels back.

A task asks for ``cpus_per_run`` CPUs (its torch threads) and ``gpus_per_run`` GPUs.
A worker process that dies (killed, out of memory, node lost) is retried by Ray up to
``max_retries`` times; an error inside a run (bad data, a bad setting) is not retried
and stops the ablation with its one-line message, as locally.

The runner hands in its ``run_one`` and the name of the file that marks a run done,
so this module never imports the runner (which imports it).
"""

from __future__ import annotations

import io
import json
import logging
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from labkit.atomic import atomic_dir
from labkit.errors import LabError
from labkit.progress import progress
from corpora.tasks import TaskData
from labkit.cluster import first_line, ray_session

from .config import AblationConfig, AblationError, artifacts_dir

log = logging.getLogger(__name__)


def pack(folder: Path) -> bytes:
    """A folder as an uncompressed tar archive (weights do not compress)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(folder, arcname=".")
    return buf.getvalue()


def unpack(blob: bytes, target: Path, marker: str) -> None:
    """Write an archive from :func:`pack` to ``target`` atomically (all or nothing);
    it must hold ``marker`` (the file that marks a run done)."""
    with atomic_dir(target) as tmp, tarfile.open(fileobj=io.BytesIO(blob), mode="r") as tar:
        tar.extractall(tmp, filter="data")
        if not (tmp / marker).is_file():
            raise AblationError(f"{target.name}: the worker's run folder has no {marker}")


def run_cell(run_one: Callable, spec, cfg: AblationConfig, split: TaskData, threads: int,
             artifacts: str | None) -> tuple[str, bytes]:
    """The Ray task: ``run_one`` in a private folder; its archive (or only result.json)."""
    import torch

    os.environ.setdefault("LAB_NO_PROGRESS", "1")
    torch.set_num_threads(threads)
    if artifacts is not None:
        root = artifacts_dir(artifacts)
        result = run_one(spec, cfg, split, root, threads=threads)
        result["artifacts"] = (root / spec.run_id).resolve().as_uri()
        return spec.run_id, json.dumps(result, indent=1, default=str).encode()
    with tempfile.TemporaryDirectory(prefix="lab-run-") as tmp:
        run_one(spec, cfg, split, Path(tmp), threads=threads)
        return spec.run_id, pack(Path(tmp) / spec.run_id)


def run_pending(pending: list, cfg: AblationConfig, split: TaskData, run_root: Path,
                on_done: Callable[[str], None], run_one: Callable, marker: str) -> None:
    """Run ``pending`` cells as Ray tasks of ``run_one``; write each run folder here as it
    arrives (``marker``: the file inside that marks a run done)."""
    with ray_session(cfg.ray_address) as ray:
        threads = max(1, int(cfg.cpus_per_run))
        task = ray.remote(run_cell).options(
            num_cpus=cfg.cpus_per_run, num_gpus=cfg.gpus_per_run, max_retries=cfg.max_retries,
            retry_exceptions=False, name="ablation-run")
        cfg_ref, split_ref = ray.put(cfg), ray.put(split)
        refs = {task.remote(run_one, s, cfg_ref, split_ref, threads, cfg.artifacts): s for s in pending}
        log.info("%d runs sent to Ray (%g CPU, %g GPU each; up to %d retries)",
                 len(refs), cfg.cpus_per_run, cfg.gpus_per_run, cfg.max_retries)

        def arrivals() -> Iterator[tuple[str, bytes]]:
            while refs:
                ready, _ = ray.wait(list(refs), num_returns=1)
                spec = refs.pop(ready[0])
                try:
                    yield ray.get(ready[0])
                except ray.exceptions.RayTaskError as exc:
                    if isinstance(exc.cause, LabError):  # bad input: one line, as locally
                        raise AblationError(f"run {spec.run_id}: {exc.cause}") from None
                    raise
                except ray.exceptions.RayError as exc:
                    raise AblationError(f"run {spec.run_id} failed on Ray after {cfg.max_retries} "
                                        f"retries: {first_line(exc)}") from None

        try:
            for run_id, blob in progress(arrivals(), desc="ablation (ray)", total=len(refs), unit="run"):
                if cfg.artifacts is not None:
                    with atomic_dir(run_root / run_id) as tmp:
                        (tmp / marker).write_bytes(blob)
                else:
                    unpack(blob, run_root / run_id, marker)
                on_done(run_id)
        finally:
            for ref in refs:  # stopped early: cancel what has not run
                ray.cancel(ref)
