"""Errors a user can act on.

Every error the library raises for bad input derives from :class:`labkit.errors.LabError`. Its
message is one line that names the file, the line or record, what was found and
what was expected; the command-line front ends print it and exit with status 1
(status 2 is kept for usage errors), without a traceback unless ``--debug``.
"""

from __future__ import annotations

from pathlib import Path

from labkit.errors import LabError

__all__ = ["LabError", "FileFormatError", "SequenceError", "LabelError", "ChecksumError"]


class FileFormatError(LabError):
    """A file that does not parse as the format it claims or seems to be.

    >>> str(FileFormatError("expected '>' at the start of a record, got 'ACGT'", path="a.fa", line=3))
    "a.fa:3: expected '>' at the start of a record, got 'ACGT'"
    >>> str(FileFormatError("empty sequence", path="a.fa", line=5, record="r1"))
    "a.fa:5: record 'r1': empty sequence"
    """

    def __init__(self, message: str, *, path: str | Path | None = None,
                 line: int | None = None, record: str | None = None):
        self.path = None if path is None else str(path)
        self.line = line
        self.record = record
        self.reason = message
        where = self.path or "<input>"
        if line is not None:
            where += f":{line}"
        if record is not None:
            where += f": record {record!r}"
        super().__init__(f"{where}: {message}")


class SequenceError(FileFormatError):
    """A record whose sequence has letters outside the allowed alphabet."""


class LabelError(LabError):
    """Labels that cannot make a classification task (one class, unknown label...)."""


class ChecksumError(LabError):
    """A downloaded or mirrored file whose sha256 differs from the registry's."""
