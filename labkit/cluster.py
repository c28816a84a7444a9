"""Ray, the optional cluster engine behind ``--backend ray`` (folding, ablation grids).

Ray is an extra (``pip install 'aptamer-tokenizer-lab[ray]'``); this module is the one
place that imports it, connects, and turns its failures into one-line errors.

``address`` follows ``ray.init``: ``None`` starts a Ray instance on this machine for
the command (and stops it after); ``"auto"`` joins the cluster that ``ray start`` runs
on this node; ``"HOST:6379"`` a head node's address; ``"ray://HOST:10001"`` a cluster
through Ray Client. A Ray connection the caller already opened (``ray.init`` in a
notebook or a test) is used as it is and left open.

>>> check_backend("local"), check_backend("ray")
('local', 'ray')
>>> check_backend("spark")
Traceback (most recent call last):
...
ValueError: backend must be one of ('local', 'ray'), got 'spark'
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterator

from labkit.errors import LabError

log = logging.getLogger(__name__)

BACKENDS = ("local", "ray")
INSTALL_HINT = "pip install 'aptamer-tokenizer-lab[ray]'"


class ClusterError(LabError):
    """Ray missing or unreachable (one line that says what to do)."""


def check_backend(name: str) -> str:
    """``name`` if it is a known backend, else ValueError listing them."""
    if name not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {name!r}")
    return name


def first_line(exc: BaseException) -> str:
    """The first non-empty line of an exception's message (Ray's carry tracebacks).

    >>> first_line(RuntimeError("worker died\\n  File ..."))
    'worker died'
    >>> first_line(KeyError())
    'KeyError'
    """
    for line in str(exc).splitlines():
        if line.strip():
            return line.strip()
    return type(exc).__name__


def require_ray():
    """The ``ray`` module, or ClusterError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise ClusterError(f"--backend ray needs Ray, which is not installed: {INSTALL_HINT}") from None
    return ray


@contextlib.contextmanager
def ray_session(address: str | None = None) -> Iterator:
    """Connected ``ray`` for the block: the caller's connection, or one opened here.

    Opened here: no dashboard, no usage statistics, worker logs kept out of the
    driver's terminal (runs log to their own files under Ray's session folder).
    """
    ray = require_ray()
    if ray.is_initialized():
        yield ray
        return
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    kwargs = {"log_to_driver": False, "configure_logging": False}
    if address is None:
        kwargs["include_dashboard"] = False  # a local instance: nothing to look at
    try:
        with warnings.catch_warnings():  # Ray Client warns, then raises what the error below says
            warnings.filterwarnings("ignore", message="Ray Client connection timed out")
            ray.init(address=address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first = first_line(exc)
        where = address or "a new local instance"
        hint = ("start a cluster with `ray start --head`, or leave --ray-address out to run on "
                "this machine")
        if (address or "").startswith("ray://") and "RAY_AUTH_MODE" not in os.environ:
            # Ray >= 2.59 turns token authentication on; Ray Client then just times out
            hint += ("; a cluster with token authentication needs RAY_AUTH_MODE=token and its "
                     "RAY_AUTH_TOKEN here")
        raise ClusterError(f"cannot connect to Ray at {where}: {first} ({hint})") from None
    resources = ray.cluster_resources()
    log.info("Ray: %s, %g CPUs, %g GPUs", address or "local instance",
             resources.get("CPU", 0), resources.get("GPU", 0))
    try:
        yield ray
    finally:
        ray.shutdown()
