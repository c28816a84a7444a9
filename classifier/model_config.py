"""A model folder's ``config.json``, checked before transformers reads it.

Model folders are data (DESIGN.md): a config.json that names code (``auto_map``, or a
``model_type`` only remote code defines) would make transformers ask on stdin whether to
run a ``.py`` file of the folder, and import it on "y". :func:`check_model_config`
refuses such a folder with one line before transformers sees it, and every load passes
``trust_remote_code=False`` (:data:`NO_REMOTE_CODE`) as well. Shapes larger than
:mod:`labkit.limits` allows (10^6 layers) are refused before anything is allocated.

>>> import json, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "config.json").write_text(json.dumps({"model_type": "bert", "auto_map": {"AutoModel": "x.M"}}))
>>> check_model_config(d)
Traceback (most recent call last):
classifier.errors.ClassifierError: .../config.json: names code to run ('auto_map'); expected a model folder of settings and weights only (this tool never runs code from a model folder)
>>> _ = (d / "config.json").write_text(json.dumps({"model_type": "albert", "num_hidden_layers": 10**6}))
>>> check_model_config(d)
Traceback (most recent call last):
classifier.errors.ClassifierError: .../config.json: num_hidden_layers is 1000000; expected at most 48 (MAX_LAYERS, see README 'Limits')
"""

from __future__ import annotations

import json
from pathlib import Path

from labkit import limits
from labkit.documents import read_document

from .errors import ClassifierError

#: Keyword arguments of every transformers load: never run a model folder's code.
NO_REMOTE_CODE = {"trust_remote_code": False}

#: config.json fields that bound what a model allocates, and their limits.
SHAPE_LIMITS = {
    "num_hidden_layers": ("MAX_LAYERS", limits.MAX_LAYERS),
    "n_layers": ("MAX_LAYERS", limits.MAX_LAYERS),
    "num_hidden_groups": ("MAX_LAYERS", limits.MAX_LAYERS),
    "hidden_size": ("MAX_HIDDEN", limits.MAX_HIDDEN),
    "embedding_size": ("MAX_HIDDEN", limits.MAX_HIDDEN),
    "dim": ("MAX_HIDDEN", limits.MAX_HIDDEN),
    "intermediate_size": ("MAX_INTERMEDIATE", limits.MAX_INTERMEDIATE),
    "hidden_dim": ("MAX_INTERMEDIATE", limits.MAX_INTERMEDIATE),
    "num_attention_heads": ("MAX_HEADS", limits.MAX_HEADS),
    "n_heads": ("MAX_HEADS", limits.MAX_HEADS),
    "vocab_size": ("MAX_VOCAB", limits.MAX_VOCAB),
    "max_position_embeddings": ("MAX_POSITIONS", limits.MAX_POSITIONS),
}
_CODE_KEYS = ("auto_map", "custom_pipelines")


#: The model_type of a pooling-head classifier (:class:`classifier.heads.LabClassifierConfig`).
LAB_MODEL_TYPE = "aptamer-lab-classifier"


def _known_model_types() -> set[str]:
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES
    return set(CONFIG_MAPPING_NAMES) | {LAB_MODEL_TYPE}


def check_config_dict(cfg, where: str) -> None:
    """The checks of :func:`check_model_config` on a parsed config (and its ``encoder``)."""
    if not isinstance(cfg, dict):
        raise ClassifierError(f"{where}: holds a {type(cfg).__name__}; expected a JSON object "
                              "of model settings")
    for key in _CODE_KEYS:
        if key in cfg:
            raise ClassifierError(f"{where}: names code to run ({key!r}); expected a model "
                                  "folder of settings and weights only (this tool never runs "
                                  "code from a model folder)")
    model_type = cfg.get("model_type")
    if not isinstance(model_type, str) or model_type not in _known_model_types():
        raise ClassifierError(f"{where}: model_type {model_type!r:.60} is not one transformers "
                              "defines (a model type of remote code is never run); expected "
                              "albert, bert, roberta, distilbert... as `classify` writes")
    for key, (name, most) in SHAPE_LIMITS.items():
        value = cfg.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ClassifierError(f"{where}: {key} is {value!r:.40}; expected a whole number >= 1")
        if value > most:
            raise ClassifierError(f"{where}: {key} is {value}; expected at most {most} "
                                  f"({name}, see README 'Limits')")
    if "encoder" in cfg:  # a pooling head's config holds its encoder's
        check_config_dict(cfg["encoder"], f"{where}: encoder")


def check_model_config(folder: str | Path) -> dict:
    """``folder/config.json``, parsed, if it names no code and asks for no absurd shape;
    :class:`ClassifierError` (one line) otherwise. Call it before any transformers load."""
    path = Path(folder) / "config.json"
    if path.is_file() and path.stat().st_size > limits.MAX_JSON_BYTES:
        raise ClassifierError(f"{path}: larger than {limits.MAX_JSON_BYTES} bytes "
                              "(MAX_JSON_BYTES); expected a model's settings")
    cfg = read_document(path, json.loads, "JSON", "missing; expected a model folder written "
                        "by `classify train` or `classify pretrain`", ClassifierError)
    check_config_dict(cfg, str(path))
    return cfg
