"""The public data sets we use: where each file comes from, its sha256 and licence.

:func:`fetch` downloads a data set's files from their raw GitHub address at a
pinned commit into a cache folder, or copies them from a *mirror* (a local
folder laid out like ``../shared/datasets``), and checks every sha256. A wrong
checksum raises :class:`~corpora.errors.ChecksumError` and leaves no file.

>>> DATASETS["nrc"].files[0].url()
'https://raw.githubusercontent.com/bioinformatics-sannio/ncrna-deep/1137b26e9c2470dd721ce7feda5fb290f2e1fea1/datasets/nRC-public/dataset_nRC_train.fasta'
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from labkit.atomic import atomic_write
from labkit.checksum import CHUNK, sha256_file
from .errors import ChecksumError, LabError

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://raw.githubusercontent.com"


class DatasetError(LabError):
    """An unknown data set, a missing mirror file or a failed download."""


@dataclass(frozen=True)
class DataFile:
    """One file: its path in the mirror/cache, and its origin."""

    path: str  # relative to the mirror or cache root, e.g. "nrc/train.fasta"
    repo: str  # OWNER/NAME on GitHub
    commit: str  # full 40-character commit
    remote: str  # path inside the repository
    sha256: str
    size: int

    def url(self, base_url: str | None = None) -> str:
        base = (base_url or os.environ.get("CORPORA_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        return f"{base}/{self.repo}/{self.commit}/{self.remote}"


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    licence: str
    citation: str
    files: tuple[DataFile, ...]


def _files(repo: str, commit: str, *rows: tuple[str, str, str, int]) -> tuple[DataFile, ...]:
    return tuple(DataFile(path, repo, commit, remote, sha, size) for path, remote, sha, size in rows)


_NRC = "bioinformatics-sannio/ncrna-deep", "1137b26e9c2470dd721ce7feda5fb290f2e1fea1"
_NRC_ORIG = "IcarPA-TBlab/nrc", "fc89b13d1278d0e23e34b2e94cc89c3fe913bf9d"
_ALX4 = "OrensteinLab/DeepSELEX", "b7fe36939b314194082eee488ba853202ff4273c"
_APTADIFF = "wz-create/AptaDiff", "ff2719c7840c18d2b912fd9fa4953ca5bd0f5602"
_FAT = "Graph-and-Geometric-Learning/Frame-Averaging-Transformer", "19ae902a5770fffc9c62244673695f7eb6dc6414"
_PYAPT = "gc-os-ai/pyaptamer", "535c73024d1ac87fa7b7054bff7d89a370afb6ed"
_RAPTGEN = "hmdlab/raptgen", "b55d13a776f99da9eea3dab98eb525cb1fea815c"
_ALX4_SHA = (
    "0548d7798a16c3687d961e41e39f889c5ad0d7cabfb2bcc9eb7dc8832f577f95",
    "5cf90b5e4118dc92e8f3186ce5c429febe128a1791503195ab6618ae7e0a2cf7",
    "e8e8dab0536bd92e04c14cdb7adbef9d27b52a11c40e208f8aefbdeaa920235d",
    "74b5ee2558303b1548552ace7f5a5c4d7f7279b25c63dbdc74535083581b05eb",
    "99d48ac50ae8a3d2782717e6ac122b4d98381ea8c59f1743133bbc4fb5fc73cd",
)

DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("nrc", "nRC ncRNA families: 13 Rfam classes, 6160 train / 2529 test, IUPAC letters "
            "removed, DNA alphabet", "Apache-2.0",
            "Fiannaca et al., nRC: non-coding RNA Classifier based on structural features, "
            "BioData Mining 10:27 (2017); files from bioinformatics-sannio/ncrna-deep",
            _files(*_NRC,
                   ("nrc/train.fasta", "datasets/nRC-public/dataset_nRC_train.fasta",
                    "0d719644fbe303722d5b9e6a13383d538f15f7399c5c0d0078c90a6a8f54e3bb", 1060806),
                   ("nrc/test.fasta", "datasets/nRC-public/dataset_nRC_test.fasta",
                    "4fd25ce9fe8e9188f0a68b508ed734f8d247cef88bb883e03b07c57757948cd1", 399949))),
    Dataset("nrc-original", "The original nRC files, 6320 train / 2600 test, with IUPAC letters",
            "GPL-3.0", "Fiannaca et al., BioData Mining 10:27 (2017); files from IcarPA-TBlab/nrc",
            _files(*_NRC_ORIG,
                   ("nrc-original/dataset_Rfam_6320_13classes.fasta",
                    "data/ECCB2017/dataset_Rfam_6320_13classes.fasta",
                    "ee6b760f4a31e79fa78a25528d0bae10b672ecdd640efaa3816a27a4e1b4f019", 1335121),
                   ("nrc-original/dataset_Rfam_validated_2600_13classes.fasta",
                    "data/ECCB2017/dataset_Rfam_validated_2600_13classes.fasta",
                    "4af288aa17dc5cbe05aecd49bce23462610831f495cc5adf1006c1bfd577b8f2", 513679))),
    Dataset("alx4-htselex", "HT-SELEX against ALX4, rounds 0-4, 15,000 unique 20-nt reads each",
            "none stated", "Jolma et al., DNA-binding specificities of human transcription "
            "factors, Cell 152:327-339 (2013); files from OrensteinLab/DeepSELEX",
            _files(*_ALX4, *((f"alx4-htselex/ALX4_TGTGTC20NGA_W_{r}.txt",
                              f"demo_data/ALX4_TGTGTC20NGA_W_{r}.fastq", _ALX4_SHA[r], 315000)
                             for r in range(5)))),
    Dataset("igfbp3-selex", "DNA aptamer SELEX against IGFBP3: 13,803 36-nt regions with "
            "round-6 counts (seq,p6)", "none stated", "AptaDiff data set A; files from wz-create/AptaDiff",
            _files(*_APTADIFF, ("igfbp3-selex/datasetA_IGFBP3_P6.csv", "data/raw_data/datasetA_IGFBP3_P6.csv",
                                "ec970c478aaba1aa089ecbaf7f5bc8aa7a11f6eacd0f7b3d3c418de6a27e8c77", 546110))),
    Dataset("tgm2-selex", "38,513 unique 30-nt reads from a SELEX against TGM2 (unlabelled)",
            "none stated", "RaptGen real data (Iwano et al., Nat Comput Sci 2022) as shipped by "
            "wz-create/AptaDiff",
            _files(*_APTADIFF, ("tgm2-selex/datasetC_x_z.csv", "data/diffusion_data/datasetC_x_z.csv",
                                "ec97eda3927021bbaa76f4fc89a6a99e836fd77b5dd03166df65b973408476dd", 2138290))),
    Dataset("chk2-aptamer", "10,000 72-nt RNA aptamers screened against CHK2, with count-like scores",
            "none stated", "files from Graph-and-Geometric-Learning/Frame-Averaging-Transformer",
            _files(*_FAT, ("chk2-aptamer/CHK2.json", "dataset/aptamer/raw/CHK2.json",
                           "ca57a98cdef186c2ed3efd5deab0629692b9fcf35ae503509e7f27c177e7e559", 1370176))),
    Dataset("aptacom", "AptaCom: 5,556 published aptamers with messy metadata (target_chemistry)",
            "BSD-3-Clause", "AptaCom03 as shipped by gc-os-ai/pyaptamer",
            _files(*_PYAPT, ("aptacom/AptaCom03.csv", "pyaptamer/datasets/data/AptaCom03.csv",
                             "3a2e54e79110dd5e1713c69eae1574327d70f2220fe6d9fee3f37f20653e706f", 2036965))),
    Dataset("raptgen-sim", "RaptGen simulated SELEX: 10,000 reads with one of 10 planted motifs, "
            "5,000 reads with a split motif", "MIT",
            "Iwano et al., Generative aptamer discovery using RaptGen, Nat Comput Sci 2:378-386 "
            "(2022); files from hmdlab/raptgen",
            _files(*_RAPTGEN,
                   ("raptgen-sim/multiple_motifs.txt", "data/simulation/multiple/motifs.txt",
                    "410837f7cddd83fffdc96956276c585ae86ca9f1d7f44f8eea0420f400fa4206", 110),
                   ("raptgen-sim/multiple_sequences.txt", "data/simulation/multiple/seqences.txt",
                    "d543fd27ab131a387a03d523e49df80ec3b89d028f300f025451b6fa987217da", 330000),
                   ("raptgen-sim/paired_motif.txt", "data/simulation/paired/motif.txt",
                    "d0ec576724788bd05f7638f710c650672ee1ed3993e102b62034cea1ad318c39", 11),
                   ("raptgen-sim/paired_sequences.txt", "data/simulation/paired/sequences.txt",
                    "b1c293152c7e4022f542a70e15f53838888425a991800f60b66ff350ad42cede", 165000))),
)}

_VERIFIED: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> sha256, this process


def default_cache_dir() -> Path:
    """``$CORPORA_CACHE`` or ``~/.cache/aptamer-tokenizer-lab``."""
    env = os.environ.get("CORPORA_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "aptamer-tokenizer-lab"


def default_mirror() -> Path | None:
    """``$CORPORA_MIRROR`` if set, else ``None``."""
    env = os.environ.get("CORPORA_MIRROR")
    return Path(env) if env else None


def get_dataset(name: str) -> Dataset:
    if name not in DATASETS:
        raise DatasetError(f"unknown data set {name!r}; known: {', '.join(sorted(DATASETS))}")
    return DATASETS[name]


def _verified(path: Path, f: DataFile) -> bool:
    """True when ``path`` holds the right bytes; raises ChecksumError when it does not."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    found = _VERIFIED.get(key) or sha256_file(path)
    if found != f.sha256:
        raise ChecksumError(f"{path}: sha256 {found} does not match the registry's "
                            f"{f.sha256} for {f.path}; the copy is damaged or changed")
    _VERIFIED[key] = found
    return True


def _copy_checked(stream, dest: Path, f: DataFile, origin: str) -> None:
    """Write ``stream`` to ``dest`` atomically, failing (no file left) on a wrong sha256."""
    h = hashlib.sha256()
    with atomic_write(dest, "wb") as out:
        while chunk := stream.read(CHUNK):
            h.update(chunk)
            out.write(chunk)
        found = h.hexdigest()
        if found != f.sha256:
            raise ChecksumError(f"{origin}: sha256 {found} does not match the registry's "
                                f"{f.sha256} for {f.path}; nothing was saved")


def dataset_files(name: str, mirror: str | Path | None = None, cache_dir: str | Path | None = None,
                  base_url: str | None = None) -> dict[str, Path]:
    """Checked local paths of a data set's files, by their registry path.

    With a mirror (argument or ``$CORPORA_MIRROR``) the mirror's files are
    checked and used in place; otherwise they are fetched into the cache.
    """
    ds = get_dataset(name)
    mirror = Path(mirror) if mirror is not None else default_mirror()
    if mirror is None:
        root = fetch(name, cache_dir=cache_dir, base_url=base_url)
        return {f.path: root / f.path for f in ds.files}
    out = {}
    for f in ds.files:
        src = mirror / f.path
        if not src.is_file():
            raise DatasetError(f"{src}: not found; a mirror must be laid out like "
                               f"shared/datasets (expected {f.path} under {mirror})")
        _verified(src, f)
        out[f.path] = src
    return out


def fetch(name: str, cache_dir: str | Path | None = None, mirror: str | Path | None = None,
          base_url: str | None = None) -> Path:
    """Put a data set's checked files in the cache; returns the cache root.

    Files already in the cache with the right sha256 are kept. A mirror
    (argument or ``$CORPORA_MIRROR``) is copied from instead of downloading;
    ``base_url`` (or ``$CORPORA_BASE_URL``) replaces the GitHub raw address.
    """
    ds = get_dataset(name)
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    mirror = Path(mirror) if mirror is not None else default_mirror()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatasetError(f"{root}: cannot create the cache folder ({exc.strerror or exc}); "
                           "choose another with --cache-dir or CORPORA_CACHE") from None
    for f in ds.files:
        dest = root / f.path
        if dest.is_file():
            try:
                _verified(dest, f)
                continue
            except ChecksumError:
                log.warning("%s: cached copy is damaged; fetching it again", dest)
        if mirror is not None:
            src = mirror / f.path
            if not src.is_file():
                raise DatasetError(f"{src}: not found; a mirror must be laid out like "
                                   f"shared/datasets (expected {f.path} under {mirror})")
            log.info("copying %s from %s", f.path, mirror)
            try:
                with open(src, "rb") as stream:
                    _copy_checked(stream, dest, f, str(src))
                shutil.copystat(src, dest)
            except OSError as exc:
                raise DatasetError(f"{dest}: cannot copy from {src} ({exc.strerror or exc})") from None
        else:
            url = f.url(base_url)
            log.info("downloading %s", url)
            try:
                with urllib.request.urlopen(url, timeout=60) as stream:
                    _copy_checked(stream, dest, f, url)
            except (urllib.error.URLError, OSError) as exc:
                reason = (f"HTTP {exc.code} {exc.reason}" if isinstance(exc, urllib.error.HTTPError)
                          else getattr(exc, "reason", exc))
                raise DatasetError(f"{url}: download failed ({reason}); use --mirror DIR or "
                                   "set CORPORA_MIRROR to read a local copy") from None
        _verified(dest, f)
    return root
