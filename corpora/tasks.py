"""Named classification tasks: a data set, a labelling and a split.

``load_task("nrc", mirror=...)`` gives a :class:`TaskData` with train, valid and
test records, the sorted class list and a report of everything dropped or
noticed on the way (ambiguous reads, unmapped labels, verbatim train/test
overlap). ``load_files`` does the same for the user's own files.

>>> sorted(TASKS)[:3]
['alx4-5way', 'alx4-r0-r4', 'alx4-r1-r2']
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .dedup import DedupReport, dedup_exact
from .errors import LabError
from .labels import TARGET_CHEMISTRY, LabelReport, bin_by_score, class_list, map_labels
from .readers import ReadOptions, read_records
from .records import ReadReport, Record
from .registry import dataset_files
from .splits import Split, make_split, similarity_split, stratified_split

log = logging.getLogger(__name__)

VALID_FRACTION = 0.1  # of the whole data set (or of train where a test set is given)
TEST_FRACTION = 0.2


class UnknownTaskError(LabError):
    """A task name that is not in :data:`TASKS`."""


@dataclass
class TaskData:
    """A task ready to use: three record lists, sorted classes, and a report."""

    name: str
    train: list[Record]
    valid: list[Record]
    test: list[Record]
    classes: list[str]
    report: dict = field(default_factory=dict)

    def parts(self) -> dict[str, list[Record]]:
        return {"train": self.train, "valid": self.valid, "test": self.test}


def read_report_dict(rep: ReadReport) -> dict:
    """>>> read_report_dict(ReadReport(records=2))["records"]
    2
    """
    return {"records": rep.records, "dropped_ambiguous": rep.dropped_ambiguous,
            "dropped_invalid": rep.dropped_invalid, "duplicate_ids": rep.duplicate_ids,
            "formats": dict(rep.formats), "alphabets": dict(rep.alphabets)}


def _read(paths: Sequence[Path], report: dict, key: str = "read", **options) -> list[Record]:
    rep = ReadReport()
    recs: list[Record] = []
    for p in paths:
        recs.extend(read_records(p, ReadOptions(**options), rep))
    report[key] = read_report_dict(rep)
    return recs


def _finish(name: str, split: Split, report: dict) -> TaskData:
    classes = class_list(split.train + split.valid + split.test, what=f"task {name!r}")
    report["split"] = split.report.as_dict()
    return TaskData(name, split.train, split.valid, split.test, classes, report)


SPLIT_METHODS = ("stratified", "similarity")


@dataclass(frozen=True)
class SplitPlan:
    """How a task is split: seeded stratified random, or similarity-aware.

    ``similarity`` keeps clusters of near-identical sequences (``identity``,
    edit distance) inside one part; where a task has an official test set, it
    only shapes the validation part.
    """

    seed: int = 0
    method: str = "stratified"
    identity: float = 0.9

    def __post_init__(self) -> None:
        if self.method not in SPLIT_METHODS:
            raise ValueError(f"split method must be one of {SPLIT_METHODS}, got {self.method!r}")
        if not 0.5 <= self.identity <= 1.0:
            raise ValueError(f"identity must be between 0.5 and 1.0 (e.g. 0.9), got {self.identity}")

    def split(self, recs: list[Record], valid: float = VALID_FRACTION,
              test: float = TEST_FRACTION) -> Split:
        if self.method == "similarity":
            return similarity_split(recs, valid, test, self.seed, self.identity)
        return stratified_split(recs, valid, test, self.seed)

    def holdout(self, train: list[Record], test: list[Record], what: str,
                valid: float = VALID_FRACTION) -> Split:
        inner = self.split(train, valid=0.0, test=valid)
        return make_split(inner.train, inner.test, test, f"{what}, {self.method} valid from train",
                          self.seed)


# Each builder: (files by registry path, split plan, report) -> Split.
Builder = Callable[[dict[str, Path], SplitPlan, dict], Split]


def _nrc(files: dict[str, Path], plan: SplitPlan, report: dict) -> Split:
    opts = dict(alphabet="dna", label_from="header")
    train = _read([files["nrc/train.fasta"]], report, "read_train", **opts)
    test = _read([files["nrc/test.fasta"]], report, "read_test", **opts)
    return plan.holdout(train, test, "official train/test")


def _alx4(rounds: Sequence[int]) -> Builder:
    def build(files: dict[str, Path], plan: SplitPlan, report: dict) -> Split:
        rep = ReadReport()
        recs: list[Record] = []
        for r in rounds:
            path = files[f"alx4-htselex/ALX4_TGTGTC20NGA_W_{r}.txt"]
            recs.extend(read_records(path, ReadOptions(alphabet="dna", label_from="file",
                                                       label_value=f"r{r}"), rep))
        report["read"] = read_report_dict(rep)
        return plan.split(recs)
    return build


def _quartiles(path: str, **options) -> Builder:
    def build(files: dict[str, Path], plan: SplitPlan, report: dict) -> Split:
        recs = _read([files[path]], report, **options)
        lrep = LabelReport()
        recs = bin_by_score(recs, "quartiles-top-bottom", lrep)
        report["labels"] = lrep.as_dict()
        return plan.split(recs)
    return build


def _aptacom(files: dict[str, Path], plan: SplitPlan, report: dict) -> Split:
    recs = _read([files["aptacom/AptaCom03.csv"]], report, alphabet="dna", iupac="drop",
                 on_invalid="drop", seq_column="aptamer_sequence",
                 label_column="target_chemistry", label_from="column")
    lrep = LabelReport()
    recs = map_labels(recs, TARGET_CHEMISTRY, report=lrep)
    report["labels"] = lrep.as_dict()
    # the same aptamer is listed by several source databases: keep one copy, or a
    # random split puts copies on both sides
    drep = DedupReport()
    recs = list(dedup_exact(recs, drep))
    report["dedup"] = {"kept": drep.kept, "dropped_copies": drep.dropped}
    return plan.split(recs)


def _raptgen(files: dict[str, Path], plan: SplitPlan, report: dict) -> Split:
    recs = _read([files["raptgen-sim/multiple_sequences.txt"]], report, format="csv",
                 header=False, alphabet="dna", seq_column=1, label_column=0, label_from="column")
    return plan.split(recs)


def _selex_sim(files: dict[str, Path], plan: SplitPlan, report: dict) -> Split:
    from . import simulate  # imported here so that the other tasks never depend on it

    recs = simulate.default_library(seed=0)  # one fixed library; the seed picks the split
    report["read"] = {"records": len(recs), "simulator": "corpora.simulate.default_library(seed=0)"}
    return plan.split(recs)


_SPLIT_NOTE = "stratified 70/10/20 train/valid/test"
_TASKS: dict[str, tuple[str | None, Builder, str]] = {
    "nrc": ("nrc", _nrc, "nRC ncRNA families, 13 classes; official train/test, "
            "stratified 10% of train as valid"),
    "alx4-r0-r4": ("alx4-htselex", _alx4([0, 4]), f"ALX4 HT-SELEX round 0 vs round 4; {_SPLIT_NOTE}"),
    "alx4-r1-r2": ("alx4-htselex", _alx4([1, 2]), f"ALX4 HT-SELEX round 1 vs round 2; {_SPLIT_NOTE}"),
    "alx4-5way": ("alx4-htselex", _alx4(range(5)), f"ALX4 HT-SELEX rounds 0-4, 5 classes; {_SPLIT_NOTE}"),
    "igfbp3-quartiles": ("igfbp3-selex", _quartiles("igfbp3-selex/datasetA_IGFBP3_P6.csv",
                                                   alphabet="dna", iupac="drop", score_column="p6"),
                         f"IGFBP3 SELEX, top vs bottom quartile of the round-6 count; {_SPLIT_NOTE}"),
    "chk2-quartiles": ("chk2-aptamer", _quartiles("chk2-aptamer/CHK2.json", alphabet="rna",
                                                 score_column="score"),
                       f"CHK2 RNA aptamers, top vs bottom quartile of the score; {_SPLIT_NOTE}"),
    "aptacom-target": ("aptacom", _aptacom, "AptaCom target type (protein, small_molecule, cell, "
                       f"other) from target_chemistry synonyms, one copy per sequence; {_SPLIT_NOTE}"),
    "raptgen-motif10": ("raptgen-sim", _raptgen, "RaptGen simulated reads: which of 10 planted "
                        f"motifs; {_SPLIT_NOTE}"),
    "selex-sim": (None, _selex_sim, "The built-in SELEX simulator (seed 0): binder vs non-binder "
                  f"reads; {_SPLIT_NOTE}"),
}

#: Task name -> one-line description.
TASKS: dict[str, str] = {name: desc for name, (_, _, desc) in _TASKS.items()}


def task_dataset(name: str) -> str | None:
    """The registry data set a task reads (``None`` for the simulator).

    >>> task_dataset("alx4-5way")
    'alx4-htselex'
    """
    check_task_name(name)
    return _TASKS[name][0]


def check_task_name(name: str) -> str:
    """``name`` if it is a task, else UnknownTaskError listing the tasks.

    >>> check_task_name("nrc")
    'nrc'
    """
    if name not in _TASKS:
        raise UnknownTaskError(f"unknown task {name!r}; tasks: {', '.join(TASKS)}")
    return name


def load_task(name: str, mirror: str | Path | None = None, seed: int = 0,
              cache_dir: str | Path | None = None, split: str = "stratified",
              identity: float = 0.9) -> TaskData:
    """Load a named task (files from ``mirror``/``$CORPORA_MIRROR`` or the cache).

    ``split="similarity"`` keeps near-identical sequences (``identity``) in one
    part; the default is the seeded stratified split the task describes.
    """
    check_task_name(name)
    plan = SplitPlan(seed, split, identity)
    dataset, build, desc = _TASKS[name]
    files = {} if dataset is None else dataset_files(dataset, mirror=mirror, cache_dir=cache_dir)
    report: dict = {"task": name, "description": desc, "dataset": dataset, "seed": seed}
    task = _finish(name, build(files, plan, report), report)
    log.info("task %s: %d train / %d valid / %d test, %d classes; %d test records also in train",
             name, len(task.train), len(task.valid), len(task.test), len(task.classes),
             task.report["split"]["test_in_train"])
    return task


def load_files(train: str | Path | Sequence[str | Path], valid: str | Path | None = None,
               test: str | Path | None = None, seed: int = 0,
               valid_fraction: float = VALID_FRACTION, **read_options) -> TaskData:
    """A task from the user's files; without ``valid``, a stratified part of train.

    ``train`` may be several files (e.g. one per SELEX round with
    ``label_from="file"``). ``read_options`` are :class:`ReadOptions` fields.
    Without ``test`` the test part is empty.
    """
    paths = [Path(train)] if isinstance(train, (str, Path)) else [Path(p) for p in train]
    report: dict = {"task": "files", "train_files": [str(p) for p in paths], "seed": seed}
    tr = _read(paths, report, "read_train", **read_options)
    te = _read([Path(test)], report, "read_test", **read_options) if test is not None else []
    if valid is not None:
        va = _read([Path(valid)], report, "read_valid", **read_options)
        split = make_split(tr, va, te, "given files", seed)
    else:
        split = SplitPlan(seed).holdout(tr, te, "given train/test", valid=valid_fraction)
    return _finish("files", split, report)
