"""One entry point, :func:`read_records`, for every sequence format we accept.

Records stream: a FASTQ.gz of ten million reads is read one record at a time.
FASTA and FASTQ are parsed by Biopython's fast string parsers; we count lines
around them so that an error can say where it happened.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from Bio.SeqIO.FastaIO import SimpleFastaParser
from Bio.SeqIO.QualityIO import FastqGeneralIterator

from .alphabet import (_TO_DNA, _TO_RNA, ALPHABETS, IUPAC_POLICIES, Ambiguous,
                       InvalidSequence, normalize)
from .errors import FileFormatError, LabError, SequenceError
from .formats import FORMATS, open_text, sniff_format
from .records import ReadReport, Record

log = logging.getLogger(__name__)

SEQ_COLUMNS = ("sequence", "seq", "aptamer_sequence", "sequences", "aptamer", "read", "rna", "dna")
LABEL_COLUMNS = ("label", "class", "y", "target_class", "category")
SCORE_COLUMNS = ("score", "count", "counts", "reads", "frequency", "affinity")
ID_COLUMNS = ("id", "name", "seq_id", "identifier")
_PLAIN = frozenset("ACGTU")
LABEL_SOURCES = ("auto", "header", "column", "file", "none")


@dataclass(frozen=True)
class ReadOptions:
    """How to read and normalise a file.

    Column names are matched case-insensitively; ``None`` means "find it by its
    usual names" (``sequence``/``seq``/``aptamer_sequence`` ..., ``label`` ...).
    A column may also be given as a 0-based index for files without a header.
    """

    format: str | None = None
    alphabet: str = "auto"
    iupac: str = "reject"
    seq_column: str | int | None = None
    label_column: str | int | None = None
    score_column: str | int | None = None
    id_column: str | int | None = None
    header: bool | None = None  # CSV/TSV: None sniffs whether row 1 is a header
    label_from: str = "auto"
    label_value: str | None = None  # label_from="file": the label of every record
    on_invalid: str = "reject"  # "drop": skip records with other bad letters (counted)
    # False: skip the duplicate-id check, whose set of ids grows with every record;
    # counting or deduplicating a huge FASTQ then holds only what the caller keeps.
    # None: check where ids come from the file (not FASTQ, not plain lines).
    check_ids: bool | None = None

    def __post_init__(self) -> None:
        if self.format is not None and self.format not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, got {self.format!r}")
        if self.alphabet not in ALPHABETS:
            raise ValueError(f"alphabet must be one of {ALPHABETS}, got {self.alphabet!r}")
        if self.iupac not in IUPAC_POLICIES:
            raise ValueError(f"iupac must be one of {IUPAC_POLICIES}, got {self.iupac!r}")
        if self.on_invalid not in ("reject", "drop"):
            raise ValueError(f"on_invalid must be 'reject' or 'drop', got {self.on_invalid!r}")
        if self.label_from not in LABEL_SOURCES:
            raise ValueError(f"label_from must be one of {LABEL_SOURCES}, got {self.label_from!r}")


class _LineCounter:
    """Iterates a text handle and remembers how many lines went by."""

    def __init__(self, handle: IO[str]):
        self.handle = handle
        self.n = 0
        self.header_lines: list[int] = []

    def __iter__(self):
        return self

    def read(self, size: int = -1) -> str:  # Biopython probes the handle with read(0)
        return "" if size == 0 else self.handle.read(size)

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def readline(self) -> str:
        line = self.handle.readline()
        if line:
            self.n += 1
            if line.startswith(">"):
                self.header_lines.append(self.n)
        return line


def read_records(path: str | Path, options: ReadOptions | None = None,
                 report: ReadReport | None = None, **kwargs) -> Iterator[Record]:
    """Yield normalised :class:`Record` s from any supported file.

    ``kwargs`` are :class:`ReadOptions` fields, for convenience.
    Raises :class:`FileFormatError` (one line: file, line or record, what was wrong).
    """
    opts = options or ReadOptions(**kwargs)
    if options is not None and kwargs:
        raise TypeError("give either options or keyword options, not both")
    report = report if report is not None else ReadReport()
    path = Path(path)
    fmt = opts.format or sniff_format(path)
    report.formats[fmt] += 1
    raw = {"fasta": _fasta, "fastq": _fastq, "lines": _lines, "csv": _table,
           "tsv": _table, "json": _json}[fmt](path, opts, fmt)
    seen_ids: set[str] = set()
    check_ids = opts.check_ids if opts.check_ids is not None else fmt not in ("fastq", "lines")
    source = str(path)
    file_label = opts.label_value if opts.label_value is not None else path.name.split(".")[0]
    alphabet, iupac = opts.alphabet, opts.iupac
    n = 0
    for rid, seq, label, score, line, meta in raw:
        if seq and _PLAIN.issuperset(seq) and (alphabet != "auto" or "U" not in seq or "T" not in seq):
            # The common case, fast: clean upper-case letters need only T/U written.
            if alphabet != "auto":
                seq = seq.translate(_TO_RNA if alphabet == "rna" else _TO_DNA)
        else:
            try:
                seq = normalize(seq, alphabet, iupac)
            except InvalidSequence as exc:
                if opts.on_invalid == "drop":
                    report.dropped_invalid += 1
                    continue
                raise SequenceError(str(exc), path=path, line=line, record=rid) from None
            if seq is Ambiguous.DROP:
                report.dropped_ambiguous += 1
                continue
        if check_ids:
            if rid in seen_ids:
                report.duplicate_ids += 1
                k = 2
                while f"{rid}#{k}" in seen_ids:
                    k += 1
                rid = f"{rid}#{k}"
            seen_ids.add(rid)
        if opts.label_from == "file":
            label = file_label
        elif opts.label_from == "none":
            label = None
        n += 1
        report.records += 1
        report.alphabets["rna" if "U" in seq else "dna"] += 1
        yield Record(rid, seq, label, score, source, line, meta if meta is not None else {})
    if n == 0 and not (report.dropped_ambiguous or report.dropped_invalid):
        raise FileFormatError("no sequence records found", path=path)
    if report.duplicate_ids:
        log.info("%s: %d duplicate ids renamed with a #N suffix", path, report.duplicate_ids)
    if report.dropped_ambiguous:
        log.warning("%s: %d records dropped for ambiguous letters", path, report.dropped_ambiguous)
    if report.dropped_invalid:
        log.warning("%s: %d records dropped for invalid characters", path, report.dropped_invalid)


def _header_label(title: str, opts: ReadOptions) -> tuple[str, str | None]:
    """Split a FASTA title into id and label (``label=X`` or the last word).

    >>> _header_label("RF00001_AF095839_1_346-228 5S_rRNA", ReadOptions())
    ('RF00001_AF095839_1_346-228', '5S_rRNA')
    >>> _header_label("r1 round=3 label=binder", ReadOptions())
    ('r1', 'binder')
    >>> _header_label("5S_rRNA", ReadOptions())
    ('5S_rRNA', '5S_rRNA')
    """
    words = title.split()
    rid = words[0] if words else ""
    if opts.label_from in ("none", "file"):
        return rid, None
    for w in words[1:]:
        if w.startswith("label="):
            return rid, w[len("label="):]
    if opts.label_from in ("auto", "header"):
        return rid, words[-1] if words else None
    return rid, None


def _header_fields(title: str) -> dict[str, str]:
    """``key=value`` words after a FASTA id, as strings (the simulator's ground truth).

    >>> _header_fields("sim_000001 round=3 label=binder motifs=hp:hairpin:20-36 x")
    {'round': '3', 'label': 'binder', 'motifs': 'hp:hairpin:20-36'}
    """
    return dict(w.split("=", 1) for w in title.split()[1:] if "=" in w and not w.startswith("="))


def _fasta(path: Path, opts: ReadOptions, fmt: str) -> Iterator[tuple]:
    with open_text(path) as fh:
        counter = _LineCounter(fh)
        try:
            for i, (title, seq) in enumerate(SimpleFastaParser(counter)):
                line = counter.header_lines[i] if i < len(counter.header_lines) else None
                rid, label = _header_label(title, opts)
                if not rid:
                    raise FileFormatError("empty FASTA header; expected '>ID [label]'",
                                          path=path, line=line)
                if not seq.strip():
                    raise FileFormatError("empty sequence", path=path, line=line, record=rid)
                yield rid, seq, label, None, line, _header_fields(title)
        except ValueError as exc:
            first = str(exc).split("\n")[0]
            raise FileFormatError(f"{first}; expected '>' at the start of a FASTA record",
                                  path=path, line=max(counter.n, 1)) from None
        except (UnicodeDecodeError, EOFError, OSError) as exc:
            raise FileFormatError(f"unreadable content ({exc.__class__.__name__}: {exc})",
                                  path=path, line=counter.n + 1) from None


def _fastq(path: Path, opts: ReadOptions, fmt: str) -> Iterator[tuple]:
    with open_text(path) as fh:
        i = -1
        try:
            for i, (title, seq, qual) in enumerate(FastqGeneralIterator(fh)):
                rid, label = _header_label(title, opts)
                line = 4 * i + 1  # the parser reads ahead, and takes 4-line records only
                if opts.label_from == "auto" and len(title.split()) < 2:
                    label = None
                if not seq:
                    raise FileFormatError("empty sequence", path=path, line=line, record=rid)
                yield rid, seq, label, None, line, None
        except ValueError as exc:
            msg = str(exc).split("\n")[0].rstrip(".")
            raise FileFormatError(f"{msg} (truncated or malformed FASTQ record)",
                                  path=path, line=4 * (i + 1) + 1) from None
        except (UnicodeDecodeError, EOFError, OSError) as exc:
            raise FileFormatError(f"unreadable content ({exc.__class__.__name__}: {exc})",
                                  path=path, line=4 * (i + 1) + 1) from None


def _lines(path: Path, opts: ReadOptions, fmt: str) -> Iterator[tuple]:
    with open_text(path) as fh:
        try:
            for n, line in enumerate(fh, 1):
                s = line.strip()
                if s:
                    yield f"{path.stem}_{n}", s, None, None, n, None
        except (UnicodeDecodeError, EOFError, OSError) as exc:
            raise FileFormatError(f"unreadable content ({exc.__class__.__name__})",
                                  path=path) from None


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
            f"with --{what}-column); columns are {header}", path=path, line=1)
    return None


def _looks_like_header(row: list[str]) -> bool:
    """A first row is a header unless one of its cells is a nucleotide string."""
    for cell in row:
        c = cell.strip().upper()
        if len(c) >= 8 and set(c) <= set("ACGTUN"):
            return False
    return True


def _table(path: Path, opts: ReadOptions, fmt: str) -> Iterator[tuple]:
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
        except (UnicodeDecodeError, EOFError, OSError) as exc:
            raise FileFormatError(f"unreadable content ({exc.__class__.__name__})",
                                  path=path, line=reader.line_num + 1) from None


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


def _json(path: Path, opts: ReadOptions, fmt: str) -> Iterator[tuple]:
    with open_text(path) as fh:
        try:
            data = json.load(fh)
        except json.JSONDecodeError as exc:
            raise FileFormatError(f"invalid JSON ({exc.msg}, column {exc.colno})",
                                  path=path, line=exc.lineno) from None
        except (UnicodeDecodeError, EOFError, OSError) as exc:
            raise FileFormatError(f"unreadable content ({exc.__class__.__name__})", path=path) from None
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


def read_many(paths, options: ReadOptions | None = None, report: ReadReport | None = None,
              **kwargs) -> Iterator[Record]:
    """Read several files in order (labels per file where ``label_from='file'``)."""
    for p in paths:
        yield from read_records(p, options, report, **kwargs)


__all__ = ["ReadOptions", "read_records", "read_many", "LabError"]
