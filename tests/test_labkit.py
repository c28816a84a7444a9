"""labkit: the plumbing below the three packages (error policy, exit codes, atomic writes)."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from labkit.cli import lab_group, run_cli
from labkit.errors import EXIT_DATA, EXIT_USAGE, LabError


def test_labkit_imports_none_of_the_three_packages():
    code = ("import sys, labkit, labkit.cli, labkit.atomic, labkit.progress, labkit.errors; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('corpora', 'tokenizer_lab', 'classifier')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _group():
    group = lab_group("test group")

    @group.command()
    @click.option("--n", type=click.IntRange(1), default=1)
    def fail(n):
        raise LabError(f"data.csv:3: found {n!r}, expected a sequence")

    return group


def test_lab_error_is_one_line_and_exit_1(capsys):
    with pytest.raises(SystemExit) as info:
        run_cli(_group(), "t", ["fail"])
    assert info.value.code == EXIT_DATA == 1
    assert capsys.readouterr().err == "Error: data.csv:3: found 1, expected a sequence\n"


def test_debug_shows_the_traceback():
    with pytest.raises(LabError, match="found 1"):
        run_cli(_group(), "t", ["--debug", "fail"])


# one bad option value per entry point: each exits 2 with click's one-line message
BAD_VALUES = [
    ("corpora.cli", ["simulate", "--out", "{tmp}/x.fasta", "--reads", "8", "--binder-fraction", "1"]),
    ("corpora.cli", ["simulate", "--out", "{tmp}/x.fasta", "--reads", "8", "--random-length", "0"]),
    ("tokenizer_lab.cli", ["train", "{tmp}/reads.txt", "--vocab-size", "8", "--out", "{tmp}/tok"]),
    ("classifier.cli", ["train", "--arch", "kmer-logreg", "--data", "{tmp}/reads.txt",
                        "--epochs", "0", "--out", "{tmp}/m"]),
    ("classifier.cli", ["ablate", "--data", "{tmp}/reads.txt", "--test", "{tmp}/reads.txt",
                        "--tokenizers", "char", "--lr", "-1", "--out", "{tmp}/a"]),
    ("classifier.cli", ["demo", "--out", "{tmp}/demo", "--jobs", "0"]),
]


@pytest.mark.parametrize("module, args", BAD_VALUES)
def test_a_bad_option_value_exits_2_everywhere(tmp_path, capsys, module, args):
    import importlib
    (tmp_path / "reads.txt").write_text("ACGUACGUAC\n")
    main = importlib.import_module(module).main
    with pytest.raises(SystemExit) as info:
        main([a.format(tmp=tmp_path) for a in args])
    assert info.value.code == EXIT_USAGE == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("Error: ") and "Traceback" not in "".join(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reads.txt"]  # nothing written


def test_read_document_names_the_file_for_every_failure(tmp_path):
    import json

    from labkit.documents import read_document
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    cases = [(deep, "damaged JSON: nested too deeply"), (binary, "not a text file"),
             (tmp_path, "cannot be read (Is a directory)"), (tmp_path / "no.json", "run it first")]
    for path, expect in cases:
        with pytest.raises(LabError) as exc:
            read_document(path, json.loads, "JSON", "run it first")
        assert str(exc.value).startswith(f"{path}: {expect}")
