"""`classify explain`: which nucleotides, tokens and motifs drive a prediction.

``explain_records(loaded, records, ExplainConfig())`` attributes each prediction to the
tokens by integrated gradients (:mod:`.attribute`), spreads token attributions over
nucleotides (:mod:`.spread`), finds motifs per class (:mod:`.motifs`), folds reads for
structure context (:mod:`.structure`); :func:`write_explain` writes ``explain.json``,
``explain.html`` and the logo PNGs (:mod:`.report`, :mod:`.logos`).
"""

from .config import ExplainConfig
from .run import explain_file, explain_records, write_explain

__all__ = ["ExplainConfig", "explain_file", "explain_records", "write_explain"]
