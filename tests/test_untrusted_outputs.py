"""Regression tests of issue 23: outputs. Every writer writes only into a new folder or one
its command made, never replaces a device, FIFO or the root, and a symlinked secret never
leaves a model folder by export."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from classifier_helpers import classify, one_line_error as _error, tokenizer_lab, write_tiny_csv



@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    d = tmp_path_factory.mktemp("outputs")
    write_tiny_csv(d / "train.csv", n=40)
    (d / "c.fa").write_text(">a\nACGUACGUAA\n>b\nACGUUUACGU\n")
    assert classify(["-q", "train", "--arch", "kmer-logreg", "--kmer-k", "3", "--data",
                     str(d / "train.csv"), "--out", str(d / "kmer")]) == 0
    return d


def _device(path):
    """A /dev/null-like character device (root) or, failing that, a FIFO."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        return "a character device"
    except PermissionError:
        os.mkfifo(path)
        return "a FIFO (named pipe)"


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_file_out_that_is_a_device_or_fifo_is_untouched(lab, tmp_path, capsys, kind):
    out = tmp_path / "null"
    words = _device(out) if kind == "device" else (os.mkfifo(out), "a FIFO (named pipe)")[1]
    before = os.lstat(out)
    assert classify(["predict", "--model", str(lab / "kmer"), "--data", str(lab / "train.csv"),
                     "--out", str(out)]) == 1
    assert f"null: is {words}; expected a new or regular file; nothing was changed" in _error(capsys)
    after = os.lstat(out)
    assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]  # no temporary left


def test_folder_out_that_is_a_fifo_is_untouched(lab, tmp_path, capsys):
    out = tmp_path / "tok"
    os.mkfifo(out)
    assert tokenizer_lab(["train", str(lab / "c.fa"), "-a", "char", "--out", str(out)]) == 1
    assert "tok: is a FIFO (named pipe); expected a folder for `tokenizer-lab train`" in _error(capsys)
    assert stat.S_ISFIFO(os.lstat(out).st_mode)


@pytest.mark.parametrize("command", ["train", "tokenizer-lab", "export", "lr-find"])
def test_out_root_is_refused(lab, capsys, command):
    if command == "tokenizer-lab":
        code = tokenizer_lab(["train", str(lab / "c.fa"), "-a", "char", "--out", "/"])
    elif command == "export":
        code = classify(["export", str(lab / "kmer"), "--hub-ready", "/"])
    elif command == "lr-find":
        code = classify(["lr-find", "--tokenizer", str(lab / "kmer"), "--data",
                         str(lab / "train.csv"), "--out", "/"])
    else:
        code = classify(["train", "--arch", "kmer-logreg", "--data", str(lab / "train.csv"),
                         "--out", "/"])
    assert code == 1
    assert "/: is the file-system root; expected a folder" in _error(capsys)


def test_ablate_out_over_a_users_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "results"
    out.mkdir()
    (out / "results.json").write_text('{"mine": true}')
    (out / "report.md").write_text("my report")
    assert classify(["ablate", "--task", "selex-sim", "--tokenizers", "char", "--seeds", "0",
                     "--out", str(out)]) == 1
    line = _error(capsys)
    assert "results: a folder holding files that `classify ablate` did not write (report.md, results.json)" in line
    assert (out / "results.json").read_text() == '{"mine": true}'
    assert sorted(p.name for p in out.iterdir()) == ["report.md", "results.json"]


def test_tokenizer_train_over_a_model_folder_is_refused(lab, tmp_path, capsys):
    model = tmp_path / "model"
    model.mkdir()
    assert tokenizer_lab(["-q", "train", str(lab / "c.fa"), "-a", "char", "--out",
                          str(tmp_path / "t")]) == 0
    capsys.readouterr()
    for p in (tmp_path / "t").iterdir():  # a model folder holds its tokenizer's files
        shutil.copy(p, model / p.name)
    (model / "config.json").write_text('{"model_type": "albert"}')
    (model / "model.safetensors").write_bytes(b"weights")
    before = {p.name: p.read_bytes() for p in model.iterdir()}
    assert tokenizer_lab(["train", str(lab / "c.fa"), "-a", "char", "--out", str(model)]) == 1
    assert "did not write (config.json, lab.json, model.safetensors" in _error(capsys)
    assert {p.name: p.read_bytes() for p in model.iterdir()} == before


def test_two_tokenizer_trainings_on_one_out_do_not_race(lab, tmp_path, capsys):
    from labkit.outdir import out_lock
    out = tmp_path / "tok"
    with out_lock(out):  # the first training is still writing
        assert tokenizer_lab(["train", str(lab / "c.fa"), "-a", "char", "--out", str(out)]) == 1
        assert "tok: another command is writing this output now" in _error(capsys)
        assert not out.exists()
    assert tokenizer_lab(["train", str(lab / "c.fa"), "-a", "char", "--out", str(out)]) == 0


# -- export: nothing but the model's own regular files leaves ----------------------------
@pytest.mark.parametrize("where", ["vocab.txt", "plots/extra.png", "plots"])
def test_export_never_copies_a_symlinked_secret(lab, tmp_path, capsys, where):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "id_rsa").write_text("PRIVATE KEY 0123456789")
    model = tmp_path / "model"
    shutil.copytree(lab / "kmer", model)
    link = model / where
    if where == "plots":
        shutil.rmtree(link)
        link.symlink_to(secret, target_is_directory=True)
    else:
        link.unlink(missing_ok=True)
        link.symlink_to(secret / "id_rsa")
    assert classify(["export", str(model), "--hub-ready", str(tmp_path / "hub")]) == 1
    line = _error(capsys)
    assert f"model/{where}: is a symbolic link; expected only the regular files" in line
    assert not (tmp_path / "hub").exists()
    leaked = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink()
              and p.parent != secret and b"PRIVATE KEY" in p.read_bytes()]
    assert leaked == []


def test_export_refuses_foreign_files_and_a_users_folder(lab, tmp_path, capsys):
    model = tmp_path / "model"
    shutil.copytree(lab / "kmer", model)
    (model / "evil_code.py").write_text("print('hi')")
    assert classify(["export", str(model), "--hub-ready", str(tmp_path / "hub")]) == 1
    assert "holds files `classify train` does not write (evil_code.py)" in _error(capsys)
    (model / "evil_code.py").unlink()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    assert classify(["export", str(model), "--hub-ready", str(mine)]) == 1
    assert "did not write (notes.txt); nothing was changed. Give another --out" in _error(capsys)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert classify(["export", str(model), "--hub-ready", str(tmp_path / "hub")]) == 0
    assert classify(["export", str(model), "--hub-ready", str(tmp_path / "hub")]) == 0  # again
