"""The Ray backend on a real local Ray instance (2 CPUs, started once for this module):
a 2-tokenizer x 2-seed ablation gives the local backend's numbers, survives a killed
worker and a killed driver, and folding on Ray fills the local fold cache."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'aptamer-tokenizer-lab[ray]')")

from classifier.ablation.ablation_config import load_config  # noqa: E402
from classifier.ablation.runner import run_ablation  # noqa: E402
from classifier.cli import cli as classify  # noqa: E402
from test_ablation_run import TOML, _finished, _mtimes, _write_data  # noqa: E402

# The module's fixtures (a Ray instance, the local reference ablation) run inside the first
# test's time limit; on a loaded 2-core machine they alone took over the suite's 300 s.
pytestmark = pytest.mark.timeout(900)

GRID = ["char.seed0", "char.seed1", "bpe-40.seed0", "bpe-40.seed1",
        "kmer-logreg-3.seed0", "kmer-logreg-3.seed1"]


@pytest.fixture(scope="module")
def ray_instance():
    """One local Ray instance for the module: 2 CPUs, no dashboard, no usage stats,
    its session files in a short folder under /tmp (socket paths must stay < 108 bytes)."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")
    ctx = ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                   configure_logging=False, _temp_dir=temp)
    yield ctx.address_info["gcs_address"]
    ray.shutdown()
    shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("data")
    _write_data(d)
    (d / "tiny.toml").write_text(TOML)
    return d


@pytest.fixture(scope="module")
def local(data, tmp_path_factory):
    """The reference: the same grid with the local backend, in this process."""
    out = tmp_path_factory.mktemp("local") / "run"
    return run_ablation(load_config(data / "tiny.toml", seeds="0,1"), out)


def _task_workers() -> list[int]:
    """PIDs of Ray workers of *this* test process's instance running an ablation task
    (Ray titles a busy worker ``ray::<task name>``)."""
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
            if not title.startswith("ray::ablation-run"):
                continue
            pid = int(entry.name)
            while pid > 1:  # an ancestor must be this process (raylet -> worker)
                stat = Path(f"/proc/{pid}/stat").read_text()
                pid = int(stat.rsplit(")", 1)[1].split()[1])
                if pid == me:
                    found.append(int(entry.name))
                    break
        except (OSError, ValueError, IndexError):
            continue
    return found


@pytest.fixture(scope="module")
def on_ray(ray_instance, data, tmp_path_factory):
    """`classify ablate --backend ray` while a thread SIGKILLs the first worker it sees
    running a run: Ray must retry that run, and the grid must still finish."""
    out = tmp_path_factory.mktemp("ray") / "run"
    killed: list[int] = []
    stop = threading.Event()

    def killer():
        while not stop.is_set() and not killed:
            for pid in _task_workers():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                break
            time.sleep(0.05)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        result = CliRunner().invoke(classify, ["ablate", str(data / "tiny.toml"), "--seeds", "0,1",
                                               "--backend", "ray", "--out", str(out)],
                                    catch_exceptions=False)
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    return {"out": out, "results": json.loads((out / "results.json").read_text()),
            "killed": killed, "output": result.output}


def test_ray_gives_the_local_numbers_run_by_run(on_ray, local):
    ray_runs = {r["run_id"]: r for r in on_ray["results"]["runs"]}
    local_runs = {r["run_id"]: r for r in local["runs"]}
    assert list(ray_runs) == list(local_runs) == GRID
    for run_id in GRID:
        assert ray_runs[run_id]["metrics"] == local_runs[run_id]["metrics"], run_id
        assert ray_runs[run_id]["confusion"] == local_runs[run_id]["confusion"], run_id
        assert ray_runs[run_id]["history"] == local_runs[run_id]["history"], run_id
    assert on_ray["results"]["summary"] == local["summary"] or all(
        a["metrics"] == b["metrics"] for a, b in zip(on_ray["results"]["summary"], local["summary"]))


def test_run_folders_come_back_whole(on_ray):
    out = on_ray["out"]
    assert (out / "report.html").is_file() and (out / "results.csv").is_file()
    assert not list((out / "runs").glob(".*"))  # no temporary folders left
    tok = out / "runs" / "bpe-40.seed1" / "tokenizer"
    assert (tok / "tokenizer.json").is_file() and (tok / "lab.json").is_file()
    assert (out / "runs" / "char.seed0" / "model" / "model.safetensors").stat().st_size > 10_000
    assert "6 runs; best by test accuracy" in on_ray["output"]
    recorded = json.loads((out / "ablation.json").read_text())["config"]
    assert recorded["backend"] == "ray" and recorded["cpus_per_run"] == 1.0


def test_killed_worker_is_retried_and_the_grid_finishes(on_ray):
    assert len(on_ray["killed"]) == 1, "no worker was seen running a run"
    with pytest.raises(ProcessLookupError):
        os.kill(on_ray["killed"][0], 0)  # it really died
    assert [r["run_id"] for r in on_ray["results"]["runs"]] == GRID
    assert on_ray["results"]["missing"] == []


def test_killed_driver_resumes_without_redoing_finished_runs(ray_instance, data, tmp_path, local):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "classifier.cli", "--quiet", "ablate", str(data / "tiny.toml"),
           "--seeds", "0,1", "--backend", "ray", "--ray-address", ray_instance, "--out", str(out)]
    log = (tmp_path / "driver.log").open("w")
    driver = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 240
    while not _finished(out / "runs") and driver.poll() is None:
        assert time.time() < deadline, "the driver finished no run in 240 s"
        time.sleep(0.05)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    log.close()
    before = _mtimes(out / "runs")
    assert 1 <= len(before) < len(GRID), (f"killed too late: {sorted(before)}; "
                                          + (tmp_path / "driver.log").read_text()[-2000:])
    assert not (out / "results.json").exists()

    again = run_ablation(load_config(data / "tiny.toml", seeds="0,1", backend="ray"), out)
    after = _mtimes(out / "runs")
    assert sorted(after) == sorted(GRID)
    for run_id, mtime in before.items():
        assert after[run_id] == mtime, f"{run_id} was redone"
    local_runs = {r["run_id"]: r["metrics"] for r in local["runs"]}
    assert {r["run_id"]: r["metrics"] for r in again["runs"]} == local_runs


def test_fold_on_ray_fills_the_local_cache(ray_instance, tmp_path, monkeypatch):
    from corpora.cli import cli as corpora_cli
    from tokenizer_lab.cli import cli as lab_cli
    from tokenizer_lab.structure import parallel
    from tokenizer_lab.structure.cache import FoldCache
    from tokenizer_lab.structure.fold import FoldParams, fold_strings
    from tokenizer_lab.structure.reads import fold_params, structures
    from tokenizer_lab.spec import TokenizerSpec

    monkeypatch.setenv("LAB_FOLD_CACHE", str(tmp_path / "cache"))
    lib = tmp_path / "lib.fasta"
    assert CliRunner().invoke(corpora_cli, ["simulate", "--out", str(lib), "--reads", "300",
                                            "--seed", "3"]).exit_code == 0
    res = CliRunner().invoke(lab_cli, ["fold", str(lib), "--backend", "ray", "--alphabet", "dna"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    cache = FoldCache(tmp_path / "cache")
    n = len(cache)
    assert f"{n} new, {n} in all" in res.output and n > 250

    from corpora.readers import read_records
    reads = [r.seq for r in read_records(lib, alphabet="dna")]
    spec = TokenizerSpec(algorithm="struct-bpe", alphabet="dna")
    params = fold_params(spec)
    assert params == FoldParams(material="dna")
    keys = {parallel.fold_key_string(s, params) for s in reads}
    got = cache.get_many(keys, params)
    assert set(got) == keys  # every read answered by the cache
    some = sorted(keys)[:5]  # and the folds are ViennaRNA's own
    assert [got[k] for k in some] == fold_strings(some, params)

    # a later local run of the tokenizer code folds nothing
    def no_folding(*args, **kwargs):
        raise AssertionError("folded although the cache holds every read")
    monkeypatch.setattr(parallel, "fold_strings_parallel", no_folding)
    assert len(structures([s.upper().replace("T", "U") for s in reads], spec, workers=1)) == len(reads)


def test_artifacts_folder_gets_the_run_folders(ray_instance, data, tmp_path, local):
    out, art = tmp_path / "run", tmp_path / "shared"
    cfg = load_config(data / "tiny.toml", tokenizers="char", seeds="1", baseline_k=0,
                      backend="ray", artifacts=art.as_uri())
    res = run_ablation(cfg, out)
    (run,) = res["runs"]
    assert run["artifacts"] == (art / "char.seed1").as_uri()
    assert (art / "char.seed1" / "model" / "model.safetensors").is_file()
    assert sorted(p.name for p in (out / "runs" / "char.seed1").iterdir()) == ["result.json"]
    assert run["metrics"] == {r["run_id"]: r for r in local["runs"]}["char.seed1"]["metrics"]
