"""`tokenizer-lab inspect`: the TokenView, its text and JSON, truncation, CLI errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tokenizer_lab import TokenizerError, train_tokenizer
from tokenizer_lab.cli import cli, main
from tokenizer_lab.inspect import inspect_sequence, render_text


@pytest.fixture(scope="module")
def char_tok():
    return train_tokenizer(["ACGU"], algorithm="char")


@pytest.fixture(scope="module")
def kmer_tok():
    return train_tokenizer(["ACGUACGU"], algorithm="kmer", k=3, stride=1)


@pytest.fixture(scope="module")
def saved(tmp_path_factory, char_tok, kmer_tok):
    root = tmp_path_factory.mktemp("toks")
    return {"char": char_tok.save(root / "char"), "kmer": kmer_tok.save(root / "kmer"),
            "kmer3": train_tokenizer(["ACGUACGU"], algorithm="kmer", k=3, stride=3).save(root / "k3")}


def test_char_text_with_padding(char_tok):
    view = inspect_sequence(char_tok, "acgt", max_length=8)
    assert render_text(view) == "\n".join([
        "tokenizer  char, vocabulary 9",
        "length     4 nt -> 4 tokens (1.00 nt/token)",
        "tokens     A C G U",
        "input      [CLS] A C G U [SEP] [PAD] [PAD]",
        "ids        2     5 6 7 8 3     0     0",
        "attention  1     1 1 1 1 1     0     0",
        "special    1     0 0 0 0 1     1     1",
        "max length 8: 2 padding tokens"])
    assert view.padding == 2 and view.cut_tokens == 0 and view.warning is None


def test_overlapping_kmers_are_stacked(kmer_tok):
    view = inspect_sequence(kmer_tok, "ACGUAC")
    assert render_text(view) == "\n".join([
        "tokenizer  kmer, vocabulary 73",
        "length     6 nt -> 4 tokens (1.50 nt/token)",
        "sequence   ACGUAC",
        "tokens     ACG",
        "            CGU",
        "             GUA",
        "              UAC",
        "input      [CLS] ACG CGU GUA UAC [SEP]",
        "ids        2     15  36  53  58  3",
        "attention  1     1   1   1   1   1",
        "special    1     0   0   0   0   1"])


def test_truncation_counts_cut_nucleotides(kmer_tok):
    view = inspect_sequence(kmer_tok, "ACGUACGUAC", max_length=6)
    assert view.input_tokens == ["[CLS]", "ACG", "CGU", "GUA", "UAC", "[SEP]"]
    # four 3-mers kept end at nucleotide 6: nucleotides 7-10 are lost
    assert (view.cut_tokens, view.cut_nt) == (4, 4)
    assert view.warning == ("--max-length 6 truncates: 4 of 8 tokens and 4 of 10 nt cut "
                            "(nucleotides 7-10)")
    assert render_text(view).splitlines()[-1] == f"warning: {view.warning}"


def test_json_view_of_kmer(kmer_tok):
    d = inspect_sequence(kmer_tok, "ACGUA", max_length=7).to_dict()
    assert d == {
        "id": None, "sequence": "ACGUA", "tokens": ["ACG", "CGU", "GUA"],
        "spans": [[0, 3], [1, 4], [2, 5]], "token_ids": [15, 36, 53],
        "input_ids": [2, 15, 36, 53, 3, 0, 0],
        "input_tokens": ["[CLS]", "ACG", "CGU", "GUA", "[SEP]", "[PAD]", "[PAD]"],
        "attention_mask": [1, 1, 1, 1, 1, 0, 0], "special_tokens_mask": [1, 0, 0, 0, 1, 1, 1],
        "max_length": 7, "padding": 2, "cut_tokens": 0, "cut_nt": 0, "algorithm": "kmer",
        "vocab_size": 73, "tracks": {}, "nucleotides": 5, "nt_per_token": 1.667, "warning": None}


def test_tracks_are_aligned_under_tiled_tokens(char_tok):
    view = inspect_sequence(char_tok, "GGAC", tracks={"structure": "(..)"})
    assert render_text(view, tracks_only=True) == "tokens     G G A C\nstructure  ( . . )"
    with pytest.raises(ValueError, match="track 'structure' has 3 characters for 4 nt"):
        inspect_sequence(char_tok, "GGAC", tracks={"structure": "(.)"})


def test_bad_letters_raise(char_tok):
    with pytest.raises(TokenizerError, match="'X' at position 3"):
        inspect_sequence(char_tok, "ACXG")


def test_cli_text_and_json(saved):
    r = CliRunner().invoke(cli, ["inspect", "ACGUACGU", "-t", str(saved["kmer3"])])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[2] == "tokens     ACG UAC G U"
    r = CliRunner().invoke(cli, ["inspect", "ACGUACGU", "-t", str(saved["kmer3"]), "--json",
                                 "--max-length", "4"])
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["input_tokens"] == ["[CLS]", "ACG", "UAC", "[SEP]"] and d["cut_nt"] == 2


def test_cli_reads_stdin_and_files(saved, tmp_path):
    fasta = tmp_path / "two.fasta"
    fasta.write_text(">a\nACGU\n>b\nGG\n")
    r = CliRunner().invoke(cli, ["inspect", str(fasta), "-t", str(saved["char"]), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["id"] == "a"
    r = CliRunner().invoke(cli, ["inspect", str(fasta), "-t", str(saved["char"]), "--json", "--all"])
    assert [d["tokens"] for d in json.loads(r.stdout)] == [["A", "C", "G", "U"], ["G", "G"]]
    r = CliRunner().invoke(cli, ["inspect", "-", "-t", str(saved["char"])], input=">x\nCCA\n")
    assert r.exit_code == 0 and r.stdout.splitlines()[:2] == ["record     x",
                                                              "tokenizer  char, vocabulary 9"]


@pytest.mark.parametrize("args, message, code", [
    (["inspect", "ACG", "-t", "{tmp}/nope"], "Directory '{tmp}/nope' does not exist.", 2),
    (["inspect", "ACZG", "-t", "{char}"], "Error: sequence 'ACZG': character 'Z' at position 3; "
                                          "expected ACGU", 1),
    (["inspect", "reads.fasta", "-t", "{char}"],
     "reads.fasta: no such file (SEQ is a sequence, a file or - for stdin)", 2),
])
def test_cli_bad_input_one_line(args, message, code, saved, tmp_path, capsys):
    """Data errors: one line, exit 1; a missing path is a usage error (exit 2)."""
    fill = {"tmp": tmp_path, "char": saved["char"]}
    with pytest.raises(SystemExit) as exc:
        main([a.format(**fill) for a in args])
    assert exc.value.code == code
    err = capsys.readouterr().err
    if code == 1:
        assert err.strip() == message.format(**fill)
    else:
        assert err.strip().splitlines()[-1].endswith(message.format(**fill)), err
    assert "Traceback" not in err


def test_cli_usage_error_exit_2(saved):
    r = CliRunner().invoke(cli, ["inspect", "ACG", "-t", str(saved["char"]), "--max-length", "1"])
    assert r.exit_code == 2 and "--max-length" in r.output
