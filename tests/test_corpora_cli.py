"""`corpora tasks`, `corpora fetch`, `corpora describe`: outputs, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from corpora import ChecksumError, FileFormatError
from corpora.cli import cli, main
from corpora.registry import DATASETS


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    for var in ("CORPORA_MIRROR", "CORPORA_CACHE", "CORPORA_BASE_URL"):
        monkeypatch.delenv(var, raising=False)


def run_main(args, capsys):
    """Run the real entry point (the project's error policy) and return (status, out, err)."""
    try:
        main(["--quiet", *args])
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_tasks_lists_every_task():
    result = CliRunner().invoke(cli, ["tasks"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert names == ["nrc", "alx4-r0-r4", "alx4-r1-r2", "alx4-5way", "igfbp3-quartiles",
                     "chk2-quartiles", "aptacom-target", "raptgen-motif10", "selex-sim"]
    assert "[aptacom]" in result.output


def test_fetch_through_mirror_and_environment(mirror, tmp_path, monkeypatch):
    result = CliRunner().invoke(cli, ["fetch", "raptgen-motif10", "--mirror", str(mirror),
                                      "--cache-dir", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert result.output.count("sha256 ok") == len(DATASETS["raptgen-sim"].files)
    assert (tmp_path / "c/raptgen-sim/multiple_sequences.txt").is_file()
    monkeypatch.setenv("CORPORA_MIRROR", str(mirror))
    monkeypatch.setenv("CORPORA_CACHE", str(tmp_path / "env-cache"))
    result = CliRunner().invoke(cli, ["fetch", "chk2-aptamer"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env-cache/chk2-aptamer/CHK2.json").is_file()


def test_fetch_wrong_checksum_one_line_exit_1_no_file(mirror, tmp_path, capsys):
    bad = tmp_path / "bad"
    (bad / "chk2-aptamer").mkdir(parents=True)
    data = (mirror / "chk2-aptamer/CHK2.json").read_bytes()
    (bad / "chk2-aptamer/CHK2.json").write_bytes(data.replace(b"6428", b"6429", 1))
    cache = tmp_path / "cache"
    args = ["fetch", "chk2-aptamer", "--mirror", str(bad), "--cache-dir", str(cache)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and isinstance(result.exception, ChecksumError)
    code, out, err = run_main(args, capsys)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {bad / 'chk2-aptamer/CHK2.json'}: sha256 ")
    assert DATASETS["chk2-aptamer"].files[0].sha256 in lines[0]
    assert "Traceback" not in err
    assert not (cache / "chk2-aptamer/CHK2.json").exists()


def test_unknown_names_are_usage_errors_listing_choices(tmp_path):
    result = CliRunner().invoke(cli, ["describe", "nrcc"])
    assert result.exit_code == 2
    assert "unknown task 'nrcc'; tasks: nrc, alx4-r0-r4" in result.output
    assert "selex-sim" in result.output
    result = CliRunner().invoke(cli, ["fetch", "nope", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 2 and "data sets: nrc, nrc-original" in result.output


def test_describe_nrc_reports_overlap(mirror):
    result = CliRunner().invoke(cli, ["describe", "nrc", "--mirror", str(mirror)])
    assert result.exit_code == 0, result.output
    out = result.stdout  # log lines go to stderr
    assert out.splitlines()[0] == "nrc: 8689 records (train 5542, valid 618, test 2529), 13 classes"
    assert "overlap: 341 test sequences also in train or valid" in out
    assert "alphabet: dna" in out and "  all    38 / " in out


def test_describe_file_json_and_out(tmp_path):
    f = tmp_path / "lib.csv"
    f.write_text("seq,label\nACGTACGT,a\nACGTACGT,b\nGGGGCCCCAA,a\n")
    out = tmp_path / "d.json"
    result = CliRunner().invoke(cli, ["describe", str(f), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    d = json.loads(out.read_text())
    assert json.loads(result.output) == d
    assert d["sizes"] == {"all": 3} and d["classes"] == {"a": {"all": 2}, "b": {"all": 1}}
    assert d["duplicates"]["all"] == {"records": 3, "distinct": 2, "conflicting_labels": 2}
    assert d["lengths"]["all"]["max"] == 10


def test_describe_headerless_with_label_column_index(mirror):
    result = CliRunner().invoke(cli, ["describe", str(mirror / "raptgen-sim/multiple_sequences.txt"),
                                      "--label-column", "0", "--label-from", "column"])
    assert result.exit_code == 0, result.output
    assert "10 classes" in result.output.splitlines()[0]


@pytest.mark.parametrize("content, extra, expected", [
    ("name,value\nx,ACGTACGT\n", [], ":1: no sequence column; expected one named sequence/seq/"),
    ("seq,label\nACGT,a\n", ["--label-column", "kind"], ":1: no label column 'kind'; columns are"),
    ("seq,label\nACGT,a\nGGGG,b,extra\n", [], ":3: ragged row: 3 fields, expected 2"),
    ("seq,label\nAC1T,a\n", [], ":2: record 'x_2': digit '1' at position 3"),
])
def test_describe_bad_files_one_line_exit_1_no_output(tmp_path, capsys, content, extra, expected):
    f = tmp_path / "x.csv"
    f.write_text(content)
    out = tmp_path / "summary.json"
    args = ["describe", str(f), "--out", str(out), *extra]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and isinstance(result.exception, FileFormatError)
    code, stdout, err = run_main(args, capsys)
    assert code == 1 and stdout == ""
    assert err.count("\n") == 1 and err.startswith(f"Error: {f}{expected}"), err
    assert not out.exists() and list(tmp_path.iterdir()) == [f]


def test_describe_similarity_split_has_no_near_duplicates_across_parts(mirror):
    args = ["describe", "raptgen-motif10", "--mirror", str(mirror), "--near", "--json"]
    # (at identity 0.9 a random split leaves 685 test reads with a near-copy in train)
    result = CliRunner().invoke(cli, [*args, "--split", "similarity", "--identity", "0.95"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["overlap"] == {"valid_in_train": 0, "test_in_train": 0, "test_in_train_or_valid": 0,
                            "valid_near_train": 0, "test_near_train": 0, "near_identity": 0.95}
    assert d["report"]["split"]["method"] == "similarity" and d["sizes"]["test"] > 1900
    assert len(d["classes"]) == 10


def test_folder_and_unwritable_cache_are_clean_errors(mirror, tmp_path, capsys):
    result = CliRunner().invoke(cli, ["describe", str(tmp_path)])
    assert result.exit_code == 2 and "is a folder; give a sequence file or a task name" in result.output
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, out, err = run_main(["fetch", "raptgen-sim", "--mirror", str(mirror),
                               "--cache-dir", str(blocker / "cache")], capsys)
    assert code == 1 and err.count("\n") == 1
    assert err.startswith(f"Error: {blocker / 'cache'}: cannot create the cache folder")
