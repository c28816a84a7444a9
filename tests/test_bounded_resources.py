"""Regression tests of issue 23: bounded resources. Each absurd input is refused with one
line, exit 1, in seconds, in a subprocess under a 4 GiB address-space cap (a regression
fails there instead of eating the machine). The limits are labkit.limits'."""

from __future__ import annotations

import gzip
import json
import os
import random
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from labkit import limits

ROOT = Path(__file__).resolve().parents[1]
CAP = 4 * 2**30


def capped(module: str, args: list[str], cwd: Path, timeout: float = 90,
           code: str | None = None) -> subprocess.CompletedProcess:
    """``python -m MODULE ARGS`` (or ``python -c CODE``) under RLIMIT_AS = 4 GiB."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", LAB_NO_PROGRESS="1",
               HF_HUB_OFFLINE="1")
    cmd = [sys.executable, "-c", code] if code else [sys.executable, "-m", module, *args]
    return subprocess.run(cmd, text=True, capture_output=True, env=env, timeout=timeout,
                          cwd=cwd, preexec_fn=limit, stdin=subprocess.DEVNULL)


def one_line(proc: subprocess.CompletedProcess, code: int = 1) -> str:
    assert proc.returncode == code, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip() and not ln.startswith(("INFO", "WARNING"))]
    assert len(lines) == 1 and lines[0].startswith("Error: "), proc.stderr[-3000:]
    return lines[0]


def _read(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("ACGU") for _ in range(n))


def test_a_grid_of_a_million_seeds_is_refused(tmp_path):
    grid = tmp_path / "grid.toml"
    grid.write_text('task = "selex-sim"\ntokenizers = ["char"]\nseeds = ['
                    + ", ".join(map(str, range(10**6))) + "]\n")
    line = one_line(capped("classifier.cli", ["ablate", str(grid), "--out", "runs"], tmp_path))
    assert "1000000 seeds x 1 tokenizers; expected at most 100 seeds and 1000 runs" in line
    assert not (tmp_path / "runs").exists()


@pytest.fixture(scope="module")
def mnt(tmp_path_factory):
    """A FASTA and a CSV each holding one 1 Mnt read among short ones."""
    d = tmp_path_factory.mktemp("mnt")
    long = _read(10**6)
    (d / "mnt.fa").write_text(f">short\n{_read(40, 1)}\n>huge\n{long}\n")
    rows = [f"r{i},{_read(30, i)},{'ab'[i % 2]}" for i in range(20)]
    (d / "mnt.csv").write_text("id,sequence,label\n" + "\n".join(rows) + f"\nhuge,{long},a\n")
    return d


@pytest.mark.parametrize("algorithm", ["bpe", "unigram"])
def test_a_1_mnt_read_is_refused_by_tokenizer_training(mnt, tmp_path, algorithm):
    line = one_line(capped("tokenizer_lab.cli", ["train", str(mnt / "mnt.fa"), "-a", algorithm,
                                                 "--out", "tok"], tmp_path))
    assert (f"mnt.fa:3: record 'huge': a read of 1000000 nt; this command reads at most "
            f"{limits.MAX_TOKENIZE_NT} nt") in line
    assert not (tmp_path / "tok").exists()


def test_a_1_mnt_read_is_refused_by_classify_train(mnt, tmp_path):
    line = one_line(capped("classifier.cli", ["train", "--arch", "kmer-logreg", "--data",
                                              str(mnt / "mnt.csv"), "--out", "m"], tmp_path))
    assert "mnt.csv:22: record 'huge': a read of 1000000 nt; this command reads at most" in line
    usage = capped("classifier.cli", ["train", "--arch", "kmer-logreg", "--data",
                                      str(mnt / "mnt.csv"), "--max-length", "1000000", "--out",
                                      "m"], tmp_path)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
    assert (f"max_length must be between 3 ([CLS] token [SEP]) and {limits.MAX_MODEL_TOKENS} "
            "(MAX_MODEL_TOKENS), got 1000000") in usage.stderr
    assert not (tmp_path / "m").exists()


def test_folding_a_read_over_the_limit_is_refused(tmp_path):
    from tokenizer_lab import TokenizerSpec, train_tokenizer
    train_tokenizer(["ACGUACGU"], TokenizerSpec(algorithm="char")).save(tmp_path / "tok")
    (tmp_path / "long.fa").write_text(f">long\n{_read(limits.MAX_FOLD_NT + 1)}\n")
    line = one_line(capped("tokenizer_lab.cli", ["inspect", "long.fa", "-t", "tok",
                                                 "--structure"], tmp_path))
    assert f"{limits.MAX_FOLD_NT + 1} nt to fold; folding takes at most {limits.MAX_FOLD_NT} nt" in line


def test_a_line_over_the_limit_is_refused(tmp_path):
    """A plain line one byte over MAX_RECORD_BYTES (a 200 MB line stops at the same place)."""
    path = tmp_path / "line.fa"
    path.write_text(">r\n" + "A" * (limits.MAX_RECORD_BYTES + 1) + "\n")
    line = one_line(capped("corpora.cli", ["describe", str(path)], tmp_path))
    assert f"line.fa:2: a line or record longer than {limits.MAX_RECORD_BYTES} characters" in line


@pytest.mark.parametrize("shape", ["one line", "many lines"])
def test_a_gzip_bomb_is_refused(tmp_path, shape):
    """256 MiB of reads in 250 KB on disk: one endless line, or one endless record."""
    path = tmp_path / "bomb.fa.gz"
    chunk = b"A" * 2**20 if shape == "one line" else (b"A" * 63 + b"\n") * 2**14
    with gzip.open(path, "wb", compresslevel=6) as fh:
        fh.write(b">r\n")
        for _ in range(256):
            fh.write(chunk)
    assert path.stat().st_size < 2**20
    for module, args in (("corpora.cli", ["describe", str(path)]),
                         ("tokenizer_lab.cli", ["train", str(path), "-a", "char", "--out", "t"])):
        line = one_line(capped(module, args, tmp_path))
        at = 2 if shape == "one line" else 2 + (limits.MAX_RECORD_BYTES - 3) // 64
        assert f"bomb.fa.gz:{at}: a line or record longer" in line
    assert not (tmp_path / "t").exists()


def test_a_json_file_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "big.json.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(b'{"a": {"seq": "' + b"A" * (limits.MAX_JSON_BYTES + 10) + b'"}}')
    line = one_line(capped("corpora.cli", ["describe", str(path)], tmp_path))
    assert f"big.json.gz: larger than {limits.MAX_JSON_BYTES} characters (MAX_JSON_BYTES)" in line


@pytest.mark.parametrize("module,args", [
    ("corpora.cli", ["describe", "reads.fa"]),
    ("tokenizer_lab.cli", ["train", "reads.fa", "-a", "char", "--out", "tok"]),
    ("classifier.cli", ["train", "--arch", "kmer-logreg", "--data", "reads.fa", "--out", "m"])])
def test_a_fifo_as_input_is_refused_without_hanging(tmp_path, module, args):
    fifo = tmp_path / "reads.fa"
    os.mkfifo(fifo)
    # a writer that would feed one read per open: without the check the second open hangs
    stop = threading.Event()

    def feed():
        while not stop.is_set():
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                stop.wait(0.05)
                continue
            with os.fdopen(fd, "w") as fh:
                fh.write(">a\nACGUACGU\n")
    t = threading.Thread(target=feed, daemon=True)
    t.start()
    try:
        line = one_line(capped(module, args, tmp_path, timeout=60))
    finally:
        stop.set()
    assert "reads.fa: is a FIFO (named pipe); expected a regular sequence file on disk" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reads.fa"]


def test_a_backtracking_regex_in_tokenizer_json_is_refused(tmp_path):
    from labkit.checksum import sha256_file
    from tokenizer_lab import TokenizerSpec, train_tokenizer
    tok = tmp_path / "tok"
    train_tokenizer(["ACGUACGU"], TokenizerSpec(algorithm="char")).save(tok)
    doc = json.loads((tok / "tokenizer.json").read_text())
    doc["pre_tokenizer"] = {"type": "Split", "pattern": {"Regex": "(A+)+C"},
                            "behavior": "Isolated", "invert": False}
    (tok / "tokenizer.json").write_text(json.dumps(doc))
    lab = json.loads((tok / "lab.json").read_text())
    lab["files"]["tokenizer.json"] = sha256_file(tok / "tokenizer.json")  # a consistent forgery
    (tok / "lab.json").write_text(json.dumps(lab))
    line = one_line(capped("tokenizer_lab.cli", ["inspect", "A" * 60 + "G", "-t", "tok"], tmp_path,
                           timeout=60))
    assert "tokenizer.json: regular expression '(A+)+C' is not one tokenizer-lab writes" in line


def test_ten_thousand_classes_plot_a_summary(tmp_path):
    code = (
        "import numpy as np, pathlib\n"
        "from classifier.plots import write_plots\n"
        "classes = [f'class{i}' for i in range(10000)]\n"
        "cm = np.broadcast_to(np.int64(0), (10000, 10000))  # a real matrix of no memory\n"
        "hist = [{'epoch': 1, 'train_loss': 1.0, 'valid_loss': 1.0, 'valid_mcc': 0.1}]\n"
        "paths = write_plots(pathlib.Path('plots'), hist, cm, classes, 'mcc')\n"
        "print(sorted(p.name for p in paths))\n")
    proc = capped("", [], tmp_path, code=code, timeout=60)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "confusion_matrix.png" in proc.stdout
    png = tmp_path / "plots" / "confusion_matrix.png"
    assert png.stat().st_size < 100_000  # a summary, not 10^8 cells
