"""Exact deduplication (streaming) and thinning of near-identical sequences.

Exact dedup keeps the first record of each sequence and holds only the set of
sequences seen, so a ten-million-read FASTQ.gz costs the memory of its unique
reads. Thinning drops a record when a near-identical one (see
:mod:`corpora.similarity`) was already kept, in input order, like CD-HIT's
greedy pass.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .records import Record
from .similarity import distinct, distinct_pairs

log = logging.getLogger(__name__)


@dataclass
class DedupReport:
    """Counts from a dedup or thinning pass."""

    seen: int = 0
    kept: int = 0
    dropped: int = 0
    label_conflicts: int = 0  # dropped records whose kept twin has another label
    copies: Counter = field(default_factory=Counter)  # only with count_copies=True

    def summary(self) -> str:
        """>>> DedupReport(seen=5, kept=3, dropped=2).summary()
        '5 records, 3 kept, 2 dropped as duplicates (0 with another label)'
        """
        return (f"{self.seen} records, {self.kept} kept, {self.dropped} dropped as duplicates "
                f"({self.label_conflicts} with another label)")


def dedup_exact(records: Iterable[Record], report: DedupReport | None = None,
                count_copies: bool = False) -> Iterator[Record]:
    """Yield the first record of each distinct sequence, streaming.

    With ``count_copies`` the report's ``copies`` counts how often each sequence
    was seen (memory grows with the unique sequences either way).

    >>> recs = [Record("a", "ACGT", "x"), Record("b", "GGGG"), Record("c", "ACGT", "y")]
    >>> rep = DedupReport()
    >>> [r.id for r in dedup_exact(recs, rep)]
    ['a', 'b']
    >>> rep.summary()
    '3 records, 2 kept, 1 dropped as duplicates (1 with another label)'
    """
    report = report if report is not None else DedupReport()
    first_label: dict[str, str | None] = {}
    for rec in records:
        report.seen += 1
        if count_copies:
            report.copies[rec.seq] += 1
        if rec.seq in first_label:
            report.dropped += 1
            if first_label[rec.seq] != rec.label:
                report.label_conflicts += 1
            continue
        first_label[rec.seq] = rec.label
        report.kept += 1
        yield rec


def thin(records: Iterable[Record], identity: float = 0.9, metric: str = "edit",
         report: DedupReport | None = None) -> list[Record]:
    """Keep records that are not near-identical to one kept before them.

    ``identity=1.0`` is exact dedup. The result keeps input order.

    >>> recs = [Record("a", "ACGTACGTAC"), Record("b", "ACGTACGTAA"),
    ...         Record("c", "TTTTGGGGCC"), Record("d", "ACGTACGAAA")]
    >>> [r.id for r in thin(recs, identity=0.9)]
    ['a', 'c', 'd']
    >>> [r.id for r in thin(recs, identity=0.8)]
    ['a', 'c']
    """
    recs = list(records)
    report = report if report is not None else DedupReport()
    uniq, which = distinct([r.seq for r in recs])
    near: list[list[int]] = [[] for _ in uniq]
    for u, v in distinct_pairs(uniq, identity, metric):
        near[u].append(v)
        near[v].append(u)
    kept: dict[int, str | None] = {}  # distinct sequence -> label of its kept record
    out = []
    for rec, u in zip(recs, which):
        report.seen += 1
        twins = [kept[u]] if u in kept else [kept[v] for v in near[u] if v in kept]
        if twins:
            report.dropped += 1
            if any(label != rec.label for label in twins):
                report.label_conflicts += 1
            continue
        kept[u] = rec.label
        report.kept += 1
        out.append(rec)
    log.info("thinning at identity %.2f (%s): %s", identity, metric, report.summary())
    return out
