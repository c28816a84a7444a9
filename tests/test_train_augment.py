"""Sampled segmentations and crops during training, and test-time averaging
(classifier.augment), on tiny real tokenizers and models."""

from __future__ import annotations

import numpy as np
import pytest

import classifier.augment as augment
from classifier import TrainConfig, evaluate_model, load_model_dir, train_classifier
from classifier.cli import main as classify_main
from classifier.data import encode
from classifier.predict import predict_proba
from classifier_helpers import FAST, exit_code, write_tiny_csv
from corpora import read_records
from tokenizer_lab import TokenizerSpec, train_tokenizer

P5 = "GGGAGACAAGAAUAAACG"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("augment")
    train = list(read_records(write_tiny_csv(d / "train.csv", n=48, seed=0, length=30)))
    valid = list(read_records(write_tiny_csv(d / "valid.csv", n=12, seed=2, length=30)))
    test = list(read_records(write_tiny_csv(d / "test.csv", n=16, seed=1, length=30)))
    return d, train, valid, test


@pytest.fixture(scope="module", params=["bpe", "unigram"])
def tok(request, data):
    return train_tokenizer([r.seq for r in data[1]],
                           TokenizerSpec(algorithm=request.param, vocab_size=50))


def _set(tok, records, **config):
    cfg = TrainConfig(**{**FAST, **config})
    ids = encode(tok, records, 64, True, "train")
    return augment.AugmentedSet(tok, records, list(range(len(records))), ids, cfg, 64)


def test_two_epochs_see_different_segmentations_that_spell_the_read(tok, data):
    train = data[1]
    ds = _set(tok, train, segmentation_sampling=0.3)
    ds.set_epoch(0)
    first = [ds[i] for i in range(len(ds))]
    ds.set_epoch(1)
    second = [ds[i] for i in range(len(ds))]
    assert sum(a["input_ids"] != b["input_ids"] for a, b in zip(first, second)) > len(ds) // 2
    for i, (a, b) in enumerate(zip(first, second)):
        assert a["index"] == b["index"] == i and a["sequence"] == train[i].seq
        assert tok.decode(a["input_ids"]) == tok.decode(b["input_ids"]) == train[i].seq
    again = _set(tok, train, segmentation_sampling=0.3)  # same seed: the same segmentations
    again.set_epoch(1)
    assert [again[i]["input_ids"] for i in reversed(range(len(ds)))] == \
        [b["input_ids"] for b in reversed(second)]
    other = _set(tok, train, segmentation_sampling=0.3, seed=1)
    other.set_epoch(1)
    assert [other[i]["input_ids"] for i in range(len(ds))] != [b["input_ids"] for b in second]


def test_crop_keeps_primers_and_cuts_only_training_reads():
    import random
    rng = random.Random(0)
    for _ in range(500):
        body = "".join(rng.choice("ACGU") for _ in range(rng.randint(1, 40)))
        read = P5 + body + "CCAA"
        out = augment.crop_read(read, 0.3, rng, (len(P5), len(P5) + len(body)))
        kept = out[len(P5):-4]
        assert out.startswith(P5) and out.endswith("CCAA") and kept and kept in body
        assert len(body) - len(kept) <= 2 * int(0.3 * len(body))


def test_a_run_with_sampling_and_crop_repeats_and_never_crops_valid_or_test(data, monkeypatch):
    d, train, valid, test = data
    tok = train_tokenizer([r.seq for r in train], TokenizerSpec(algorithm="bpe", vocab_size=50))
    seen = []
    real_crop = augment.crop_read

    def crop(seq, *args):
        seen.append(seq)
        return real_crop(seq, *args)

    items = {}
    real_item = augment.AugmentedSet.__getitem__

    def item(self, i):
        out = real_item(self, i)
        items[(self.epoch, i)] = out["input_ids"]
        return out

    monkeypatch.setattr(augment, "crop_read", crop)
    monkeypatch.setattr(augment.AugmentedSet, "__getitem__", item)
    cfg = TrainConfig(**FAST, segmentation_sampling=0.2, crop=0.2)
    a = train_classifier(cfg, tok, train, valid, test, out_dir=d / "model")
    assert set(seen) == {r.seq for r in train} and len(seen) == 2 * len(train)  # 2 epochs
    assert not set(seen) & {r.seq for r in valid + test}
    # the Trainer told the set each epoch: every read twice, mostly spelled anew
    assert {e for e, _ in items} == {0, 1} and len(items) == 2 * len(train)
    assert sum(items[0, i] != items[1, i] for i in range(len(train))) > len(train) // 2
    # the test scores are those of the full, best-segmented test reads
    loaded = load_model_dir(d / "model")
    ids = encode(tok, test, loaded.max_length, True, "test")
    proba = predict_proba(loaded.model, ids, tok.pad_token_id)
    assert a.metrics["auroc"] == evaluate_model(d / "model", test)["auroc"]
    assert np.array_equal(augment.segmentation_average(loaded.model, tok, test, ids, cfg,
                                                       loaded.max_length), proba)
    b = train_classifier(cfg, tok, train, valid, test)  # same seed, same numbers
    assert b.metrics == a.metrics and b.history[-1]["train_loss"] == a.history[-1]["train_loss"]


def test_test_time_averaging(data, tmp_path):
    d, train, valid, test = data
    tok = train_tokenizer([r.seq for r in train], TokenizerSpec(algorithm="unigram", vocab_size=50))
    cfg = TrainConfig(**FAST, segmentation_sampling=0.2, test_segmentations=3)
    res = train_classifier(cfg, tok, train, valid, test, out_dir=tmp_path / "model")
    loaded = load_model_dir(tmp_path / "model")
    # N=1 is today's prediction bit for bit: the best segmentation's probabilities
    ids = encode(tok, test, loaded.max_length, True, "test")
    today = predict_proba(loaded.model, ids, tok.pad_token_id)
    one = augment.segmentation_average(loaded.model, tok, test, ids, cfg.replace(test_segmentations=1),
                                       loaded.max_length)
    assert np.array_equal(one, today)
    from classifier import model_probabilities
    assert np.array_equal(model_probabilities(loaded, test, test_segmentations=1), today)
    # N=3 (the model's own): the mean over the best and two sampled segmentations
    three = model_probabilities(loaded, test)
    assert not np.array_equal(three, today) and np.allclose(three.sum(axis=1), 1)
    assert np.array_equal(three, model_probabilities(loaded, test))  # seeded: repeats
    assert res.metrics == evaluate_model(tmp_path / "model", test)  # as training scored it
    # the run's per-read test predictions are those averaged probabilities' classes
    assert res.test_predictions == three.argmax(1).tolist()
    # rescoring the run's model: its own N gives its own scores, N=1 the best segmentation's
    from classifier.finetune import rescore_test
    m3, p3 = rescore_test(res, tok, train, test, 3)
    assert (m3, p3) == (res.metrics, res.test_predictions)
    m1, p1 = rescore_test(res, tok, train, test, 1)
    assert p1 == today.argmax(1).tolist() and m1 == evaluate_model(tmp_path / "model", test,
                                                                   test_segmentations=1)


def test_bad_combinations_are_one_line_errors(data, tmp_path):
    d, train, _, _ = data
    wp = train_tokenizer([r.seq for r in train], TokenizerSpec(algorithm="wordpiece", vocab_size=40))
    wp.save(tmp_path / "wp")
    args = ["train", "--tokenizer", str(tmp_path / "wp"), "--data", str(d / "train.csv"),
            "--out", str(tmp_path / "m"), "--epochs", "1", "--threads", "1"]
    assert exit_code(classify_main, args + ["--segmentation-sampling", "0.1"]) == 1
    assert not (tmp_path / "m").exists()
    assert exit_code(classify_main, args + ["--test-segmentations", "2"]) == 2
    assert exit_code(classify_main, args + ["--crop", "0.7"]) == 2
    char = train_tokenizer([r.seq for r in train], TokenizerSpec(algorithm="char"))
    char.save(tmp_path / "char")
    args[2] = str(tmp_path / "char")
    assert exit_code(classify_main, args) == 0
    assert exit_code(classify_main, ["evaluate", "--model", str(tmp_path / "m"), "--data",
                                     str(d / "test.csv"), "--test-segmentations", "3"]) == 1


def test_ablation_takes_the_settings_into_its_fingerprint_and_checks_them():
    from classifier.ablation.ablation_config import AblationError, load_config
    from classifier.ablation.cell import train_config
    from classifier.ablation.runner import check_grid

    base = load_config(None, task="selex-sim", tokenizers="kmer:3,bpe:64,unigram:64")
    on = base.with_(segmentation_sampling=0.1, test_segmentations=3, crop=0.1)
    check_grid(on)  # k-mers: one segmentation, nothing to refuse
    tcfg = train_config(on, 0, None)
    assert (tcfg.segmentation_sampling, tcfg.test_segmentations, tcfg.crop) == (0.1, 3, 0.1)
    assert on.fingerprint() != base.fingerprint()
    assert base.with_(crop=0.2).fingerprint() != base.with_(crop=0.1).fingerprint()
    with pytest.raises(AblationError, match="tokenizer wordpiece:64: segmentation sampling 0.1 "
                                            "needs a bpe or unigram tokenizer"):
        check_grid(on.with_(tokenizers=on.tokenizers + (type(on.tokenizers[0]).parse("wordpiece:64"),)))


def test_kmer_inputs_follow_each_epochs_sampled_and_cropped_read(tok, data):
    """The per-token k-mer inputs are built from the ids and letters the item carries:
    with K = 1 every token's 1-mers spell that token, epoch after epoch."""
    from classifier.token_features import InputSettings, features_for
    train = data[1]
    feats = features_for(InputSettings(kmer_channel=1), tok, train)
    cfg = TrainConfig(**{**FAST, "segmentation_sampling": 0.3, "crop": 0.2})
    ids = encode(tok, train, 64, True, "train")
    ds = augment.AugmentedSet(tok, train, list(range(len(train))), ids, cfg, 64, feats)
    cropped = 0
    for epoch in (0, 1):
        ds.set_epoch(epoch)
        for i in range(len(ds)):
            item = ds[i]
            cropped += item["sequence"] != train[i].seq
            assert len(item["kmer_ids"]) == len(item["input_ids"])
            pieces = [tok.decode([t]) for t in item["input_ids"][1:-1]]
            letters = ["".join("ACGU"[k - 2] for k in ks) for ks in item["kmer_ids"][1:-1]]
            assert letters == [p.replace("T", "U") for p in pieces]
            assert "".join(letters) == item["sequence"].replace("T", "U")
    assert cropped > len(ds)  # most reads were cropped in both epochs
