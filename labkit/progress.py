"""Progress bars on a terminal only (and never with --quiet or in tests)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")
_QUIET = False


def set_quiet(quiet: bool) -> None:
    """Called by the command lines for --quiet."""
    global _QUIET
    _QUIET = quiet


def show_progress() -> bool:
    """True when stderr is a terminal, not --quiet and not disabled by the environment."""
    if _QUIET or os.environ.get("LAB_NO_PROGRESS"):
        return False
    return sys.stderr.isatty()


def progress(iterable: Iterable[T], desc: str = "", total: int | None = None,
             unit: str = "it") -> Iterable[T]:
    """Wrap an iterable in a tqdm bar when :func:`show_progress` says so."""
    if not show_progress():
        return iterable
    return tqdm(iterable, desc=desc, total=total, unit=unit, leave=False, dynamic_ncols=True)
