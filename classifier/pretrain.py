"""Masked-language-model pretraining on unlabelled reads: `classify pretrain`.

Masking is by whole token (every token is one unit of the learned vocabulary). With
overlapping k-mers a masked k-mer could be read off its neighbours, which share k-1
letters, so a span of k neighbouring k-mers is masked together (as DNABERT does):
that hides at least one nucleotide completely.

>>> import torch
>>> _ = torch.manual_seed(0)
>>> c = SpanMaskCollator(pad_id=0, mask_id=4, vocab_size=20, special_ids=[0, 1, 2, 3, 4],
...                      mlm_probability=0.3, span=3)
>>> b = c([{"input_ids": [2] + list(range(5, 17)) + [3]}])
>>> masked = (b["labels"][0] != -100).nonzero().flatten().tolist()
>>> masked  # a span of 3, and a span cut short by [SEP] at position 13
[2, 3, 4, 12]
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import torch
from transformers import AutoModelForMaskedLM, Trainer, set_seed

from labkit.atomic import atomic_dir

from .artifacts import _copy_tokenizer, quiet_hf_progress, write_history, write_json
from .callbacks import BestKeeper, HistoryCallback, TimeBudget, epoch_arguments, silence
from .train_config import PretrainConfig
from .data import EncodedSet, choose_max_length, encode, holdout, pad_batch, token_lengths
from .errors import ClassifierError
from .presets import build_config
from .runtime import set_threads

log = logging.getLogger(__name__)


def mask_span(spec) -> int:
    """Tokens masked together: k for overlapping k-mers, else 1.

    >>> from types import SimpleNamespace as NS
    >>> mask_span(NS(algorithm="kmer", k=6, stride=1)), mask_span(NS(algorithm="kmer", k=3, stride=3))
    (6, 1)
    >>> mask_span(NS(algorithm="bpe", k=3, stride=1))
    1
    """
    if getattr(spec, "algorithm", None) == "kmer" and getattr(spec, "stride", 1) < getattr(spec, "k", 1):
        return int(spec.k)
    return 1


class SpanMaskCollator:
    """Pads a batch and masks spans of ``span`` tokens (80% [MASK], 10% random, 10% kept)."""

    def __init__(self, pad_id: int, mask_id: int, vocab_size: int, special_ids, mlm_probability: float,
                 span: int = 1):
        self.pad_id, self.mask_id, self.vocab_size = pad_id, mask_id, vocab_size
        self.special = torch.tensor(sorted(set(special_ids)))
        self.p, self.span = mlm_probability, span
        self.normal = torch.tensor([i for i in range(vocab_size) if i not in set(special_ids)])

    def __call__(self, items: list[dict]) -> dict[str, torch.Tensor]:
        batch = pad_batch(items, self.pad_id)
        ids = batch["input_ids"]
        maskable = ~torch.isin(ids, self.special)
        # span starts with probability p/span so that about p of the tokens are masked
        starts = (torch.rand(ids.shape) < self.p / self.span) & maskable
        chosen = starts.clone()
        for shift in range(1, self.span):
            chosen[:, shift:] |= starts[:, :-shift]
        chosen &= maskable
        for row in range(ids.shape[0]):  # at least one masked token per sequence
            if not chosen[row].any() and maskable[row].any():
                cand = maskable[row].nonzero().flatten()
                first = cand[torch.randint(len(cand), (1,))].item()
                chosen[row, first:first + self.span] = maskable[row, first:first + self.span]
        labels = torch.where(chosen, ids, torch.full_like(ids, -100))
        roll = torch.rand(ids.shape)
        ids = ids.clone()
        ids[chosen & (roll < 0.8)] = self.mask_id
        rand = chosen & (roll >= 0.8) & (roll < 0.9)
        ids[rand] = self.normal[torch.randint(len(self.normal), (int(rand.sum()),))]
        return {"input_ids": ids, "attention_mask": batch["attention_mask"], "labels": labels}


def pretrain_mlm(config: PretrainConfig, tokenizer, records, out_dir: str | Path) -> dict:
    """Train a masked LM on ``records`` and write ``out_dir`` (atomically); returns a summary."""
    records = list(records)
    if config.max_sequences:
        records = records[:config.max_sequences]
    if len(records) < 2:
        raise ClassifierError(f"the pretraining corpus has {len(records)} sequence(s); expected "
                              "at least 2 unlabelled reads")
    set_threads(config.threads)
    unlabelled = [r.with_(label="x") for r in records]  # one pseudo-class: plain random split
    train, valid = holdout(unlabelled, config.valid_fraction, config.seed)
    lengths = token_lengths(tokenizer, train)
    max_len = config.max_length or choose_max_length(lengths, config.length_percentile)[0]
    ids_train = encode(tokenizer, train, max_len, True, "train")
    ids_valid = encode(tokenizer, valid, max_len, True, "validation")
    set_seed(config.seed)
    model = AutoModelForMaskedLM.from_config(build_config(
        config.arch, config.preset, tokenizer.vocab_size, max_len, 2, {0: "LABEL_0", 1: "LABEL_1"},
        tokenizer.pad_token_id, config.dropout, config.attention_dropout))
    span = mask_span(getattr(tokenizer, "spec", None))
    hf = tokenizer.hf
    collator = SpanMaskCollator(tokenizer.pad_token_id, hf.mask_token_id, tokenizer.vocab_size,
                                hf.all_special_ids, config.mlm_probability, span)
    history_cb, keeper = HistoryCallback(), BestKeeper("loss", False, patience=0)
    budget = TimeBudget(config.max_train_seconds)
    with tempfile.TemporaryDirectory(prefix="pretrain-") as scratch:
        args = epoch_arguments(config, scratch, config.batch_size,
                               train_sampling_strategy="group_by_length")
        trainer = Trainer(model=model, args=args, data_collator=collator,
                          train_dataset=EncodedSet(ids_train), eval_dataset=EncodedSet(ids_valid),
                          callbacks=[budget, history_cb, keeper])
        silence(trainer)
        t0 = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - t0
    keeper.restore(trainer.model)
    summary = {"sequences": len(records), "train": len(train), "valid": len(valid),
               "max_length": max_len, "mask_span": span, "best_valid_loss": keeper.best,
               "best_epoch": keeper.best_epoch, "train_wall_seconds": round(seconds, 2),
               "params": sum(p.numel() for p in trainer.model.parameters())}
    log.info("masked LM: best validation loss %s at epoch %s (%d sequences, span %d)",
             keeper.best, keeper.best_epoch, len(records), span)
    with atomic_dir(out_dir) as tmp:
        with quiet_hf_progress():
            trainer.model.save_pretrained(tmp)
        _copy_tokenizer(tokenizer, tmp, max_len)
        write_json(tmp / "pretrain_config.json", {"pretrain_config": asdict(config), **summary})
        write_history(tmp / "history.csv", history_cb.history)
    return summary
