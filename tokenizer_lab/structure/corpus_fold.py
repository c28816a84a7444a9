"""Fold a whole corpus ahead of time (``tokenizer-lab fold``), locally or on Ray.

The folds land in the disk cache under the key the structure-aware tokenizers use
(the read in upper-case RNA letters, the energy set from the alphabet, the
temperature), so a later ``tokenizer-lab train --algorithm struct-bpe`` or
``classify ablate`` with the same ``--alphabet``/``--fold-temperature`` folds nothing.

>>> import tempfile, pathlib
>>> from tokenizer_lab.structure.cache import FoldCache
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "r.fa").write_text(">a\\nGGGGAAACCCC\\n>b\\nGGGGAAACCCC\\n>c\\nACGU\\n")
>>> s = fold_corpus([d / "r.fa"], FoldParams(), cache=FoldCache(d / "cache"), workers=1)
>>> s["reads"], s["distinct"], s["new_folds"]
(3, 2, 2)
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from labkit.atomic import atomic_write
from labkit.progress import progress
from corpora.readers import ReadOptions, read_many
from tokenizer_lab.structure.cache import FoldCache
from tokenizer_lab.structure.fold import FoldParams, fold_key_string
from tokenizer_lab.structure.parallel import fold_many


def fold_corpus(paths: Sequence[str | Path], params: FoldParams, *, cache: FoldCache | None,
                read_options: ReadOptions | None = None, out: str | Path | None = None,
                workers: int | None = None, backend: str = "local",
                ray_address: str | None = None) -> dict:
    """Fold every read of ``paths`` into ``cache`` (and a TSV at ``out``); a summary dict."""
    records = list(progress(read_many(paths, read_options), desc="reading", unit="reads"))
    seqs = [r.seq for r in records]
    before = len(cache) if cache is not None else 0
    folds = fold_many(seqs, params, cache=cache if cache is not None else False,
                      workers=workers, backend=backend, ray_address=ray_address)
    if out is not None:
        with atomic_write(out) as fh:
            w = csv.writer(fh, delimiter="\t", lineterminator="\n")
            w.writerow(["id", "sequence", "structure", "mfe"])
            w.writerows((r.id, f.seq, f.structure, f.mfe) for r, f in zip(records, folds))
    return {"reads": len(seqs), "distinct": len({fold_key_string(s, params) for s in seqs}),
            "new_folds": (len(cache) - before) if cache is not None else None,
            "cache_size": len(cache) if cache is not None else None,
            "cache": str(cache.path) if cache is not None else None, "backend": backend}
