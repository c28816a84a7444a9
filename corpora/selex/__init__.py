"""The SELEX simulator, in parts: motifs, settings, the simulation, and files.

Import from :mod:`corpora.simulate`, the public face of this package.
"""

from .selex_config import PRIMER3, PRIMER5, SelexConfig
from .engine import simulate
from .io import ground_truth, motif_spans, read_library, write_library
from .motifs import DEFAULT_MOTIFS, Motif

__all__ = ["DEFAULT_MOTIFS", "PRIMER3", "PRIMER5", "Motif", "SelexConfig", "ground_truth",
           "motif_spans", "read_library", "simulate", "write_library"]
