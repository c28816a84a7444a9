"""Masked-LM pretraining, k-mer span masking, and fine-tuning from it."""

from __future__ import annotations

import json

import torch
from click.testing import CliRunner

from classifier.cli import cli
from classifier.pretrain import SpanMaskCollator, mask_span
from classifier_helpers import write_tiny_csv
from corpora import read_records
from tokenizer_lab import TokenizerSpec, train_tokenizer


def test_overlapping_kmers_mask_whole_nucleotides():
    """With 3-mers at stride 1, masked tokens come in runs of 3 (cut only at [SEP])."""
    seqs = ["ACGUACGGAUCCAGUCAGGAUCAUG"] * 4
    tok = train_tokenizer(seqs, TokenizerSpec(algorithm="kmer", k=3, stride=1))
    assert mask_span(tok.spec) == 3
    hf = tok.hf
    coll = SpanMaskCollator(tok.pad_token_id, hf.mask_token_id, tok.vocab_size, hf.all_special_ids,
                            0.2, mask_span(tok.spec))
    torch.manual_seed(0)
    ids = tok(seqs)["input_ids"]
    batch = coll([{"input_ids": i} for i in ids])
    n_tokens = len(ids[0]) - 2
    for row in batch["labels"]:
        pos = (row != -100).nonzero().flatten().tolist()
        assert pos, "every sequence gets at least one masked span"
        runs, start = [], pos[0]
        for a, b in zip(pos, pos[1:] + [None]):
            if b != a + 1:
                runs.append((start, a))
                start = b
        for s, e in runs:  # a run is one or more whole spans, or ends at the last token
            assert (e - s + 1) % 3 == 0 or e == n_tokens, runs
    assert (batch["labels"] != -100).sum() > 0
    assert mask_span(TokenizerSpec(algorithm="kmer", k=3, stride=3)) == 1


def test_pretrain_then_finetune(tmp_path):
    train = write_tiny_csv(tmp_path / "train.csv", n=40, seed=0)
    tok = train_tokenizer([r.seq for r in read_records(train)], TokenizerSpec(algorithm="char"))
    tok.save(tmp_path / "tok")
    reads = tmp_path / "reads.fasta"
    reads.write_text("".join(f">r{i}\n{r.seq}\n" for i, r in enumerate(read_records(train))))
    r = CliRunner().invoke(cli, ["pretrain", "--tokenizer", str(tmp_path / "tok"), "--corpus",
                                 str(reads), "--out", str(tmp_path / "mlm"), "--epochs", "1",
                                 "--batch-size", "16", "--threads", "1", "--dropout", "0.2",
                                 "--attention-dropout", "0.3"])
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "mlm" / "pretrain_config.json").read_text())
    assert summary["mask_span"] == 1 and summary["train"] + summary["valid"] == 40
    assert json.loads((tmp_path / "mlm" / "config.json").read_text())["architectures"] == ["BertForMaskedLM"]  # the default arch
    r = CliRunner().invoke(cli, ["train", "--init", str(tmp_path / "mlm"), "--data", str(train),
                                 "--out", str(tmp_path / "model"), "--epochs", "1", "--threads", "1",
                                 "--batch-size", "16"])
    assert r.exit_code == 0, r.output
    from safetensors.torch import load_file
    mlm = load_file(tmp_path / "mlm" / "model.safetensors")
    tuned_cfg = json.loads((tmp_path / "model" / "training_config.json").read_text())
    assert tuned_cfg["train_config"]["init"] == str(tmp_path / "mlm")
    key = "bert.embeddings.word_embeddings.weight"
    from classifier.train_config import TrainConfig
    from classifier.finetune import build_model
    start = build_model(TrainConfig(init=str(tmp_path / "mlm")), tok, ["bind", "free"], 20)
    ours = "encoder." + key.partition(".")[2]  # the default (mean-pooling) model's encoder
    assert torch.equal(start.state_dict()[ours], mlm[key])  # the encoder comes from the MLM
    tuned = load_file(tmp_path / "model" / "model.safetensors")
    assert not torch.equal(tuned[ours], mlm[key])  # and fine-tuning moved it


def _dropouts(model) -> tuple[float, float]:
    """(hidden, attention-probability) dropout of the first encoder layer as it runs."""
    layer = next(m for n, m in model.named_modules() if n.endswith("encoder.layer.0"))
    return layer.output.dropout.p, layer.attention.self.dropout.p


def test_finetuning_from_an_mlm_uses_its_own_dropouts(tmp_path):
    """The MLM gives shape and weights; the fine-tuning recipe (TrainConfig) sets dropout, for
    the stock [CLS] class and the lab's heads alike."""
    from classifier.finetune import build_model
    from classifier.pretrain import PretrainConfig, pretrain_mlm
    from classifier.train_config import TrainConfig
    recs = list(read_records(write_tiny_csv(tmp_path / "train.csv", n=20, seed=0)))
    tok = train_tokenizer([r.seq for r in recs], TokenizerSpec(algorithm="char"))
    pretrain_mlm(PretrainConfig(epochs=1, batch_size=16, threads=1, dropout=0.2,
                                attention_dropout=0.3), tok, recs, tmp_path / "mlm")
    saved = json.loads((tmp_path / "mlm" / "config.json").read_text())
    assert (saved["hidden_dropout_prob"], saved["attention_probs_dropout_prob"]) == (0.2, 0.3)
    for pooling in ("cls", "mean"):
        for cfg in (TrainConfig(), TrainConfig(dropout=0.05, attention_dropout=0.15)):
            model = build_model(cfg.replace(init=str(tmp_path / "mlm"), pooling=pooling), tok,
                                ["bind", "free"], 20)
            assert _dropouts(model) == (cfg.dropout, cfg.attention_dropout), pooling


def test_init_with_another_vocabulary_is_refused(tmp_path):
    train = write_tiny_csv(tmp_path / "train.csv", n=20, seed=0)
    seqs = [r.seq for r in read_records(train)]
    train_tokenizer(seqs, TokenizerSpec(algorithm="char")).save(tmp_path / "tok")
    train_tokenizer(seqs, TokenizerSpec(algorithm="kmer", k=2, stride=2)).save(tmp_path / "tok2")
    reads = tmp_path / "reads.txt"
    reads.write_text("\n".join(seqs) + "\n")
    r = CliRunner().invoke(cli, ["pretrain", "--tokenizer", str(tmp_path / "tok"), "--corpus",
                                 str(reads), "--out", str(tmp_path / "mlm"), "--epochs", "1",
                                 "--threads", "1", "--max-train-seconds", "1"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["train", "--init", str(tmp_path / "mlm"), "--tokenizer",
                                 str(tmp_path / "tok2"), "--data", str(train), "--out",
                                 str(tmp_path / "model"), "--epochs", "1"])
    assert r.exit_code == 1 and "another vocabulary" in str(r.exception)
    assert not (tmp_path / "model").exists()


def test_a_run_reads_the_pretrained_config_once(tmp_path):
    """`classify train --init MLM --lr auto` checks the MLM's vocabulary and position limit,
    builds the range test's model and the model, and loads the encoder weights twice: the
    MLM's config.json is read once for all of them (it used to be read five times)."""
    from unittest import mock

    from transformers import PretrainedConfig

    from classifier.pretrain import PretrainConfig, pretrain_mlm
    train = write_tiny_csv(tmp_path / "train.csv", n=32, seed=0)
    recs = list(read_records(train))
    tok = train_tokenizer([r.seq for r in recs], TokenizerSpec(algorithm="char"))
    mlm = tmp_path / "mlm"
    pretrain_mlm(PretrainConfig(epochs=1, batch_size=16, threads=1), tok, recs, mlm)
    read = PretrainedConfig.get_config_dict  # every config.json read goes through it
    with mock.patch.object(PretrainedConfig, "get_config_dict", wraps=read) as spy:
        r = CliRunner().invoke(cli, ["train", "--init", str(mlm), "--data", str(train), "--out",
                                     str(tmp_path / "model"), "--epochs", "1", "--threads", "1",
                                     "--batch-size", "16", "--lr", "auto", "--pooling", "mean"])
    assert r.exit_code == 0, r.output
    info = json.loads((tmp_path / "model" / "training_config.json").read_text())
    assert info["lr_find"]["requested"] == "auto"  # the range test's model was built too
    reads = [c for c in spy.call_args_list if str(c.args[0]) == str(mlm)]
    assert len(reads) == 1, reads
