"""Splits: stratified random and similarity-aware; overlap reports."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from corpora import Record
from corpora.similarity import cluster
from corpora.splits import similarity_split, stratified_split
from corpora.tasks import SplitPlan


def _records(n_per_class=(60, 30, 10), seed=0, length=24):
    rng = random.Random(seed)
    recs = []
    for c, n in enumerate(n_per_class):
        for i in range(n):
            seq = "".join(rng.choice("ACGT") for _ in range(length))
            recs.append(Record(f"c{c}_{i}", seq, f"class{c}"))
    rng.shuffle(recs)
    return recs


def test_stratified_split_sizes_per_class_and_determinism():
    recs = _records()
    s = stratified_split(recs, valid=0.1, test=0.2, seed=0)
    assert s.report.classes == {
        "train": {"class0": 42, "class1": 21, "class2": 7},
        "valid": {"class0": 6, "class1": 3, "class2": 1},
        "test": {"class0": 12, "class1": 6, "class2": 2}}
    assert s.report.sizes == {"train": 70, "valid": 10, "test": 20}
    ids = lambda part: [r.id for r in part]  # noqa: E731
    assert sorted(ids(s.train) + ids(s.valid) + ids(s.test)) == sorted(ids(recs))
    again = stratified_split(recs, valid=0.1, test=0.2, seed=0)
    assert ids(again.test) == ids(s.test)
    other = stratified_split(recs, valid=0.1, test=0.2, seed=1)
    assert ids(other.test) != ids(s.test)
    # the test set does not depend on the validation fraction
    assert ids(stratified_split(recs, valid=0.0, test=0.2, seed=0).test) == ids(s.test)


def test_split_reports_verbatim_overlap():
    recs = [Record(f"r{i}", "ACGT" * 5, "ab"[i % 2]) for i in range(10)]
    s = stratified_split(recs, valid=0.2, test=0.2, seed=0)
    assert (s.report.test_in_train, s.report.valid_in_train) == (2, 2)
    assert s.report.test_in_train_or_valid == 2


def test_task_holdout_keeps_given_test():
    train, test = _records(seed=1), _records((5, 5, 5), seed=2)
    s = SplitPlan(0).holdout(train, test, "given train/test", valid=0.1)
    assert s.test == test
    assert s.report.sizes == {"train": 90, "valid": 10, "test": 15}
    assert s.report.classes["valid"] == {"class0": 6, "class1": 3, "class2": 1}


def test_fraction_checks():
    with pytest.raises(ValueError, match="sum below 1"):
        stratified_split(_records(), valid=0.5, test=0.5)
    with pytest.raises(ValueError, match="metric must be one of"):
        similarity_split(_records(), metric="cosine")


def test_similarity_split_never_splits_a_cluster_and_stays_stratified():
    rng = random.Random(5)
    recs = []
    for fam in range(150):
        label = ["a", "b", "c"][fam % 3]
        parent = "".join(rng.choice("ACGT") for _ in range(30))
        for k in range(rng.randint(1, 6)):
            seq = list(parent)
            for _ in range(rng.randint(0, 2)):
                seq[rng.randrange(30)] = rng.choice("ACGT")
            recs.append(Record(f"f{fam}_{k}", "".join(seq), label))
    s = similarity_split(recs, valid=0.1, test=0.2, seed=0, identity=0.9)
    where = {r.id: name for name, part in s.parts().items() for r in part}
    ids = cluster([r.seq for r in recs], 0.9)
    by_cluster = {}
    for r, c in zip(recs, ids):
        by_cluster.setdefault(c, set()).add(where[r.id])
    assert all(len(parts) == 1 for parts in by_cluster.values())
    assert s.report.clusters == len(by_cluster)
    assert s.report.test_in_train == 0 and s.report.valid_in_train == 0
    n = Counter(r.label for r in recs)
    for name, share in (("train", 0.7), ("valid", 0.1), ("test", 0.2)):
        for label, count in s.report.classes[name].items():
            assert abs(count - share * n[label]) <= 8, (name, label, count, n[label])
    # a random split of the same records does leak near-copies
    assert stratified_split(recs, 0.1, 0.2, seed=0).report.test_in_train > 0
    same = similarity_split(recs, valid=0.1, test=0.2, seed=0, identity=0.9)
    assert [r.id for r in same.test] == [r.id for r in s.test]
