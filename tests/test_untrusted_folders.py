"""Regression tests of issue 23: model folders are data. A folder that names code never
runs it (even with "y" on stdin), a symlinked secret never leaves by export, and shapes
past labkit.limits are refused before transformers allocates them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from classifier_helpers import write_tiny_csv

ROOT = Path(__file__).resolve().parents[1]
FAST = ["--epochs", "1", "--batch-size", "16", "--threads", "1", "--patience", "0"]


def run_cli(module: str, args: list[str], tmp: Path, stdin: str = "y\n",
            timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m MODULE ARGS`` in a subprocess, "y" on stdin, transformers' module cache
    (where remote code would be copied and imported) inside ``tmp``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1",
               HF_MODULES_CACHE=str(tmp / "hf_modules"), HF_HUB_OFFLINE="1",
               LAB_NO_PROGRESS="1")
    return subprocess.run([sys.executable, "-m", module, *args], input=stdin, text=True,
                          capture_output=True, env=env, timeout=timeout, cwd=tmp)


def one_line(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith(("INFO", "WARNING"))]
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    return lines[0]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A tokenizer, tiny data and a trained ALBERT model folder."""
    from classifier.cli import main
    from classifier_helpers import exit_code
    from tokenizer_lab import TokenizerSpec, train_tokenizer
    d = tmp_path_factory.mktemp("untrusted")
    write_tiny_csv(d / "train.csv", n=32)
    train_tokenizer(["ACGU"], TokenizerSpec(algorithm="char")).save(d / "tok")
    assert exit_code(main, ["-q", "train", "--tokenizer", str(d / "tok"), "--data",
                            str(d / "train.csv"), "--out", str(d / "albert"), *FAST]) == 0
    return d


def plant(model: Path, folder: Path, marker: Path, **config) -> Path:
    """A copy of ``model`` whose config.json names a planted module that writes ``marker``
    when imported (``config`` overrides fields of the real config.json)."""
    shutil.copytree(model, folder)
    cfg = json.loads((folder / "config.json").read_text())
    cfg.update(config)
    (folder / "config.json").write_text(json.dumps(cfg))
    (folder / "evil_code.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n"
        "from transformers import AlbertConfig as EvilConfig\n"
        "from transformers import AlbertForSequenceClassification as EvilModel\n")
    return folder


AUTO_MAP = {"AutoConfig": "evil_code.EvilConfig", "AutoModel": "evil_code.EvilModel",
            "AutoModelForSequenceClassification": "evil_code.EvilModel",
            "AutoModelForMaskedLM": "evil_code.EvilModel"}


@pytest.mark.parametrize("command,how", [("predict", "auto_map"), ("predict", "model_type"),
                                         ("train", "auto_map"), ("lr-find", "model_type")])
def test_planted_code_never_runs(lab, tmp_path, command, how):
    marker = tmp_path / "PLANTED_CODE_RAN"
    config = {"auto_map": AUTO_MAP} if how == "auto_map" else {"model_type": "evilnet"}
    evil = plant(lab / "albert", tmp_path / "evil", marker, **config)
    data = str(lab / "train.csv")
    args = {"predict": ["predict", "--model", str(evil), "--data", data, "--out",
                        str(tmp_path / "p.csv")],
            "train": ["train", "--tokenizer", str(lab / "tok"), "--init", str(evil), "--data",
                      data, "--out", str(tmp_path / "m"), *FAST],
            "lr-find": ["lr-find", "--tokenizer", str(lab / "tok"), "--init", str(evil),
                        "--data", data, "--out", str(tmp_path / "lr"), "--batch-size", "16",
                        "--threads", "1", "--steps", "10"]}[command]
    proc = run_cli("classifier.cli", args, tmp_path)
    assert proc.returncode == 1, proc.stderr
    line = one_line(proc)
    assert f"{evil}/config.json" in line
    assert ("names code to run ('auto_map')" if how == "auto_map"
            else "model_type 'evilnet' is not one transformers defines") in line
    assert "[y/N]" not in proc.stdout + proc.stderr and "custom code" not in proc.stderr
    assert not marker.exists()
    assert not (tmp_path / "hf_modules").exists() or not any((tmp_path / "hf_modules").rglob("evil_code.py"))
    assert not (tmp_path / "p.csv").exists() and not (tmp_path / "m").exists()


def test_every_transformers_load_passes_trust_remote_code_false():
    """Library code: each from_pretrained call passes NO_REMOTE_CODE (docs and the model
    card's example for users aside)."""
    calls = 0
    for path in [*ROOT.glob("classifier/**/*.py"), *ROOT.glob("tokenizer_lab/**/*.py")]:
        lines = path.read_text().splitlines()
        for n, line in enumerate(lines):
            code = line.strip()
            if ".from_pretrained(" in code and not code.startswith(('"', "'")) and "``" not in code:
                calls += 1
                assert "NO_REMOTE_CODE" in code + lines[n + 1], f"{path}:{n + 1}: {code}"
    assert calls >= 4


@pytest.mark.parametrize("field,value,limit", [("num_hidden_layers", 10**6, "MAX_LAYERS"),
                                                ("hidden_size", 10**7, "MAX_HIDDEN"),
                                                ("vocab_size", 10**9, "MAX_VOCAB")])
def test_absurd_model_shape_is_refused_before_allocation(lab, tmp_path, field, value, limit):
    import resource
    big = tmp_path / "big"
    shutil.copytree(lab / "albert", big)
    cfg = json.loads((big / "config.json").read_text())
    cfg[field] = value
    (big / "config.json").write_text(json.dumps(cfg))
    proc = capped(["predict", "--model", str(big), "--data", str(lab / "train.csv"),
                   "--out", str(tmp_path / "p.csv")], tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert f"{field} is {value}; expected at most" in one_line(proc) and limit in proc.stderr
    assert resource  # the cap is set in capped()


def capped(args, tmp: Path, module: str = "classifier.cli", cap_gib: float = 4,
           timeout: float = 60) -> subprocess.CompletedProcess:
    """run_cli under an address-space cap: a regression fails instead of eating the machine."""
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (int(cap_gib * 2**30), int(cap_gib * 2**30)))
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", LAB_NO_PROGRESS="1",
               HF_MODULES_CACHE=str(tmp / "hf_modules"), HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", module, *args], text=True, capture_output=True,
                          env=env, timeout=timeout, cwd=tmp, preexec_fn=limit, stdin=subprocess.DEVNULL)
