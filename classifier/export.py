"""`classify export MODELDIR --hub-ready OUT`: check a model directory is complete, copy it.

The copy is what `huggingface-cli upload REPO_ID OUT` (on a networked machine) uploads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from labkit.atomic import atomic_dir

from .artifacts import load_model_dir, missing_files
from .errors import ClassifierError


def check_complete(model_dir: str | Path) -> list[str]:
    """The files of a complete model directory, or :class:`ClassifierError` naming what is missing."""
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise ClassifierError(f"{model_dir}: no such model directory")
    missing = missing_files(model_dir)
    if missing:
        raise ClassifierError(f"{model_dir}: incomplete model directory, missing "
                              f"{', '.join(missing)}; retrain with `classify train --out`")
    load_model_dir(model_dir)  # the weights and tokenizer must load, not just exist
    return sorted(str(p.relative_to(model_dir)) for p in model_dir.rglob("*") if p.is_file())


def export_hub_ready(model_dir: str | Path, out: str | Path) -> list[str]:
    """Copy a checked, complete model directory to ``out`` (atomically); returns its files."""
    files = check_complete(model_dir)
    model_dir, out = Path(model_dir), Path(out)
    if out.resolve() == model_dir.resolve():
        raise ClassifierError(f"{out}: is the model directory itself; choose another --hub-ready folder")
    with atomic_dir(out) as tmp:
        for rel in files:
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(model_dir / rel, tmp / rel)
    return files
