"""`classify train --resume`: killed after an epoch, resumed, the same metrics as an
uninterrupted run; and `--out` never replaces what the user made."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from classifier_helpers import write_tiny_csv

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--epochs", "4", "--batch-size", "4", "--threads", "1", "--patience", "0",
        "--checkpoint-seconds", "0", "--seed", "3"]


def _cmd(d: Path, out: Path, *extra, quiet: bool = True) -> list[str]:
    return [sys.executable, "-m", "classifier.cli", "-q" if quiet else "-v", "train", "--tokenizer", str(d / "tok"),
            "--data", str(d / "train.csv"), "--test", str(d / "test.csv"), "--out", str(out),
            *ARGS, *extra]


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("resume")
    write_tiny_csv(d / "train.csv", n=160, seed=0)
    write_tiny_csv(d / "test.csv", n=24, seed=1)
    from tokenizer_lab import TokenizerSpec, train_tokenizer
    train_tokenizer(["ACGU"], TokenizerSpec(algorithm="char")).save(d / "tok")
    return d


def _numbers(model: Path) -> tuple[dict, list]:
    m = json.loads((model / "metrics.json").read_text())
    rows = [{k: v for k, v in r.items() if k != "seconds"} for r in
            [dict(zip(*[ln.split(",") for ln in [h, ln]])) for h in
             [(model / "history.csv").read_text().splitlines()[0]]
             for ln in (model / "history.csv").read_text().splitlines()[1:]]]
    return {"test": m["test"], "valid": m["valid"], "best_epoch": m["best_epoch"]}, rows


def test_killed_after_an_epoch_then_resumed_gives_the_same_metrics(data, tmp_path):
    whole = tmp_path / "whole"
    r = subprocess.run(_cmd(data, whole), env=_env(), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "killed"
    ckpt = tmp_path / ".killed.checkpoints"
    proc = subprocess.Popen(_cmd(data, out), env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not list(ckpt.glob("checkpoint-*/lab_state.json")):
            assert proc.poll() is None, "finished before its first checkpoint was seen"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()  # nothing half-written
    done = len(list(ckpt.glob("checkpoint-*/lab_state.json")))
    assert done >= 1
    r = subprocess.run(_cmd(data, out, "--resume", quiet=False), env=_env(), capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "resuming from" in r.stderr
    assert not ckpt.exists()  # removed on success
    assert _numbers(out) == _numbers(whole)


def test_resume_with_other_settings_is_refused(data, tmp_path):
    out = tmp_path / "m"
    ck = tmp_path / ".m.checkpoints" / "checkpoint-5"
    ck.mkdir(parents=True)
    (ck / "lab_state.json").write_text(json.dumps({"config": {"seed": 99}, "history": []}))
    from classifier.cli import main
    with pytest.raises(SystemExit) as exc:
        main(_cmd(data, out, "--resume")[4:])
    assert exc.value.code == 1
    assert not out.exists()
