"""The k-mer baseline is saved as data (JSON + safetensors); a pickle is never opened."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from classifier.baseline import PICKLE_FILE, KmerLogReg
from classifier.cli import cli
from classifier_helpers import write_tiny_csv

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("labels", [("bind", "free"), ("bind", "free", "other")])
def test_saved_model_predicts_exactly_what_the_fitted_one_did(tmp_path, labels):
    """Same probabilities, bit for bit, after a save/load round trip (2 and 3 classes)."""
    data = write_tiny_csv(tmp_path / "t.csv", n=90, labels=labels)
    rows = [ln.split(",") for ln in data.read_text().splitlines()[1:]]
    seqs, y = [r[1] for r in rows], [labels.index(r[2]) for r in rows]
    fitted = KmerLogReg(k=3, seed=0).fit(seqs, y)
    fitted.save(tmp_path / "m")
    loaded = KmerLogReg.load(tmp_path / "m")
    probe = seqs + ["ACGUNNACGU", "GGGGGGGG", "AC"]  # unseen k-mers and a read shorter than k
    assert np.array_equal(loaded.predict_proba(probe), fitted.predict_proba(probe))
    assert loaded.n_features == fitted.n_features


class _Payload:
    """Unpickling this touches ``marker``: proof that code in the file ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.fixture(scope="module")
def baseline_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("kmer")
    train = write_tiny_csv(d / "train.csv", n=48)
    r = CliRunner().invoke(cli, ["train", "--arch", "kmer-logreg", "--kmer-k", "3", "--data",
                                 str(train), "--out", str(d / "model")])
    assert r.exit_code == 0, r.output
    return d


@pytest.mark.parametrize("command", ["evaluate", "predict"])
def test_planted_pickle_is_refused_and_never_runs(baseline_dir, tmp_path, command):
    model = tmp_path / "model"
    import shutil
    shutil.copytree(baseline_dir / "model", model)
    for f in ("kmer_logreg.json", "kmer_logreg.safetensors"):  # an old-version folder
        (model / f).unlink()
    marker = tmp_path / "payload-ran"
    (model / PICKLE_FILE).write_bytes(pickle.dumps(_Payload(marker)))
    args = [command, "--model", str(model), "--data", str(baseline_dir / "train.csv")]
    if command == "predict":
        args += ["--out", str(tmp_path / "pred.csv")]
    from classifier.cli import main
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 1
    assert not marker.exists()
    assert not (tmp_path / "pred.csv").exists()


def test_pickle_error_says_how_to_retrain(baseline_dir, tmp_path, capsys):
    import shutil
    shutil.copytree(baseline_dir / "model", tmp_path / "m")
    (tmp_path / "m" / "kmer_logreg.json").unlink()
    (tmp_path / "m" / PICKLE_FILE).write_bytes(pickle.dumps(_Payload(tmp_path / "ran")))
    from classifier.cli import main
    with pytest.raises(SystemExit):
        main(["evaluate", "--model", str(tmp_path / "m"), "--data", str(baseline_dir / "train.csv")])
    err = "\n".join(ln for ln in capsys.readouterr().err.splitlines() if not ln.startswith("INFO"))
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "never loaded" in err and "classify train --arch kmer-logreg" in err
    assert not (tmp_path / "ran").exists()


def test_no_pickle_in_the_packages():
    """No module of corpora, tokenizer_lab or classifier imports pickle-like loaders."""
    banned = {"pickle", "cPickle", "joblib", "dill", "cloudpickle", "shelve", "marshal"}
    found = []
    for pkg in ("corpora", "tokenizer_lab", "classifier"):
        for path in (ROOT / pkg).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                found += [f"{path.relative_to(ROOT)}: {n}" for n in names
                          if n.split(".")[0] in banned]
    assert found == []
