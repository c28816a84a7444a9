"""Regression tests of issue 14: hostile inputs and faults give one line, exit 1 (2 for
usage), no traceback, and delete, replace or half-write nothing."""

from __future__ import annotations

import errno
import json
import os
import shutil

import pytest

from classifier_helpers import classify, exit_code, one_line_error as _error, tokenizer_lab, write_tiny_csv

FAST = ["--epochs", "1", "--batch-size", "16", "--threads", "1", "--patience", "0"]





@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    write_tiny_csv(d / "train.csv", n=48)
    write_tiny_csv(d / "test.csv", n=12, seed=1)
    from tokenizer_lab import TokenizerSpec, train_tokenizer
    train_tokenizer(["ACGU"], TokenizerSpec(algorithm="char")).save(d / "tok")
    assert classify(["-q", "train", "--tokenizer", str(d / "tok"), "--data", str(d / "train.csv"),
                     "--out", str(d / "albert"), *FAST]) == 0
    assert classify(["-q", "train", "--arch", "kmer-logreg", "--kmer-k", "3", "--data",
                     str(d / "train.csv"), "--out", str(d / "kmer")]) == 0
    return d


def _kmer_train(lab, out, *extra):
    return classify(["train", "--arch", "kmer-logreg", "--kmer-k", "3", "--data",
                     str(lab / "train.csv"), "--out", str(out), *extra])


# -- --out never deletes or replaces what the user made ---------------------------------
def test_out_folder_with_a_users_file_is_refused(lab, tmp_path, capsys):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "thesis.tex").write_text("chapter 1")
    assert _kmer_train(lab, out) == 1
    line = _error(capsys)
    assert "thesis.tex" in line and "--overwrite" in line and "another --out" in line
    assert sorted(p.name for p in out.iterdir()) == ["thesis.tex"]
    assert (out / "thesis.tex").read_text() == "chapter 1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]  # no temporary left


def test_out_that_is_a_file_is_refused(lab, tmp_path, capsys):
    out = tmp_path / "notes.txt"
    out.write_text("keep me")
    assert _kmer_train(lab, out) == 1
    assert "is a file" in _error(capsys)
    assert out.read_text() == "keep me"


def test_overwrite_and_previous_output(lab, tmp_path, capsys):
    out = tmp_path / "m"
    out.mkdir()
    (out / "x.txt").write_text("mine")
    assert _kmer_train(lab, out, "--overwrite") == 0
    assert not (out / "x.txt").exists() and (out / "training_config.json").is_file()
    assert _kmer_train(lab, out) == 0  # a previous output of classify train is replaced


def test_second_writer_to_the_same_out_is_refused(lab, tmp_path, capsys):
    from labkit.outdir import out_lock
    out = tmp_path / "m"
    with out_lock(out):
        assert _kmer_train(lab, out) == 1
        assert "another command is writing" in _error(capsys)
        assert not out.exists()
    assert not (tmp_path / ".m.lock").exists()
    assert _kmer_train(lab, out) == 0


def test_stale_lock_of_a_killed_writer_is_taken_over(lab, tmp_path):
    (tmp_path / ".m.lock").write_text("999999999\n")
    assert _kmer_train(lab, tmp_path / "m") == 0


# -- faults: full disk, read-only folder ----------------------------------------------
def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device", kwargs.get("dir") or args[-1] if args else None)


@pytest.mark.parametrize("where", ["mkdtemp", "fsync"])
def test_full_disk_while_writing_the_model(lab, tmp_path, capsys, monkeypatch, where):
    """ENOSPC when the folder is made, or when a file in it is flushed: one line, exit 1,
    and neither the model folder nor a temporary is left."""
    import labkit.atomic
    if where == "mkdtemp":
        monkeypatch.setattr(labkit.atomic.tempfile, "mkdtemp", _enospc)
    else:
        monkeypatch.setattr(labkit.atomic.os, "fsync", lambda fd: _enospc(None))
    assert _kmer_train(lab, tmp_path / "m") == 1
    line = _error(capsys)
    assert "No space left on device (ENOSPC)" in line and "Free some space" in line
    assert list(tmp_path.iterdir()) == []


def test_full_disk_in_tokenizer_lab_and_simulate(tmp_path, capsys, monkeypatch):
    import labkit.atomic
    from corpora.cli import main as corpora
    (tmp_path / "c.fa").write_text(">a\nACGUACGUAA\n>b\nACGUUUACGU\n")
    monkeypatch.setattr(labkit.atomic.tempfile, "mkdtemp", _enospc)
    monkeypatch.setattr(labkit.atomic.tempfile, "mkstemp", _enospc)
    assert tokenizer_lab(["train", str(tmp_path / "c.fa"), "-a", "char", "--out",
                          str(tmp_path / "tok")]) == 1
    assert "ENOSPC" in _error(capsys)
    assert exit_code(corpora, ["simulate", "--out", str(tmp_path / "lib.fa"), "--reads", "40"]) == 1
    assert "ENOSPC" in _error(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.fa"]


def test_read_only_file_system(lab, tmp_path, capsys, monkeypatch):
    import labkit.atomic

    def erofs(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path))
    monkeypatch.setattr(labkit.atomic.tempfile, "mkdtemp", erofs)
    assert _kmer_train(lab, tmp_path / "m") == 1
    assert "Read-only file system (EROFS)" in _error(capsys)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder(lab, tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert _kmer_train(lab, ro / "m") == 1
        assert "Permission denied" in _error(capsys)
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


# -- vocabulary larger than the corpus can fill ----------------------------------------
@pytest.mark.parametrize("algorithm", ["bpe", "wordpiece"])
def test_vocabulary_larger_than_the_corpus(tmp_path, capsys, algorithm):
    (tmp_path / "c.fa").write_text(">a\nACGUACGUAA\n>b\nACGUUUACGU\n")
    assert tokenizer_lab(["train", str(tmp_path / "c.fa"), "-a", algorithm, "--vocab-size",
                          "1000000000", "--out", str(tmp_path / "tok")]) == 1
    line = _error(capsys)
    assert "--vocab-size 1000000000 is more than the corpus can fill" in line
    assert not (tmp_path / "tok").exists()


# -- valid files that were refused ------------------------------------------------------
def test_excel_bom_csv_and_long_fields(tmp_path):
    from corpora import read_records
    bom = tmp_path / "excel.csv"
    bom.write_bytes("\ufeffsequence,label\nACGUACGUAC,a\nGGGGCCCCAA,b\n".encode("utf-8"))
    assert [r.label for r in read_records(bom)] == ["a", "b"]
    long = tmp_path / "long.csv"
    long.write_text("sequence,label\n" + "ACGU" * 40_000 + ",a\nACGUACGUAC,b\n")
    assert [len(r.seq) for r in read_records(long)] == [160_000, 10]


# -- labels -----------------------------------------------------------------------------
def test_unknown_labels_at_evaluation(lab, tmp_path, capsys):
    data = write_tiny_csv(tmp_path / "new.csv", n=12, labels=("bind", "free", "other"))
    args = ["evaluate", "--model", str(lab / "kmer"), "--data", str(data)]
    assert classify(args) == 1
    line = _error(capsys)
    assert "new.csv: 4 of 12 rows have labels the model was not trained on: 'other' (4 rows)" in line
    assert "--unknown-labels drop" in line
    assert classify(args + ["--unknown-labels", "drop"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("n 8 ") and "4 of 12 rows dropped" in out.err


def test_class_too_small_to_stratify_is_named(lab, tmp_path, capsys):
    data = write_tiny_csv(tmp_path / "t.csv", n=40)
    with data.open("a") as fh:
        fh.write("lonely,ACGUACGUACGUAAAAAA,rare\n")
    assert _kmer_train(lab, tmp_path / "m", "--data", str(data)) == 0
    err = capsys.readouterr().err
    assert "t.csv: class 'rare' has one sequence only: too few to stratify" in err


def test_one_class_and_too_few_name_the_file(lab, tmp_path, capsys):
    one = write_tiny_csv(tmp_path / "one.csv", n=10, labels=("bind",))
    assert classify(["train", "--arch", "kmer-logreg", "--data", str(one), "--out",
                     str(tmp_path / "m")]) == 1
    assert "one.csv: the train split has one class only" in _error(capsys)
    few = write_tiny_csv(tmp_path / "few.csv", n=2)
    assert classify(["train", "--arch", "kmer-logreg", "--data", str(few), "--out",
                     str(tmp_path / "m")]) == 1
    line = _error(capsys)
    assert "few.csv: too few training sequences (2)" in line and "--valid FILE" in line


def test_hints_name_options_that_exist(tmp_path, capsys):
    """`--seq-column` (not --sequence-column); no --iupac hint from a tokenizer."""
    from corpora.cli import main as corpora
    (tmp_path / "t.csv").write_text("name,label\nx,a\n")
    assert exit_code(corpora, ["describe", str(tmp_path / "t.csv")]) == 1
    line = _error(capsys)
    assert "--seq-column" in line and "--sequence-column" not in line
    tok = tmp_path / "tok"
    from tokenizer_lab import TokenizerSpec, train_tokenizer
    train_tokenizer(["ACGU"], TokenizerSpec(algorithm="char")).save(tok)
    assert tokenizer_lab(["inspect", "ACNGU", "-t", str(tok)]) == 1
    assert "--iupac" not in _error(capsys)


# -- typed validation of saved settings and weights --------------------------------------
@pytest.mark.parametrize("field, value, expect", [
    ("format_version", "1", "field 'format_version' is str; expected int"),
    ("spec", ["bpe"], "field 'spec' is list; expected dict"),
    ("primers", ["keep"], "field 'primers' is list; expected dict"),
    ("files", ["tokenizer.json"], "field 'files' is list; expected dict"),
    ("spec.vocab_size", "512", "spec: field 'vocab_size' is str ('512'); expected int"),
    ("spec.algorithm", 3, "spec: field 'algorithm' is int (3); expected str"),
])
def test_lab_json_with_wrong_types(lab, tmp_path, capsys, field, value, expect):
    tok = tmp_path / "tok"
    shutil.copytree(lab / "tok", tok)
    meta = json.loads((tok / "lab.json").read_text())
    if "." in field:
        a, b = field.split(".")
        meta[a][b] = value
    else:
        meta[field] = value
    (tok / "lab.json").write_text(json.dumps(meta))
    assert tokenizer_lab(["inspect", "ACGU", "-t", str(tok)]) == 1
    line = _error(capsys)
    assert "lab.json" in line and expect in line


@pytest.mark.parametrize("edit, expect", [
    (lambda d: d["train_config"].update(epochs="3"), "train_config: field 'epochs' is str ('3'); expected int"),
    (lambda d: d["train_config"].update(arch=["albert"]), "field 'arch' is list"),
    (lambda d: d.update(classes="ab"), "field 'classes' is 'ab'"),
    (lambda d: d.update(max_length="64"), "field 'max_length' is '64'"),
    (lambda d: d.pop("train_config"), "field 'train_config' is missing"),
])
def test_training_config_with_wrong_types(lab, tmp_path, capsys, edit, expect):
    model = tmp_path / "m"
    shutil.copytree(lab / "albert", model)
    data = json.loads((model / "training_config.json").read_text())
    edit(data)
    (model / "training_config.json").write_text(json.dumps(data))
    assert classify(["evaluate", "--model", str(model), "--data", str(lab / "test.csv")]) == 1
    line = _error(capsys)
    assert "training_config.json" in line and expect in line


@pytest.mark.parametrize("model", ["albert", "kmer"])
def test_truncated_weights(lab, tmp_path, capsys, model):
    d = tmp_path / "m"
    shutil.copytree(lab / model, d)
    weights = d / ("model.safetensors" if model == "albert" else "kmer_logreg.safetensors")
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])
    assert classify(["predict", "--model", str(d), "--data", str(lab / "test.csv"), "--out",
                     str(tmp_path / "p.csv")]) == 1
    line = _error(capsys)
    assert weights.name in line and "damaged weights" in line
    assert not (tmp_path / "p.csv").exists()
