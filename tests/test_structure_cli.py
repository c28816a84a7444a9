"""Structure-aware tokenizers through the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from corpora.simulate import SelexConfig, simulate, write_library
from tokenizer_lab import load_tokenizer
from tokenizer_lab.cli import cli, main


def _library(tmp_path):
    path = tmp_path / "lib.fasta"
    write_library(simulate(SelexConfig(seed=3, rounds=1, reads_per_round=60)), path)
    return path


def test_train_struct_bpe_from_the_command_line(tmp_path):
    lib = _library(tmp_path)
    out = tmp_path / "tok"
    res = CliRunner().invoke(cli, ["train", str(lib), "--algorithm", "struct-bpe", "--vocab-size", "64",
                                   "--alphabet", "dna", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("struct-bpe: ") and "input: segmented" in res.stdout
    meta = json.loads((out / "lab.json").read_text())
    assert meta["input_form"] == "segmented" and "DNA Mathews 2004" in meta["input_form_help"]
    tok = load_tokenizer(out)
    assert " " in tok.prepare("GGGGAAACCCCAAAAA")


def test_struct_alphabet_too_small_is_one_line_error_and_no_output(tmp_path, capsys):
    lib = _library(tmp_path)
    out = tmp_path / "tok"
    with pytest.raises(SystemExit) as exc:
        main(["--quiet", "train", str(lib), "--algorithm", "struct-alphabet", "--vocab-size", "20",
              "--out", str(out)])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["Error: vocab_size 20 is too small for struct-alphabet: use at least 35 "
                   "(specials, primer tokens and the 28 joint letters)"]
    assert not out.exists()
