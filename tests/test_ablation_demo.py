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
    assert cfg.task == "selex-sim" and cfg.seeds == (0, 1, 2) and cfg.preset == "tiny-2layer"
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


def test_full_is_todays_config_and_make_demo_runs_the_quick_recipe():
    from pathlib import Path

    from classifier.ablation.ablation_config import load_config
    from classifier.demo import CONFIG, RECIPES

    full = demo_config(recipe="full")
    assert full.fingerprint() == load_config(CONFIG).fingerprint()  # the shipped TOML, as is
    quick = demo_config()
    assert quick.fingerprint() != full.fingerprint()
    assert (quick.preset, quick.epochs, quick.max_train, quick.max_valid, quick.max_test) == \
        ("tiny-2layer", 4, 1000, 150, full.max_test) and RECIPES["quick"]["preset"] == quick.preset
    # same grid: tokenizers, seeds, baseline
    assert (quick.tokenizers, quick.seeds, quick.baseline_k) == \
        (full.tokenizers, full.seeds, full.baseline_k)
    make = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    demo_line = next(line for line in make.splitlines() if "classifier.cli demo" in line
                     and not line.lstrip().startswith("#"))
    assert "--full" not in demo_line


def test_cli_demo_full_flag_selects_the_recipe(monkeypatch, tmp_path):
    from click.testing import CliRunner

    import classifier.demo as demo
    from classifier.cli import cli

    seen = []
    monkeypatch.setattr(demo, "run_demo", lambda out, jobs, recipe: seen.append(recipe) or
                        {"primary_metric": "accuracy", "best": "unigram:256"})
    monkeypatch.setattr(demo, "closing_lines", lambda folder, cpu_s: ["Arithmetic floor: x"])
    for args, recipe in ((["--full"], "full"), ([], "quick")):
        r = CliRunner().invoke(cli, ["demo", *args, "--out", str(tmp_path / recipe)])
        assert r.exit_code == 0, r.output
        assert seen[-1] == recipe and "Arithmetic floor: x" in r.output


def test_closing_lines_print_the_matmul_rate_and_the_ratio_to_the_floor(tmp_path):
    from classifier.demo import closing_lines

    run = tmp_path / "runs" / "char-s0" / "model"
    run.mkdir(parents=True)
    (run / "config.json").write_text(json.dumps(
        {"num_hidden_layers": 1, "hidden_size": 2, "intermediate_size": 4}))
    (tmp_path / "results.json").write_text(json.dumps({
        "data": {"splits": {"train": {"n": 10}, "valid": {"n": 5}, "test": {"n": 4}}},
        "runs": [{"kind": "model", "run_id": "char-s0", "tokenizer": "char", "cpu_s": 1.0,
                  "costs": {"tokens_per_seq": 1, "epochs": 2}},
                 {"kind": "baseline", "run_id": "kmer-logreg", "tokenizer": "kmer-logreg:6"}]}))
    # 15,840 + 5,016 FLOP (classifier.flops.run_flops's example) at 1e-6 GFLOP/s: 20.856 s
    machine, floor = closing_lines(tmp_path, cpu_s=41.712, gflops=1e-6)
    assert machine.startswith("Machine: 0.0 GFLOP/s (512x512 float32 matmul, 1 thread;")
    assert floor.endswith("20.9 CPU-s at that rate; CPU-s / floor = 2.00 "
                          "(model runs alone: 0.05).")
