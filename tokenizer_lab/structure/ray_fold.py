"""Fold on a Ray cluster: chunks of strings as Ray tasks, folds back into the local cache.

Each task folds a chunk with :func:`fold_strings` (the same function the local worker
processes run, so the structures are identical) and returns (structure, mfe) pairs;
only the driver writes the cache, chunk by chunk as results arrive, under the same
key as local folding (``FoldParams.energy_key()`` and the folded string). A driver
stopped half-way keeps every chunk already stored, and a rerun folds only the rest.
A worker that dies is replaced and its chunk retried (``max_retries`` times).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from labkit.progress import progress
from labkit.cluster import ClusterError, first_line, ray_session
from tokenizer_lab.structure.fold import FoldParams, fold_strings

log = logging.getLogger(__name__)

CHUNK = 1000
"""Strings per Ray task: ~3 s of folding for 80-nt reads, far above Ray's ~1 ms per task."""
MAX_RETRIES = 3


def _fold_chunk(strings: list[str], params: FoldParams) -> list[tuple[str, float]]:
    return fold_strings(strings, params)


def fold_strings_ray(strings: list[str], params: FoldParams, address: str | None = None,
                     chunk: int = CHUNK, max_retries: int = MAX_RETRIES,
                     on_chunk: Callable[[list[str], list[tuple[str, float]]], None] | None = None,
                     desc: str = "folding on Ray") -> list[tuple[str, float]]:
    """Fold distinct strings as Ray tasks of ``chunk`` strings; results in input order.

    ``on_chunk(strings, folds)`` is called on the driver as each chunk arrives (in
    completion order): :func:`fold_many` stores them in the cache there.
    """
    chunks = [strings[k:k + chunk] for k in range(0, len(strings), chunk)]
    parts: list[list[tuple[str, float]] | None] = [None] * len(chunks)
    with ray_session(address) as ray:
        task = ray.remote(num_cpus=1, max_retries=max_retries)(_fold_chunk)
        params_ref = ray.put(params)
        pending = {task.remote(c, params_ref): i for i, c in enumerate(chunks)}

        def arrivals():
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                i = pending.pop(ready[0])
                try:
                    yield i, ray.get(ready[0])
                except ray.exceptions.RayError as exc:
                    raise ClusterError(f"folding chunk {i + 1} of {len(chunks)} failed on Ray: "
                                       f"{first_line(exc)}") from None

        try:
            for i, folds in progress(arrivals(), desc=desc, total=len(chunks), unit="chunk"):
                parts[i] = folds
                if on_chunk is not None:
                    on_chunk(chunks[i], folds)
        finally:
            for ref in pending:  # stopped early (an error, Ctrl-C): drop what is queued
                ray.cancel(ref)
    return [f for part in parts for f in part]
