"""Model sizes and architectures, configured from scratch (no hub weights offline).

A preset names the encoder's shape; :func:`build_config` turns it into the
transformers config of the chosen architecture, with the vocabulary and the
maximum length taken from the tokenizer and the data.

>>> cfg = build_config("albert", "tiny", vocab_size=40, max_length=32, num_labels=2,
...                    id2label={0: "a", 1: "b"})
>>> (cfg.model_type, cfg.hidden_size, cfg.num_hidden_layers, cfg.embedding_size)
('albert', 128, 4, 64)
>>> (cfg.vocab_size, cfg.max_position_embeddings, cfg.label2id)
(40, 32, {'a': 0, 'b': 1})
>>> build_config("distilbert", "tiny", 40, 32, 2, {0: "a", 1: "b"}).dim
128
"""

from __future__ import annotations

from dataclasses import dataclass

from transformers import (AlbertConfig, BertConfig, DistilBertConfig, ElectraConfig,
                          PretrainedConfig, RobertaConfig)

#: Transformer architectures built from scratch; ``kmer-logreg`` is the scikit-learn baseline.
NEURAL_ARCHS = ("albert", "bert", "distilbert", "roberta", "electra")
ARCHS = NEURAL_ARCHS + ("kmer-logreg",)


@dataclass(frozen=True)
class Preset:
    """The shape of an encoder: tiny and small train on 2 CPU cores, base wants a GPU."""

    hidden: int
    layers: int
    heads: int
    embedding: int
    intermediate: int


PRESETS = {
    "tiny": Preset(hidden=128, layers=4, heads=4, embedding=64, intermediate=512),
    # the tiny width with half its layers: half the arithmetic, for the quick demo (issue 22)
    "tiny-2layer": Preset(hidden=128, layers=2, heads=4, embedding=64, intermediate=512),
    "small": Preset(hidden=256, layers=6, heads=4, embedding=128, intermediate=1024),
    "base": Preset(hidden=768, layers=12, heads=12, embedding=128, intermediate=3072),
}


#: The config attributes of each architecture's two dropouts: (hidden, attention probabilities).
_DROPOUT_NAMES = {"distilbert": ("dropout", "attention_dropout")}
_DEFAULT_DROPOUT_NAMES = ("hidden_dropout_prob", "attention_probs_dropout_prob")


def set_dropout(config: PretrainedConfig, dropout: float,
                attention_dropout: float | None = None) -> PretrainedConfig:
    """Set ``config``'s dropouts (attention: ``dropout`` when None), in place and returned:
    a fine-tuning run's recipe holds also for an encoder loaded from a masked LM."""
    hidden, attention = _DROPOUT_NAMES.get(config.model_type, _DEFAULT_DROPOUT_NAMES)
    setattr(config, hidden, dropout)
    setattr(config, attention, dropout if attention_dropout is None else attention_dropout)
    if config.model_type == "albert":
        config.classifier_dropout_prob = dropout
    elif config.model_type == "distilbert":
        config.seq_classif_dropout = dropout
    return config


def build_config(arch: str, preset: str, vocab_size: int, max_length: int, num_labels: int,
                 id2label: dict[int, str], pad_token_id: int = 0,
                 dropout: float = 0.1, attention_dropout: float | None = None) -> PretrainedConfig:
    """The transformers config for ``arch`` at ``preset`` size.

    ``max_length`` counts the special tokens ([CLS] ... [SEP]). RoBERTa numbers
    positions from ``pad_token_id + 1``, so it gets two more position slots.
    """
    if arch not in NEURAL_ARCHS:
        raise ValueError(f"arch must be one of {NEURAL_ARCHS}, got {arch!r}")
    if preset not in PRESETS:
        raise ValueError(f"preset must be one of {tuple(PRESETS)}, got {preset!r}")
    p = PRESETS[preset]
    labels = {"num_labels": num_labels, "id2label": dict(id2label),
              "label2id": {v: k for k, v in id2label.items()}, "pad_token_id": pad_token_id}
    common = dict(vocab_size=vocab_size, hidden_size=p.hidden, num_hidden_layers=p.layers,
                  num_attention_heads=p.heads, intermediate_size=p.intermediate,
                  max_position_embeddings=max_length, type_vocab_size=1, **labels)
    if arch == "albert":
        config = AlbertConfig(embedding_size=p.embedding, hidden_act="gelu", bos_token_id=2,
                              eos_token_id=3, **common)
    elif arch == "bert":
        config = BertConfig(**common)
    elif arch == "roberta":
        common["max_position_embeddings"] = max_length + pad_token_id + 1
        config = RobertaConfig(bos_token_id=2, eos_token_id=3, **common)
    elif arch == "electra":
        config = ElectraConfig(embedding_size=p.embedding, **common)
    else:
        config = DistilBertConfig(vocab_size=vocab_size, dim=p.hidden, n_layers=p.layers,
                                  n_heads=p.heads, hidden_dim=p.intermediate,
                                  max_position_embeddings=max_length, **labels)
    return set_dropout(config, dropout, attention_dropout)
