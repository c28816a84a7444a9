"""Opening files and telling their format from their content.

The extension is a hint; the first bytes decide. gzip is recognised by its magic
number whatever the file is called.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import zlib
from pathlib import Path
from typing import IO

from labkit.limits import MAX_JSON_BYTES, MAX_RECORD_BYTES

from .errors import FileFormatError

FORMATS = ("fasta", "fastq", "lines", "csv", "tsv", "json")
_GZIP_MAGIC = b"\x1f\x8b"
_EXT_HINTS = {
    ".fa": "fasta", ".fasta": "fasta", ".fna": "fasta", ".fas": "fasta",
    ".fq": "fastq", ".fastq": "fastq",
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json",
    ".txt": "lines", ".seq": "lines",
}


#: What reading a damaged file raises, beyond the parsers' own errors.
READ_ERRORS = (zlib.error, EOFError, OSError, UnicodeDecodeError, RecursionError)
_NAMES = {"fasta": "FASTA", "fastq": "FASTQ", "lines": "one-sequence-per-line", "csv": "CSV",
          "tsv": "TSV", "json": "JSON"}


def read_error(exc: BaseException, path: str | Path, fmt: str | None = None,
               line: int | None = None) -> Exception:
    """The one-line :class:`FileFormatError` for an error met while reading ``path``;
    ``exc`` itself when it is not a reading error (a bug must still show its traceback).

    >>> str(read_error(RecursionError("maximum recursion depth exceeded"), "a.json", "json"))
    'a.json: nested deeper than can be read (RecursionError); expected a JSON file of records'
    """
    if not isinstance(exc, READ_ERRORS):
        return exc
    what = _NAMES.get(fmt or "", "sequence")
    gz = "gzip-compressed " if Path(path).is_file() and is_gzip(path) else ""
    name = "zlib.error" if isinstance(exc, zlib.error) else exc.__class__.__name__
    detail = (str(exc).splitlines() or [""])[0][:120]
    if isinstance(exc, (zlib.error, EOFError, gzip.BadGzipFile)):
        msg = f"damaged compressed data ({name}: {detail}); expected a complete gzip-compressed {what} file"
        if isinstance(exc, EOFError):
            msg = f"compressed data cut short ({name}); expected a complete gzip-compressed {what} file"
    elif isinstance(exc, UnicodeDecodeError):
        msg = f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); expected a {gz}{what} text file"
    elif isinstance(exc, RecursionError):
        msg = f"nested deeper than can be read ({name}); expected a {what} file of records"
    else:
        msg = f"cannot be read ({name}: {exc.strerror or detail}); expected a readable {gz}{what} file"
    return FileFormatError(msg, path=path, line=line)


def is_gzip(path: str | Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == _GZIP_MAGIC


def check_input(path: str | Path) -> Path:
    """``path`` if it is a regular file; one line otherwise (a FIFO would be opened twice,
    once to sniff and once to read, and hang; a device never ends)."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise FileFormatError("no such file", path=path) from None
    except OSError as exc:
        raise read_error(exc, path) from None
    if stat.S_ISDIR(mode):
        raise FileFormatError("is a directory, expected a sequence file", path=path)
    if not stat.S_ISREG(mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device or socket"
        raise FileFormatError(f"is {kind}; expected a regular sequence file on disk "
                              "(save the stream to a file first)", path=path)
    return path


class BoundedText:
    """A text handle that refuses a line, or a record, longer than ``limit`` characters.

    A 200 MB line or a gzip bomb of one endless line stops at the limit, before it is
    held in memory; ``record_done()`` starts the count of the next record (FASTA and
    FASTQ records span lines). ``read()`` (JSON, parsed whole) stops at ``read_limit``.

    >>> fh = BoundedText(io.StringIO(">r\\nACGU\\n" + "A" * 50), "r.fa", limit=20)
    >>> fh.readline(), fh.readline()
    ('>r\\n', 'ACGU\\n')
    >>> fh.readline()
    Traceback (most recent call last):
    corpora.errors.FileFormatError: r.fa:3: a line or record longer than 20 characters (MAX_RECORD_BYTES); expected sequence records of at most 20
    """

    def __init__(self, handle: IO[str], path: str | Path, limit: int = MAX_RECORD_BYTES,
                 read_limit: int = MAX_JSON_BYTES):
        self.handle, self.path, self.limit, self.read_limit = handle, path, limit, read_limit
        self.line = 0
        self._record = 0

    def record_done(self) -> None:
        self._record = 0

    def readline(self, size: int = -1) -> str:
        line = self.handle.readline(self.limit + 1)
        self._record += len(line)
        if len(line) > self.limit or self._record > self.limit:
            raise FileFormatError(f"a line or record longer than {self.limit} characters "
                                  f"(MAX_RECORD_BYTES); expected sequence records of at most "
                                  f"{self.limit}", path=self.path, line=self.line + 1)
        if line:
            self.line += 1
        return line

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def read(self, size: int = -1) -> str:
        if size == 0:
            return ""
        text = self.handle.read(self.read_limit + 1 if size < 0 else min(size, self.read_limit + 1))
        if len(text) > self.read_limit:
            raise FileFormatError(f"larger than {self.read_limit} characters (MAX_JSON_BYTES), "
                                  "too large to parse whole; expected a smaller JSON file (or "
                                  "FASTA/CSV, read record by record)", path=self.path)
        return text

    def close(self) -> None:
        self.handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_text(path: str | Path) -> BoundedText:
    """Open a plain or gzip-compressed regular text file for reading, by content, with
    lines and records bounded (:class:`BoundedText`)."""
    path = check_input(path)
    # utf-8-sig: a byte-order mark (Excel's "CSV UTF-8") is dropped, not read as text
    if is_gzip(path):
        return BoundedText(io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig",
                                            newline=""), path)
    return BoundedText(open(path, encoding="utf-8-sig", newline=""), path)


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
    except READ_ERRORS as exc:
        raise read_error(exc, path) from None


def sniff_format(path: str | Path) -> str:
    """Decide a file's format from its first bytes (and, in a tie, its name)."""
    path = check_input(path)
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
