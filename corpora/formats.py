"""Opening files and telling their format from their content.

The extension is a hint; the first bytes decide. gzip is recognised by its magic
number whatever the file is called.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO

from .errors import FileFormatError

FORMATS = ("fasta", "fastq", "lines", "csv", "tsv", "json")
_GZIP_MAGIC = b"\x1f\x8b"
_EXT_HINTS = {
    ".fa": "fasta", ".fasta": "fasta", ".fna": "fasta", ".fas": "fasta",
    ".fq": "fastq", ".fastq": "fastq",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json",
    ".txt": "lines", ".seq": "lines",
}


def is_gzip(path: str | Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == _GZIP_MAGIC


def open_text(path: str | Path) -> IO[str]:
    """Open a plain or gzip-compressed text file for reading, by content."""
    path = Path(path)
    if not path.exists():
        raise FileFormatError("no such file", path=path)
    if path.is_dir():
        raise FileFormatError("is a directory, expected a sequence file", path=path)
    if is_gzip(path):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def extension_hint(path: str | Path) -> str | None:
    """The format the file name suggests, ignoring a ``.gz`` suffix.

    >>> extension_hint("reads.fastq.gz"), extension_hint("x.CSV"), extension_hint("x")
    ('fastq', 'csv', None)
    """
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] in (".gz", ".gzip"):
        suffixes = suffixes[:-1]
    return _EXT_HINTS.get(suffixes[-1]) if suffixes else None


def _head(path: Path, size: int = 65536) -> bytes:
    opener = gzip.open if is_gzip(path) else open
    try:
        with opener(path, "rb") as fh:
            return fh.read(size)
    except (OSError, EOFError) as exc:
        raise FileFormatError(f"cannot read compressed data ({exc})", path=path) from None


def sniff_format(path: str | Path) -> str:
    """Decide a file's format from its first bytes (and, in a tie, its name)."""
    path = Path(path)
    if not path.exists():
        raise FileFormatError("no such file", path=path)
    head = _head(path)
    if b"\x00" in head:
        raise FileFormatError(
            "binary content (NUL bytes); expected a text FASTA, FASTQ, CSV/TSV, JSON "
            "or one-sequence-per-line file, plain or gzip-compressed", path=path)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a cut multi-byte character
            raise FileFormatError(
                f"not UTF-8 text (byte 0x{head[exc.start]:02x} at offset {exc.start}); "
                "expected a text sequence file", path=path) from None
        text = head[: exc.start].decode("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise FileFormatError("empty file; expected sequence records", path=path)
    first = lines[0].lstrip("\ufeff").lstrip()
    hint = extension_hint(path)
    if first.startswith(">"):
        return "fasta"
    if first.startswith("@") and (len(lines) < 3 or lines[2].startswith("+")):
        return "fastq"
    if first.startswith("{") or first.startswith("["):
        return "json"
    if hint == "fasta":
        raise FileFormatError(
            f"expected '>' at the start of a FASTA record, got {first[:40]!r}", path=path, line=1)
    if hint == "fastq":
        raise FileFormatError(
            f"expected '@' at the start of a FASTQ record, got {first[:40]!r}", path=path, line=1)
    if "\t" in first:
        return "tsv"
    if "," in first:
        return "csv"
    return "lines"
