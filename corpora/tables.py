"""Tabular and JSON sequence files: CSV/TSV with named or numbered columns, and
``{"id": {"seq": ..., "score": ...}}`` JSON (or a list of such objects).

The parsers yield raw tuples ``(id, seq, label, score, line, meta)``; normalisation,
ids and labels are applied by :func:`corpora.readers.read_records`.

>>> _looks_like_header(["seq", "label"]), _looks_like_header(["ACGTACGTAC", "x"])
(True, False)
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from labkit.limits import MAX_RECORD_BYTES

from .errors import FileFormatError
from .formats import READ_ERRORS, open_text, read_error

if TYPE_CHECKING:
    from .read_options import ReadOptions

SEQ_COLUMNS = ("sequence", "seq", "aptamer_sequence", "sequences", "aptamer", "read", "rna", "dna")
LABEL_COLUMNS = ("label", "class", "y", "target_class", "category")
SCORE_COLUMNS = ("score", "count", "counts", "reads", "frequency", "affinity")
ID_COLUMNS = ("id", "name", "seq_id", "identifier")
# Python's csv module refuses fields over 131,072 characters; a long sequence in a CSV is
# valid input, so the limit is the readers' own (a longer line is refused before csv).
csv.field_size_limit(MAX_RECORD_BYTES)

#: The option that names each column, on every command that reads tables.
_OPTION = {"sequence": "--seq-column", "label": "--label-column", "score": "--score-column",
           "id": "--id-column"}


def _find_column(header: list[str], wanted: str | int | None, usual: tuple[str, ...],
                 what: str, path: Path, required: bool) -> int | None:
    lower = [h.strip().lower() for h in header]
    if isinstance(wanted, int):
        if not 0 <= wanted < len(header):
            raise FileFormatError(f"{what} column index {wanted} out of range "
                                  f"(the file has {len(header)} columns)", path=path, line=1)
        return wanted
    if wanted is not None:
        if wanted.lower() in lower:
            return lower.index(wanted.lower())
        raise FileFormatError(f"no {what} column {wanted!r}; columns are {header}",
                              path=path, line=1)
    for name in usual:
        if name in lower:
            return lower.index(name)
    if required:
        raise FileFormatError(
            f"no {what} column; expected one named {'/'.join(usual[:3])} (or name it "
            f"with {_OPTION[what]}); columns are {header}", path=path, line=1)
    return None


def _looks_like_header(row: list[str]) -> bool:
    """A first row is a header unless one of its cells is a nucleotide string."""
    for cell in row:
        c = cell.strip().upper()
        if len(c) >= 8 and set(c) <= set("ACGTUN"):
            return False
    return True


def table_records(path: Path, opts: ReadOptions, fmt: str) -> Iterator[tuple]:
    with open_text(path) as fh:
        reader = csv.reader(fh, delimiter="\t" if fmt == "tsv" else ",")
        try:
            first = next(reader, None)
            if first is None:
                raise FileFormatError("empty file; expected a header row", path=path)
            has_header = _looks_like_header(first) if opts.header is None else opts.header
            header = first if has_header else [str(i) for i in range(len(first))]
            si = _table_seq_column(header, first, has_header, opts, path)
            li = _find_column(header, opts.label_column, LABEL_COLUMNS, "label", path,
                              required=opts.label_from == "column")
            ci = _find_column(header, opts.score_column, SCORE_COLUMNS, "score", path, False)
            ii = _find_column(header, opts.id_column, ID_COLUMNS, "id", path, False)
            rows = reader if has_header else _prepend(first, reader)
            for row in rows:
                fh.record_done()
                line = reader.line_num
                if not row or all(not c.strip() for c in row):
                    continue
                if len(row) != len(header):
                    raise FileFormatError(
                        f"ragged row: {len(row)} fields, expected {len(header)} like the "
                        f"{'header' if has_header else 'first row'}", path=path, line=line)
                rid = row[ii].strip() if ii is not None else f"{path.stem}_{line}"
                score = _score(row[ci], path, line, header[ci]) if ci is not None else None
                label = row[li].strip() if li is not None and opts.label_from in ("auto", "column") else None
                if not row[si].strip():
                    raise FileFormatError("empty sequence", path=path, line=line, record=rid)
                yield rid, row[si], label or None, score, line, None
        except csv.Error as exc:
            raise FileFormatError(f"malformed {fmt.upper()} ({exc})", path=path,
                                  line=reader.line_num) from None
        except READ_ERRORS as exc:
            raise read_error(exc, path, fmt, line=reader.line_num + 1) from None


def _table_seq_column(header, first, has_header, opts, path) -> int:
    if opts.seq_column is None and not has_header:
        for i, cell in enumerate(first):  # headerless: the nucleotide column
            if not _looks_like_header([cell]):
                return i
    return _find_column(header, opts.seq_column, SEQ_COLUMNS, "sequence", path, True)


def _prepend(first, rest):
    yield first
    yield from rest


def _score(cell: str, path: Path, line: int, name: str) -> float | None:
    cell = cell.strip()
    if not cell:
        return None
    try:
        return float(cell)
    except ValueError:
        raise FileFormatError(f"column {name!r} holds {cell!r}; expected a number",
                              path=path, line=line) from None


def json_records(path: Path, opts: ReadOptions, fmt: str) -> Iterator[tuple]:
    with open_text(path) as fh:
        try:
            data = json.load(fh)
        except json.JSONDecodeError as exc:
            raise FileFormatError(f"invalid JSON ({exc.msg}, column {exc.colno})",
                                  path=path, line=exc.lineno) from None
        except READ_ERRORS as exc:
            raise read_error(exc, path, fmt) from None
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else None
    if items is None:
        raise FileFormatError(f"JSON top level is {type(data).__name__}; expected "
                              '{"id": {"seq": ..., "score": ...}} or a list of objects', path=path)
    for key, entry in items:
        if not isinstance(entry, dict):
            raise FileFormatError(f"entry is {type(entry).__name__}; expected an object with "
                                  "a 'seq' field", path=path, record=str(key))
        lower = {k.lower(): v for k, v in entry.items()}
        seq_key = next((c for c in ((opts.seq_column,) if isinstance(opts.seq_column, str) else SEQ_COLUMNS)
                        if c and c.lower() in lower), None)
        if seq_key is None:
            raise FileFormatError(f"no sequence field; expected one of {SEQ_COLUMNS[:3]}, "
                                  f"found {sorted(entry)}", path=path, record=str(key))
        seq = lower[seq_key.lower()]
        if not isinstance(seq, str) or not seq.strip():
            raise FileFormatError("empty or non-text sequence", path=path, record=str(key))
        score = _json_field(lower, opts.score_column, SCORE_COLUMNS)
        label = _json_field(lower, opts.label_column, LABEL_COLUMNS)
        rid = str(lower.get("id", key))
        try:
            score = None if score is None else float(score)
        except (TypeError, ValueError):
            raise FileFormatError(f"score {score!r} is not a number", path=path, record=rid) from None
        yield rid, seq, None if label is None else str(label), score, None, None


def _json_field(lower: dict, wanted, usual):
    for name in ((wanted,) if isinstance(wanted, str) else usual):
        if name.lower() in lower:
            return lower[name.lower()]
    return None
