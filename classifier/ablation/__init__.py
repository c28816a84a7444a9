"""Tokenizer ablations: `classify ablate`.

Every tokenizer of a grid × every seed is trained on the same training split,
fine-tuned and tested on the same test split, next to a k-mer baseline; the
runs are gathered into ``results.json`` and rendered, never recomputed, as
``report.md`` and a self-contained ``report.html``.

Modules: :mod:`.ablation_config` (TOML/options -> frozen config), :mod:`.data` (the split),
:mod:`.cell` (one run), :mod:`.intrinsic` (tokenizer statistics), :mod:`.runner`
(the resumable grid), :mod:`.stats` (mean ± sd, paired tests, Holm),
:mod:`.results` (results.json), :mod:`.plots`, :mod:`.report`, :mod:`.report_html`.
"""

from .ablation_config import AblationConfig, AblationError, TokenizerChoice, load_config
from .results import load_results
from .runner import run_ablation

__all__ = ["AblationConfig", "AblationError", "TokenizerChoice", "load_config", "load_results",
           "run_ablation"]
