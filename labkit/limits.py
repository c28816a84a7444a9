"""Every resource bound of the lab, in one place (README "Limits" shows the same table).

Inputs come from users and from folders of unknown origin; each bound below is checked
before memory or time is spent on it, and crossing it is one line naming the file and the
limit, exit 1. Aptamers are 20-120 nt; the bounds leave a wide margin for ncRNA data.

>>> MAX_RECORD_BYTES, MAX_TOKENIZE_NT, MAX_FOLD_NT, MAX_MODEL_TOKENS
(4194304, 10000, 3000, 2048)
"""

from __future__ import annotations

#: The longest line (or FASTA/FASTQ record) a reader takes, in bytes after decompression:
#: a 200 MB line or a gzip bomb stops here instead of filling memory.
MAX_RECORD_BYTES = 4 * 2**20
#: The largest JSON sequence file (decompressed bytes); JSON is parsed whole.
MAX_JSON_BYTES = 64 * 2**20
#: The longest read (nt) the corpora commands (and the library's readers) accept.
MAX_READ_NT = 1_000_000
#: The longest read (nt) a tokenizer trains on or tokenizes: tokenizer-lab train, stats and
#: inspect, and every classify command (BPE training on one 1 Mnt read hangs).
MAX_TOKENIZE_NT = 10_000
#: The longest sequence (nt) folded (structure-aware tokenizers, inspect --structure):
#: folding is cubic in the length.
MAX_FOLD_NT = 3_000
#: The most tokens per sequence a classifier is built for (classify train --max-length,
#: and the length chosen from the data): attention memory grows with its square.
MAX_MODEL_TOKENS = 2048
#: Model shapes a config.json (classify train --init, classify predict --model...) may ask
#: for: larger ones are refused before transformers allocates them.
MAX_LAYERS = 48
MAX_HIDDEN = 4096
MAX_INTERMEDIATE = 16384
MAX_HEADS = 64
MAX_VOCAB = 1_000_000
MAX_POSITIONS = 8192
#: The most seeds, and runs (tokenizers x seeds), of one `classify ablate` grid.
MAX_SEEDS = 100
MAX_RUNS = 1_000
#: Above this many classes the confusion-matrix plot is a summary (class count and where
#: the numbers are) instead of a grid of cells.
MAX_PLOT_CLASSES = 60
