"""On-disk cache of folds, keyed by the folded string and the energy parameters.

One SQLite file, ``folds.sqlite``, in ``$LAB_FOLD_CACHE`` or
``~/.cache/aptamer-tokenizer-lab/folds``. The key is the pair
(``FoldParams.energy_key()``, folded string): the energy key holds the ViennaRNA
version, the energy set, temperature, dangles and noLP, so any change of those misses
and refolds. Primer handling is applied outside the cache, on the folded region only,
so reads that differ only in primers share entries. Only the parent process reads and
writes; worker processes just fold. WAL mode lets several processes share the file.

>>> import tempfile
>>> from tokenizer_lab.structure.fold import FoldParams
>>> c = FoldCache(tempfile.mkdtemp())
>>> c.get_many(["GGGGAAACCCC"], FoldParams())
{}
>>> c.put_many([("GGGGAAACCCC", "((((...))))", -4.5)], FoldParams())
>>> c.get_many(["GGGGAAACCCC"], FoldParams())
{'GGGGAAACCCC': ('((((...))))', -4.5)}
>>> c.get_many(["GGGGAAACCCC"], FoldParams(temperature=20))
{}
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from tokenizer_lab.structure.fold import FoldParams

_SCHEMA = ("CREATE TABLE IF NOT EXISTS folds (energy TEXT NOT NULL, seq TEXT NOT NULL, "
           "structure TEXT NOT NULL, mfe REAL NOT NULL, PRIMARY KEY (energy, seq)) WITHOUT ROWID")
#: Base-pair probabilities (:mod:`tokenizer_lab.structure.pairs`): one BLOB per string,
#: plain little-endian arrays (never pickled), keyed like the folds plus the cutoff.
_BPP_SCHEMA = ("CREATE TABLE IF NOT EXISTS bpp (energy TEXT NOT NULL, seq TEXT NOT NULL, "
               "pairs BLOB NOT NULL, PRIMARY KEY (energy, seq)) WITHOUT ROWID")
_BATCH = 500  # SQLite's default limit on bound parameters is 999 (older builds)


def default_cache_dir() -> Path:
    """``$LAB_FOLD_CACHE`` or ``~/.cache/aptamer-tokenizer-lab/folds``."""
    env = os.environ.get("LAB_FOLD_CACHE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "aptamer-tokenizer-lab" / "folds"


class FoldCache:
    """Get and put folds in one SQLite file under ``directory``."""

    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.path = self.directory / "folds.sqlite"
        self._conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=60)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(_SCHEMA)
            conn.execute(_BPP_SCHEMA)
            conn.commit()
            self._conn = conn
        return self._conn

    def get_many(self, strings: Iterable[str], params: FoldParams) -> dict[str, tuple[str, float]]:
        """The cached folds among ``strings``: {string: (structure, mfe)}."""
        conn = self._connect()
        key = params.energy_key()
        wanted = list(dict.fromkeys(strings))
        found: dict[str, tuple[str, float]] = {}
        for k in range(0, len(wanted), _BATCH):
            chunk = wanted[k:k + _BATCH]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(f"SELECT seq, structure, mfe FROM folds WHERE energy = ? AND seq IN ({marks})",
                                [key, *chunk])
            for seq, structure, mfe in rows:
                found[seq] = (structure, mfe)
        return found

    def put_many(self, items: Sequence[tuple[str, str, float]], params: FoldParams) -> None:
        """Store (string, structure, mfe) triples in one transaction."""
        if not items:
            return
        conn = self._connect()
        key = params.energy_key()
        with conn:
            conn.executemany("INSERT OR REPLACE INTO folds VALUES (?, ?, ?, ?)",
                             [(key, s, st, m) for s, st, m in items])

    def get_blobs(self, strings: Iterable[str], key: str) -> dict[str, bytes]:
        """The cached base-pair probability blobs among ``strings`` under ``key``."""
        conn = self._connect()
        wanted = list(dict.fromkeys(strings))
        found: dict[str, bytes] = {}
        for k in range(0, len(wanted), _BATCH):
            chunk = wanted[k:k + _BATCH]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(f"SELECT seq, pairs FROM bpp WHERE energy = ? AND seq IN ({marks})",
                                [key, *chunk])
            found.update((seq, bytes(blob)) for seq, blob in rows)
        return found

    def put_blobs(self, items: Sequence[tuple[str, bytes]], key: str) -> None:
        """Store (string, blob) pairs under ``key`` in one transaction."""
        if items:
            with self._connect() as conn:
                conn.executemany("INSERT OR REPLACE INTO bpp VALUES (?, ?, ?)",
                                 [(key, s, b) for s, b in items])

    def __bool__(self) -> bool:
        return True  # an empty cache is still a cache (``cache or default`` must keep it)

    def __len__(self) -> int:
        return self._connect().execute("SELECT COUNT(*) FROM folds").fetchone()[0]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: sqlite3 may already be gone
            pass
