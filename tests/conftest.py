"""Shared fixtures: the data mirror, and quiet progress bars."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("LAB_NO_PROGRESS", "1")

# folds made by tests go to a throw-away cache, never to ~/.cache (tokenizer_lab.structure)
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

if "LAB_FOLD_CACHE" not in os.environ:
    os.environ["LAB_FOLD_CACHE"] = tempfile.mkdtemp(prefix="lab-fold-cache-")
    atexit.register(shutil.rmtree, os.environ["LAB_FOLD_CACHE"], True)

_DEFAULT_MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The folder laid out like ../shared/datasets; tests using it skip without it."""
    path = Path(os.environ.get("CORPORA_MIRROR", _DEFAULT_MIRROR))
    if not (path / "MANIFEST.tsv").is_file():
        pytest.skip(f"data mirror not found at {path} (set CORPORA_MIRROR)")
    return path
