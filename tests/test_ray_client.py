"""`classify ablate --backend ray --ray-address ray://HOST:PORT`: a grid sent through Ray
Client to a real head node that `ray start --head --block` runs beside the test, with its
own ports and session folder, stopped (all its processes) when the test ends."""

from __future__ import annotations

import json
import os
import secrets
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


def _env(**extra) -> dict:
    return dict(os.environ, RAY_USAGE_STATS_ENABLED="0", **extra)


@pytest.fixture
def head_node():
    """A 1-CPU Ray head with a Ray Client server and token authentication (Ray >= 2.59 turns
    it on by default, with a token in ~/.ray that Ray Client does not send unless told);
    yields the ``ray://`` address and the environment a driver needs to connect."""
    gcs, client = _free_ports(2)
    temp = tempfile.mkdtemp(prefix="rayc", dir="/tmp")  # socket paths must stay < 108 bytes
    env = _env(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(16))
    log = Path(temp) / "ray-start.log"  # a file, not a pipe nobody reads (it would fill and block)
    with open(log, "w") as out:
        proc = subprocess.Popen([_ray_bin(), "start", "--head", "--block", "--port", str(gcs),
                                 "--ray-client-server-port", str(client), "--num-cpus", "1",
                                 "--include-dashboard", "false", "--temp-dir", temp,
                                 "--disable-usage-stats"],
                                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        _wait_for_port(client, proc, log, 240)
        yield f"ray://127.0.0.1:{client}", env
    finally:
        proc.send_signal(signal.SIGTERM)  # --block: stops every process it started
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        shutil.rmtree(temp, ignore_errors=True)


def _ablate_on(address: str, folder: Path, toml: str, env: dict) -> subprocess.CompletedProcess:
    """`classify ablate` in a fresh interpreter (no Ray connection of this process's tests)."""
    _write_data(folder)
    (folder / "tiny.toml").write_text(toml)
    return subprocess.run([sys.executable, "-m", "classifier.cli", "ablate", str(folder / "tiny.toml"),
                           "--seeds", "0", "--backend", "ray", "--ray-address", address,
                           "--out", str(folder / "run")], capture_output=True, text=True,
                          env=env, timeout=800)


def test_a_grid_runs_through_ray_client(head_node, tmp_path):
    address, env = head_node
    proc = _ablate_on(address, tmp_path, TOML.replace('["char", "bpe:40"]', '["char"]'), env)
    out = tmp_path / "run"
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"Ray: {address}, 1 CPUs" in proc.stderr
    results = json.loads((out / "results.json").read_text())
    assert [r["run_id"] for r in results["runs"]] == ["char.seed0", "kmer-logreg-3.seed0"]
    for run in results["runs"]:  # each run scored on the whole test split (16 reads)
        assert sum(map(sum, run["confusion"]["matrix"])) == 16, run["run_id"]
    assert (out / "runs" / "char.seed0" / "model" / "model.safetensors").stat().st_size > 10_000
    assert json.loads((out / "ablation.json").read_text())["config"]["ray_address"] == address
    assert not list((out / "runs").glob(".*"))  # nothing half-written came back


def test_an_unreachable_ray_client_address_is_one_line(tmp_path):
    (port,) = _free_ports(1)
    env = {k: v for k, v in _env().items() if k != "RAY_AUTH_MODE"}
    proc = _ablate_on(f"ray://127.0.0.1:{port}", tmp_path, TOML, env)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert f"cannot connect to Ray at ray://127.0.0.1:{port}" in proc.stderr
    assert "RAY_AUTH_MODE=token" in proc.stderr  # the likely cause on Ray >= 2.59, named
    assert "Traceback" not in proc.stderr and "Warning" not in proc.stderr
    assert not (tmp_path / "run").exists()  # connected before anything was written
