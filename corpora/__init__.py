"""corpora: sequences in, clean labelled records out.

No torch and no tokenizers here: readers, normalisation, labels, splits, the SELEX
simulator and the registry of public data sets.
"""

from .alphabet import normalize, to_dna, to_rna
from .errors import ChecksumError, FileFormatError, LabelError, LabError, SequenceError
from .readers import ReadOptions, read_many, read_records
from .records import ReadReport, Record

__version__ = "0.1.0"

__all__ = [
    "ChecksumError", "FileFormatError", "LabError", "LabelError", "ReadOptions",
    "ReadReport", "Record", "SequenceError", "normalize", "read_many", "read_records",
    "to_dna", "to_rna",
]
