"""Fold a corpus: cache look-up, then the misses in parallel over the cores.

>>> import tempfile
>>> from tokenizer_lab.structure.cache import FoldCache
>>> cache = FoldCache(tempfile.mkdtemp())
>>> [r.structure for r in fold_many(["GGGGAAACCCC", "AAAA"], cache=cache, workers=1)]
['((((...))))', '....']
>>> len(cache)
2
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from labkit.progress import progress
from labkit.cluster import check_backend
from tokenizer_lab.structure.cache import FoldCache
from tokenizer_lab.structure.fold import FoldParams, FoldResult, assemble, fold_key_string, fold_strings

log = logging.getLogger(__name__)

CHUNK = 200
"""Sequences per task sent to a worker: large enough that pickling is cheap next to
folding (~3 ms per 80-nt read), small enough to keep the progress bar moving."""
LOG_AT = 100  # fewer folds than this are logged at DEBUG level only (inspect folds one)
MIN_PARALLEL = 400
"""Below this many misses, folding in-process beats starting a pool."""


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _fold_chunk(args: tuple[list[str], FoldParams, Callable]) -> list:
    strings, params, work = args
    return work(strings, params)


def fold_strings_parallel(strings: list[str], params: FoldParams, workers: int | None = None,
                          desc: str = "folding", work: Callable = fold_strings) -> list:
    """Fold distinct strings, in worker processes when there are enough of them.

    Each chunk loads its energy set inside the worker (see ``fold.energy_set``), so
    the parameters never depend on a worker's history. ``work(strings, params)`` folds
    one chunk: MFE structures by default, or e.g. base-pair probabilities
    (:func:`tokenizer_lab.structure.pairs.bpp_strings`); a module-level function.
    """
    workers = default_workers() if workers is None else max(1, workers)
    chunks = [strings[k:k + CHUNK] for k in range(0, len(strings), CHUNK)]
    out: list = []
    if workers == 1 or len(strings) < MIN_PARALLEL:
        for chunk in progress(chunks, desc=desc, total=len(chunks), unit="chunk"):
            out.extend(work(chunk, params))
        return out
    # fork is cheap and inherits the imported RNA module; the platform default elsewhere.
    ctx = get_context("fork") if os.name == "posix" else get_context()
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=ctx) as pool:
        results = pool.map(_fold_chunk, [(c, params, work) for c in chunks])
        for part in progress(results, desc=desc, total=len(chunks), unit="chunk"):
            out.extend(part)
    return out


def fold_many(seqs: Iterable[str], params: FoldParams | None = None, *, cache: FoldCache | None | bool = True,
              workers: int | None = None, backend: str = "local",
              ray_address: str | None = None) -> list[FoldResult]:
    """Fold every sequence, reusing cached folds; results in input order.

    ``cache=True`` uses the default cache folder, ``False``/``None`` no cache, or pass a
    :class:`FoldCache`. ``workers=None`` uses every core, 1 folds in this process.
    ``backend="ray"`` folds the misses on a Ray cluster instead (``ray_address``, see
    :mod:`labkit.cluster`), storing each chunk in the cache as it arrives.
    """
    check_backend(backend)
    params = params or FoldParams()
    seqs = list(seqs)
    keys = [fold_key_string(s, params) for s in seqs]
    distinct = list(dict.fromkeys(k for k in keys if k))
    store = FoldCache() if cache is True else (cache if isinstance(cache, FoldCache) else None)
    known = store.get_many(distinct, params) if store is not None else {}
    missing = [k for k in distinct if k not in known]
    log.log(logging.INFO if len(missing) >= LOG_AT else logging.DEBUG,
            "folding %d sequences: %d distinct, %d cached, %d to fold",
            len(seqs), len(distinct), len(distinct) - len(missing), len(missing))
    if missing and backend == "ray":
        from tokenizer_lab.structure.ray_fold import fold_strings_ray

        def keep(strings, folds):
            if store is not None:
                store.put_many([(k, st, m) for k, (st, m) in zip(strings, folds)], params)

        known.update(zip(missing, fold_strings_ray(missing, params, ray_address, on_chunk=keep)))
    elif missing:
        folded = fold_strings_parallel(missing, params, workers)
        new = {k: v for k, v in zip(missing, folded)}
        if store is not None:
            store.put_many([(k, st, m) for k, (st, m) in new.items()], params)
        known.update(new)
    known[""] = ("", 0.0)
    return [assemble(s, params, *known[k]) for s, k in zip(seqs, keys)]
