"""Registry: the table matches the mirror's MANIFEST; fetch by mirror and by HTTP; checksums."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from corpora import ChecksumError
from corpora.registry import DATASETS, DatasetError, dataset_files, fetch
from labkit.checksum import sha256_file


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    """Each test names its mirror, cache and base URL itself."""
    for var in ("CORPORA_MIRROR", "CORPORA_CACHE", "CORPORA_BASE_URL"):
        monkeypatch.delenv(var, raising=False)


def _corrupt_mirror(mirror: Path, tmp_path: Path, name: str, victim: str) -> Path:
    bad = tmp_path / "bad-mirror"
    for f in DATASETS[name].files:
        dest = bad / f.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror / f.path, dest)
    with open(bad / victim, "ab") as fh:
        fh.write(b"A")
    return bad


def test_registry_matches_the_mirror_manifest(mirror):
    rows = [line.split("\t") for line in (mirror / "MANIFEST.tsv").read_text().splitlines()[1:]]
    manifest = {r[0]: r for r in rows if r and r[0]}
    ours = {f.path: f for ds in DATASETS.values() for f in ds.files}
    assert set(ours) == set(manifest)
    for path, (_, origin, sha, size) in manifest.items():
        f = ours[path]
        repo_at, remote = origin.split(":", 1)
        repo, commit12 = repo_at.split("@")
        assert (f.repo, f.commit[:12], f.remote, f.sha256, f.size) == (repo, commit12, remote, sha, int(size))
        assert len(f.commit) == 40 and f.commit in (mirror / "README.md").read_text()
    for ds in DATASETS.values():
        assert ds.licence and ds.citation and ds.description


def test_fetch_from_mirror_into_cache(mirror, tmp_path):
    root = fetch("raptgen-sim", cache_dir=tmp_path / "cache", mirror=mirror)
    for f in DATASETS["raptgen-sim"].files:
        assert sha256_file(root / f.path) == f.sha256
    before = (root / "raptgen-sim/multiple_sequences.txt").stat().st_mtime_ns
    fetch("raptgen-sim", cache_dir=tmp_path / "cache", mirror=mirror)  # already there: kept
    assert (root / "raptgen-sim/multiple_sequences.txt").stat().st_mtime_ns == before
    files = dataset_files("raptgen-sim", mirror=mirror)
    assert files["raptgen-sim/paired_motif.txt"] == mirror / "raptgen-sim/paired_motif.txt"


def test_wrong_checksum_in_mirror_is_an_error_and_leaves_nothing(mirror, tmp_path):
    victim = "raptgen-sim/paired_sequences.txt"
    bad = _corrupt_mirror(mirror, tmp_path, "raptgen-sim", victim)
    expected = next(f.sha256 for f in DATASETS["raptgen-sim"].files if f.path == victim)
    cache = tmp_path / "cache"
    with pytest.raises(ChecksumError) as err:
        fetch("raptgen-sim", cache_dir=cache, mirror=bad)
    msg = str(err.value)
    assert str(bad / victim) in msg and expected in msg and sha256_file(bad / victim) in msg
    assert "\n" not in msg
    assert not (cache / victim).exists()
    assert not [p for p in (cache / "raptgen-sim").iterdir() if p.name.endswith(".tmp")]
    with pytest.raises(ChecksumError, match="paired_sequences.txt"):
        dataset_files("raptgen-sim", mirror=bad)


def test_mirror_missing_file_and_unknown_name(tmp_path):
    with pytest.raises(DatasetError, match="laid out like shared/datasets"):
        dataset_files("nrc", mirror=tmp_path)
    with pytest.raises(DatasetError, match="unknown data set 'nope'; known: alx4-htselex, aptacom, "):
        fetch("nope", cache_dir=tmp_path)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def http_origin(tmp_path):
    """A local HTTP server laid out like raw.githubusercontent.com (OWNER/NAME/COMMIT/PATH)."""
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(_Quiet, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _publish(mirror: Path, served: Path, name: str) -> None:
    for f in DATASETS[name].files:
        dest = served / f.repo / f.commit / f.remote
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror / f.path, dest)


def test_download_over_http_checks_sha256(mirror, tmp_path, http_origin):
    served, base = http_origin
    _publish(mirror, served, "raptgen-sim")
    cache = tmp_path / "cache"
    root = fetch("raptgen-sim", cache_dir=cache, base_url=base)
    assert root == cache
    for f in DATASETS["raptgen-sim"].files:
        assert sha256_file(cache / f.path) == f.sha256
    # a changed file at the origin: error naming the URL, nothing saved
    f = DATASETS["raptgen-sim"].files[1]
    (served / f.repo / f.commit / f.remote).write_text("ACGT\n")
    (cache / f.path).unlink()
    with pytest.raises(ChecksumError, match=f"{base}/{f.repo}/{f.commit}/{f.remote}: sha256 "):
        fetch("raptgen-sim", cache_dir=cache, base_url=base)
    assert not (cache / f.path).exists()
    assert not [p for p in (cache / "raptgen-sim").iterdir() if p.name.endswith(".tmp")]


def test_download_errors_are_one_line(tmp_path, http_origin, monkeypatch):
    _, base = http_origin
    monkeypatch.setenv("CORPORA_BASE_URL", base)  # the environment variable works too
    with pytest.raises(DatasetError, match=r"CHK2.json: download failed \(HTTP 404 File not found\); use --mirror DIR"):
        fetch("chk2-aptamer", cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache" / "chk2-aptamer" / "CHK2.json").exists()


def test_data_sets_without_a_task_read_through_the_registry(mirror):
    from corpora import ReadReport, read_records
    from corpora.splits import verbatim_overlap

    f = dataset_files("nrc-original", mirror=mirror)
    train_path = f["nrc-original/dataset_Rfam_6320_13classes.fasta"]
    train = list(read_records(train_path, iupac="keep"))
    test = list(read_records(f["nrc-original/dataset_Rfam_validated_2600_13classes.fasta"], iupac="keep"))
    assert (len(train), len(test), len({r.label for r in train})) == (6320, 2600, 13)
    assert (train[0].id, train[0].label) == ("RF00001_AF095839_1_346-228", "5S_rRNA")
    assert verbatim_overlap(train, test) == 347
    rep = ReadReport()
    assert len(list(read_records(train_path, iupac="drop", report=rep))) == 6320 - 159
    assert rep.dropped_ambiguous == 159
    tgm2 = list(read_records(dataset_files("tgm2-selex", mirror=mirror)["tgm2-selex/datasetC_x_z.csv"]))
    assert len(tgm2) == 38513 and {len(r.seq) for r in tgm2} == {30}
    raptgen = dataset_files("raptgen-sim", mirror=mirror)
    motifs = [r.seq for r in read_records(raptgen["raptgen-sim/multiple_motifs.txt"])]
    assert len(motifs) == 10 and motifs[0] == "ACTACCCCTC"
    paired = list(read_records(raptgen["raptgen-sim/paired_sequences.txt"], label_column=0,
                               label_from="column"))
    assert len(paired) == 5000
