"""Integrated gradients on the token embeddings (captum's LayerIntegratedGradients).

The path runs from a *baseline* input to the real one in the output space of the
model's input-embedding layer (``model.get_input_embeddings()``, so any encoder or
custom head that transformers can load works). The baseline is the same sequence with
every ordinary token replaced by one token (``[PAD]`` by default, whose embedding the
models keep at zero); [CLS], [SEP], the other special tokens and the primer tokens
stay, so their attribution is exactly zero and the token attributions add up to
``logit_target(input) - logit_target(baseline)`` up to captum's convergence delta.

Sequences go in batches of similar length (as in ``predict``), padded with an
attention mask that the baseline shares; padding positions get zero attribution.
A model with per-token structure or k-mer inputs (:mod:`classifier.token_features`)
gets the read's own inputs in every forward, the baseline's included: the attributions
are those of the token ids, given the read's structure and k-mer inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from labkit.progress import progress

from ..data import pad_batch
from ..predict import item, length_batches

ROWS_TOKENS = 65_536
"""Interpolated inputs per forward pass are capped at this many tokens (memory)."""


@dataclass
class Attribution:
    """One sequence: attribution of each input id (specials included) and the check numbers."""

    token_attr: np.ndarray  # (len(ids),): summed over the embedding dimensions
    target: int
    logits: np.ndarray  # model output for the input, all classes
    baseline_logit: float  # model output of the target class for the baseline
    delta: float  # sum(token_attr) - (logits[target] - baseline_logit), from captum


def baseline_ids(ids: torch.Tensor, fixed: set[int], replace_with: int) -> torch.Tensor:
    """``ids`` with every id not in ``fixed`` replaced.

    >>> baseline_ids(torch.tensor([[2, 7, 8, 3, 0]]), {0, 2, 3}, 0).tolist()
    [[2, 0, 0, 3, 0]]
    """
    keep = torch.isin(ids, torch.tensor(sorted(fixed), dtype=ids.dtype))
    return torch.where(keep, ids, torch.full_like(ids, replace_with))


def _logits(model, ids: torch.Tensor, mask: torch.Tensor, *extra, keys=()) -> torch.Tensor:
    return model(input_ids=ids, attention_mask=mask, **dict(zip(keys, extra))).logits


def integrated_gradients(model, id_lists: list[list[int]], pad_id: int, fixed: set[int],
                         replace_with: int, target: int | None = None, n_steps: int = 50,
                         batch_size: int = 64, desc: str = "attributions",
                         features=None) -> list[Attribution]:
    """Attributions for every id list; ``target`` None explains each predicted class;
    ``features(i, ids)``: the per-token inputs of sequence ``i`` (models that take any)."""
    from captum.attr import LayerIntegratedGradients

    was_training = model.training
    model.eval()
    keys: tuple = ()
    lig = LayerIntegratedGradients(lambda ids, mask, *extra: _logits(model, ids, mask, *extra,
                                                                     keys=keys),
                                   model.get_input_embeddings())
    out: list[Attribution | None] = [None] * len(id_lists)
    batches = length_batches(id_lists, batch_size)
    try:
        for idx in progress(batches, desc=desc, total=len(batches), unit="batch"):
            batch = pad_batch([item(id_lists, i, features) for i in idx], pad_id)
            ids, mask = batch.pop("input_ids"), batch.pop("attention_mask")
            keys = tuple(batch)
            extra = tuple(batch.values())
            base = baseline_ids(ids, fixed | {pad_id}, replace_with)
            with torch.no_grad():
                logits = _logits(model, ids, mask, *extra, keys=keys).float()
                base_logits = _logits(model, base, mask, *extra, keys=keys).float()
            tgt = logits.argmax(-1) if target is None else torch.full((len(idx),), target)
            rows = max(1, min(len(idx) * n_steps, ROWS_TOKENS // ids.shape[1]))
            attr, delta = lig.attribute(ids, baselines=base, target=tgt,
                                        additional_forward_args=(mask, *extra), n_steps=n_steps,
                                        internal_batch_size=rows, return_convergence_delta=True)
            tok_attr = (attr.sum(-1) * mask).detach().float().numpy()
            for row, i in enumerate(idx):
                n = len(id_lists[i])
                t = int(tgt[row])
                out[i] = Attribution(tok_attr[row, :n].astype(np.float64), t,
                                     logits[row].numpy().astype(np.float64),
                                     float(base_logits[row, t]), float(delta[row]))
    finally:
        model.train(was_training)
    return out  # type: ignore[return-value]
