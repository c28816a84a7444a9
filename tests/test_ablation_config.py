"""Ablation configs: TOML and options into one validated, frozen dataclass."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from classifier.ablation.config import (AblationConfig, AblationError, TokenizerChoice,
                                        load_config)

CONFIGS = Path(__file__).resolve().parents[1] / "classifier" / "configs"


@pytest.mark.parametrize("text, algo, vocab, k, label", [
    ("char", "char", None, None, "char"),
    ("kmer:3", "kmer", None, 3, "kmer:3"),
    ("BPE:512", "bpe", 512, None, "bpe:512"),
    ("struct-bpe:256", "struct-bpe", 256, None, "struct-bpe:256"),
])
def test_tokenizer_shorthands(text, algo, vocab, k, label):
    t = TokenizerChoice.parse(text)
    assert (t.algorithm, t.vocab_size, t.k, t.label) == (algo, vocab, k, label)


@pytest.mark.parametrize("text, message", [
    ("kmer", "needs its k"), ("bpe:lots", "expected ALGORITHM:NUMBER"),
    ("bpe:3", "too small"), ("kmer:40", "between 1 and 8"), ("b p e:5", "not a name"),
])
def test_tokenizer_shorthand_errors(text, message):
    with pytest.raises(ValueError, match=message):
        TokenizerChoice.parse(text)


def test_table_form_passes_extra_spec_fields():
    t = TokenizerChoice.parse({"algorithm": "kmer", "k": 6, "stride": 6})
    assert t.options == (("stride", 6),) and t.label == "kmer:6[stride=6]"
    assert t.slug == "kmer-6-stride-6"
    assert TokenizerChoice.parse({k: v for k, v in t.to_dict().items()}) == t


def test_shipped_configs_load():
    names = sorted(p.stem for p in CONFIGS.glob("*.toml"))
    assert names == ["alx4-r1-r2", "igfbp3-quartiles", "nrc", "selex-sim"]
    for name in names:
        cfg = load_config(CONFIGS / f"{name}.toml")
        assert cfg.task == name and cfg.seeds == (0, 1, 2) and cfg.preset == "tiny"
        assert {"char", "kmer:3"} <= {t.label for t in cfg.tokenizers}


def test_options_override_toml_and_roundtrip(tmp_path):
    cfg = load_config(CONFIGS / "selex-sim.toml", seeds="4,5", epochs=1, jobs=1)
    assert cfg.seeds == (4, 5) and cfg.epochs == 1 and cfg.jobs == 1
    assert AblationConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.epochs = 3  # type: ignore[misc]
    # the grid and the job count do not change the fingerprint; training settings do
    assert cfg.with_(seeds=(0,), jobs=2).fingerprint() == cfg.fingerprint()
    assert cfg.with_(epochs=2).fingerprint() != cfg.fingerprint()


def test_relative_data_paths_follow_the_toml(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "a.toml"
    path.write_text('train = "train.csv"\ntest = "../test.csv"\ntokenizers = "char"\n')
    cfg = load_config(path)
    assert cfg.train == str(tmp_path / "sub" / "train.csv")
    assert cfg.test == str(tmp_path / "test.csv")


@pytest.mark.parametrize("toml, message", [
    ('tokenizers = ["char"]', "no data: give a named task"),
    ('task = "x"', "no tokenizers"),
    ('task = "x"\ntokenizers = ["char", "char"]', "listed twice"),
    ('task = "x"\ntokenizers = ["char"]\nseeds = []', "seeds must be distinct"),
    ('task = "x"\ntokenizers = ["char"]\nprimary_metric = "loss"', "primary_metric must be one of .*, got 'loss'"),
    ('task = "x"\ntokenizers = ["char"]\nepoch = 3', r"unknown ablation setting\(s\) \['epoch'\]"),
    ('train = "a.csv"\ntokenizers = ["char"]', "--data needs --test"),
    ('task = "x"\ntokenizers = ["kmer"]', "needs its k"),
    ("task = [", r"damaged TOML: Invalid value \(at end of document\)"),
])
def test_bad_configs_say_what_to_fix(tmp_path, toml, message):
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(AblationError, match=message) as info:
        load_config(path)
    assert str(info.value).startswith(str(path))


def test_missing_config_file(tmp_path):
    with pytest.raises(AblationError, match="config file not found"):
        load_config(tmp_path / "nope.toml")
