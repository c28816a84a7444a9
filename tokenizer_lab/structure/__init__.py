"""Secondary structure for tokenization: folding (ViennaRNA), a fold cache, bpRNA-style
element annotation, drawings, and the structure-aware tokenizers.

>>> from tokenizer_lab.structure import FoldParams, annotate, fold
>>> annotate(fold("GGGGAAACCCC").structure)
'SSSSHHHSSSS'
"""

from tokenizer_lab.structure.cache import FoldCache, default_cache_dir
from tokenizer_lab.structure.elements import (ELEMENT_LETTERS, ELEMENT_NAMES, annotate, boundaries,
                                              hairpin_loops, pair_table, segments)
from tokenizer_lab.structure.fold import FoldParams, FoldResult, fold
from tokenizer_lab.structure.hairpins import hairpin_units, unit_segments, unit_track
from tokenizer_lab.structure.parallel import fold_many

__all__ = ["ELEMENT_LETTERS", "ELEMENT_NAMES", "FoldCache", "FoldParams", "FoldResult", "annotate",
           "boundaries", "default_cache_dir", "fold", "fold_many", "hairpin_loops", "pair_table",
           "hairpin_units", "segments", "unit_segments", "unit_track"]

# the structure-aware algorithms register themselves with tokenizer_lab.algorithms
from tokenizer_lab.structure import algorithms as _algorithms  # noqa: E402,F401
from tokenizer_lab.structure import hairpin_vocab as _hairpin_vocab  # noqa: E402,F401
