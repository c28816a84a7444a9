"""Labels: synonym maps, score bins, class lists; from headers, columns and files."""

from __future__ import annotations

import pytest

from corpora import LabelError, Record, read_many, read_records
from corpora.labels import TARGET_CHEMISTRY, LabelReport, bin_by_score, class_list, map_labels


def test_labels_from_header_column_and_file(tmp_path):
    fa = tmp_path / "a.fasta"
    fa.write_text(">x1 tRNA\nACGU\n>x2 label=miRNA extra\nGGCC\n")
    assert [r.label for r in read_records(fa)] == ["tRNA", "miRNA"]
    csv = tmp_path / "b.csv"
    csv.write_text("seq,kind\nACGT,pos\nGGGG,neg\n")
    assert [r.label for r in read_records(csv, label_column="kind", label_from="column")] == ["pos", "neg"]
    r0, r4 = tmp_path / "round0.txt", tmp_path / "round4.txt"
    r0.write_text("ACGTACGT\n")
    r4.write_text("TTTTACGT\nGGGGACGT\n")
    recs = list(read_many([r0, r4], label_from="file"))
    assert [(r.seq, r.label) for r in recs] == [("ACGTACGT", "round0"), ("TTTTACGT", "round4"),
                                                ("GGGGACGT", "round4")]
    assert class_list(recs) == ["round0", "round4"]


def test_map_labels_aptacom_synonyms_and_report():
    raw = ["Protein", "Peptide", "Antibody", "Molecule", "Small Organic", "small molecule",
           "Cell", "Cells", "Other", "", None, "Tissue"]
    recs = [Record(f"r{i}", "ACGT"[i % 4] * (5 + i), lab) for i, lab in enumerate(raw)]
    rep = LabelReport()
    out = map_labels(recs, TARGET_CHEMISTRY, report=rep)
    assert [r.label for r in out] == ["protein"] * 3 + ["small_molecule"] * 3 + ["cell"] * 2 + ["other"]
    assert (rep.kept, rep.dropped_empty, rep.dropped_unmapped, rep.dropped_conflicting) == (9, 2, 1, 0)
    assert rep.unmapped == {"Tissue": 1}
    kept = map_labels(recs, TARGET_CHEMISTRY, unknown="keep")
    assert kept[-1].label == "Tissue"


def test_map_labels_drops_every_copy_of_a_conflicting_sequence():
    recs = [Record("a", "ACGT", "Protein"), Record("b", "ACGT", "Peptide"),
            Record("c", "GGGG", "Cell"), Record("d", "GGGG", "Protein"), Record("e", "TTTT", "Other")]
    rep = LabelReport()
    out = map_labels(recs, TARGET_CHEMISTRY, report=rep)
    # a and b agree once mapped (both protein); c and d do not
    assert [r.id for r in out] == ["a", "b", "e"]
    assert rep.dropped_conflicting == 2


def test_bin_by_score_quartiles_with_ties_and_missing_scores():
    scores = [5, 5, 5, 6, 7, 8, 9, 20, 30, 40, None]
    recs = [Record(f"r{i}", "ACGT", score=s) for i, s in enumerate(scores)]
    rep = LabelReport()
    out = bin_by_score(recs, report=rep)
    # numpy linear quantiles: q25 = 5.25, q75 = 17.25 (index 6.75 between 9 and 20)
    assert [(r.id, r.label) for r in out] == [("r0", "bottom"), ("r1", "bottom"), ("r2", "bottom"),
                                              ("r7", "top"), ("r8", "top"), ("r9", "top")]
    assert (rep.dropped_middle, rep.dropped_no_score) == (4, 1)
    assert rep.thresholds == {"bottom": 5.25, "top": 17.25}


def test_bin_by_score_explicit_bins_and_errors():
    recs = [Record(f"r{i}", "ACGT", score=float(i)) for i in range(10)]
    out = bin_by_score(recs, [("low", 0.0, 0.1), ("high", 0.9, 1.0)])
    assert [(r.id, r.label) for r in out] == [("r0", "low"), ("r9", "high")]
    with pytest.raises(ValueError, match="quantiles must satisfy"):
        bin_by_score(recs, [("x", 0.5, 0.2)])
    with pytest.raises(ValueError, match="bins must be one of"):
        bin_by_score(recs, "terciles")
    tied = [Record(f"t{i}", "ACGT", score=1.0) for i in range(8)]
    with pytest.raises(LabelError, match="score bins overlap"):
        bin_by_score(tied)
    with pytest.raises(LabelError, match="no record has a score"):
        bin_by_score([Record("a", "ACGT")])


def test_class_list_is_sorted_and_rejects_one_class_or_missing_labels():
    assert class_list([Record("a", "AC", "b"), Record("b", "AC", "a"), Record("c", "AC", "b")]) == ["a", "b"]
    with pytest.raises(LabelError, match="1 class"):
        class_list([Record("a", "AC", "x"), Record("b", "GG", "x")])
    with pytest.raises(LabelError, match="1 records without a label"):
        class_list([Record("a", "AC", "x"), Record("b", "GG", None)])


def test_bin_by_score_ties_at_a_threshold_stay_together():
    recs = [Record(f"r{i}", "ACGT", score=s) for i, s in enumerate([1, 1, 1, 1, 2, 3, 4, 5])]
    out = bin_by_score(recs)
    assert [r.label for r in out] == ["bottom"] * 4 + ["top", "top"]
