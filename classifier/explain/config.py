"""Settings of `classify explain`: one frozen dataclass, saved in ``explain.json``.

>>> ExplainConfig().n_steps
50
>>> ExplainConfig(window=2)
Traceback (most recent call last):
ValueError: window must be between 4 and 40 nucleotides, got 2
>>> ExplainConfig.from_dict(ExplainConfig(target="bind").to_dict()) == ExplainConfig(target="bind")
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

from labkit.config import SavedConfig

BASELINES = ("pad", "mask", "unk")
FOLD_CHOICES = ("auto", "yes", "no")


@dataclass(frozen=True)
class ExplainConfig(SavedConfig):
    """How attributions are computed and turned into motifs (the command line fills it)."""

    target: str | None = field(default=None, metadata={
        "help": "class to explain for every sequence", "unset": "each sequence's predicted class"})
    n_steps: int = field(default=50, metadata={
        "help": "integrated-gradients steps (Gauss-Legendre); more steps, smaller delta"})
    baseline: str = field(default="pad", metadata={
        "help": "token that replaces every sequence token in the baseline input "
                "([CLS], [SEP] and primer tokens are kept)", "choices": BASELINES})
    batch_size: int = field(default=64, metadata={"help": "sequences per attribution batch"})
    window: int = field(default=10, metadata={"help": "motif window width in nucleotides"})
    windows_per_sequence: int = field(default=1, metadata={
        "help": "non-overlapping high-attribution windows taken from each sequence"})
    flank: int = field(default=3, metadata={
        "help": "nucleotides on each side of a window used to align it (shifts up to this)"})
    max_mismatches: int = field(default=3, metadata={
        "help": "a window joins a motif cluster when it aligns to the seed with at most this "
                "many mismatches over the window"})
    top_motifs: int = field(default=3, metadata={"help": "motif logos shown per class"})
    min_support: int = field(default=5, metadata={"help": "sequences a motif needs to be shown"})
    html_sequences: int = field(default=20, metadata={
        "help": "sequences per class drawn in explain.html (strongest first; the JSON has all)"})
    fold: str = field(default="auto", metadata={
        "help": "fold reads (ViennaRNA, cached) for the structure tracks and motif element "
                "shares (auto: structure tokenizers only)", "choices": FOLD_CHOICES})
    threads: int | None = field(default=None, metadata={"help": "torch CPU threads", "unset": "idle cores"})

    def __post_init__(self) -> None:
        if self.baseline not in BASELINES:
            raise ValueError(f"baseline must be one of {BASELINES}, got {self.baseline!r}")
        if self.fold not in FOLD_CHOICES:
            raise ValueError(f"fold must be one of {FOLD_CHOICES}, got {self.fold!r}")
        if not 4 <= self.window <= 40:
            raise ValueError(f"window must be between 4 and 40 nucleotides, got {self.window}")
        if not 0 <= self.flank <= 10:
            raise ValueError(f"flank must be between 0 and 10 nucleotides, got {self.flank}")
        if not 0 <= self.max_mismatches < self.window:
            raise ValueError(f"max_mismatches must be in [0, window), got {self.max_mismatches}")
        for name in ("n_steps", "batch_size", "windows_per_sequence", "top_motifs", "min_support",
                     "html_sequences"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be at least 1, got {self.threads}")
