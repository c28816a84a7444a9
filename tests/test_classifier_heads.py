"""Pooling heads: each trains on tiny data, saves, and reloads (through our loader and
through the Auto classes) with identical probabilities; masked-LM init loads the encoder."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from transformers import AutoModelForSequenceClassification

import classifier.heads  # noqa: F401  registers the heads with the Auto classes
from classifier_helpers import FAST, tiny_char_task
from classifier import TrainConfig, load_model_dir, model_probabilities, train_classifier
from classifier.data import encode
from classifier.predict import predict_proba

@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_char_task(tmp_path_factory.mktemp("heads"), n_train=48, n_test=12)


@pytest.mark.parametrize("pooling,head,arch", [
    ("cls", "linear", "albert"), ("cls", "mlp", "bert"), ("mean", "linear", "albert"),
    ("max", "mlp", "distilbert"), ("attention", "linear", "roberta"),
    ("attention", "mlp", "electra")])
def test_head_trains_saves_and_reloads(pooling, head, arch, tiny):
    d, tok, train, test = tiny
    out = d / f"{arch}-{pooling}-{head}"
    res = train_classifier(TrainConfig(**FAST, arch=arch, pooling=pooling, head=head), tok,
                           train, None, test, out_dir=out)
    assert [h["epoch"] for h in res.history] == [1.0, 2.0]
    stock = pooling == "cls" and head == "linear"
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["model_type"] == (arch if stock else "aptamer-lab-classifier")
    if not stock:
        assert (cfg["pooling"], cfg["head"], cfg["encoder"]["model_type"]) == (pooling, head, arch)
    loaded = load_model_dir(out)
    reloaded = model_probabilities(loaded, test)
    ids = encode(tok, test, res.max_length, True, "test")
    np.testing.assert_allclose(predict_proba(res.model, ids, tok.pad_token_id), reloaded, atol=1e-6)
    auto = AutoModelForSequenceClassification.from_pretrained(out).eval()
    assert type(auto) is type(loaded.model)
    np.testing.assert_allclose(predict_proba(auto, ids, tok.pad_token_id), reloaded, atol=1e-6)
    # padding does not change a sequence's probabilities (the pooling masks it)
    one = predict_proba(auto, ids[:1], tok.pad_token_id)
    np.testing.assert_allclose(one, reloaded[:1], atol=1e-5)


def test_heads_differ_and_params_are_counted(tiny):
    _, tok, train, test = tiny
    res = {h: train_classifier(TrainConfig(**{**FAST, "epochs": 1}, head=h), tok, train[:16],
                               None, test[:4]) for h in ("linear", "mlp")}
    assert res["mlp"].costs["params"] - res["linear"].costs["params"] == 128 * 128 + 128
    assert res["linear"].model.config.pooling == "mean"  # the default recipe


def test_mlm_init_loads_the_encoder_into_every_head(tiny, tmp_path):
    from classifier.pretrain import PretrainConfig, pretrain_mlm
    from classifier.finetune import build_model
    _, tok, train, _ = tiny
    mlm = tmp_path / "mlm"
    pretrain_mlm(PretrainConfig(arch="albert", epochs=1, batch_size=16, threads=1), tok, train, mlm)
    base = AutoModelForSequenceClassification.from_pretrained(mlm, num_labels=2).albert
    want = base.embeddings.word_embeddings.weight
    for pooling in ("cls", "attention"):
        model = build_model(TrainConfig(init=str(mlm), pooling=pooling), tok, ["a", "b"], 20)
        enc = model.albert if pooling == "cls" else model.encoder
        assert torch.equal(enc.embeddings.word_embeddings.weight, want)
        assert torch.equal(enc.encoder.albert_layer_groups[0].albert_layers[0].ffn.weight,
                           base.encoder.albert_layer_groups[0].albert_layers[0].ffn.weight)


def test_config_rejects_unknown_heads():
    with pytest.raises(ValueError, match="pooling must be one of"):
        TrainConfig(pooling="sum")
    with pytest.raises(ValueError, match="head must be one of"):
        TrainConfig(head="cnn")


def test_predict_evaluate_export_in_a_fresh_process(tiny, tmp_path):
    """The CLI loads a non-stock head with nothing imported beforehand (a new process)."""
    import os
    import subprocess
    import sys
    d, tok, train, test = tiny
    out = tmp_path / "m"
    train_classifier(TrainConfig(**{**FAST, "epochs": 1}, pooling="attention", head="mlp"), tok,
                     train, None, test, out_dir=out)
    script = (
        "from classifier.cli import main\n"
        "import sys\n"
        "for args in ([\"evaluate\", \"--model\", sys.argv[1], \"--data\", sys.argv[2]],\n"
        "             [\"predict\", \"--model\", sys.argv[1], \"--data\", sys.argv[2], \"--out\", sys.argv[3]],\n"
        "             [\"export\", sys.argv[1], \"--hub-ready\", sys.argv[4]]):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, (args, exc.code)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    r = subprocess.run([sys.executable, "-c", script, str(out), str(d / "test.csv"),
                        str(tmp_path / "pred.csv"), str(tmp_path / "hub")],
                       capture_output=True, text=True, env=env, timeout=240)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "n 12  accuracy" in r.stdout and "complete" in r.stdout
    rows = (tmp_path / "pred.csv").read_text().splitlines()
    assert len(rows) == 13 and rows[0].startswith("id,sequence,predicted_label,prob_bind")
    assert (tmp_path / "hub" / "config.json").is_file()
    card = (out / "README.md").read_text()
    assert "import classifier.heads" in card
