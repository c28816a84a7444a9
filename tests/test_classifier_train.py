"""End-to-end training on tiny real data: artifacts, reload through the Auto classes,
seeds, and metrics against scikit-learn."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score, f1_score, matthews_corrcoef, roc_auc_score
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from classifier_helpers import FAST, tiny_char_task
from classifier import TrainConfig, load_model_dir, model_probabilities, train_classifier
from classifier.artifacts import missing_files
from classifier.metrics import classification_metrics
from corpora.errors import LabelError

@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_char_task(tmp_path_factory.mktemp("tiny"), n_train=64, n_test=20)


@pytest.fixture(scope="module")
def trained(tiny):
    d, tok, train, test = tiny
    result = train_classifier(TrainConfig(**FAST), tok, train, None, test, out_dir=d / "model")
    return result


def test_training_writes_every_artifact(trained, tiny):
    d = tiny[0] / "model"
    assert missing_files(d) == []
    assert (d / "model.safetensors").stat().st_size > 100_000
    assert not list(d.parent.glob(".model.*"))  # no temporary siblings left behind
    rows = list(csv.DictReader((d / "history.csv").read_text().splitlines()))
    assert [float(r["epoch"]) for r in rows] == [1.0, 2.0]
    assert {"train_loss", "valid_loss", "valid_mcc", "valid_accuracy"} <= set(rows[0])
    metrics = json.loads((d / "metrics.json").read_text())
    assert metrics["test"]["n"] == 20 and metrics["valid"]["n"] == trained.valid_metrics["n"]
    assert metrics["test"] == trained.metrics
    assert metrics["costs"]["params"] == trained.costs["params"] > 0
    cfg = json.loads((d / "config.json").read_text())
    assert cfg["model_type"] == "aptamer-lab-classifier" and cfg["pooling"] == "mean"
    assert cfg["encoder"]["model_type"] == "bert" and cfg["id2label"] == {"0": "bind", "1": "free"}
    info = json.loads((d / "training_config.json").read_text())
    assert info["train_config"]["seed"] == 0 and info["classes"] == ["bind", "free"]
    card = (d / "README.md").read_text()
    assert "## Intended use" in card and f"| accuracy | {trained.metrics['accuracy']:.4f} |" in card
    # the held-out validation set is a stratified 10% of the 64 training reads: 3 of each 32
    assert trained.valid_metrics["n"] == 6 and info["data"]["valid_held_out_from_train"]


def test_reloaded_model_predicts_the_same_probabilities(trained, tiny):
    d, tok, _, test = tiny
    model_dir = d / "model"
    before = model_probabilities(load_model_dir(model_dir), test)
    # the Auto classes (our pooling head registered by importing classifier.heads), fed the
    # text the LabTokenizer prepares
    import classifier.heads  # noqa: F401
    auto_model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    auto_tok = AutoTokenizer.from_pretrained(model_dir)
    enc = auto_tok([tok.prepare(r.seq) for r in test], padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = auto_model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).logits
    auto = torch.softmax(logits, dim=-1).numpy()
    np.testing.assert_allclose(before, auto, atol=1e-5)
    # and the in-memory model that training returned agrees with the saved one
    from classifier.data import encode
    from classifier.predict import predict_proba
    ids = encode(tok, test, trained.max_length, True, "test")
    np.testing.assert_allclose(predict_proba(trained.model, ids, tok.pad_token_id), before, atol=1e-5)
    assert classification_metrics([1 if r.label == "free" else 0 for r in test], before,
                                  ["bind", "free"], [0])["accuracy"] == trained.metrics["accuracy"]


def test_same_seed_same_metrics(tiny, trained):
    d, tok, train, test = tiny
    again = train_classifier(TrainConfig(**FAST), tok, train, None, test)
    assert again.metrics == trained.metrics
    assert [h["train_loss"] for h in again.history] == [h["train_loss"] for h in trained.history]
    other = train_classifier(TrainConfig(**{**FAST, "seed": 1}), tok, train, None, test)
    assert [h["train_loss"] for h in other.history] != [h["train_loss"] for h in trained.history]


def test_metrics_match_scikit_learn_on_a_hand_made_case():
    y = [0, 0, 1, 1, 2, 2, 2, 0]
    p = np.array([[.7, .2, .1], [.3, .4, .3], [.1, .8, .1], [.2, .2, .6],
                  [.1, .1, .8], [.3, .3, .4], [.5, .1, .4], [.6, .3, .1]])
    m = classification_metrics(y, p, ["a", "b", "c"])
    pred = p.argmax(1)
    assert pred.tolist() == [0, 1, 1, 2, 2, 2, 0, 0]
    assert m["accuracy"] == round(accuracy_score(y, pred), 4) == 0.625
    assert m["macro_f1"] == round(f1_score(y, pred, average="macro"), 4)
    assert m["mcc"] == round(matthews_corrcoef(y, pred), 4)
    assert m["auroc"] == round(roc_auc_score(y, p, multi_class="ovr", average="macro"), 4)
    assert m["per_class"]["a"] == {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667, "support": 3}
    assert m["confusion"] == [[2, 1, 0], [0, 1, 1], [1, 0, 2]]
    assert m["majority_baseline"] == {"label": "a", "accuracy": 0.375, "macro_f1": 0.1818, "mcc": 0.0}
    binary = classification_metrics([0, 1, 1], [[.9, .1], [.6, .4], [.2, .8]], ["n", "p"])
    assert binary["auroc"] == 1.0 and binary["accuracy"] == 0.6667
    assert classification_metrics([0, 0], [[.9, .1], [.6, .4]], ["n", "p"])["auroc"] is None


def test_library_rejects_bad_splits(tiny, tmp_path):
    _, tok, train, test = tiny
    with pytest.raises(LabelError, match="the test split is empty"):
        train_classifier(TrainConfig(**FAST), tok, train, None, [], out_dir=tmp_path / "m")
    one = [r for r in train if r.label == "bind"]
    with pytest.raises(LabelError, match="one class only"):
        train_classifier(TrainConfig(**FAST), tok, one, out_dir=tmp_path / "m")
    odd = [test[0].with_(label="zzz")] + test[1:]
    with pytest.raises(LabelError, match=r"test.csv:2: record 'test0' .* label 'zzz'"):
        train_classifier(TrainConfig(**FAST), tok, train, None, odd, out_dir=tmp_path / "m")
    assert list(tmp_path.iterdir()) == []


def test_kmer_logreg_baseline_same_data_handling(tiny, tmp_path):
    _, _, train, test = tiny
    res = train_classifier(TrainConfig(arch="kmer-logreg", kmer_k=4), None, train, None, test,
                           out_dir=tmp_path / "lr")
    assert res.metrics["accuracy"] >= 0.9  # the planted 6-mers are plain 4-mer features
    assert missing_files(tmp_path / "lr") == []
    probs = model_probabilities(load_model_dir(tmp_path / "lr"), test)
    assert classification_metrics([0 if r.label == "bind" else 1 for r in test], probs,
                                  ["bind", "free"], [0])["mcc"] == res.metrics["mcc"]
    assert res.test_predictions == probs.argmax(1).tolist()  # per read, for paired tests


@pytest.mark.parametrize("arch", ["bert", "distilbert", "roberta", "electra"])
def test_other_architectures_train(arch, tiny):
    _, tok, train, test = tiny
    res = train_classifier(TrainConfig(**{**FAST, "epochs": 1, "arch": arch}), tok, train[:32],
                           None, test[:8])
    assert res.model.config.encoder["model_type"] == arch and res.metrics["n"] == 8
    assert res.costs["params"] > 500_000  # a 128-wide, 4-layer encoder without ALBERT sharing


@pytest.mark.parametrize("arch", ["albert", "bert", "distilbert"])
def test_attention_dropout_is_its_own_setting(arch, tiny):
    from classifier.finetune import build_model  # the model train_classifier trains
    _, tok, _, _ = tiny

    def dropouts(**kw):
        enc = build_model(TrainConfig(arch=arch, dropout=0.2, **kw), tok, ["a", "b"], 20).config.encoder
        return (enc.get("attention_probs_dropout_prob", enc.get("attention_dropout")),
                enc.get("hidden_dropout_prob", enc.get("dropout")))
    assert dropouts() == (0.0, 0.2)  # the default: no dropout on attention probabilities
    assert dropouts(attention_dropout=0.3) == (0.3, 0.2)
    with pytest.raises(ValueError, match="attention_dropout"):
        TrainConfig(attention_dropout=1.0)
