"""The ablation's data: one fixed train/valid/test split shared by every run.

Every run of the grid sees the same three record lists (the paired tests need
that), loaded once from a named task or from files, optionally thinned to a
stratified subsample for speed, and described for the report (class counts,
split sizes, train/test overlap).

>>> from corpora.records import Record
>>> recs = [Record(f"r{i}", "ACGU"[i % 4] * 4, "ab"[i % 2]) for i in range(10)]
>>> describe_split("train", recs)["classes"]
{'a': 5, 'b': 5}
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from corpora.records import Record
from corpora.splits import stratified_subsample, verbatim_overlap
from corpora.tasks import TaskData

from .config import AblationConfig, AblationError

log = logging.getLogger(__name__)


def load_split(cfg: AblationConfig) -> tuple[TaskData, str]:
    """The split every run uses, and a one-line description of where it came from."""
    from corpora.tasks import load_files, load_task
    if cfg.task:
        task = load_task(cfg.task, mirror=cfg.mirror)
        source = f"task `{cfg.task}` ({task.report.get('description', '')})"
    else:
        task = load_files(cfg.train, cfg.valid, cfg.test, alphabet=cfg.alphabet)
        source = (f"files train={cfg.train}, valid={cfg.valid}, test={cfg.test}" if cfg.valid
                  else f"files train={cfg.train}, test={cfg.test} (validation: stratified "
                       "10% of train, seed 0)")
    sizes = tuple(map(len, (task.train, task.valid, task.test)))
    train = stratified_subsample(task.train, cfg.max_train)
    valid = stratified_subsample(task.valid, cfg.max_valid)
    test = stratified_subsample(task.test, cfg.max_test)
    if (len(train), len(valid), len(test)) != sizes:
        source += (f"; stratified subsample (seed 0) of {len(train)}/{len(valid)}/{len(test)} "
                   "train/valid/test from {}/{}/{}".format(*sizes))
        task = replace(task, train=train, valid=valid, test=test)
    for name, part in task.parts().items():
        if name != "valid" and not part:
            raise AblationError(f"the {name} split of {source} is empty; every run is "
                                "evaluated on the test split, so it needs sequences")
    return task, source


def describe_split(name: str, records: Sequence[Record]) -> dict:
    """Size, class counts and mean length of one split."""
    n = len(records)
    return {"n": n,
            "classes": dict(sorted(Counter(str(r.label) for r in records).items())),
            "mean_length": round(sum(len(r.seq) for r in records) / n, 2) if n else None}


def describe(split: TaskData, source: str) -> dict:
    """The ``data`` section of results.json."""
    labels = list(split.classes)
    method = (split.report.get("split") or {}).get("method")
    return {"source": source, "labels": labels, "method": method,
            "splits": {name: describe_split(name, part) for name, part in split.parts().items()},
            "overlap": {"test_in_train": verbatim_overlap(split.train, split.test),
                        "valid_in_train": verbatim_overlap(split.train, split.valid)},
            "reading": {k: v for k, v in split.report.items() if k.startswith(("read", "labels"))},
            "notes": ["Tokenizers are trained on the train split only; the validation split "
                      "drives early stopping; every metric is on the test split."]}
