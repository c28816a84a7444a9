"""Tiny real data for the classifier tests: two planted motifs, a char tokenizer."""

from __future__ import annotations

import random
from pathlib import Path

MOTIFS = {"bind": "GGAUCC", "free": "UUACGA"}


def write_tiny_csv(path: Path, n: int = 60, seed: int = 0, length: int = 18,
                   labels=("bind", "free")) -> Path:
    """CSV sequence,label,id with one class motif planted in a random background."""
    rng = random.Random(seed)
    rows = ["id,sequence,label"]
    for i in range(n):
        label = labels[i % len(labels)]
        motif = MOTIFS.get(label, "CCCCCC")
        bg = "".join(rng.choice("ACGU") for _ in range(length - len(motif)))
        at = rng.randrange(len(bg) + 1)
        rows.append(f"{path.stem}{i},{bg[:at] + motif + bg[at:]},{label}")
    path.write_text("\n".join(rows) + "\n")
    return path


FAST = dict(epochs=2, batch_size=16, eval_batch_size=64, threads=1, patience=0)


def tiny_char_task(d: Path, n_train: int, n_test: int):
    """(folder, char tokenizer, train records, test records) on two tiny CSVs in ``d``."""
    from corpora import read_records
    from tokenizer_lab import TokenizerSpec, train_tokenizer
    train = list(read_records(write_tiny_csv(d / "train.csv", n=n_train, seed=0)))
    test = list(read_records(write_tiny_csv(d / "test.csv", n=n_test, seed=1)))
    tok = train_tokenizer([r.seq for r in train], TokenizerSpec(algorithm="char"))
    return d, tok, train, test


def exit_code(main, args) -> int:
    """A click ``main``'s exit status (0 when it returns)."""
    try:
        main(args)
    except SystemExit as exc:
        return exc.code
    return 0


def one_line_error(capsys) -> str:
    """The one ``Error: ...`` line a CLI printed on stderr (no traceback, nothing else)."""
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith(("INFO", "WARNING"))]
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    return lines[0]


def classify(args) -> int:
    """Exit code of ``classify ARGS`` run in this process."""
    from classifier.cli import main
    return exit_code(main, args)


def tokenizer_lab(args) -> int:
    """Exit code of ``tokenizer-lab ARGS`` run in this process."""
    from tokenizer_lab.cli import main
    return exit_code(main, args)
