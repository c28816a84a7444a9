"""An additive attention bias from a read's base pairs, scaled per layer and head.

``--structure-bias`` adds ``scale[layer, head] * B`` to every attention score, where
``B`` (batch, tokens, tokens) is the token x token pair matrix of
:mod:`classifier.token_features`. ``scale`` starts at zero, so a new model starts as the
plain encoder and learns how much each head should heed the structure.

The encoder runs with an attention function of ours, registered with transformers'
``AttentionInterface`` under :data:`ATTENTION`: it takes the padding mask (prepared 4-D,
additive, by the classifier), adds the layer's bias, and hands over to the SDPA kernel.
The per-forward :class:`LayerBias` object reaches it through the encoder's keyword
arguments and counts the layers as they call it (ALBERT calls its one shared layer once
per depth, and still gets one scale row per depth). An encoder whose attention never
calls it is refused after the first forward.
"""

from __future__ import annotations

import torch
from transformers import AttentionInterface
from transformers.integrations.sdpa_attention import sdpa_attention_forward

ATTENTION = "lab_structure_bias"
KWARG = "lab_structure_bias"


def additive_mask(attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """(batch, 1, tokens, tokens): 0 where the key is a token, the dtype's minimum for padding."""
    keep = attention_mask[:, None, None, :].to(torch.bool)
    full = torch.zeros(keep.shape, dtype=dtype, device=attention_mask.device)
    full = full.masked_fill(~keep, torch.finfo(dtype).min)
    return full.expand(-1, 1, attention_mask.shape[1], -1)


class LayerBias:
    """One forward's bias: ``mask + scale[layer] * pairs``, layer by layer as they ask."""

    def __init__(self, pairs: torch.Tensor, scale: torch.Tensor, mask: torch.Tensor):
        self.pairs, self.scale, self.mask, self.calls = pairs, scale, mask, 0

    def next_mask(self) -> torch.Tensor:
        row = self.scale[self.calls % self.scale.shape[0]]
        self.calls += 1
        return self.mask + row[None, :, None, None] * self.pairs[:, None]


def attention(module, query, key, value, attention_mask, **kwargs):
    bias = kwargs.pop(KWARG, None)
    if bias is not None:
        attention_mask = bias.next_mask().to(query.dtype)
    return sdpa_attention_forward(module, query, key, value, attention_mask, **kwargs)


AttentionInterface.register(ATTENTION, attention)
