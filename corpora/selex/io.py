"""Writing a simulated library so that its ground truth survives the file.

A FASTA header carries the truth as ``key=value`` words, which
:func:`corpora.readers.read_records` puts into ``Record.meta`` (as strings) and
whose ``label=`` it takes as the label::

    >sim_000123 round=3 label=binder binder=true motifs=hp_uucg:hairpin:31-45 decoys=- mutations=1 primer5=0-19 primer3=59-79

:func:`ground_truth` turns either form (fresh from :func:`simulate` or read back
from a file) into the same typed dictionary; :func:`motif_spans` gives the
planted motifs as ``(name, kind, start, end)``, 0-based and half-open in the read.
"""

from __future__ import annotations

import csv
import json
import logging
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from labkit.atomic import atomic_write
from ..errors import FileFormatError, LabError
from ..readers import read_records
from ..records import Record

log = logging.getLogger(__name__)
LIBRARY_FORMATS = ("fasta", "tsv")
TSV_COLUMNS = ("id", "sequence", "label", "round", "binder", "motifs", "decoys", "mutations",
               "primer5", "primer3")


def format_spans(spans: list[dict]) -> str:
    """``[{"name", "kind", "start", "end"}]`` -> ``name:kind:start-end,...`` (``-`` if none).

    >>> format_spans([{"name": "hp1", "kind": "hairpin", "start": 12, "end": 26}])
    'hp1:hairpin:12-26'
    >>> format_spans([])
    '-'
    """
    return ",".join(f"{s['name']}:{s['kind']}:{s['start']}-{s['end']}" for s in spans) or "-"


def parse_spans(text: str) -> list[dict]:
    """The inverse of :func:`format_spans`.

    >>> parse_spans("hp1:hairpin:12-26,lin2:linear:40-48")[1]
    {'name': 'lin2', 'kind': 'linear', 'start': 40, 'end': 48}
    >>> parse_spans("-")
    []
    """
    if text in ("", "-"):
        return []
    out = []
    for item in text.split(","):
        try:
            name, kind, rng = item.split(":")
            start, end = (int(x) for x in rng.split("-"))
        except ValueError:
            raise ValueError(f"motif span {item!r} is not name:kind:start-end") from None
        out.append({"name": name, "kind": kind, "start": start, "end": end})
    return out


def _pair(text: str | list) -> list[int]:
    if isinstance(text, str):
        a, b = text.split("-")
        return [int(a), int(b)]
    return [int(text[0]), int(text[1])]


def ground_truth(record: Record | dict[str, Any]) -> dict[str, Any]:
    """Typed truth of a simulated read, from ``Record.meta`` fresh or read from a file.

    >>> meta = {"round": "2", "binder": "true", "motifs": "lin_gq:linear:30-38",
    ...         "decoys": "-", "mutations": "0", "primer5": "0-19", "primer3": "59-79"}
    >>> t = ground_truth(meta)
    >>> t["round"], t["binder"], t["motifs"][0]["start"], t["primer3"]
    (2, True, 30, [59, 79])
    """
    meta = record.meta if isinstance(record, Record) else record
    missing = [k for k in ("round", "binder", "motifs") if k not in meta]
    if missing:
        raise LabError(f"no SELEX ground truth in meta (missing {', '.join(missing)}); "
                       "expected a read from corpora simulate")

    def spans(v):
        return parse_spans(v) if isinstance(v, str) else [dict(s) for s in v]

    binder = meta["binder"]
    return {
        "round": int(meta["round"]),
        "binder": binder.lower() in ("true", "1") if isinstance(binder, str) else bool(binder),
        "motifs": spans(meta["motifs"]),
        "decoys": spans(meta.get("decoys", [])),
        "mutations": int(meta.get("mutations", 0)),
        "primer5": _pair(meta.get("primer5", [0, 0])),
        "primer3": _pair(meta.get("primer3", [0, 0])),
    }


def motif_spans(record: Record, decoys: bool = False) -> list[tuple[str, str, int, int]]:
    """Planted motifs of a read as ``(name, kind, start, end)`` in read coordinates.

    >>> r = Record("r", "A" * 60, meta={"round": 1, "binder": True,
    ...            "motifs": [{"name": "hp", "kind": "hairpin", "start": 20, "end": 34}]})
    >>> motif_spans(r)
    [('hp', 'hairpin', 20, 34)]
    """
    t = ground_truth(record)
    return [(s["name"], s["kind"], s["start"], s["end"]) for s in t["decoys" if decoys else "motifs"]]


def header(record: Record) -> str:
    """The FASTA title (without ``>``) of a simulated read."""
    t = ground_truth(record)
    return (f"{record.id} round={t['round']} label={record.label} "
            f"binder={'true' if t['binder'] else 'false'} motifs={format_spans(t['motifs'])} "
            f"decoys={format_spans(t['decoys'])} mutations={t['mutations']} "
            f"primer5={t['primer5'][0]}-{t['primer5'][1]} primer3={t['primer3'][0]}-{t['primer3'][1]}")


def write_library(records: Iterable[Record], out_path: str | Path, format: str = "fasta") -> int:
    """Write reads with their ground truth, atomically; returns the number written.

    ``fasta``: one line per sequence, truth in the header. ``tsv``: one row per
    read with the columns of :data:`TSV_COLUMNS` (readable by ``read_records``).
    """
    if format not in LIBRARY_FORMATS:
        raise ValueError(f"format must be one of {LIBRARY_FORMATS}, got {format!r}")
    n = 0
    with atomic_write(out_path) as fh:
        if format == "tsv":
            fh.write("\t".join(TSV_COLUMNS) + "\n")
        for rec in records:
            if format == "fasta":
                fh.write(f">{header(rec)}\n{rec.seq}\n")
            else:
                t = ground_truth(rec)
                row = [rec.id, rec.seq, rec.label or "", t["round"], str(t["binder"]).lower(),
                       format_spans(t["motifs"]), format_spans(t["decoys"]), t["mutations"],
                       "-".join(map(str, t["primer5"])), "-".join(map(str, t["primer3"]))]
                fh.write("\t".join(map(str, row)) + "\n")
            n += 1
    log.debug("wrote %d reads to %s (%s)", n, out_path, format)
    return n


def describe_library(records: list[Record], config) -> dict[str, Any]:
    """What a library is: its settings (motifs included) and counts per round.

    Written next to a library by ``corpora simulate`` (``LIB.json``), so that a file
    says how it was made and what its motifs' consensus sequences are.
    """
    from labkit import __version__

    per_round = Counter((r.meta["round"], bool(r.meta["binder"])) for r in records)
    rounds = sorted({r for r, _ in per_round})
    return {
        "tool": f"corpora.simulate {__version__}",
        "config": config.to_dict(),
        "motif_consensus": {m.name: m.consensus for m in config.motifs},
        "reads": len(records),
        "read_length": config.read_length,
        "binders_per_round": {str(r): per_round[(r, True)] for r in rounds},
        "nonbinders_per_round": {str(r): per_round[(r, False)] for r in rounds},
    }


def write_description(records: list[Record], config, path: str | Path) -> None:
    """Write :func:`describe_library` as JSON, atomically."""
    with atomic_write(path) as fh:
        json.dump(describe_library(records, config), fh, indent=1)
        fh.write("\n")


def read_library(path: str | Path) -> list[Record]:
    """Read a library written by :func:`write_library` (FASTA or TSV), truth typed in meta.

    Reads that :func:`simulate` made and this gives back are equal, meta included.
    """
    path = Path(path)
    with path.open("rb") as fh:
        fasta = fh.read(1) == b">"
    if fasta:
        out = []
        for r in read_records(path, label_from="header"):
            try:
                out.append(r.with_(meta=ground_truth(r), source=None, line=None))
            except (LabError, ValueError) as exc:
                raise FileFormatError(f"bad simulator header: {exc}", path=path, line=r.line,
                                      record=r.id) from None
        return out
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    if not rows or set(TSV_COLUMNS) - set(rows[0]):
        raise FileFormatError(f"not a simulated library; expected FASTA or a TSV with columns "
                              f"{', '.join(TSV_COLUMNS)}", path=path, line=1)
    out = []
    for i, row in enumerate(rows, 2):
        try:
            out.append(Record(row["id"], row["sequence"], row["label"] or None, None, None, None,
                              ground_truth(row)))
        except (LabError, ValueError) as exc:
            raise FileFormatError(f"bad ground truth: {exc}", path=path, line=i) from None
    return out
