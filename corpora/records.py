"""The record every reader yields, and the report a read leaves behind."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Record:
    """One sequence with what is known about it.

    ``meta`` carries extras such as the simulator's ground truth
    (``{"motifs": [{"name": ..., "start": ..., "end": ...}], "round": 3}``).
    """

    id: str
    seq: str
    label: str | None = None
    score: float | None = None
    source: str | None = None
    line: int | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def with_(self, **changes: Any) -> "Record":
        """A copy with some fields replaced.

        >>> Record("r1", "ACGU").with_(label="a").label
        'a'
        """
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return Record(**values)


@dataclass
class ReadReport:
    """Counts gathered while reading; filled in place by the readers."""

    records: int = 0
    dropped_ambiguous: int = 0
    dropped_invalid: int = 0
    duplicate_ids: int = 0
    formats: Counter = field(default_factory=Counter)
    alphabets: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        """One line for logs.

        >>> ReadReport(records=3, dropped_ambiguous=1).summary()
        '3 records read; 1 dropped for ambiguous letters; 0 dropped for invalid characters; 0 duplicate ids renamed'
        """
        return (f"{self.records} records read; {self.dropped_ambiguous} dropped for "
                f"ambiguous letters; {self.dropped_invalid} dropped for invalid characters; "
                f"{self.duplicate_ids} duplicate ids renamed")
