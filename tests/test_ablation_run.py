"""A real (tiny) ablation end to end: two tokenizers, two seeds, the k-mer baseline,
resumed after a simulated kill, through the library and the `classify ablate` command."""

from __future__ import annotations

import json
import random
import shutil

import pytest

from click.testing import CliRunner

from classifier.ablation.ablation_config import AblationError, load_config
from classifier.ablation.runner import plan, run_ablation
from classifier.cli import cli

MOTIF = "GGAUCC"


def _write_data(folder):
    """Two classes of 24-nt reads: class 'bind' carries a planted motif."""
    rng = random.Random(7)
    rows = {"train": [], "test": []}
    for split, n in (("train", 48), ("test", 16)):
        for i in range(n):
            seq = "".join(rng.choice("ACGU") for _ in range(24))
            label = "bind" if i % 2 else "free"
            if label == "bind":
                at = rng.randrange(0, 24 - len(MOTIF))
                seq = seq[:at] + MOTIF + seq[at + len(MOTIF):]
            rows[split].append(f"{split}{i},{seq},{label}")
    for split, lines in rows.items():
        (folder / f"{split}.csv").write_text("id,sequence,label\n" + "\n".join(lines) + "\n")
    return folder / "train.csv", folder / "test.csv"


def _config(data_dir, **over):
    train, test = _write_data(data_dir)
    kw = dict(train=str(train), test=str(test), tokenizers="char,bpe:40", seeds="0",
              preset="tiny", epochs=1, baseline_k=3, batch_size=16, name="tiny",
              train_options={"patience": 0, "eval_batch_size": 64})
    kw.update(over)
    return load_config(None, **kw)


TOML = """name = "tiny"
tokenizers = ["char", "bpe:40"]
preset = "tiny"
epochs = 1
batch_size = 16
baseline_k = 3
train = "train.csv"
test = "test.csv"

[train_options]
patience = 0
eval_batch_size = 64
"""


def _ablate(*args):
    result = CliRunner().invoke(cli, ["ablate", *map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _finished(run_root):
    """result.json of each finished run folder; a hidden `.RUN.XXXX.tmp` folder is a run
    being written (pathlib's `*` matches dot names, unlike a shell's)."""
    return [p for p in run_root.glob("*/result.json") if not p.parent.name.startswith(".")]


def _mtimes(run_root):
    return {p.parent.name: p.stat().st_mtime_ns for p in _finished(run_root)}


@pytest.fixture(scope="module")
def ablation(tmp_path_factory):
    """`classify ablate` on half the grid (seed 0), then the whole grid (seeds 0, 1) in
    2 worker processes: the second command resumes the first."""
    data_dir = tmp_path_factory.mktemp("data")
    _write_data(data_dir)
    (data_dir / "tiny.toml").write_text(TOML)
    out = tmp_path_factory.mktemp("abl") / "run"
    first_out = _ablate(data_dir / "tiny.toml", "--seeds", "0", "--out", out)
    half = json.loads((out / "results.json").read_text())
    first = _mtimes(out / "runs")
    full_out = _ablate(data_dir / "tiny.toml", "--seeds", "0,1", "--jobs", 2, "--out", out)
    full = json.loads((out / "results.json").read_text())
    full_cfg = load_config(data_dir / "tiny.toml", seeds="0,1")
    return {"out": out, "half": half, "full": full, "first": first, "cfg": full_cfg,
            "data_dir": data_dir, "outputs": (first_out, full_out)}


def test_every_run_recorded_with_metrics_and_costs(ablation):
    out, full = ablation["out"], ablation["full"]
    ids = [r["run_id"] for r in full["runs"]]
    assert ids == ["char.seed0", "char.seed1", "bpe-40.seed0", "bpe-40.seed1",
                   "kmer-logreg-3.seed0", "kmer-logreg-3.seed1"]
    assert full["missing"] == []
    for r in full["runs"]:
        assert set(r["metrics"]) == {"accuracy", "macro_f1", "mcc", "auroc"}
        assert 0 <= r["metrics"]["accuracy"] <= 1
        assert (out / "runs" / r["run_id"] / "result.json").is_file()
        c = r["costs"]
        assert c["train_s"] > 0 and c["peak_mem_mb"] > 0 and c["params"] > 0
        assert sum(map(sum, r["confusion"]["matrix"])) == 16  # the whole test split
        assert r["confusion"]["labels"] == ["bind", "free"]
    char = next(r for r in full["runs"] if r["run_id"] == "char.seed0")
    assert char["costs"]["tokens_per_seq"] == 24.0  # one token per nucleotide
    assert char["intrinsic"]["random_region_nt_per_token"] == 1.0
    assert char["costs"]["tokenizer_train_s"] >= 0 and char["history"]
    assert (out / "runs" / "char.seed0" / "tokenizer" / "tokenizer.json").is_file()
    # the data section: split sizes, class counts, overlap
    data = full["data"]
    assert data["splits"]["test"] == {"n": 16, "classes": {"bind": 8, "free": 8},
                                      "mean_length": 24.0}
    assert data["splits"]["train"]["n"] + data["splits"]["valid"]["n"] == 48
    assert data["overlap"]["test_in_train"] == 0


def test_report_contains_every_run(ablation):
    out, full = ablation["out"], ablation["full"]
    md = (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    rows = (out / "results.csv").read_text().strip().splitlines()
    assert len(rows) == 1 + len(full["runs"])
    for r in full["runs"]:
        assert r["run_id"] in md and r["run_id"] in html
    assert json.loads((out / "results.json").read_text())["runs"] == full["runs"]
    assert html.count("data:image/png;base64,") >= 4
    # the exact command that made it, for the Reproduce section
    assert "classify ablate " in md and "--seeds 0,1 --jobs 2 --out" in md
    assert "tiny.toml --seeds 0,1 --jobs 2 --out" in full["command"]
    first_out, full_out = ablation["outputs"]
    assert "3 runs; best by test accuracy:" in first_out
    assert "6 runs; best by test accuracy:" in full_out and "report.html" in full_out


def test_resume_keeps_finished_runs(ablation):
    out, half, full = ablation["out"], ablation["half"], ablation["full"]
    # the half grid's runs were neither redone nor changed by the second command
    assert set(ablation["first"]) == {"char.seed0", "bpe-40.seed0", "kmer-logreg-3.seed0"}
    now = _mtimes(out / "runs")
    for run_id, mtime in ablation["first"].items():
        assert now[run_id] == mtime
    by_id = {r["run_id"]: r for r in full["runs"]}
    for r in half["runs"]:
        assert by_id[r["run_id"]] == r


def test_killed_run_is_redone_identically(ablation):
    out, full, cfg = ablation["out"], ablation["full"], ablation["cfg"]
    before = _mtimes(out / "runs")
    # a kill mid-run leaves only a temporary folder and no result
    victim = out / "runs" / "bpe-40.seed1"
    shutil.move(victim, out / "runs" / ".bpe-40.seed1.killed.tmp")
    again = run_ablation(cfg, out, command="again")
    after = _mtimes(out / "runs")
    assert not list((out / "runs").glob(".*.tmp"))
    assert after.keys() == before.keys()
    assert [k for k in after if after[k] != before[k]] == ["bpe-40.seed1"]
    old = {r["run_id"]: r for r in full["runs"]}["bpe-40.seed1"]
    new = {r["run_id"]: r for r in again["runs"]}["bpe-40.seed1"]
    assert new["metrics"] == old["metrics"]  # same seed, same numbers
    assert new["confusion"] == old["confusion"]
    # the summary's costs (timings) differ run to run; its metrics do not
    assert [a["metrics"] for a in again["summary"]] == [b["metrics"] for b in full["summary"]]


def test_other_settings_cannot_reuse_the_folder(ablation):
    cfg = ablation["cfg"].with_(epochs=2)
    with pytest.raises(AblationError, match=r"different settings \(epochs\)"):
        run_ablation(cfg, ablation["out"])


def test_plan_order():
    cfg = load_config(None, task="selex-sim", tokenizers="char,kmer:3", seeds="1,0", baseline_k=0)
    assert [r.run_id for r in plan(cfg)] == ["char.seed1", "char.seed0", "kmer-3.seed1",
                                             "kmer-3.seed0"]


@pytest.mark.parametrize("args, message, code", [  # 2: a bad option (value); 1: bad data
    (["--task", "no-such-task", "--tokenizers", "char"], "unknown task 'no-such-task'", 2),
    (["--tokenizers", "char"], "no data: give a named task", 2),
    (["--data", "{d}/train.csv", "--test", "{d}/test.csv", "--tokenizers", "bpx:64"],
     "unknown algorithm 'bpx'", 2),
    (["--data", "{d}/train.csv", "--test", "{d}/test.csv", "--tokenizers", "char", "--lr", "-1"],
     "training settings: learning_rate must be a positive number or 'auto'", 2),
    (["--data", "{d}/missing.csv", "--test", "{d}/test.csv", "--tokenizers", "char"], "missing.csv", 2),
])
def test_bad_input_one_line_error_and_no_output(tmp_path, args, message, code):
    _write_data(tmp_path)
    out = tmp_path / "out"
    args = [a.format(d=tmp_path) for a in args]
    result = CliRunner().invoke(cli, ["ablate", *args, "--out", str(out)])
    assert result.exit_code == code
    # usage errors are printed by click; a LabError reaches run_cli (not used by CliRunner)
    assert message in (result.output if code == 2 else str(result.exception))
    assert not out.exists()


def test_bad_input_through_main_exits_1(tmp_path, capsys):
    from classifier.cli import main
    _write_data(tmp_path)
    (tmp_path / "bad.csv").write_text("sequence,label\nACGUXXACGU,a\n")
    with pytest.raises(SystemExit) as info:
        main(["ablate", "--data", str(tmp_path / "bad.csv"), "--test", str(tmp_path / "test.csv"),
              "--tokenizers", "char", "--out", str(tmp_path / "o")])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "bad.csv" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_report_only_rerenders_from_json(ablation, tmp_path):
    out = ablation["out"]
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "report.html").unlink()
    output = _ablate("--report-only", "--out", copy)
    assert (copy / "report.html").read_text() == (out / "report.html").read_text()
    assert "report:" in output


def test_explain_motifs_switch_adds_the_best_runs_motifs(ablation, tmp_path):
    """--explain-motifs on a finished ablation: no run redone, motifs in results and report."""
    out = tmp_path / "run"
    shutil.copytree(ablation["out"], out)
    before = _mtimes(out / "runs")
    _ablate(ablation["data_dir"] / "tiny.toml", "--seeds", "0,1", "--explain-motifs", "true", "--out", out)
    assert _mtimes(out / "runs") == before
    res = json.loads((out / "results.json").read_text())
    assert set(res["motifs"]) == {"char", "bpe:40"}
    for label, m in res["motifs"].items():
        runs = [r for r in res["runs"] if r["tokenizer"] == label]
        best = max(runs, key=lambda r: r["metrics"]["accuracy"])
        assert m["run"] == best["run_id"] and m["sequences"] == 16
        assert set(m["classes"]) == {"bind", "free"}
        assert (out / "runs" / m["run"] / "explain" / "explain.html").is_file()
    assert "Top motifs of the best run per tokenizer" in (out / "report.md").read_text()
    assert "Top motifs of the best run per tokenizer" in (out / "report.html").read_text()
