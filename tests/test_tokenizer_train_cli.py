"""`tokenizer-lab train` through click's CliRunner and through main() (exit codes, messages)."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from tokenizer_lab import TokenizerError, load_tokenizer
from tokenizer_lab.cli import cli, main


def _fasta(path, n=60, length=20, seed=0):
    rng = random.Random(seed)
    path.write_text("".join(f">r{i}\n{''.join(rng.choice('ACGT') for _ in range(length))}\n"
                            for i in range(n)))
    return path


def test_train_bpe_from_fasta(tmp_path):
    corpus = _fasta(tmp_path / "reads.fasta")
    out = tmp_path / "tok"
    result = CliRunner().invoke(cli, ["train", str(corpus), "--algorithm", "bpe",
                                      "--vocab-size", "40", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "bpe: vocabulary of 40 from 60 reads (1200 nt); primers: none; input: raw",
        f"saved to {out}"]
    tok = load_tokenizer(out)
    assert tok.spec.vocab_size == 40 and tok.spec.alphabet == "rna"


def test_train_kmer_from_csv_column_with_options(tmp_path):
    corpus = tmp_path / "reads.csv"
    corpus.write_text("name,aptamer\n" + "".join(f"a{i},ACGTTGCA{i % 4}\n".replace(
        str(i % 4), "ACGT"[i % 4]) for i in range(30)))
    out = tmp_path / "k"
    result = CliRunner().invoke(cli, ["train", str(corpus), "-a", "kmer", "--k", "2",
                                      "--stride", "2", "--seq-column", "aptamer",
                                      "--alphabet", "dna", "--out", str(out)])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "lab.json").read_text())
    assert meta["spec"]["k"] == 2 and meta["spec"]["stride"] == 2
    assert meta["corpus"]["reads"] == 30 and meta["vocab_kind"] == "enumerated"
    assert load_tokenizer(out).tokenize("ACGTA") == ["AC", "GT", "A"]


def test_help_shows_defaults():
    result = CliRunner().invoke(cli, ["train", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())  # click wraps the help at the terminal width
    assert "[default: bpe]" in text and "[default: 512]" in text


@pytest.mark.parametrize("args, message", [
    (["--vocab-size", "8"], "vocab_size 8 is smaller than the alphabet plus special tokens"),
    (["-a", "kmer", "--k", "9"], "k must be between 1 and 8, got 9"),
    (["-a", "kmer", "--k", "0"], "k must be between 1 and 8, got 0"),
    (["-a", "kmer", "--k", "3", "--stride", "2"], "stride must be 1 (overlapping) or k=3"),
])
def test_bad_options_one_line_no_output(tmp_path, capsys, args, message):
    corpus = _fasta(tmp_path / "reads.fasta")
    out = tmp_path / "tok"
    with pytest.raises(SystemExit) as exc:
        main(["train", str(corpus), "--out", str(out)] + args)
    assert exc.value.code == 2  # a bad option value is a usage error in every command line
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("Error: Invalid value for --") and message in err[-1]
    assert not any("Traceback" in line for line in err)
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["reads.fasta"]


def test_unknown_algorithm_is_a_usage_error(tmp_path):
    corpus = _fasta(tmp_path / "reads.fasta")
    result = CliRunner().invoke(cli, ["train", str(corpus), "-a", "sentencepiece",
                                      "--out", str(tmp_path / "t")])
    assert result.exit_code == 2
    assert "'sentencepiece' is not one of 'bpe', 'wordpiece', 'unigram', 'kmer', 'char'" in result.output
    assert not (tmp_path / "t").exists()


@pytest.mark.parametrize("content, message", [
    ("", "reads.fasta: empty file; expected sequence records"),
    (">a\nACGT\n>b\nAC1T\n", "reads.fasta:3: record 'b': digit '1' at position 3"),
    ("ACGT\n>a\nACGT\n", "expected '>' at the start of a FASTA record"),
])
def test_bad_corpus_one_line_no_traceback_no_output(tmp_path, capsys, content, message):
    corpus = tmp_path / "reads.fasta"
    corpus.write_text(content)
    out = tmp_path / "tok"
    with pytest.raises(SystemExit) as exc:
        main(["train", str(corpus), "--out", str(out)])
    assert exc.value.code == 1
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Error: ") and message in err[0], err
    assert "Traceback" not in captured.err + captured.out
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["reads.fasta"]


def test_missing_corpus_file(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["train", str(tmp_path / "nope.fasta"), "--out", str(tmp_path / "t")])
    assert exc.value.code == 2  # a missing path is a usage error
    assert "nope.fasta' does not exist" in capsys.readouterr().err
    assert not (tmp_path / "t").exists()


def test_cli_runner_surfaces_lab_errors_as_exit_1(tmp_path):
    corpus = tmp_path / "reads.fasta"
    corpus.write_text("")
    result = CliRunner().invoke(cli, ["train", str(corpus), "--out", str(tmp_path / "t")])
    assert result.exit_code == 1 and isinstance(result.exception, TokenizerError.__mro__[1])
    assert not (tmp_path / "t").exists()


def test_out_over_a_data_folder_is_refused(tmp_path, capsys):
    corpus = _fasta(tmp_path / "reads.fasta")
    with pytest.raises(SystemExit):
        main(["train", str(corpus), "-a", "char", "--out", str(tmp_path)])
    assert "a folder holding files that `tokenizer-lab train` did not write (reads.fasta)" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reads.fasta"]


def test_primer_options_recorded(tmp_path):
    p5, p3 = "GGGAGACAAGAATAAACGC", "TTCGACAGGAGGCTCACAAC"
    rng = random.Random(1)
    corpus = tmp_path / "selex.txt"
    corpus.write_text("".join(p5 + "".join(rng.choice("ACGT") for _ in range(15)) + p3 + "\n"
                              for _ in range(40)))
    out = tmp_path / "tok"
    result = CliRunner().invoke(cli, ["train", str(corpus), "-a", "char", "--primers", "strip",
                                      "--alphabet", "dna", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"primers: strip (5' {p5}, 3' {p3})" in result.output
    primers = json.loads((out / "lab.json").read_text())["primers"]
    assert primers == {"mode": "strip", "primer5": p5, "primer3": p3, "detected": True, "tokens": {}}
