"""Every reading command over a folder of malformed inputs (made here, in tmp_path):
exit status 1 (2 for a folder or a missing path), one line on stderr, no traceback,
and no file created or changed."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from classifier_helpers import exit_code, write_tiny_csv


def _gzip_bytes(text: str) -> bytes:
    return gzip.compress(text.encode(), mtime=0)


def _malformed(folder: Path) -> dict[str, tuple[Path, int]]:
    """name -> (path, expected exit status)."""
    good = _gzip_bytes(">a bind\nACGUACGUAC\n" * 200)
    files = {
        # compressed: right magic, broken stream (zlib.error); cut short (EOFError); bad header
        "corrupt.fa.gz": good[:12] + bytes(range(256)) * 4,
        "truncated.fa.gz": good[: len(good) // 2],
        "badheader.fa.gz": b"\x1f\x8b\x07" + b"\x00" * 40,
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "deep_obj.json": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        "binary.fa": b">a\n\x00\x01\x02ACGU\n",
        "latin1.fa": ">caf\xe9 bind\nACGUACGU\n".encode("latin-1"),
        "latin1_late.csv": ("seq,label\n" + "ACGUACGUAC,bind\n" * 5000 + "ACGU\xe9,free\n").encode("latin-1"),
        "empty.fa": b"",
        "blank.txt": b"\n\n   \n",
        "header_only.fa": b">a bind\n",
        "no_gt.fa": b"ACGU\n>b\nACGU\n",
        "fastq_cut.fq": b"@r1 bind\nACGU\n+\nIIII\n@r2 free\nACGU\n",
        "ragged.csv": b"seq,label\nACGUACGUAC,bind\nACGUACGUAC,free,extra\n",
        "no_seq_column.csv": b"name,label\nx,bind\ny,free\n",
        "json_number.json": b"42",
        "json_bad_entry.json": b'{"a": 3}',
        "json_truncated.json": b'{"a": {"seq": "ACGU"',
        "bad_letters.fa": b">a bind\nACGUXZ!!\n>b free\nACGU\n",
        "nul_in_gzip.fa.gz": _gzip_bytes(">a\n\x00\x00\n"),
    }
    out = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        out[name] = (folder / name, 1)
    (folder / "a_folder").mkdir()
    out["a_folder"] = (folder / "a_folder", 2)
    out["missing.fa"] = (folder / "missing.fa", 2)
    return out




@pytest.fixture(scope="module")
def world(tmp_path_factory):
    d = tmp_path_factory.mktemp("malformed")
    train = write_tiny_csv(d / "train.csv", n=40)
    from classifier.cli import main as classify
    from tokenizer_lab import TokenizerSpec, train_tokenizer
    assert exit_code(classify, ["-q", "train", "--arch", "kmer-logreg", "--kmer-k", "3", "--data",
                           str(train), "--out", str(d / "model")]) == 0
    tok = train_tokenizer(["ACGUACGU", "GGAUCC"], TokenizerSpec(algorithm="char"))
    tok.save(d / "tok")
    bad = d / "bad"
    bad.mkdir()
    return d, _malformed(bad)


def _commands(d: Path, path: Path, out: Path):
    from classifier.cli import main as classify
    from corpora.cli import main as corpora
    from tokenizer_lab.cli import main as tokenizer_lab
    p = str(path)
    return {
        "corpora describe": (corpora, ["describe", p, "--out", str(out / "d.json")]),
        "tokenizer-lab train": (tokenizer_lab, ["train", p, "--algorithm", "bpe", "--vocab-size",
                                                "40", "--out", str(out / "tok")]),
        "tokenizer-lab stats": (tokenizer_lab, ["stats", p, "--tokenizer", str(d / "tok")]),
        "classify train": (classify, ["train", "--arch", "kmer-logreg", "--data", p,
                                      "--out", str(out / "model")]),
        "classify evaluate": (classify, ["evaluate", "--model", str(d / "model"), "--data", p,
                                         "--out", str(out / "m.json")]),
        "classify predict": (classify, ["predict", "--model", str(d / "model"), "--data", p,
                                        "--out", str(out / "p.csv")]),
    }


COMMANDS = ["corpora describe", "tokenizer-lab train", "tokenizer-lab stats", "classify train",
            "classify evaluate", "classify predict"]
NAMES = sorted(_malformed.__code__.co_consts[-1] if False else [
    "corrupt.fa.gz", "truncated.fa.gz", "badheader.fa.gz", "deep.json", "deep_obj.json",
    "binary.fa", "latin1.fa", "latin1_late.csv", "empty.fa", "blank.txt", "header_only.fa",
    "no_gt.fa", "fastq_cut.fq", "ragged.csv", "no_seq_column.csv", "json_number.json",
    "json_bad_entry.json", "json_truncated.json", "bad_letters.fa", "nul_in_gzip.fa.gz",
    "a_folder", "missing.fa"])


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in filenames + dirnames:
            p = Path(dirpath) / n
            st = p.lstat()
            out[str(p.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return out


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("command", COMMANDS)
def test_malformed_input(world, tmp_path, capsys, command, name):
    d, cases = world
    path, status = cases[name]
    out = tmp_path / "out"
    out.mkdir()
    before, before_out = _snapshot(d), _snapshot(out)
    main, args = _commands(d, path, out)[command]
    code = exit_code(main, args)
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith(("INFO", "WARNING"))]
    if status == 2:  # click's usage error: "Usage: ...", "Try ...", "Error: ..."
        assert code == 2, err
        assert sum(ln.startswith("Error:") for ln in lines) == 1, err
    else:
        assert code == 1, err
        assert len(lines) == 1 and lines[0].startswith("Error: "), err
        assert str(path.name) in lines[0], err
    assert _snapshot(d) == before and _snapshot(out) == before_out
