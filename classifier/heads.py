"""Pooling and classification heads on any encoder: ``classify train --pooling --head``.

``--pooling cls --head linear`` is the stock transformers class of the architecture
(its own [CLS] pooler and classifier; loads with no code of ours). Every other
combination is :class:`LabSequenceClassifier`: the bare encoder
(``AutoModel.from_config``) under one of four poolings and a linear or MLP head.
Importing this module registers it with the Auto classes, so a model directory loads
with ``AutoModelForSequenceClassification.from_pretrained(dir)`` after
``import classifier.heads``.

Per-token inputs besides the ids (:mod:`classifier.token_features`), any of which makes
the model :class:`LabSequenceClassifier` even with ``--pooling cls --head linear`` (then
the [CLS] hidden state, without the stock pooler's dense layer):

- ``structure_bias`` "pairs"/"bpp": an additive attention bias, the token x token pair
  matrix times a learned scale per layer and head (:mod:`classifier.structure_bias`);
- ``structure_channel``: a loop-type embedding added to each token's embedding;
- ``kmer_channel`` K: the mean embedding of the token's K-mers (a 4^K + 2 table) added.

The channels are added to the word embeddings and enter the encoder as
``inputs_embeds``, so its position (and type) embeddings and LayerNorm still apply.
A new channel table is drawn like the word embeddings (normal, initializer_range).

Poolings over the tokens the attention mask keeps ([CLS] and [SEP] included):

- ``cls``: the hidden state of the first token;
- ``mean``: the average of the hidden states;
- ``max``: the element-wise maximum;
- ``attention``: a learned weighted mean, weights ``softmax(w . h_t)`` over the tokens.

>>> import torch
>>> h = torch.tensor([[[1., 2.], [3., 4.], [9., 9.]]])   # batch 1, 3 tokens, width 2
>>> mask = torch.tensor([[1, 1, 0]])                     # the last token is padding
>>> pool(h, mask, "mean").tolist(), pool(h, mask, "max").tolist(), pool(h, mask, "cls").tolist()
([[2.0, 3.0]], [[3.0, 4.0]], [[1.0, 2.0]])
>>> pool(h, mask, "attention", scores=torch.tensor([[0., 0., 5.]])).tolist()  # pad ignored
[[2.0, 3.0]]
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import (AutoConfig, AutoModel, AutoModelForSequenceClassification,
                          PretrainedConfig, PreTrainedModel)
from transformers.modeling_outputs import SequenceClassifierOutput

from .model_config import LAB_MODEL_TYPE, NO_REMOTE_CODE
from .train_config import HEADS, KMER_CHANNEL_MAX, POOLINGS, STRUCTURE_BIASES

#: Architectures whose bare encoder has a [CLS] pooler we do not use.
_HAS_POOLER = ("albert", "bert", "roberta")


def pool(hidden: torch.Tensor, mask: torch.Tensor, how: str, scores=None) -> torch.Tensor:
    """(batch, width) summary of ``hidden`` (batch, tokens, width) over ``mask``'s tokens."""
    keep = mask.unsqueeze(-1).to(hidden.dtype)
    if how == "cls":
        return hidden[:, 0]
    if how == "mean":
        return (hidden * keep).sum(1) / keep.sum(1).clamp(min=1.0)
    if how == "max":
        return hidden.masked_fill(keep == 0, torch.finfo(hidden.dtype).min).max(1).values
    if how == "attention":
        weights = torch.softmax(scores.masked_fill(mask == 0, torch.finfo(scores.dtype).min), -1)
        return (weights.unsqueeze(-1) * hidden).sum(1)
    raise ValueError(f"pooling must be one of {POOLINGS}, got {how!r}")


def uses_stock_class(pooling: str, head: str) -> bool:
    """True when transformers' own class is the model (the [CLS] pooler and a linear head)."""
    return pooling == "cls" and head == "linear"


class LabClassifierConfig(PretrainedConfig):
    """The encoder's config (a dict, ``encoder``) plus the pooling and the head."""

    model_type = LAB_MODEL_TYPE

    def __init__(self, encoder: dict | PretrainedConfig | None = None, pooling: str = "mean",
                 head: str = "linear", classifier_dropout: float = 0.1,
                 structure_bias: str = "none", structure_channel: bool = False,
                 kmer_channel: int = 0, **kwargs):
        if isinstance(encoder, PretrainedConfig):
            encoder = encoder.to_dict()
        self.encoder = dict(encoder or {"model_type": "albert"})
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}")
        if head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {head!r}")
        self.pooling, self.head, self.classifier_dropout = pooling, head, classifier_dropout
        if structure_bias not in STRUCTURE_BIASES:
            raise ValueError(f"structure_bias must be one of {STRUCTURE_BIASES}, got {structure_bias!r}")
        if not 0 <= kmer_channel <= KMER_CHANNEL_MAX:
            raise ValueError(f"kmer_channel must be 0 (off) to {KMER_CHANNEL_MAX}, got {kmer_channel}")
        self.structure_bias, self.structure_channel = structure_bias, bool(structure_channel)
        self.kmer_channel = int(kmer_channel)
        kwargs.setdefault("initializer_range", self.encoder.get("initializer_range", 0.02))
        super().__init__(**kwargs)

    def encoder_config(self) -> PretrainedConfig:
        data = dict(self.encoder)
        return AutoConfig.for_model(data.pop("model_type"), **data)

    @property
    def hidden_width(self) -> int:
        return self.encoder.get("hidden_size") or self.encoder["dim"]  # DistilBERT says dim


class LabSequenceClassifier(PreTrainedModel):
    """Encoder -> pooling -> (dropout, linear) or (dropout, dense, GELU, dropout, linear)."""

    config_class = LabClassifierConfig
    base_model_prefix = "encoder"

    def __init__(self, config: LabClassifierConfig):
        super().__init__(config)
        enc_cfg = config.encoder_config()
        extra = {"add_pooling_layer": False} if enc_cfg.model_type in _HAS_POOLER else {}
        if config.structure_bias != "none":
            from .structure_bias import ATTENTION
            extra["attn_implementation"] = ATTENTION
        self.encoder = AutoModel.from_config(enc_cfg, **extra)
        width, n = config.hidden_width, config.num_labels
        emb = self.encoder.get_input_embeddings().embedding_dim  # ALBERT: embedding_size
        self.loop_embeddings = self.kmer_embeddings = self.structure_scale = None
        if config.structure_channel:
            from .token_features import ELEMENTS
            self.loop_embeddings = nn.Embedding(len(ELEMENTS) + 1, emb, padding_idx=0)
        if config.kmer_channel:
            self.kmer_embeddings = nn.Embedding(4 ** config.kmer_channel + 2, emb, padding_idx=0)
        if config.structure_bias != "none":
            self.structure_scale = nn.Parameter(torch.zeros(enc_cfg.num_hidden_layers,
                                                            enc_cfg.num_attention_heads))
        self.scorer = nn.Linear(width, 1) if config.pooling == "attention" else None
        drop = config.classifier_dropout
        if config.head == "mlp":
            self.classifier = nn.Sequential(nn.Dropout(drop), nn.Linear(width, width), nn.GELU(),
                                            nn.Dropout(drop), nn.Linear(width, n))
        else:
            self.classifier = nn.Sequential(nn.Dropout(drop), nn.Linear(width, n))
        self.post_init()

    def _init_weights(self, module):
        super()._init_weights(module)
        if module is self and self.structure_scale is not None:
            nn.init.zeros_(self.structure_scale)  # the plain encoder to begin with

    def _inputs(self, input_ids, loop_types, kmer_ids) -> dict:
        """``input_ids``, or with channels ``inputs_embeds`` = word + channel embeddings."""
        if self.loop_embeddings is None and self.kmer_embeddings is None:
            return {"input_ids": input_ids}
        embeds = self.encoder.get_input_embeddings()(input_ids)
        if self.loop_embeddings is not None:
            embeds = embeds + self.loop_embeddings(_needed(loop_types, "loop_types"))
        if self.kmer_embeddings is not None:
            kmer_ids = _needed(kmer_ids, "kmer_ids")
            count = (kmer_ids > 0).sum(-1, keepdim=True).clamp(min=1).to(embeds.dtype)
            embeds = embeds + self.kmer_embeddings(kmer_ids).sum(-2) / count
        return {"inputs_embeds": embeds}

    def forward(self, input_ids=None, attention_mask=None, labels=None, structure_bias=None,
                loop_types=None, kmer_ids=None, **kwargs):
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        inputs = self._inputs(input_ids, loop_types, kmer_ids)
        mask, bias = attention_mask, None
        if self.structure_scale is not None:
            from .structure_bias import KWARG, LayerBias, additive_mask
            dtype = self.structure_scale.dtype
            mask = additive_mask(attention_mask, dtype)
            bias = LayerBias(_needed(structure_bias, "structure_bias").to(dtype),
                             self.structure_scale, mask)
            inputs[KWARG] = bias
        hidden = self.encoder(attention_mask=mask, **inputs).last_hidden_state
        if bias is not None and bias.calls == 0:
            raise ValueError(f"{self.config.encoder['model_type']}: its attention does not take "
                             "the structure bias; use --arch bert or albert")
        scores = self.scorer(hidden).squeeze(-1) if self.scorer is not None else None
        logits = self.classifier(pool(hidden, attention_mask, self.config.pooling, scores))
        loss = None
        if labels is not None:
            loss = nn.functional.cross_entropy(logits, labels)
        return SequenceClassifierOutput(loss=loss, logits=logits)

    def load_encoder(self, path: str) -> None:
        """The encoder weights of a masked-LM directory (``classify pretrain``); its config
        is this model's encoder config, so the directory's is not read again."""
        pretrained = AutoModel.from_pretrained(path, config=self.config.encoder_config(), **NO_REMOTE_CODE, **(
            {"add_pooling_layer": False} if self.config.encoder["model_type"] in _HAS_POOLER else {}))
        missing, unexpected = self.encoder.load_state_dict(pretrained.state_dict(), strict=False)
        if [k for k in missing if not k.endswith("position_ids")] or unexpected:
            raise ValueError(f"{path}: encoder weights do not match (missing {missing[:3]}, "
                             f"unexpected {unexpected[:3]})")


def _needed(value, name: str):
    if value is None:
        raise ValueError(f"this model takes {name} (per-token inputs it was trained with); "
                         "build them with classifier.token_features")
    return value


def build_classifier(encoder_config: PretrainedConfig, pooling: str, head: str,
                     dropout: float, init: str | None = None, inputs=None):
    """A new classification model with ``pooling``/``head`` on ``encoder_config``.

    ``encoder_config`` carries the labels (num_labels, id2label); ``init`` is a
    masked-LM directory whose encoder weights are loaded; ``inputs`` an
    :class:`~classifier.token_features.InputSettings` (per-token inputs besides the ids).
    """
    extra = {} if inputs is None else {"structure_bias": inputs.structure_bias,
                                       "structure_channel": inputs.structure_channel,
                                       "kmer_channel": inputs.kmer_channel}
    if uses_stock_class(pooling, head) and not (inputs is not None and inputs.any):
        if init:
            return AutoModelForSequenceClassification.from_pretrained(init, config=encoder_config,
                                                                      **NO_REMOTE_CODE)
        return AutoModelForSequenceClassification.from_config(encoder_config)
    cfg = LabClassifierConfig(encoder_config, pooling=pooling, head=head,
                              classifier_dropout=dropout, id2label=encoder_config.id2label,
                              label2id=encoder_config.label2id,
                              pad_token_id=encoder_config.pad_token_id, **extra)
    model = LabSequenceClassifier(cfg)
    if init:
        model.load_encoder(init)
    return model


AutoConfig.register(LabClassifierConfig.model_type, LabClassifierConfig, exist_ok=True)
AutoModelForSequenceClassification.register(LabClassifierConfig, LabSequenceClassifier,
                                            exist_ok=True)
