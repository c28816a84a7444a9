"""corpora: sequences in, clean labelled records out.

No torch and no tokenizers here: readers, normalisation, labels, splits, the SELEX
simulator and the registry of public data sets.
"""

from .alphabet import normalize, to_dna, to_rna
from .errors import ChecksumError, FileFormatError, LabelError, LabError, SequenceError
from .readers import ReadOptions, read_many, read_records
from .records import ReadReport, Record
from .dedup import DedupReport, dedup_exact, thin
from .labels import LabelReport, bin_by_score, class_list, map_labels
from .registry import DATASETS, fetch
from .similarity import cluster, similar_pairs
from .splits import Split, SplitReport, similarity_split, stratified_split
from .tasks import TASKS, TaskData, load_files, load_task

from labkit import __version__

__all__ = [
    "ChecksumError", "FileFormatError", "LabError", "LabelError", "ReadOptions",
    "ReadReport", "Record", "SequenceError", "normalize", "read_many", "read_records",
    "to_dna", "to_rna",
    "DATASETS", "DedupReport", "LabelReport", "Split", "SplitReport", "TASKS", "TaskData",
    "bin_by_score", "class_list", "cluster", "dedup_exact", "fetch", "load_files", "load_task",
    "map_labels", "similar_pairs", "similarity_split", "stratified_split", "thin",
]
