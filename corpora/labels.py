"""Labels for classification: mapped synonyms, score bins, and the class list.

Readers already fill :attr:`Record.label` from a FASTA header, a column or the
file a record came from. This module turns messy or missing labels into a clean
task: synonyms are mapped (``Cells`` -> ``cell``), empty and conflicting labels
are dropped and counted, scores are binned (top vs bottom quartile), and the
class list is sorted for determinism. A task with fewer than two classes is a
:class:`~corpora.errors.LabelError`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .errors import LabelError
from .records import Record

log = logging.getLogger(__name__)

#: AptaCom's ``target_chemistry`` synonyms, lower-cased, to one class name.
TARGET_CHEMISTRY = {
    "protein": "protein", "peptide": "protein", "antibody": "protein",
    "molecule": "small_molecule", "small organic": "small_molecule",
    "small molecule": "small_molecule",
    "cell": "cell", "cells": "cell",
    "other": "other",
}

#: Named score bins: (label, lower quantile, upper quantile); the rest is dropped.
NAMED_BINS = {
    "quartiles-top-bottom": (("bottom", 0.0, 0.25), ("top", 0.75, 1.0)),
    "halves": (("bottom", 0.0, 0.5), ("top", 0.5, 1.0)),
}


@dataclass
class LabelReport:
    """What labelling kept and dropped, for logs and task reports."""

    kept: int = 0
    #: records without a label
    dropped_empty: int = 0
    #: labels the mapping does not know (``unknown="drop"``); which ones: ``unmapped``
    dropped_unmapped: int = 0
    unmapped: Counter = field(default_factory=Counter)
    #: records whose sequence also occurs under another label (all copies go)
    dropped_conflicting: int = 0
    #: score binning: scores between the bins; ``thresholds`` holds the bin edges
    dropped_middle: int = 0
    dropped_no_score: int = 0
    thresholds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k not in ("unmapped", "thresholds")}
        d["unmapped"] = dict(sorted(self.unmapped.items()))
        d["thresholds"] = dict(self.thresholds)
        return d


def map_labels(records: Iterable[Record], mapping: Mapping[str, str] | None = None,
               unknown: str = "drop", report: LabelReport | None = None) -> list[Record]:
    """Map label synonyms, drop empty labels and sequences labelled two ways.

    Keys of ``mapping`` are matched case-insensitively after trimming. Labels not
    in the mapping are dropped (``unknown="drop"``, counted per label) or kept as
    they are (``unknown="keep"``). A sequence whose copies carry different mapped
    labels is ambiguous: all its copies are dropped.

    >>> recs = [Record("a", "ACGT", "Cells"), Record("b", "GGGG", " "),
    ...         Record("c", "ACGT", "Cell"), Record("d", "TTTT", "Peptide"),
    ...         Record("e", "CCCC", "Tissue"), Record("f", "AAAA", "Protein"),
    ...         Record("g", "AAAA", "Molecule")]
    >>> rep = LabelReport()
    >>> [(r.id, r.label) for r in map_labels(recs, TARGET_CHEMISTRY, report=rep)]
    [('a', 'cell'), ('c', 'cell'), ('d', 'protein')]
    >>> rep.dropped_empty, rep.dropped_unmapped, rep.dropped_conflicting, dict(rep.unmapped)
    (1, 1, 2, {'Tissue': 1})
    """
    if unknown not in ("drop", "keep"):
        raise ValueError(f"unknown must be 'drop' or 'keep', got {unknown!r}")
    report = report if report is not None else LabelReport()
    lower = None if mapping is None else {k.strip().lower(): v for k, v in mapping.items()}
    mapped: list[Record] = []
    for rec in records:
        raw = (rec.label or "").strip()
        if not raw:
            report.dropped_empty += 1
            continue
        if lower is None:
            label = raw
        elif raw.lower() in lower:
            label = lower[raw.lower()]
        elif unknown == "keep":
            label = raw
        else:
            report.dropped_unmapped += 1
            report.unmapped[raw] += 1
            continue
        mapped.append(rec if label == rec.label else rec.with_(label=label))
    labels_of: dict[str, set[str]] = {}
    for rec in mapped:
        labels_of.setdefault(rec.seq, set()).add(rec.label)
    kept = [r for r in mapped if len(labels_of[r.seq]) == 1]
    report.dropped_conflicting += len(mapped) - len(kept)
    report.kept += len(kept)
    if report.dropped_empty or report.dropped_unmapped or report.dropped_conflicting:
        log.info("labels: kept %d; dropped %d empty, %d unmapped %s, %d conflicting",
                 len(kept), report.dropped_empty, report.dropped_unmapped,
                 dict(report.unmapped), report.dropped_conflicting)
    return kept


def bin_by_score(records: Iterable[Record],
                 bins: str | Sequence[tuple[str, float, float]] = "quartiles-top-bottom",
                 report: LabelReport | None = None) -> list[Record]:
    """Label records by score quantile bins, dropping records between bins.

    ``bins`` is a name from :data:`NAMED_BINS` or ``(label, q_low, q_high)``
    triples. A record falls in a bin when ``quantile(q_low) <= score <=
    quantile(q_high)``; ties at a threshold go to the bin (counts have many
    ties), so bins that would share records are an error. Records without a
    score are dropped and counted.

    >>> recs = [Record(f"r{i}", "ACGT", score=float(s)) for i, s in enumerate([1, 2, 3, 4, 5, 6, 7, 8])]
    >>> rep = LabelReport()
    >>> [(r.id, r.label) for r in bin_by_score(recs, report=rep)]
    [('r0', 'bottom'), ('r1', 'bottom'), ('r6', 'top'), ('r7', 'top')]
    >>> rep.dropped_middle, rep.thresholds
    (4, {'bottom': 2.75, 'top': 6.25})
    """
    import numpy as np

    spec = NAMED_BINS.get(bins) if isinstance(bins, str) else tuple(bins)
    if spec is None:
        raise ValueError(f"bins must be one of {sorted(NAMED_BINS)} or (label, q_low, q_high) "
                         f"triples, got {bins!r}")
    for label, lo, hi in spec:
        if not 0.0 <= lo < hi <= 1.0:
            raise ValueError(f"bin {label!r}: quantiles must satisfy 0 <= low < high <= 1, "
                             f"got {lo}, {hi}")
    report = report if report is not None else LabelReport()
    scored = []
    for rec in records:
        if rec.score is None:
            report.dropped_no_score += 1
        else:
            scored.append(rec)
    if not scored:
        raise LabelError("no record has a score to bin (name the score column with --score-column)")
    scores = np.array([r.score for r in scored], dtype=float)
    edges = [(label, float(np.quantile(scores, lo)), float(np.quantile(scores, hi)))
             for label, lo, hi in spec]
    out = []
    for rec in scored:
        hits = [label for label, lo, hi in edges if lo <= rec.score <= hi]
        if len(hits) > 1:
            raise LabelError(f"score bins overlap: {rec.score:g} falls in bins {hits} "
                             f"(thresholds {edges}); too many tied scores for these bins")
        if hits:
            out.append(rec.with_(label=hits[0]))
        else:
            report.dropped_middle += 1
    for label, lo, hi in edges:
        report.thresholds[label] = hi if lo == float(scores.min()) else lo
    report.kept += len(out)
    log.info("score bins %s: kept %d, dropped %d between bins", report.thresholds, len(out),
             report.dropped_middle)
    return out


def class_list(records: Iterable[Record], what: str = "task") -> list[str]:
    """The sorted labels; fewer than two classes (or an unlabelled record) is an error.

    >>> class_list([Record("a", "AC", "y"), Record("b", "GG", "x")])
    ['x', 'y']
    >>> class_list([Record("a", "AC", "y")])
    Traceback (most recent call last):
    ...
    corpora.errors.LabelError: task has 1 class ('y'); a classification task needs at least 2
    """
    counts = label_counts(records)
    if None in counts:
        raise LabelError(f"{what} has {counts[None]} records without a label; give labels "
                         "(--label-column, --label-from) or drop them")
    classes = sorted(counts)
    if len(classes) < 2:
        shown = ", ".join(repr(c) for c in classes) or "none"
        raise LabelError(f"{what} has {len(classes)} class ({shown}); a classification "
                         "task needs at least 2")
    return classes


def label_counts(records: Iterable[Record]) -> Counter:
    """>>> label_counts([Record("a", "AC", "y"), Record("b", "GG", "y")])
    Counter({'y': 2})
    """
    return Counter(r.label for r in records)
