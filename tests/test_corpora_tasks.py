"""Named tasks on the real data (through the mirror) and tasks from the user's files."""

from __future__ import annotations

from collections import Counter

import pytest

from corpora import LabelError, read_records
from corpora.tasks import TASKS, UnknownTaskError, load_files, load_task


@pytest.fixture(scope="module")
def tasks(mirror):
    loaded = {}

    def get(name):
        if name not in loaded:
            loaded[name] = load_task(name, mirror=mirror, seed=0)
        return loaded[name]
    return get


def _seqs(part):
    return [r.seq for r in part]


def test_task_list():
    assert list(TASKS) == ["nrc", "alx4-r0-r4", "alx4-r1-r2", "alx4-5way", "igfbp3-quartiles",
                           "chk2-quartiles", "aptacom-target", "raptgen-motif10", "selex-sim"]
    with pytest.raises(UnknownTaskError, match="unknown task 'nrc2'; tasks: nrc, alx4-r0-r4"):
        load_task("nrc2")


def test_nrc_official_split(tasks):
    t = tasks("nrc")
    assert len(t.train) + len(t.valid) == 6160 and len(t.test) == 2529
    assert len(t.valid) == 618
    assert len(t.classes) == 13 and t.classes == sorted(t.classes)
    assert t.report["split"]["test_in_train_or_valid"] == 341
    assert t.report["split"]["valid_in_train"] == 0
    assert set("".join(_seqs(t.test))) == set("ACGT")
    lengths = [len(s) for s in _seqs(t.train + t.valid + t.test)]
    assert (min(lengths), max(lengths)) == (38, 770)


def test_alx4_rounds(tasks, mirror):
    for r in range(5):
        recs = list(read_records(mirror / f"alx4-htselex/ALX4_TGTGTC20NGA_W_{r}.txt"))
        assert len(recs) == 15000 and {len(x.seq) for x in recs} == {20}
    t = tasks("alx4-r0-r4")
    assert t.classes == ["r0", "r4"]
    assert t.report["split"]["sizes"] == {"train": 21000, "valid": 3000, "test": 6000}
    assert t.report["split"]["classes"]["test"] == {"r0": 3000, "r4": 3000}
    five = tasks("alx4-5way")
    assert five.classes == ["r0", "r1", "r2", "r3", "r4"]
    assert len(five.train) + len(five.valid) + len(five.test) == 75000
    assert tasks("alx4-r1-r2").classes == ["r1", "r2"]


def test_igfbp3_and_chk2_quartiles(tasks):
    t = tasks("igfbp3-quartiles")
    assert t.report["read"]["records"] == 13802 and t.report["read"]["dropped_ambiguous"] == 1
    lab = t.report["labels"]
    assert lab["thresholds"] == {"bottom": 6.0, "top": 20.0}
    assert lab["kept"] + lab["dropped_middle"] == 13802
    counts = Counter(r.label for r in t.train + t.valid + t.test)
    assert counts == {"bottom": 4107, "top": 3566}  # ties at 6 and 20 stay in their bins
    top_scores = [r.score for r in t.train if r.label == "top"]
    bottom_scores = [r.score for r in t.train if r.label == "bottom"]
    assert min(top_scores) >= 20 and max(bottom_scores) <= 6
    c = tasks("chk2-quartiles")
    assert c.report["read"]["records"] == 10000
    assert c.classes == ["bottom", "top"] and set("".join(_seqs(c.test))) <= set("ACGU")
    assert c.report["labels"]["thresholds"] == {"bottom": 40.0, "top": 71.0}


def test_aptacom_target(tasks):
    t = tasks("aptacom-target")
    read, lab = t.report["read"], t.report["labels"]
    assert read["records"] + read["dropped_ambiguous"] + read["dropped_invalid"] == 5556
    assert t.classes == ["cell", "other", "protein", "small_molecule"]
    assert lab["unmapped"] == {"Tissue": 3, "nucleic acid": 1}
    assert lab["dropped_empty"] > 3000 and lab["dropped_conflicting"] > 0
    n = len(t.train) + len(t.valid) + len(t.test)
    assert lab["kept"] == n + t.report["dedup"]["dropped_copies"] and t.report["dedup"]["kept"] == n
    assert t.report["split"]["test_in_train_or_valid"] == 0  # one copy per sequence
    by_seq = {}
    for r in t.train + t.valid + t.test:
        by_seq.setdefault(r.seq, set()).add(r.label)
    assert all(len(v) == 1 for v in by_seq.values())


def test_raptgen_motif10(tasks):
    t = tasks("raptgen-motif10")
    assert t.classes == [str(i) for i in range(10)]
    assert len(t.train) + len(t.valid) + len(t.test) == 10000
    assert {len(r.seq) for r in t.test} == {30}


def test_selex_sim_task(tasks):
    t = tasks("selex-sim")
    assert len(t.classes) >= 2
    assert len(t.test) == pytest.approx(0.2 * (len(t.train) + len(t.valid) + len(t.test)), abs=2)


def test_task_split_is_seeded(mirror):
    a = load_task("raptgen-motif10", mirror=mirror, seed=0)
    b = load_task("raptgen-motif10", mirror=mirror, seed=0)
    c = load_task("raptgen-motif10", mirror=mirror, seed=1)
    assert _seqs(a.test) == _seqs(b.test) and _seqs(a.test) != _seqs(c.test)


def test_load_files_holds_out_valid(tmp_path):
    train = tmp_path / "train.csv"
    rows = [f"{'ACGT'[i % 4] * 3}{'ACGT'[(i // 4) % 4] * 3}{i:b}".replace("0", "A").replace("1", "C")
            for i in range(40)]
    train.write_text("sequence,label\n" + "".join(f"{s},{'pos' if i % 2 else 'neg'}\n"
                                                  for i, s in enumerate(rows)))
    test = tmp_path / "test.fasta"
    test.write_text(">t1 pos\nGGGGCCCC\n>t2 neg\nAAAATTTT\n")
    t = load_files(train, test=test, seed=0)
    assert t.classes == ["neg", "pos"]
    assert (len(t.train), len(t.valid), len(t.test)) == (36, 4, 2)
    assert Counter(r.label for r in t.valid) == {"neg": 2, "pos": 2}
    given = load_files(train, valid=test, seed=0)
    assert (len(given.train), len(given.valid), len(given.test)) == (40, 2, 0)


def test_load_files_one_file_per_class_and_errors(tmp_path):
    a, b = tmp_path / "round1.txt", tmp_path / "round4.txt"
    a.write_text("".join(f"ACGTACGT{'ACGT'[i % 4]}{'GT'[i % 2]}\n" for i in range(10)))
    b.write_text("".join(f"TTTTGGGG{'ACGT'[i % 4]}{'AC'[i % 2]}\n" for i in range(10)))
    t = load_files([a, b], label_from="file", seed=0)
    assert t.classes == ["round1", "round4"] and len(t.valid) == 2
    with pytest.raises(LabelError, match="task 'files' has 1 class"):
        load_files([a], label_from="file")
    with pytest.raises(LabelError, match="records without a label"):
        load_files([a])
