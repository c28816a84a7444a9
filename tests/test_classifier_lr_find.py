"""Learning-rate range test: the suggestion lies below the rate where the loss diverges;
`classify lr-find` writes its JSON and plot; `--lr auto` is recorded with the rate found."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from classifier_helpers import write_tiny_csv
from classifier import TrainConfig, train_classifier
from classifier.cli import cli
from classifier.finetune import lr_find_records, prepare_splits
from corpora import read_records
from tokenizer_lab import TokenizerSpec, train_tokenizer

FAST = dict(epochs=1, batch_size=8, eval_batch_size=64, threads=1, patience=0)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp("lrfind")
    path = write_tiny_csv(d / "train.csv", n=48, seed=0)
    train = list(read_records(path))
    tok = train_tokenizer([r.seq for r in train], TokenizerSpec(algorithm="char"))
    tok.save(d / "tok")
    return d, path, tok, train


def test_suggestion_is_below_the_rate_where_the_loss_diverges(tiny):
    d, _, tok, train = tiny
    r = lr_find_records(TrainConfig(**FAST), tok, train, start_lr=1e-5, end_lr=30.0, steps=80)
    assert r.diverged_at is not None and r.steps < 80  # stopped once the loss blew up
    assert r.suggestion < r.min_loss_lr < r.diverged_at
    assert r.suggestion * 10 == pytest.approx(r.min_loss_lr)
    assert r.lrs[0] == pytest.approx(1e-5) and all(b > a for a, b in zip(r.lrs, r.lrs[1:]))
    # the loss at the suggestion is lower than where it diverged
    at = min(range(r.steps), key=lambda i: abs(r.lrs[i] - r.suggestion))
    assert r.smoothed[at] < r.smoothed[-1]


def test_cli_writes_json_and_plot(tiny, tmp_path):
    d, path, _, _ = tiny
    res = CliRunner().invoke(cli, ["lr-find", "--tokenizer", str(d / "tok"), "--data", str(path),
                                   "--out", str(tmp_path / "lr"), "--batch-size", "8",
                                   "--steps", "30", "--threads", "1"])
    assert res.exit_code == 0, res.output
    assert "suggested learning rate" in res.output
    data = json.loads((tmp_path / "lr" / "lr_find.json").read_text())
    assert len(data["lrs"]) == len(data["losses"]) == data["steps"] <= 30
    held = prepare_splits(TrainConfig(), tiny[3])  # 48 less the stratified 10% hold-out
    assert data["train_sequences"] == len(held.train) < 48
    assert (tmp_path / "lr" / "lr_find.png").read_bytes()[:4] == b"\x89PNG"
    bad = CliRunner().invoke(cli, ["lr-find", "--tokenizer", str(d / "tok"), "--data", str(path),
                                   "--out", str(tmp_path / "x"), "--steps", "3"])
    assert bad.exit_code == 2 and not (tmp_path / "x").exists()
    for args in (["--data", str(tmp_path / "missing.csv")], ["--data", str(tmp_path)],
                 ["--valid", str(tmp_path / "missing.csv")]):
        res = CliRunner().invoke(cli, ["lr-find", "--tokenizer", str(d / "tok"), "--data", str(path),
                                       *args, "--out", str(tmp_path / "y")])
        assert res.exit_code == 2 and "Traceback" not in res.output, res.output
        assert not (tmp_path / "y").exists()


def test_lr_auto_is_recorded_in_training_config(tiny, tmp_path):
    d, path, _, _ = tiny
    res = CliRunner().invoke(cli, ["train", "--tokenizer", str(d / "tok"), "--data", str(path),
                                   "--out", str(tmp_path / "m"), "--lr", "auto", "--epochs", "1",
                                   "--batch-size", "8", "--threads", "1"])
    assert res.exit_code == 0, res.output
    info = json.loads((tmp_path / "m" / "training_config.json").read_text())
    found = info["lr_find"]
    assert found["requested"] == "auto" and found["suggestion"] > 0
    assert info["train_config"]["learning_rate"] == found["suggestion"]
    bad = CliRunner().invoke(cli, ["train", "--tokenizer", str(d / "tok"), "--data", str(path),
                                   "--out", str(tmp_path / "n"), "--lr", "fast"])
    assert bad.exit_code == 2 and "expected a number such as 3e-4 or 'auto'" in bad.output


def test_config_takes_auto_and_refuses_other_words():
    assert TrainConfig(learning_rate="auto").learning_rate == "auto"
    with pytest.raises(ValueError, match="positive number or 'auto'"):
        TrainConfig(learning_rate="fast")
    with pytest.raises(ValueError, match="positive number or 'auto'"):
        TrainConfig(learning_rate=0.0)
