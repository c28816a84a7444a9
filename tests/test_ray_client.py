"""`classify ablate --backend ray --ray-address ray://HOST:PORT`: a grid sent through Ray
Client to a real head node that `ray start --head --block` runs beside the test, with its
own ports and session folder, stopped (all its processes) when the test ends."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytest.importorskip("ray", reason="Ray is not installed (pip install 'aptamer-tokenizer-lab[ray]')")

from test_ablation_run import TOML, _write_data  # noqa: E402

# starting a head node and a worker that imports torch takes a while on a loaded machine
pytestmark = pytest.mark.timeout(900)


def _free_ports(n: int) -> list[int]:
    """``n`` ports the OS calls free now (ephemeral range: clear of Ray's worker ports)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _ray_bin() -> str:
    return str(Path(sys.executable).with_name("ray"))


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"`ray start` exited with {proc.returncode}: {log.read_text()[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AssertionError(f"Ray Client server not listening on port {port} after {seconds} s")


@pytest.fixture
def head_node():
    """A 1-CPU Ray head with a Ray Client server; yields the ``ray://`` address."""
    gcs, client = _free_ports(2)
    temp = tempfile.mkdtemp(prefix="rayc", dir="/tmp")  # socket paths must stay < 108 bytes
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
    log = Path(temp) / "ray-start.log"  # a file, not a pipe nobody reads (it would fill and block)
    with open(log, "w") as out:
        proc = subprocess.Popen([_ray_bin(), "start", "--head", "--block", "--port", str(gcs),
                                 "--ray-client-server-port", str(client), "--num-cpus", "1",
                                 "--include-dashboard", "false", "--temp-dir", temp,
                                 "--disable-usage-stats"],
                                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        _wait_for_port(client, proc, log, 240)
        yield f"ray://127.0.0.1:{client}"
    finally:
        proc.send_signal(signal.SIGTERM)  # --block: stops every process it started
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        shutil.rmtree(temp, ignore_errors=True)


def test_a_grid_runs_through_ray_client(head_node, tmp_path):
    _write_data(tmp_path)
    (tmp_path / "tiny.toml").write_text(TOML.replace('["char", "bpe:40"]', '["char"]'))
    out = tmp_path / "run"
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
    proc = subprocess.run([sys.executable, "-m", "classifier.cli", "ablate", str(tmp_path / "tiny.toml"),
                           "--seeds", "0", "--backend", "ray", "--ray-address", head_node,
                           "--out", str(out)], capture_output=True, text=True, env=env, timeout=800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"Ray: {head_node}, 1 CPUs" in proc.stderr
    results = json.loads((out / "results.json").read_text())
    assert [r["run_id"] for r in results["runs"]] == ["char.seed0", "kmer-logreg-3.seed0"]
    assert results["runs"][0]["metrics"]["accuracy"] > 0  # a real model's whole-test-set score
    assert (out / "runs" / "char.seed0" / "model" / "model.safetensors").stat().st_size > 10_000
    assert json.loads((out / "ablation.json").read_text())["config"]["ray_address"] == head_node
    assert not list((out / "runs").glob(".*"))  # nothing half-written came back


def test_an_unreachable_ray_client_address_is_one_line(tmp_path):
    _write_data(tmp_path)
    (tmp_path / "tiny.toml").write_text(TOML)
    (port,) = _free_ports(1)
    proc = subprocess.run([sys.executable, "-m", "classifier.cli", "ablate", str(tmp_path / "tiny.toml"),
                           "--backend", "ray", "--ray-address", f"ray://127.0.0.1:{port}",
                           "--out", str(tmp_path / "run")], capture_output=True, text=True,
                          env=dict(os.environ, RAY_USAGE_STATS_ENABLED="0"), timeout=600)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert f"cannot connect to Ray at ray://127.0.0.1:{port}" in proc.stderr
    assert "Traceback" not in proc.stderr and "Warning" not in proc.stderr
    assert not (tmp_path / "run").exists()  # connected before anything was written
