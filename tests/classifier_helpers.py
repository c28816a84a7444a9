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
