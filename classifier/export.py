"""`classify export MODELDIR --hub-ready OUT`: check a model directory is complete, copy it.

The copy is what `huggingface-cli upload REPO_ID OUT` (on a networked machine) uploads, so
only the regular files `classify train` writes leave: a symbolic link (to a secret, say),
a FIFO or any other file in the folder is refused, and nothing is copied.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from labkit.outdir import claim_out_dir, kind_of
from labkit.atomic import atomic_dir

from .artifacts import INFO_FILE, OPTIONAL_FILES, load_model_dir, missing_files, needed_files
from .errors import ClassifierError


def _regular_files(model_dir: Path) -> list[str]:
    """Every file under ``model_dir`` (relative, sorted); a link or a special file is an error."""
    files = []
    for root, dirs, names in os.walk(model_dir):  # never follows a linked folder
        for name in sorted(dirs + names):
            p = Path(root) / name
            kind = kind_of(p)
            if kind is not None:
                raise ClassifierError(f"{p}: is {kind}; expected only the regular files "
                                      "`classify train` writes; nothing was exported")
            if name in names:
                files.append(str(p.relative_to(model_dir)))
    return sorted(files)


def check_complete(model_dir: str | Path) -> list[str]:
    """The files of a complete model directory, or :class:`ClassifierError` naming what is
    missing, linked or foreign."""
    model_dir = Path(model_dir)
    if not model_dir.is_dir() or kind_of(model_dir) is not None:
        raise ClassifierError(f"{model_dir}: no such model directory")
    files = _regular_files(model_dir)
    missing = missing_files(model_dir)
    if missing:
        raise ClassifierError(f"{model_dir}: incomplete model directory, missing "
                              f"{', '.join(missing)}; retrain with `classify train --out`")
    extra = sorted(set(files) - set(needed_files(model_dir)) - set(OPTIONAL_FILES))
    if extra:
        raise ClassifierError(f"{model_dir}: holds files `classify train` does not write "
                              f"({', '.join(extra[:3])}{' ...' if len(extra) > 3 else ''}); "
                              "move them out, nothing was exported")
    load_model_dir(model_dir)  # the weights and tokenizer must load, not just exist
    return files


def export_hub_ready(model_dir: str | Path, out: str | Path) -> list[str]:
    """Copy a checked, complete model directory to ``out`` (atomically); returns its files.

    ``out`` must be new, or an earlier export or model folder (it holds training_config.json).
    """
    files = check_complete(model_dir)
    model_dir, out = Path(model_dir), Path(out)
    if out.resolve() == model_dir.resolve():
        raise ClassifierError(f"{out}: is the model directory itself; choose another --hub-ready folder")
    with claim_out_dir(out, marker=INFO_FILE, command="classify export", has_overwrite=False), \
            atomic_dir(out) as tmp:
        for rel in files:
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(model_dir / rel, tmp / rel, follow_symlinks=False)
    return files
