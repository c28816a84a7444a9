"""The training configuration: one frozen dataclass, saved next to every model.

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

from .presets import ARCHS, PRESETS

METRICS = ("mcc", "accuracy", "macro_f1", "auroc", "loss")


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run (the command line fills it)."""

    arch: str = field(default="albert", metadata={"help": "encoder architecture or kmer-logreg"})
    preset: str = field(default="tiny", metadata={"help": "model size: tiny, small or base"})
    epochs: int = field(default=10, metadata={"help": "maximum number of epochs"})
    batch_size: int = field(default=32, metadata={"help": "sequences per training step"})
    eval_batch_size: int = field(default=128, metadata={"help": "sequences per evaluation step"})
    learning_rate: float = field(default=1e-3, metadata={"help": "AdamW peak learning rate"})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay"})
    warmup_ratio: float = field(default=0.1, metadata={"help": "share of steps of linear warm-up"})
    max_grad_norm: float = field(default=1.0, metadata={"help": "gradient clipping norm"})
    dropout: float = field(default=0.1, metadata={"help": "dropout in the encoder and head"})
    patience: int = field(default=3, metadata={"help": "epochs without improvement before stopping (0: never)"})
    metric: str = field(default="mcc", metadata={"help": "validation metric for early stopping"})
    max_length: int | None = field(default=None, metadata={"help": "tokens per sequence incl. specials; None: from the data"})
    length_percentile: float = field(default=99.0, metadata={"help": "percentile of token counts that sets max_length"})
    truncation: bool = field(default=True, metadata={"help": "cut longer sequences (off: error instead)"})
    valid_fraction: float = field(default=0.1, metadata={"help": "stratified share of train held out when no validation set"})
    class_weights: bool = field(default=False, metadata={"help": "weight the loss by inverse class frequency"})
    group_by_length: bool = field(default=True, metadata={"help": "batches of similar token counts"})
    seed: int = field(default=0, metadata={"help": "seed for splits, model initialisation and batches"})
    threads: int | None = field(default=None, metadata={"help": "torch CPU threads; None: all cores"})
    max_train_seconds: float | None = field(default=None, metadata={"help": "stop training after this time"})
    init: str | None = field(default=None, metadata={"help": "masked-LM directory to fine-tune from"})
    kmer_k: int = field(default=5, metadata={"help": "k of the kmer-logreg baseline"})
    logreg_c: float = field(default=1.0, metadata={"help": "inverse regularisation of the baseline"})
    checkpoint_seconds: float = field(default=60.0, metadata={
        "help": "save a resumable checkpoint at the end of an epoch once this many seconds "
                "passed since the last (0: every epoch); see --resume"})

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise ValueError(f"arch must be one of {ARCHS}, got {self.arch!r}")
        if self.preset not in PRESETS:
            raise ValueError(f"preset must be one of {tuple(PRESETS)}, got {self.preset!r}")
        if self.metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {self.metric!r}")
        for name in ("epochs", "batch_size", "eval_batch_size", "kmer_k"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate}")
        if not 0 <= self.warmup_ratio < 1:
            raise ValueError(f"warmup_ratio must be in [0, 1), got {self.warmup_ratio}")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout}")
        if not 0 < self.valid_fraction < 1:
            raise ValueError(f"valid_fraction must be in (0, 1), got {self.valid_fraction}")
        if not 50 <= self.length_percentile <= 100:
            raise ValueError(f"length_percentile must be in [50, 100], got {self.length_percentile}")
        if self.max_length is not None and self.max_length < 3:
            raise ValueError(f"max_length must be at least 3 ([CLS] token [SEP]), got {self.max_length}")
        if self.patience < 0:
            raise ValueError(f"patience must be 0 (off) or more, got {self.patience}")
        if self.checkpoint_seconds < 0:
            raise ValueError(f"checkpoint_seconds must be 0 or more, got {self.checkpoint_seconds}")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be at least 1, got {self.threads}")

    @property
    def greater_is_better(self) -> bool:
        return self.metric != "loss"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        """Rebuild from a saved dict, ignoring keys a newer version may have added."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def replace(self, **changes) -> "TrainConfig":
        return dataclasses.replace(self, **changes)
