"""`classify` on the command line: the happy path and one-line errors on bad input."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from classifier.cli import cli, main
from classifier_helpers import write_tiny_csv
from labkit.errors import LabError
from tokenizer_lab import TokenizerSpec, train_tokenizer

FAST = ["--epochs", "1", "--batch-size", "16", "--threads", "1", "--patience", "0"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    train = write_tiny_csv(d / "train.csv", n=48, seed=0)
    test = write_tiny_csv(d / "test.csv", n=12, seed=1)
    from corpora import read_records
    tok = train_tokenizer([r.seq for r in read_records(train)], TokenizerSpec(algorithm="char"))
    tok.save(d / "tok")
    result = CliRunner().invoke(cli, ["train", "--tokenizer", str(d / "tok"), "--data", str(train),
                                      "--test", str(test), "--out", str(d / "model"), *FAST])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("test: accuracy ")
    return d


def run_main(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def _one_line_error(err: str) -> str:
    lines = [ln for ln in err.splitlines() if not ln.startswith(("INFO", "WARNING"))]
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_evaluate_and_predict(setup, tmp_path):
    d = setup
    r = CliRunner().invoke(cli, ["evaluate", "--model", str(d / "model"), "--data", str(d / "test.csv"),
                                 "--out", str(tmp_path / "m.json")])
    assert r.exit_code == 0, r.output
    saved = json.loads((d / "model" / "metrics.json").read_text())["test"]
    assert json.loads((tmp_path / "m.json").read_text())["accuracy"] == saved["accuracy"]
    assert f"accuracy {saved['accuracy']:.4f}" in r.output and "bind\t" in r.output
    fasta = tmp_path / "new.fasta"
    fasta.write_text(">s1\nGGAUCCAAAAGGGGUUUU\n>s2\nUUACGACCCCAAAAGGGG\n")
    r = CliRunner().invoke(cli, ["predict", "--model", str(d / "model"), "--data", str(fasta),
                                 "--out", str(tmp_path / "pred.csv")])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader((tmp_path / "pred.csv").read_text().splitlines()))
    assert [row["id"] for row in rows] == ["s1", "s2"]
    assert list(rows[0]) == ["id", "sequence", "predicted_label", "prob_bind", "prob_free"]
    for row in rows:
        p = float(row["prob_bind"]), float(row["prob_free"])
        assert abs(sum(p) - 1) < 1e-5
        assert row["predicted_label"] == ("bind" if p[0] > p[1] else "free")


def test_unknown_label_at_evaluation(setup, tmp_path, capsys):
    bad = write_tiny_csv(tmp_path / "odd.csv", n=4, seed=2, labels=("bind", "weird"))
    args = ["evaluate", "--model", str(setup / "model"), "--data", str(bad)]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 1 and isinstance(r.exception, LabError)
    code, out, err = run_main(args, capsys)
    line = _one_line_error(err)
    assert code == 1 and "odd.csv: 2 of 4 rows have labels the model was not trained on: " \
        "'weird' (2 rows)" in line


def _no_output(tmp_path, name="m"):
    return sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((name, f".{name}")))


def test_one_class_only(setup, tmp_path, capsys):
    one = write_tiny_csv(tmp_path / "one.csv", n=10, labels=("bind",))
    code, _, err = run_main(["train", "--tokenizer", str(setup / "tok"), "--data", str(one),
                             "--out", str(tmp_path / "m"), *FAST], capsys)
    assert code == 1 and "one class only ('bind', 10 sequences)" in _one_line_error(err)
    assert _no_output(tmp_path) == []


def test_empty_split(setup, tmp_path, capsys):
    empty = tmp_path / "valid.csv"
    empty.write_text("id,sequence,label\n")
    code, _, err = run_main(["train", "--tokenizer", str(setup / "tok"), "--data",
                             str(setup / "train.csv"), "--valid", str(empty),
                             "--out", str(tmp_path / "m"), *FAST], capsys)
    assert code == 1 and "valid.csv: no sequence records found" in _one_line_error(err)
    assert _no_output(tmp_path) == []


def test_tokenizer_missing_or_damaged(setup, tmp_path, capsys):
    base = ["--data", str(setup / "train.csv"), "--out", str(tmp_path / "m"), *FAST]
    code, _, err = run_main(["train", "--tokenizer", str(tmp_path / "nope"), *base], capsys)
    assert code == 2 and "nope' does not exist" in err  # a missing path: usage error
    import shutil
    shutil.copytree(setup / "tok", tmp_path / "bad")
    (tmp_path / "bad" / "tokenizer.json").write_text("{ not json")
    code, _, err = run_main(["train", "--tokenizer", str(tmp_path / "bad"), *base], capsys)
    assert code == 1 and "tokenizer.json" in _one_line_error(err)
    assert _no_output(tmp_path) == []


def test_too_long_without_truncation(setup, tmp_path, capsys):
    code, _, err = run_main(["train", "--tokenizer", str(setup / "tok"), "--data",
                             str(setup / "train.csv"), "--max-length", "12", "--no-truncation",
                             "--out", str(tmp_path / "m"), *FAST], capsys)
    line = _one_line_error(err)
    assert code == 1 and "is 20 tokens long; the model takes at most 12" in line
    assert "train.csv:" in line
    assert _no_output(tmp_path) == []


def test_evaluate_missing_model(tmp_path, capsys):
    code, _, err = run_main(["evaluate", "--model", str(tmp_path / "none"), "--data",
                             str(write_tiny_csv(tmp_path / "t.csv", n=4))], capsys)
    assert code == 2 and "none' does not exist" in err and "Traceback" not in err


def test_export(setup, tmp_path, capsys):
    r = CliRunner().invoke(cli, ["export", str(setup / "model"), "--hub-ready", str(tmp_path / "hub")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "hub" / "model.safetensors").is_file()
    assert (tmp_path / "hub" / "plots" / "confusion_matrix.png").is_file()
    code, _, err = run_main(["export", str(setup / "model"), "--push"], capsys)
    assert code == 2 and "No such option '--push'" in err  # removed: it could only fail
    import shutil
    shutil.copytree(setup / "model", tmp_path / "partial")
    (tmp_path / "partial" / "history.csv").unlink()
    code, _, err = run_main(["export", str(tmp_path / "partial"), "--hub-ready", str(tmp_path / "h2")],
                            capsys)
    assert code == 1 and "missing history.csv" in _one_line_error(err)
    assert not (tmp_path / "h2").exists()


def test_kmer_logreg_from_the_command_line(setup, tmp_path):
    r = CliRunner().invoke(cli, ["train", "--arch", "kmer-logreg", "--kmer-k", "4", "--data",
                                 str(setup / "train.csv"), "--test", str(setup / "test.csv"),
                                 "--out", str(tmp_path / "lr")])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["evaluate", "--model", str(tmp_path / "lr"), "--data",
                                 str(setup / "test.csv")])
    assert r.exit_code == 0, r.output
    saved = json.loads((tmp_path / "lr" / "metrics.json").read_text())["test"]
    assert f"accuracy {saved['accuracy']:.4f}" in r.output


def test_usage_errors(setup):
    r = CliRunner().invoke(cli, ["train", "--tokenizer", str(setup / "tok"), "--out", "x"])
    assert r.exit_code == 2 and "give either --data FILE or --task NAME" in r.output
    r = CliRunner().invoke(cli, ["train", "--data", str(setup / "train.csv"), "--out", "x"])
    assert r.exit_code == 2 and "needs --tokenizer" in r.output


def test_named_task_with_the_baseline(mirror, tmp_path):
    """`--task raptgen-motif10`: the 5-mer floor of the data README (1.000) is reproduced."""
    r = CliRunner().invoke(cli, ["train", "--task", "raptgen-motif10", "--mirror", str(mirror),
                                 "--arch", "kmer-logreg", "--kmer-k", "5", "--out", str(tmp_path / "lr")])
    assert r.exit_code == 0, r.output
    m = json.loads((tmp_path / "lr" / "metrics.json").read_text())
    assert m["test"]["n"] == 1999 and m["test"]["accuracy"] >= 0.995
    assert m["test"]["majority_baseline"]["accuracy"] < 0.15
    info = json.loads((tmp_path / "lr" / "training_config.json").read_text())
    assert info["data"]["task"] == "raptgen-motif10" and info["data"]["valid"] == 1002
