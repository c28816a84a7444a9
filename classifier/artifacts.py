"""The model directory: written all at once, read back with clear errors.

Layout (``AutoModelForSequenceClassification`` and ``AutoTokenizer`` load it; a pooling
head other than the stock [CLS] one needs ``import classifier.heads`` first)::

    config.json  model.safetensors          save_pretrained (id2label/label2id in config)
    tokenizer.json  tokenizer_config.json   the tokenizer's HF files, plus lab.json, vocab.txt
    training_config.json                    TrainConfig, classes, max length, data, tokenizer
    metrics.json  history.csv  README.md  plots/*.png

A kmer-logreg baseline writes ``kmer_logreg.json`` and ``kmer_logreg.safetensors``
(:mod:`classifier.baseline`) instead of the weights and tokenizer; nothing is pickled.
"""

from __future__ import annotations

import csv
import json
import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from labkit.atomic import atomic_dir, atomic_write
from labkit.documents import read_document
from labkit.typed import from_saved
from labkit.progress import show_progress

from .card import render_card
from .train_config import TrainConfig
from .errors import ClassifierError
from .plots import write_plots

INFO_FILE = "training_config.json"
NEURAL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "lab.json")
COMMON_FILES = (INFO_FILE, "metrics.json", "history.csv", "README.md", "plots/loss.png",
                "plots/valid_metric.png", "plots/confusion_matrix.png")
#: Files a neural model folder may hold besides those it must (older transformers, vocab.txt).
OPTIONAL_FILES = ("special_tokens_map.json", "vocab.txt")


@contextlib.contextmanager
def quiet_hf_progress():
    """No transformers progress bars (weight saving/loading) unless ours are shown."""
    from transformers.utils import logging as hf_logging
    was = hf_logging.is_progress_bar_enabled()
    if not show_progress():
        hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was:
            hf_logging.enable_progress_bar()


def write_json(path: Path, data) -> None:
    with atomic_write(path) as fh:
        json.dump(data, fh, indent=2, sort_keys=False)
        fh.write("\n")


def write_history(path: Path, history: list[dict]) -> None:
    """One row per epoch; columns are the union of the rows' keys, epoch first."""
    keys: list[str] = []
    for row in history:
        keys += [k for k in row if k not in keys]
    keys = ["epoch"] + [k for k in keys if k != "epoch"]
    with atomic_write(path) as fh:
        w = csv.DictWriter(fh, fieldnames=keys, lineterminator="\n")
        w.writeheader()
        w.writerows(history)


def _copy_tokenizer(tokenizer, directory: Path, max_length: int) -> None:
    """The tokenizer's files beside the weights, with the model's maximum length."""
    sub = directory / "_tokenizer"
    tokenizer.save(sub)
    for p in sub.iterdir():
        shutil.move(str(p), directory / p.name)
    sub.rmdir()
    cfg_path = directory / "tokenizer_config.json"
    if cfg_path.is_file():
        cfg = json.loads(cfg_path.read_text())
        cfg["model_max_length"] = max_length
        cfg["model_input_names"] = ["input_ids", "attention_mask"]
        write_json(cfg_path, cfg)


def save_model_dir(out_dir: str | Path, *, config: TrainConfig, info: dict, metrics: dict,
                   history: list[dict], model=None, tokenizer=None, baseline=None) -> Path:
    """Write every artifact into a temporary sibling, then rename it to ``out_dir``."""
    out_dir = Path(out_dir)
    evald = metrics.get("test") or metrics.get("valid") or {}
    with atomic_dir(out_dir) as tmp:
        if baseline is not None:
            baseline.save(tmp)
        else:
            with quiet_hf_progress():
                model.save_pretrained(tmp)
            _copy_tokenizer(tokenizer, tmp, info["max_length"])
        write_json(tmp / INFO_FILE, {"train_config": config.to_dict(), **info})
        write_json(tmp / "metrics.json", metrics)
        write_history(tmp / "history.csv", history)
        write_plots(tmp / "plots", history, evald.get("confusion", []), info["classes"],
                    config.metric, "test set" if metrics.get("test") else "validation set")
        with atomic_write(tmp / "README.md") as fh:
            fh.write(render_card(config.to_dict(), info, metrics))
    return out_dir


@dataclass
class LoadedModel:
    """A model directory read back: the model (or baseline), tokenizer and metadata."""

    path: Path
    config: TrainConfig
    info: dict
    model: object = None
    tokenizer: object = None
    baseline: object = None

    @property
    def classes(self) -> list[str]:
        return list(self.info["classes"])

    @property
    def max_length(self) -> int | None:
        return self.info.get("max_length")


def load_model_dir(path: str | Path) -> LoadedModel:
    """Read a directory written by :func:`save_model_dir`; :class:`ClassifierError` if not one."""
    path = Path(path)
    if not path.is_dir():
        raise ClassifierError(f"{path}: no such model directory; expected the --out folder "
                              "of `classify train`")
    config, info = _read_info(path / INFO_FILE)
    loaded = LoadedModel(path, config, info)
    if config.arch == "kmer-logreg":
        from .baseline import KmerLogReg
        loaded.baseline = KmerLogReg.load(path)
        return loaded
    from tokenizer_lab import load_tokenizer
    from transformers import AutoModelForSequenceClassification

    from . import heads  # noqa: F401  registers the pooling heads with the Auto classes
    from .model_config import NO_REMOTE_CODE, check_model_config
    check_model_config(path)  # no code, no absurd shape: before transformers reads it
    loaded.tokenizer = load_tokenizer(path)
    _check_weights(path / "model.safetensors")
    try:
        with quiet_hf_progress():
            loaded.model = AutoModelForSequenceClassification.from_pretrained(path, **NO_REMOTE_CODE)
    except (OSError, ValueError, KeyError, RuntimeError, TypeError, AttributeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise ClassifierError(f"{path}: cannot load the model weights ({first})") from None
    loaded.model.eval()
    return loaded


def _read_info(info_path: Path) -> tuple[TrainConfig, dict]:
    """training_config.json, each field checked: one line naming the file and the field."""
    data = read_document(info_path, json.loads, "JSON",
                         "missing; expected a model directory written by `classify train`",
                         ClassifierError)
    if not isinstance(data, dict) or "train_config" not in data:
        raise ClassifierError(f"{info_path}: field 'train_config' is missing; expected the file "
                              "`classify train` writes")
    config = from_saved(TrainConfig, data["train_config"], f"{info_path}: train_config",
                        error=ClassifierError)
    info = {k: v for k, v in data.items() if k != "train_config"}
    classes = info.get("classes")
    if not isinstance(classes, list) or len(classes) < 2 or not all(isinstance(c, str) for c in classes):
        raise ClassifierError(f"{info_path}: field 'classes' is {classes!r:.60}; expected a list "
                              "of at least two class names")
    if not (info.get("max_length") is None or isinstance(info["max_length"], int)
            and not isinstance(info["max_length"], bool) and info["max_length"] >= 3):
        raise ClassifierError(f"{info_path}: field 'max_length' is {info['max_length']!r:.40}; "
                              "expected a whole number of tokens (3 or more) or null")
    return config, info


def _check_weights(path: Path) -> None:
    """A truncated or foreign model.safetensors: one line, before transformers reads it."""
    from safetensors import safe_open
    if not path.is_file():
        raise ClassifierError(f"{path}: missing; expected the weights `classify train` wrote")
    try:
        with safe_open(str(path), framework="pt") as fh:
            fh.keys()
    except Exception as exc:  # safetensors raises its own SafetensorError
        first = (str(exc).splitlines() or [exc.__class__.__name__])[0][:100]
        raise ClassifierError(f"{path}: damaged weights ({first}); expected a complete "
                              "safetensors file written by `classify train`") from None


def needed_files(path: str | Path) -> tuple[str, ...]:
    """The files a complete model directory of ``path``'s architecture must have."""
    path = Path(path)
    try:
        arch = json.loads((path / INFO_FILE).read_text())["train_config"]["arch"]
    except (OSError, ValueError, KeyError, TypeError):
        arch = TrainConfig().arch  # unreadable info: check for the default's files
    from .baseline import MODEL_FILE, WEIGHTS_FILE
    return COMMON_FILES + ((MODEL_FILE, WEIGHTS_FILE) if arch == "kmer-logreg" else NEURAL_FILES)


def missing_files(path: str | Path) -> list[str]:
    """Files a complete model directory must have and ``path`` lacks."""
    return [f for f in needed_files(path) if not (Path(path) / f).is_file()]
