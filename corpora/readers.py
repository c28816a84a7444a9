"""One entry point, :func:`read_records`, for every sequence format we accept.

Records stream: a FASTQ.gz of ten million reads is read one record at a time.
CSV/TSV and JSON parsing lives in :mod:`corpora.tables`.
FASTA and FASTQ are parsed by Biopython's fast string parsers; we count lines
around them so that an error can say where it happened.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from Bio.SeqIO.FastaIO import SimpleFastaParser
from Bio.SeqIO.QualityIO import FastqGeneralIterator

from .alphabet import _TO_DNA, _TO_RNA, Ambiguous, InvalidSequence, normalize
from .errors import FileFormatError, LabError, SequenceError
from .formats import READ_ERRORS, open_text, read_error, sniff_format
from .read_options import ReadOptions
from .records import ReadReport, Record
from .tables import json_records, table_records

log = logging.getLogger(__name__)

_PLAIN = frozenset("ACGTU")


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
    raw = guarded({"fasta": _fasta, "fastq": _fastq, "lines": _lines, "csv": table_records,
                   "tsv": table_records, "json": json_records}[fmt](path, opts, fmt), path, fmt)
    seen_ids: set[str] = set()
    check_ids = opts.check_ids if opts.check_ids is not None else fmt not in ("fastq", "lines")
    source = str(path)
    file_label = opts.label_value if opts.label_value is not None else path.name.split(".")[0]
    alphabet, iupac, max_nt = opts.alphabet, opts.iupac, opts.max_nt
    n = 0
    for rid, seq, label, score, line, meta in raw:
        if len(seq) > max_nt:  # before any work on it: one 1 Mnt read hangs BPE training
            raise SequenceError(f"a read of {len(seq)} nt; this command reads at most "
                                f"{max_nt} nt (see README 'Limits')",
                                path=path, line=line, record=rid)
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


def guarded(items: Iterator, path: Path, fmt: str) -> Iterator:
    """Re-raise what a damaged file makes a parser raise as one :class:`FileFormatError`.

    Decompression (a corrupt or cut gzip stream), decoding, nesting deeper than Python
    recurses (JSON) and reading errors end every command the same way: the file, what
    was found, what was expected. The parsers add the line where they know it.

    >>> import zlib
    >>> def broken():
    ...     yield 1
    ...     raise zlib.error("invalid stored block lengths")
    >>> list(guarded(broken(), Path("r.fa.gz"), "fasta"))
    Traceback (most recent call last):
    corpora.errors.FileFormatError: r.fa.gz: damaged compressed data (zlib.error: invalid stored block lengths); expected a complete gzip-compressed FASTA file
    """
    try:
        yield from items
    except LabError:
        raise
    except Exception as exc:  # noqa: BLE001 - narrowed by describe_read_error
        raise read_error(exc, path, fmt) from None


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
                fh.record_done()
                yield rid, seq, label, None, line, _header_fields(title)
        except ValueError as exc:
            first = str(exc).split("\n")[0]
            raise FileFormatError(f"{first}; expected '>' at the start of a FASTA record",
                                  path=path, line=max(counter.n, 1)) from None
        except READ_ERRORS as exc:
            raise read_error(exc, path, fmt, line=counter.n + 1) from None


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
                fh.record_done()
                yield rid, seq, label, None, line, None
        except ValueError as exc:
            msg = str(exc).split("\n")[0].rstrip(".")
            raise FileFormatError(f"{msg} (truncated or malformed FASTQ record)",
                                  path=path, line=4 * (i + 1) + 1) from None
        except READ_ERRORS as exc:
            raise read_error(exc, path, fmt, line=4 * (i + 1) + 1) from None


def _lines(path: Path, opts: ReadOptions, fmt: str) -> Iterator[tuple]:
    with open_text(path) as fh:
        n = 0
        try:
            for n, line in enumerate(fh, 1):
                fh.record_done()
                s = line.strip()
                if s:
                    yield f"{path.stem}_{n}", s, None, None, n, None
        except READ_ERRORS as exc:
            raise read_error(exc, path, fmt, line=n + 1) from None


def read_many(paths, options: ReadOptions | None = None, report: ReadReport | None = None,
              **kwargs) -> Iterator[Record]:
    """Read several files in order (labels per file where ``label_from='file'``)."""
    for p in paths:
        yield from read_records(p, options, report, **kwargs)


__all__ = ["ReadOptions", "read_records", "read_many", "LabError"]
