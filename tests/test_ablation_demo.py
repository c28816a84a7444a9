"""The demo's ablation config (the full demo runs in `make demo`, not in the tests)."""

from __future__ import annotations

import json

from tokenizer_lab import algorithms

from classifier.demo import _set_aside_stale, demo_config


def test_demo_grid_is_the_shipped_config_plus_installed_structure_tokenizers():
    cfg = demo_config()
    labels = [t.label for t in cfg.tokenizers]
    assert labels[:5] == ["char", "kmer:3", "bpe:256", "bpe:1024", "unigram:256"]
    for extra in ("struct-bpe:256", "struct-alphabet:256", "struct-unigram:256",
                  "struct-bpe:256[unit=hairpin]", "hairpin-vocab:256"):
        assert (extra in labels) == (extra.split(":")[0] in algorithms.names())
    assert cfg.task == "selex-sim" and cfg.seeds == (0, 1, 2) and cfg.preset == "tiny"
    assert cfg.baseline_k and cfg.jobs == 2
    # the grid grows without changing what a single run does
    assert cfg.fingerprint() == demo_config(extra=()).fingerprint()


def test_a_folder_from_other_settings_is_set_aside(tmp_path):
    folder = tmp_path / "ablation"
    folder.mkdir()
    (folder / "ablation.json").write_text(json.dumps({"fingerprint": "abc"}))
    _set_aside_stale(folder, "abc")
    assert folder.is_dir()
    _set_aside_stale(folder, "def")
    assert not folder.exists() and (tmp_path / "ablation.abc" / "ablation.json").is_file()
    _set_aside_stale(tmp_path / "missing", "def")  # nothing there: nothing to do
