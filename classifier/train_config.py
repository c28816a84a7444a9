"""The training configurations, frozen dataclasses saved next to every model: fine-tuning
(:class:`TrainConfig`) and masked-LM pretraining (:class:`PretrainConfig`).

The command line's options are made from their fields (``labkit.cli.dataclass_options``).

>>> TrainConfig(preset="tiny", epochs=3).epochs
3
>>> TrainConfig(arch="gpt2")
Traceback (most recent call last):
ValueError: arch must be one of ('albert', 'bert', 'distilbert', 'roberta', 'electra', 'kmer-logreg'), got 'gpt2'
>>> TrainConfig.from_dict(TrainConfig(seed=3).to_dict()) == TrainConfig(seed=3)
True
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from labkit.config import SavedConfig, check_choices
from labkit.limits import MAX_MODEL_TOKENS

from .presets import ARCHS, NEURAL_ARCHS, PRESETS

#: The scores of a classifier over a whole split, in report order (metrics.json, the
#: model card, the ablation's tables).
SCORES = ("accuracy", "macro_f1", "mcc", "auroc")
#: What early stopping can watch on the validation split.
EARLY_STOPPING_METRICS = ("mcc", "accuracy", "macro_f1", "auroc", "loss")
#: Poolings and heads of :mod:`classifier.heads` (written here so the config needs no torch).
POOLINGS = ("cls", "mean", "max", "attention")
HEADS = ("linear", "mlp")
#: Attention biases from the read's structure (:mod:`classifier.structure_bias`).
STRUCTURE_BIASES = ("none", "pairs", "bpp")
KMER_CHANNEL_MAX = 8
#: Sequences per evaluation or prediction step (training's validation, evaluate, predict).
EVAL_BATCH_SIZE = 128


#: Fields that fine-tuning and pretraining share, each written once: default and metadata.
_SHARED = {
    "preset": ("tiny", {"help": "Model size.", "choices": tuple(PRESETS)}),
    "learning_rate": (1e-3, {"help": "AdamW peak learning rate."}),
    "weight_decay": (0.01, {"help": "AdamW weight decay."}),
    "warmup_ratio": (0.1, {"help": "Share of steps of linear warm-up."}),
    "max_grad_norm": (1.0, {"help": "Gradient clipping norm."}),
    "dropout": (0.1, {"help": "Dropout in the encoder and head."}),
    "attention_dropout": (0.0, {"help": "Dropout on the attention probabilities; 0 lets long "
                                        "inputs train about twice as fast (no L x L mask)."}),
    "length_percentile": (99.0, {"help": "Percentile of token counts that sets max_length."}),
    "threads": (None, {"help": "Torch CPU threads.", "unset": "idle cores"}),
    "max_train_seconds": (None, {"help": "Stop training after this many seconds.",
                                 "unset": "no limit"}),
}


def _shared(name: str, **metadata):
    """A fresh field for ``name`` (a field object cannot sit in two dataclasses);
    ``metadata`` overrides, e.g. a longer help."""
    default, meta = _SHARED[name]
    return field(default=default, metadata={**meta, **metadata})


def _check_max_length(config) -> None:
    if config.max_length is not None and not 3 <= config.max_length <= MAX_MODEL_TOKENS:
        raise ValueError(f"max_length must be between 3 ([CLS] token [SEP]) and "
                         f"{MAX_MODEL_TOKENS} (MAX_MODEL_TOKENS), got {config.max_length}")


def _check_dropouts(config) -> None:
    for name in ("dropout", "attention_dropout"):
        value = getattr(config, name)
        if not 0 <= value < 1:
            raise ValueError(f"{name} must be in [0, 1), got {value}")


@dataclass(frozen=True)
class TrainConfig(SavedConfig):
    """Everything that decides a training run (the command line fills it)."""

    arch: str = field(default="bert", metadata={
        "help": "Encoder architecture, or kmer-logreg (the non-neural floor).", "choices": ARCHS})
    preset: str = _shared("preset")
    epochs: int = field(default=10, metadata={"help": "Maximum number of epochs."})
    batch_size: int = field(default=32, metadata={"help": "Sequences per training step."})
    eval_batch_size: int = field(default=EVAL_BATCH_SIZE, metadata={"help": "Sequences per evaluation step."})
    learning_rate: float | str = _shared("learning_rate", help=(
        "AdamW peak learning rate, or auto: a range test on the training data picks it "
        "(classify lr-find)."))
    weight_decay: float = _shared("weight_decay")
    warmup_ratio: float = _shared("warmup_ratio")
    max_grad_norm: float = _shared("max_grad_norm")
    dropout: float = _shared("dropout")
    attention_dropout: float = _shared("attention_dropout")
    pooling: str = field(default="mean", metadata={
        "help": "Token summary: cls (with --head linear: the stock [CLS] pooler), mean, max, or "
                "attention (a learned weighted mean).", "choices": POOLINGS})
    head: str = field(default="linear", metadata={
        "help": "Classifier on the pooled vector: linear, or mlp (dense, GELU, linear).",
        "choices": HEADS})
    structure_bias: str = field(default="none", metadata={
        "help": "Attention bias from the read's fold: pairs (1 where two tokens' nucleotides "
                "pair in the MFE structure, averaged over the tokens' nucleotides) or bpp "
                "(ViennaRNA base-pair probabilities), times a learned scale per layer and head "
                "(starts at 0).", "choices": STRUCTURE_BIASES})
    structure_channel: bool = field(default=False, metadata={
        "help": "Add a loop-type embedding (stem, hairpin, bulge, interior, multiloop, external, "
                "dangling end; a token's majority) to each token's embedding."})
    kmer_channel: int = field(default=0, metadata={
        "help": "Add to each token's embedding the mean embedding of its overlapping K-mers "
                "(0: off)."})
    structure_shuffle: bool = field(default=False, metadata={
        "help": "Control: give each read the structure of another read of the same length "
                "(seeded; a read of unique length gets the nearest length's, cut or extended)."})
    patience: int = field(default=3, metadata={"help": "Epochs without improvement before stopping (0: never)."})
    metric: str = field(default="mcc", metadata={
        "help": "Validation metric for early stopping and the best epoch.", "choices": EARLY_STOPPING_METRICS})
    max_length: int | None = field(default=None, metadata={"help": f"Tokens per sequence, [CLS] and [SEP] included (at most {MAX_MODEL_TOKENS}).",
        "unset": "--length-percentile of train"})
    length_percentile: float = _shared("length_percentile")
    truncation: bool = field(default=True, metadata={"help": "Cut sequences longer than the model, or refuse them."})
    valid_fraction: float = field(default=0.1, metadata={"help": "Stratified share of train held out when no validation set is given."})
    class_weights: bool = field(default=False, metadata={"help": "Weight the loss by inverse class frequency."})
    group_by_length: bool = field(default=True, metadata={"help": "Batches of similar token counts."})
    seed: int = field(default=0, metadata={"help": "Seed for splits, model initialisation and batches."})
    threads: int | None = _shared("threads")
    max_train_seconds: float | None = _shared("max_train_seconds")
    init: str | None = field(default=None, metadata={"help": "Masked-LM directory (classify pretrain) to fine-tune from.", "unset": "a fresh model"})
    kmer_k: int = field(default=5, metadata={"help": "k of the kmer-logreg baseline."})
    logreg_c: float = field(default=1.0, metadata={"help": "Inverse regularisation of the baseline."})
    segmentation_sampling: float = field(default=0.0, metadata={
        "help": "A fresh sampled segmentation of each training read every epoch (seeded by "
                "seed and epoch): the BPE-dropout probability for bpe (0.1 is usual), alpha "
                "for unigram (smaller: flatter, more tokens; on nrc 2 helped, 0.1 failed); char "
                "and k-mer tokenizers have "
                "one segmentation (no-op), wordpiece and structure-aware ones refuse it. "
                "0: off."})
    test_segmentations: int = field(default=1, metadata={
        "help": "Test-time averaging: class probabilities on the test split averaged over the "
                "best segmentation and N-1 sampled ones (needs segmentation_sampling). "
                "1: the best only."})
    crop: float = field(default=0.0, metadata={
        "help": "Each epoch each training read loses a random prefix and a random suffix of "
                "up to this share of its length (of the region between constant primers, "
                "which stay); never the validation or test reads. 0: off."})
    checkpoint_seconds: float = field(default=60.0, metadata={
        "help": "Save a checkpoint for --resume at the end of an epoch once this many seconds "
                "passed since the last (0: every epoch)."})

    def __post_init__(self) -> None:
        check_choices(self)
        for name in ("epochs", "batch_size", "eval_batch_size", "kmer_k"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.learning_rate != "auto" and (isinstance(self.learning_rate, str)
                                             or not self.learning_rate > 0):
            raise ValueError(f"learning_rate must be a positive number or 'auto', "
                             f"got {self.learning_rate!r}")
        if not 0 <= self.warmup_ratio < 1:
            raise ValueError(f"warmup_ratio must be in [0, 1), got {self.warmup_ratio}")
        _check_dropouts(self)
        if not 0 < self.valid_fraction < 1:
            raise ValueError(f"valid_fraction must be in (0, 1), got {self.valid_fraction}")
        if not 50 <= self.length_percentile <= 100:
            raise ValueError(f"length_percentile must be in [50, 100], got {self.length_percentile}")
        _check_max_length(self)
        if self.patience < 0:
            raise ValueError(f"patience must be 0 (off) or more, got {self.patience}")
        if self.checkpoint_seconds < 0:
            raise ValueError(f"checkpoint_seconds must be 0 or more, got {self.checkpoint_seconds}")
        if not 0 <= self.kmer_channel <= KMER_CHANNEL_MAX:
            raise ValueError(f"kmer_channel must be 0 (off) to {KMER_CHANNEL_MAX}, got {self.kmer_channel}")
        if self.structure_shuffle and self.structure_bias == "none" and not self.structure_channel:
            raise ValueError("structure_shuffle shuffles the structure inputs; turn on "
                             "structure_bias or structure_channel")
        if self.arch == "kmer-logreg" and (self.structure_bias != "none" or self.structure_channel
                                           or self.kmer_channel):
            raise ValueError("the kmer-logreg baseline takes no structure or k-mer channel inputs; "
                             "choose a neural --arch")
        if self.segmentation_sampling < 0:
            raise ValueError(f"segmentation_sampling must be 0 (off) or more, "
                             f"got {self.segmentation_sampling}")
        if self.test_segmentations < 1:
            raise ValueError(f"test_segmentations must be at least 1, got {self.test_segmentations}")
        if self.test_segmentations > 1 and not self.segmentation_sampling:
            raise ValueError(f"test_segmentations {self.test_segmentations} averages sampled "
                             "segmentations; it needs segmentation_sampling above 0")
        if not 0 <= self.crop < 0.5:
            raise ValueError(f"crop must be in [0, 0.5), got {self.crop}")
        if self.arch == "kmer-logreg" and (self.segmentation_sampling or self.crop):
            raise ValueError("segmentation_sampling and crop change a tokenizer's input; "
                             "--arch kmer-logreg has none (set them to 0)")
        if self.crop and (self.structure_bias != "none" or self.structure_channel):
            raise ValueError("crop changes the read, whose structure inputs come from its fold; "
                             "crop with --structure-bias/--structure-channel is not supported")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be at least 1, got {self.threads}")

    @property
    def greater_is_better(self) -> bool:
        return self.metric != "loss"

    def replace(self, **changes) -> "TrainConfig":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class PretrainConfig:
    """Settings of a masked-LM run (saved as pretrain_config.json)."""

    arch: str = field(default="bert", metadata={"help": "Encoder architecture.",
                                                  "choices": NEURAL_ARCHS})
    preset: str = _shared("preset")
    epochs: int = field(default=5, metadata={"help": "Maximum number of epochs."})
    batch_size: int = field(default=64, metadata={"help": "Sequences per training step."})
    learning_rate: float = _shared("learning_rate")
    weight_decay: float = _shared("weight_decay")
    warmup_ratio: float = _shared("warmup_ratio")
    max_grad_norm: float = _shared("max_grad_norm")
    dropout: float = _shared("dropout")
    attention_dropout: float = _shared("attention_dropout")
    mlm_probability: float = field(default=0.15, metadata={
        "help": "Share of tokens masked (in spans of k for overlapping k-mers)."})
    max_length: int | None = field(default=None, metadata={
        "help": f"Tokens per sequence, [CLS] and [SEP] included (at most {MAX_MODEL_TOKENS}).",
        "unset": "--length-percentile of the reads"})
    length_percentile: float = _shared("length_percentile")
    valid_fraction: float = field(default=0.05, metadata={
        "help": "Share of the reads held out to pick the best epoch by loss."})
    max_sequences: int | None = field(default=None, metadata={
        "help": "Use only the first N reads.", "unset": "all"})
    seed: int = field(default=0, metadata={"help": "Seed for the split, masking and initialisation."})
    threads: int | None = _shared("threads")
    max_train_seconds: float | None = _shared("max_train_seconds")

    def __post_init__(self) -> None:
        check_choices(self)
        _check_dropouts(self)
        _check_max_length(self)
        if not 0 < self.mlm_probability < 1:
            raise ValueError(f"mlm_probability must be in (0, 1), got {self.mlm_probability}")
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError("epochs and batch_size must be at least 1")
        if not 0 < self.valid_fraction < 1:
            raise ValueError(f"valid_fraction must be in (0, 1), got {self.valid_fraction}")
