"""Benchmark: read and exact-dedup a generated 1-million-read FASTQ.gz.

Generates random 40-nt reads (a share of them copies of earlier reads) into a
temporary folder, then times, each step in its own process:

1. Biopython's bare FASTQ parser over the gzip file (the floor for reading);
2. ``corpora.read_records`` (parse, normalise, check ids), counting records;
3. the same with the duplicate-id check (``check_ids=True``; off by default for FASTQ,
   whose ids would otherwise grow with every read);
4. ``read_records(check_ids=False)`` + ``dedup_exact``, counting unique reads.

Each step runs in a fresh process and records its wall and CPU time and its
peak resident set size (``ru_maxrss``). Reading streams: with
``check_ids=False`` memory stays flat, and dedup adds only the unique reads.
Results go to ``benchmarks/results/read.json`` and ``read.md``.

    .venv/bin/python benchmarks/bench_read.py            # 1,000,000 reads
    .venv/bin/python benchmarks/bench_read.py --reads 100000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpora import __version__, dedup_exact, read_records  # noqa: E402
from labkit.atomic import atomic_write  # noqa: E402
from corpora.dedup import DedupReport  # noqa: E402


def generate(path: Path, n: int, length: int, dup_fraction: float, seed: int) -> None:
    """Write ``n`` FASTQ reads; about ``dup_fraction`` of them repeat an earlier read."""
    import numpy as np

    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)
    n_unique = n - int(n * dup_fraction)
    uniq = letters[rng.integers(0, 4, size=(n_unique, length))]
    order = np.concatenate([np.arange(n_unique), rng.integers(0, n_unique, size=n - n_unique)])
    rng.shuffle(order)
    qual = b"I" * length
    with gzip.open(path, "wb", compresslevel=1) as fh:
        for start in range(0, n, 100_000):
            chunk = []
            for k, i in enumerate(order[start:start + 100_000], start):
                chunk.append(b"@read%d\n%s\n+\n%s\n" % (k, uniq[i].tobytes(), qual))
            fh.write(b"".join(chunk))


def _step(name: str, path: Path) -> dict:
    """Run one timed step in this (fresh) process; peak RSS is this process's own."""
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall0, cpu0 = time.perf_counter(), time.process_time()
    extra = {}
    if name == "biopython":
        from Bio.SeqIO.QualityIO import FastqGeneralIterator
        with gzip.open(path, "rt") as fh:
            n = sum(1 for _ in FastqGeneralIterator(fh))
    elif name == "read":
        n = sum(1 for _ in read_records(path, alphabet="dna"))
    elif name == "read_no_id_check":
        n = sum(1 for _ in read_records(path, alphabet="dna", check_ids=True))
    elif name == "dedup":
        rep = DedupReport()
        extra["unique"] = sum(1 for _ in dedup_exact(read_records(path, alphabet="dna",
                                                                  check_ids=False), rep))
        n = rep.seen
    else:
        raise ValueError(name)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    return {"step": name, "reads": n, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "reads_per_cpu_s": round(n / cpu), "reads_per_wall_s": round(n / wall),
            "rss_start_mib": round(rss0, 1), "peak_rss_mib": round(rss, 1), **extra}


STEPS = {
    "biopython": "Biopython FASTQ parser only (floor)",
    "read": "`read_records` (parse, normalise; FASTQ ids are not kept by default)",
    "read_no_id_check": "`read_records(check_ids=True)` (every id kept to rename duplicates)",
    "dedup": "`read_records(check_ids=False)` + `dedup_exact`",
}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reads", type=int, default=1_000_000)
    ap.add_argument("--length", type=int, default=40)
    ap.add_argument("--dup-fraction", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--generate-only", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--step", nargs=2, metavar=("NAME", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.generate_only:
        generate(args.generate_only, args.reads, args.length, args.dup_fraction, args.seed)
        return {}
    if args.step:
        print(json.dumps(_step(args.step[0], Path(args.step[1]))))
        return {}

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reads.fastq.gz"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--generate-only", str(path), "--reads",
                        str(args.reads), "--length", str(args.length), "--dup-fraction",
                        str(args.dup_fraction), "--seed", str(args.seed)], check=True)
        gen_s = time.perf_counter() - t0
        size = path.stat().st_size
        steps = {}
        for name in STEPS:
            out = subprocess.run([sys.executable, __file__, "--step", name, str(path)],
                                 check=True, capture_output=True, text=True).stdout
            steps[name] = json.loads(out.strip().splitlines()[-1])
            print(f"{name}: {steps[name]}", file=sys.stderr)
    assert all(s["reads"] == args.reads for s in steps.values()), steps
    unique = steps["dedup"]["unique"]
    result = {
        "benchmark": "read + exact dedup of a generated FASTQ.gz",
        "reads": args.reads, "read_length": args.length, "unique_reads": unique,
        "file_bytes_gz": size, "generate_s": round(gen_s, 2), "steps": steps,
        "note": "each step runs in a fresh process: peak_rss_mib is that process's maximum "
                "resident set size; rss_start_mib is after imports. cpu_s is process CPU time "
                "(the wall time depends on other load on the machine).",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    "load_avg_1min": round(os.getloadavg()[0], 2)},
        "corpora_version": __version__, "seed": args.seed,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    with atomic_write(args.out / "read.json") as fh:
        json.dump(result, fh, indent=2)
        fh.write("\n")
    rows = "".join(
        f"| {STEPS[k]} | {s['cpu_s']:.2f} | {s['wall_s']:.2f} | {s['reads_per_cpu_s']:,} | "
        f"{s['reads_per_wall_s']:,} | {s['peak_rss_mib']} (start {s['rss_start_mib']}) |\n"
        for k, s in steps.items())
    with atomic_write(args.out / "read.md") as fh:
        fh.write(f"# Reading and deduplicating {args.reads:,} reads of {args.length} nt (FASTQ.gz)\n\n"
                 f"Generated file: {size / 2**20:.1f} MiB gzip, {unique:,} unique reads "
                 f"({args.dup_fraction:.0%} copies). {result['machine']['cpus']} CPUs shared with "
                 f"other work (1-min load {result['machine']['load_avg_1min']}), Python "
                 f"{result['machine']['python']}. Each step in a fresh process.\n\n"
                 "| step | CPU s | wall s | reads/CPU-s | reads/wall-s | peak RSS MiB |\n"
                 "|---|---|---|---|---|---|\n" + rows)
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
