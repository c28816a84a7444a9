"""CPU threads for torch on a shared machine, and the peak memory of a block of work.

On two cores that other processes also use, two torch threads spin-wait for each
other: measured here under load, a tiny ALBERT trained at 8 sequences/s with 2
threads and 65 with 1. So the default takes only the cores that are idle now.

>>> 1 <= auto_threads() <= (os.cpu_count() or 1)
True
"""

from __future__ import annotations

import logging
import os
import re
import resource

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


_OPEN: list["PeakMemory"] = []


class PeakMemory:
    """Peak memory (MB) of this process while the block runs: GPU memory on a GPU, else
    the resident set size.

    On Linux the resident peak (VmHWM) is reset on entry, so each of several runs in one
    worker gets its own peak; elsewhere it is the lifetime maximum (``ru_maxrss``).
    Blocks nest: an inner block's reset first hands the peak so far to the outer ones.

    >>> with PeakMemory() as outer:
    ...     big = bytearray(60_000_000)
    ...     del big
    ...     with PeakMemory() as inner:
    ...         small = bytearray(1_000_000)
    >>> outer.mb > 55, inner.mb <= outer.mb
    (True, True)
    """

    def __init__(self) -> None:
        self.mb = 0.0

    def start(self) -> "PeakMemory":
        _hand_to_open(_peak_mb())
        _reset_peak()
        self.mb = _peak_mb()
        _OPEN.append(self)
        return self

    def stop(self) -> float:
        """End the block; returns the peak in MB (also in ``.mb``)."""
        if self in _OPEN:
            _OPEN.remove(self)
            self.mb = round(max(self.mb, _peak_mb()), 1)
            _hand_to_open(self.mb)
        return self.mb

    def __enter__(self) -> "PeakMemory":
        return self.start()

    def __exit__(self, *exc) -> bool:
        self.stop()
        return False


def _hand_to_open(mb: float) -> None:
    for block in _OPEN:
        block.mb = max(block.mb, mb)


def _reset_peak() -> None:
    """Linux: writing 5 to clear_refs resets VmHWM; CUDA has its own counter."""
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def _peak_mb() -> float:
    if torch.cuda.is_available():
        return torch.cuda.max_memory_allocated() / 2**20
    try:
        with open("/proc/self/status") as fh:
            found = re.search(r"^VmHWM:\s+(\d+) kB", fh.read(), re.M)
        if found:
            return int(found.group(1)) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
