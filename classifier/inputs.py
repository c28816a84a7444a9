"""Records for the classifier from files (any format corpora reads) or a named task."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from corpora.readers import ReadOptions, read_many
from corpora.records import ReadReport, Record

log = logging.getLogger(__name__)


def read_files(paths: Sequence[str | Path], options: ReadOptions) -> list[Record]:
    """All records of ``paths`` (empty list for no paths); LabError on bad input."""
    if not paths:
        return []
    report = ReadReport()
    recs = list(read_many([Path(p) for p in paths], options, report))
    log.info("%s: %s", ", ".join(str(p) for p in paths), report.summary())
    return recs


@dataclass
class Inputs:
    """Train/valid/test records (valid and test ``None`` when not given) and where from."""

    train: list[Record]
    valid: list[Record] | None
    test: list[Record] | None
    info: dict


def from_files(data: Sequence[str | Path], valid: str | Path | None, test: str | Path | None,
               options: ReadOptions) -> Inputs:
    return Inputs(read_files(data, options),
                  read_files([valid], options) if valid else None,
                  read_files([test], options) if test else None,
                  {"train_files": [str(p) for p in data], "valid_file": None if valid is None else str(valid),
                   "test_file": None if test is None else str(test)})


def from_task(name: str, mirror: str | Path | None, seed: int) -> Inputs:
    """A named task of ``corpora.tasks`` (its own train/valid/test split)."""
    from corpora.tasks import load_task

    task = load_task(name, mirror=mirror, seed=seed)
    info = {"task": name, "split_seed": seed,
            "description": task.report.get("description"), "dataset": task.report.get("dataset")}
    return Inputs(task.train, task.valid or None, task.test or None, info)
