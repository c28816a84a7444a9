"""Exact dedup (streaming), the similarity index against brute force, and thinning."""

from __future__ import annotations

import itertools
import random

import pytest
from rapidfuzz.distance import Hamming, Levenshtein

from corpora import Record
from corpora.dedup import DedupReport, dedup_exact, thin
from corpora.similarity import cluster, max_distance, similar_pairs


def _mutant(rng: random.Random, s: str, edits: int) -> str:
    chars = list(s)
    for _ in range(edits):
        op = rng.choice("sid")
        i = rng.randrange(len(chars))
        if op == "s":
            chars[i] = rng.choice([c for c in "ACGT" if c != chars[i]])
        elif op == "i":
            chars.insert(i, rng.choice("ACGT"))
        elif len(chars) > 1:
            del chars[i]
    return "".join(chars)


def _library(seed: int, n_families: int, per_family: int, length: int) -> list[str]:
    rng = random.Random(seed)
    seqs = []
    for _ in range(n_families):
        parent = "".join(rng.choice("ACGT") for _ in range(rng.randint(length - 5, length + 5)))
        seqs.append(parent)
        seqs.extend(_mutant(rng, parent, rng.randint(0, 4)) for _ in range(per_family - 1))
    rng.shuffle(seqs)
    return seqs


def _brute(seqs, identity, metric):
    out = set()
    for i, j in itertools.combinations(range(len(seqs)), 2):
        a, b = seqs[i], seqs[j]
        d = max_distance(max(len(a), len(b)), identity)
        if metric == "hamming":
            ok = len(a) == len(b) and Hamming.distance(a, b) <= d
        else:
            ok = Levenshtein.distance(a, b) <= d
        if ok:
            out.add((i, j))
    return out


@pytest.mark.parametrize("identity", [0.8, 0.9, 0.95, 1.0])
@pytest.mark.parametrize("metric", ["edit", "hamming"])
def test_similar_pairs_equal_brute_force(identity, metric):
    seqs = _library(seed=1, n_families=60, per_family=6, length=30)
    seqs += seqs[:5]  # exact copies too
    found = list(similar_pairs(seqs, identity, metric))
    assert len(found) == len(set(found)), "each pair once"
    assert all(i < j for i, j in found)
    assert set(found) == _brute(seqs, identity, metric)


def test_similar_pairs_mixed_lengths_like_nrc():
    rng = random.Random(7)
    seqs = []
    for _ in range(40):
        parent = "".join(rng.choice("ACGT") for _ in range(rng.randint(40, 300)))
        seqs += [parent, _mutant(rng, parent, rng.randint(1, 20)), parent[: len(parent) // 2]]
    assert set(similar_pairs(seqs, 0.9)) == _brute(seqs, 0.9, "edit")


def test_similarity_argument_checks():
    with pytest.raises(ValueError, match="identity must be between 0.5 and 1.0"):
        list(similar_pairs(["ACGT"], identity=0.3))
    with pytest.raises(ValueError, match="metric must be one of"):
        list(similar_pairs(["ACGT"], metric="jaccard"))


def test_cluster_ids_are_connected_components_in_first_seen_order():
    seqs = ["AAAAACCCCC", "GGGGGTTTTT", "AAAAACCCCA", "AAAAACCCAA", "GGGGGTTTTT", "ACACACACAC"]
    # 0-2 differ by 1, 2-3 by 1 (0-3 by 2: joined through 2); 1 and 4 are copies
    assert cluster(seqs, 0.9) == [0, 1, 0, 0, 1, 2]
    assert sorted(similar_pairs(seqs, 0.9)) == [(0, 2), (1, 4), (2, 3)]


def test_cluster_recovers_planted_families_at_scale():
    seqs = _library(seed=3, n_families=2000, per_family=5, length=40)
    ids = cluster(seqs, 0.85)
    # a family spans at most 8 edits from a sibling, beyond 0.85 x 45 = 6 only rarely
    assert len(set(ids)) == 2000  # every planted family, no more, no less (seed 3)


def test_dedup_exact_streams_and_reports():
    consumed = []

    def gen():
        for i, s in enumerate(["ACGT", "GGGG", "ACGT", "TTTT", "GGGG"]):
            consumed.append(i)
            yield Record(f"r{i}", s, "a" if i != 2 else "b")

    rep = DedupReport()
    it = dedup_exact(gen(), rep, count_copies=True)
    assert next(it).id == "r0" and consumed == [0]  # lazy: nothing read ahead
    assert [r.id for r in it] == ["r1", "r3"]
    assert (rep.seen, rep.kept, rep.dropped, rep.label_conflicts) == (5, 3, 2, 1)
    assert rep.copies == {"ACGT": 2, "GGGG": 2, "TTTT": 1}


def test_thin_keeps_first_and_respects_threshold():
    recs = [Record("a", "ACGTACGTACGTACGTACGT", "x"), Record("b", "ACGTACGTACGTACGTACGA", "y"),
            Record("c", "ACGTACGTACGTACGTACCA", "x"), Record("d", "TTTTTGGGGGCCCCCAAAAA", "x"),
            Record("e", "ACGTACGTACGTACGTACGT", "x")]
    rep = DedupReport()
    assert [r.id for r in thin(recs, 0.9, report=rep)] == ["a", "d"]
    assert (rep.kept, rep.dropped, rep.label_conflicts) == (2, 3, 1)
    assert [r.id for r in thin(recs, 1.0)] == ["a", "b", "c", "d"]
    assert [r.id for r in thin(recs, 0.95, metric="hamming")] == ["a", "c", "d"]


def test_streaming_dedup_memory_does_not_grow_with_duplicate_reads(tmp_path):
    """FASTQ ids are not kept by default, so counting holds nothing per record and dedup
    holds the unique reads; check_ids=True keeps every id."""
    import gzip
    import tracemalloc

    from corpora import read_records

    path = tmp_path / "reads.fastq.gz"
    with gzip.open(path, "wt") as fh:
        for i in range(6000):
            seq = "ACGT"[i % 4] * 10 + "ACGTACGTAC"[: i % 7]  # only 28 distinct reads
            fh.write(f"@read{i}\n{seq}\n+\n{'I' * len(seq)}\n")

    def peak(fn):
        tracemalloc.start()
        try:
            value = fn()
            return value, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    n, with_ids = peak(lambda: sum(1 for _ in read_records(path, alphabet="dna", check_ids=True)))
    m, without = peak(lambda: sum(1 for _ in read_records(path, alphabet="dna", check_ids=False)))
    rep = DedupReport()
    u, dedup = peak(lambda: sum(1 for _ in dedup_exact(read_records(path, check_ids=False), rep)))
    assert (n, m, u, rep.dropped) == (6000, 6000, 28, 5972)
    # the id set costs tens of bytes per read; without it, dedup adds only its 28 reads
    assert with_ids - without > 40 * n, (with_ids, without)
    assert dedup - without < 10 * n, (dedup, without)


def test_many_copies_are_handled_once():
    """Late SELEX rounds hold thousands of copies of a read; cluster and thin see it once."""
    top, near, other = "ACGTACGTACGTACGTACGT", "ACGTACGTACGTACGTACGA", "TTTTTGGGGGCCCCCAAAAA"
    seqs = [top] * 20000 + [near] * 20000 + [other]
    assert set(cluster(seqs, 0.9)) == {0, 1}
    recs = [Record(f"r{i}", s) for i, s in enumerate(seqs)]
    rep = DedupReport()
    assert [r.id for r in thin(recs, 0.9, report=rep)] == ["r0", "r40000"]
    assert (rep.seen, rep.kept, rep.dropped) == (40001, 2, 39999)
