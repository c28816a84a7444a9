"""CPU threads for torch on a shared machine.

On two cores that other processes also use, two torch threads spin-wait for each
other: measured here under load, a tiny ALBERT trained at 8 sequences/s with 2
threads and 65 with 1. So the default takes only the cores that are idle now.

>>> 1 <= auto_threads() <= (os.cpu_count() or 1)
True
"""

from __future__ import annotations

import logging
import os

import torch

log = logging.getLogger(__name__)


def auto_threads() -> int:
    """Cores minus the current 1-minute load average (at least 1)."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        return cores
    return max(1, min(cores, int(cores - load + 0.5)))


def set_threads(threads: int | None) -> int:
    """``torch.set_num_threads`` with ``threads`` or :func:`auto_threads`; returns the number."""
    n = threads or auto_threads()
    torch.set_num_threads(n)
    log.debug("torch uses %d CPU thread(s)", n)
    return n
