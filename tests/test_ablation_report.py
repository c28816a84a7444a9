"""Reports are rendered from results.json alone and contain every run and plot."""

from __future__ import annotations

import base64
import csv
import json
import re

import pytest

from classifier.ablation.config import AblationError
from classifier.ablation.report import write_reports
from classifier.ablation.results import build_results, load_results, write_results

PNG = b"\x89PNG\r\n\x1a\n"


def _results(n_seeds=3):
    runs = []
    table = {"char": ("char", 9, [0.80, 0.79, 0.81]), "kmer:3": ("kmer", 69, [0.84, 0.83, 0.86]),
             "bpe:256": ("bpe", 256, [0.90, 0.89, 0.91]), "bpe:512": ("bpe", 512, [0.88, 0.90, 0.89])}
    for tok, (algo, vocab, accs) in table.items():
        for seed, acc in enumerate(accs[:n_seeds]):
            runs.append({
                "run_id": f"{tok.replace(':', '-')}.seed{seed}", "tokenizer": tok, "kind": "model",
                "algorithm": algo, "vocab_size": vocab, "k": None, "seed": seed,
                "metrics": {"accuracy": acc, "macro_f1": acc - 0.01, "mcc": 2 * acc - 1,
                            "auroc": acc + 0.05},
                "costs": {"vocab_size": vocab, "tokenizer_train_s": 0.1, "tokens_per_seq": 80 / (1 + vocab / 64),
                          "params": 400_000 + vocab * 64, "train_s": 10.0 + seed, "train_seqs_per_s": 500.0,
                          "peak_mem_mb": 300.0},
                "intrinsic": {"random_region_nt_per_token": 1 + vocab / 256, "boundary_f1": 0.5},
                "history": [{"epoch": e, "train_loss": 1 / e, "eval_loss": 1.1 / e} for e in (1, 2, 3)],
                "confusion": {"labels": ["binder", "nonbinder"], "matrix": [[40, 10], [8, 42]]}})
    for seed in range(n_seeds):
        runs.append({"run_id": f"kmer-logreg-5.seed{seed}", "tokenizer": "kmer-logreg:5",
                     "kind": "baseline", "algorithm": "kmer-logreg", "vocab_size": None, "k": 5,
                     "seed": seed, "metrics": {"accuracy": 0.85, "macro_f1": 0.84, "mcc": 0.7,
                                               "auroc": 0.9},
                     "costs": {"vocab_size": 1024, "train_s": 0.5}, "intrinsic": {}, "history": [],
                     "confusion": {"labels": ["binder", "nonbinder"], "matrix": [[45, 5], [10, 40]]}})
    data = {"source": "task `selex-sim`", "labels": ["binder", "nonbinder"],
            "splits": {"train": {"n": 700, "classes": {"binder": 280, "nonbinder": 420}, "mean_length": 79.0},
                       "valid": {"n": 100, "classes": {"binder": 40, "nonbinder": 60}, "mean_length": 79.0},
                       "test": {"n": 200, "classes": {"binder": 80, "nonbinder": 120}, "mean_length": 79.0}},
            "overlap": {"test_in_train": 3, "valid_in_train": 1}}
    return build_results(runs, config={"task": "selex-sim"}, data=data,
                         command="classify ablate classifier/configs/selex-sim.toml --out demo",
                         versions={"python": "3.11.7", "torch": "2.13.0"}, primary="accuracy",
                         name="unit")


def test_results_json_csv_and_reports_agree(tmp_path):
    res = _results()
    write_results(res, tmp_path)
    paths = write_reports(load_results(tmp_path), tmp_path)
    doc = json.loads((tmp_path / "results.json").read_text())
    assert doc["best"] == "bpe:256" and doc["best_run"] == "bpe-256.seed2"

    rows = list(csv.DictReader((tmp_path / "results.csv").read_text().splitlines()))
    assert [r["run_id"] for r in rows] == [r["run_id"] for r in doc["runs"]]
    assert float(rows[0]["accuracy"]) == doc["runs"][0]["metrics"]["accuracy"]

    md = paths["md"].read_text()
    html = paths["html"].read_text()
    for run in doc["runs"]:  # every run appears in both reports
        assert run["run_id"] in md and run["run_id"] in html
    # the summary numbers are the JSON's, the best in bold
    best = next(e for e in doc["summary"] if e["tokenizer"] == "bpe:256")["metrics"]["accuracy"]
    cell = f"{best['mean']:.3f} ± {best['sd']:.3f}"
    assert f"**{cell}**" in md and f"<strong>{cell}</strong>" in html
    assert "| char | 3 | 0.800 ± 0.010 |" in md
    assert "p (Holm)" in md
    assert "classify ablate classifier/configs/selex-sim.toml --out demo" in md
    assert "test in train: 3" in md


def test_html_is_self_contained_with_every_plot(tmp_path):
    res = _results()
    write_results(res, tmp_path)
    write_reports(res, tmp_path)
    html = (tmp_path / "report.html").read_text()
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    pngs = sorted(p.name for p in (tmp_path / "plots").glob("*.png"))
    assert pngs == ["confusion_best.png", "metric_vs_tokens.png", "metric_vs_vocab.png",
                    "time_vs_metric.png", "valid_loss.png"]
    assert len(images) == len(pngs)
    assert all(base64.b64decode(img).startswith(PNG) for img in images)
    # nothing loaded from elsewhere: no src/href other than the embedded images
    assert not re.search(r'(src|href)="(?!data:)', html)
    md = (tmp_path / "report.md").read_text()
    for name in pngs:
        assert f"(plots/{name})" in md


def test_one_seed_and_missing_runs_render(tmp_path):
    res = _results(n_seeds=1)
    res["missing"] = ["char.seed1"]
    write_results(res, tmp_path)
    write_reports(res, tmp_path)
    md = (tmp_path / "report.md").read_text()
    assert "one seed: no test possible" in md
    assert "**Incomplete:** 1 run(s) not finished (char.seed1)" in md
    assert "| char | 1 | 0.800 |" in md  # no sd with one seed


def test_load_results_errors(tmp_path):
    with pytest.raises(AblationError, match="no results.json"):
        load_results(tmp_path)
    (tmp_path / "results.json").write_text("{bad")
    with pytest.raises(AblationError, match="damaged JSON at line 1"):
        load_results(tmp_path)
    (tmp_path / "results.json").write_text('{"schema": "other"}')
    with pytest.raises(AblationError, match="not an ablation results file"):
        load_results(tmp_path / "results.json")


def test_headline_says_which_way_a_significant_difference_goes(tmp_path):
    runs = []
    for tok, kind, accs in (("a", "model", [0.80, 0.82, 0.81]), ("b", "model", [0.60, 0.61, 0.63]),
                            ("base", "baseline", [0.90, 0.93, 0.91])):
        runs += [{"run_id": f"{tok}.seed{s}", "tokenizer": tok, "kind": kind, "seed": s,
                  "metrics": {"accuracy": a}} for s, a in enumerate(accs)]
    res = build_results(runs, config={}, data={}, command="c", versions={}, primary="accuracy")
    write_reports(res, tmp_path)
    md = (tmp_path / "report.md").read_text()
    assert "Best tokenizer by mean test accuracy: **a**." in md
    assert "The base baseline scores 0.913, above it." in md
    assert "Significantly worse (paired test over seeds, Holm-corrected, p < 0.05): b." in md
    assert "Significantly better than a: base." in md
