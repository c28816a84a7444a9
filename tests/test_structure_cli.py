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


@pytest.fixture(scope="module")
def struct_dir(tmp_path_factory):
    from tokenizer_lab import train_tokenizer
    d = tmp_path_factory.mktemp("tok")
    seqs = [r.seq for r in simulate(SelexConfig(seed=4, rounds=1, reads_per_round=60))]
    return train_tokenizer(seqs, algorithm="struct-bpe", vocab_size=64, alphabet="dna").save(d / "sb"), seqs


def test_inspect_plot_writes_png_and_svg(struct_dir, tmp_path):
    import xml.etree.ElementTree as ET
    tok_dir, seqs = struct_dir
    res = CliRunner().invoke(cli, ["inspect", seqs[0], "-t", str(tok_dir), "--plot", str(tmp_path / "a.png")])
    assert res.exit_code == 0, res.output
    data = (tmp_path / "a.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000
    # the text view of a struct-* tokenizer shows the fold aligned under the tokens
    lines = {ln.split()[0]: ln for ln in res.stdout.splitlines() if ln.strip()}
    assert len(lines["structure"].split()[1]) == 19 and len(lines["elements"]) == len(lines["tokens"])
    res = CliRunner().invoke(cli, ["inspect", seqs[1], "-t", str(tok_dir), "--plot", str(tmp_path / "b.svg"),
                                   "--no-structure"])
    assert res.exit_code == 0, res.output
    assert ET.parse(tmp_path / "b.svg").getroot().tag.endswith("svg")
    assert "structure" not in res.stdout


def test_inspect_plot_bad_extension_is_usage_error(struct_dir, tmp_path):
    tok_dir, seqs = struct_dir
    res = CliRunner().invoke(cli, ["inspect", seqs[0], "-t", str(tok_dir), "--plot", str(tmp_path / "a.jpg")])
    assert res.exit_code == 2 and "must end in .png, .svg or .pdf" in res.output
    assert list(tmp_path.iterdir()) == []


def test_stats_structure_rows_compare_plain_and_structure_aware(struct_dir, tmp_path):
    from tokenizer_lab import train_tokenizer
    tok_dir, seqs = struct_dir
    plain = train_tokenizer(seqs, algorithm="bpe", vocab_size=64, alphabet="dna").save(tmp_path / "bpe")
    corpus = tmp_path / "c.fasta"
    corpus.write_text("".join(f">r{i}\n{s}\n" for i, s in enumerate(seqs[:40])))
    res = CliRunner().invoke(cli, ["stats", str(corpus), "-t", str(plain), "-t", str(tok_dir), "--json"])
    assert res.exit_code == 0, res.output
    rows = [t["structure"] for t in json.loads(res.stdout)["tokenizers"]]
    assert rows[1]["crossing_rate"] == 0.0 and rows[1]["boundary_recall"] == 1.0
    assert rows[0]["crossing_rate"] > 0.1 and rows[0]["boundary_f1"] < rows[1]["boundary_f1"]
    res = CliRunner().invoke(cli, ["stats", str(corpus), "-t", str(tok_dir), "--no-structure", "--json"])
    assert "structure" not in json.loads(res.stdout)["tokenizers"][0]
