"""`classify explain`: which nucleotides, tokens and motifs drive a prediction.

``explain_records(loaded, records, ExplainConfig())`` attributes each prediction to the
tokens by integrated gradients (:mod:`.attribute`), spreads token attributions over
nucleotides (:mod:`.spread`), finds motifs per class (:mod:`.motifs`) and folds reads
for structure context (:mod:`.structure`); :func:`write_explain` writes
``explain.json``, ``explain.html`` and the logo PNGs (:mod:`.report`, :mod:`.logos`).
Imported lazily, so that ``classify --help`` stays fast.

>>> from classifier.explain import ExplainConfig
>>> ExplainConfig().window
10
"""

from importlib import import_module

_EXPORTS = {"ExplainConfig": "config", "explain_file": "run", "explain_records": "run",
            "write_explain": "run"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'classifier.explain' has no attribute {name!r}")
