"""Without Ray installed, `--backend ray` says in one line how to install it (exit 1,
nothing written); bad backend settings are one-line errors too."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from classifier.ablation.config import AblationError, load_config
from test_ablation_run import _write_data


@pytest.fixture
def no_ray(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError


def test_ablate_without_ray_says_how_to_install(no_ray, tmp_path, capsys):
    from classifier.cli import main
    train, test = _write_data(tmp_path)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as info:
        main(["ablate", "--data", str(train), "--test", str(test), "--tokenizers", "char",
              "--backend", "ray", "--out", str(out)])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err == ("Error: --backend ray needs Ray, which is not installed: "
                   "pip install 'aptamer-tokenizer-lab[ray]'\n")
    assert not out.exists()


def test_fold_without_ray_says_how_to_install(no_ray, tmp_path, capsys):
    from tokenizer_lab.cli import main
    (tmp_path / "r.fa").write_text(">a\nGGGGAAACCCCAAAAAAAAAAAA\n")
    with pytest.raises(SystemExit) as info:
        main(["fold", str(tmp_path / "r.fa"), "--backend", "ray", "--out", str(tmp_path / "f.tsv")])
    assert info.value.code == 1
    assert "pip install 'aptamer-tokenizer-lab[ray]'" in capsys.readouterr().err
    assert not (tmp_path / "f.tsv").exists()


@pytest.mark.parametrize("over, message", [
    ({"backend": "spark"}, "backend must be one of ('local', 'ray'), got 'spark'"),
    ({"backend": "ray", "cpus_per_run": 0}, "cpus_per_run must be above 0"),
    ({"backend": "ray", "max_retries": -1}, "max_retries must be at least 0"),
    ({"artifacts": "/tmp/x"}, "artifacts (a folder for the workers' run folders) needs backend 'ray'"),
    ({"backend": "ray", "artifacts": "s3://b/x"}, "artifacts must be a folder or a file:// URI"),
])
def test_bad_backend_settings(over, message):
    with pytest.raises(AblationError) as info:
        load_config(None, task="selex-sim", tokenizers="char", **over)
    assert message in str(info.value)


def test_backend_settings_do_not_change_the_fingerprint():
    base = load_config(None, task="selex-sim", tokenizers="char")
    on_ray = base.with_(backend="ray", ray_address="auto", cpus_per_run=2.0, gpus_per_run=1.0)
    assert on_ray.fingerprint() == base.fingerprint()  # a grid may move between backends
