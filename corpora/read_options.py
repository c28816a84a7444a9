"""How to read a file: :class:`ReadOptions`, and :func:`parse_column`.

Below the readers (:mod:`corpora.readers`) and the table parsers (:mod:`corpora.tables`),
which both use it. Each field's help text and choices are written here once; the
command lines make their reading options from them (``labkit.cli.dataclass_options``).

>>> ReadOptions(seq_column=parse_column("2")).seq_column
2
>>> ReadOptions(iupac="guess")
Traceback (most recent call last):
ValueError: iupac must be one of ('reject', 'drop', 'keep'), got 'guess'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from labkit.config import check_choices
from labkit.limits import MAX_READ_NT

from .alphabet import ALPHABETS, IUPAC_POLICIES
from .formats import FORMATS

LABEL_SOURCES = ("auto", "header", "column", "file", "none")
INVALID_POLICIES = ("reject", "drop")


def parse_column(value: str | int | None) -> str | int | None:
    """A column as given on a command line: a 0-based index if it is a number, else a name.

    >>> parse_column("3"), parse_column("label"), parse_column(None), parse_column(1)
    (3, 'label', None, 1)
    """
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _column(what: str, usual: str):
    return field(default=None, metadata={
        "help": f"{what} column: a name (any case) or a 0-based index.", "unset": usual,
        "convert": parse_column})


@dataclass(frozen=True)
class ReadOptions:
    """How to read and normalise a file.

    Column names are matched case-insensitively; ``None`` means "find it by its
    usual names" (``sequence``/``seq``/``aptamer_sequence`` ..., ``label`` ...).
    A column may also be given as a 0-based index for files without a header.
    """

    format: str | None = field(default=None, metadata={
        "help": "Input format.", "choices": FORMATS, "unset": "sniffed from the content"})
    alphabet: str = field(default="auto", metadata={
        "help": "Write T (dna) or U (rna); auto keeps the file's majority.", "choices": ALPHABETS})
    iupac: str = field(default="reject", metadata={
        "help": "Records with ambiguity letters (N, R, Y...): error, skip them, or keep them.",
        "choices": IUPAC_POLICIES})
    seq_column: str | int | None = _column("Sequence", "sequence, seq, aptamer_sequence...")
    label_column: str | int | None = _column("Label", "label, class...")
    score_column: str | int | None = _column("Score", "score...")
    id_column: str | int | None = _column("Record id", "id, name...")
    header: bool | None = field(default=None, metadata={
        "help": "CSV/TSV: whether row 1 is a header.", "unset": "sniffed"})
    label_from: str = field(default="auto", metadata={
        "help": "Where labels come from.", "choices": LABEL_SOURCES})
    label_value: str | None = field(default=None, metadata={
        "help": "label_from=file: the label of every record.", "unset": "the file name"})
    on_invalid: str = field(default="reject", metadata={
        "help": "Records with other bad characters: error, or skip them (counted).",
        "choices": INVALID_POLICIES})
    # False: skip the duplicate-id check, whose set of ids grows with every record;
    # counting or deduplicating a huge FASTQ then holds only what the caller keeps.
    # None: check where ids come from the file (not FASTQ, not plain lines).
    check_ids: bool | None = field(default=None, metadata={
        "help": "Refuse duplicate record ids.", "unset": "where ids come from the file"})

    max_nt: int = field(default=MAX_READ_NT, metadata={
        "help": "Longest read accepted (nt); a longer one is refused (each command sets its "
                "own, see README 'Limits')."})

    def __post_init__(self) -> None:
        check_choices(self)
