"""Pooling and classification heads on any encoder: ``classify train --pooling --head``.

``--pooling cls --head linear`` is the stock transformers class of the architecture
(its own [CLS] pooler and classifier; loads with no code of ours). Every other
combination is :class:`LabSequenceClassifier`: the bare encoder
(``AutoModel.from_config``) under one of four poolings and a linear or MLP head.
Importing this module registers it with the Auto classes, so a model directory loads
with ``AutoModelForSequenceClassification.from_pretrained(dir)`` after
``import classifier.heads``.

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
from .train_config import HEADS, POOLINGS

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
                 head: str = "linear", classifier_dropout: float = 0.1, **kwargs):
        if isinstance(encoder, PretrainedConfig):
            encoder = encoder.to_dict()
        self.encoder = dict(encoder or {"model_type": "albert"})
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}")
        if head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {head!r}")
        self.pooling, self.head, self.classifier_dropout = pooling, head, classifier_dropout
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
        self.encoder = AutoModel.from_config(enc_cfg, **extra)
        width, n = config.hidden_width, config.num_labels
        self.scorer = nn.Linear(width, 1) if config.pooling == "attention" else None
        drop = config.classifier_dropout
        if config.head == "mlp":
            self.classifier = nn.Sequential(nn.Dropout(drop), nn.Linear(width, width), nn.GELU(),
                                            nn.Dropout(drop), nn.Linear(width, n))
        else:
            self.classifier = nn.Sequential(nn.Dropout(drop), nn.Linear(width, n))
        self.post_init()

    def forward(self, input_ids=None, attention_mask=None, labels=None, **kwargs):
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        scores = self.scorer(hidden).squeeze(-1) if self.scorer is not None else None
        logits = self.classifier(pool(hidden, attention_mask, self.config.pooling, scores))
        loss = None
        if labels is not None:
            loss = nn.functional.cross_entropy(logits, labels)
        return SequenceClassifierOutput(loss=loss, logits=logits)

    def load_encoder(self, path: str) -> None:
        """The encoder weights of a masked-LM directory (``classify pretrain``)."""
        pretrained = AutoModel.from_pretrained(path, **NO_REMOTE_CODE, **(
            {"add_pooling_layer": False} if self.config.encoder["model_type"] in _HAS_POOLER else {}))
        missing, unexpected = self.encoder.load_state_dict(pretrained.state_dict(), strict=False)
        if [k for k in missing if not k.endswith("position_ids")] or unexpected:
            raise ValueError(f"{path}: encoder weights do not match (missing {missing[:3]}, "
                             f"unexpected {unexpected[:3]})")


def build_classifier(encoder_config: PretrainedConfig, pooling: str, head: str,
                     dropout: float, init: str | None = None):
    """A new classification model with ``pooling``/``head`` on ``encoder_config``.

    ``encoder_config`` carries the labels (num_labels, id2label); ``init`` is a
    masked-LM directory whose encoder weights are loaded.
    """
    if uses_stock_class(pooling, head):
        if init:
            return AutoModelForSequenceClassification.from_pretrained(init, config=encoder_config,
                                                                      **NO_REMOTE_CODE)
        return AutoModelForSequenceClassification.from_config(encoder_config)
    cfg = LabClassifierConfig(encoder_config, pooling=pooling, head=head,
                              classifier_dropout=dropout, id2label=encoder_config.id2label,
                              label2id=encoder_config.label2id,
                              pad_token_id=encoder_config.pad_token_id)
    model = LabSequenceClassifier(cfg)
    if init:
        model.load_encoder(init)
    return model


AutoConfig.register(LabClassifierConfig.model_type, LabClassifierConfig, exist_ok=True)
AutoModelForSequenceClassification.register(LabClassifierConfig, LabSequenceClassifier,
                                            exist_ok=True)
