"""Readers: every format, real files, and one-line errors on bad input."""

from __future__ import annotations

import gzip
import json

import pytest

from corpora import FileFormatError, ReadOptions, ReadReport, read_records


def _write(path, text):
    path.write_text(text)
    return path


def test_fasta_labels_from_last_word_and_label_key(tmp_path):
    p = _write(tmp_path / "a.fasta", ">r1 5S_rRNA\nacgu\nACGU\n>r2 x label=tRNA\nTTTT\n")
    recs = list(read_records(p, alphabet="rna"))
    assert [(r.id, r.seq, r.label, r.line) for r in recs] == [
        ("r1", "ACGUACGU", "5S_rRNA", 1), ("r2", "UUUU", "tRNA", 4)]


def test_fastq_gzip_sniffed_by_content(tmp_path):
    p = tmp_path / "reads.dat"
    with gzip.open(p, "wt") as fh:
        fh.write("@a\nACGT\n+\nIIII\n@b\nGGCC\n+\nIIII\n")
    recs = list(read_records(p, alphabet="dna"))
    assert [(r.id, r.seq, r.line) for r in recs] == [("a", "ACGT", 1), ("b", "GGCC", 5)]


def test_csv_columns_by_usual_names_and_tsv(tmp_path):
    p = _write(tmp_path / "x.csv", "id,Sequence,label,count\nq1,acgt,pos,3\nq2,GGGG,neg,1\n")
    recs = list(read_records(p))
    assert [(r.id, r.seq, r.label, r.score) for r in recs] == [
        ("q1", "ACGT", "pos", 3.0), ("q2", "GGGG", "neg", 1.0)]
    t = _write(tmp_path / "x.tsv", "seq\tclass\nACGU\ta\n")
    assert [(r.seq, r.label) for r in read_records(t)] == [("ACGU", "a")]


def test_json_id_seq_score(tmp_path):
    p = _write(tmp_path / "x.json", json.dumps({"c0": {"seq": "ACGU", "score": 5}}))
    assert [(r.id, r.seq, r.score) for r in read_records(p)] == [("c0", "ACGU", 5.0)]


def test_iupac_policies(tmp_path):
    p = _write(tmp_path / "a.fa", ">r1\nACGN\n>r2\nACGT\n")
    with pytest.raises(FileFormatError, match=r"a.fa:1: record 'r1': ambiguous letter 'N'"):
        list(read_records(p))
    report = ReadReport()
    assert [r.id for r in read_records(p, report=report, iupac="drop")] == ["r2"]
    assert report.dropped_ambiguous == 1
    assert [r.seq for r in read_records(p, iupac="keep")] == ["ACGN", "ACGT"]


@pytest.mark.parametrize("name,content,message", [
    ("t.fastq", "@a\nACGT\n+\nIIII\n@b\nACGT\n", ":5: "),
    ("q.fastq", "@a\nACGT\n+\nIII\n", "differ"),
    ("m.fasta", "r1\nACGT\n", "expected '>'"),
    ("e.fasta", "", "empty file"),
    ("d.fasta", ">r1\nAC1T\n", "digit '1'"),
    ("g.fasta", ">r1\nAC-T\n", "gap '-'"),
    ("c.csv", "name,value\nx,1\n", "no sequence column"),
    ("r.csv", "seq,label\nACGT,a\nACGT,b,c\n", "ragged row"),
])
def test_malformed_inputs_name_the_file(tmp_path, name, content, message):
    p = _write(tmp_path / name, content)
    with pytest.raises(FileFormatError) as info:
        list(read_records(p))
    text = str(info.value)
    assert text.startswith(str(p)) and "\n" not in text
    assert any(m in text for m in message.split("|")), text


def test_binary_garbage(tmp_path):
    p = tmp_path / "x.fasta"
    p.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(FileFormatError, match="binary content"):
        list(read_records(p))


def test_unknown_label_column(tmp_path):
    p = _write(tmp_path / "x.csv", "seq,label\nACGT,a\n")
    with pytest.raises(FileFormatError, match="no label column 'klass'"):
        list(read_records(p, ReadOptions(label_column="klass")))


def test_real_nrc_through_mirror(mirror):
    recs = list(read_records(mirror / "nrc" / "test.fasta"))
    assert len(recs) == 2529
    assert len({r.label for r in recs}) == 13
