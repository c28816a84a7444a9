"""Ablation settings: a TOML file and/or command-line options -> one frozen dataclass.

A ready-made TOML (``classifier/configs/*.toml``)::

    name = "selex-sim demo"
    task = "selex-sim"
    tokenizers = ["char", "kmer:3", "bpe:256", "unigram:256"]
    seeds = [0, 1, 2]
    preset = "tiny"
    epochs = 3

Tokenizer shorthands: ``char``, ``kmer:K`` (k-mers of length K), ``ALGO:VOCAB``
(``bpe:512``, ``unigram:512``, ``struct-bpe:512``, ...). A TOML table such as
``{algorithm = "kmer", k = 6, stride = 6}`` passes further TokenizerSpec fields.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from corpora.alphabet import ALPHABETS
from labkit.limits import MAX_RUNS, MAX_SEEDS
from labkit.config import check_choices
from labkit.documents import read_document
from labkit.errors import LabError
from labkit.cluster import BACKENDS, check_backend
from tokenizer_lab.spec import K_RANGE

from ..train_config import SCORES
from ..presets import PRESETS

#: Settings that do not change any single run's result (excluded from the fingerprint).
GRID_KEYS = ("tokenizers", "seeds", "jobs", "name", "mirror",
             "backend", "ray_address", "cpus_per_run", "gpus_per_run", "max_retries", "artifacts",
             "explain_motifs")

#: Training settings added after ablations were first run: unset (None, classify train's
#: default) they stay out of the fingerprint, so an ablation folder made before resumes.
LATER_KEYS = ("segmentation_sampling", "test_segmentations", "crop")


def _setting(default, text: str, **meta):
    """A field with its help text (and ``choices``, ``unset``) for ``classify ablate``."""
    return field(default=default, metadata={"help": text, **meta})


class AblationError(LabError):
    """A bad ablation config or run folder (one line, says how to fix)."""


@dataclass(frozen=True)
class TokenizerChoice:
    """One column of the grid: an algorithm with its vocabulary size or k.

    >>> TokenizerChoice.parse("bpe:512").label
    'bpe:512'
    >>> TokenizerChoice.parse("kmer:3")
    TokenizerChoice(algorithm='kmer', vocab_size=None, k=3, options=())
    >>> TokenizerChoice.parse("char").slug
    'char'
    """

    algorithm: str
    vocab_size: int | None = None
    k: int | None = None
    options: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self):
        if not self.algorithm or not self.algorithm.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"tokenizer algorithm {self.algorithm!r} is not a name; "
                             "write e.g. 'bpe:512', 'kmer:3' or 'char'")
        if self.vocab_size is not None and self.vocab_size < 6:
            raise ValueError(f"{self.algorithm}: vocab size {self.vocab_size} is too small "
                             "(5 special tokens plus the alphabet); use e.g. bpe:256")
        if self.k is not None and not K_RANGE[0] <= self.k <= K_RANGE[1]:  # the spec's range
            raise ValueError(f"kmer: k={self.k} must be between {K_RANGE[0]} and {K_RANGE[1]}")

    @classmethod
    def parse(cls, item: str | dict) -> "TokenizerChoice":
        if isinstance(item, dict):
            item = dict(item)
            item.pop("label", None)  # the form to_dict() writes
            item.update(item.pop("options", None) or {})
            algo = item.pop("algorithm", None)
            if not algo:
                raise ValueError(f"tokenizer table {item} needs an 'algorithm' key")
            vocab = item.pop("vocab_size", None)
            k = item.pop("k", None)
            return cls(str(algo), _int_or_none(vocab, "vocab_size"), _int_or_none(k, "k"),
                       tuple(sorted(item.items())))
        text = str(item).strip()
        algo, _, arg = text.partition(":")
        algo = algo.strip().lower()
        if not arg:
            if algo == "kmer":
                raise ValueError("'kmer' needs its k: write e.g. 'kmer:3'")
            return cls(algo)
        try:
            value = int(arg)
        except ValueError:
            raise ValueError(f"tokenizer {text!r}: expected ALGORITHM:NUMBER such as "
                             "'bpe:512' or 'kmer:3'") from None
        return cls(algo, k=value) if algo == "kmer" else cls(algo, vocab_size=value)

    @property
    def label(self) -> str:
        base = (f"kmer:{self.k}" if self.k is not None and self.algorithm == "kmer"
                else f"{self.algorithm}:{self.vocab_size}" if self.vocab_size
                else self.algorithm)
        extra = ",".join(f"{k}={v}" for k, v in self.options)
        return f"{base}[{extra}]" if extra else base

    @property
    def slug(self) -> str:
        """A folder-safe name."""
        return "".join(c if c.isalnum() or c in "-_" else "-" for c in self.label).strip("-")

    def to_dict(self) -> dict:
        return {"algorithm": self.algorithm, "vocab_size": self.vocab_size, "k": self.k,
                "options": dict(self.options), "label": self.label}


@dataclass(frozen=True)
class AblationConfig:
    """Everything that defines an ablation's grid and training (saved in results.json)."""

    name: str = _setting("ablation", "Title of the report.")
    task: str | None = _setting(None, "A named task (see `corpora tasks`).", unset="--data files")
    train: str | None = _setting(None, "Training file, instead of --task.", unset="--task")
    valid: str | None = _setting(None, "Validation file (with --data).",
                                 unset="a stratified 10% of train")
    test: str | None = _setting(None, "Test file (with --data).", unset="--task")
    mirror: str | None = _setting(None, "Data mirror folder for --task.", unset="$CORPORA_MIRROR, else the download cache")
    tokenizers: tuple[TokenizerChoice, ...] = _setting(
        (), "The grid's tokenizers, e.g. char,kmer:3,bpe:512,unigram:512.")
    seeds: tuple[int, ...] = _setting((0, 1, 2), f"Seeds, e.g. 0,1,2: every tokenizer runs with each (at most {MAX_SEEDS}).")
    preset: str = _setting("tiny", "Model size.", choices=tuple(PRESETS))
    epochs: int | None = _setting(None, "Epochs per run.", unset="classify train's")
    batch_size: int | None = _setting(None, "Sequences per training step.", unset="classify train's")
    learning_rate: float | str | None = _setting(
        None, "AdamW peak learning rate, or auto: a range test per run (classify lr-find).",
        unset="classify train's")
    max_length: int | None = _setting(None, "Tokens per sequence.", unset="from the training data")
    segmentation_sampling: float | None = _setting(
        None, "BPE-dropout p (bpe) or alpha (unigram): a sampled segmentation of each training "
        "read every epoch; char and k-mer runs are unchanged, other tokenizers refuse it.",
        unset="classify train's (off)")
    test_segmentations: int | None = _setting(
        None, "Test probabilities averaged over the best and N-1 sampled segmentations.",
        unset="classify train's (1)")
    crop: float | None = _setting(None, "Training reads lose a random prefix and suffix of up "
                                  "to this share each epoch.", unset="classify train's (off)")
    alphabet: str = _setting("auto", "Alphabet of --data files.", choices=ALPHABETS)
    baseline_k: int | None = _setting(5, "k of the kmer-logreg baseline (0: none).")
    primary_metric: str = _setting("accuracy", "Metric that picks the best tokenizer for the "
                                   "paired tests.", choices=SCORES)
    max_train: int | None = _setting(None, "Stratified subsample of train, seed 0 (speed).",
                                     unset="all")
    max_valid: int | None = _setting(None, "Stratified subsample of valid, seed 0 (speed).",
                                     unset="all")
    max_test: int | None = _setting(None, "Stratified subsample of test, seed 0 (speed).",
                                    unset="all")
    jobs: int = _setting(1, "Runs at once (processes).")
    backend: str = _setting("local", "Where runs execute: 'local' (processes here, --jobs) "
                            "or 'ray' (a Ray cluster).", choices=BACKENDS)
    ray_address: str | None = _setting(None, "Ray cluster: auto, HOST:6379 or ray://HOST:10001.",
                                       unset="a Ray instance on this machine")
    cpus_per_run: float = _setting(1.0, "Ray: CPUs each run asks for (its torch threads).")
    gpus_per_run: float = _setting(0.0, "Ray: GPUs each run asks for (runs then land on GPU nodes).")
    max_retries: int = _setting(2, "Ray: times a run is retried when its worker process dies.")
    artifacts: str | None = _setting(None, "Ray: folder or file:// URI the workers write run "
                                     "folders to.", unset="sent back, written under --out")
    train_options: tuple[tuple[str, Any], ...] = _setting(
        (), "More TrainConfig fields for every run (TOML table [train_options]).")
    explain_motifs: bool = _setting(False, "Add each tokenizer's best-run top motifs "
                                    "(classify explain) to the report.")

    def __post_init__(self):
        if not self.task and not self.train:
            raise ValueError("no data: give a named task (--task NAME / task = ...) or "
                             "files (--data train.csv --test test.csv)")
        if self.task and self.train:
            raise ValueError("give either a named task or data files, not both")
        if self.train and not self.test:
            raise ValueError("--data needs --test (the split every run is evaluated on)")
        if not self.tokenizers:
            raise ValueError("no tokenizers: give e.g. --tokenizers char,kmer:3,bpe:512")
        labels = [t.label for t in self.tokenizers]
        if len(set(labels)) != len(labels):
            raise ValueError(f"tokenizers listed twice: {labels}")
        if len(self.seeds) > MAX_SEEDS or len(self.seeds) * len(self.tokenizers) > MAX_RUNS:
            raise ValueError(f"seeds: {len(self.seeds)} seeds x {len(self.tokenizers)} tokenizers; "
                             f"expected at most {MAX_SEEDS} seeds and {MAX_RUNS} runs "
                             "(MAX_SEEDS, MAX_RUNS, see README 'Limits')")
        if not self.seeds or len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds must be distinct and non-empty, got {list(self.seeds)[:10]}")
        check_choices(self)
        if self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {self.jobs}")
        check_backend(self.backend)
        if self.cpus_per_run <= 0 or self.gpus_per_run < 0:
            raise ValueError(f"cpus_per_run must be above 0 and gpus_per_run at least 0, "
                             f"got {self.cpus_per_run} and {self.gpus_per_run}")
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be at least 0, got {self.max_retries}")
        if self.artifacts is not None:
            if self.backend != "ray":
                raise ValueError("artifacts (a folder for the workers' run folders) needs backend 'ray'")
            artifacts_dir(self.artifacts)
        if self.epochs is not None and self.epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {self.epochs}")
        for name in ("max_train", "max_valid", "max_test"):
            v = getattr(self, name)
            if v is not None and v < 2:
                raise ValueError(f"{name} must be at least 2, got {v}")

    # ---- (de)serialisation -------------------------------------------------
    def to_dict(self) -> dict:
        d = asdict(self)
        d["tokenizers"] = [t.to_dict() for t in self.tokenizers]
        d["seeds"] = list(self.seeds)
        d["train_options"] = dict(self.train_options)
        return d

    @classmethod
    def from_dict(cls, raw: dict) -> "AblationConfig":
        raw = dict(raw)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"unknown ablation setting(s) {unknown}; known: {sorted(known)}")
        toks = raw.get("tokenizers", ())
        if isinstance(toks, str):
            toks = [t for t in toks.split(",") if t.strip()]
        raw["tokenizers"] = tuple(TokenizerChoice.parse(t) for t in toks)
        seeds = raw.get("seeds", (0, 1, 2))
        if isinstance(seeds, str):
            seeds = [s for s in seeds.split(",") if s.strip()]
        raw["seeds"] = tuple(int(s) for s in seeds)
        raw["train_options"] = tuple(sorted(dict(raw.get("train_options") or {}).items()))
        return cls(**raw)

    def fingerprint(self) -> str:
        """Hash of the settings every run shares (data, model, training).

        A restart must match it; the grid itself (tokenizers, seeds) may grow or
        shrink, since each run folder is named by its tokenizer and seed.
        """
        d = self.to_dict()
        for volatile in GRID_KEYS:
            d.pop(volatile, None)
        for key in LATER_KEYS:
            if d.get(key) is None:
                d.pop(key, None)
        blob = json.dumps(d, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def with_(self, **changes) -> "AblationConfig":
        return replace(self, **changes)


def load_config(path: str | Path | None = None, **overrides: Any) -> AblationConfig:
    """Read a TOML file (optional) and apply non-None overrides from the command line.

    Relative data paths in the TOML are resolved against the TOML's folder.

    >>> cfg = load_config(None, task="selex-sim", tokenizers="char,bpe:256", seeds="0,1")
    >>> [t.label for t in cfg.tokenizers], cfg.seeds
    (['char', 'bpe:256'], (0, 1))
    """
    raw: dict[str, Any] = {}
    if path is not None:
        path = Path(path)
        raw = read_document(path, tomllib.loads, "TOML", "config file not found", AblationError)
        for key in ("train", "valid", "test"):
            if isinstance(raw.get(key), str) and not Path(raw[key]).is_absolute():
                raw[key] = str((path.parent / raw[key]).resolve())
    for key, value in overrides.items():
        if value is not None and value != ():
            raw[key] = value
    if raw.get("train") and raw.get("task") and "task" in overrides and overrides["task"]:
        raw.pop("train")
    try:
        return AblationConfig.from_dict(raw)
    except (ValueError, TypeError) as exc:
        where = f"{path}: " if path is not None else ""
        raise AblationError(f"{where}{exc}") from None


def artifacts_dir(uri: str) -> Path:
    """The local folder of an ``--artifacts`` URI (a path or ``file://``).

    >>> artifacts_dir("file:///data/abl"), artifacts_dir("/data/abl")
    (PosixPath('/data/abl'), PosixPath('/data/abl'))
    >>> artifacts_dir("s3://bucket/abl")
    Traceback (most recent call last):
    ...
    ValueError: artifacts must be a folder or a file:// URI (mount other stores), got 's3://bucket/abl'
    """
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(parsed.path)
    if parsed.scheme == "":
        return Path(uri)
    raise ValueError(f"artifacts must be a folder or a file:// URI (mount other stores), got {uri!r}")


def _int_or_none(v, name):
    if v is None:
        return None
    try:
        return int(v)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, got {v!r}") from None
