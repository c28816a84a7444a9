"""Train/valid/test splits: stratified random, and similarity-aware.

A random split can put near-copies of a test sequence in train, which flatters
any model; a similarity-aware split clusters near-identical sequences first
(:func:`corpora.similarity.cluster`) and moves whole clusters, stratified by
label as far as cluster sizes allow. Every split reports how many valid and
test records also occur verbatim in train (and test records in train or valid).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .records import Record
from .similarity import DISTANCES, cluster

SPLITS = ("train", "valid", "test")


@dataclass
class SplitReport:
    """Sizes, class counts per split and verbatim overlap with train."""

    method: str
    seed: int
    sizes: dict[str, int] = field(default_factory=dict)
    classes: dict[str, dict[str, int]] = field(default_factory=dict)
    valid_in_train: int = 0
    test_in_train: int = 0
    test_in_train_or_valid: int = 0
    clusters: int | None = None
    identity: float | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Split:
    """Three record lists and the report that describes them."""

    train: list[Record]
    valid: list[Record]
    test: list[Record]
    report: SplitReport

    def parts(self) -> dict[str, list[Record]]:
        return {"train": self.train, "valid": self.valid, "test": self.test}


def _check_fractions(valid: float, test: float) -> None:
    if not (0.0 <= valid < 1.0 and 0.0 <= test < 1.0 and valid + test < 1.0):
        raise ValueError(f"valid and test fractions must be in [0, 1) and sum below 1 "
                         f"(e.g. valid=0.1, test=0.2), got valid={valid}, test={test}")


def verbatim_overlap(train: Sequence[Record], other: Sequence[Record]) -> int:
    """How many records of ``other`` have a sequence that occurs in ``train``.

    >>> verbatim_overlap([Record("a", "AC")], [Record("b", "AC"), Record("c", "AC"), Record("d", "GG")])
    2
    """
    seen = {r.seq for r in train}
    return sum(1 for r in other if r.seq in seen)


def make_split(train: list[Record], valid: list[Record], test: list[Record], method: str,
               seed: int, **extra) -> Split:
    """Wrap three lists in a :class:`Split` with its report filled in."""
    rep = SplitReport(method=method, seed=seed, **extra)
    for name, part in (("train", train), ("valid", valid), ("test", test)):
        rep.sizes[name] = len(part)
        rep.classes[name] = dict(sorted(Counter(str(r.label) for r in part).items()))
    rep.valid_in_train = verbatim_overlap(train, valid)
    rep.test_in_train = verbatim_overlap(train, test)
    rep.test_in_train_or_valid = verbatim_overlap([*train, *valid], test)
    return Split(train, valid, test, rep)


def stratified_split(records: Sequence[Record], valid: float = 0.1, test: float = 0.2,
                     seed: int = 0) -> Split:
    """Random split with each class in the same proportions in every part.

    ``valid`` and ``test`` are fractions of the whole. Within each class the
    test part is drawn first, so changing ``valid`` leaves the test set as it
    is. Records keep their input order inside each part.

    >>> recs = [Record(f"r{i}", "ACGT"[i % 4] * 5, "ab"[i % 2]) for i in range(20)]
    >>> s = stratified_split(recs, valid=0.1, test=0.2, seed=0)
    >>> s.report.sizes, s.report.classes["test"]
    ({'train': 14, 'valid': 2, 'test': 4}, {'a': 2, 'b': 2})
    """
    _check_fractions(valid, test)
    where: dict[int, str] = {}
    for idx in _shuffled_by_label(records, seed).values():
        n_test, n_valid = round(len(idx) * test), round(len(idx) * valid)
        for k, i in enumerate(idx):
            where[i] = "test" if k < n_test else "valid" if k < n_test + n_valid else "train"
    parts: dict[str, list[Record]] = {s: [] for s in SPLITS}
    for i, r in enumerate(records):
        parts[where[i]].append(r)
    return make_split(parts["train"], parts["valid"], parts["test"], "stratified", seed)


def stratified_subsample(records: Sequence[Record], n: int | None, seed: int = 0) -> list[Record]:
    """A stratified random subsample of ``n`` records, in input order (all if n is None).

    Every class keeps at least one record; the same seeded draw as :func:`stratified_split`.

    >>> recs = [Record(f"r{i}", "ACGU"[i % 4] * 4, "ab"[i % 2]) for i in range(10)]
    >>> [r.id for r in stratified_subsample(recs, 4, seed=0)]
    ['r1', 'r2', 'r4', 'r5']
    """
    if n is None or len(records) <= n:
        return list(records)
    by_label = _shuffled_by_label(records, seed)
    quotas = {lab: max(1, round(n * len(idx) / len(records))) for lab, idx in by_label.items()}
    while sum(quotas.values()) > n:  # rounding up may overshoot by a few
        quotas[max(quotas, key=quotas.get)] -= 1
    keep = [i for lab, idx in by_label.items() for i in idx[:quotas[lab]]]
    return [records[i] for i in sorted(keep)]


def _shuffled_by_label(records: Sequence[Record], seed: int) -> dict[str, list[int]]:
    """Record indices per label (labels sorted), each list shuffled by one seeded RNG.

    >>> _shuffled_by_label([Record("x", "A", "b"), Record("y", "C", "a"), Record("z", "G", "b")], 0)
    {'a': [1], 'b': [0, 2]}
    """
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        by_label[str(r.label)].append(i)
    rng = random.Random(seed)
    out = {}
    for label in sorted(by_label):
        idx = by_label[label][:]
        rng.shuffle(idx)
        out[label] = idx
    return out


def similarity_split(records: Sequence[Record], valid: float = 0.1, test: float = 0.2,
                     seed: int = 0, identity: float = 0.9, metric: str = "edit") -> Split:
    """Split so that clusters of similar sequences never straddle parts.

    Clusters are placed largest first (ties in seeded random order), each into
    the part that most lacks the labels of its members relative to its target
    share; so classes stay about as balanced as a stratified split.

    >>> recs = [Record("a1", "ACGTACGTAC", "x"), Record("a2", "ACGTACGTAA", "x"),
    ...         Record("b", "TTTTGGGGCC", "y"), Record("c", "GGGGCCCCAA", "x"),
    ...         Record("d", "CACACACATT", "y")]
    >>> s = similarity_split(recs, valid=0.0, test=0.4, seed=0)
    >>> sorted(r.id for r in s.train), sorted(r.id for r in s.test)
    (['a1', 'a2', 'b'], ['c', 'd'])
    >>> s.report.clusters, s.report.test_in_train
    (4, 0)
    """
    _check_fractions(valid, test)
    if metric not in DISTANCES:
        raise ValueError(f"metric must be one of {DISTANCES}, got {metric!r}")
    ids = cluster([r.seq for r in records], identity, metric)
    members: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(ids):
        members[c].append(i)
    totals = Counter(str(r.label) for r in records)
    share = {"train": 1.0 - valid - test, "valid": valid, "test": test}
    have = {s: Counter() for s in SPLITS}
    rng = random.Random(seed)
    order = list(members)
    rng.shuffle(order)
    order.sort(key=lambda c: -len(members[c]))  # stable: ties stay shuffled
    where: dict[int, str] = {}
    for c in order:
        labels = Counter(str(records[i].label) for i in members[c])

        def need(s: str) -> float:
            # how far below its target this part is, for this cluster's labels
            return sum(n * (share[s] * totals[lab] - have[s][lab]) / totals[lab]
                       for lab, n in labels.items())
        best = max((s for s in SPLITS if share[s] > 0), key=need)
        have[best].update(labels)
        for i in members[c]:
            where[i] = best
    parts: dict[str, list[Record]] = {s: [] for s in SPLITS}
    for i, r in enumerate(records):
        parts[where[i]].append(r)
    return make_split(parts["train"], parts["valid"], parts["test"], "similarity", seed,
                      clusters=len(members), identity=identity)
